"""Control API, groups: ``/sandbox/groups/…`` (create supergroups, add and promote the bot,
members write, create/close/reopen topics and press buttons; read a group and its topics).
A group's messages are read like any chat's: ``GET /sandbox/chats/{chat_id}/messages``
(``?thread_id=…`` for one topic)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.sandbox import group_actions, user_actions
from bot.sandbox.control_users import media_body
from bot.sandbox.errors import ControlError
from bot.sandbox.groups import GroupChat
from bot.sandbox.state import Sandbox
from bot.sandbox.web_common import int_field, json_body, path_int, sandbox_of, str_field


def group_view(sandbox: Sandbox, group: GroupChat) -> dict[str, Any]:
    """A group as the control API shows it."""
    return {
        "id": group.id,
        "title": group.title,
        "is_forum": group.is_forum,
        "members": [{"user_id": uid, "status": status} for uid, status in group.statuses.items()],
        "bot_status": group.bot_status,
        "bot_rights": {k: v for k, v in group.bot_rights.items() if v},
        "topics": [t.to_control() for t in group.topics.values()],
    }


def _group(request: web.Request) -> GroupChat:
    return group_actions.get_group(sandbox_of(request), path_int(request, "chat_id"))


async def create_group(request: web.Request) -> web.Response:
    body = await json_body(request)
    members = body.get("member_ids")
    if not isinstance(members, list) or not all(isinstance(m, int) for m in members):
        raise ControlError(400, "member_ids must be a list of user ids")
    sandbox = sandbox_of(request)
    group = group_actions.create_group(
        sandbox,
        str_field(body, "title", required=True) or "",
        members,
        is_forum=bool(body.get("is_forum", True)),
    )
    return web.json_response(group_view(sandbox, group))


async def get_group(request: web.Request) -> web.Response:
    return web.json_response(group_view(sandbox_of(request), _group(request)))


async def list_topics(request: web.Request) -> web.Response:
    return web.json_response([t.to_control() for t in _group(request).topics.values()])


async def set_bot(request: web.Request) -> web.Response:
    body = await json_body(request)
    result = group_actions.set_bot(
        sandbox_of(request),
        path_int(request, "chat_id"),
        str_field(body, "status", required=True) or "",
        body.get("rights"),
        int_field(body, "by_user_id", required=False),
    )
    return web.json_response(result)


async def post_text(request: web.Request) -> web.Response:
    body = await json_body(request)
    result = group_actions.user_posts(
        sandbox_of(request),
        path_int(request, "chat_id"),
        int_field(body, "user_id") or 0,
        thread_id=int_field(body, "thread_id", required=False),
        reply_to_message_id=int_field(body, "reply_to_message_id", required=False),
        text=str_field(body, "text", required=True),
    )
    return web.json_response(result)


def _media_handler(kind: str) -> Any:
    async def handler(request: web.Request) -> web.Response:
        fields, data, content_type = await media_body(request)
        sandbox = sandbox_of(request)
        group_actions.get_group(sandbox, path_int(request, "chat_id"))
        media = user_actions.media_fields(
            sandbox,
            kind,
            data=data,
            caption=str_field(fields, "caption"),
            file_name=str_field(fields, "file_name"),
            mime_type=str_field(fields, "mime_type") or content_type,
        )
        result = group_actions.user_posts(
            sandbox,
            path_int(request, "chat_id"),
            int_field(fields, "user_id") or 0,
            thread_id=int_field(fields, "thread_id", required=False),
            reply_to_message_id=int_field(fields, "reply_to_message_id", required=False),
            **media,
        )
        return web.json_response(result)

    return handler


async def create_topic(request: web.Request) -> web.Response:
    body = await json_body(request)
    result = group_actions.user_creates_topic(
        sandbox_of(request),
        path_int(request, "chat_id"),
        int_field(body, "user_id") or 0,
        str_field(body, "name", required=True) or "",
    )
    return web.json_response(result)


def _closer(closed: bool) -> Any:
    async def handler(request: web.Request) -> web.Response:
        body = await json_body(request)
        result = group_actions.user_sets_topic_closed(
            sandbox_of(request),
            path_int(request, "chat_id"),
            int_field(body, "user_id") or 0,
            path_int(request, "thread_id"),
            closed,
        )
        return web.json_response(result)

    return handler


async def set_member(request: web.Request) -> web.Response:
    body = await json_body(request)
    result = group_actions.set_member(
        sandbox_of(request),
        path_int(request, "chat_id"),
        path_int(request, "user_id"),
        str_field(body, "status", required=True) or "",
        body.get("rights"),
    )
    return web.json_response(result)


async def press(request: web.Request) -> web.Response:
    body = await json_body(request)
    result = group_actions.user_presses(
        sandbox_of(request),
        path_int(request, "chat_id"),
        int_field(body, "user_id") or 0,
        int_field(body, "message_id") or 0,
        callback_data=str_field(body, "callback_data"),
        button_text=str_field(body, "button_text"),
    )
    return web.json_response(result)


def add_group_routes(app: web.Application) -> None:
    router = app.router
    router.add_post("/sandbox/groups", create_group)
    router.add_get("/sandbox/groups/{chat_id}", get_group)
    router.add_post("/sandbox/groups/{chat_id}/bot", set_bot)
    router.add_post("/sandbox/groups/{chat_id}/messages", post_text)
    for kind in user_actions.USER_MEDIA_KINDS:
        router.add_post(f"/sandbox/groups/{{chat_id}}/{kind}", _media_handler(kind))
    router.add_get("/sandbox/groups/{chat_id}/topics", list_topics)
    router.add_post("/sandbox/groups/{chat_id}/topics", create_topic)
    router.add_post("/sandbox/groups/{chat_id}/topics/{thread_id}/close", _closer(True))
    router.add_post("/sandbox/groups/{chat_id}/topics/{thread_id}/reopen", _closer(False))
    router.add_post("/sandbox/groups/{chat_id}/press", press)
    router.add_post("/sandbox/groups/{chat_id}/members/{user_id}", set_member)
