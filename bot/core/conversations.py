"""The core's entry point: one inbound event in, one transaction out.

For each event: serialise on the person (in-process lock, plus a row lock on PostgreSQL), skip an
`update_id` seen before, load the person and their flow, expire an idle flow, let the dispatcher
decide, then store the person, the flow and the resulting effects (the outbox) in one commit.
A crash before the commit changes nothing and the redelivered update is handled again; after it,
the sender delivers the stored effects.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.effects import Effect, SendText
from bot.core.events import BotBlocked, BotGroupStatus, BotUnblocked, Inbound, UnreadableUpdate
from bot.core.locks import KeyedLocks
from bot.core.models import FlowState, Person
from bot.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.core.turn import Turn
from bot.core.writes import apply_write
from bot.i18n import Catalogs

log = logging.getLogger(__name__)


class Dispatcher(Protocol):
    """Decides what an event means for a person: reads what it needs through the unit of work,
    and records every change on the Turn (persisted here, in the same transaction)."""

    async def dispatch(self, turn: Turn, uow: UnitOfWork) -> None: ...


PersonBlocked = Callable[[UnitOfWork, Person, datetime], Awaitable[Sequence[Effect]]]
"""What else happens when the chat app says a person blocked the bot (the relay pauses their
pairs, tells each partner and alerts staff); returns the effects to queue."""


class Conversations:
    """Handles inbound events; the transports call `handle` and nothing else."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        catalogs: Catalogs,
        dispatcher: Dispatcher,
        *,
        idle_expiry: timedelta,
        on_committed: Callable[[], None] = lambda: None,
        on_person_blocked: PersonBlocked | None = None,
    ) -> None:
        self.uows = uows
        self._clock = clock
        self._catalogs = catalogs
        self._dispatcher = dispatcher
        self._idle_expiry = idle_expiry
        self.on_committed = on_committed
        # by default, the dispatcher's own `person_blocked` (if it has one)
        self.on_person_blocked: PersonBlocked | None = on_person_blocked or getattr(
            dispatcher, "person_blocked", None
        )
        self._locks = KeyedLocks()
        self.duplicates = 0

    async def handle(self, event: Inbound) -> None:
        """Handle one event exactly once, serialised with the person's other events."""
        async with self._locks(event.user.id):
            now = self._clock.now()
            async with self.uows() as uow:
                await uow.lock_person(event.user.id)
                if not await uow.updates.claim(event.update_id, now):
                    self.duplicates += 1
                    log.info("update %s already handled; skipped", event.update_id)
                    return
                stored = await uow.persons.get(event.user.id)
                if isinstance(event, UnreadableUpdate):
                    await uow.outbox.add([self._ask_again(event, stored)], now)
                    await uow.commit()
                    self.on_committed()
                    return
                # the bot's own membership of a group counts whoever changed it (a staff group
                # lost); anything else from someone we do not know, in a group: ignored
                if stored is None and (
                    (event.group and not isinstance(event, BotGroupStatus))
                    or isinstance(event, BotBlocked | BotUnblocked)
                ):
                    await uow.commit()
                    return
                person = stored or Person(
                    id=event.user.id,
                    chat_id=event.chat_id,
                    language=self._catalogs.pick(event.user.language_code),
                    created_at=now,
                    updated_at=now,
                )
                flow = await uow.flows.get(event.user.id)
                turn = Turn(event, person, flow, self._catalogs, now)
                if flow is not None and now - flow.updated_at > self._idle_expiry:
                    turn.set_flow(None)
                    turn.expired_flow = flow.flow
                    log.info("flow %s of user %s expired", flow.flow, event.user.id)
                await self._dispatcher.dispatch(turn, uow)
                if stored is not None and event.group:  # their private chat stays theirs
                    turn.person = replace(
                        turn.person, chat_id=stored.chat_id, language=stored.language
                    )
                if not turn.forgotten and not (stored is None and event.group):
                    await self._store(uow, turn, stored, flow)  # nobody is created in a group
                await uow.outbox.add(turn.effects, now)
                await uow.commit()
        if turn.effects:
            self.on_committed()

    def _ask_again(self, event: UnreadableUpdate, stored: Person | None) -> SendText:
        """The answer to an update no one could read, in the person's language if we know
        them, else in their app's; nothing else about them is stored or changed."""
        language = stored.language if stored else self._catalogs.pick(event.user.language_code)
        t = self._catalogs.translator(language)
        text = t._("I couldn't read that message — please send it again as text.")
        return SendText(chat_id=event.chat_id, text=text)

    @staticmethod
    async def _store(
        uow: UnitOfWork, turn: Turn, stored: Person | None, flow: FlowState | None
    ) -> None:
        """Persist what the turn changed about its person."""
        if stored is None:
            await uow.persons.add(turn.person)
        elif turn.person != stored:
            await uow.persons.update(turn.person)
        if turn.flow != flow:
            if turn.flow is None:
                await uow.flows.delete(turn.person.id)
            else:
                await uow.flows.save(turn.flow)
        for write in turn.writes:
            await apply_write(uow, write)

    async def recipient_blocked(self, chat_id: int) -> None:
        """The chat app says this person blocked the bot: remember it (sends stop), then let
        `on_person_blocked` react (pausing their pairs...) in a second transaction, so a failure
        there never loses the first."""
        async with self._locks(chat_id):
            now = self._clock.now()
            async with self.uows() as uow:
                await uow.lock_person(chat_id)
                person = await uow.persons.get(chat_id)
                if person is not None and not person.blocked_bot:
                    await uow.persons.update(replace(person, blocked_bot=True, updated_at=now))
                    await uow.commit()
            if person is None or self.on_person_blocked is None:
                return
            async with self.uows() as uow:
                await uow.lock_person(chat_id)
                effects = list(await self.on_person_blocked(uow, person, now))
                await uow.outbox.add(effects, now)
                await uow.commit()
        if effects:
            self.on_committed()
