"""Control API, system side: clock, faults, request log, event feed, redelivery, health, and
inspection helpers (commands, spec violations, reset)."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from bot.sandbox import user_actions
from bot.sandbox.errors import ControlError
from bot.sandbox.web_common import json_body, path_int, query_number, sandbox_of

MAX_EVENTS_TIMEOUT = 60.0


async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def redeliver(request: web.Request) -> web.Response:
    result = user_actions.redeliver(sandbox_of(request), path_int(request, "update_id"))
    return web.json_response(result)


async def get_clock(request: web.Request) -> web.Response:
    return web.json_response(sandbox_of(request).clock.as_dict())


async def set_clock(request: web.Request) -> web.Response:
    clock = sandbox_of(request).clock
    body = await json_body(request)
    if body.get("advance_seconds") is not None:
        try:
            clock.advance(float(body["advance_seconds"]))
        except (TypeError, ValueError) as exc:
            raise ControlError(400, "advance_seconds must be a number") from exc
    elif body.get("set") is not None:
        try:
            clock.set(datetime.fromisoformat(str(body["set"]).replace("Z", "+00:00")))
        except ValueError as exc:
            raise ControlError(400, "set must be an ISO-8601 datetime") from exc
    else:
        raise ControlError(400, "pass advance_seconds or set")
    return web.json_response(clock.as_dict())


async def add_fault(request: web.Request) -> web.Response:
    fault = sandbox_of(request).faults.arm(await json_body(request))
    return web.json_response(fault.to_dict())


async def list_faults(request: web.Request) -> web.Response:
    return web.json_response(sandbox_of(request).faults.list())


async def clear_faults(request: web.Request) -> web.Response:
    sandbox_of(request).faults.clear()
    return web.json_response({"ok": True})


async def list_requests(request: web.Request) -> web.Response:
    log = sandbox_of(request).request_log
    method = request.query.get("method")
    if method:
        log = [entry for entry in log if entry["method"].lower() == method.lower()]
    return web.json_response(log)


async def clear_requests(request: web.Request) -> web.Response:
    sandbox_of(request).request_log.clear()
    return web.json_response({"ok": True})


async def events(request: web.Request) -> web.Response:
    log = sandbox_of(request).events
    since = int(query_number(request, "since", 0))
    timeout = min(max(query_number(request, "timeout", 0.0), 0.0), MAX_EVENTS_TIMEOUT)
    found = await log.wait(since, timeout)
    last_seq = found[-1]["seq"] if found else log.last_seq
    return web.json_response({"events": found, "last_seq": last_seq})


async def commands(request: web.Request) -> web.Response:
    stored = sandbox_of(request).commands
    return web.json_response(
        [
            {"scope": scope, "language_code": language, "commands": cmds}
            for (scope, language), cmds in stored.items()
        ]
    )


async def violations(request: web.Request) -> web.Response:
    sandbox = sandbox_of(request)
    return web.json_response(
        {
            "strict": sandbox.strict,
            "violations": sandbox.spec_violations,
            "known_deviations": sandbox.known_deviations,
        }
    )


async def reset(request: web.Request) -> web.Response:
    sandbox_of(request).reset()
    return web.json_response({"ok": True})


def add_system_routes(app: web.Application) -> None:
    router = app.router
    router.add_get("/sandbox/health", health)
    router.add_post("/sandbox/updates/{update_id}/redeliver", redeliver)
    router.add_get("/sandbox/clock", get_clock)
    router.add_post("/sandbox/clock", set_clock)
    router.add_post("/sandbox/faults", add_fault)
    router.add_get("/sandbox/faults", list_faults)
    router.add_delete("/sandbox/faults", clear_faults)
    router.add_get("/sandbox/requests", list_requests)
    router.add_delete("/sandbox/requests", clear_requests)
    router.add_get("/sandbox/events", events)
    router.add_get("/sandbox/commands", commands)
    router.add_get("/sandbox/violations", violations)
    router.add_post("/sandbox/reset", reset)
