"""End-to-end harness: the real bot (aiogram or python-telegram-bot over HTTP, as the TRANSPORT
setting says — conftest's `transport` fixture runs every test on both; SQLite or PostgreSQL)
against an in-process sandbox, driven through the sandbox's control API as people would use
Telegram."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.bootstrap import Core
from bot.config import Settings, load_settings
from bot.core.models import FlowState, Pair, Person, Role
from bot.runtime import running_bot
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import ChatMessage
from bot.sandbox.server import RunningSandbox
from bot.services.pairs import start_pair
from tests.factories import onboarded_person

TOKEN = "424242:e2e-test-token"
REPLY_TIMEOUT = 15.0


def bot_settings(sandbox: RunningSandbox, database_url: str, **overrides: object) -> Settings:
    """Settings for a bot process talking to the sandbox."""
    return load_settings(
        **{
            "bot_token": TOKEN,
            "telegram_api_url": sandbox.url,
            "database_url": database_url,
            "log_level": "INFO",
            "schedule_tick": "0.2s",
            **overrides,
        }
    )


@dataclass
class BotProcess:
    """The bot as a process would run it; `restart` stops it and starts a new one on the same
    database, as after a crash or a deploy."""

    sandbox: RunningSandbox
    database_url: str
    overrides: dict[str, object] = field(default_factory=dict)
    webhook: bool = False  # updates by webhook (the overrides name WEBHOOK_URL etc.)
    core: Core | None = None
    _stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)

    async def start(self) -> Core:
        settings = bot_settings(self.sandbox, self.database_url, **self.overrides)
        self.core = await self._stack.enter_async_context(
            running_bot(settings, clock=self.sandbox.sandbox.clock, webhook=self.webhook)
        )
        # the run is the one its name says (the `transport` fixture sets TRANSPORT)
        assert self.core.settings.transport.value == os.environ.get("TRANSPORT", "aiogram")
        return self.core

    async def stop(self) -> None:
        await self._stack.aclose()
        self._stack = contextlib.AsyncExitStack()
        self.core = None

    async def restart(self) -> Core:
        await self.stop()
        return await self.start()

    async def person(self, user_id: int) -> Person | None:
        assert self.core is not None
        async with self.core.conversations.uows() as uow:
            return await uow.persons.get(user_id)

    async def flow(self, user_id: int) -> FlowState | None:
        assert self.core is not None
        async with self.core.conversations.uows() as uow:
            return await uow.flows.get(user_id)


class User:
    """A sandbox user talking to the bot."""

    def __init__(self, client: SandboxClient, user_id: int) -> None:
        self.client = client
        self.id = user_id

    @classmethod
    async def create(cls, client: SandboxClient, name: str, language: str = "en") -> User:
        info = await client.create_user(name, language_code=language)
        return cls(client, info.id)

    async def last_id(self) -> int:
        messages = await self.client.messages(self.id)
        return messages[-1].message_id if messages else 0

    async def say(self, text: str, expect: int = 1) -> list[ChatMessage]:
        """Send text; wait for `expect` new bot messages and return them."""
        sent = await self.client.send_text(self.id, text)
        if expect == 0:
            return []
        return await self.client.wait_for_messages(
            self.id, count=expect, since=sent.message_id, timeout=REPLY_TIMEOUT
        )

    async def keyboard(self) -> ChatMessage:
        """The latest bot message with buttons."""
        with_buttons = [m for m in await self.client.bot_messages(self.id) if m.buttons]
        assert with_buttons, "the bot has not sent any buttons"
        return with_buttons[-1]

    async def press(self, label: str, expect: int = 1) -> list[ChatMessage]:
        """Press the button containing `label` on the latest keyboard; wait for new messages."""
        message = await self.keyboard()
        buttons = [b for row in message.buttons for b in row if label in b.text]
        assert buttons, f"no {label!r} in {[b.text for row in message.buttons for b in row]}"
        since = await self.last_id()
        await self.client.press(
            self.id, message.message_id, callback_data=buttons[0].callback_data
        )
        if expect == 0:
            return []
        return await self.client.wait_for_messages(
            self.id, count=expect, since=since, timeout=REPLY_TIMEOUT
        )


async def onboard(
    user: User,
    *,
    link: str = "college",
    role: str = "mentee",
    language: str = "English",
    name: str = "Sam",
) -> None:
    """The whole onboarding, with the typical answers (English labels, or Italian)."""
    it = language == "Italiano"
    await user.say(f"/start {link}")
    await user.press(language)
    await user.press("d'accordo" if it else "I agree")
    await user.say("23 aprile 1990" if it else "23/04/1990")
    if role == "mentee":
        await user.press("Vorrei un mentore" if it else "I'd like a mentor")
    else:
        await user.press("volontariato" if it else "volunteer")
    goal, interest = ("Housing", "Teaching") if link == "rebuild" else ("Financial", "Business")
    if it:
        goal, interest = ("Casa", "Insegnamento") if link == "rebuild" else ("Borse", "Economia")
    done = "Fatto" if it else "Done"
    await user.press(goal, expect=0)
    await user.press(done)
    await user.press(interest, expect=0)
    await user.press(done)
    await user.press(done)
    await user.press(done)
    if role == "mentor":
        await user.press("2")
    await user.say("Roma" if it else "Rome")
    await user.press("18:00")
    await user.say(name)
    await user.press("Conferma" if it else "Confirm")


def sqlite_url(tmp: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp}/e2e.sqlite3"


async def aclosing_client(url: str) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(url) as client:
        yield client


async def seed_person(
    bot: BotProcess,
    client: SandboxClient,
    user_id: int,
    *,
    role: Role,
    program: str,
    zone: str = "Europe/Rome",
    hour: int = 18,
    language: str = "en",
    name: str = "",
    goals: tuple[str, ...] = (),
    approved: bool = True,
) -> Person:
    """A person who finished onboarding, stored through the repositories (and known to the
    sandbox as a Telegram user), for tests that start from matched pairs."""
    assert bot.core is not None
    await client.create_user(name or f"U{user_id}", id=user_id, language_code=language)
    now = bot.core.clock.now()
    person = onboarded_person(
        user_id,
        role,
        program,
        now,
        language=language,
        languages=(language,),
        display_name=name or f"Person {user_id}",
        time_zone=zone,
        preferred_hour=hour,
        goals=goals,
        approved_at=now if approved and role is Role.MENTOR else None,
        training_passed_at=now if approved and role is Role.MENTOR else None,
    )
    async with bot.core.conversations.uows() as uow:
        await uow.persons.add(person)
        await uow.commit()
    return person


async def seed_pair(bot: BotProcess, mentee: int, mentor: int, program: str) -> Pair:
    """Start a pair through the service layer (matching arrives later)."""
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        pair = await start_pair(
            uow,
            bot.core.programs,
            mentee_id=mentee,
            mentor_id=mentor,
            program=program,
            at=bot.core.clock.now(),
        )
        await uow.commit()
    return pair
