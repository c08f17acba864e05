"""People's control over their data: /mydata (an export), /forgetme (an erasure), and the
retention round that deletes old relayed-message and delivery records and conversations left
unfinished.

Forgetting someone, in one transaction: their mentorships end (each partner is told only that
the mentorship has ended, as after /block), mentors who were asked about them are told the
request is withdrawn, and `PrivacyRepository.erase` removes their profile, conversation,
curriculum rows, answers, ratings, training, requests, proposals and relayed-message records,
and every delivery record that names them. An open safeguarding report that names them is kept
(only it) until `Retention.report_days` after it is resolved. Someone who writes again later
starts afresh, as a new person; only an under-age decision is kept, so the age check cannot be
retried.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core.effects import Effect, SendDocument, SendText
from bot.core.kept import duration_words
from bot.core.models import (
    CLOSED_BY_ERASURE,
    MatchRequest,
    Pair,
    PairStatus,
    Person,
    RequestStatus,
)
from bot.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.core.privacy import Erased, Erasure, Purged, Retention, relabel
from bot.core.programs import ProgramCatalog
from bot.core.staff import DRAFT_LIFETIME
from bot.i18n import Catalogs, Html, Translator
from bot.messages.matching import PROPOSAL_PREFIX
from bot.messages.safety import new_mentor_hint
from bot.services.alerts import Staff, staff_alerts, with_organisation
from bot.services.matches import close_request
from bot.services.pairs import end_pair
from bot.services.privacy_export import export_bytes, personal_document

log = logging.getLogger(__name__)

PURGE_BATCH = 5000  # rows purged per transaction (short write locks on SQLite)


@dataclass(frozen=True)
class Forgotten:
    """What forgetting someone did, and the messages for the partners and the staff."""

    erased: Erased
    effects: list[Effect]


class Privacy:
    """The privacy service (stateless apart from its configuration)."""

    def __init__(
        self,
        catalog: ProgramCatalog,
        catalogs: Catalogs,
        staff: Staff,
        retention: Retention = Retention(),
    ) -> None:
        self.catalog = catalog
        self.catalogs = catalogs
        self.staff = staff
        self.retention = retention

    # ------------------------------------------------------------------ /mydata

    async def export(self, uow: UnitOfWork, person: Person, now: datetime) -> SendDocument:
        """Everything kept about `person`, as a JSON document for their chat."""
        records = await uow.privacy.records(person.id)
        flow = await uow.flows.get(person.id)
        if flow is not None:  # answers in progress, without the partners' names
            partners = {p.partner_of(person.id): p for p in records.pairs}
            data = flow.data
            for partner in await uow.persons.get_many(partners):
                if partner.display_name:
                    mine = partners[partner.id].mentee_id == person.id
                    label = "your mentor" if mine else "your mentee"
                    data = relabel(data, (partner.display_name,), label)
            flow = replace(flow, data=data)
        document = personal_document(person, flow, records, now=now, retention=self.retention)
        t = self.catalogs.translator(person.language)
        log.info("person %s exported their data", person.id)
        return SendDocument(
            chat_id=person.chat_id,
            filename=f"mentorbot-my-data-{now:%Y-%m-%d}.json",
            content=export_bytes(document),
            caption=t._("Everything we keep about you, as of today."),
        )

    # ------------------------------------------------------------------ /forgetme

    async def forget(self, uow: UnitOfWork, person: Person, now: datetime) -> Forgotten:
        """End the person's mentorships, tell whom it concerns, then erase them."""
        me = person.id
        records = await uow.privacy.records(me)
        ending = sorted(
            (p for p in records.pairs if p.status is not PairStatus.ENDED),
            key=lambda p: (p.started_at, p.id),
        )
        partner_ids = {p.partner_of(me) for p in records.pairs}
        partners = {p.id: p for p in await uow.persons.get_many(partner_ids)}
        effects: list[Effect] = []
        for pair in ending:
            await end_pair(uow, pair, me, CLOSED_BY_ERASURE, now)
            partner = partners.get(pair.partner_of(me))
            if partner is not None:
                effects.append(self._ended(partner, pair))
        proposals = [p for r in records.requests for p in await uow.matching.proposals_for(r.id)]
        effects += await self._withdraw_request(uow, records.requests, now)
        labels = {
            pid: self._former(partner, records.pairs, me) for pid, partner in partners.items()
        }
        staff = await self._staff_for(uow, [person.program, *(p.program for p in ending)])
        erasure = Erasure(
            person_id=me,
            chat_id=person.chat_id,
            stand_in_id=await self._stand_in_id(uow),
            at=now,
            names=(person.display_name,) if person.display_name else (),
            related_chats=frozenset({p.chat_id for p in partners.values()} | set(staff.chat_ids)),
            partner_labels=labels,
            keep_age_lock=person.is_age_locked,
            buttons=tuple(f"{PROPOSAL_PREFIX}{p.id}:" for p in proposals),
        )
        erased = await uow.privacy.erase(erasure)
        if ending or erased.held_reports:
            effects += self._alert(staff, ending, erased)
        log.info(
            "a person was forgotten (stand-in %s): %d pairs ended, %d reports held",
            erasure.stand_in_id,
            len(ending),
            len(erased.held_reports),
        )
        return Forgotten(erased, effects)

    def _ended(self, partner: Person, pair: Pair) -> SendText:
        t = self.catalogs.translator(partner.language)
        lines = [t._("Your mentorship has ended.")]
        if partner.id == pair.mentee_id:
            lines.append(new_mentor_hint(t))
        return SendText(chat_id=partner.chat_id, text="\n\n".join(lines))

    def _former(self, partner: Person, pairs: tuple[Pair, ...], me: int) -> str:
        t = self.catalogs.translator(partner.language)
        was_mentor = any(p.mentor_id == me and p.mentee_id == partner.id for p in pairs)
        return t._("your former mentor") if was_mentor else t._("your former mentee")

    async def _withdraw_request(
        self, uow: UnitOfWork, requests: Sequence[MatchRequest], now: datetime
    ) -> list[Effect]:
        """The mentee's waiting request (among `requests`) is cancelled and its pending
        proposals withdrawn (`close_request`, before the erasure deletes them); the mentors asked
        (oldest proposal first) are told there is nothing left to decide."""
        request = next((r for r in requests if r.status is RequestStatus.WAITING), None)
        if request is None:
            return []
        withdrawn = await close_request(uow, request, RequestStatus.CANCELLED, now)
        asked = [p.mentor_id for p in withdrawn]
        told: list[Effect] = []
        for mentor in await uow.persons.get_many(asked):
            t = self.catalogs.translator(mentor.language)
            told.append(
                SendText(
                    chat_id=mentor.chat_id,
                    text=t._(
                        "The person we asked you about is no longer looking for a mentor, so "
                        "there is nothing to decide. Thank you!"
                    ),
                )
            )
        return told

    @staticmethod
    async def _stand_in_id(uow: UnitOfWork) -> int:
        """A fresh negative id (Telegram user ids are positive, so it never names anyone)."""
        while True:
            candidate = -(secrets.randbelow(2**62) + 1)
            if await uow.persons.get(candidate) is None:
                return candidate

    async def _staff_for(self, uow: UnitOfWork, programs: Sequence[str | None]) -> Staff:
        """The super-admins and the staff of the organisations running `programs`."""
        chat_ids = dict.fromkeys(self.staff.chat_ids)
        for code in dict.fromkeys(programs):
            found = await with_organisation(uow, self.staff, self.catalog, code)
            chat_ids.update(dict.fromkeys(found.chat_ids))
        return replace(self.staff, chat_ids=tuple(chat_ids))

    def _alert(self, staff: Staff, ended: list[Pair], erased: Erased) -> list[Effect]:
        t = self.catalogs.translator(staff.language)
        lines = [t._("Someone asked for their data to be erased (/forgetme). It has been erased.")]
        if ended:
            lines.append(
                t._(
                    "Mentorships ended (each partner was told only that it has ended): {pairs}.",
                    pairs=Html(", ".join(self._pair_line(p, t) for p in ended)),
                )
            )
        if erased.held_reports:
            held = [t._("report #{id}", id=n) for n in erased.held_reports]
            lines.append(
                t._(
                    "Kept for safeguarding until {days} after being resolved: {reports}.",
                    reports=Html(", ".join(held)),
                    days=duration_words(t, timedelta(days=self.retention.report_days)),
                )
            )
        return staff_alerts(staff, "\n".join(lines))

    def _pair_line(self, pair: Pair, t: Translator) -> str:
        program = self.catalog.get(pair.program)
        name = program.name.get(t.language) if program else pair.program
        return t._("#{pair} ({program})", pair=pair.id, program=name)


async def retention_round(
    uows: UnitOfWorkFactory, clock: Clock, retention: Retention, batch: int = PURGE_BATCH
) -> Purged:
    """The scheduled purge: relayed-message records, finished delivery records and the message
    ids of steps (what a reply to a step is routed by) older than `retention.relay_days`, and
    held reports resolved more than `retention.report_days` ago; the words of every report
    resolved that long ago are removed; conversations left unfinished for longer than
    `retention.flow_idle` are deleted (the answers in them, a /report's details, messages the
    relay set aside), and the words typed into staff drafts that can no longer be confirmed are
    removed (what /privacy says)."""
    now = clock.now()
    before = now - timedelta(days=retention.relay_days)
    async with uows() as uow:
        links = await uow.relay.purge(before)
        steps = await uow.schedule.forget_messages(before)
        resolved_before = now - timedelta(days=retention.report_days)
        reports = await uow.privacy.release_held_reports(resolved_before)
        words = await uow.privacy.clear_report_words(resolved_before)
        await uow.commit()
    records = await _in_batches(
        uows, lambda uow: uow.privacy.purge_delivery_records(before, batch), batch
    )
    idle_before = now - retention.flow_idle
    flows = await _in_batches(
        uows, lambda uow: uow.privacy.purge_idle_flows(idle_before, batch), batch
    )
    expired_before = now - DRAFT_LIFETIME
    drafts = await _in_batches(
        uows, lambda uow: uow.privacy.purge_draft_words(expired_before, batch), batch
    )
    if links or records or reports or words or flows or drafts or steps:
        log.info(
            "retention: %d relay links, %d delivery records, %d held reports purged; "
            "words of %d resolved reports removed; %d idle conversations deleted; "
            "words of %d expired staff drafts removed; message ids of %d steps forgotten",
            links,
            records,
            reports,
            words,
            flows,
            drafts,
            steps,
        )
    return Purged(links, records, reports, words, flows, drafts, steps)


async def _in_batches(
    uows: UnitOfWorkFactory, purge: Callable[[UnitOfWork], Awaitable[int]], batch: int
) -> int:
    """Run `purge` (up to `batch` rows) in one short transaction after another until a round
    finds fewer than `batch` rows (short write locks on SQLite). How many in all."""
    total = 0
    while True:
        async with uows() as uow:
            done = await purge(uow)
            await uow.commit()
        total += done
        if done < batch:
            return total
