"""The sandbox's state: the bot, users and their chats, files, updates, and the helpers the Bot API
methods share (chat resolution, block/rate checks, storing and rendering messages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox.clock import SandboxClock
from bot.sandbox.errors import BLOCKED, CHAT_NOT_FOUND, bad_request, forbidden
from bot.sandbox.events import EventLog
from bot.sandbox.faults import FaultBoard
from bot.sandbox.files import FileStore
from bot.sandbox.formatting import check_formatted
from bot.sandbox.groups import GroupChat
from bot.sandbox.models import ChatLog, MessageLog, SandboxUser, StoredMessage, render_message
from bot.sandbox.ratelimit import RateLimiter, RateLimits
from bot.sandbox.spec import BotApiSpec
from bot.sandbox.updates import UpdateQueue

DEFAULT_BOT_ID = 7_000_000_001
MAX_TEXT = 4096
MAX_CAPTION = 1024
CALLBACK_QUERY_TTL = 15.0


@dataclass
class PendingCallback:
    """A callback query delivered to the bot, answerable once within the TTL."""

    id: str
    chat_id: int
    message_id: int
    data: str | None
    created_at: float
    answered: bool = False


LEGACY_HIDDEN_USER = ".forward_origin.sender_user_name: required by MessageOriginHiddenUser"
"""A forward of an old message from a user who hides their account comes without
`sender_user_name`, which the Bot API documents as required (aiogram issue #1840): Telegram
really sends it, and a framework that trusts the documentation cannot decode the update."""

NEWER_ADMIN_RIGHT = ".can_send_welcome_messages: not a field of ChatMemberAdministrator"
"""Telegram sends `can_send_welcome_messages` in ChatMemberAdministrator, a field newer than
api.json, and aiogram 3.31 requires it: the sandbox sends it, and always tolerates it."""

TELEGRAM_DEVIATIONS = frozenset({LEGACY_HIDDEN_USER, NEWER_ADMIN_RIGHT})
"""Departures from the Bot API description that Telegram itself is known to make."""


class Sandbox:
    """Everything the fake Telegram knows. One bot; private chats (chat id == user id) in
    ``chats`` and supergroups (negative ids) in ``groups``.

    ``spec`` turns on strict checking: every call, result and update is validated against the
    Bot API spec and problems are appended to :attr:`spec_violations` (answers are unchanged).
    """

    def __init__(
        self,
        *,
        spec: BotApiSpec | None = None,
        rate_limits: RateLimits | bool = True,
        clock: SandboxClock | None = None,
        bot_first_name: str = "Mentorbot",
        bot_username: str = "mentorbot_sandbox_bot",
        check_formatting: bool = True,
        callback_query_ttl: float = CALLBACK_QUERY_TTL,
    ) -> None:
        self.spec = spec
        self.clock = clock or SandboxClock()
        self.rate_limits: RateLimits | None = None
        if isinstance(rate_limits, RateLimits):
            self.rate_limits = rate_limits
        elif rate_limits:
            self.rate_limits = RateLimits()
        self.bot_first_name = bot_first_name
        self.bot_username = bot_username
        self.check_formatting = check_formatting
        self.callback_query_ttl = callback_query_ttl
        self.spec_violations: list[str] = []
        self.known_deviations: list[str] = []
        self._tolerated: set[str] = set()
        self.reset()

    def reset(self) -> None:
        """Forget all users, chats, files, updates, logs and faults (the clock is kept)."""
        self.bot_id = DEFAULT_BOT_ID
        self.users: dict[int, SandboxUser] = {}
        self.chats: dict[int, ChatLog] = {}
        self.groups: dict[int, GroupChat] = {}
        self.files = FileStore()
        self.updates = UpdateQueue()
        self.events = EventLog()
        self.faults = FaultBoard()
        self.rate_limiter = RateLimiter(self.rate_limits) if self.rate_limits else None
        self.callback_queries: dict[str, PendingCallback] = {}
        self.callback_answers: dict[int, list[dict[str, Any]]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.request_log: list[dict[str, Any]] = []
        self.spec_violations.clear()
        self.known_deviations.clear()
        self._tolerated.clear()
        self._tolerated.add(NEWER_ADMIN_RIGHT)

    def close(self) -> None:
        """Release long polls (getUpdates, events) so the server can stop promptly."""
        self.updates.close()
        self.events.close()

    # ------------------------------------------------------------------ spec checking

    @property
    def strict(self) -> bool:
        return self.spec is not None

    def record_violations(self, problems: list[str]) -> None:
        for problem in problems:
            if any(problem.endswith(deviation) for deviation in self._tolerated):
                if problem not in self.known_deviations:
                    self.known_deviations.append(problem)
            elif problem not in self.spec_violations:
                self.spec_violations.append(problem)

    def tolerate(self, deviation: str) -> None:
        """From now on, a problem ending with `deviation` (one of the `TELEGRAM_DEVIATIONS`)
        is listed in `known_deviations` instead of `spec_violations`: Telegram itself sends
        it, and a test injected it on purpose. Every other problem is still a violation."""
        if deviation not in TELEGRAM_DEVIATIONS:
            raise ValueError(f"not a known deviation of Telegram's: {deviation!r}")
        self._tolerated.add(deviation)

    def take_violations(self) -> list[str]:
        """Return and clear the recorded spec violations."""
        taken = list(self.spec_violations)
        self.spec_violations.clear()
        return taken

    # ------------------------------------------------------------------ the bot

    def bot_user(self) -> dict[str, Any]:
        """The bot as the ``from`` of its messages."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def get_me(self) -> dict[str, Any]:
        """The ``getMe`` answer."""
        me = self.bot_user()
        me.update(
            can_join_groups=True,
            can_read_all_group_messages=False,
            supports_inline_queries=False,
            can_connect_to_business=False,
            has_main_web_app=False,
        )
        return me

    # ------------------------------------------------------------------ updates

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = self.updates.push(kind, payload)
        if self.spec is not None:
            self.record_violations(
                [f"update {p}" for p in self.spec.validate_object("Update", update)]
            )
        return update

    # ------------------------------------------------------------------ chats & messages

    def chat_log(self, chat_id: int) -> MessageLog | None:
        """The private chat or supergroup with ``chat_id``, if any."""
        return self.chats.get(chat_id) or self.groups.get(chat_id)

    def bot_chat(self, chat_id: int) -> MessageLog | None:
        """A chat the bot can name: a private chat, or a group it is or was a member of."""
        found = self.chat_log(chat_id)
        if isinstance(found, GroupChat) and not found.known_to_bot:
            return None
        return found

    def resolve_chat(self, chat_id: int | str | None, field: str = "chat_id") -> MessageLog:
        """The chat for ``chat_id`` or 400 ``chat_id is empty`` / ``chat not found``."""
        if chat_id is None:
            raise bad_request(f"{field} is empty")
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        found = self.bot_chat(chat_id) if isinstance(chat_id, int) else None
        if found is None:
            raise bad_request(CHAT_NOT_FOUND)
        return found

    def ensure_not_blocked(self, chat: MessageLog) -> None:
        """403 when the bot can't write to ``chat``: blocked by the user, or not a member of
        (or removed from) the group."""
        if isinstance(chat, ChatLog) and chat.user.blocked:
            raise forbidden(BLOCKED)
        if isinstance(chat, GroupChat):
            refusal = chat.send_refusal()
            if refusal is not None:
                raise refusal

    def count_send(self, chat: MessageLog, *, paid: bool = False) -> None:
        """Enforce flood limits for one send-like call to ``chat`` (429 when exceeded);
        ``paid``: the call passed ``allow_paid_broadcast`` (the 1000/s overall limit applies)."""
        if self.rate_limiter is not None:
            self.rate_limiter.check(chat.id, paid=paid)

    def check_text(self, text: str | None, parse_mode: str | None) -> str:
        if text is None or not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        if self.check_formatting:
            check_formatted(text, parse_mode)
        return text

    def check_caption(self, caption: str | None, parse_mode: str | None) -> None:
        if caption is None:
            return
        if len(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        if self.check_formatting:
            check_formatted(caption, parse_mode)

    def reply_target(
        self, chat: MessageLog, reply_parameters: Any, reply_to_message_id: int | None
    ) -> int | None:
        """The id of the message being replied to, validated like Telegram does."""
        allow_missing = False
        if isinstance(reply_parameters, dict):
            target = reply_parameters.get("message_id")
            allow_missing = bool(reply_parameters.get("allow_sending_without_reply"))
            other_chat = reply_parameters.get("chat_id")
            if other_chat is not None and str(other_chat) != str(chat.id):
                self.resolve_chat(other_chat if isinstance(other_chat, int | str) else None)
                return None  # a reply to another chat becomes an external reply (not modelled)
        elif reply_parameters is not None:
            raise bad_request("can't parse reply parameters JSON object")
        else:
            target = reply_to_message_id
        if target is None:
            return None
        if not isinstance(target, int) or chat.get(target) is None:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return target

    def new_message(self, chat: MessageLog, *, from_bot: bool, **fields: Any) -> StoredMessage:
        message = StoredMessage(
            message_id=chat.next_id(),
            chat_id=chat.id,
            date=self.clock.timestamp(),
            from_bot=from_bot,
            **fields,
        )
        chat.add(message)
        self.events.emit(chat.id, "message", message=message.to_control())
        return message

    def render(self, message: StoredMessage, *, with_reply: bool = True) -> dict[str, Any]:
        """The Bot API ``Message`` object for a stored message. As Telegram does, a message in a
        forum topic that answers nothing in particular is a reply to the topic's creation."""
        chat = self.chat_log(message.chat_id)
        assert chat is not None, f"no chat {message.chat_id}"
        reply_to = None
        if with_reply:
            target_id = message.reply_to_message_id
            if target_id is None and message.thread_id not in (None, message.message_id):
                target_id = message.thread_id
            target = chat.get(target_id) if target_id is not None else None
            reply_to = self.render(target, with_reply=False) if target is not None else None
        return render_message(message, chat.to_chat(), self.sender_of(chat, message), reply_to)

    def sender_of(self, chat: MessageLog, message: StoredMessage) -> dict[str, Any]:
        """The ``User`` who wrote ``message``."""
        if message.from_bot:
            return self.bot_user()
        if isinstance(chat, ChatLog):
            return chat.user.to_user()
        user = self.users.get(message.sender_id or 0)
        assert user is not None, f"message {message.message_id} has no sender"
        return user.to_user()

    def mark_edited(self, message: StoredMessage) -> None:
        message.edit_date = self.clock.timestamp()
        self.events.emit(message.chat_id, "edit", message=message.to_control())
