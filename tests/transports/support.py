"""A recording aiogram session (after aiogram's own tests/mocked_bot.py): every request is kept,
and answers are scripted per Bot API method as raw JSON, parsed by aiogram's real
`check_response` — so error mapping is exercised exactly as over HTTP. No network."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict, deque
from collections.abc import AsyncGenerator
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

from tests.transports.payloads import (
    DEFAULTS,
    ME,
    T0,
    message,
    private_chat,
    sent_message,
    user,
)

__all__ = [
    "ME",
    "T0",
    "RecordingSession",
    "message",
    "private_chat",
    "recording_bot",
    "sent_message",
    "user",
]


class RecordingSession(BaseSession):
    """Records requests; answers each from its method's script, else a default."""

    def __init__(self, *, poll_wait: float = 0.02) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.closed = False
        self.poll_wait = poll_wait
        self._script: dict[str, deque[tuple[int, dict[str, Any]] | BaseException]] = defaultdict(
            deque
        )

    def ok(self, method: str, result: Any) -> None:
        self._script[method].append((200, {"ok": True, "result": result}))

    def error(
        self, method: str, code: int, description: str, *, retry_after: int | None = None
    ) -> None:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        self._script[method].append((code, body))

    def raw(self, method: str, status: int, body: str) -> None:
        """Answer with any body (a proxy's HTML page)."""
        self._script[method].append((status, body))  # type: ignore[arg-type]

    def fail(self, method: str, exc: BaseException) -> None:
        self._script[method].append(exc)

    def calls(self, method: str) -> list[TelegramMethod[Any]]:
        return [r for r in self.requests if r.__api_method__ == method]

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (BaseSession's signature)
    ) -> TelegramType:
        self.requests.append(method)
        name = method.__api_method__
        queue = self._script.get(name)
        if not queue:
            if name == "getUpdates":  # an empty long poll
                await asyncio.sleep(self.poll_wait)
                return []  # type: ignore[return-value]
            answer: tuple[int, dict[str, Any]] | BaseException = (
                200,
                {"ok": True, "result": DEFAULTS[name]},
            )
        else:
            answer = queue.popleft()
        if isinstance(answer, BaseException):
            raise answer
        status, body = answer
        content = body if isinstance(body, str) else json.dumps(body)
        response = self.check_response(bot, method, status, content)
        return response.result  # type: ignore[return-value]

    async def close(self) -> None:
        self.closed = True

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 (BaseSession's signature)
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:  # pragma: no cover
        yield b""


def recording_bot(**kwargs: Any) -> tuple[Bot, RecordingSession]:
    session = RecordingSession(**kwargs)
    return Bot("42:TEST-token", session=session), session
