"""Keep other web sites out of the sandbox: a page the person has open elsewhere must not drive
the web chat or the control API (cross-site requests and WebSockets carry an Origin header that
is not ours), nor reach it through a domain name that resolves to 127.0.0.1 (DNS rebinding: the
Host header then names that domain)."""

from __future__ import annotations

from aiohttp import web
from yarl import URL

from bot.sandbox.web_common import WebHandler

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})
ALLOWED_HOSTS_KEY = web.AppKey("allowed_hosts", frozenset)


def allowed_hosts(bind_host: str) -> frozenset[str]:
    """The host names the sandbox answers to: loopback, and the address it listens on."""
    extra = {bind_host.strip("[]").lower()} - WILDCARD_HOSTS
    return LOOPBACK_HOSTS | extra


def _host_and_port(authority: str, default_port: int | None) -> tuple[str, int | None] | None:
    try:
        url = URL(f"http://{authority}")
    except ValueError:
        return None
    if url.host is None:
        return None
    return url.host.strip("[]").lower(), url.explicit_port or default_port


def _own_origin(origin: str, host: tuple[str, int | None]) -> bool:
    try:
        url = URL(origin)
    except ValueError:
        return False
    if url.scheme not in ("http", "https") or url.host is None:
        return False
    return (url.host.strip("[]").lower(), url.port) == host


@web.middleware
async def same_site_only(request: web.Request, handler: WebHandler) -> web.StreamResponse:
    """403 for a Host that is not ours and for an Origin that is not the sandbox's own."""
    hosts = request.app.get(ALLOWED_HOSTS_KEY, LOOPBACK_HOSTS)
    header = request.headers.get("Host")
    host = _host_and_port(header, 80) if header else None
    if header is not None and (host is None or host[0] not in hosts):
        return web.json_response({"error": "unknown Host: use 127.0.0.1"}, status=403)
    origin = request.headers.get("Origin")
    if origin is not None and (host is None or not _own_origin(origin, host)):
        return web.json_response({"error": "cross-site requests are refused"}, status=403)
    return await handler(request)
