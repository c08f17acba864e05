"""The staff inbox's use cases: open a case (a forum topic of the program's staff group, or the
staff's private chats), post into it, carry a staff member's message to the person (signed
"Program team") and the person's answer back, close and reopen.

Where a case's staff messages go (`desks`): its topic; a staff group whose topic could not be
opened gets them in its general chat *and* every staff member's private chat (nothing is lost);
without a staff group, the staff member who last wrote to the person, else every staff member
(super-admins and the organisation's staff), privately.

One open case per person and kind: a new alert, report or request about someone whose case of
that kind is open posts into it. A closed case stays closed; the next event opens a new case
(and a new topic), so that each topic is one story with one start and one end.

Every case message both ways, every opening and closing, is in the audit log: who, when, which
case (the person's pseudonym and the case's number), never the words.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.cases import Case, CaseKind, CaseStatus
from bot.core.effects import (
    CloseTopic,
    CopyMessage,
    CopyMessages,
    Effect,
    ReopenTopic,
    SendDocument,
    SendPhoto,
    SendText,
)
from bot.core.errors import DeliveryError
from bot.core.events import MediaMessage, TextMessage
from bot.core.models import Person
from bot.core.ports import Forums, UnitOfWork
from bot.core.programs import ProgramCatalog
from bot.core.staff import AuditEntry
from bot.i18n import Catalogs, Translator
from bot.messages import inbox as words
from bot.services.alerts import Staff, with_organisation
from bot.services.case_file import case_card

log = logging.getLogger(__name__)

CASE_TAG = "case:"  # + a case id: the outbox tag of a team message (its id is noted once sent,
# so that the person's reply to it goes to the case: `note_sent`)

TOPIC_TIMEOUT = 3.0  # seconds: createForumTopic within a turn (a crisis alert waits no longer)

Message = TextMessage | MediaMessage
Threaded = SendText | SendDocument | SendPhoto | CopyMessage | CopyMessages  # can go to a topic


@dataclass(frozen=True)
class Desk:
    """Where a case's staff messages go: a chat, and the topic in it (None: no topic)."""

    chat_id: int
    thread_id: int | None = None


def placed(effects: Sequence[Effect], desks: Sequence[Desk], case: Case) -> list[Effect]:
    """Effects built for the desks' chats, each sent into its desk's topic; one posted in the
    staff group carries the case's tag: a staff member's reply to it in the general chat goes
    to the case (`note_sent`), and one Telegram rejects for good goes to the staff's private
    chats instead (`bot.services.inbox_groups.CaseFallback`)."""
    threads = {d.chat_id: d.thread_id for d in desks}
    out: list[Effect] = []
    for effect in effects:
        chat = getattr(effect, "chat_id", 0)
        thread = threads.get(chat)
        if thread is not None and isinstance(effect, Threaded):
            effect = replace(effect, thread_id=thread)
        if (
            chat == case.staff_chat_id
            and isinstance(effect, SendText | CopyMessage)
            and effect.tag is None
        ):
            effect = replace(effect, tag=f"{CASE_TAG}{case.id}")
        out.append(effect)
    return out


class CaseDesk:
    """The inbox's use cases (stateless apart from configuration; `forums` asks Telegram)."""

    def __init__(
        self, programs: ProgramCatalog, catalogs: Catalogs, staff: Staff, forums: Forums
    ) -> None:
        self.programs = programs
        self.catalogs = catalogs
        self.staff = staff
        self.forums = forums

    @property
    def staff_t(self) -> Translator:
        return self.catalogs.translator(self.staff.language)

    def organisation(self, case: Case) -> str | None:
        found = self.programs.get(case.program) if case.program else None
        return found.organisation if found else None

    def program_name(self, case: Case, t: Translator) -> str:
        found = self.programs.get(case.program) if case.program else None
        return found.name.get(t.language) if found else (case.program or "—")

    async def audit(
        self,
        uow: UnitOfWork,
        case: Case,
        actor: int,
        action: str,
        person: Person | None,
        now: datetime,
    ) -> None:
        """One line of the audit log about a case: who, when, which case; never words."""
        name = words.pseudonym(person, self.staff_t)
        await uow.staff.record(
            AuditEntry(
                at=now,
                actor_id=actor,
                organisation=self.organisation(case),
                action=action,
                target=name,
                detail=f"case #{case.id} ({case.kind.value})",
            )
        )

    # -- opening ---------------------------------------------------------------------------

    async def open(
        self,
        uow: UnitOfWork,
        person: Person,
        kind: CaseKind,
        now: datetime,
        private: Staff | None = None,
    ) -> tuple[Case, list[Effect]]:
        """The person's open case of this kind, or a new one, with its first message (who,
        what, how to answer, the buttons): pinned at the top of its topic; in private chats
        only for a request to talk to the team (an alert, a report, an approval request is its
        own first message there, as before the inbox)."""
        found = await uow.cases.open_case(person.id, kind)
        if found is not None:
            return await self.current(uow, found, now, private)
        group = await uow.cases.staff_group(person.program) if person.program else None
        thread = await self._topic(group.chat_id, kind, person) if group else None
        case = await uow.cases.add(
            Case(
                person_id=person.id,
                kind=kind,
                program=person.program,
                opened_at=now,
                staff_chat_id=group.chat_id if group else None,
                thread_id=thread,
            )
        )
        await self.audit(uow, case, person.id, "case opened", person, now)
        if case.thread_id is None and kind is not CaseKind.TEAM:
            return case, []
        return case, await self._first_messages(uow, case, person, now, private)

    async def _topic(self, chat_id: int, kind: CaseKind, person: Person) -> int | None:
        """A new topic for a case (its thread id), or None when Telegram refuses or takes
        longer than `TOPIC_TIMEOUT` (the case's next post tries again: `current`)."""
        name = words.topic_name(kind, person, self.staff_t)
        try:
            return await asyncio.wait_for(self.forums.open_topic(chat_id, name), TOPIC_TIMEOUT)
        except (DeliveryError, TimeoutError) as error:
            log.warning("staff group %s: no topic for a case (%r)", chat_id, error)
            return None

    async def current(
        self, uow: UnitOfWork, case: Case, now: datetime, private: Staff | None = None
    ) -> tuple[Case, list[Effect]]:
        """The open case routed through its program's *current* staff group: moved to it (or
        to the private chats, when the program has none now); its topic opened when it has
        none yet, with the case's first messages there."""
        group = await uow.cases.staff_group(case.program) if case.program else None
        chat = group.chat_id if group else None
        if not case.is_open or (case.staff_chat_id == chat and (chat is None or case.in_topic)):
            return case, []
        person = await uow.persons.get(case.person_id)
        thread = await self._topic(chat, case.kind, person) if chat and person else None
        moved = replace(case, staff_chat_id=chat, thread_id=thread)
        if moved != case:
            await uow.cases.update(moved)
        if thread is None or person is None:
            return moved, []
        return moved, await self._first_messages(uow, moved, person, now, private)

    async def _first_messages(
        self, uow: UnitOfWork, case: Case, person: Person, now: datetime, private: Staff | None
    ) -> list[Effect]:
        """What the case is and how to answer (with "Close case"); in a topic, then the case
        file, pinned, with its buttons."""
        t = self.staff_t
        head = "\n".join(
            [
                words.case_head(case, person, self.program_name(case, t), t),
                words.answer_hint(case, words.pseudonym(person, t), t),
            ]
        )
        crisis = case.kind is CaseKind.CRISIS
        effects: list[Effect] = []
        for d in await self.desks(uow, case, private):
            if d.thread_id is None:
                buttons = words.case_buttons(case, t)
                tag = f"{CASE_TAG}{case.id}" if d.chat_id == case.staff_chat_id else None
                effects.append(
                    SendText(chat_id=d.chat_id, text=head, buttons=buttons, safety=crisis, tag=tag)
                )
                continue
            card, card_buttons = await case_card(uow, self.programs, person, t, now)
            close = ((words.close_button(case, t),),)
            effects += [
                SendText(
                    chat_id=d.chat_id,
                    text=head,
                    buttons=close,
                    thread_id=d.thread_id,
                    safety=crisis,
                ),
                SendText(
                    chat_id=d.chat_id,
                    text=card,
                    buttons=card_buttons,
                    thread_id=d.thread_id,
                    pin=True,
                    safety=crisis,
                ),
            ]
        return effects

    async def desks(self, uow: UnitOfWork, case: Case, private: Staff | None = None) -> list[Desk]:
        """Where the case's staff messages go (see the module's docstring); `private`: the
        staff chats to use instead of the organisation's (an alert's own)."""
        if case.staff_chat_id is not None and case.thread_id is not None:
            return [Desk(case.staff_chat_id, case.thread_id)]
        if private is None:
            private = await with_organisation(uow, self.staff, self.programs, case.program)
        ids = private.chat_ids
        if case.staff_chat_id is not None:
            return [Desk(case.staff_chat_id), *(Desk(i) for i in ids)]
        if case.staff_id is not None and case.staff_id in ids:  # still staff of the program
            return [Desk(case.staff_id)]
        return [Desk(i) for i in ids]

    async def post(
        self,
        uow: UnitOfWork,
        person: Person,
        kind: CaseKind,
        now: datetime,
        build: Callable[[Staff], list[Effect]],
        private: Staff | None = None,
    ) -> list[Effect]:
        """Open (or find) the person's case of this kind and post into it what `build` makes
        for the case's chats (an alert, a report, a request); `private`: the staff chats to use
        without a topic (an alert's own)."""
        case, effects = await self.open(uow, person, kind, now, private)
        desks = await self.desks(uow, case, private)
        staff = replace(self.staff, chat_ids=tuple(dict.fromkeys(d.chat_id for d in desks)))
        return [*effects, *placed(build(staff), desks, case)]

    # -- messages both ways ----------------------------------------------------------------

    async def to_person(
        self,
        uow: UnitOfWork,
        case: Case,
        person: Person,
        staff_id: int,
        message: Message,
        now: datetime,
    ) -> list[Effect]:
        """A staff member's message, to the person, signed "Program team" (never as their
        partner); a team message they can reply to."""
        t = self.catalogs.translator(person.language)
        effects = words.team_messages(person.chat_id, message, f"{CASE_TAG}{case.id}", t)
        if not case.in_topic and case.staff_id != staff_id:
            await uow.cases.update(replace(case, staff_id=staff_id))
        await self.audit(uow, case, staff_id, "team message", person, now)
        return effects

    async def to_team(
        self,
        uow: UnitOfWork,
        case: Case,
        person: Person,
        message: Message,
        now: datetime,
        *,
        routed: bool = False,
    ) -> list[Effect]:
        """The person's message, copied (never forwarded) into the case, after their name;
        `routed`: the case was just brought to its current staff group (`current`)."""
        name = words.pseudonym(person, self.staff_t)
        effects: list[Effect] = []
        if not routed:
            case, effects = await self.current(uow, case, now)
        for desk in await self.desks(uow, case):
            group = desk.chat_id == case.staff_chat_id  # a reply in the general chat: the case's
            tag = f"{CASE_TAG}{case.id}" if group else None
            effects += words.person_messages(desk.chat_id, desk.thread_id, name, message, tag)
        await self.audit(uow, case, person.id, "message to team", person, now)
        return effects

    async def ask_team(
        self,
        uow: UnitOfWork,
        person: Person,
        message: Message,
        now: datetime,
        case: Case | None = None,
    ) -> list[Effect]:
        """The person writes to the team (after /team, or a reply to a team message): into
        that case, else their open "talk to the team" case, else a new one."""
        effects: list[Effect] = []
        routed = case is None or not case.is_open
        if case is None or not case.is_open:
            reply_to = case
            case, effects = await self.open(uow, person, CaseKind.TEAM, now)
            if reply_to is not None and reply_to.staff_id is not None and not case.in_topic:
                case = replace(case, staff_id=reply_to.staff_id)
                await uow.cases.update(case)
        sent = await self.to_team(uow, case, person, message, now, routed=routed)
        return [*effects, *sent]

    # -- closing ---------------------------------------------------------------------------

    async def close(
        self, uow: UnitOfWork, case: Case, by: int, now: datetime, *, close_topic: bool
    ) -> list[Effect]:
        """Close the case (and its topic, when staff pressed "Close case"); the person is told
        nothing. Nothing happens to a case already closed."""
        closed = await uow.cases.close(case.id, now, by)
        if closed is None:
            return []
        person = await uow.persons.get(case.person_id)
        await self.audit(uow, closed, by, "case closed", person, now)
        if close_topic and closed.staff_chat_id is not None and closed.thread_id is not None:
            return [CloseTopic(chat_id=closed.staff_chat_id, thread_id=closed.thread_id)]
        return []

    async def reopen(
        self, uow: UnitOfWork, case: Case, by: int, now: datetime, *, reopen_topic: bool
    ) -> list[Effect]:
        """Reopen a closed case (its topic was reopened), unless the person has another open
        case of that kind by now (then the topic stays a record)."""
        if case.is_open or await uow.cases.open_case(case.person_id, case.kind) is not None:
            return []
        opened = replace(case, status=CaseStatus.OPEN, closed_at=None, closed_by=None)
        await uow.cases.update(opened)
        person = await uow.persons.get(case.person_id)
        await self.audit(uow, opened, by, "case reopened", person, now)
        if reopen_topic and opened.staff_chat_id is not None and opened.thread_id is not None:
            return [ReopenTopic(chat_id=opened.staff_chat_id, thread_id=opened.thread_id)]
        return []


async def note_sent(uow: UnitOfWork, effect: Effect, message_id: int | None) -> None:
    """The sender delivered a team message: remember its id in the person's chat, so that a
    reply to it goes to its case."""
    if not isinstance(effect, SendText | CopyMessage) or message_id is None:
        return
    if effect.tag and effect.tag.startswith(CASE_TAG):
        case_id = int(effect.tag.removeprefix(CASE_TAG))
        await uow.cases.note_message(case_id, effect.chat_id, message_id)
