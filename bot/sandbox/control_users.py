"""Control API, user side: ``/sandbox/users/…`` (simulate users) and ``/sandbox/chats/…``
(inspect what a chat contains)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from aiohttp import web

from bot.sandbox import user_actions
from bot.sandbox.errors import ControlError
from bot.sandbox.web_common import (
    int_field,
    json_body,
    path_int,
    path_log,
    query_number,
    sandbox_of,
    str_field,
)


async def create_user(request: web.Request) -> web.Response:
    body = await json_body(request)
    user = user_actions.create_user(
        sandbox_of(request),
        id=int_field(body, "id", required=False),
        first_name=str_field(body, "first_name", required=True) or "",
        last_name=str_field(body, "last_name"),
        username=str_field(body, "username"),
        language_code=str_field(body, "language_code"),
    )
    return web.json_response(user.to_user())


async def list_users(request: web.Request) -> web.Response:
    users = sandbox_of(request).users.values()
    return web.json_response([u.to_user() for u in users])


async def send_message(request: web.Request) -> web.Response:
    body = await json_body(request)
    result = user_actions.send_text(
        sandbox_of(request),
        path_int(request, "user_id"),
        str_field(body, "text", required=True) or "",
        int_field(body, "reply_to_message_id", required=False),
    )
    return web.json_response(result)


async def forward_message(request: web.Request) -> web.Response:
    body = await json_body(request)
    result = user_actions.forward_text(
        sandbox_of(request),
        path_int(request, "user_id"),
        str_field(body, "text", required=True) or "",
        sender_user_name=str_field(body, "sender_user_name"),
    )
    return web.json_response(result)


async def media_body(request: web.Request) -> tuple[dict[str, Any], bytes | None, str | None]:
    """(fields, file content, content type) from JSON or multipart."""
    if request.content_type == "multipart/form-data":
        form = await request.post()
        fields: dict[str, Any] = {}
        data: bytes | None = None
        content_type: str | None = None
        for key in form:
            value = form[key]
            if isinstance(value, web.FileField):
                data = value.file.read()
                content_type = value.content_type
                fields.setdefault("file_name", value.filename)
            else:
                fields[key] = str(value)
        return fields, data, content_type
    body = await json_body(request)
    encoded = str_field(body, "content_base64")
    if encoded is None:
        return body, None, None
    try:
        return body, base64.b64decode(encoded, validate=True), None
    except (binascii.Error, ValueError) as exc:
        raise ControlError(400, "content_base64 is not valid base64") from exc


def _media_handler(kind: str) -> Any:
    async def handler(request: web.Request) -> web.Response:
        fields, data, content_type = await media_body(request)
        result = user_actions.send_media(
            sandbox_of(request),
            path_int(request, "user_id"),
            kind,
            data=data,
            caption=str_field(fields, "caption"),
            file_name=str_field(fields, "file_name"),
            mime_type=str_field(fields, "mime_type") or content_type,
            media_group_id=str_field(fields, "media_group_id"),
            reply_to_message_id=int_field(fields, "reply_to_message_id", required=False),
        )
        return web.json_response(result)

    return handler


async def send_contact(request: web.Request) -> web.Response:
    body = await json_body(request)
    result = user_actions.send_contact(
        sandbox_of(request),
        path_int(request, "user_id"),
        str_field(body, "phone_number", required=True) or "",
        str_field(body, "first_name", required=True) or "",
        str_field(body, "last_name"),
    )
    return web.json_response(result)


async def send_location(request: web.Request) -> web.Response:
    body = await json_body(request)
    if body.get("latitude") is None or body.get("longitude") is None:
        raise ControlError(400, "latitude and longitude are required")
    result = user_actions.send_location(
        sandbox_of(request), path_int(request, "user_id"), body["latitude"], body["longitude"]
    )
    return web.json_response(result)


async def edit_message(request: web.Request) -> web.Response:
    body = await json_body(request)
    result = user_actions.edit_text(
        sandbox_of(request),
        path_int(request, "user_id"),
        int_field(body, "message_id") or 0,
        str_field(body, "text", required=True) or "",
    )
    return web.json_response(result)


async def press(request: web.Request) -> web.Response:
    body = await json_body(request)
    result = user_actions.press(
        sandbox_of(request),
        path_int(request, "user_id"),
        int_field(body, "message_id") or 0,
        callback_data=str_field(body, "callback_data"),
        button_text=str_field(body, "button_text"),
        force=bool(body.get("force", False)),
    )
    return web.json_response(result)


async def block(request: web.Request) -> web.Response:
    result = user_actions.set_blocked(sandbox_of(request), path_int(request, "user_id"), True)
    return web.json_response(result)


async def unblock(request: web.Request) -> web.Response:
    result = user_actions.set_blocked(sandbox_of(request), path_int(request, "user_id"), False)
    return web.json_response(result)


async def chat_messages(request: web.Request) -> web.Response:
    """A chat's messages (a private chat or a group); ``thread_id`` keeps one forum topic's
    (``thread_id=0``: General's, those in no topic)."""
    chat = path_log(request)
    since = int(query_number(request, "since", 0))
    include_deleted = request.query.get("include_deleted", "").lower() in ("1", "true", "yes")
    messages = [m for m in chat.all(include_deleted) if m.message_id > since]
    if request.query.get("thread_id"):
        thread = int(query_number(request, "thread_id", 0)) or None
        messages = [m for m in messages if m.thread_id == thread]
    if request.query.get("pinned", "").lower() in ("1", "true", "yes"):
        messages = [m for m in messages if m.pinned]
    return web.json_response([m.to_control() for m in messages])


async def callback_answers(request: web.Request) -> web.Response:
    chat = path_log(request)
    return web.json_response(sandbox_of(request).callback_answers.get(chat.id, []))


def add_user_routes(app: web.Application) -> None:
    router = app.router
    router.add_post("/sandbox/users", create_user)
    router.add_get("/sandbox/users", list_users)
    router.add_post("/sandbox/users/{user_id}/messages", send_message)
    router.add_post("/sandbox/users/{user_id}/forward", forward_message)
    for kind in user_actions.USER_MEDIA_KINDS:
        router.add_post(f"/sandbox/users/{{user_id}}/{kind}", _media_handler(kind))
    router.add_post("/sandbox/users/{user_id}/contact", send_contact)
    router.add_post("/sandbox/users/{user_id}/location", send_location)
    router.add_post("/sandbox/users/{user_id}/edit", edit_message)
    router.add_post("/sandbox/users/{user_id}/press", press)
    router.add_post("/sandbox/users/{user_id}/block", block)
    router.add_post("/sandbox/users/{user_id}/unblock", unblock)
    router.add_get("/sandbox/chats/{chat_id}/messages", chat_messages)
    router.add_get("/sandbox/chats/{chat_id}/callback_answers", callback_answers)
