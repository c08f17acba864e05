"""`mentorbot chat --as NAME`: talk to the bot in the sandbox from a terminal.

The bot's messages appear as they arrive (HTML tags stripped); their buttons (inline, or a reply
keyboard) are numbered, and `:2` presses button 2. A number typed alone is a message like any
other (an age, an hour, a step's answer). Lines starting with `:` are client commands (`:help`).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import sys
import threading
from pathlib import Path

from bot.sandbox.client import SandboxClient, SandboxClientError
from bot.sandbox.client_types import ChatMessage, SandboxEvent

_TAG = re.compile(r"<[^>]+>")
_PRESS = re.compile(r":\s*(\d+)")
PRESS_HINT = "   (press a button with :1, :2…; a number alone is sent as a message)"
HELP = """Client commands:
  :1, :2, ...        press that button of the latest message with buttons
                     (a number alone, such as 2, is sent to the bot as a message)
  :photo PATH        send a photo      :doc PATH   send a document
  :edit N TEXT       edit your message number N
  :block / :unblock  block or unblock the bot
  :quit              leave (Ctrl-D works too)
Anything else is sent as a message; /commands go to the bot."""


def plain(text: str) -> str:
    """Telegram HTML as plain terminal text."""
    return html.unescape(_TAG.sub("", text))


class TerminalChat:
    """One sandbox user at a terminal."""

    def __init__(self, client: SandboxClient, user_id: int) -> None:
        self.client = client
        self.user_id = user_id
        self.keyboard_message: ChatMessage | None = None

    def show(self, message: ChatMessage, edited: bool = False) -> None:
        """Print one bot message with its numbered buttons."""
        body = plain(message.text or message.caption or f"[{message.kind}]")
        prefix = "bot (edited)" if edited else "bot"
        lines = [f"\n{prefix} #{message.message_id}: {body}"]
        labels = [plain(label) for label in button_labels(message)]
        if labels:
            self.keyboard_message = message
            for row_start in range(0, len(labels), 3):
                row = labels[row_start : row_start + 3]
                lines.append(
                    "   " + "   ".join(f"[{row_start + i + 1}] {b}" for i, b in enumerate(row))
                )
            lines.append(PRESS_HINT)
        print("\n".join(lines), flush=True)

    async def follow(self, since: int) -> None:
        """Print the bot's messages, edits and button answers as they happen."""
        while True:
            try:
                events, since = await self.client.events(since=since, timeout=25)
            except (SandboxClientError, OSError) as exc:
                print(f"\n(sandbox unreachable: {exc}; retrying)", flush=True)
                await asyncio.sleep(2)
                continue
            for event in events:
                self._event(event)

    def _event(self, event: SandboxEvent) -> None:
        if event.chat_id != self.user_id:
            return
        if event.type in ("message", "edit") and event.message and event.message.from_bot:
            self.show(event.message, edited=event.type == "edit")
        elif (
            event.type == "callback_answer"
            and event.callback_answer
            and (event.callback_answer.text)
        ):
            print(f"  ({plain(event.callback_answer.text)})", flush=True)

    async def handle_line(self, line: str) -> bool:
        """Act on one typed line; False means quit."""
        line = line.strip()
        if not line:
            return True
        if line in (":quit", ":q"):
            return False
        try:
            await self._act(line)
        except (SandboxClientError, OSError, ValueError) as exc:
            print(f"  ! {exc}", flush=True)
        return True

    async def _act(self, line: str) -> None:
        if (press := _PRESS.fullmatch(line)) is not None:
            await self._press(int(press.group(1)))
        elif line.startswith(":photo "):
            content, file_name = await asyncio.to_thread(_read_file, line.split(" ", 1)[1])
            await self.client.send_photo(self.user_id, content, file_name=file_name)
        elif line.startswith(":doc "):
            content, file_name = await asyncio.to_thread(_read_file, line.split(" ", 1)[1])
            await self.client.send_document(self.user_id, content, file_name=file_name)
        elif line.startswith(":edit "):
            _, number, text = (line.split(" ", 2) + ["", ""])[:3]
            await self.client.edit(self.user_id, int(number), text)
        elif line == ":block":
            await self.client.block(self.user_id)
        elif line == ":unblock":
            await self.client.unblock(self.user_id)
        elif line == ":help":
            print(HELP)
        else:
            sent = await self.client.send_text(self.user_id, line)
            print(f"you #{sent.message_id}: {line}", flush=True)

    async def _press(self, number: int) -> None:
        """Press button `number` of the latest message with buttons: an inline button sends its
        callback, a reply keyboard's button sends its text (as Telegram does)."""
        message = self.keyboard_message
        if message is None:
            raise ValueError("no buttons to press yet; a number alone is sent as a message")
        count = len(button_labels(message))
        if not 1 <= number <= count:
            raise ValueError(
                f"there is no button {number} (the buttons are numbered 1 to {count})"
            )
        inline = [b for row in message.buttons for b in row]
        if not inline:
            text = button_labels(message)[number - 1]
            sent = await self.client.send_text(self.user_id, text)
            print(f"you #{sent.message_id}: {text}", flush=True)
            return
        button = inline[number - 1]
        if button.url:
            print(f"  (link: {button.url})")
            return
        await self.client.press(
            self.user_id, message.message_id, callback_data=button.callback_data
        )


def button_labels(message: ChatMessage) -> list[str]:
    """The labels of a message's buttons in reading order: its inline buttons, or else its reply
    keyboard's."""
    inline = [b.text for row in message.buttons for b in row]
    return inline or [text for row in message.reply_keyboard or () for text in row]


def _read_file(path_text: str) -> tuple[bytes, str]:
    path = Path(path_text).expanduser()
    return path.read_bytes(), path.name


def _read_lines(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | None]) -> None:
    """Feed stdin lines to the loop from a daemon thread (it never blocks the exit)."""
    for line in sys.stdin:
        loop.call_soon_threadsafe(queue.put_nowait, line)
    loop.call_soon_threadsafe(queue.put_nowait, None)


async def run_chat(sandbox_url: str, name: str, language: str = "en") -> None:
    """Find or create the sandbox user `name` and chat until :quit or end of input."""
    async with SandboxClient(sandbox_url) as client:
        try:
            users = await client.users()
        except (SandboxClientError, OSError):
            print(
                f"mentorbot: no sandbox at {sandbox_url}; start one with `make demo`.",
                file=sys.stderr,
            )
            raise SystemExit(1) from None
        user = next((u for u in users if u.first_name == name), None)
        if user is None:
            user = await client.create_user(name, language_code=language)
        chat = TerminalChat(client, user.id)
        for message in await client.messages(user.id):
            if message.from_bot:
                chat.show(message)
        _, since = await client.events(since=0, timeout=0)
        print(f"You are {name} (user {user.id}). Say /start to begin; :help for help.")
        follower = asyncio.create_task(chat.follow(since))
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        threading.Thread(
            target=_read_lines, args=(asyncio.get_running_loop(), lines), daemon=True
        ).start()
        try:
            while (line := await lines.get()) is not None and await chat.handle_line(line):
                pass
        finally:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower
