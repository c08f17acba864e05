"""`running_bot` releases every resource on the way out, even when one of them fails to stop or
starting fails half-way: each failure is logged and the other stops still run."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot import runtime
from bot.config import ClockSource, Settings
from bot.worker import Role

TOKEN = "123456:secret-token"


@dataclass
class Log:
    """What was stopped, in order; the names in `failing` raise instead."""

    stopped: list[str] = field(default_factory=list)
    failing: set[str] = field(default_factory=set)

    def stopper(self, name: str) -> Any:
        async def stop() -> None:
            self.stopped.append(name)
            if name in self.failing:
                raise RuntimeError(f"{name} broke")

        return stop


class Part:
    def __init__(self, log: Log, name: str) -> None:
        self.started = False
        self.stop = log.stopper(name)
        self.close = self.stop

    async def start(self) -> None:
        self.started = True


class FakeTransport(Part):
    def __init__(self, log: Log) -> None:
        super().__init__(log, "transport")
        self.api = object()
        self.forums = object()
        self.polling = Part(log, "updates")

    def receiver(self, handler: object, *, menus: object) -> Part:
        return self.polling


class FakeCore(Part):
    conversations = object()

    def menus(self) -> dict[str, Any]:
        return {}


class FakeWorker(Part):
    role = Role.WORKER


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> Log:
    log = Log()
    monkeypatch.setattr(runtime, "connect", lambda *a, **k: FakeTransport(log))

    async def build_core(*args: object, **kwargs: object) -> FakeCore:
        if "build" in log.failing:
            raise RuntimeError("migration failed")
        return FakeCore(log, "core")

    monkeypatch.setattr(runtime, "build_core", build_core)
    monkeypatch.setattr(runtime, "_worker", lambda settings, core: FakeWorker(log, "worker"))
    monkeypatch.setattr(runtime, "RemoteSandboxClock", lambda url: Part(log, "clock"))
    return log


def settings() -> Settings:
    return Settings(
        bot_token=TOKEN,  # type: ignore[arg-type]
        telegram_api_url="http://127.0.0.1:1",  # type: ignore[arg-type]
        clock_source=ClockSource.SANDBOX,
    )


ALL = ["updates", "worker", "core", "transport", "clock"]


async def test_a_clean_run_stops_everything_in_order(log: Log) -> None:
    async with runtime.running_bot(settings()):
        assert log.stopped == []
    assert log.stopped == ALL


@pytest.mark.parametrize("failing", ["updates", "worker", "core", "transport"])
async def test_a_failing_stop_is_logged_and_the_others_still_run(
    log: Log, failing: str, caplog: pytest.LogCaptureFixture
) -> None:
    log.failing.add(failing)
    with caplog.at_level(logging.ERROR, logger="bot.runtime"):
        async with runtime.running_bot(settings()):
            pass
    assert log.stopped == ALL
    (record,) = caplog.records
    assert record.getMessage().startswith("stopping: ")
    assert "failed: RuntimeError" in record.getMessage()


async def test_a_failed_start_releases_what_was_already_open(log: Log) -> None:
    log.failing.add("build")
    with pytest.raises(RuntimeError, match="migration failed"):
        async with runtime.running_bot(settings()):
            pytest.fail("the bot must not run")
    assert log.stopped == ["transport", "clock"]


async def test_an_error_while_running_still_stops_everything(log: Log) -> None:
    log.failing.add("worker")
    with pytest.raises(KeyError):
        async with runtime.running_bot(settings()):
            raise KeyError("boom")
    assert log.stopped == ALL
