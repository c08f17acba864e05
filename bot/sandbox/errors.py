"""Errors: Bot API errors (Telegram's JSON shape) and control API errors."""

from __future__ import annotations

from typing import Any


class BotApiError(Exception):
    """An error answered the way Telegram answers: HTTP status = ``error_code``."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class HtmlErrorPage(BotApiError):
    """An error answered not by the Bot API but by a proxy in front of it (nginx's 502 page):
    an HTML body, no JSON."""

    def html(self) -> str:
        title = f"{self.status} {self.description}"
        return (
            f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
            f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n"
        )


def bad_request(reason: str) -> BotApiError:
    """400 ``Bad Request: <reason>``."""
    return BotApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> BotApiError:
    """403 ``Forbidden: <reason>``."""
    return BotApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> BotApiError:
    """429 with ``parameters.retry_after`` (whole seconds, at least 1)."""
    retry_after = max(1, int(retry_after))
    return BotApiError(
        429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
    )


def not_found_method() -> BotApiError:
    return BotApiError(404, "Not Found: method not found")


def unauthorized() -> BotApiError:
    return BotApiError(401, "Unauthorized")


def conflict(reason: str) -> BotApiError:
    return BotApiError(409, f"Conflict: {reason}")


BLOCKED = "bot was blocked by the user"
CHAT_NOT_FOUND = "chat not found"
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


class ControlError(Exception):
    """An error of the control API, answered as ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
