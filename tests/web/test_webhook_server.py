"""The webhook server on its own, with a stand-in transport: the secret check, what is handed on,
500 when handling failed for a passing reason (so Telegram delivers again), 200 for a bug (so the
person's later updates are not held back), 400 for what the transport cannot parse, /healthz and
/metrics."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.core import effects as fx
from bot.core.events import Inbound, TextMessage, UserRef
from bot.core.models import OutboxItem
from bot.web import HealthCheck, Metrics, build_web_app

SECRET = "s3cret_-Token"
PATH = "/telegram/webhook"
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@dataclass
class FakeCore:
    """The core's handler: records events, or fails when told to."""

    events: list[Inbound] = field(default_factory=list)
    fail: BaseException | None = None

    async def handle(self, event: Inbound) -> None:
        if self.fail is not None:
            raise self.fail
        self.events.append(event)


@dataclass
class FakeReceiver:
    """Like the transports' receivers: maps the update and hands it over, setting aside (and
    counting) a message it cannot decode, and raising whatever the handler raised."""

    handler: FakeCore
    fed: list[Mapping[str, Any]] = field(default_factory=list)
    unreadable: int = 0

    async def feed_update(self, raw: Mapping[str, Any]) -> None:
        self.fed.append(raw)
        message = raw.get("message")
        if not isinstance(message, dict):
            return  # a kind mentorbot ignores
        if "text" not in message:
            self.unreadable += 1
            return
        event = TextMessage(
            update_id=int(raw["update_id"]),
            user=UserRef(id=message["from"]["id"], first_name="Eve"),
            chat_id=message["chat"]["id"],
            at=T0,
            message_id=message["message_id"],
            text=message["text"],
        )
        await self.handler.handle(event)


@dataclass
class Rig:
    client: TestClient[Any, Any]
    core: FakeCore
    receiver: FakeReceiver
    metrics: Metrics
    database_up: list[bool]

    async def post(self, body: object, secret: str | None = SECRET) -> int:
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        response = await self.client.post(PATH, json=body, headers=headers)
        return response.status

    async def samples(self) -> dict[str, float]:
        response = await self.client.get("/metrics")
        assert response.status == 200
        found: dict[str, float] = {}
        for family in text_string_to_metric_families(await response.text()):
            for sample in family.samples:
                labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
                found[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
        return found


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    core = FakeCore()
    receiver = FakeReceiver(core)
    metrics = Metrics()
    database_up = [True]

    async def ping() -> None:
        if not database_up[0]:
            raise ConnectionError("refused")

    health = HealthCheck(ping, lambda: True, lambda: "worker")
    app = build_web_app(receiver, path=PATH, secret=SECRET, metrics=metrics, health=health)
    async with TestClient(TestServer(app)) as client:
        yield Rig(client, core, receiver, metrics, database_up)


def update(update_id: int, text: str = "hi") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 5,
            "date": 1_790_000_000,
            "chat": {"id": 77, "type": "private"},
            "from": {"id": 77, "is_bot": False, "first_name": "Eve"},
            "text": text,
        },
    }


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET[:-1], SECRET + "x", SECRET.upper()])
async def test_a_wrong_or_missing_secret_is_refused_and_nothing_handed_on(
    rig: Rig, secret: str | None
) -> None:
    assert await rig.post(update(1), secret=secret) == 401
    assert rig.receiver.fed == [] and rig.core.events == []
    assert (await rig.samples())["mentorbot_webhook_rejected_total{reason=secret}"] == 1


async def test_the_right_secret_hands_the_update_on(rig: Rig) -> None:
    assert await rig.post(update(1)) == 200
    assert [e.update_id for e in rig.core.events] == [1]
    assert (await rig.samples())["mentorbot_updates_total{kind=message}"] == 1


async def test_not_an_update_is_a_bad_request(rig: Rig) -> None:
    assert await rig.post(["not", "an", "object"]) == 400
    assert await rig.post({"message": {}}) == 400  # no update_id
    response = await rig.client.post(
        PATH, data=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status == 400
    assert rig.receiver.fed == []
    assert (await rig.samples())["mentorbot_webhook_rejected_total{reason=malformed}"] == 3


class _Serialization(Exception):
    sqlstate = "40001"


class _Deadlock(Exception):
    pgcode = "40P01"


class _Unique(Exception):
    sqlstate = "23505"


TRANSIENT = [
    OperationalError("SELECT", {}, Exception("database is locked")),
    DBAPIError("UPDATE", {}, _Serialization("could not serialize access")),
    DBAPIError("UPDATE", {}, _Deadlock("deadlock detected")),
    DBAPIError("SELECT", {}, Exception("gone"), connection_invalidated=True),
    TimeoutError(),
    ConnectionRefusedError(),
]


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: type(e).__name__)
async def test_a_passing_failure_answers_500_so_telegram_sends_it_again(
    rig: Rig, error: BaseException
) -> None:
    rig.core.fail = error
    assert await rig.post(update(1)) == 500
    rig.core.fail = None
    assert await rig.post(update(1)) == 200, "the redelivery is handled"
    assert [e.update_id for e in rig.core.events] == [1]
    samples = await rig.samples()
    assert samples["mentorbot_handler_errors_total{kind=message}"] == 1
    assert samples["mentorbot_updates_total{kind=message}"] == 1


BUGS = [
    RuntimeError("a bug"),
    KeyError("step"),
    DBAPIError("INSERT", {}, _Unique("duplicate key")),
]


@pytest.mark.parametrize("error", BUGS, ids=lambda e: type(e).__name__)
async def test_a_failure_that_would_repeat_is_logged_and_answered_200(
    rig: Rig, error: BaseException, caplog: pytest.LogCaptureFixture
) -> None:
    """Answering 500 would make Telegram send the same update for ever and hold back every
    later update of that person; the update is logged and counted instead, like polling does."""
    rig.core.fail = error
    with caplog.at_level(logging.ERROR, logger="bot.web.server"):
        assert await rig.post(update(1, text="my secret words")) == 200
    assert [r.getMessage().splitlines()[0] for r in caplog.records] == [
        f"update 1 (message) failed: {type(error).__name__}"
    ]
    assert "my secret words" not in caplog.text
    rig.core.fail = None
    assert await rig.post(update(2)) == 200, "the person's next update is handled"
    assert [e.update_id for e in rig.core.events] == [2]
    samples = await rig.samples()
    assert samples["mentorbot_handler_errors_total{kind=message}"] == 1
    assert samples["mentorbot_updates_total{kind=message}"] == 1


async def test_an_update_the_transport_cannot_decode_is_set_aside_and_acknowledged(
    rig: Rig,
) -> None:
    # issue 13, defect 10: a refusal made Telegram send it again and held back that chat; the
    # transport now sets it aside (asking its sender again), so the answer is 200
    broken = update(3)
    del broken["message"]["text"]
    assert await rig.post(broken) == 200
    assert rig.core.events == []
    samples = await rig.samples()
    assert samples["mentorbot_updates_unreadable_total"] == 1
    assert "mentorbot_webhook_rejected_total{reason=malformed}" not in samples
    assert "mentorbot_handler_errors_total{kind=message}" not in samples


async def test_ignored_kinds_are_answered_200(rig: Rig) -> None:
    assert await rig.post({"update_id": 9, "channel_post": {"message_id": 1}}) == 200
    assert rig.core.events == []
    assert (await rig.samples())["mentorbot_updates_total{kind=channel_post}"] == 1


async def test_forged_kinds_do_not_create_label_values(rig: Rig) -> None:
    assert await rig.post({"update_id": 9, "x" * 200: {}}) == 200
    assert await rig.post({"update_id": 10, "drop table;": {}}) == 200
    samples = await rig.samples()
    assert samples["mentorbot_updates_total{kind=other}"] == 2


async def test_health_reports_the_database(rig: Rig) -> None:
    response = await rig.client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {
        "status": "ok",
        "database": "ok",
        "scheduler": "ok",
        "role": "worker",
    }
    rig.database_up[0] = False
    response = await rig.client.get("/healthz")
    assert response.status == 503
    assert (await response.json())["database"] == "unreachable"


@dataclass
class Totals:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    rate_limited_429: int = 0
    dropped: int = 0
    due: int = 0
    late: int = 0
    skipped: int = 0
    postponed: int = 0
    nudged: int = 0


async def test_metrics_read_live_totals_and_time_relayed_copies(rig: Rig) -> None:
    totals = Totals()
    depth = [4]

    async def queue_depth() -> int:
        return depth[0]

    rig.metrics.watch(
        sender=totals, rounds=totals, is_worker=lambda: True, queue_depth=queue_depth
    )
    totals.sent, totals.rate_limited_429, totals.due, totals.late = 10, 2, 200, 3
    relayed = fx.CopyMessage(
        chat_id=2,
        from_chat_id=1,
        message_id=7,
        relay=fx.RelayTag(pair_id=1, sender_id=1, source_chat_id=1, source_message_ids=(7,)),
    )
    album = fx.CopyMessages(
        chat_id=2,
        from_chat_id=1,
        message_ids=(8, 9, 10),
        relay=fx.RelayTag(pair_id=1, sender_id=1, source_chat_id=1, source_message_ids=(8, 9, 10)),
    )
    item = OutboxItem(id=1, chat_id=2, payload={}, attempts=1, created_at=T0)
    rig.metrics.applied(item, relayed, T0 + timedelta(seconds=0.3))
    rig.metrics.applied(item, album, T0 + timedelta(seconds=2))
    rig.metrics.applied(item, fx.SendText(chat_id=2, text="a step"), T0 + timedelta(seconds=9))
    samples = await rig.samples()
    assert samples["mentorbot_messages_relayed_total"] == 4
    assert samples["mentorbot_relay_latency_seconds_count"] == 2
    assert samples["mentorbot_relay_latency_seconds_bucket{le=0.5}"] == 1
    assert samples["mentorbot_relay_latency_seconds_bucket{le=2.5}"] == 2
    assert samples["mentorbot_outbound_sent_total"] == 10
    assert samples["mentorbot_telegram_429_total"] == 2
    assert samples["mentorbot_steps_due_total"] == 200
    assert samples["mentorbot_steps_late_total"] == 3
    assert samples["mentorbot_outbound_queue_depth"] == 4
    assert samples["mentorbot_worker"] == 1
    depth[0] = 0
    assert (await rig.samples())["mentorbot_outbound_queue_depth"] == 0
