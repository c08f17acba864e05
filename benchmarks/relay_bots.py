"""The two bots the relay benchmark measures, each as an async context manager that yields once
the bot is long polling the sandbox with its people (and, for mentorbot, pairs) in place:
mentorbot itself, and a bare aiogram echo bot doing the same Telegram-side work (one
`copyMessage` per message). See `benchmarks/relay_throughput.py`."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

from bot.core.models import Role
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from tests.e2e.harness import BotProcess, seed_pair, seed_person
from tests.e2e.quick_program import PROGRAM

ECHO_TOKEN = "4343:relay-throughput-echo"
SEND_RATE = 1000.0  # SEND_RATE of mentorbot (needs PAID_BROADCAST): its sender never binds


async def polling_started(running: RunningSandbox, timeout: float = 30.0) -> None:  # noqa: ASYNC109
    """Wait until the bot is waiting on `getUpdates` (its first long poll is under way)."""
    deadline = time.monotonic() + timeout
    while not any(
        e["method"] == "getUpdates" and e["status"] is None for e in running.sandbox.request_log
    ):
        if time.monotonic() > deadline:
            raise TimeoutError("the bot never started long polling")
        await asyncio.sleep(0.01)


@asynccontextmanager
async def mentorbot(
    running: RunningSandbox,
    client: SandboxClient,
    ids: list[tuple[int, int]],
    database_url: str,
    curricula: Path,
) -> AsyncIterator[None]:
    """The real bot, its people and pairs seeded."""
    process = BotProcess(
        running,
        database_url,
        overrides={
            "curricula_dir": curricula,
            "paid_broadcast": True,
            "send_rate": SEND_RATE,
            "schedule_tick": "1h",
            "log_level": "WARNING",
        },
    )
    await process.start()
    try:
        for index, (mentee, mentor) in enumerate(ids):
            await seed_person(process, client, mentee, role=Role.MENTEE, program=PROGRAM)
            await seed_person(
                process, client, mentor, role=Role.MENTOR, program=PROGRAM, name=f"M{index}"
            )
            await seed_pair(process, mentee, mentor, PROGRAM)
        await polling_started(running)
        yield
    finally:
        await process.stop()


@asynccontextmanager
async def echo_bot(
    running: RunningSandbox, client: SandboxClient, ids: list[tuple[int, int]]
) -> AsyncIterator[None]:
    """A bare aiogram bot copying each message to the partner's chat."""
    partners: dict[int, int] = {}
    for mentee, mentor in ids:
        await client.create_user(f"U{mentee}", id=mentee, language_code="en")
        await client.create_user(f"U{mentor}", id=mentor, language_code="en")
        partners[mentee], partners[mentor] = mentor, mentee
    bot = Bot(ECHO_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(running.url)))
    router = Router()

    @router.message()
    async def relay(message: Message) -> None:
        await message.copy_to(chat_id=partners[message.chat.id])

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot, allowed_updates=["message"], handle_signals=False, close_bot_session=False
        )
    )
    try:
        await polling_started(running)
        yield
    finally:
        with contextlib.suppress(RuntimeError):
            await dispatcher.stop_polling()
        await asyncio.gather(polling, return_exceptions=True)
        await bot.session.close()
