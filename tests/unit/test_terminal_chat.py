"""The terminal client (`mentorbot chat`): a number typed alone is a message; `:N` presses button
N of the latest message with buttons (inline: its callback; a reply keyboard: its text), and the
line under the buttons says so."""

from __future__ import annotations

from typing import Any, cast

import pytest

from bot.chat import HELP, PRESS_HINT, TerminalChat
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import Button, ChatMessage, PressResult, SentUpdate

USER = 7


class FakeSandbox:
    """What the client would have done in the sandbox."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.presses: list[tuple[int, str | None]] = []

    async def send_text(self, user_id: int, text: str, **_: Any) -> SentUpdate:
        assert user_id == USER
        self.texts.append(text)
        return SentUpdate(update_id=len(self.texts), message_id=100 + len(self.texts))

    async def press(
        self, user_id: int, message_id: int, *, callback_data: str | None = None, **_: Any
    ) -> PressResult:
        assert user_id == USER
        self.presses.append((message_id, callback_data))
        return PressResult(update_id=1, callback_query_id="q")


def message(
    message_id: int,
    *,
    buttons: tuple[tuple[Button, ...], ...] = (),
    keyboard: tuple[tuple[str, ...], ...] | None = None,
) -> ChatMessage:
    return ChatMessage(
        message_id=message_id,
        from_bot=True,
        kind="text",
        date=0,
        buttons=buttons,
        text="How old are you?",
        reply_keyboard=keyboard,
    )


def terminal() -> tuple[TerminalChat, FakeSandbox]:
    fake = FakeSandbox()
    return TerminalChat(cast(SandboxClient, fake), USER), fake


INLINE = (
    (Button("English", "lang:en"), Button("Italiano", "lang:it")),
    (Button("Help", url="https://example.org/help"),),
)


async def test_a_number_alone_is_sent_as_a_message_even_under_buttons(
    capsys: pytest.CaptureFixture[str],
) -> None:
    chat, sandbox = terminal()
    chat.show(message(5, buttons=INLINE))
    shown = capsys.readouterr().out
    assert "[1] English   [2] Italiano   [3] Help" in shown
    assert PRESS_HINT in shown and ":1, :2" in PRESS_HINT
    assert "a number alone is sent as a message" in PRESS_HINT

    assert await chat.handle_line("2")
    assert await chat.handle_line("  42 ")
    assert sandbox.texts == ["2", "42"] and sandbox.presses == []
    assert "you #102: 42" in capsys.readouterr().out


async def test_colon_number_presses_that_button(capsys: pytest.CaptureFixture[str]) -> None:
    chat, sandbox = terminal()
    chat.show(message(5, buttons=INLINE))
    assert await chat.handle_line(":2")
    assert sandbox.presses == [(5, "lang:it")] and sandbox.texts == []
    assert await chat.handle_line(":3")  # a link button: shown, nothing sent
    assert "(link: https://example.org/help)" in capsys.readouterr().out
    assert sandbox.presses == [(5, "lang:it")] and sandbox.texts == []


async def test_a_reply_keyboards_button_sends_its_text(capsys: pytest.CaptureFixture[str]) -> None:
    chat, sandbox = terminal()
    chat.show(message(6, keyboard=(("🔎 Find a mentor", "❓ Help"),)))
    assert "[1] 🔎 Find a mentor   [2] ❓ Help" in capsys.readouterr().out
    assert await chat.handle_line(":1")
    assert sandbox.texts == ["🔎 Find a mentor"] and sandbox.presses == []


async def test_pressing_a_button_that_is_not_there_says_so_and_sends_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    chat, sandbox = terminal()
    assert await chat.handle_line(":1")
    assert "no buttons to press yet" in capsys.readouterr().out
    chat.show(message(5, buttons=INLINE))
    assert await chat.handle_line(":9")
    out = capsys.readouterr().out
    assert "there is no button 9 (the buttons are numbered 1 to 3)" in out
    assert sandbox.texts == [] and sandbox.presses == []


async def test_help_shows_the_press_syntax(capsys: pytest.CaptureFixture[str]) -> None:
    chat, _ = terminal()
    assert await chat.handle_line(":help")
    assert capsys.readouterr().out.strip() == HELP.strip()
    assert ":1, :2" in HELP and "a number alone" in HELP
    assert not await chat.handle_line(":quit")
