"""A transcript driver for the core (zulip's verify_dialog habit): say things as a person, read
what the bot would send, with in-memory storage and a fake clock. No Telegram, no HTTP.

A transcript reads like the conversation: the person `say`s or `press`es, then `hears` what the
bot answered::

    await d.say("/start college")
    d.hears("Which language")
    await d.press("English")
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.core import effects as fx
from bot.core.conversations import Conversations
from bot.core.engine import FlowEngine
from bot.core.events import (
    BotBlocked,
    ButtonPress,
    Command,
    Inbound,
    MediaKind,
    MediaMessage,
    TextMessage,
    UserRef,
    parse_command,
)
from bot.core.models import Person
from bot.core.programs import load_programs
from bot.handlers.dispatch import MentorbotDispatcher
from bot.i18n import Catalogs
from bot.services.matchmaking import Matchmaker
from flows.registry import FLOWS
from tests.fakes import FakeClock, MemoryStore

CURRICULA = Path(__file__).resolve().parent.parent / "curricula"
_update_ids = itertools.count(1)


class Bot:
    """The core wired over fakes."""

    def __init__(
        self, store: MemoryStore | None = None, idle_days: int = 30, curricula: Path = CURRICULA
    ) -> None:
        self.store = store or MemoryStore()
        self.clock = FakeClock()
        catalogs = Catalogs("en")
        self.programs = load_programs(curricula)
        engine = FlowEngine(FLOWS, self.programs, 18)
        self.matchmaker = Matchmaker(self.programs, catalogs)
        self.conversations = Conversations(
            self.store.uow,
            self.clock,
            catalogs,
            MentorbotDispatcher(engine, catalogs.registry, self.matchmaker),
            idle_expiry=timedelta(days=idle_days),
        )

    def person(self, user_id: int) -> Person | None:
        return self.store.persons.get(user_id)


class Dialog:
    """One person talking to the bot."""

    def __init__(self, bot: Bot, user_id: int = 100, language_code: str = "en") -> None:
        self.bot = bot
        self.user = UserRef(id=user_id, first_name="Test", language_code=language_code)
        self._seen = 0
        self._message_ids = itertools.count(1)
        self.last_event: Inbound | None = None
        self.last_effects: list[fx.Effect] = []

    def _base(self) -> dict[str, Any]:
        return {
            "update_id": next(_update_ids),
            "user": self.user,
            "chat_id": self.user.id,
            "at": self.bot.clock.now(),
        }

    async def _send(self, event: Inbound) -> list[fx.Effect]:
        self.last_event = event
        await self.bot.conversations.handle(event)
        self.last_effects = self.new_effects()
        return self.last_effects

    @property
    def heard(self) -> list[str]:
        """The messages the bot sent back to the latest thing the person said or pressed."""
        return texts(self.last_effects)

    def hears(self, *fragments: str, at: int = 0) -> str:
        """Check that the bot's latest reply (its message number `at`, from 0) contains every
        fragment; return that message."""
        heard = self.heard
        assert len(heard) > at, f"the bot said {len(heard)} message(s): {heard}"
        for fragment in fragments:
            assert fragment in heard[at], f"{fragment!r} not in message {at}: {heard[at]!r}"
        return heard[at]

    def hears_only(self, *fragments: str) -> str:
        """Check that the bot answered with one message, containing every fragment."""
        assert len(self.heard) == 1, f"the bot said {len(self.heard)} messages: {self.heard}"
        return self.hears(*fragments)

    def toast(self) -> str:
        """The short notice on the latest pressed button ("" for none)."""
        toasts = answers(self.last_effects)
        return (toasts[0] if toasts else None) or ""

    def _mine(self, effect: fx.Effect) -> bool:
        if isinstance(effect, fx.AnswerButton):
            return effect.callback_id.startswith(f"cb{self.user.id}-")
        return fx.chat_of(effect) == self.user.id

    def new_effects(self) -> list[fx.Effect]:
        mine = [e for e in self.bot.store.pending_effects() if self._mine(e)]
        new, self._seen = mine[self._seen :], len(mine)
        return new

    async def say(self, text: str) -> list[str]:
        """Send text (or a command); return the texts of the messages sent back."""
        command = parse_command(text)
        if command:
            event: Inbound = Command(
                message_id=next(self._message_ids),
                name=command[0],
                args=command[1],
                **self._base(),
            )
        else:
            event = TextMessage(message_id=next(self._message_ids), text=text, **self._base())
        return texts(await self._send(event))

    async def send_photo(self) -> list[str]:
        event = MediaMessage(
            message_id=next(self._message_ids),
            media=MediaKind.PHOTO,
            file_id="photo-1",
            **self._base(),
        )
        return texts(await self._send(event))

    async def block(self) -> None:
        await self._send(BotBlocked(**self._base()))

    def last_keyboard(self) -> fx.SendText:
        sends = [
            e
            for e in self.bot.store.pending_effects()
            if isinstance(e, fx.SendText) and e.chat_id == self.user.id and e.buttons
        ]
        assert sends, "the bot has not sent any buttons"
        return sends[-1]

    async def press(self, label: str, *, data: str | None = None) -> list[fx.Effect]:
        """Press the button whose text contains `label` on the latest keyboard (or raw data)."""
        if data is None:
            buttons = [b for row in self.last_keyboard().buttons for b in row]
            matches = [b for b in buttons if label in b.text]
            assert matches, f"no button {label!r} in {[b.text for b in buttons]}"
            data = matches[0].data
        assert data is not None
        event = ButtonPress(
            callback_id=f"cb{self.user.id}-{next(_update_ids)}",
            data=data,
            message_id=1,
            **self._base(),
        )
        return await self._send(event)


def texts(effects: list[fx.Effect]) -> list[str]:
    """The texts of sent messages."""
    return [e.text for e in effects if isinstance(e, fx.SendText)]


def answers(effects: list[fx.Effect]) -> list[str | None]:
    """The toasts answered to button presses."""
    return [e.text for e in effects if isinstance(e, fx.AnswerButton)]


async def onboard(
    d: Dialog, *, role: str = "mentee", link: str = "college", quick: bool = False
) -> None:
    """Walk a person through the whole onboarding with typical answers."""
    await d.say(f"/start {link}")
    await d.press("English")
    await d.press("I agree")
    if not link:
        await d.press("College First Year")
    await d.say("23/04/2001")
    await d.press("I'd like a mentor" if role == "mentee" else "volunteer")
    await d.press("One" if quick else "Financial aid")
    await d.press("Done")
    await d.press("One" if quick else "Business")
    await d.press("Done")
    await d.press("Done")
    if quick:
        await d.press("One")
    await d.press("Done")
    if role == "mentor":
        await d.press("2")
    await d.say("Rome")
    await d.press("18:00")
    await d.say("Sam")
    await d.press("Confirm")
