"""A small world for relay transcripts: the core over in-memory fakes, people who are already
paired, and a fake Telegram that delivers the outbox (giving each message an id in its chat, as
Telegram does) and calls the relay's `record_sent` hook, so replies and edits can be followed."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.core import effects as fx
from bot.core.conversations import Conversations
from bot.core.engine import FlowEngine
from bot.core.events import (
    ButtonPress,
    Command,
    Inbound,
    MediaKind,
    MediaMessage,
    MessageEdited,
    TextMessage,
    UserRef,
)
from bot.core.models import Pair, Person, Role
from bot.core.ports import UnitOfWork
from bot.core.turn import Turn
from bot.handlers.dispatch import MentorbotDispatcher
from bot.i18n import Catalogs
from bot.services.alerts import Staff
from bot.services.relay_links import RelayLinks
from flows.registry import FLOWS
from tests.dialog import Bot
from tests.factories import onboarded_person

STAFF = 9000
_updates = itertools.count(10_000)

ScreenCall = tuple[int, int, str]  # (person, pair, text)


@dataclass
class Received:
    """One effect Telegram applied in a chat, and the message id it got there."""

    effect: fx.Effect
    message_id: int

    @property
    def text(self) -> str:
        return getattr(self.effect, "text", None) or getattr(self.effect, "caption", None) or ""


class World:
    """The bot, its fake Telegram, and the people in it."""

    def __init__(self, screen: Callable[..., Awaitable[None]] | None = None) -> None:
        self.bot = Bot()
        self.clock = self.bot.clock
        self.store = self.bot.store
        catalogs = Catalogs("en")
        engine = FlowEngine(FLOWS, self.bot.programs, 18)
        dispatcher = MentorbotDispatcher(
            engine,
            catalogs.registry,
            self.bot.matchmaker,
            staff=Staff((STAFF,)),
            screen=screen,
        )
        self.conversations = Conversations(
            self.store.uow, self.clock, catalogs, dispatcher, idle_expiry=timedelta(days=30)
        )
        self.links = RelayLinks(self.clock)
        self._ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self.inbox: dict[int, list[Received]] = defaultdict(list)
        self._seen: dict[int, int] = defaultdict(int)

    def next_id(self, chat_id: int) -> int:
        """Message ids are per chat, shared by the person's and the bot's messages."""
        return next(self._ids[chat_id])

    def person(self, user_id: int, role: Role, name: str, program: str = "college") -> Chat:
        now = self.clock.now()
        self.store.persons[user_id] = onboarded_person(
            user_id,
            role,
            program,
            now,
            display_name=name,
            capacity=3 if role is Role.MENTOR else None,
            approved_at=None,  # not offered to mentees: these tests are about the relay
            training_passed_at=None,
        )
        return Chat(self, user_id)

    def pair(self, mentee: Chat, mentor: Chat) -> Pair:
        pair_id = max(self.store.pairs, default=0) + 1
        pair = Pair(
            id=pair_id,
            program="college",
            mentee_id=mentee.id,
            mentor_id=mentor.id,
            started_at=self.clock.now(),
        )
        self.store.pairs[pair_id] = pair
        return pair

    async def handle(self, event: Inbound) -> None:
        await self.conversations.handle(event)
        await self.deliver()

    async def deliver(self) -> None:
        """Apply every due outbox item, as Telegram would, and record them as sent with the
        relay's `record_sent` hook, as the sender does."""
        now = self.clock.now()
        done: list[tuple[fx.Effect, fx.Sent]] = []
        async with self.store.uow() as uow:
            for item in await uow.outbox.claim_due(now, 1000, 60):
                effect = fx.from_json(item.payload)
                sent = self._apply(effect)
                await uow.outbox.mark_sent_many([(item.id, sent.message_id, now)])
                done.append((effect, sent))
            await self.links(uow, done)
            await uow.commit()

    def _apply(self, effect: fx.Effect) -> fx.Sent:
        chat = fx.chat_of(effect)
        if chat is None:
            return fx.Sent()
        if isinstance(effect, fx.EditText | fx.EditCaption | fx.EditButtons):
            self.inbox[chat].append(Received(effect, effect.message_id))
            return fx.Sent(message_id=effect.message_id)
        if isinstance(effect, fx.CopyMessages):
            ids = [self.next_id(chat) for _ in effect.message_ids]
            self.inbox[chat].append(Received(effect, ids[0]))
            return fx.Sent(message_id=ids[0], extra={"message_ids": ids})
        message_id = self.next_id(chat)
        self.inbox[chat].append(Received(effect, message_id))
        return fx.Sent(message_id=message_id)

    def pair_of(self, pair_id: int) -> Pair:
        return self.store.pairs[pair_id]


class Chat:
    """One paired person writing to the bot."""

    def __init__(self, world: World, user_id: int) -> None:
        self.world = world
        self.id = user_id
        self.user = UserRef(id=user_id, first_name="Real-Name", username="real_username")

    def _base(self) -> dict[str, Any]:
        return {
            "update_id": next(_updates),
            "user": self.user,
            "chat_id": self.id,
            "at": self.world.clock.now(),
        }

    @property
    def me(self) -> Person:
        return self.world.store.persons[self.id]

    async def say(self, text: str, reply_to: int | None = None) -> int:
        """Write a text; returns its message id in my chat."""
        message_id = self.world.next_id(self.id)
        event = TextMessage(
            message_id=message_id, text=text, reply_to_message_id=reply_to, **self._base()
        )
        await self.world.handle(event)
        return message_id

    async def send(
        self,
        media: MediaKind,
        caption: str | None = None,
        *,
        album: str | None = None,
        reply_to: int | None = None,
    ) -> int:
        message_id = self.world.next_id(self.id)
        event = MediaMessage(
            message_id=message_id,
            media=media,
            caption=caption,
            file_id=f"file-{message_id}",
            media_group_id=album,
            reply_to_message_id=reply_to,
            **self._base(),
        )
        await self.world.handle(event)
        return message_id

    async def edit(
        self, message_id: int, *, text: str | None = None, caption: str | None = None
    ) -> None:
        event = MessageEdited(message_id=message_id, text=text, caption=caption, **self._base())
        await self.world.handle(event)

    async def command(self, name: str, args: str = "") -> None:
        message_id = self.world.next_id(self.id)
        await self.world.handle(
            Command(message_id=message_id, name=name, args=args, **self._base())
        )

    async def press(self, label: str) -> None:
        """Press the button whose text contains `label` on the latest keyboard I received."""
        keyboards = [
            r
            for r in self.world.inbox[self.id]
            if isinstance(r.effect, fx.SendText | fx.EditText) and r.effect.buttons
        ]
        assert keyboards, "no keyboard received"
        last = keyboards[-1]
        assert isinstance(last.effect, fx.SendText | fx.EditText)
        buttons = [b for row in last.effect.buttons for b in row if label in b.text]
        assert buttons, f"no {label!r} in {[b.text for row in last.effect.buttons for b in row]}"
        await self.press_data(buttons[0].data or "", last.message_id)

    async def press_data(self, data: str, message_id: int | None = None) -> None:
        event = ButtonPress(
            callback_id=f"cb-{self.id}-{next(_updates)}",
            data=data,
            message_id=message_id,
            **self._base(),
        )
        await self.world.handle(event)

    def new(self) -> list[Received]:
        """What my chat received since I last looked."""
        inbox = self.world.inbox[self.id]
        fresh = inbox[self.world._seen[self.id] :]
        self.world._seen[self.id] = len(inbox)
        return fresh

    def texts(self) -> list[str]:
        return [r.text for r in self.new() if isinstance(r.effect, fx.SendText)]


def recording_screen(calls: list[ScreenCall]) -> Callable[..., Awaitable[None]]:
    """A fake safeguarding hook: records what it saw and adds a note to the writer."""

    async def screen(turn: Turn, uow: UnitOfWork, pair: Pair, text: str) -> None:
        calls.append((turn.person.id, pair.id, text))
        if "danger" in text:
            turn.say("SCREEN: resources")

    return screen
