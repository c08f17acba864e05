"""Rendering the core's effects as Bot API calls, once for every transport.

Both frameworks' `Bot`s take the Bot API's own method and parameter names, so one renderer
serves both; a transport supplies only what its framework builds differently (`Widgets`):
inline keyboards, reply parameters, uploaded files and the command-menu call. Texts and captions
in effects are HTML. Messages are copied, never forwarded: a forward's header would reveal the
sender. `paid` is passed as `allow_paid_broadcast` on every call that posts a message (None: the
parameter is not sent at all). A message for a forum topic carries its `message_thread_id`; a
text to pin is pinned silently once sent (a refused pin is logged: the message is out).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.core import effects as fx
from bot.core.errors import RejectedRequest
from bot.transports.base import HTML, Commands

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Widgets:
    """What one framework builds its own way."""

    keyboard: Callable[[fx.Keyboard], Any]  # None when there are no buttons
    reply_to: Callable[[int | None], Any]
    upload: Callable[[str, bytes, str], dict[str, Any]]  # (field, content, filename) → kwargs
    set_commands: Callable[..., Awaitable[None]]  # (bot, commands, *, chat_id) → chat's menu


async def render(bot: Any, effect: fx.Effect, widgets: Widgets, *, paid: bool | None) -> fx.Sent:
    """Make the one Bot API call that `effect` stands for and say what Telegram answered."""
    if isinstance(effect, fx.SendText | fx.CopyMessage | fx.SendDocument | fx.SendPhoto):
        return await _post(bot, effect, widgets, paid)
    if isinstance(effect, fx.EditText | fx.EditButtons | fx.EditCaption):
        return await _edit(bot, effect, widgets)
    if isinstance(effect, fx.AnswerButton):
        await bot.answer_callback_query(
            callback_query_id=effect.callback_id,
            text=effect.text,
            show_alert=effect.alert or None,
        )
        return fx.Sent()
    if isinstance(effect, fx.CopyMessages):
        copies = await bot.copy_messages(
            chat_id=effect.chat_id,
            from_chat_id=effect.from_chat_id,
            message_ids=list(effect.message_ids),
            message_thread_id=effect.thread_id,
        )
        ids = [c.message_id for c in copies]
        return fx.Sent(message_id=ids[0] if ids else None, extra={"message_ids": ids})
    if isinstance(effect, fx.SetCommands):  # a staff member's own menu (chat scope)
        commands: Commands = effect.commands
        await widgets.set_commands(bot, commands, chat_id=effect.chat_id)
        return fx.Sent()
    if isinstance(effect, fx.CloseTopic | fx.ReopenTopic | fx.EditTopic):
        await _topic(bot, effect)
        return fx.Sent()
    raise RejectedRequest(f"no rendering for {type(effect).__name__}")


async def _post(
    bot: Any,
    effect: fx.SendText | fx.CopyMessage | fx.SendDocument | fx.SendPhoto,
    widgets: Widgets,
    paid: bool | None,
) -> fx.Sent:
    """Post one message (a text, a copy, a document or a photo): the new message's id."""
    if isinstance(effect, fx.SendText):
        message = await bot.send_message(
            chat_id=effect.chat_id,
            message_thread_id=effect.thread_id,
            text=effect.text,
            parse_mode=HTML,
            reply_markup=widgets.keyboard(effect.buttons),
            reply_parameters=widgets.reply_to(effect.reply_to_message_id),
            allow_paid_broadcast=paid,
        )
        if effect.pin:
            await _pin(bot, effect.chat_id, message.message_id)
    elif isinstance(effect, fx.CopyMessage):
        message = await bot.copy_message(
            chat_id=effect.chat_id,
            message_thread_id=effect.thread_id,
            from_chat_id=effect.from_chat_id,
            message_id=effect.message_id,
            caption=effect.caption,
            parse_mode=HTML if effect.caption is not None else None,
            reply_parameters=widgets.reply_to(effect.reply_to_message_id),
            allow_paid_broadcast=paid,
        )
    else:
        field = "document" if isinstance(effect, fx.SendDocument) else "photo"
        send = bot.send_document if field == "document" else bot.send_photo
        message = await send(
            chat_id=effect.chat_id,
            message_thread_id=effect.thread_id,
            **widgets.upload(field, effect.content, effect.filename),
            caption=effect.caption,
            parse_mode=HTML,
            allow_paid_broadcast=paid,
        )
    return fx.Sent(message_id=message.message_id)


async def _pin(bot: Any, chat_id: int, message_id: int) -> None:
    """Pin a message just sent, silently; a refusal (no right to pin...) is only logged."""
    try:
        await bot.pin_chat_message(
            chat_id=chat_id, message_id=message_id, disable_notification=True
        )
    except Exception as exc:
        log.warning("could not pin message %s in chat %s: %s", message_id, chat_id, exc)


async def _topic(bot: Any, effect: fx.CloseTopic | fx.ReopenTopic | fx.EditTopic) -> None:
    """Close, reopen or rename a forum topic."""
    if isinstance(effect, fx.CloseTopic):
        await bot.close_forum_topic(chat_id=effect.chat_id, message_thread_id=effect.thread_id)
    elif isinstance(effect, fx.ReopenTopic):
        await bot.reopen_forum_topic(chat_id=effect.chat_id, message_thread_id=effect.thread_id)
    else:
        await bot.edit_forum_topic(
            chat_id=effect.chat_id, message_thread_id=effect.thread_id, name=effect.name
        )


async def _edit(
    bot: Any, effect: fx.EditText | fx.EditButtons | fx.EditCaption, widgets: Widgets
) -> fx.Sent:
    """Edit one message (its text, its buttons or its caption): that message's id."""
    if isinstance(effect, fx.EditText):
        await bot.edit_message_text(
            text=effect.text,
            chat_id=effect.chat_id,
            message_id=effect.message_id,
            parse_mode=HTML,
            reply_markup=widgets.keyboard(effect.buttons),
        )
    elif isinstance(effect, fx.EditButtons):
        await bot.edit_message_reply_markup(
            chat_id=effect.chat_id,
            message_id=effect.message_id,
            reply_markup=widgets.keyboard(effect.buttons),
        )
    else:
        await bot.edit_message_caption(
            chat_id=effect.chat_id,
            message_id=effect.message_id,
            caption=effect.caption,
            parse_mode=HTML if effect.caption is not None else None,
        )
    return fx.Sent(message_id=effect.message_id)
