"""The HTTP client under PTB's `Bot`: httpx, with Telegram's refusals classified the way the
aiogram transport classifies them, so both map every answer to the same core error.

PTB raises `InvalidToken` for a 404 and a generic `NetworkError` (which reads as "try again")
for a 413 or any 4xx it does not know; aiogram calls those refusals. Here every 4xx other than
401, 403, 409 and 429 reaches PTB as a 400, whose `BadRequest` keeps Telegram's description.
`response_received` tells `PtbChatApi` whether an answer came back, so that an answer PTB could
not parse counts as a temporary failure (as aiogram's decode errors do), not as our own bad
request.
"""

from __future__ import annotations

from contextvars import ContextVar
from http import HTTPStatus
from typing import Any

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
        return (HTTPStatus.BAD_REQUEST if is_refusal(code) else code), payload


def is_refusal(code: int) -> bool:
    """A 4xx that means "this request will never work" (429 carries its own retry_after)."""
    return 400 <= code < 500 and code not in _PTB_KNOWS and code != HTTPStatus.TOO_MANY_REQUESTS
