"""Webhook mode end to end, on each transport: the bot registers its webhook with the secret,
the sandbox delivers updates to it, a wrong or missing secret is refused with nothing processed,
and /metrics (parsed with Prometheus' own parser) and /healthz follow the traffic."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.core.models import Role
from bot.sandbox.client import SandboxClient
from tests.e2e.harness import REPLY_TIMEOUT, BotProcess, User, seed_pair, seed_person
from tests.e2e.support import WEBHOOK_SECRET

SECRET = WEBHOOK_SECRET
MENTEE, MENTOR, STRANGER = 7_420_001, 7_420_002, 7_420_003


def base_url(bot: BotProcess) -> str:
    return f"http://{bot.overrides['webhook_listen']}"


async def scrape(bot: BotProcess) -> dict[str, float]:
    """Every sample of /metrics, parsed by prometheus_client's text parser."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(base_url(bot) + "/metrics") as response,
    ):
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        body = await response.text()
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return samples


async def scrape_until(
    bot: BotProcess, ready: Callable[[dict[str, float]], bool]
) -> dict[str, float]:
    """Scrape /metrics until `ready` holds (or REPLY_TIMEOUT passes: the last scrape)."""
    deadline = asyncio.get_running_loop().time() + REPLY_TIMEOUT
    while True:
        metrics = await scrape(bot)
        if ready(metrics) or asyncio.get_running_loop().time() > deadline:
            return metrics
        await asyncio.sleep(0.05)


async def post_update(
    bot: BotProcess, update: dict[str, object], secret: str | None
) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            base_url(bot) + "/telegram/webhook", data=json.dumps(update), headers=headers
        ) as response,
    ):
        return response.status, await response.text()


def text_update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "Eve", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_790_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Eve"},
            "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_updates_arrive_by_webhook_with_the_secret(
    client: SandboxClient, hooked: BotProcess, transport: str
) -> None:
    assert hooked.core is not None and hooked.core.settings.transport.value == transport
    info = (await client.webhook())["url"]
    assert info == f"{base_url(hooked)}/telegram/webhook"
    calls = await client.requests("setWebhook")
    assert calls and calls[-1].params["secret_token"] == SECRET
    assert set(calls[-1].params["allowed_updates"]) >= {
        "message",
        "callback_query",
        "my_chat_member",
    }
    user = await User.create(client, "Wendy")
    replies = await user.say("/start")
    assert replies and replies[0].buttons, "the first onboarding question, with buttons"
    attempts = (await client.webhook())["attempts"]
    assert attempts and all(a["status"] == 200 for a in attempts)
    assert not await client.requests("getUpdates"), "no long polling in webhook mode"


async def test_a_wrong_or_missing_secret_is_refused_and_nothing_processed(
    client: SandboxClient, hooked: BotProcess
) -> None:
    await client.create_user("Eve", id=STRANGER, language_code="en")
    update = text_update(9_000_001, STRANGER, "/start")
    assert (await post_update(hooked, update, "not-the-secret"))[0] == 401
    assert (await post_update(hooked, update, None))[0] == 401
    assert (await post_update(hooked, update, SECRET[:-1]))[0] == 401
    assert await client.bot_messages(STRANGER) == [], "no reply to a refused update"
    assert await hooked.person(STRANGER) is None, "nothing stored"
    metrics = await scrape(hooked)
    assert metrics["mentorbot_webhook_rejected_total{reason=secret}"] == 3
    assert "mentorbot_updates_total{kind=message}" not in metrics
    # the very same update with the right secret is handled: the refusals changed nothing
    status, _ = await post_update(hooked, update, SECRET)
    assert status == 200
    replies = await client.wait_for_messages(STRANGER, count=1, timeout=REPLY_TIMEOUT)
    assert replies[0].buttons
    assert await hooked.person(STRANGER) is not None


async def test_metrics_and_health_follow_the_traffic(
    client: SandboxClient, hooked: BotProcess
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(base_url(hooked) + "/healthz") as response,
    ):
        assert response.status == 200
        health = await response.json()
    assert health == {"status": "ok", "database": "ok", "scheduler": "ok", "role": "worker"}
    before = await scrape(hooked)
    assert before["mentorbot_worker"] == 1
    assert before["mentorbot_outbound_queue_depth"] == 0
    await seed_person(hooked, client, MENTEE, role=Role.MENTEE, program="college", name="Ana")
    await seed_person(hooked, client, MENTOR, role=Role.MENTOR, program="college", name="Bo")
    await seed_pair(hooked, MENTEE, MENTOR, "college")
    for n in range(3):
        await client.send_text(MENTEE, f"hello {n}")
    await client.wait_for_messages(MENTOR, lambda m: m.copied, count=3, timeout=REPLY_TIMEOUT)
    # the sender counts a copy just after Telegram accepted it: wait for the counters to move
    after = await scrape_until(
        hooked,
        lambda m: (
            m.get("mentorbot_messages_relayed_total", 0)
            - before.get("mentorbot_messages_relayed_total", 0)
            >= 3
            and m.get("mentorbot_relay_latency_seconds_count", 0) >= 3
        ),
    )
    assert after["mentorbot_updates_total{kind=message}"] == 3
    assert (
        after["mentorbot_messages_relayed_total"]
        - before.get("mentorbot_messages_relayed_total", 0)
        == 3
    )
    assert after["mentorbot_relay_latency_seconds_count"] == 3
    assert after["mentorbot_relay_latency_seconds_bucket{le=+Inf}"] == 3
    assert after["mentorbot_outbound_sent_total"] > before["mentorbot_outbound_sent_total"]
    assert after.get("mentorbot_handler_errors_total{kind=message}", 0) == 0
    assert after["mentorbot_telegram_429_total"] == 0
