"""Bot API methods that send text-like messages or re-send existing ones: sendMessage,
sendContact, sendLocation, forwardMessage, copyMessage and copyMessages."""

from __future__ import annotations

import copy
import secrets
from typing import Any

from bot.sandbox import sending
from bot.sandbox.errors import bad_request
from bot.sandbox.models import MessageLog, StoredMessage
from bot.sandbox.registry import BotCall, method


@method("sendMessage", send_like=True)
async def send_message(call: BotCall) -> dict[str, Any]:
    sandbox, params = call.sandbox, call.params
    out = sending.prepare(call)
    parse_mode = params.get_str("parse_mode")
    text = sandbox.check_text(params.get_str("text"), parse_mode)
    entities = sending.entities_param(call, "entities")
    sandbox.count_send(out.chat, paid=out.paid_broadcast)
    message = sending.store(
        call, out, kind="text", text=text, entities=entities, parse_mode=parse_mode
    )
    return sandbox.render(message)


@method("sendContact", send_like=True)
async def send_contact(call: BotCall) -> dict[str, Any]:
    sandbox, params = call.sandbox, call.params
    out = sending.prepare(call)
    contact: dict[str, Any] = {
        "phone_number": params.required_str("phone_number"),
        "first_name": params.required_str("first_name"),
    }
    for optional in ("last_name", "vcard"):
        if params.has(optional):
            contact[optional] = params.get_str(optional)
    sandbox.count_send(out.chat, paid=out.paid_broadcast)
    message = sending.store(call, out, kind="contact", media={"contact": contact})
    return sandbox.render(message)


@method("sendLocation", send_like=True)
async def send_location(call: BotCall) -> dict[str, Any]:
    sandbox, params = call.sandbox, call.params
    out = sending.prepare(call)
    latitude = params.get_float("latitude")
    longitude = params.get_float("longitude")
    if latitude is None or not -90 <= latitude <= 90:
        raise bad_request("wrong latitude specified")
    if longitude is None or not -180 <= longitude <= 180:
        raise bad_request("wrong longitude specified")
    location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    sandbox.count_send(out.chat, paid=out.paid_broadcast)
    message = sending.store(call, out, kind="location", media={"location": location})
    return sandbox.render(message)


def _source(call: BotCall, message_id: int, missing: str) -> tuple[MessageLog, StoredMessage]:
    chat = call.sandbox.resolve_chat(call.params.chat_id("from_chat_id"), "from_chat_id")
    message = chat.get(message_id)
    if message is None:
        raise bad_request(missing)
    return chat, message


def _content(message: StoredMessage) -> dict[str, Any]:
    """The content fields a copy or forward carries over."""
    return {
        "kind": message.kind,
        "text": message.text,
        "entities": copy.deepcopy(message.entities),
        "caption": message.caption,
        "caption_entities": copy.deepcopy(message.caption_entities),
        "parse_mode": message.parse_mode,
        "media": copy.deepcopy(message.media),
        "file_id": message.file_id,
    }


@method("forwardMessage", send_like=True)
async def forward_message(call: BotCall) -> dict[str, Any]:
    sandbox = call.sandbox
    message_id = call.params.required_int("message_id", "message identifier is not specified")
    source_chat, original = _source(call, message_id, "message to forward not found")
    out = sending.prepare(call, with_markup=False)
    out.reply_to = None
    if original.protect_content:
        raise bad_request("message can't be forwarded")
    sender = sandbox.sender_of(source_chat, original)
    sandbox.count_send(out.chat, paid=out.paid_broadcast)
    message = sending.store(
        call,
        out,
        forwarded=True,
        forward_origin={"type": "user", "date": original.date, "sender_user": sender},
        **_content(original),
    )
    return sandbox.render(message)


def _copy(
    call: BotCall,
    out: sending.Outgoing,
    original: StoredMessage,
    *,
    caption: str | None,
    parse_mode: str | None,
    override_caption: bool,
    media_group_id: str | None = None,
) -> StoredMessage:
    fields = _content(original)
    if override_caption and original.kind != "text":
        fields.update(caption=caption, parse_mode=parse_mode, caption_entities=None)
    return sending.store(call, out, copied=True, media_group_id=media_group_id, **fields)


def _can_copy(original: StoredMessage) -> None:
    if original.protect_content or original.service is not None:
        raise bad_request("message can't be copied")


@method("copyMessage", send_like=True)
async def copy_message(call: BotCall) -> dict[str, Any]:
    sandbox, params = call.sandbox, call.params
    message_id = params.required_int("message_id", "message identifier is not specified")
    _, original = _source(call, message_id, "message to copy not found")
    _can_copy(original)
    out = sending.prepare(call)
    override = "caption" in params.raw
    caption = params.get_str("caption")
    parse_mode = params.get_str("parse_mode")
    if override:
        sandbox.check_caption(caption, parse_mode)
    sandbox.count_send(out.chat, paid=out.paid_broadcast)
    message = _copy(
        call, out, original, caption=caption, parse_mode=parse_mode, override_caption=override
    )
    return {"message_id": message.message_id}


@method("copyMessages", send_like=True)
async def copy_messages(call: BotCall) -> list[dict[str, Any]]:
    sandbox, params = call.sandbox, call.params
    ids = params.get_json("message_ids", "message identifiers")
    if ids is None:
        raise bad_request("message_ids is empty")
    if (
        not isinstance(ids, list)
        or not 1 <= len(ids) <= 100
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
    ):
        raise bad_request("can't parse message identifiers JSON object")
    if any(a >= b for a, b in zip(ids, ids[1:], strict=False)):
        raise bad_request("message identifiers must be in strictly increasing order")
    source_chat = sandbox.resolve_chat(params.chat_id("from_chat_id"), "from_chat_id")
    originals = [m for m in (source_chat.get(i) for i in ids) if m is not None]
    originals = [m for m in originals if not m.protect_content and m.service is None]
    if not originals:
        raise bad_request("message to copy not found")
    out = sending.prepare(call, with_markup=False)
    out.reply_to = None
    remove_caption = params.get_bool("remove_caption")
    sandbox.count_send(out.chat, paid=out.paid_broadcast)
    groups: dict[str, str] = {}
    copies: list[dict[str, Any]] = []
    for original in originals:
        group = None
        if original.media_group_id is not None:
            group = groups.setdefault(original.media_group_id, str(secrets.randbits(60)))
        message = _copy(
            call,
            out,
            original,
            caption=None,
            parse_mode=None,
            override_caption=remove_caption,
            media_group_id=group,
        )
        copies.append({"message_id": message.message_id})
    return copies
