"""The web chat's HTTP side: the page and its static files, a JSON view of users and chats,
files, and a WebSocket that pushes what happens (messages, edits, button answers, typing, new
users, command menus, the clock) as it happens.

People act through the sandbox's control API (``/sandbox/users/…``, ``/sandbox/clock``), so the
bot receives exactly the updates Telegram would send it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import mimetypes
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from bot.sandbox.errors import ControlError
from bot.sandbox.events import EventLog
from bot.sandbox.files import image_type
from bot.sandbox.state import Sandbox
from bot.sandbox.web_common import path_chat, sandbox_of
from bot.sandbox.webchat.views import (
    INLINE_IMAGE_TYPES,
    chat_messages,
    commands_for,
    message_view,
    user_view,
)

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"
WAKE_SECONDS = 1.0  # how often a socket also checks users, menus and the clock
TYPING_SECONDS = 5.0  # Telegram shows a chat action for 5 seconds or until a message arrives


@dataclass
class Webchat:
    """Mutable web chat settings: ``guide`` is the walkthrough the page shows (the demo sets
    it; a list of ``{"title": str, "text": str, "chat": user id or None, "say": optional text
    the page offers to send as them}``); ``open_chats`` are the chats a first visit opens;
    ``process`` is the id of the `mentorbot demo` process serving it (a second demo names it
    when it finds the port taken), None for a bare sandbox."""

    title: str = "mentorbot sandbox"
    guide: list[dict[str, Any]] = field(default_factory=list)
    open_chats: list[int] = field(default_factory=list)
    process: int | None = None
    sockets: weakref.WeakSet[web.WebSocketResponse] = field(default_factory=weakref.WeakSet)


WEBCHAT_KEY = web.AppKey("webchat", Webchat)


def webchat_of(app: web.Application) -> Webchat:
    return app[WEBCHAT_KEY]


def _json(data: Any) -> web.Response:
    return web.json_response(data, headers={"Cache-Control": "no-store"})


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(
        STATIC_DIR / "index.html",
        headers={"Cache-Control": "no-store", "Content-Security-Policy": _CSP},
    )


async def root(request: web.Request) -> web.Response:
    raise web.HTTPFound("/chat/")


def _menus(sandbox: Sandbox) -> dict[str, Any]:
    return {str(uid): commands_for(sandbox, user) for uid, user in sandbox.users.items()}


async def state(request: web.Request) -> web.Response:
    sandbox = sandbox_of(request)
    webchat = webchat_of(request.app)
    return _json(
        {
            "title": webchat.title,
            "bot": sandbox.bot_user(),
            "users": [user_view(sandbox, u) for u in sandbox.users.values()],
            "menus": _menus(sandbox),
            "clock": sandbox.clock.as_dict(),
            "guide": webchat.guide,
            "open": webchat.open_chats,
            "process": webchat.process,
            "seq": sandbox.events.last_seq,
        }
    )


async def chat(request: web.Request) -> web.Response:
    sandbox = sandbox_of(request)
    log_ = path_chat(request)
    return _json(
        {
            "user": user_view(sandbox, log_.user),
            "messages": chat_messages(sandbox, log_),
            "menu": commands_for(sandbox, log_.user),
        }
    )


async def file(request: web.Request) -> web.Response:
    """A file's bytes: images the browser can show inline, anything else as a download."""
    stored = sandbox_of(request).files.get(request.match_info["file_id"])
    if stored is None or not stored.data:
        raise ControlError(404, "no such file")
    mime = image_type(stored.data) or stored.mime_type or mimetypes.guess_type(stored.file_path)[0]
    name = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"}
    if mime in INLINE_IMAGE_TYPES:
        return web.Response(body=stored.data, content_type=mime, headers=headers)
    safe_name = "".join(c for c in name if c.isalnum() or c in "._- ") or "file"
    headers["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return web.Response(body=stored.data, content_type="application/octet-stream", headers=headers)


def translate(sandbox: Sandbox, event: dict[str, Any]) -> dict[str, Any] | None:
    """A sandbox event as the page's message (None: nothing to show)."""
    chat_id = event["chat_id"]
    kind = event["type"]
    chat_log = sandbox.chats.get(chat_id)
    if chat_log is None:
        return None
    if kind in ("message", "edit"):
        message = chat_log.get(event["message"]["message_id"])
        if message is None:
            return None
        return {
            "type": kind,
            "chat_id": chat_id,
            "message": message_view(sandbox, chat_log, message),
        }
    if kind == "delete":
        return {"type": "delete", "chat_id": chat_id, "message_id": event["message"]["message_id"]}
    if kind == "callback_answer":
        answer = event["callback_answer"]
        return {
            "type": "callback_answer",
            "chat_id": chat_id,
            "answer": {
                "text": answer.get("text"),
                "show_alert": bool(answer.get("show_alert")),
                "url": answer.get("url"),
                "message_id": answer.get("message_id"),
            },
        }
    if kind == "chat_action":
        return {
            "type": "typing",
            "chat_id": chat_id,
            "action": event.get("action"),
            "seconds": TYPING_SECONDS,
        }
    return None


def _signature(sandbox: Sandbox) -> tuple[Any, ...]:
    users = tuple((u.id, u.first_name, u.language_code, u.blocked) for u in sandbox.users.values())
    return users, json.dumps(_menus(sandbox), sort_keys=True), sandbox.clock.offset_seconds


async def _pump(ws: web.WebSocketResponse, sandbox: Sandbox) -> None:
    """Send the page every event after it connected, and changes of users, menus and clock."""
    events: EventLog = sandbox.events
    seq = events.last_seq
    seen = _signature(sandbox)
    while not ws.closed:
        if sandbox.events is not events:  # the sandbox was reset
            events, seq = sandbox.events, 0
            await ws.send_json({"type": "reset"})
        started = time.monotonic()
        found = await events.wait(seq, WAKE_SECONDS)
        if sandbox.events is not events:
            continue  # reset while waiting: say so before anything else
        for event in found:
            seq = event["seq"]
            shown = translate(sandbox, event)
            if shown is not None:
                await ws.send_json(shown)
        now = _signature(sandbox)
        if now != seen:
            users, _, offset = now
            if users != seen[0]:
                await ws.send_json(
                    {
                        "type": "users",
                        "users": [user_view(sandbox, u) for u in sandbox.users.values()],
                    }
                )
            if now[1] != seen[1]:
                await ws.send_json({"type": "menus", "menus": _menus(sandbox)})
            if offset != seen[2]:
                await ws.send_json({"type": "clock", "clock": sandbox.clock.as_dict()})
            seen = now
        if not found and time.monotonic() - started < WAKE_SECONDS / 2:
            await asyncio.sleep(WAKE_SECONDS / 2)  # the event log is closed: shutting down


async def socket(request: web.Request) -> web.WebSocketResponse:
    sandbox = sandbox_of(request)
    ws = web.WebSocketResponse(heartbeat=20.0)
    await ws.prepare(request)
    webchat_of(request.app).sockets.add(ws)
    pump = asyncio.create_task(_pump(ws, sandbox), name="webchat-socket")
    try:
        await ws.send_json({"type": "hello", "seq": sandbox.events.last_seq})
        async for message in ws:  # the page only listens; this notices it leaving
            if message.type is WSMsgType.ERROR:
                break
    finally:
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionResetError):
            await pump
    return ws


async def _close_sockets(app: web.Application) -> None:
    for ws in list(webchat_of(app).sockets):
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"sandbox stopping")


# The page loads only its own files; message text is never HTML (see rich_text).
_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def add_webchat_routes(app: web.Application) -> Webchat:
    """Serve the web chat at ``/chat/`` (``/`` redirects there)."""
    webchat = Webchat()
    app[WEBCHAT_KEY] = webchat
    router = app.router
    router.add_get("/", root)
    router.add_get("/chat", root)
    router.add_get("/chat/", index)
    router.add_static("/chat/static/", STATIC_DIR, append_version=True)
    router.add_get("/chat/api/state", state)
    router.add_get("/chat/api/chats/{chat_id}", chat)
    router.add_get("/chat/files/{file_id}", file)
    router.add_get("/chat/ws", socket)
    app.on_shutdown.append(_close_sockets)
    return webchat
