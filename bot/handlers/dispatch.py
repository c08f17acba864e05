"""What an event means for a person: commands, buttons, answers, and sensible defaults.

It records what to save and say on the Turn and reads through the unit of work. Order of
precedence: events from a group (the staff inbox's, `bot.handlers.inbox`), blocking signals,
edits, the ban (a /forgetme button still passes), then commands and buttons looked up in the
registry (`bot.handlers.commands`): staff ones go to the staff router
first, the /forgetme flow's buttons pass too, and otherwise the age lock lets through only what
is declared for it; then the active flow, then defaults.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from bot.core.effects import Effect
from bot.core.engine import FlowEngine
from bot.core.errors import DeliveryError
from bot.core.events import (
    BotBlocked,
    BotUnblocked,
    ButtonPress,
    Command,
    Inbound,
    MediaMessage,
    MessageEdited,
    TextMessage,
)
from bot.core.languages import Languages
from bot.core.models import Person
from bot.core.ports import UnitOfWork
from bot.core.privacy import Retention
from bot.core.turn import Turn
from bot.handlers.commands import REGISTRY
from bot.handlers.entry import begin_onboarding
from bot.handlers.inbox import Inbox
from bot.handlers.matching import MatchingCommands
from bot.handlers.privacy import PrivacyCommands
from bot.handlers.registry import PersonCall, Registry
from bot.handlers.relay import Relay, Screen
from bot.handlers.safety import SafetyCommands
from bot.handlers.staff.kit import StaffServices
from bot.handlers.staff.router import StaffRouter
from bot.handlers.step_history import StepHistory
from bot.handlers.steps import PairCommands
from bot.messages.texts import locked_reply
from bot.services.alerts import Staff
from bot.services.matchmaking import Matchmaker


class MentorbotDispatcher:
    """Routes each event of a Turn; its feature handlers are what commands and buttons run."""

    engine: FlowEngine
    languages: Languages
    pair_commands: PairCommands
    steps: StepHistory
    matching: MatchingCommands
    safety: SafetyCommands
    relay: Relay
    privacy: PrivacyCommands
    staff: StaffRouter
    registry: Registry
    inbox: Inbox

    def __init__(
        self,
        engine: FlowEngine,
        languages: Languages,
        matchmaker: Matchmaker,
        *,
        staff: Staff = Staff(()),
        crisis_folder: Path | None = None,
        screen: Screen | None = None,
        retention: Retention = Retention(),
        staff_router: StaffRouter | None = None,
    ) -> None:
        """`screen` replaces the safeguarding check of relayed messages (tests only)."""
        self.engine = engine
        self.languages = languages
        self.pair_commands = PairCommands(engine)
        self.steps = StepHistory(engine.programs)
        self.matching = MatchingCommands(matchmaker)
        self.safety = SafetyCommands(engine, matchmaker.catalogs, staff, crisis_folder)
        self.relay = Relay(
            engine, matchmaker.catalogs, staff=staff, screen=screen or self.safety.screen
        )
        self.privacy = PrivacyCommands(engine, matchmaker.catalogs, staff, retention)
        self.staff = staff_router or StaffRouter(
            StaffServices(
                engine.programs, matchmaker.catalogs, staff.chat_ids, matchmaker, [], REGISTRY
            )
        )
        self.registry = self.staff.registry
        self.inbox = Inbox(self.staff, staff, engine)
        self.relay.to_team = self.inbox.reply  # a reply to a program team's message
        self.safety.service.inbox = self.inbox.desk  # alerts and reports open cases

    async def dispatch(self, turn: Turn, uow: UnitOfWork) -> None:
        """Decide and record what this event does."""
        event = turn.event
        if event.group:  # a staff supergroup: the inbox's business
            if not await self._for_us(event):
                return
            await self.inbox.group_event(turn, uow)
            return
        if isinstance(event, BotBlocked | BotUnblocked):
            turn.set_person(replace(turn.person, blocked_bot=isinstance(event, BotBlocked)))
            if isinstance(event, BotBlocked):
                turn.effects.extend(await self.relay.person_blocked(uow, turn.person, turn.now))
            return
        if isinstance(event, MessageEdited):
            await self.relay.edited(turn, uow, event)
            return
        if turn.person.blocked_bot:
            turn.set_person(replace(turn.person, blocked_bot=False))
        erasing = isinstance(event, ButtonPress) and self.privacy.owns_press(turn, event)
        if not erasing and await self.staff.banned(turn, uow):  # a banned person may /forgetme
            return
        if turn.expired_flow and not isinstance(event, ButtonPress):
            turn.say(
                turn.t._(
                    "It's been a while since your last answer, so we'll start that "
                    "again from the beginning."
                )
            )
        if isinstance(event, ButtonPress):
            await self._press(turn, event, uow)
        elif isinstance(event, Command):
            await self._command(turn, event, uow)
        elif turn.person.is_age_locked:
            turn.say(locked_reply(turn.t, self.engine.min_age, turn.person.id))
        elif isinstance(event, TextMessage | MediaMessage):
            await self._message(turn, event, uow)
        await self.safety.complete(turn, uow)  # a report or an ending answered in this turn
        await self.privacy.complete(turn, uow)  # an erasure confirmed in this turn
        await self.staff.complete(turn, uow)  # a staff member's typed reason, etc.
        await self.inbox.complete(turn, uow)  # a message after /team; a mentor now waiting

    async def _for_us(self, event: Inbound) -> bool:
        """False for a command a group member addressed to another bot ("/stats@otherbot");
        when our own username cannot be learnt now, it is taken as ours."""
        if not isinstance(event, Command) or event.to_bot is None:
            return True
        known = self.staff.services.bot_username
        try:
            ours = known[0] if known else await self.staff.services.forums.username()
        except DeliveryError:
            return True
        return event.to_bot == ours.lstrip("@").lower()

    async def _press(self, turn: Turn, press: ButtonPress, uow: UnitOfWork) -> None:
        """A button, by its kind (`Callback`): the language and staff buttons and the /forgetme
        flow's work under the age lock; then the declared kinds; then the relay's open flow;
        then the whole-data buttons (Find a mentor); else the flow under way."""
        callback = self.registry.callback(press.data)
        call = PersonCall(self, turn, uow, pressed=press)
        if callback is not None and callback.allowed_under_age_lock:
            await callback.run(call)
        elif self.privacy.owns_press(turn, press):  # /forgetme works under the age lock too
            self.engine.on_press(turn, press.callback_id, press.message_id, press.data)
        elif turn.person.is_age_locked:
            turn.answer(press.callback_id, locked_reply(turn.t, self.engine.min_age), alert=True)
        elif callback is not None and not callback.after_open_flow:
            await callback.run(call)
        elif self.relay.owns(turn):
            await self.relay.flow_press(turn, uow, press)
        elif callback is not None:
            await callback.run(call)
        else:
            self.engine.on_press(turn, press.callback_id, press.message_id, press.data)

    async def _command(self, turn: Turn, cmd: Command, uow: UnitOfWork) -> None:
        """A staff command (or /cancel of a staff preview) goes to the staff router; under the
        age lock only the commands declared `always_allowed` run; else the declared one."""
        if await self.staff.command(turn, cmd, uow):
            return
        command = self.registry.command(cmd.name)
        if turn.person.is_age_locked and not self.registry.always_allowed(cmd.name):
            turn.say(locked_reply(turn.t, self.engine.min_age, turn.person.id))
        elif command is None:
            turn.say(
                turn.t._(
                    "Sorry, I don't know the command /{name}. /help lists what I can do.",
                    name=cmd.name,
                )
            )
        else:
            await command.run(PersonCall(self, turn, uow, command.args(cmd.args)))

    async def _message(
        self, turn: Turn, message: TextMessage | MediaMessage, uow: UnitOfWork
    ) -> None:
        """A flow's typed answer; else, once signed up, a message for the partner (the relay).

        Only a state that explicitly waits for typed input takes a text (and a medium sent then
        is not relayed either: it may be meant for that answer, e.g. a report). A state that
        waits for buttons never takes a paired person's messages, not even the exact label of
        one of its buttons ("2", "Skip", "Yes, erase my data"): they go to the partner and the
        flow stays where it was (its buttons still work). Someone with no pair may still type
        a label instead of pressing it."""
        if turn.flow is not None and not self.relay.owns(turn):
            if not self.engine.takes_text(turn) and await self.relay.is_paired(turn, uow):
                await self.relay.message(turn, uow, message)
            elif isinstance(message, TextMessage):
                self.engine.on_text(turn, message.text)
            else:
                turn.say(turn.t._("Please answer with text or with the buttons."))
                self.engine.resume(turn)
        elif not turn.person.is_onboarded:
            begin_onboarding(self.engine, turn, "")
        else:
            await self.relay.message(turn, uow, message)

    async def person_blocked(self, uow: UnitOfWork, person: Person, now: datetime) -> list[Effect]:
        """The chat app answered 403 for this person (`Conversations.recipient_blocked`)."""
        return await self.relay.person_blocked(uow, person, now)
