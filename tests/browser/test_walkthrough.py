"""The demo's walkthrough in a real browser: a mentee onboards by clicking, a mentor accepts the
proposal, they exchange a text and a photo (with a reply and an edit), the clock moves and step 1
arrives on both sides; staff run /stats from their own command menu and see the charts. Each stage
leaves a screenshot in tests/artifacts/browser/ (the last one is the README's picture, when
refreshed by hand)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from bot.core.models import PairStatus
from bot.demo_seed import MENTEE, MENTOR, STAFF_MEMBER
from tests.browser.conftest import Demo
from tests.browser.support import README_SHOT, artifact_dir, needs_browser, png

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

pytestmark = [needs_browser, pytest.mark.e2e]


def chat_of(page: Page, name: str) -> Locator:
    return page.get_by_role("region", name=f"Chat of {name}")


async def say(chat: Locator, text: str) -> None:
    box = chat.get_by_role("textbox")
    await box.fill(text)
    await box.press("Enter")


async def press(chat: Locator, label: str | re.Pattern[str]) -> None:
    """Press the newest inline button with this label."""
    await chat.locator(".keyboard").get_by_role("button", name=label).last.click()


def bot_text(chat: Locator, text: str | re.Pattern[str]) -> Locator:
    return chat.locator("li.message.theirs .text").filter(has_text=text).last


async def loaded_width(image: Locator) -> int:
    """The image's natural width once it has loaded (visible is not loaded yet)."""
    handle = await image.element_handle()
    await image.page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=handle)
    return int(await image.evaluate("i => i.naturalWidth"))


async def onboard_by_clicking(page: Page, chat: Locator) -> None:
    from playwright.async_api import expect

    walkthrough = page.get_by_role("region", name="Walkthrough")
    await walkthrough.get_by_role("button", name="Send /start college as Alice").click()
    await expect(chat.locator("li.message.mine").first).to_contain_text("/start college")
    await press(chat, "English")
    await press(chat, re.compile("I agree"))
    await expect(bot_text(chat, "date of birth")).to_be_visible()
    await say(chat, "23/04/1990")
    await press(chat, re.compile("I'd like a mentor"))
    await press(chat, re.compile("Financial aid"))
    await expect(
        chat.locator(".keyboard").get_by_role("button", name=re.compile("✓ Financial aid")).last
    ).to_be_visible()
    await press(chat, re.compile("^Done"))
    await press(chat, re.compile("Business"))
    await expect(
        chat.locator(".keyboard").get_by_role("button", name=re.compile("✓ Business")).last
    ).to_be_visible()
    await press(chat, re.compile("^Done"))
    await expect(bot_text(chat, "Does any of this describe you?")).to_be_visible()
    await press(chat, re.compile("^Done"))
    await expect(bot_text(chat, "Which languages can you chat in?")).to_be_visible()
    await press(chat, re.compile("^Done"))
    await expect(bot_text(chat, "Which city are you in?")).to_be_visible()
    await say(chat, "Rome")
    await press(chat, "18:00")
    await expect(bot_text(chat, "what name should your match see")).to_be_visible()
    await say(chat, "Alice")
    await press(chat, re.compile("Confirm"))
    await expect(bot_text(chat, "You're all set, Alice")).to_be_visible()


async def test_from_start_to_a_relayed_conversation_and_a_delivered_step(
    demo: Demo, browser_page: Page
) -> None:
    from playwright.async_api import FilePayload, expect

    page, shots = browser_page, artifact_dir("walkthrough")
    await page.goto(demo.page_url)
    await expect(page.get_by_role("heading", name="mentorbot demo")).to_be_visible()
    await expect(page.get_by_text("Live", exact=True)).to_be_visible()
    alice, grace = chat_of(page, MENTEE.name), chat_of(page, MENTOR.name)
    await expect(chat_of(page, STAFF_MEMBER.name)).to_be_visible()
    await page.screenshot(path=shots / "00-start.png")

    await onboard_by_clicking(page, alice)
    await page.screenshot(path=shots / "01-onboarded.png")

    await press(alice, re.compile("Find a mentor"))
    offer = bot_text(grace, "would like a mentor")
    await expect(offer).to_be_visible()
    await expect(offer).not_to_contain_text("Alice")  # proposals are anonymous
    await page.screenshot(path=shots / "02-proposal.png")
    await press(grace, "Accept")
    await expect(bot_text(alice, "You're matched")).to_be_visible()
    await expect(bot_text(grace, "You're now the mentor")).to_be_visible()
    await page.screenshot(path=shots / "03-matched.png")

    await say(alice, "Hi Grace! Could you help me with my financial aid forms?")
    relayed = bot_text(grace, "financial aid forms")
    await expect(relayed).to_be_visible()
    await relayed.hover()
    await (
        grace.locator("li.message")
        .filter(has_text="financial aid forms")
        .last.get_by_role("button", name="Reply")
        .click()
    )
    await expect(grace.get_by_text("Reply to Mentorbot")).to_be_visible()
    await say(grace, "Of course! Send me a photo of the first page.")
    answer = alice.locator("li.message.theirs").filter(has_text="photo of the first page").last
    await expect(answer.locator(".quote")).to_contain_text("financial aid forms")

    await alice.get_by_role("textbox").fill("Here it is")
    form = FilePayload(name="form.png", mimeType="image/png", buffer=png(96, 64, (70, 140, 210)))
    await alice.locator("input[type=file]").set_input_files(files=[form])
    photo = grace.get_by_role("img", name="Photo: Here it is")
    await expect(photo).to_be_visible()
    assert await loaded_width(photo) == 96  # served by the sandbox

    mine = alice.locator("li.message.mine").filter(has_text="financial aid forms").last
    await mine.hover()
    await mine.get_by_role("button", name="Edit").click()
    await say(alice, "Hi Grace! Could you help me with my financial aid forms, please?")
    await expect(bot_text(grace, "forms, please?")).to_be_visible()
    await expect(
        grace.locator("li.message.theirs").filter(has_text="forms, please?").locator(".edited")
    ).to_be_visible()
    await page.screenshot(path=shots / "04-relayed.png")

    assert demo.bot.core is not None
    async with demo.bot.core.conversations.uows() as uow:
        pairs = await uow.pairs.of_person(MENTEE.id)
    assert [(p.mentor_id, p.status) for p in pairs] == [(MENTOR.id, PairStatus.ACTIVE)]

    assert not await alice.get_by_text("Step 1 of 24").count()
    await page.get_by_role("button", name="+1 day").click()
    await expect(page.locator("#clock-now")).to_contain_text("Tue 13 Oct, 09:00")
    await expect(bot_text(alice, "Step 1 of 24")).to_be_visible()
    await expect(bot_text(grace, "Step 1 of 24")).to_be_visible()
    await page.screenshot(path=shots / "05-step-1.png")

    sofia = chat_of(page, STAFF_MEMBER.name)
    await sofia.get_by_role("button", name="Menu ★").click()  # her own, chat-scoped menu
    await (
        sofia.get_by_role("list", name="Bot commands").get_by_role("button", name="/stats").click()
    )
    await expect(bot_text(sofia, "Figures for College First Year")).to_contain_text("1 active")
    charts = sofia.get_by_role("img", name=re.compile("^Photo"))  # one chart per question
    await expect(charts.first).to_be_visible()
    await expect(charts.last).to_be_visible()
    for n in range(await charts.count()):
        assert await loaded_width(charts.nth(n)) > 200
    await expect(
        chat_of(page, MENTEE.name).get_by_role("button", name=re.compile("^Menu"))
    ).to_have_text("Menu")
    await page.screenshot(path=shots / "06-stats.png")
    await expect(page.locator(".toast")).to_have_count(0)
    await page.screenshot(path=README_SHOT)
