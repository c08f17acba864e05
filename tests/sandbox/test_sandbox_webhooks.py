"""Webhook delivery: the sandbox POSTs updates to the URL given to setWebhook, with the secret
header, retries on failure, keeps each chat's updates in order, and spreads them over several
targets when told to."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.sandbox import RunningSandbox, SandboxClient
from bot.sandbox.webhooks import SECRET_HEADER, chat_key
from tests.sandbox.sandbox_support import BotApi

Respond = Callable[[dict[str, Any]], Awaitable[int]]


@dataclass
class Receiver:
    """A stand-in for a bot's webhook endpoint that records what arrives."""

    name: str
    respond: Respond | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    url: str = ""
    runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        update = json.loads(await request.read())
        self.headers.append(dict(request.headers))
        status = 200 if self.respond is None else await self.respond(update)
        if status == 200:
            self.received.append(update)
        return web.json_response({}, status=status)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = next(a[1] for a in self.runner.addresses if isinstance(a, tuple))
        self.url = f"http://127.0.0.1:{port}/hook"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@pytest.fixture
async def receivers() -> AsyncIterator[list[Receiver]]:
    made = [Receiver("a"), Receiver("b")]
    for receiver in made:
        await receiver.start()
    yield made
    for receiver in made:
        await receiver.stop()


async def eventually(check: Callable[[], bool], within: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def settled(api: BotApi, within: float = 5.0) -> None:
    """Wait until the sandbox holds no pending update: each was delivered and acknowledged, or
    (a kind the webhook does not want) acknowledged without a delivery."""
    deadline = asyncio.get_running_loop().time() + within
    while (await api.ok("getWebhookInfo"))["pending_update_count"]:
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def texts(receiver: Receiver) -> list[str]:
    return [u["message"]["text"] for u in receiver.received if "message" in u]


async def test_delivers_with_the_secret_and_exact_content_type(
    api: BotApi, client: SandboxClient, user_id: int, receivers: list[Receiver]
) -> None:
    hook = receivers[0]
    await api.ok("setWebhook", url=hook.url, secret_token="s3cr3t-Token_1")
    await client.send_text(user_id, "hello")
    await eventually(lambda: len(hook.received) == 1)
    assert texts(hook) == ["hello"]
    assert hook.headers[0]["Content-Type"] == "application/json"
    assert hook.headers[0][SECRET_HEADER] == "s3cr3t-Token_1"
    status, body = await api.call("getUpdates")
    assert status == 409 and "webhook is active" in body["description"]
    info = await api.ok("getWebhookInfo")
    assert info["url"] == hook.url and info["pending_update_count"] == 0


async def test_failed_delivery_is_retried_and_reported(
    api: BotApi, client: SandboxClient, user_id: int, receivers: list[Receiver]
) -> None:
    hook = receivers[0]
    answers = iter([500, 401])

    async def flaky(update: dict[str, Any]) -> int:
        return next(answers, 200)

    hook.respond = flaky
    await api.ok("setWebhook", url=hook.url)
    await client.send_text(user_id, "once")
    await eventually(lambda: len(hook.received) == 1)
    await settled(api)
    assert texts(hook) == ["once"], "acknowledged once, never delivered again"
    info = await api.ok("getWebhookInfo")
    assert "401" in info["last_error_message"] and info["last_error_date"] > 0
    attempts = (await client.webhook())["attempts"]
    assert [a["status"] for a in attempts] == [500, 401, 200]


async def test_a_dead_target_is_skipped_for_the_next(
    api: BotApi, client: SandboxClient, user_id: int, receivers: list[Receiver]
) -> None:
    alive = receivers[0]
    await receivers[1].stop()  # connection refused from now on
    await api.ok("setWebhook", url=alive.url)
    await client.set_webhook_targets([receivers[1].url, alive.url])
    for n in range(4):
        await client.send_text(user_id, f"m{n}")
    await eventually(lambda: len(alive.received) == 4)
    assert texts(alive) == ["m0", "m1", "m2", "m3"]
    refused = [a for a in (await client.webhook())["attempts"] if a["status"] is None]
    assert refused and all(a["url"] == receivers[1].url for a in refused)


async def test_each_chat_in_order_other_chats_meanwhile(
    api: BotApi, client: SandboxClient, receivers: list[Receiver], running: RunningSandbox
) -> None:
    slow_user = (await client.create_user("Slow")).id
    fast_user = (await client.create_user("Fast")).id
    release = asyncio.Event()
    order: list[str] = []

    async def respond(update: dict[str, Any]) -> int:
        text = update["message"]["text"]
        order.append(text)
        if text == "slow-1":
            await release.wait()
        return 200

    for receiver in receivers:
        receiver.respond = respond
    await api.ok("setWebhook", url=receivers[0].url, secret_token="s")
    await client.set_webhook_targets([r.url for r in receivers])
    await client.send_text(slow_user, "slow-1")
    await client.send_text(slow_user, "slow-2")
    await client.send_text(fast_user, "fast-1")
    await client.send_text(fast_user, "fast-2")
    await eventually(lambda: "fast-2" in order)
    assert "slow-2" not in order, "a chat's next update waits for the previous one's answer"
    release.set()
    await eventually(lambda: len(order) == 4)
    assert order.index("slow-1") < order.index("slow-2")
    assert order.index("fast-1") < order.index("fast-2")
    used = {a["url"] for a in (await client.webhook())["attempts"]}
    assert used == {r.url for r in receivers}, "deliveries spread over both targets"


async def test_unwanted_kinds_are_not_sent_and_delete_returns_to_polling(
    api: BotApi, client: SandboxClient, user_id: int, receivers: list[Receiver]
) -> None:
    hook = receivers[0]
    await api.ok("setWebhook", url=hook.url, allowed_updates=["callback_query"])
    await client.send_text(user_id, "ignored")
    await settled(api)
    assert hook.received == []
    assert (await client.webhook())["attempts"] == []
    await api.ok("deleteWebhook")
    await client.send_text(user_id, "polled")
    updates = await api.ok("getUpdates", allowed_updates=["message"])
    assert [u["message"]["text"] for u in updates] == ["polled"]


async def test_a_reset_abandons_deliveries_of_the_old_queue(
    api: BotApi, client: SandboxClient, user_id: int, receivers: list[Receiver]
) -> None:
    hook = receivers[0]
    refusing = True

    async def respond(update: dict[str, Any]) -> int:
        return 500 if refusing else 200

    hook.respond = respond
    await api.ok("setWebhook", url=hook.url)
    await client.send_text(user_id, "old")
    await eventually(lambda: len(hook.headers) >= 1)  # the first try failed; retries follow
    await client.reset()  # update ids start over: the next update has the same id as "old"
    await api.ok("setWebhook", url=hook.url)
    await client.send_text((await client.create_user("Bea")).id, "new")
    refusing = False
    await eventually(lambda: len(hook.received) >= 1)
    await asyncio.sleep(0.3)
    assert texts(hook) == ["new"], "the old queue's update is neither sent nor acknowledged"


def test_chat_key_of_each_kind() -> None:
    assert chat_key({"update_id": 1, "message": {"chat": {"id": 5}}}) == 5
    assert chat_key({"update_id": 1, "callback_query": {"from": {"id": 6}}}) == 6
    assert chat_key({"update_id": 1, "poll": {"id": "x"}}) is None
