"""What an event means for a person: commands, buttons, answers, and sensible defaults.

Pure: it reads and changes only the Turn. Order of precedence: blocking signals, the age lock
(nothing gets past it except /help, /privacy and /language), commands, the active flow, defaults.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from bot.core.effects import Button, Effect
from bot.core.engine import FlowEngine
from bot.core.events import (
    BotBlocked,
    BotUnblocked,
    ButtonPress,
    Command,
    MediaMessage,
    MessageEdited,
    TextMessage,
)
from bot.core.languages import Languages
from bot.core.models import Person
from bot.core.ports import UnitOfWork
from bot.core.privacy import Retention
from bot.core.turn import Turn
from bot.handlers.commands import ALWAYS_ALLOWED, help_text
from bot.handlers.matching import MatchingCommands
from bot.handlers.privacy import PrivacyCommands
from bot.handlers.relay import Relay, Screen
from bot.handlers.safety import SafetyCommands
from bot.handlers.staff.kit import STAFF_PREFIX, StaffServices
from bot.handlers.staff.router import StaffRouter
from bot.handlers.staff.wiring import build_staff_router
from bot.handlers.step_history import StepHistory
from bot.handlers.steps import PairCommands
from bot.messages.matching import FIND_MENTOR, PROPOSAL_PREFIX
from bot.messages.relay import RELAY_PREFIX
from bot.messages.safety import SAFETY_PREFIX
from bot.messages.steps import CHECKIN_PREFIX, DOCUMENT_PREFIX, STEPS_PREFIX
from bot.messages.texts import locked_reply
from bot.services.alerts import Staff
from bot.services.matchmaking import Matchmaker
from flows import onboarding

LANGUAGE_PREFIX = "lang:"


class MentorbotDispatcher:
    """Routes each event of a Turn."""

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
        self.staff = staff_router or build_staff_router(
            StaffServices(engine.programs, matchmaker.catalogs, staff.chat_ids, matchmaker, [])
        )

    async def dispatch(self, turn: Turn, uow: UnitOfWork) -> None:
        """Decide and record what this event does."""
        event = turn.event
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

    async def _press(self, turn: Turn, press: ButtonPress, uow: UnitOfWork) -> None:
        if press.data.startswith(LANGUAGE_PREFIX):
            self._set_language(turn, press)
            await self.staff.refresh_menu(turn, uow)  # a staff menu follows the language
        elif self.privacy.owns_press(turn, press):  # /forgetme works under the age lock too
            self.engine.on_press(turn, press.callback_id, press.message_id, press.data)
        elif press.data.startswith(STAFF_PREFIX):
            await self.staff.press(turn, press, uow)
        elif turn.person.is_age_locked:
            turn.answer(press.callback_id, locked_reply(turn.t, self.engine.min_age), alert=True)
        elif press.data.startswith(CHECKIN_PREFIX):
            await self.pair_commands.checkin_press(turn, press, uow)
        elif press.data.startswith(DOCUMENT_PREFIX):
            await self.pair_commands.document_press(turn, press, uow)
        elif press.data.startswith(STEPS_PREFIX):
            await self.steps.press(turn, press, uow)
        elif press.data.startswith(PROPOSAL_PREFIX):
            await self.matching.press(turn, press, uow)
        elif press.data.startswith(SAFETY_PREFIX):
            await self.safety.press(turn, press, uow)
        elif press.data.startswith(RELAY_PREFIX):
            await self.relay.press(turn, uow, press)
        elif self.relay.owns(turn):
            await self.relay.flow_press(turn, uow, press)
        elif press.data == FIND_MENTOR:
            turn.answer(press.callback_id)
            await self.matching.find_mentor(turn, uow)
        else:
            self.engine.on_press(turn, press.callback_id, press.message_id, press.data)

    async def _command(self, turn: Turn, cmd: Command, uow: UnitOfWork) -> None:
        name = cmd.name
        if await self.staff.command(turn, cmd, uow):
            return
        if turn.person.is_age_locked and name not in ALWAYS_ALLOWED:
            turn.say(locked_reply(turn.t, self.engine.min_age, turn.person.id))
        elif name == "start":
            self._start(turn, cmd.args)
        elif name == "restart":
            turn.set_flow(None)
            turn.say(turn.t._("Let's start again from the beginning."))
            self._begin_onboarding(turn, "")
        elif name == "cancel":
            if turn.flow is None:
                turn.say(
                    turn.t._("There's nothing to cancel right now. /help shows what I can do.")
                )
            else:
                turn.set_flow(None)
                turn.say(turn.t._("Cancelled. Send /start whenever you want to continue."))
        elif name == "help":
            turn.say(help_text(turn.t, (await self.staff.actor(uow, turn.person.id)).access))
            self.engine.resume(turn)
        elif name == "privacy":
            self.privacy.notice(turn)
        elif name == "mydata":
            await self.privacy.export(turn, uow)
        elif name == "forgetme":
            await self.privacy.forget(turn, uow)
        elif name == "report":
            await self.safety.report(turn, uow)
        elif name == "block":
            await self.safety.block(turn, uow)
        elif name == "end":
            await self.safety.end(turn, uow)
        elif name == "findmentor":
            await self.matching.find_mentor(turn, uow)
        elif name == "switch":
            await self.relay.switch(turn, uow)
        elif name == "progress":
            await self.pair_commands.progress(turn, uow)
        elif name == "resources":
            await self.pair_commands.resources(turn, uow)
        elif name == "steps":
            await self.steps.command(turn, uow)
        elif name == "training":
            turn.set_flow(None)
            await self.pair_commands.training(turn, uow)
        elif name == "language":
            buttons = tuple(
                (Button(text=self.languages.name(code), data=f"{LANGUAGE_PREFIX}{code}"),)
                for code in self.languages
            )
            turn.say(turn.t._("Which language would you like to use?"), buttons)
        else:
            turn.say(
                turn.t._(
                    "Sorry, I don't know the command /{name}. /help lists what I can do.",
                    name=name,
                )
            )

    def _start(self, turn: Turn, code: str) -> None:
        if turn.flow is not None:
            turn.say(turn.t._("Welcome back! Let's continue where we left off."))
            self.engine.resume(turn)
        elif turn.person.is_onboarded:
            program = self.engine.programs.get(turn.person.program)
            turn.say(
                turn.t._(
                    "Welcome back, {name}! You're already registered in {program}. /help shows "
                    "what you can do.",
                    name=turn.person.display_name or "",
                    program=program.name.get(turn.t.language) if program else "",
                )
            )
        else:
            self._begin_onboarding(turn, code)

    def _begin_onboarding(self, turn: Turn, code: str) -> None:
        data: dict[str, str] = {}
        program = self.engine.programs.get(code) if code else None
        if program is not None:
            data = {"program": program.code, "link_program": program.code}
        elif code:
            turn.say(
                turn.t._(
                    "I don't recognise the program in that link, so I'll ask you "
                    "to choose it in a moment."
                )
            )
        self.engine.start(turn, onboarding.NAME, data)

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
            self._begin_onboarding(turn, "")
        else:
            await self.relay.message(turn, uow, message)

    async def person_blocked(self, uow: UnitOfWork, person: Person, now: datetime) -> list[Effect]:
        """The chat app answered 403 for this person (`Conversations.recipient_blocked`)."""
        return await self.relay.person_blocked(uow, person, now)

    def _set_language(self, turn: Turn, press: ButtonPress) -> None:
        code = press.data.removeprefix(LANGUAGE_PREFIX)
        if code not in self.languages:
            turn.answer(press.callback_id, turn.t._("That option isn't available."))
            return
        turn.set_person(replace(turn.person, language=code))
        turn.answer(
            press.callback_id, turn.t._("Language: {name}", name=self.languages.name(code))
        )
        turn.edit(press.message_id, turn.t._("Language: {name}", name=self.languages.name(code)))
        self.engine.resume(turn)
