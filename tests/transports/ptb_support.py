"""A recording request for python-telegram-bot (the counterpart of `support.RecordingSession`):
every call is kept, and answers are scripted per Bot API method as raw JSON with an HTTP status,
then parsed by PTB's real request wrapper behind our `ClassifyingRequest` — so error mapping is
exercised exactly as over HTTP. No network."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot
from telegram.request import BaseRequest, RequestData

from bot.transports.ptb.request import ClassifyingRequest
from tests.transports.payloads import DEFAULTS


@dataclass
class Call:
    """One Bot API call: its method, its parameters as JSON values, its uploaded files."""

    method: str
    params: dict[str, Any]
    files: dict[str, Any] = field(default_factory=dict)


class RecordingRequest(BaseRequest):
    """Records calls; answers each from its method's script, else a default."""

    def __init__(self, *, poll_wait: float = 0.02) -> None:
        self.requests: list[Call] = []
        self.closed = False
        self.poll_wait = poll_wait
        self._script: dict[str, deque[tuple[int, dict[str, Any]] | BaseException]] = defaultdict(
            deque
        )

    def ok(self, method: str, result: Any) -> None:
        self._script[method].append((200, {"ok": True, "result": result}))

    def error(
        self,
        method: str,
        code: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        if migrate_to_chat_id is not None:
            body["parameters"] = {"migrate_to_chat_id": migrate_to_chat_id}
        self._script[method].append((code, body))

    def raw(self, method: str, status: int, body: bytes) -> None:
        """Answer with any body (a proxy's HTML page)."""
        self._script[method].append((status, body))  # type: ignore[arg-type]

    def fail(self, method: str, exc: BaseException) -> None:
        self._script[method].append(exc)

    def calls(self, method: str) -> list[Call]:
        return [r for r in self.requests if r.method == method]

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        self.closed = False

    async def shutdown(self) -> None:
        self.closed = True

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = request_data.multipart_data if request_data and request_data.contains_files else {}
        self.requests.append(Call(name, params, dict(files or {})))
        queue = self._script.get(name)
        if not queue:
            if name == "getUpdates":  # an empty long poll
                await asyncio.sleep(self.poll_wait)
                return 200, b'{"ok": true, "result": []}'
            answer: tuple[int, dict[str, Any]] | BaseException = (
                200,
                {"ok": True, "result": DEFAULTS[name]},
            )
        else:
            answer = queue.popleft()
        if isinstance(answer, BaseException):
            raise answer
        status, body = answer
        return status, body if isinstance(body, bytes) else json.dumps(body).encode()


def recording_bot(**kwargs: Any) -> tuple[Bot, RecordingRequest]:
    """A PTB Bot whose requests (and long polls) go to one recording request."""
    request = RecordingRequest(**kwargs)
    wrapped = ClassifyingRequest(request)
    return Bot("42:TEST-token", request=wrapped, get_updates_request=wrapped), request
