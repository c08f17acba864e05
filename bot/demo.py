"""`mentorbot demo` (what `make demo` runs): the sandbox with its web chat and the bot in one
process, on a fresh SQLite database seeded with staff and mentors, with no Telegram account and no
internet. Ctrl-C stops both."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from pydantic import SecretStr

from bot.config import Settings, load_settings
from bot.demo_seed import MENTEE, MENTOR, STAFF_MEMBER, seed_demo
from bot.runtime import running_bot, wait_for_signal
from bot.sandbox.server import RunningSandbox, start_sandbox
from bot.sandbox.webchat.routes import WEBCHAT_KEY

log = logging.getLogger(__name__)
DEMO_TOKEN = "123456:mentorbot-demo-token"
DEMO_PORT = 8081


def demo_database_file(port: int = DEMO_PORT) -> Path:
    """The demo's database, named after its port (var/demo-8081.sqlite3 by default): a demo on
    another port (`--port 8082`, as the busy-port message suggests) never touches its files."""
    return Path(f"var/demo-{port}.sqlite3")


def demo_database(port: int = DEMO_PORT) -> str:
    return f"sqlite+aiosqlite:///./{demo_database_file(port)}"


DEMO_DATABASE_FILE = demo_database_file()
DEMO_DATABASE = demo_database()
DEMO_ZONE = ZoneInfo("Europe/Rome")
DEMO_MORNING = 9
DEMO_TITLE = "mentorbot demo"
PROBE_SECONDS = 2.0


def morning_after(now: datetime) -> datetime:
    """The next 9:00 in Rome: the demo's day starts there, so moving the clock a day never
    lands in anyone's quiet hours."""
    local = now.astimezone(DEMO_ZONE)
    start = local.replace(hour=DEMO_MORNING, minute=0, second=0, microsecond=0)
    if start <= local:
        start += timedelta(days=1)
    return start.astimezone(now.tzinfo)


def walkthrough() -> list[dict[str, Any]]:
    """The steps the page's walkthrough shows (the README has the same)."""
    return [
        {
            "title": "Join as a mentee",
            "chat": MENTEE.id,
            "say": "/start college",
            "text": (
                f"In {MENTEE.name}'s chat send /start college (what a nonprofit's link "
                "t.me/<bot>?start=college does). Choose English, agree, type a date of birth "
                "such as 23/04/1990, pick “I'd like a mentor”, tick “Financial aid "
                "and scholarships”, press Done, then answer the rest (a city such as Rome, an "
                "hour, the name your mentor will see) and Confirm."
            ),
        },
        {
            "title": "Ask for a mentor",
            "chat": MENTEE.id,
            "text": (
                "Press “🔎 Find a mentor” (or send /findmentor). The bot proposes "
                f"{MENTEE.name}, anonymously, to the mentor who fits best: {MENTOR.name} shares "
                "her goal."
            ),
        },
        {
            "title": "Accept as the mentor",
            "chat": MENTOR.id,
            "text": f"In {MENTOR.name}'s chat press Accept. Both are told they are matched.",
        },
        {
            "title": "Talk through the bot",
            "chat": MENTEE.id,
            "text": (
                f"Write to {MENTOR.name}, send a photo with the paper clip (press a photo to see "
                "it full size), reply to or edit a message (hover it; on a touch screen its "
                "Reply and Edit are always shown). The bot relays copies: neither sees the "
                "other's Telegram account."
            ),
        },
        {
            "title": "Move time forward",
            "chat": None,
            "text": (
                "Press +1 day at the top: step 1 of the 24-week curriculum arrives on both "
                "sides, at each person's own hour."
            ),
        },
        {
            "title": "Run the program as staff",
            "chat": STAFF_MEMBER.id,
            "say": "/stats",
            "text": (
                f"{STAFF_MEMBER.name} is an admin of the organisation that runs College First "
                "Year: her Menu lists the staff commands. Send /stats to see the program's "
                "figures and charts."
            ),
        },
    ]


def instructions(url: str, codes: list[str]) -> str:
    """What to do next, printed once everything is up (the web chat's address first)."""
    links = "\n".join(f"    /start {code}" for code in codes)
    return f"""Web chat: {url}/chat/   (open it in a browser)

mentorbot demo is running: the bot, a local Telegram-compatible sandbox and a fresh database
with staff ({STAFF_MEMBER.name}) and trained volunteer mentors ({MENTOR.name} and others).
Follow the walkthrough on the page, or chat from a terminal (type :1 to press button [1]):
    .venv/bin/mentorbot chat --as {MENTEE.name}
    .venv/bin/mentorbot chat --as {MENTOR.name}

Join a program directly, as a nonprofit's link t.me/<bot>?start=<code> would:
{links}

Bot API sandbox: {url}   (control API: {url}/sandbox/...)
Press Ctrl-C here to stop.
"""


def fresh_database(path: Path = DEMO_DATABASE_FILE) -> None:
    """Start every demo from an empty database (the sandbox's chats are new each time too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def demo_base_settings() -> Settings:
    """What the demo starts from: the environment, never `.env` (an operator's `.env` names the
    real database and token; the demo must not touch either)."""
    return load_settings(_env_file=None)


def demo_settings(
    base: Settings, *, database_url: str | None, api_url: str, port: int = DEMO_PORT
) -> Settings:
    """The demo's settings: its own token, the sandbox, a one-second tick unless SCHEDULE_TICK is
    set, and the port's var/demo-PORT.sqlite3 unless `--database-url` names another database.
    A DATABASE_URL in the environment is ignored: it is the real bot's."""
    overrides: dict[str, object] = {
        "bot_token": SecretStr(DEMO_TOKEN),
        "database_url": database_url or demo_database(port),
        "telegram_api_url": api_url,
    }
    if "schedule_tick" not in base.model_fields_set:
        overrides["schedule_tick"] = timedelta(seconds=1)
    return base.model_copy(update=overrides)


async def other_demo(port: int) -> int | None:
    """Whether a `mentorbot demo` answers on `port`: the process id its web chat reports (0 if
    it reports none), or None when what holds the port is something else or does not answer."""
    url = f"http://127.0.0.1:{port}/chat/api/state"
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=PROBE_SECONDS)) as session,
            session.get(url) as response,
        ):
            state = await response.json()
    except (aiohttp.ClientError, OSError, TimeoutError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("title") != DEMO_TITLE:
        return None
    process = state.get("process")
    return process if isinstance(process, int) else 0


def busy_port_message(port: int, reason: str, demo_process: int | None) -> str:
    """Why the demo cannot start, and what to do (nothing was changed)."""
    if demo_process is None:
        return (
            f"mentorbot demo: cannot listen on 127.0.0.1:{port} ({reason}); "
            "stop what uses that port or pick another with --port"
        )
    which = f" (process {demo_process})" if demo_process else ""
    kill = f", or run `kill {demo_process}`" if demo_process else ""
    return (
        f"mentorbot demo: another mentorbot demo{which} is already running on port {port}, "
        f"its web chat at http://127.0.0.1:{port}/chat/. Nothing was changed: its database is "
        f"untouched (each port has its own). Stop it with Ctrl-C in its terminal{kill}; or run "
        f"this one beside it on another port: mentorbot demo --port {port + 1}"
    )


async def claim_port(port: int) -> RunningSandbox:
    """Start the sandbox: binding its port is the first thing the demo does, so a second demo
    stops here, before it touches any file (the running one's database above all)."""
    try:
        return await start_sandbox("127.0.0.1", port)
    except OSError as exc:
        busy = exc.errno == errno.EADDRINUSE
        reason = "already in use" if busy else exc.strerror or str(exc)
        demo_process = await other_demo(port) if busy else None
        raise SystemExit(busy_port_message(port, reason, demo_process)) from None


async def run_demo(
    settings: Settings, *, port: int = DEMO_PORT, database_url: str | None = None
) -> None:
    """Take the port (the sandbox), then start from a fresh database, start the bot against the
    sandbox, seed the demo, and run until Ctrl-C."""
    sandbox = await claim_port(port)
    try:
        webchat = sandbox.runner.app[WEBCHAT_KEY]
        webchat.title = DEMO_TITLE
        webchat.process = os.getpid()
        if database_url is None:
            await asyncio.to_thread(fresh_database, demo_database_file(port))
        clock = sandbox.sandbox.clock
        clock.set(morning_after(clock.now()))
        chosen = demo_settings(settings, database_url=database_url, api_url=sandbox.url, port=port)
        async with running_bot(chosen, clock=clock) as core:
            await seed_demo(core, sandbox.sandbox)
            webchat.guide = walkthrough()
            webchat.open_chats = [MENTEE.id, MENTOR.id, STAFF_MEMBER.id]
            print(instructions(sandbox.url, [p.code for p in core.programs]), flush=True)
            await wait_for_signal()
    finally:
        await sandbox.stop()
        print("mentorbot demo stopped.", flush=True)
