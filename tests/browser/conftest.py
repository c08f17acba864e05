"""Fixtures: the demo as `make demo` runs it (sandbox with its web chat, the bot on SQLite, the
seeded staff and mentors) at a fixed morning, and a Chromium page with its errors collected."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.demo import walkthrough
from bot.demo_seed import MENTEE, MENTOR, STAFF_MEMBER, seed_demo
from bot.sandbox.server import RunningSandbox, start_sandbox
from bot.sandbox.spec import BotApiSpec, SpecNotFoundError
from bot.sandbox.webchat.routes import WEBCHAT_KEY
from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    browser_required,
    check_browser,
    missing_browser,
)
from tests.e2e.harness import BotProcess, sqlite_url

if TYPE_CHECKING:
    from playwright.async_api import Page

# A Monday, 9:00 in Rome: step 1 is due at each person's evening hour the same day.
DEMO_MORNING = datetime(2026, 10, 12, 7, 0, tzinfo=UTC)


@pytest.fixture
def browser_available() -> None:
    """What `needs_browser` uses: skip without a browser, or fail if .ci/run requires one."""
    check_browser(missing_browser(), required=browser_required())


@dataclass
class Demo:
    sandbox: RunningSandbox
    bot: BotProcess

    @property
    def page_url(self) -> str:
        return f"{self.sandbox.url}/chat/"


def _spec() -> BotApiSpec | None:
    try:
        return BotApiSpec.load()
    except SpecNotFoundError:
        return None


@pytest.fixture
async def sandbox() -> AsyncIterator[RunningSandbox]:
    running = await start_sandbox(spec=_spec())
    running.sandbox.clock.set(DEMO_MORNING)
    try:
        yield running
        assert not running.sandbox.spec_violations, running.sandbox.spec_violations
    finally:
        await running.stop()


@pytest.fixture
async def demo(sandbox: RunningSandbox, tmp_path: Path) -> AsyncIterator[Demo]:
    bot = BotProcess(sandbox, sqlite_url(tmp_path), {"transport": "aiogram"})
    core = await bot.start()
    await seed_demo(core, sandbox.sandbox)
    webchat = sandbox.runner.app[WEBCHAT_KEY]
    webchat.title = "mentorbot demo"
    webchat.guide = walkthrough()
    webchat.open_chats = [MENTEE.id, MENTOR.id, STAFF_MEMBER.id]
    try:
        yield Demo(sandbox, bot)
    finally:
        await bot.stop()


@contextlib.asynccontextmanager
async def chromium_page(**context_options: Any) -> AsyncIterator[Page]:
    """A page in Rome's time zone; on leaving, fails on any script error or failed request."""
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=TIMEOUT_MS)  # shared, busy CI machines: the bot may be slow
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        context = await browser.new_context(
            timezone_id="Europe/Rome", locale="en-GB", **context_options
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = await context.new_page()

        def on_console(message: Any) -> None:
            if message.type == "error":
                problems.append(f"console: {message.text}")

        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", on_console)
        try:
            yield page
        finally:
            await browser.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
async def browser_page() -> AsyncIterator[Page]:
    """A wide page on a desktop."""
    async with chromium_page(viewport={"width": 1680, "height": 960}) as page:
        yield page


@pytest.fixture
async def phone_page() -> AsyncIterator[Page]:
    """A phone: 390 x 844 CSS pixels, a touch screen and no mouse."""
    async with chromium_page(
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    ) as page:
        yield page
