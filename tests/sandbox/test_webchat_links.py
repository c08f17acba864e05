"""Links in the web chat open only http, https and tg addresses: a `javascript:` link in
MarkdownV2, a text_link entity, an HTML tag or an inline button's URL shows as text with no
target, and an e-mail address is shown, not opened. The page's script uses the same list."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox, start_sandbox
from bot.sandbox.webchat.markdown import from_markdown
from bot.sandbox.webchat.rich_text import SAFE_SCHEMES, from_entities, safe_href

STATIC = Path(__file__).resolve().parents[2] / "bot" / "sandbox" / "webchat" / "static"
TOKEN = "555:links"


def test_a_markdown_v2_javascript_link_has_no_target() -> None:
    tree = from_markdown(r"[x](javascript:alert\(1\)) and [y](https://x.org)", version=2)
    assert tree[0] == {"tag": "a", "children": ["x"]}
    assert {"tag": "a", "children": ["y"], "href": "https://x.org"} in tree


def test_a_text_link_entity_with_a_spaced_javascript_url_has_no_target() -> None:
    entities = [{"type": "text_link", "offset": 0, "length": 5, "url": " javascript:alert(1)"}]
    assert from_entities("click", entities) == [{"tag": "a", "children": ["click"]}]


def test_an_email_is_shown_not_opened() -> None:
    entities = [{"type": "email", "offset": 6, "length": 13}]
    tree = from_entities("write a@example.org", entities)
    assert tree == ["write ", {"tag": "a", "children": ["a@example.org"]}]
    assert safe_href("mailto:a@example.org") is None
    assert safe_href("tg://resolve?domain=x") == "tg://resolve?domain=x"
    assert safe_href("HTTPS://X.ORG") == "HTTPS://X.ORG"


def test_the_page_uses_the_same_schemes() -> None:
    render = (STATIC / "render.js").read_text(encoding="utf-8")
    pattern = re.search(r"export function safeHref\(href\) \{\n.*?/\^\((.*?)\)/i", render, re.S)
    assert pattern is not None
    schemes = (
        pattern.group(1).replace("\\/", "/").replace("https?://", "http://|https://").split("|")
    )
    assert tuple(schemes) == SAFE_SCHEMES
    chat = (STATIC / "chat.js").read_text(encoding="utf-8")
    assert "safeHref(button.url)" in chat and "mailto" not in render + chat


async def test_an_inline_button_url_is_checked_by_the_server() -> None:
    running: RunningSandbox = await start_sandbox(rate_limits=False)
    try:
        async with SandboxClient(running.url) as control, aiohttp.ClientSession() as session:
            user = await control.create_user("Ivy")
            keyboard = [
                [{"text": "evil", "url": "https://x.org/later-made-evil"}],
                [{"text": "site", "url": "https://x.org"}],
            ]
            async with session.post(
                f"{running.url}/bot{TOKEN}/sendMessage",
                json={
                    "chat_id": user.id,
                    "text": "links",
                    "reply_markup": {"inline_keyboard": keyboard},
                },
            ) as sent:
                assert sent.status == 200, await sent.text()
            # the Bot API side refuses such a URL; the page must not rely on that alone
            stored = next(iter(running.sandbox.chats[user.id].all()))
            stored.inline_keyboard[0][0]["url"] = "javascript:alert(1)"
            async with session.get(f"{running.url}/chat/api/chats/{user.id}") as response:
                chat = await response.json()
        message = next(m for m in chat["messages"] if m.get("snippet") == "links")
        assert message["buttons"] == [
            [{"text": "evil", "url": None}],
            [{"text": "site", "url": "https://x.org"}],
        ]
    finally:
        await running.stop()
