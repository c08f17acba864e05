"""The web chat on a phone (390 x 844, touch, no mouse): a tap presses an inline button and a
reply keyboard's button, a photo opens full size in a viewer that a tap, the close button or
Escape closes, every control is at least 44 px each way, nothing waits for a hover, and the
composer shows no scroll bar until what is typed outgrows it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from tests.browser.support import artifact_dir, needs_browser, png

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

pytestmark = [needs_browser, pytest.mark.e2e]
TOKEN = "778:webchat-touch-test"
TAP = 44  # px: the smallest a control may be on a touch screen


async def bot_api(sandbox: RunningSandbox, method: str, **params: Any) -> Any:
    """Call the sandbox's Bot API as a bot would."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sandbox.url}/bot{TOKEN}/{method}", json=params) as response,
    ):
        body = await response.json()
    assert body["ok"], body
    return body["result"]


async def composer_fits(box: Locator) -> dict[str, Any]:
    return dict(
        await box.evaluate(
            """(b) => ({fits: b.scrollHeight <= b.clientHeight, height: b.offsetHeight,
                       scrollbar: b.offsetWidth - b.clientWidth - 2,
                       overflow: getComputedStyle(b).overflowY})"""
        )
    )


async def small_controls(chat: Locator) -> list[str]:
    """The chat's visible controls smaller than a fingertip (links in a text excepted)."""
    return list(
        await chat.evaluate(
            """(chat, tap) => [...chat.querySelectorAll('button, a.key, textarea')]
                .filter((e) => e.offsetParent !== null)
                .filter((e) => !e.closest('.text'))
                .map((e) => [e, e.getBoundingClientRect()])
                .filter(([, r]) => r.width < tap || r.height < tap)
                .map(([e, r]) => `${e.className || e.tagName} ${e.getAttribute('aria-label')
                    || e.textContent.trim()}: ${Math.round(r.width)}x${Math.round(r.height)}`)""",
            TAP,
        )
    )


async def test_buttons_photos_and_composer_on_a_phone(
    sandbox: RunningSandbox, phone_page: Page
) -> None:
    from playwright.async_api import expect

    page, shots = phone_page, artifact_dir("webchat-touch")
    async with SandboxClient(sandbox.url) as control:
        hana = await control.create_user("Hana", language_code="en")
        await control.send_photo(hana.id, png(240, 160, (70, 130, 200)), caption="My desk")
    await bot_api(
        sandbox,
        "sendMessage",
        chat_id=hana.id,
        text="Which language?",
        reply_markup={"inline_keyboard": [[{"text": "English", "callback_data": "lang:en"}]]},
    )
    await bot_api(
        sandbox,
        "sendMessage",
        chat_id=hana.id,
        text="Ready?",
        reply_markup={"keyboard": [[{"text": "Yes"}, {"text": "Not yet"}]]},
    )
    updates = await bot_api(sandbox, "getUpdates")
    offset = updates[-1]["update_id"] + 1

    await page.goto(f"{sandbox.url}/chat/")
    await page.get_by_role("button", name=re.compile("^Hana")).tap()
    chat = page.get_by_role("region", name="Chat of Hana")
    await expect(chat.get_by_text("Ready?")).to_be_visible()

    box = chat.get_by_role("textbox", name="Message as Hana")
    one_line = await composer_fits(box)
    assert one_line["fits"] and one_line["scrollbar"] <= 0, one_line
    assert one_line["height"] >= TAP, one_line
    await box.fill("one\ntwo\nthree")
    await box.dispatch_event("input")
    three = await composer_fits(box)
    assert three["fits"] and three["height"] > one_line["height"], three
    await box.fill("\n".join(f"line {n}" for n in range(20)))
    await box.dispatch_event("input")
    long = await composer_fits(box)
    assert long["height"] == 160 and not long["fits"] and long["overflow"] == "auto", long
    await box.fill("")
    await box.dispatch_event("input")
    assert await composer_fits(box) == one_line

    assert await small_controls(chat) == []
    reply = chat.locator("li.message").last.get_by_role("button", name="Reply")
    await expect(reply).to_be_visible()
    assert float(await reply.evaluate("(b) => getComputedStyle(b.parentElement).opacity")) == 1
    await page.screenshot(path=shots / "phone.png")

    await chat.locator(".keyboard").get_by_role("button", name="English").tap()
    updates = await bot_api(sandbox, "getUpdates", offset=offset, timeout=5)
    assert updates[-1]["callback_query"]["data"] == "lang:en"
    offset = updates[-1]["update_id"] + 1
    keyboard = chat.get_by_role("group", name="Keyboard from the bot")
    await keyboard.get_by_role("button", name="Not yet").tap()
    await expect(chat.locator("li.message.mine").last).to_contain_text("Not yet")
    updates = await bot_api(sandbox, "getUpdates", offset=offset, timeout=5)
    assert updates[-1]["message"]["text"] == "Not yet"

    opener = chat.get_by_role("button", name="Open the photo full size")
    viewer = page.get_by_role("dialog", name="Photo")
    await opener.tap()
    await expect(viewer).to_be_visible()
    image = viewer.get_by_role("img", name="Photo: My desk")
    await expect(image).to_be_visible()
    shown = await image.bounding_box()
    assert shown is not None and shown["width"] > 300, "the photo fills the phone's width"
    await expect(viewer.get_by_text("My desk")).to_be_visible()
    await page.screenshot(path=shots / "photo-viewer.png")
    await viewer.get_by_role("button", name="Close the photo").tap()
    await expect(viewer).to_be_hidden()
    await expect(opener).to_be_focused()

    await page.keyboard.press("Enter")  # the keyboard opens it too, Escape closes it
    await expect(viewer).to_be_visible()
    await expect(viewer.get_by_role("button", name="Close the photo")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(viewer).to_be_hidden()
    await expect(opener).to_be_focused()

    await opener.tap()
    await image.tap()  # a tap on the photo (or around it) closes it
    await expect(viewer).to_be_hidden()
