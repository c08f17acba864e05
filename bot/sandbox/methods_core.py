"""Bot API methods about the bot itself and its plumbing: getMe, getUpdates, webhooks, commands,
getChat, getFile, answerCallbackQuery and sendChatAction."""

from __future__ import annotations

import re
from typing import Any

from bot.sandbox.errors import QUERY_TOO_OLD, bad_request
from bot.sandbox.groups import GroupChat
from bot.sandbox.registry import BotCall, method
from bot.sandbox.state import Sandbox

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_PLAIN_SCOPES = ("default", "all_private_chats", "all_group_chats", "all_chat_administrators")
MAX_CALLBACK_ANSWER = 200


@method("getMe")
async def get_me(call: BotCall) -> dict[str, Any]:
    return call.sandbox.get_me()


@method("getUpdates")
async def get_updates(call: BotCall) -> list[dict[str, Any]]:
    params = call.params
    allowed = params.get_json("allowed_updates", "allowed updates")
    if allowed is not None and (
        not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed)
    ):
        raise bad_request("can't parse allowed updates JSON object")
    return await call.sandbox.updates.get_updates(
        offset=params.get_int("offset"),
        limit=params.get_int("limit"),
        poll_seconds=params.get_float("timeout"),
        allowed_updates=allowed,
    )


@method("setWebhook")
async def set_webhook(call: BotCall) -> bool:
    params, updates = call.params, call.sandbox.updates
    url = params.get_str("url") or ""
    if url and not url.startswith(("https://", "http://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get_str("secret_token")
    if secret is not None and not _SECRET_RE.match(secret):
        raise bad_request("secret token contains unallowed characters")
    allowed = params.get_json("allowed_updates", "allowed updates")
    if params.get_bool("drop_pending_updates"):
        updates.drop_pending()
    webhook = updates.webhook
    webhook.url = url
    webhook.secret_token = secret
    webhook.max_connections = params.get_int("max_connections") or 40
    webhook.ip_address = params.get_str("ip_address")
    if isinstance(allowed, list):
        webhook.allowed_updates = [str(a) for a in allowed]
        updates.allowed_updates = list(webhook.allowed_updates)
    return True


@method("deleteWebhook")
async def delete_webhook(call: BotCall) -> bool:
    updates = call.sandbox.updates
    if call.params.get_bool("drop_pending_updates"):
        updates.drop_pending()
    updates.webhook.url = ""
    updates.webhook.secret_token = None
    return True


@method("getWebhookInfo")
async def get_webhook_info(call: BotCall) -> dict[str, Any]:
    updates = call.sandbox.updates
    return updates.webhook.to_info(updates.pending_count)


def scope_key(sandbox: Sandbox, scope: Any) -> str:
    """A stable key for a ``BotCommandScope`` (chat scopes must name an existing chat)."""
    if scope is None:
        return "default"
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = scope["type"]
    if kind in _PLAIN_SCOPES:
        return str(kind)
    if kind in ("chat", "chat_administrators", "chat_member"):
        raw_chat_id = scope.get("chat_id")
        chat = sandbox.resolve_chat(raw_chat_id if isinstance(raw_chat_id, int | str) else None)
        chat_id = chat.id
        if kind != "chat_member":
            return f"{kind}:{chat_id}"
        user_id = scope.get("user_id")
        if not isinstance(user_id, int):
            raise bad_request("user_id is empty")
        return f"{kind}:{chat_id}:{user_id}"
    raise bad_request("wrong bot command scope type specified")


def _commands_key(call: BotCall) -> tuple[str, str]:
    scope = call.params.get_json("scope", "BotCommandScope")
    return scope_key(call.sandbox, scope), call.params.get_str("language_code") or ""


@method("setMyCommands")
async def set_my_commands(call: BotCall) -> bool:
    commands = call.params.get_json("commands", "bot commands")
    if commands is None:
        raise bad_request("commands is empty")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse bot commands JSON object")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = _commands_key(call)
    call.sandbox.commands[key] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


@method("getMyCommands")
async def get_my_commands(call: BotCall) -> list[dict[str, Any]]:
    return list(call.sandbox.commands.get(_commands_key(call), []))


@method("deleteMyCommands")
async def delete_my_commands(call: BotCall) -> bool:
    call.sandbox.commands.pop(_commands_key(call), None)
    return True


@method("getChat")
async def get_chat(call: BotCall) -> dict[str, Any]:
    chat = call.sandbox.resolve_chat(call.params.chat_id())
    if isinstance(chat, GroupChat):
        call.sandbox.ensure_not_blocked(chat)  # 403 once the bot has left or been removed
    return chat.to_chat_full_info()


@method("getFile")
async def get_file(call: BotCall) -> dict[str, Any]:
    file_id = call.params.required_str("file_id")
    stored = call.sandbox.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.to_file()


@method("answerCallbackQuery")
async def answer_callback_query(call: BotCall) -> bool:
    sandbox, params = call.sandbox, call.params
    query_id = params.get_str("callback_query_id")
    pending = sandbox.callback_queries.get(query_id or "")
    now = sandbox.clock.now().timestamp()
    if (
        pending is None
        or pending.answered
        or now - pending.created_at > sandbox.callback_query_ttl
    ):
        raise bad_request(QUERY_TOO_OLD)
    text = params.get_str("text")
    if text is not None and len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    pending.answered = True
    answer: dict[str, Any] = {
        "callback_query_id": pending.id,
        "text": text,
        "show_alert": params.get_bool("show_alert"),
        "message_id": pending.message_id,
        "callback_data": pending.data,
    }
    if params.has("url"):
        answer["url"] = params.get_str("url")
    sandbox.callback_answers.setdefault(pending.chat_id, []).append(answer)
    chat = sandbox.chat_log(pending.chat_id)
    message = chat.get(pending.message_id) if chat else None
    extra = {"message": message.to_control()} if message else {}
    sandbox.events.emit(pending.chat_id, "callback_answer", callback_answer=answer, **extra)
    return True


@method("sendChatAction")
async def send_chat_action(call: BotCall) -> bool:
    sandbox = call.sandbox
    chat = sandbox.resolve_chat(call.params.chat_id())
    action = call.params.required_str("action")
    sandbox.ensure_not_blocked(chat)
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    sandbox.events.emit(chat.id, "chat_action", action=action)
    return True
