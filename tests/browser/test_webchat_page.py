"""The web chat page against a bot played by the test through the Bot API: formatting is shown
safely, the per-chat command menu, typing, button answers, documents, keyboard use, narrow
screens."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from tests.browser.support import artifact_dir, needs_browser

if TYPE_CHECKING:
    from playwright.async_api import Page

pytestmark = [needs_browser, pytest.mark.e2e]
TOKEN = "777:webchat-page-test"
HOSTILE = (
    '<b>Bold</b> and <i>italic</i>, a <a href="https://example.org/help">link</a>, a '
    '<a href="javascript:alert(1)">trap</a>, &lt;img src=x onerror=alert(1)&gt;, '
    "<tg-spoiler>the secret</tg-spoiler> and <code>/not_a_command</code>. Try /help"
)


async def bot_api(sandbox: RunningSandbox, method: str, **params: Any) -> Any:
    """Call the sandbox's Bot API as a bot would."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sandbox.url}/bot{TOKEN}/{method}", json=params) as response,
    ):
        body = await response.json()
    assert body["ok"], body
    return body["result"]


async def test_bot_formatting_menus_typing_answers_and_files(
    sandbox: RunningSandbox, browser_page: Page
) -> None:
    from playwright.async_api import FilePayload, expect

    page, shots = browser_page, artifact_dir("webchat-page")
    async with SandboxClient(sandbox.url) as control:
        dana = await control.create_user("Dana", language_code="en")
        await control.create_user("Eli", language_code="it")
    await bot_api(
        sandbox,
        "setMyCommands",
        commands=[{"command": "start", "description": "Start"}],
    )
    await bot_api(
        sandbox,
        "setMyCommands",
        commands=[
            {"command": "start", "description": "Start"},
            {"command": "stats", "description": "Program figures"},
        ],
        scope={"type": "chat", "chat_id": dana.id},
    )
    await page.goto(f"{sandbox.url}/chat/")
    await page.get_by_role("button", name=re.compile("^Dana")).click()
    chat = page.get_by_role("region", name="Chat of Dana")
    await expect(chat.get_by_text("This is Dana's private chat")).to_be_visible()

    await chat.get_by_role("button", name=re.compile("^Menu")).click()
    menu = chat.get_by_role("list", name="Bot commands")
    await expect(menu.get_by_role("button")).to_have_count(2)
    await expect(menu.get_by_role("button", name="/stats")).to_be_visible()
    await expect(menu.get_by_role("button").first).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(menu).to_be_hidden()
    await expect(chat.get_by_role("button", name=re.compile("^Menu"))).to_be_focused()

    sent = await bot_api(
        sandbox,
        "sendMessage",
        chat_id=dana.id,
        text=HOSTILE,
        parse_mode="HTML",
        reply_markup={"inline_keyboard": [[{"text": "Ping", "callback_data": "ping"}]]},
    )
    bubble = chat.locator("li.message.theirs").last
    await expect(bubble.locator("strong")).to_have_text("Bold")  # arrived live, no reload
    await expect(bubble.locator("em")).to_have_text("italic")
    await expect(bubble.get_by_role("link", name="link")).to_have_attribute(
        "href", "https://example.org/help"
    )
    await expect(bubble.get_by_text("trap")).to_be_visible()
    assert await bubble.locator("a[href^='javascript']").count() == 0
    await expect(bubble).to_contain_text("<img src=x onerror=alert(1)>")
    assert await bubble.locator("img").count() == 0
    await expect(bubble.locator("code")).to_have_text("/not_a_command")
    await expect(bubble.get_by_role("button", name="/help")).to_be_visible()
    spoiler = bubble.get_by_role("button", name="Spoiler: press to reveal")
    await spoiler.focus()
    await page.keyboard.press("Enter")
    await expect(bubble.locator(".spoiler.revealed")).to_have_text("the secret")

    await bot_api(sandbox, "sendChatAction", chat_id=dana.id, action="typing")
    await expect(chat.get_by_text("Mentorbot is typing")).to_be_visible()

    await bubble.get_by_role("button", name="Ping").click()
    updates = await bot_api(sandbox, "getUpdates", timeout=5)
    query = updates[-1]["callback_query"]
    assert (query["data"], query["message"]["message_id"]) == ("ping", sent["message_id"])
    await bot_api(
        sandbox,
        "answerCallbackQuery",
        callback_query_id=query["id"],
        text="Pong!",
        show_alert=True,
    )
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_contain_text("Pong!")
    await dialog.get_by_role("button", name="OK").click()
    await expect(dialog).to_be_hidden()
    await page.screenshot(path=shots / "formatting.png")

    notes = FilePayload(name="notes.txt", mimeType="text/plain", buffer=b"my notes\n")
    await chat.get_by_role("textbox").fill("My notes")
    await chat.locator("input[type=file]").set_input_files(files=[notes])
    document = chat.locator("li.message.mine").last
    await expect(document.get_by_role("link", name=re.compile("notes.txt"))).to_be_visible()
    await expect(document).to_contain_text("My notes")
    updates = await bot_api(sandbox, "getUpdates", offset=updates[-1]["update_id"] + 1)
    message = updates[-1]["message"]
    assert message["document"]["file_name"] == "notes.txt" and message["caption"] == "My notes"

    await page.get_by_role("link", name="Skip to the chats").focus()
    box = chat.get_by_role("textbox", name="Message as Dana")
    await box.focus()
    await page.keyboard.type("Typed with the keyboard")
    await page.keyboard.press("Enter")
    await expect(chat.locator("li.message.mine").last).to_contain_text("Typed with the keyboard")
    updates = await bot_api(sandbox, "getUpdates", offset=updates[-1]["update_id"] + 1)
    assert updates[-1]["message"]["text"] == "Typed with the keyboard"

    await page.reload()  # the open chats come back, with their history
    await expect(chat.locator("li.message")).to_have_count(3)
    await expect(chat.locator("li.day")).to_have_count(1)
    await expect(chat.locator("li.message.theirs strong").first).to_have_text("Bold")
    await expect(chat.get_by_role("link", name=re.compile("notes.txt"))).to_be_visible()

    unnamed = await page.evaluate(
        """() => [...document.querySelectorAll('button, a, input, textarea, select')]
            .filter((e) => e.offsetParent !== null && e.type !== 'file')
            .filter((e) => !(e.getAttribute('aria-label') || e.textContent.trim() ||
                             (e.labels && e.labels.length)))
            .map((e) => e.outerHTML)"""
    )
    assert unnamed == [], "controls without an accessible name"


async def test_chats_stack_on_a_narrow_screen(sandbox: RunningSandbox, browser_page: Page) -> None:
    from playwright.async_api import expect

    page = browser_page
    async with SandboxClient(sandbox.url) as control:
        await control.create_user("Fay", language_code="en")
        await control.create_user("Gus", language_code="en")
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"{sandbox.url}/chat/")
    for name in ("Fay", "Gus"):
        await page.get_by_role("button", name=re.compile(f"^{name}")).click()
        await expect(page.get_by_role("region", name=f"Chat of {name}")).to_be_visible()
    first = await page.get_by_role("region", name="Chat of Fay").bounding_box()
    second = await page.get_by_role("region", name="Chat of Gus").bounding_box()
    assert first is not None and second is not None
    assert second["y"] >= first["y"] + first["height"] - 1, "chats stack on narrow screens"
    assert first["width"] <= 390 and abs(first["x"] - second["x"]) < 1
    await page.screenshot(path=artifact_dir("webchat-page") / "narrow.png", full_page=True)
