"""Building, starting and serving the sandbox HTTP server."""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import dataclass

from aiohttp import web

from bot.sandbox.bot_api import add_bot_api_routes
from bot.sandbox.clock import SandboxClock
from bot.sandbox.control_groups import add_group_routes
from bot.sandbox.control_system import add_system_routes
from bot.sandbox.control_users import add_user_routes
from bot.sandbox.ratelimit import RateLimits
from bot.sandbox.spec import BotApiSpec
from bot.sandbox.state import Sandbox
from bot.sandbox.web_common import SANDBOX_KEY, control_errors
from bot.sandbox.web_guard import ALLOWED_HOSTS_KEY, allowed_hosts, same_site_only
from bot.sandbox.webchat.routes import add_webchat_routes
from bot.sandbox.webhooks import add_webhook_delivery

logger = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 60 * 1024 * 1024
DEFAULT_PORT = 8081


def build_app(sandbox: Sandbox, host: str = "127.0.0.1") -> web.Application:
    """The aiohttp application serving the Bot API and the control API for ``sandbox``; it
    answers only requests addressed to loopback or ``host`` and refuses cross-site ones."""
    app = web.Application(
        client_max_size=MAX_UPLOAD_BYTES, middlewares=[same_site_only, control_errors]
    )
    app[SANDBOX_KEY] = sandbox
    app[ALLOWED_HOSTS_KEY] = allowed_hosts(host)
    add_bot_api_routes(app)
    add_user_routes(app)
    add_group_routes(app)
    add_system_routes(app)
    add_webhook_delivery(app)
    add_webchat_routes(app)
    return app


@dataclass
class RunningSandbox:
    """A started sandbox server. ``url`` is the base for both APIs, e.g.
    ``http://127.0.0.1:54321`` (aiogram: ``TelegramAPIServer.from_base(url)``; PTB:
    ``base_url(url + "/bot")``, ``base_file_url(url + "/file/bot")``)."""

    url: str
    sandbox: Sandbox
    runner: web.AppRunner

    async def stop(self) -> None:
        self.sandbox.close()
        await self.runner.cleanup()


async def start_sandbox(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    strict_spec: bool = False,
    rate_limits: RateLimits | bool = True,
    clock: SandboxClock | None = None,
    spec: BotApiSpec | None = None,
    sandbox: Sandbox | None = None,
) -> RunningSandbox:
    """Start a sandbox server in the running event loop (``port=0`` picks a free port).

    ``strict_spec`` loads the Bot API spec from its default location (raising
    :class:`~bot.sandbox.spec.SpecNotFoundError` if absent); ``spec`` passes one explicitly.
    ``sandbox`` serves an existing :class:`Sandbox` (the other state arguments are then ignored).
    """
    if sandbox is None:
        if spec is None and strict_spec:
            spec = BotApiSpec.load()
        sandbox = Sandbox(spec=spec, rate_limits=rate_limits, clock=clock)
    runner = web.AppRunner(
        build_app(sandbox, host), handler_cancellation=True, shutdown_timeout=1.0
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()  # e.g. the port is taken: release what the app opened
        raise
    bound_port = port
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            bound_port = int(address[1])
            break
    url_host = f"[{host}]" if ":" in host else host
    return RunningSandbox(url=f"http://{url_host}:{bound_port}", sandbox=sandbox, runner=runner)


def serve(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    strict_spec: bool = False,
    rate_limits: bool = True,
) -> None:
    """Run a sandbox server until interrupted (Ctrl-C stops it cleanly)."""

    async def main() -> None:
        running = await start_sandbox(host, port, strict_spec=strict_spec, rate_limits=rate_limits)
        sys.stdout.write(
            f"Sandbox Telegram Bot API listening on {running.url}\n"
            f"  Bot API:     {running.url}/bot<token>/<method>\n"
            f"  control API: {running.url}/sandbox/health\n"
            f"  web chat:    {running.url}/chat/\n"
            "Press Ctrl-C to stop.\n"
        )
        sys.stdout.flush()
        try:
            await asyncio.Event().wait()
        finally:
            await running.stop()
            logger.info("sandbox stopped")

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.stdout.write("Sandbox stopped.\n")
