"""Safeguarding actions: reports, blocking, ending a mentorship, and the checks run on every
relayed text. Each action changes storage through the unit of work it is given and returns the
messages for the *other* people involved (the partner, the staff); the dispatcher-facing class
(`bot.handlers.safety`) talks to the person who acted.

Nothing here judges a person or holds a message back: crisis words and contact details only add
messages (resources, a reminder, a staff alert). Staff decide.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core.cases import CaseKind
from bot.core.effects import Effect, SendText
from bot.core.models import (
    CLOSED_BY_BLOCK,
    Pair,
    PairStatus,
    Person,
    RelationshipRating,
    Report,
)
from bot.core.ports import UnitOfWork
from bot.core.programs import ProgramCatalog
from bot.core.safety import ContactKind, contact_sharing
from bot.i18n import Catalogs, Translator
from bot.messages.reasons import REPORT_REASONS
from bot.messages.safety import contact_reminder, crisis_message, partner_closed_message
from bot.services.alerts import Staff, with_organisation
from bot.services.crisis import CrisisLists, crisis_report
from bot.services.inbox import CaseDesk
from bot.services.pairs import end_pair, pause_pair
from bot.services.safety_alert import (
    AlertKind,
    ContextLine,
    SafetyAlert,
    describe,
    latest_messages,
    pseudonym,
    safety_alert,
)

log = logging.getLogger(__name__)

CONTEXT_MESSAGES = 10  # the pair's latest relayed messages copied to staff with an alert
PRIORITY_REASONS = frozenset({"unsafe", "harassment"})


@dataclass(frozen=True)
class Filed:
    """What filing a report did, and the messages for the partner and the staff."""

    report: Report
    paused: bool
    effects: list[Effect]


class Safeguarding:
    """The safeguarding service (stateless apart from its configuration)."""

    def __init__(
        self, catalog: ProgramCatalog, catalogs: Catalogs, staff: Staff, crisis: CrisisLists
    ) -> None:
        self.catalog = catalog
        self.catalogs = catalogs
        self.staff = staff
        self.crisis = crisis
        self.inbox: CaseDesk | None = None  # the staff inbox (set by the dispatcher)

    @property
    def staff_t(self) -> Translator:
        """A translator in the staff's language."""
        return self.catalogs.translator(self.staff.language)

    async def _people(self, uow: UnitOfWork, pair: Pair) -> dict[int, Person]:
        return {p.id: p for p in await uow.persons.get_many({pair.mentee_id, pair.mentor_id})}

    def _program_name(self, pair: Pair, t: Translator) -> str:
        program = self.catalog.get(pair.program)
        return program.name.get(t.language) if program else pair.program

    async def _alert(
        self,
        uow: UnitOfWork,
        kind: AlertKind,
        report: Report,
        subject: Person,
        pair: Pair | None,
        summary: list[str],
        *,
        current: ContextLine | None = None,
        current_source: tuple[int, int] | None = None,
    ) -> list[Effect]:
        """The one builder of every safeguarding alert (`bot.services.safety_alert`): one
        labelled message per staff chat, with the pair's latest messages and the buttons."""
        t = self.staff_t
        lines: list[ContextLine] = []
        partner = ""
        if pair is not None:
            people = await self._people(uow, pair)
            names = {i: pseudonym(people.get(i), t) for i in (pair.mentee_id, pair.mentor_id)}
            partner = names[pair.partner_of(subject.id)]
            lines = await latest_messages(
                uow, pair, names, CONTEXT_MESSAGES, current, current_source
            )
        alert = SafetyAlert(
            kind=kind,
            report_id=report.id,
            pair_id=pair.id if pair else None,
            subject_id=subject.id,
            subject=pseudonym(subject, t),
            partner=partner,
            summary=summary,
            at=report.created_at,
            pausable=pair is not None and pair.status is PairStatus.ACTIVE,
            urgent=report.priority,
            lines=lines,
        )
        staff = await with_organisation(
            uow, self.staff, self.catalog, pair.program if pair else None
        )
        if self.inbox is not None:  # into the subject's case (a topic of the staff group)
            case = CaseKind.CRISIS if kind is AlertKind.CRISIS else CaseKind.REPORT
            return await self.inbox.post(
                uow, subject, case, report.created_at, lambda s: safety_alert(s, alert, t), staff
            )
        if not staff.chat_ids:
            log.warning("no staff to alert (set SUPERADMIN_IDS); the report is stored")
        return safety_alert(staff, alert, t)

    # ------------------------------------------------------------------ /report

    async def file_report(
        self,
        uow: UnitOfWork,
        reporter: Person,
        pair: Pair | None,
        *,
        reason: str,
        text: str,
        pause: bool,
        now: datetime,
    ) -> Filed:
        """Store a report, alert staff with the pair's latest messages, pause if asked."""
        if pair is not None and (not pair.member(reporter.id) or pair.status is PairStatus.ENDED):
            pair = None
        partner_id = pair.partner_of(reporter.id) if pair else None
        stored = await uow.safety.add_report(
            Report(
                reporter_id=reporter.id,
                pair_id=pair.id if pair else None,
                reported_id=partner_id,
                reason=reason,
                text=text,
                priority=reason in PRIORITY_REASONS,
                created_at=now,
            )
        )
        people = await self._people(uow, pair) if pair else {}
        effects: list[Effect] = []
        paused = pair is not None and pause and pair.status is PairStatus.ACTIVE
        if pair is not None and paused:
            effects += await self._pause_reported(uow, reporter, pair, people, now)
        lines = self._report_lines(reporter, pair, people, reason, text, paused)
        if paused and pair is not None:
            pair = replace(pair, status=PairStatus.PAUSED)
        effects += await self._alert(uow, AlertKind.REPORT, stored, reporter, pair, lines)
        log.info("report %s filed by %s (pair %s)", stored.id, reporter.id, stored.pair_id)
        return Filed(stored, paused, effects)

    async def _pause_reported(
        self,
        uow: UnitOfWork,
        reporter: Person,
        pair: Pair,
        people: dict[int, Person],
        now: datetime,
    ) -> list[Effect]:
        """Pause the pair a report asked to pause; the partner is told it is paused."""
        await pause_pair(uow, pair.id, now)
        partner = people.get(pair.partner_of(reporter.id))
        if partner is None:
            return []
        pt = self.catalogs.translator(partner.language)
        text_for_partner = pt._(
            "Your mentorship with {name} is paused for now. The program team will be in touch.",
            name=reporter.display_name or "",
        )
        return [SendText(chat_id=partner.chat_id, text=text_for_partner)]

    def _report_lines(
        self,
        reporter: Person,
        pair: Pair | None,
        people: dict[int, Person],
        reason: str,
        text: str,
        paused: bool,
    ) -> list[str]:
        """The summary of a report, for the staff: who reported whom, why, in their words."""
        partner_id = pair.partner_of(reporter.id) if pair else None
        t = self.staff_t
        reason_words = t._(REPORT_REASONS.get(reason, reason))
        if pair is not None and partner_id is not None:
            lines = [
                t._(
                    "{reporter} reported {partner} in {program}.",
                    reporter=describe(reporter, t),
                    partner=describe(people.get(partner_id), t),
                    program=self._program_name(pair, t),
                )
            ]
        else:
            lines = [
                t._(
                    "{reporter} sent a report not about a current mentorship.",
                    reporter=describe(reporter, t),
                )
            ]
        lines.append(t._("Reason: {reason}", reason=reason_words))
        if text:
            lines.append(t._("In their words: {text}", text=text))
        if pair is not None:
            lines.append(
                t._("The mentorship is now paused.")
                if paused
                else t._("The mentorship was not paused.")
            )
        return lines

    # ------------------------------------------------------------------ /block and /end

    async def block(
        self, uow: UnitOfWork, person: Person, pair: Pair, now: datetime
    ) -> tuple[Pair, list[Effect]]:
        """End the pair at once; the partner is told only that it ended; staff are told."""
        partner_id = pair.partner_of(person.id)
        partner = await uow.persons.get(partner_id)
        stored = await uow.safety.add_report(
            Report(
                reporter_id=person.id,
                pair_id=pair.id,
                reported_id=partner_id,
                reason=CLOSED_BY_BLOCK,
                created_at=now,
            )
        )
        t = self.staff_t
        line = t._(
            "{person} blocked {partner} in {program}. The mentorship has ended and they can no "
            "longer write to each other.",
            person=describe(person, t),
            partner=describe(partner, t),
            program=self._program_name(pair, t),
        )
        ended_pair = replace(pair, status=PairStatus.ENDED)
        effects = await self._alert(uow, AlertKind.BLOCK, stored, person, ended_pair, [line])
        ended = await end_pair(uow, pair, person.id, CLOSED_BY_BLOCK, now)
        if partner is not None:
            pt = self.catalogs.translator(partner.language)
            effects.insert(
                0, SendText(chat_id=partner.chat_id, text=pt._("Your mentorship has ended."))
            )
        log.info("pair %s ended: blocked by %s", pair.id, person.id)
        return ended, effects

    async def close(
        self, uow: UnitOfWork, person: Person, pair: Pair, reason: str, rating: int, now: datetime
    ) -> tuple[Pair, list[Effect]]:
        """End the pair with a closing reason, store the 1–5 feedback (0: none given) as a
        relationship rating, and thank the partner."""
        ended = await end_pair(uow, pair, person.id, reason, now)
        if 1 <= rating <= 5:
            await uow.safety.add_rating(
                RelationshipRating(pair_id=pair.id, person_id=person.id, rating=rating, at=now)
            )
        partner = await uow.persons.get(pair.partner_of(person.id))
        effects: list[Effect] = []
        if partner is not None:
            pt = self.catalogs.translator(partner.language)
            effects.append(
                partner_closed_message(
                    partner.chat_id, person.display_name or "", partner.id == pair.mentee_id, pt
                )
            )
        log.info("pair %s ended by %s: %s", pair.id, person.id, reason)
        return ended, effects

    # ------------------------------------------------------------------ relayed texts

    async def screen(
        self,
        uow: UnitOfWork,
        writer: Person,
        pair: Pair,
        text: str,
        *,
        message_id: int | None,
        now: datetime,
    ) -> list[Effect]:
        """Checks on a text (or caption) about to be relayed: crisis words → resources to the
        writer and a priority alert; contact details early in a match → a gentle reminder."""
        effects: list[Effect] = []
        program = self.catalog.get(pair.program)
        t = self.catalogs.translator(writer.language)
        found = self.crisis.of(pair.program).find(text, writer.language)
        if found:
            resources = program.safety.crisis_resources if program else None
            effects.append(
                crisis_message(writer.chat_id, resources.get(t.language) if resources else "", t)
            )
            effects += await self._crisis_alert(uow, writer, pair, found, text, message_id, now)
        early = program.safety.early_match_days if program else 0
        if now - pair.started_at < timedelta(days=early):
            kinds = contact_sharing(text)
            if kinds:
                effects.append(
                    contact_reminder(
                        writer.chat_id,
                        contact=bool(kinds - {ContactKind.PAYMENT}),
                        payment=ContactKind.PAYMENT in kinds,
                        t=t,
                    )
                )
        return effects

    async def _crisis_alert(
        self,
        uow: UnitOfWork,
        writer: Person,
        pair: Pair,
        found: tuple[str, ...],
        text: str,
        message_id: int | None,
        now: datetime,
    ) -> list[Effect]:
        """One labelled alert per staff chat, in the safety lane (`bot.services.safety_alert`)."""
        phrases = ", ".join(found)
        stored = await crisis_report(uow, writer, pair, phrases, now)
        t = self.staff_t
        people = await self._people(uow, pair)
        names = {i: pseudonym(people.get(i), t) for i in (pair.mentee_id, pair.mentor_id)}
        writer_name, partner = names[writer.id], names[pair.partner_of(writer.id)]
        summary = [
            t._(
                "<b>{writer}</b> wrote crisis words ({phrases}) to <b>{partner}</b> in {program}. "
                "{writer} was sent the program's crisis resources; the message was delivered.",
                writer=writer_name,
                partner=partner,
                phrases=phrases,
                program=self._program_name(pair, t),
            )
        ]
        current = ContextLine(at=now, writer=writer_name, reader=partner, words=text)
        source = (writer.chat_id, message_id) if message_id is not None else None
        log.warning("crisis words from %s in pair %s (report %s)", writer.id, pair.id, stored.id)
        alert = replace(stored, created_at=now)  # a later message adds to the report: its time
        return await self._alert(
            uow,
            AlertKind.CRISIS,
            alert,
            writer,
            pair,
            summary,
            current=current,
            current_source=source,
        )

    # ------------------------------------------------------------------ check-in ratings

    async def rate(
        self, uow: UnitOfWork, person: Person, pair_id: int, rating: int, now: datetime
    ) -> Pair | None:
        """Store a relationship rating from a member of a pair that has not ended; None (and
        nothing stored) otherwise."""
        pair = await uow.pairs.get(pair_id)
        if (
            pair is None
            or not pair.member(person.id)
            or pair.status is PairStatus.ENDED
            or not 1 <= rating <= 5
        ):
            return None
        rated = RelationshipRating(pair_id=pair.id, person_id=person.id, rating=rating, at=now)
        if not any(  # a double tap in the same instant is one answer
            r.person_id == person.id and r.at == now for r in await uow.safety.ratings(pair.id)
        ):
            await uow.safety.add_rating(rated)
        return pair
