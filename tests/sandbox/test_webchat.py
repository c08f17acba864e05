"""The web chat's server side: message text as a safe tree (HTML, entities, Markdown), the
command menu a chat sees, files served without letting the bot's content run in the page, and
the socket pushing what happens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.sandbox.client import SandboxClient
from bot.sandbox.models import SandboxUser
from bot.sandbox.server import RunningSandbox, start_sandbox
from bot.sandbox.state import Sandbox
from bot.sandbox.webchat.markdown import from_markdown
from bot.sandbox.webchat.rich_text import from_entities, plain_text, rich_text
from bot.sandbox.webchat.views import commands_for

TOKEN = "555:webchat"


def b(*children: Any) -> dict[str, Any]:
    return {"tag": "b", "children": list(children)}


def test_html_keeps_telegram_tags_and_shows_everything_else_as_text() -> None:
    tree = rich_text(
        '<strong>Hi</strong> <a href="javascript:alert(1)">x</a> <script>alert(1)</script> '
        '&lt;b&gt; <span class="tg-spoiler">s</span> '
        '<pre><code class="language-py">1</code></pre>',
        "HTML",
        None,
    )
    assert tree[0] == b("Hi")
    assert tree[2] == {"tag": "a", "children": ["x"]}  # no href: the scheme is not allowed
    assert "<script>alert(1)" in tree[3] and "</script> <b> " in tree[3]
    assert tree[4] == {"tag": "tg-spoiler", "children": ["s"]}
    assert tree[6] == {
        "tag": "pre",
        "children": [{"tag": "code", "children": ["1"]}],
        "language": "py",
    }


def test_links_and_commands_in_plain_text_become_nodes_but_not_inside_code() -> None:
    tree = rich_text("See https://example.org/a, then /findmentor <code>/no</code>", "HTML", None)
    assert tree[1] == {
        "tag": "a",
        "children": ["https://example.org/a"],
        "href": "https://example.org/a",
    }
    assert tree[3] == {"tag": "cmd", "children": ["/findmentor"]}
    assert tree[5] == {"tag": "code", "children": ["/no"]}
    assert rich_text("a/b and 1/2", None, None) == ["a/b and 1/2"]


def test_entities_use_utf16_offsets_and_nest() -> None:
    text = "😀 bold italic"
    entities = [
        {"type": "bold", "offset": 3, "length": 11},
        {"type": "italic", "offset": 8, "length": 6},
        {"type": "text_link", "offset": 0, "length": 2, "url": "https://x.org"},
    ]
    assert from_entities(text, entities) == [
        {"tag": "a", "children": ["😀"], "href": "https://x.org"},
        " ",
        b("bold ", {"tag": "i", "children": ["italic"]}),
    ]


def test_markdown_v2_and_legacy_markdown() -> None:
    tree = from_markdown(
        r"*bold _it_* \. [l](https://x.y) `c*d` ~s~ ||sp|| __u__ *open", version=2
    )
    assert plain_text(tree) == "bold it . l c*d s sp u *open"
    assert tree[0] == b("bold ", {"tag": "i", "children": ["it"]})
    assert {"tag": "a", "children": ["l"], "href": "https://x.y"} in tree
    assert from_markdown(">quote\n>two\nafter", version=2) == [
        {"tag": "blockquote", "children": ["quote\ntwo"]},
        "after",
    ]
    assert from_markdown("*b* _i_ ~x~", version=1) == [
        b("b"),
        " ",
        {"tag": "i", "children": ["i"]},
        " ~x~",
    ]


def test_the_menu_a_chat_sees_prefers_its_own_scope_then_its_language() -> None:
    sandbox = Sandbox(rate_limits=False)
    staff = SandboxUser(id=5, first_name="Sofia", language_code="it")
    other = SandboxUser(id=6, first_name="Ugo", language_code="en")
    sandbox.commands[("default", "")] = [{"command": "start", "description": "Start"}]
    sandbox.commands[("default", "it")] = [{"command": "start", "description": "Inizia"}]
    sandbox.commands[("chat:5", "it")] = [{"command": "stats", "description": "Cifre"}]
    assert commands_for(sandbox, staff)["commands"][0]["command"] == "stats"
    assert commands_for(sandbox, staff)["scope"] == "chat"
    assert commands_for(sandbox, other) == {
        "scope": "default",
        "language_code": "",
        "commands": [{"command": "start", "description": "Start"}],
    }


@pytest.fixture
async def running() -> AsyncIterator[RunningSandbox]:
    sandbox = await start_sandbox(rate_limits=False)
    try:
        yield sandbox
    finally:
        await sandbox.stop()


async def test_files_are_images_inline_or_downloads_never_pages(running: RunningSandbox) -> None:
    async with SandboxClient(running.url) as control:
        user = await control.create_user("Ivy")
        await control.send_document(user.id, b"<script>alert(1)</script>", file_name="x.html")
        await control.send_photo(user.id, b"\x89PNG\r\n\x1a\n" + bytes(40))
    messages = list(running.sandbox.chats[user.id].all())
    document_id = messages[0].file_id
    photo_id = messages[1].media["photo"][-1]["file_id"]
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{running.url}/chat/files/{document_id}") as response:
            assert response.content_type == "application/octet-stream"
            assert response.headers["Content-Disposition"] == 'attachment; filename="x.html"'
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        async with session.get(f"{running.url}/chat/files/{photo_id}") as response:
            assert response.content_type == "image/png"
        async with session.get(f"{running.url}/chat/files/nope") as response:
            assert response.status == 404
        async with session.get(f"{running.url}/chat/api/chats/424242") as response:
            assert response.status == 404 and "no chat" in (await response.json())["error"]
        async with session.get(f"{running.url}/chat/", allow_redirects=False) as response:
            assert "script-src 'self'" in response.headers["Content-Security-Policy"]


async def test_the_socket_pushes_messages_typing_answers_and_new_people(
    running: RunningSandbox,
) -> None:
    async with SandboxClient(running.url) as control, aiohttp.ClientSession() as session:
        user = await control.create_user("Jo")
        async with session.ws_connect(f"{running.url}/chat/ws") as ws:
            assert (await ws.receive_json(timeout=5))["type"] == "hello"
            api = f"{running.url}/bot{TOKEN}"
            await session.post(
                f"{api}/sendMessage",
                json={"chat_id": user.id, "text": "<b>Hi</b> Jo", "parse_mode": "HTML"},
            )
            pushed = await ws.receive_json(timeout=5)
            assert pushed["type"] == "message" and pushed["chat_id"] == user.id
            assert pushed["message"]["body"] == [b("Hi"), " Jo"]
            assert pushed["message"]["snippet"] == "Hi Jo"
            await session.post(
                f"{api}/sendChatAction", json={"chat_id": user.id, "action": "typing"}
            )
            assert await ws.receive_json(timeout=5) == {
                "type": "typing",
                "chat_id": user.id,
                "action": "typing",
                "seconds": 5.0,
            }
            await control.create_user("Kim")
            pushed = await ws.receive_json(timeout=5)
            assert pushed["type"] == "users"
            assert [u["first_name"] for u in pushed["users"]] == ["Jo", "Kim"]


async def test_the_socket_tells_the_page_when_the_sandbox_is_reset(
    running: RunningSandbox,
) -> None:
    async with SandboxClient(running.url) as control, aiohttp.ClientSession() as session:
        await control.create_user("Lou")
        async with session.ws_connect(f"{running.url}/chat/ws") as ws:
            assert (await ws.receive_json(timeout=5))["type"] == "hello"
            await control.reset()
            assert (await ws.receive_json(timeout=5)) == {"type": "reset"}
            assert (await ws.receive_json(timeout=5)) == {"type": "users", "users": []}


def test_a_quote_closed_by_an_earlier_marker_leaves_no_stray_marker() -> None:
    tree = from_markdown("*x\n>y* z", version=2)
    assert tree == [b("x\n", {"tag": "blockquote", "children": ["y"]}), " z"]
    assert plain_text(tree) == "x\ny z"


async def test_a_pin_is_a_line_across_the_chat_not_an_empty_bubble(
    running: RunningSandbox,
) -> None:
    async with SandboxClient(running.url) as control:
        user = await control.create_user("Ivy")
    bot = f"{running.url}/bot{TOKEN}"
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{bot}/sendMessage", json={"chat_id": user.id, "text": "Your partner: Grace"}
        ) as response:
            sent = (await response.json())["result"]
        async with session.post(
            f"{bot}/pinChatMessage",
            json={"chat_id": user.id, "message_id": sent["message_id"]},
        ) as response:
            assert (await response.json())["ok"]
        async with session.get(f"{running.url}/chat/api/chats/{user.id}") as response:
            shown = (await response.json())["messages"]
        async with session.get(f"{running.url}/chat/api/state") as response:
            people = (await response.json())["users"]
    assert [m["service"] for m in shown] == [None, "📌 Mentorbot pinned “Your partner: Grace”"]
    [ivy] = [p for p in people if p["id"] == user.id]
    assert ivy["last_message"] == "Your partner: Grace"
