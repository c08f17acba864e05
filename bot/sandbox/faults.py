"""Faults armed through the control API for the next matching Bot API calls."""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from typing import Any

from bot.sandbox.errors import (
    BotApiError,
    ControlError,
    HtmlErrorPage,
    forbidden,
    too_many_requests,
)

FAULT_KINDS = ("429", "500", "502_html", "slow", "403")
"""429 with retry_after, a JSON 500, a proxy's HTML 502 page, a delay, a 403 (blocked)."""


@dataclass
class Fault:
    id: int
    kind: str
    method: str | None = None
    chat_id: int | None = None
    times: int = 1
    retry_after: int = 3
    delay_seconds: float = 2.0

    def matches(self, method: str, chat_id: Any) -> bool:
        if self.method is not None:
            if self.method.lower() != method.lower():
                return False
        elif method.lower() == "getupdates":
            return False  # unscoped faults hit the bot's own calls, not its polling loop
        return self.chat_id is None or str(self.chat_id) == str(chat_id)

    def error(self) -> BotApiError | None:
        """The error this fault answers with (``None`` for ``slow``)."""
        if self.kind == "429":
            return too_many_requests(self.retry_after)
        if self.kind == "500":
            return BotApiError(500, "Internal Server Error")
        if self.kind == "502_html":
            return HtmlErrorPage(502, "Bad Gateway")
        if self.kind == "403":
            return forbidden("bot was blocked by the user")
        return None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultBoard:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def arm(self, spec: dict[str, Any]) -> Fault:
        """Arm a fault from a control API body (validated here)."""
        kind = str(spec.get("kind", ""))
        if kind not in FAULT_KINDS:
            raise ControlError(400, f"kind must be one of {', '.join(FAULT_KINDS)}")
        fault = Fault(id=next(self._ids), kind=kind)
        try:
            if spec.get("method") is not None:
                fault.method = str(spec["method"])
            if spec.get("chat_id") is not None:
                fault.chat_id = int(spec["chat_id"])
            if spec.get("times") is not None:
                fault.times = int(spec["times"])
            if spec.get("retry_after") is not None:
                fault.retry_after = int(spec["retry_after"])
            if spec.get("delay_seconds") is not None:
                fault.delay_seconds = float(spec["delay_seconds"])
        except (TypeError, ValueError) as exc:
            raise ControlError(400, f"invalid fault: {exc}") from exc
        if fault.times < 1:
            raise ControlError(400, "times must be at least 1")
        self._faults.append(fault)
        return fault

    def take(self, method: str, chat_id: Any) -> Fault | None:
        """The first armed fault matching this call, consuming one of its ``times``."""
        for fault in self._faults:
            if fault.matches(method, chat_id):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def list(self) -> list[dict[str, Any]]:
        return [f.to_dict() for f in self._faults]

    def clear(self) -> None:
        self._faults.clear()
