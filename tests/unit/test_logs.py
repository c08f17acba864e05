"""`bot.logs`: no log record, from any logger, carries the bot token or an exception's message
(issue 13, defect 11); the HTTP clients' per-request lines are turned down."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import protect_logs, quiet_libraries, redact

TOKEN = "987654:unit-test-secret_token"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    protect_logs(TOKEN)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_the_token_is_withheld_from_every_logger(captured: io.StringIO) -> None:
    logging.getLogger("some.library").warning("POST http://api/bot%s/sendMessage", TOKEN)
    logging.getLogger("bot.x").warning("secret part %s alone", TOKEN.partition(":")[2])
    logging.getLogger("aiohttp.client").warning("GET /bot123456:ANOTHERtoken_abc/getMe")
    text = captured.getvalue()
    assert "unit-test-secret_token" not in text and "ANOTHERtoken_abc" not in text
    assert "POST http://api/bot987654:***/sendMessage" in text
    assert "GET /bot123456:***/getMe" in text


def test_an_exception_keeps_its_type_and_stack_not_its_message(captured: io.StringIO) -> None:
    words = " ".join(("the", "words", "someone", "wrote"))
    try:
        raise ValueError(words)
    except ValueError:
        logging.getLogger("telegram.request").exception("could not load")
    text = captured.getvalue()
    assert "the words someone wrote" not in text and "Traceback" not in text
    assert "ValueError (message withheld)" in text
    assert "test_an_exception_keeps_its_type_and_stack_not_its_message" in text  # the stack


def test_a_record_that_does_not_format_is_still_logged(captured: io.StringIO) -> None:
    logging.getLogger("some.library").warning("%s and %s", "only one")
    assert "unformattable log record from some.library" in captured.getvalue()


def test_http_clients_log_only_warnings(captured: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: POST http://api/bot1:x/getMe")
    assert "HTTP Request" not in captured.getvalue()
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    quiet_libraries("ERROR")
    assert logging.getLogger("httpcore").level == logging.ERROR
    quiet_libraries()
    assert logging.getLogger("httpcore").level == logging.WARNING


def test_redact_leaves_ordinary_text_alone() -> None:
    assert redact("update 10002 (message) set aside at 12:30") == (
        "update 10002 (message) set aside at 12:30"
    )
