"""Webhook settings: `mentorbot run --webhook` refuses to start, with one line naming the setting,
when WEBHOOK_URL or WEBHOOK_SECRET is missing or malformed."""

from __future__ import annotations

import pytest

from bot.config import SettingsError, load_settings, require_webhook
from tests.unit.test_settings import run_cli

GOOD_SECRET = "a" * 64


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({}, "WEBHOOK_URL"),
        ({"webhook_url": "https://bot.example.org/tg"}, "WEBHOOK_SECRET"),
        ({"webhook_url": "https://bot.example.org/tg", "webhook_secret": "has space"}, "SECRET"),
        ({"webhook_url": "https://bot.example.org/tg", "webhook_secret": "x" * 257}, "SECRET"),
        ({"webhook_url": "http://bot.example.org/tg", "webhook_secret": GOOD_SECRET}, "URL"),
        ({"webhook_url": "https://bot.example.org:9000/", "webhook_secret": GOOD_SECRET}, "URL"),
        (
            {
                "webhook_url": "https://bot.example.org/tg",
                "webhook_secret": GOOD_SECRET,
                "webhook_listen": "8080",
            },
            "WEBHOOK_LISTEN",
        ),
    ],
)
def test_missing_or_malformed_webhook_settings_are_named(
    settings: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError, match=named):
        require_webhook(load_settings(bot_token="1:x", **settings))


def test_telegram_needs_https_but_a_local_server_does_not() -> None:
    hook = require_webhook(
        load_settings(
            webhook_url="https://bot.example.org:8443/telegram/hook",
            webhook_secret=GOOD_SECRET,
            webhook_listen="0.0.0.0:9000",
        )
    )
    assert (hook.path, hook.host, hook.port) == ("/telegram/hook", "0.0.0.0", 9000)
    local = require_webhook(
        load_settings(
            telegram_api_url="http://127.0.0.1:8081",
            webhook_url="http://10.0.0.5:8080/hook",
            webhook_secret=GOOD_SECRET,
        )
    )
    assert local.url == "http://10.0.0.5:8080/hook" and local.port == 8080


def test_the_cli_refuses_to_start_without_a_secret() -> None:
    result = run_cli("run", "--webhook", BOT_TOKEN="1:x", WEBHOOK_URL="https://bot.example.org/tg")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "WEBHOOK_SECRET" in lines[0]
