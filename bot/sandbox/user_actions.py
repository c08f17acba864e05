"""What simulated users do: register, write, send media, edit, press buttons, block the bot.

Each action stores the user's side of the chat and queues the update the bot would receive.
The control API calls these; in-process tests may call them directly.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from bot.sandbox.errors import ControlError
from bot.sandbox.files import TINY_PNG, StoredFile
from bot.sandbox.models import ChatLog, SandboxUser, command_entities
from bot.sandbox.state import LEGACY_HIDDEN_USER, MAX_CAPTION, PendingCallback

if TYPE_CHECKING:
    from bot.sandbox.state import Sandbox

FIRST_USER_ID = 1_000_001


def create_user(
    sandbox: Sandbox,
    *,
    first_name: str,
    id: int | None = None,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
) -> SandboxUser:
    """Register a user (and their private chat). An existing id updates the profile."""
    if not isinstance(first_name, str) or not first_name.strip():
        raise ControlError(400, "first_name is required")
    if id is None:
        id = FIRST_USER_ID
        while id in sandbox.users:
            id += 1
    if not isinstance(id, int) or isinstance(id, bool) or id <= 0:
        raise ControlError(400, "id must be a positive integer")
    user = sandbox.users.get(id)
    if user is None:
        user = SandboxUser(id=id, first_name=first_name)
        sandbox.users[id] = user
        sandbox.chats[id] = ChatLog(user)
    user.first_name = first_name
    user.last_name = last_name
    user.username = username
    user.language_code = language_code
    return user


def get_user(sandbox: Sandbox, user_id: int) -> SandboxUser:
    user = sandbox.users.get(user_id)
    if user is None:
        raise ControlError(404, f"no user {user_id}; create it with POST /sandbox/users")
    return user


def _writable_chat(sandbox: Sandbox, user_id: int) -> ChatLog:
    user = get_user(sandbox, user_id)
    if user.blocked:
        raise ControlError(409, f"user {user_id} has blocked the bot; unblock first")
    return sandbox.chats[user_id]


def _post(sandbox: Sandbox, chat: ChatLog, **fields: Any) -> dict[str, Any]:
    message = sandbox.new_message(chat, from_bot=False, **fields)
    update = sandbox.push_update("message", sandbox.render(message))
    return {"update_id": update["update_id"], "message_id": message.message_id}


def send_text(
    sandbox: Sandbox, user_id: int, text: str, reply_to_message_id: int | None = None
) -> dict[str, Any]:
    """The user writes ``text``; ``/commands`` get ``bot_command`` entities."""
    chat = _writable_chat(sandbox, user_id)
    if not isinstance(text, str) or not text.strip():
        raise ControlError(400, "text is required")
    if reply_to_message_id is not None and chat.get(reply_to_message_id) is None:
        raise ControlError(400, f"no message {reply_to_message_id} in chat {user_id}")
    return _post(
        sandbox,
        chat,
        text=text,
        entities=command_entities(text) or None,
        reply_to_message_id=reply_to_message_id,
    )


def forward_text(
    sandbox: Sandbox, user_id: int, text: str, *, sender_user_name: str | None
) -> dict[str, Any]:
    """The user forwards a text first written by someone who hides their account: the message
    carries `forward_origin` of type "hidden_user", dated a day before now. Without
    `sender_user_name` it is the legacy form Telegram still delivers although the Bot API says
    the field is required (`state.LEGACY_HIDDEN_USER`); the update is checked against the spec
    as any other, and only that one deviation is listed apart from the violations."""
    chat = _writable_chat(sandbox, user_id)
    if not isinstance(text, str) or not text.strip():
        raise ControlError(400, "text is required")
    origin: dict[str, Any] = {"type": "hidden_user", "date": sandbox.clock.timestamp() - 86_400}
    if sender_user_name is None:
        sandbox.tolerate(LEGACY_HIDDEN_USER)
    else:
        origin["sender_user_name"] = sender_user_name
    return _post(sandbox, chat, text=text, forward_origin=origin)


USER_MEDIA_KINDS = (
    "photo",
    "document",
    "video",
    "audio",
    "voice",
    "animation",
    "sticker",
    "video_note",
)
_NO_CAPTION = ("sticker", "video_note")


def send_media(
    sandbox: Sandbox,
    user_id: int,
    kind: str,
    *,
    data: bytes | None = None,
    caption: str | None = None,
    file_name: str | None = None,
    mime_type: str | None = None,
    media_group_id: str | None = None,
    reply_to_message_id: int | None = None,
) -> dict[str, Any]:
    """The user sends a file of ``kind`` (stored, downloadable with ``getFile``); items of an
    album share a ``media_group_id`` and arrive as separate updates, as from Telegram."""
    chat = _writable_chat(sandbox, user_id)
    if reply_to_message_id is not None and chat.get(reply_to_message_id) is None:
        raise ControlError(400, f"no message {reply_to_message_id} in chat {user_id}")
    fields = media_fields(
        sandbox, kind, data=data, caption=caption, file_name=file_name, mime_type=mime_type
    )
    return _post(
        sandbox,
        chat,
        media_group_id=media_group_id,
        reply_to_message_id=reply_to_message_id,
        **fields,
    )


def media_fields(
    sandbox: Sandbox,
    kind: str,
    *,
    data: bytes | None = None,
    caption: str | None = None,
    file_name: str | None = None,
    mime_type: str | None = None,
) -> dict[str, Any]:
    """Store a file a user sends and return the stored message's fields (kind, media,
    file_id, caption); 400 for an unknown kind or a bad caption."""
    if kind not in USER_MEDIA_KINDS:
        raise ControlError(400, f"unsupported media kind {kind!r}")
    if caption is not None and len(caption) > MAX_CAPTION:
        raise ControlError(400, f"caption longer than {MAX_CAPTION} characters")
    if caption is not None and kind in _NO_CAPTION:
        raise ControlError(400, f"a {kind} has no caption")
    if kind == "photo":
        stored = sandbox.files.add(data or TINY_PNG, kind="photo", mime_type=mime_type)
        media: dict[str, Any] = {"photo": sandbox.files.photo_sizes(stored)}
    else:
        stored = sandbox.files.add(
            data if data is not None else f"sandbox {kind}\n".encode(),
            kind=kind,
            file_name=file_name or ("document.txt" if kind == "document" else None),
            mime_type=mime_type,
        )
        media = user_media_object(kind, stored)
    return {"kind": kind, "media": media, "file_id": stored.file_id, "caption": caption}


def user_media_object(kind: str, stored: StoredFile) -> dict[str, Any]:
    """The Bot API fields of a non-photo file a user sent (``{"video": Video}``…)."""
    base = document_object(stored)
    if kind == "document":
        return {"document": base}
    if kind == "sticker":
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return {"sticker": sticker}
    timed = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "duration": 3}
    if kind == "video_note":
        return {"video_note": {**timed, "length": 240}}
    if kind in ("voice", "audio"):
        return {kind: timed}
    sized = {**timed, "width": 640, "height": 360}
    if kind == "animation":  # Telegram also sends a document for old clients
        return {"animation": sized, "document": base}
    return {"video": sized}


def document_object(stored: StoredFile) -> dict[str, Any]:
    """The Bot API ``Document`` object for a stored file."""
    document: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }
    if stored.file_name:
        document["file_name"] = stored.file_name
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return document


def send_contact(
    sandbox: Sandbox,
    user_id: int,
    phone_number: str,
    first_name: str,
    last_name: str | None = None,
) -> dict[str, Any]:
    chat = _writable_chat(sandbox, user_id)
    if not phone_number or not first_name:
        raise ControlError(400, "phone_number and first_name are required")
    contact: dict[str, Any] = {
        "phone_number": str(phone_number),
        "first_name": str(first_name),
        "user_id": user_id,
    }
    if last_name:
        contact["last_name"] = last_name
    return _post(sandbox, chat, kind="contact", media={"contact": contact})


def send_location(
    sandbox: Sandbox, user_id: int, latitude: float, longitude: float
) -> dict[str, Any]:
    chat = _writable_chat(sandbox, user_id)
    try:
        location = {"latitude": float(latitude), "longitude": float(longitude)}
    except (TypeError, ValueError) as exc:
        raise ControlError(400, "latitude and longitude must be numbers") from exc
    return _post(sandbox, chat, kind="location", media={"location": location})


def edit_text(sandbox: Sandbox, user_id: int, message_id: int, text: str) -> dict[str, Any]:
    """The user edits one of their text messages (or the caption of a medium): an
    ``edited_message`` update."""
    chat = _writable_chat(sandbox, user_id)
    message = chat.get(message_id)
    if message is None or message.from_bot:
        raise ControlError(404, f"no message {message_id} by user {user_id}")
    if message.text is None and message.kind in ("contact", "location", *_NO_CAPTION):
        raise ControlError(400, "only texts and captions can be edited")
    if not isinstance(text, str) or not text.strip():
        raise ControlError(400, "text is required")
    if message.text is None:
        if len(text) > MAX_CAPTION:
            raise ControlError(400, f"caption longer than {MAX_CAPTION} characters")
        message.caption = text
        message.caption_entities = None
    else:
        message.text = text
        message.entities = command_entities(text) or None
    sandbox.mark_edited(message)
    update = sandbox.push_update("edited_message", sandbox.render(message))
    return {"update_id": update["update_id"], "message_id": message_id}


def press(
    sandbox: Sandbox,
    user_id: int,
    message_id: int,
    *,
    callback_data: str | None = None,
    button_text: str | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """The user presses an inline button of a bot message (``force``: forged callback data)."""
    from bot.sandbox.keyboards import find_button

    chat = _writable_chat(sandbox, user_id)
    message = chat.get(message_id)
    if callback_data is None and button_text is None:
        raise ControlError(400, "pass callback_data or button_text")
    data = callback_data
    if message is None or not message.from_bot:
        if not force:
            raise ControlError(404, f"no bot message {message_id} in chat {user_id}")
        shown: dict[str, Any] = {"chat": chat.user.to_chat(), "message_id": message_id, "date": 0}
    else:
        button = find_button(message.reply_markup, data=callback_data, text=button_text)
        if button is None and not force:
            raise ControlError(
                400,
                f"message {message_id} has no inline button with "
                + (
                    f"callback_data {callback_data!r}"
                    if callback_data
                    else f"text {button_text!r}"
                )
                + f"; buttons: {message.to_control()['buttons']}",
            )
        if button is not None:
            if "callback_data" not in button:
                raise ControlError(400, f"button {button.get('text')!r} has no callback_data")
            data = button["callback_data"]
        shown = sandbox.render(message)
    if data is None:
        raise ControlError(400, "forged presses need callback_data")
    query_id = str(secrets.randbits(62))
    sandbox.callback_queries[query_id] = PendingCallback(
        id=query_id,
        chat_id=user_id,
        message_id=message_id,
        data=data,
        created_at=sandbox.clock.now().timestamp(),
    )
    payload = {
        "id": query_id,
        "from": chat.user.to_user(),
        "message": shown,
        "chat_instance": str(8_000_000_000_000_000 + user_id),
        "data": data,
    }
    update = sandbox.push_update("callback_query", payload)
    return {"update_id": update["update_id"], "callback_query_id": query_id}


def set_blocked(sandbox: Sandbox, user_id: int, blocked: bool) -> dict[str, Any]:
    """The user blocks (or unblocks) the bot: a ``my_chat_member`` update."""
    user = get_user(sandbox, user_id)
    if user.blocked == blocked:
        state = "blocked" if blocked else "not blocked"
        raise ControlError(409, f"user {user_id} has already {state} the bot")
    user.blocked = blocked
    bot = sandbox.bot_user()
    member = {"status": "member", "user": bot}
    kicked = {"status": "kicked", "user": bot, "until_date": 0}
    payload = {
        "chat": user.to_chat(),
        "from": user.to_user(),
        "date": sandbox.clock.timestamp(),
        "old_chat_member": member if blocked else kicked,
        "new_chat_member": kicked if blocked else member,
    }
    update = sandbox.push_update("my_chat_member", payload)
    return {"update_id": update["update_id"], "blocked": blocked}


def redeliver(sandbox: Sandbox, update_id: int) -> dict[str, Any]:
    update = sandbox.updates.redeliver(update_id)
    if update is None:
        raise ControlError(404, f"no update {update_id}")
    return {"update_id": update_id}
