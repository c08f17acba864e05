"""The HTTP client under PTB's `Bot`: httpx, with Telegram's refusals classified the way the
aiogram transport classifies them, so both map every answer to the same core error.

PTB raises `InvalidToken` for a 404 and a generic `NetworkError` (which reads as "try again")
for a 413 or any 4xx it does not know; aiogram calls those refusals. Here every 4xx other than
401, 403, 409 and 429 reaches PTB as a 400, whose `BadRequest` keeps Telegram's description.
`response_received` tells `PtbChatApi` whether an answer came back, so that an answer PTB could
not parse counts as a temporary failure (as aiogram's decode errors do), not as our own bad
request.

An answer that is not JSON (a proxy's HTML 502 page) is not logged: PTB logs it at ERROR with a
traceback, though the message is retried and delivered. An error status with such a body
reaches PTB as Telegram's JSON error would (`Bad Gateway (502)`), and a body PTB cannot parse
raises PTB's "Invalid server response" without a log line.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from http import HTTPStatus
from typing import Any

from telegram.error import TelegramError
from telegram.request import BaseRequest, RequestData

response_received: ContextVar[bool] = ContextVar("ptb_response_received", default=False)

_PTB_KNOWS = {HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN, HTTPStatus.CONFLICT}


class ClassifyingRequest(BaseRequest):
    """Wraps the request that talks HTTP (PTB's `HTTPXRequest`), reclassifying refusals PTB
    would misread (see the module) and noting that an answer came back."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

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
        code, payload = await self.inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        response_received.set(True)
        if not HTTPStatus.OK <= code <= 299 and not _is_json(payload):
            payload = _error_body(code)
        return (HTTPStatus.BAD_REQUEST if is_refusal(code) else code), payload

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """PTB's parsing, without its ERROR log of the whole payload and a traceback."""
        try:
            parsed: dict[str, Any] = json.loads(payload.decode("utf-8", "replace"))
        except ValueError:
            raise TelegramError("Invalid server response") from None
        return parsed


def _is_json(payload: bytes) -> bool:
    try:
        json.loads(payload)
    except ValueError:
        return False
    return True


def _error_body(code: int) -> bytes:
    """Telegram's JSON for an error status that came with some other body."""
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "Unknown HTTP error"
    description = f"{phrase} ({code}), not a Bot API answer"
    return json.dumps({"ok": False, "error_code": code, "description": description}).encode()


def is_refusal(code: int) -> bool:
    """A 4xx that means "this request will never work" (429 carries its own retry_after)."""
    return 400 <= code < 500 and code not in _PTB_KNOWS and code != HTTPStatus.TOO_MANY_REQUESTS
