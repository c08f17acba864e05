"""Prometheus metrics, in a registry of this process's own (so two bots in one test process
never mix their counts).

Counted here as things happen: updates handled (by kind), handler errors, webhook requests
refused, messages relayed and their latency. Read from the running objects at each scrape:
updates set aside because the transport could not decode them, the sender's totals (sent,
failed, retried, 429s received, dropped), the delivery rounds' totals
(steps due, sent, late, skipped, postponed; nudges), whether this replica is the worker, and
the depth of the outbound queue (one `count(*)` on the outbox).

Each replica reports its own counts; sum them in Prometheus (`sum by (kind)
(rate(mentorbot_updates_total[5m]))`). Sending and the timed jobs happen on the worker only, so
their counters move on that replica.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.core import effects as fx
from bot.core.models import OutboxItem

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
RELAY_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class SenderTotals(Protocol):
    sent: int
    failed: int
    retried: int
    rate_limited_429: int
    dropped: int


class RoundTotals(Protocol):
    due: int
    sent: int
    late: int
    skipped: int
    postponed: int
    nudged: int


class Metrics:
    """The bot's metrics; `render()` gives the Prometheus text format."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.updates = Counter(
            "mentorbot_updates",
            "Updates handled, by kind (message, callback_query, ...)",
            ["kind"],
            registry=registry,
        )
        self.handler_errors = Counter(
            "mentorbot_handler_errors",
            "Updates whose handling failed (a passing failure is answered 500 and comes again)",
            ["kind"],
            registry=registry,
        )
        self.webhook_rejected = Counter(
            "mentorbot_webhook_rejected",
            "Webhook requests refused: wrong or missing secret token, or not an update",
            ["reason"],
            registry=registry,
        )
        self.relayed = Counter(
            "mentorbot_messages_relayed",
            "Messages relayed between the two people of a pair (copies Telegram accepted)",
            registry=registry,
        )
        self.relay_latency = Histogram(
            "mentorbot_relay_latency_seconds",
            "From handling a person's message to Telegram accepting its copy for the partner",
            buckets=RELAY_LATENCY_BUCKETS,
            registry=registry,
        )
        self.queue_depth = Gauge(
            "mentorbot_outbound_queue_depth",
            "Outbox items not yet sent (pending, or being sent), for the whole bot",
            registry=registry,
        )
        self._live = _LiveTotals()
        registry.register(self._live)

    def watch(
        self,
        *,
        sender: SenderTotals,
        rounds: RoundTotals,
        is_worker: Callable[[], bool],
        queue_depth: Callable[[], Awaitable[int]],
    ) -> None:
        """Read these objects' totals at each scrape."""
        self._live.sender, self._live.rounds, self._live.is_worker = sender, rounds, is_worker
        self._queue_depth = queue_depth

    def watch_unreadable(self, count: Callable[[], int]) -> None:
        """Read the receiver's count of updates set aside as undecodable at each scrape."""
        self._live.unreadable = count

    def applied(self, item: OutboxItem, effect: fx.Effect, now: datetime) -> None:
        """The sender applied `item` (the sender's `on_applied` hook)."""
        if getattr(effect, "relay", None) is None:
            return
        copies = len(effect.message_ids) if isinstance(effect, fx.CopyMessages) else 1
        self.relayed.inc(copies)
        self.relay_latency.observe(max((now - item.created_at).total_seconds(), 0.0))

    async def render(self) -> bytes:
        """The metrics in Prometheus' text format (refreshing the queue depth first)."""
        reader = getattr(self, "_queue_depth", None)
        if reader is not None:
            self.queue_depth.set(await reader())
        return generate_latest(self.registry)


class _LiveTotals(Collector):
    """Totals kept by the sender and the delivery rounds, read at scrape time."""

    def __init__(self) -> None:
        self.sender: SenderTotals | None = None
        self.rounds: RoundTotals | None = None
        self.is_worker: Callable[[], bool] = lambda: False
        self.unreadable: Callable[[], int] | None = None

    def collect(self) -> Iterator[Metric]:
        worker = GaugeMetricFamily(
            "mentorbot_worker",
            "1 on the replica that sends and runs the timed jobs, 0 on standby replicas",
        )
        worker.add_metric([], 1.0 if self.is_worker() else 0.0)
        yield worker
        sender, rounds = self.sender, self.rounds
        totals: list[tuple[str, str, float]] = []
        if self.unreadable is not None:
            totals.append(
                (
                    "mentorbot_updates_unreadable",
                    "Updates set aside because they could not be decoded (sender asked again)",
                    self.unreadable(),
                )
            )
        if sender is not None:
            totals += [
                ("mentorbot_outbound_sent", "Outbox items Telegram accepted", sender.sent),
                ("mentorbot_outbound_failed", "Outbox items given up on", sender.failed),
                (
                    "mentorbot_outbound_retried",
                    "Outbox items put back for a retry",
                    sender.retried,
                ),
                ("mentorbot_outbound_dropped", "Outbox items dropped (blocked)", sender.dropped),
                (
                    "mentorbot_telegram_429",
                    "429 Too Many Requests answers received from the Bot API",
                    sender.rate_limited_429,
                ),
            ]
        if rounds is not None:
            totals += [
                ("mentorbot_steps_due", "Curriculum steps found due by a round", rounds.due),
                ("mentorbot_steps_sent", "Curriculum steps queued for their person", rounds.sent),
                (
                    "mentorbot_steps_late",
                    "Steps handled later than their program's late_after (sent or skipped)",
                    rounds.late,
                ),
                ("mentorbot_steps_skipped", "Late steps skipped by policy", rounds.skipped),
                ("mentorbot_steps_postponed", "Steps moved out of quiet hours", rounds.postponed),
                ("mentorbot_nudges", "Silent pairs nudged", rounds.nudged),
            ]
        for name, documentation, value in totals:
            family = CounterMetricFamily(name, documentation)
            family.add_metric([], float(value))
            yield family
