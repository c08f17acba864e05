"""Bot API methods that change or remove the bot's messages: editMessageText,
editMessageCaption, editMessageReplyMarkup and deleteMessage."""

from __future__ import annotations

from typing import Any

from bot.sandbox.errors import NOT_MODIFIED, bad_request
from bot.sandbox.groups import GroupChat
from bot.sandbox.keyboards import validate_reply_markup
from bot.sandbox.models import StoredMessage
from bot.sandbox.registry import BotCall, method

DELETE_WINDOW_SECONDS = 48 * 3600
_NO_CAPTION_KINDS = ("text", "contact", "location", "sticker")


def _target(call: BotCall) -> StoredMessage:
    sandbox, params = call.sandbox, call.params
    if params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # inline messages are not modelled
    chat = sandbox.resolve_chat(params.chat_id())
    message_id = params.required_int("message_id", "message identifier is not specified")
    sandbox.ensure_not_blocked(chat)
    message = chat.get(message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def _new_markup(call: BotCall) -> dict[str, Any] | None:
    markup = call.params.get_json("reply_markup", "reply keyboard markup")
    return validate_reply_markup(markup, inline_only=True)


def _same_markup(message: StoredMessage, markup: dict[str, Any] | None) -> bool:
    new_rows = (markup or {}).get("inline_keyboard") or []
    return bool(new_rows == message.inline_keyboard)


@method("editMessageText")
async def edit_message_text(call: BotCall) -> dict[str, Any]:
    sandbox, params = call.sandbox, call.params
    message = _target(call)
    parse_mode = params.get_str("parse_mode")
    text = sandbox.check_text(params.get_str("text"), parse_mode)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    entities = params.get_json("entities", "message entities")
    markup = _new_markup(call)
    if (
        text == message.text
        and parse_mode == message.parse_mode
        and (entities or None) == message.entities
        and _same_markup(message, markup)
    ):
        raise bad_request(NOT_MODIFIED)
    message.text = text
    message.parse_mode = parse_mode
    message.entities = entities or None
    message.reply_markup = markup
    sandbox.mark_edited(message)
    return sandbox.render(message)


@method("editMessageCaption")
async def edit_message_caption(call: BotCall) -> dict[str, Any]:
    sandbox, params = call.sandbox, call.params
    message = _target(call)
    if message.kind in _NO_CAPTION_KINDS:
        raise bad_request("there is no caption in the message to edit")
    caption = params.get_str("caption")
    parse_mode = params.get_str("parse_mode")
    sandbox.check_caption(caption, parse_mode)
    markup = _new_markup(call)
    if (
        caption == message.caption
        and (parse_mode if caption else None) == message.parse_mode
        and _same_markup(message, markup)
    ):
        raise bad_request(NOT_MODIFIED)
    message.caption = caption
    message.parse_mode = parse_mode if caption else None
    message.caption_entities = params.get_json("caption_entities", "message entities") or None
    message.reply_markup = markup
    sandbox.mark_edited(message)
    return sandbox.render(message)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: BotCall) -> dict[str, Any]:
    sandbox = call.sandbox
    message = _target(call)
    markup = _new_markup(call)
    if _same_markup(message, markup):
        raise bad_request(NOT_MODIFIED)
    message.reply_markup = markup
    sandbox.mark_edited(message)
    return sandbox.render(message)


@method("deleteMessage")
async def delete_message(call: BotCall) -> bool:
    sandbox, params = call.sandbox, call.params
    chat = sandbox.resolve_chat(params.chat_id())
    message_id = params.required_int("message_id", "message identifier is not specified")
    message = chat.get(message_id)
    if message is None:
        raise bad_request("message to delete not found")
    moderator = isinstance(chat, GroupChat) and chat.bot_can("can_delete_messages")
    if (
        message.kind == "forum_topic_created"  # deleteForumTopic removes a topic
        or (not message.from_bot and not moderator and isinstance(chat, GroupChat))
        or (not moderator and sandbox.clock.timestamp() - message.date > DELETE_WINDOW_SECONDS)
    ):
        raise bad_request("message can't be deleted")
    message.deleted = True
    sandbox.events.emit(chat.id, "delete", message=message.to_control())
    return True
