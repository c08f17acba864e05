"""Shared steps of send-like methods: destination checks, reply markup and reply target,
flood limits, and storing the bot's message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import bad_request
from bot.sandbox.groups import GroupChat
from bot.sandbox.keyboards import validate_reply_markup
from bot.sandbox.models import MessageLog, StoredMessage
from bot.sandbox.registry import BotCall


@dataclass
class Outgoing:
    """A validated destination for a bot message."""

    chat: MessageLog
    reply_to: int | None
    reply_markup: dict[str, Any] | None
    protect_content: bool
    paid_broadcast: bool = False  # ``allow_paid_broadcast``: counted against the paid limit
    thread_id: int | None = None  # the forum topic (``message_thread_id``)


def prepare(call: BotCall, *, with_markup: bool = True) -> Outgoing:
    """Resolve ``chat_id`` (400/403), ``message_thread_id`` (in a forum; ignored in private
    chats), ``reply_markup`` and ``reply_parameters`` (a reply goes to the replied message's
    topic)."""
    sandbox, params = call.sandbox, call.params
    chat = sandbox.resolve_chat(params.chat_id())
    sandbox.ensure_not_blocked(chat)
    markup = None
    if with_markup:
        markup = validate_reply_markup(params.get_json("reply_markup", "reply keyboard markup"))
    reply_to = sandbox.reply_target(
        chat,
        params.get_json("reply_parameters", "reply parameters"),
        params.get_int("reply_to_message_id"),
    )
    thread_id = None
    if isinstance(chat, GroupChat):
        thread_id = chat.send_thread(params.get_int("message_thread_id"))
        target = chat.get(reply_to) if reply_to is not None else None
        if thread_id is None and target is not None and target.thread_id is not None:
            thread_id = chat.send_thread(target.thread_id)
    return Outgoing(
        chat,
        reply_to,
        markup,
        params.get_bool("protect_content"),
        params.get_bool("allow_paid_broadcast"),
        thread_id,
    )


def store(call: BotCall, out: Outgoing, **fields: Any) -> StoredMessage:
    """Store one bot message in ``out.chat`` (flood limits must already be counted)."""
    return call.sandbox.new_message(
        out.chat,
        from_bot=True,
        reply_markup=out.reply_markup,
        reply_to_message_id=out.reply_to,
        protect_content=out.protect_content,
        thread_id=out.thread_id,
        **fields,
    )


def entities_param(call: BotCall, name: str) -> list[dict[str, Any]] | None:
    value = call.params.get_json(name, "message entities")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise bad_request("can't parse entities JSON object")
    return value
