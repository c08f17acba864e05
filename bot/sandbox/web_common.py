"""aiohttp glue shared by the Bot API and control API routes."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.sandbox.errors import ControlError
from bot.sandbox.models import ChatLog, MessageLog
from bot.sandbox.state import Sandbox

logger = logging.getLogger(__name__)
SANDBOX_KEY = web.AppKey("sandbox", Sandbox)

WebHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def sandbox_of(request: web.Request) -> Sandbox:
    return request.app[SANDBOX_KEY]


@web.middleware
async def control_errors(request: web.Request, handler: WebHandler) -> web.StreamResponse:
    """Answer :class:`ControlError` (and malformed input) as ``{"error": …}``."""
    try:
        return await handler(request)
    except ControlError as exc:
        return web.json_response({"error": exc.message}, status=exc.status)
    except web.HTTPException:
        raise
    except Exception as exc:  # a sandbox bug: keep the answer JSON and the cause visible
        logger.exception("sandbox control API failed on %s", request.path)
        return web.json_response({"error": f"sandbox internal error: {exc!r}"}, status=500)


async def json_body(request: web.Request) -> dict[str, Any]:
    """The JSON object body of a control request (an empty body is ``{}``). A body must be sent
    as ``application/json``: a browser cannot send that cross-site without asking first, while
    a form or ``text/plain`` it can."""
    raw = await request.read()
    typed = request.content_type == "application/json"
    if not raw.strip() and (typed or "Content-Type" not in request.headers):
        return {}
    if not typed:
        raise ControlError(415, "send the body as JSON (Content-Type: application/json)")
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise ControlError(400, f"body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise ControlError(400, "body must be a JSON object")
    return body


def int_field(body: dict[str, Any], name: str, *, required: bool = True) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            raise ControlError(400, f"{name} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ControlError(400, f"{name} must be an integer")
    try:
        return int(value)
    except ValueError as exc:
        raise ControlError(400, f"{name} must be an integer") from exc


def str_field(body: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise ControlError(400, f"{name} is required")
        return None
    if not isinstance(value, str):
        raise ControlError(400, f"{name} must be a string")
    return value


def path_int(request: web.Request, name: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError as exc:
        raise ControlError(400, f"{name} must be an integer") from exc


def path_chat(request: web.Request) -> ChatLog:
    """The chat named by the path's ``chat_id`` (404 when there is none)."""
    chat_id = path_int(request, "chat_id")
    chat = sandbox_of(request).chats.get(chat_id)
    if chat is None:
        raise ControlError(404, f"no chat {chat_id}")
    return chat


def path_log(request: web.Request) -> MessageLog:
    """The private chat or group named by the path's ``chat_id`` (404 when there is none)."""
    chat_id = path_int(request, "chat_id")
    chat = sandbox_of(request).chat_log(chat_id)
    if chat is None:
        raise ControlError(404, f"no chat {chat_id}")
    return chat


def query_number(request: web.Request, name: str, default: float) -> float:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ControlError(400, f"query parameter {name} must be a number") from exc
