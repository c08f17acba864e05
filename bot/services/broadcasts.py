"""Broadcasts: who receives one, and the progress message that counts deliveries as they happen.

A confirmed broadcast is a `broadcasts` row plus one outbox item per recipient, each tagged
`bc:<id>`, after a progress message to the staff member tagged `bcp:<id>`; the rate-limited
sender delivers them. `BroadcastProgress` is the sender's `on_sent` hook: it counts each delivered
message in the row (atomically) and edits the progress message — at most once a second, and
always when the count reaches the total — so staff watch "Sent 230 of 500" climb to 500.
Its `undelivered` is the sender's `on_failed` hook: it counts the messages that fail for good (the
person blocked the bot, Telegram refused, or the sender ran out of attempts), so the progress
still reaches the total and says how many could not be reached.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core import effects as fx
from bot.core.effects import EditText, Effect, SendText
from bot.core.models import Person, Role
from bot.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.core.programs import Program
from bot.core.staff import Broadcast
from bot.i18n import Catalogs, Translator

log = logging.getLogger(__name__)

AUDIENCES = {
    "mentees": (Role.MENTEE,),
    "mentors": (Role.MENTOR,),
    "all": (Role.MENTEE, Role.MENTOR),
}
ITEM_TAG = "bc:"
PROGRESS_TAG = "bcp:"
EDIT_EVERY = timedelta(seconds=1)

SentCallback = Callable[[Effect, fx.Sent], Awaitable[None]]


async def recipients(uow: UnitOfWork, program: str, audience: str) -> list[Person]:
    """Onboarded people of the program in the audience, except those who blocked the bot or
    were banned."""
    roles = AUDIENCES[audience]
    people = [
        p
        for p in await uow.staff.people([program])
        if p.is_onboarded and p.role in roles and not p.blocked_bot
    ]
    banned = await uow.staff.banned(p.id for p in people)
    return [p for p in people if p.id not in banned]


def progress_text(broadcast: Broadcast, t: Translator) -> str:
    """The progress line staff see."""
    if broadcast.done and broadcast.failed:
        return t.n_(
            "✅ Broadcast sent to {sent} of {n} person ({failed} could not be reached: "
            "they blocked the bot or left Telegram).",
            "✅ Broadcast sent to {sent} of {n} people ({failed} could not be reached: "
            "they blocked the bot or left Telegram).",
            broadcast.total,
            sent=broadcast.sent,
            failed=broadcast.failed,
        )
    if broadcast.done:
        return t.n_(
            "✅ Broadcast sent to {sent} of {n} person.",
            "✅ Broadcast sent to {sent} of {n} people.",
            broadcast.total,
            sent=broadcast.sent,
        )
    return t.n_(
        "📣 Sending the broadcast… {sent} of {n} person",
        "📣 Sending the broadcast… {sent} of {n} people",
        broadcast.total,
        sent=broadcast.sent,
    )


def from_the_team(program: Program, text: str, t: Translator) -> str:
    """A broadcast as its recipients read it: headed by the program team's name, so that it
    never looks like a message of their partner (`text` is HTML already)."""
    header = t._("📣 <b>{program} team</b>", program=program.name.get(t.language))
    return f"{header}\n\n{text}"


def broadcast_effects(
    broadcast: Broadcast,
    people: Sequence[Person],
    text: str,
    program: Program,
    catalogs: Catalogs,
    t: Translator,
) -> list[Effect]:
    """The progress message (in the staff member's language, `t`), then the message for every
    recipient, headed in their own language."""
    effects: list[Effect] = [
        SendText(
            chat_id=broadcast.staff_chat_id,
            text=progress_text(broadcast, t),
            tag=f"{PROGRESS_TAG}{broadcast.id}",
        )
    ]
    effects += [
        SendText(
            chat_id=p.chat_id,
            text=from_the_team(program, text, catalogs.translator(p.language)),
            tag=f"{ITEM_TAG}{broadcast.id}",
        )
        for p in people
    ]
    return effects


def is_broadcast(tag: str | None) -> bool:
    """True for the outbox tag of a broadcast's message to a participant."""
    return bool(tag) and str(tag).startswith(ITEM_TAG)


class BroadcastProgress:
    """The sender's `on_sent` hook for broadcasts (see the module docstring)."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        catalogs: Catalogs,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._catalogs = catalogs
        self.on_queued = on_queued

    async def __call__(self, effect: Effect, sent: fx.Sent) -> None:
        tag = effect.tag if isinstance(effect, SendText) else None
        if not tag:
            return
        if tag.startswith(PROGRESS_TAG):
            await self._progress_sent(int(tag.removeprefix(PROGRESS_TAG)), sent.message_id)
        elif tag.startswith(ITEM_TAG):
            await self._item_sent(int(tag.removeprefix(ITEM_TAG)), delivered=True)

    async def undelivered(self, effect: Effect) -> None:
        """A broadcast message failed for good (the sender gives up on it): count it, so the
        progress still reaches the total. Never raises."""
        tag = effect.tag if isinstance(effect, SendText) else None
        if not tag or not tag.startswith(ITEM_TAG):
            return
        try:
            await self._item_sent(int(tag.removeprefix(ITEM_TAG)), delivered=False)
        except Exception:
            log.exception("could not count an undelivered broadcast message")

    async def _progress_sent(self, broadcast_id: int, message_id: int | None) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            found = await uow.staff.get_broadcast(broadcast_id)
            if found is None or message_id is None:
                return
            found = await self._edit(uow, found, message_id, now)
            await uow.commit()
        self.on_queued()

    async def _item_sent(self, broadcast_id: int, *, delivered: bool) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            found = await uow.staff.count_sent(broadcast_id, delivered)
            if found is None:
                return
            due = found.progress_at is None or now - found.progress_at >= EDIT_EVERY
            edit = found.progress_message_id is not None and (found.done or due)
            if edit:
                assert found.progress_message_id is not None
                await self._edit(uow, found, found.progress_message_id, now)
            await uow.commit()
        if edit:
            self.on_queued()

    async def _edit(
        self, uow: UnitOfWork, found: Broadcast, message_id: int, now: datetime
    ) -> Broadcast:
        staff = await uow.persons.get(found.created_by)
        t = self._catalogs.translator(staff.language if staff else self._catalogs.default)
        found = replace(found, progress_message_id=message_id, progress_at=now)
        await uow.staff.update_broadcast(found)
        await uow.outbox.add(
            [
                EditText(
                    chat_id=found.staff_chat_id,
                    message_id=message_id,
                    text=progress_text(found, t),
                )
            ],
            now,
        )
        return found
