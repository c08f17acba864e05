"""Logging without leaking what people wrote or the bot's secrets.

Logs carry ids, never the bot token, message texts or names. Our own code logs ids and error
types (`log_bug`); the libraries underneath are kept in line by `protect_logs`, which the
transport calls with the token before it talks to Telegram:

- a log record factory, so it covers every logger (ours, aiogram, aiohttp, httpx, telegram,
  asyncio…) and every handler, however logging was configured: the token, and any Bot API URL's
  `bot<id>:<secret>` part, are replaced by `bot<id>:***`; an exception attached to a record
  keeps its type and stack but not its message, which may quote a message body or a URL;
- the HTTP clients' chatter (httpx logs every request's URL, with the token, at INFO) is turned
  down to warnings unless logging was configured for them explicitly.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Callable
from typing import Any

NOISY = ("httpx", "httpcore", "aiogram.event", "aiohttp.access", "apscheduler")
"""Libraries that log every request or job at INFO (httpx: with the URL, hence the token)."""

_TOKEN_IN_URL = re.compile(r"(bot\d+):[A-Za-z0-9_-]{4,}")
_WITHHELD = "***"

_secrets: set[str] = set()
_lock = threading.Lock()
_installed: Callable[..., logging.LogRecord] | None = None


def log_bug(logger: logging.Logger, message: str, exc: BaseException) -> None:
    """Log an unexpected error by type and stack only: its text may quote a message body."""
    stack = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("%s: %s\n%s", message, type(exc).__name__, stack)


def quiet_libraries(level: int | str = logging.INFO) -> None:
    """Turn the chatty libraries down to warnings (or to `level`, if that is higher)."""
    number = logging.getLevelName(level) if isinstance(level, str) else level
    for name in NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, int(number)))


def protect_logs(*secrets: str) -> None:
    """Withhold `secrets` (and any Bot API token in a URL) from every log record from now on,
    keep exceptions' messages out of the logs, and quiet the HTTP clients (unless configured).
    Safe to call more than once (each token is added)."""
    global _installed
    with _lock:
        for secret in secrets:
            if secret:
                _secrets.add(secret)
                _, _, after_colon = secret.partition(":")
                if len(after_colon) >= 8:
                    _secrets.add(after_colon)
        if _installed is None or logging.getLogRecordFactory() is not _installed:
            _installed = _redacting(logging.getLogRecordFactory())
            logging.setLogRecordFactory(_installed)
    for name in NOISY:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)


def redact(text: str) -> str:
    """`text` with the secrets and Bot API tokens withheld."""
    text = _TOKEN_IN_URL.sub(rf"\1:{_WITHHELD}", text)
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, _WITHHELD)
    return text


def _redacting(make: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            _scrub(record)
        except Exception:  # a record whose arguments do not fit its format: as logging would
            record.msg, record.args = f"unformattable log record from {record.name}", ()
        return record

    return factory


def _scrub(record: logging.LogRecord) -> None:
    message = record.getMessage()
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, ()
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        stack = "".join(traceback.format_tb(exc.__traceback__))
        record.exc_text = redact(f"{type(exc).__name__} (message withheld)\n{stack}").rstrip()
        record.exc_info = None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
