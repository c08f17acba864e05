"""The Telegram-compatible HTTP endpoints: ``/bot<token>/<method>`` and
``/file/bot<token>/<file_path>``.

Every call is logged; armed faults are applied first; in strict mode the parameters of accepted
calls and every result are validated against the Bot API spec.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from aiohttp import web

from bot.sandbox import (  # noqa: F401
    methods_core,
    methods_edit,
    methods_forum,
    methods_media,
    methods_send,
)
from bot.sandbox.errors import BotApiError, HtmlErrorPage, not_found_method, unauthorized
from bot.sandbox.params import Params, loggable, read_params
from bot.sandbox.registry import BotCall, lookup
from bot.sandbox.state import Sandbox
from bot.sandbox.web_common import sandbox_of

logger = logging.getLogger(__name__)
_TOKEN_RE = re.compile(r"^(\d+):(\S+)$")


def bot_id_of(token: str) -> int:
    """The bot id a token encodes (``<digits>:<secret>``); 401 for malformed tokens."""
    match = _TOKEN_RE.match(token)
    if match is None:
        raise unauthorized()
    return int(match.group(1))


async def handle_method(request: web.Request) -> web.Response:
    sandbox = sandbox_of(request)
    name = request.match_info["method"]
    entry: dict[str, Any] = {
        "seq": len(sandbox.request_log) + 1,
        "method": name,
        "params": {},
        "status": None,  # filled in when answered (long polls stay pending meanwhile)
        "ok": None,
        "at": sandbox.clock.now().isoformat(),
    }
    sandbox.request_log.append(entry)
    page: str | None = None
    try:
        sandbox.bot_id = bot_id_of(request.match_info["token"])
        definition = lookup(name)
        if definition is None:
            raise not_found_method()
        entry["method"] = name = definition.name
        params = await read_params(request)
        entry["params"] = loggable(params)
        result = await _run(sandbox, name, params)
        status, body = 200, {"ok": True, "result": result}
    except BotApiError as exc:
        status, body = exc.status, exc.to_dict()
        entry["description"] = exc.description
        if isinstance(exc, HtmlErrorPage):  # a proxy's page, not the Bot API's JSON
            page = exc.html()
    except Exception as exc:  # a sandbox bug: answer like Telegram would, and make it visible
        logger.exception("sandbox failed on %s", name)
        sandbox.record_violations([f"sandbox internal error in {name}: {exc!r}"])
        error = BotApiError(500, "Internal Server Error")
        status, body = error.status, error.to_dict()
        entry["description"] = error.description
    entry.update(status=status, ok=status == 200)
    if page is not None:
        return web.Response(text=page, status=status, content_type="text/html")
    return web.json_response(body, status=status)


async def _run(sandbox: Sandbox, name: str, params: dict[str, Any]) -> Any:
    definition = lookup(name)
    assert definition is not None
    fault = sandbox.faults.take(name, params.get("chat_id"))
    if fault is not None:
        error = fault.error()
        if error is not None:
            raise error
        await asyncio.sleep(fault.delay_seconds)
    result = await definition.handler(BotCall(sandbox, name, Params(params)))
    if sandbox.spec is not None:
        sandbox.record_violations(sandbox.spec.validate_call(name, params))
        sandbox.record_violations(sandbox.spec.validate_result(name, result))
    return result


async def handle_file(request: web.Request) -> web.Response:
    sandbox = sandbox_of(request)
    try:
        bot_id_of(request.match_info["token"])
    except BotApiError as exc:
        return web.json_response(exc.to_dict(), status=exc.status)
    stored = sandbox.files.by_path(request.match_info["path"])
    if stored is None:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )


def add_bot_api_routes(app: web.Application) -> None:
    app.router.add_get("/bot{token}/{method}", handle_method)
    app.router.add_post("/bot{token}/{method}", handle_method)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file)
