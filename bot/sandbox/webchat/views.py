"""What the web chat page shows, as JSON: users, messages (with their text as a safe tree), the
command menu each chat sees, and files a message carries."""

from __future__ import annotations

from typing import Any

from bot.sandbox.models import ChatLog, SandboxUser, StoredMessage
from bot.sandbox.state import Sandbox
from bot.sandbox.webchat.rich_text import Node, plain_text, rich_text, safe_href

SNIPPET_CHARS = 90
_MEDIA_LABELS = {
    "photo": "Photo",
    "document": "Document",
    "video": "Video",
    "audio": "Audio",
    "voice": "Voice message",
    "animation": "GIF",
    "sticker": "Sticker",
    "video_note": "Video message",
    "contact": "Contact",
    "location": "Location",
}
# Images a browser may show inline; anything else is offered as a download.
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def user_view(sandbox: Sandbox, user: SandboxUser) -> dict[str, Any]:
    chat = sandbox.chats.get(user.id)
    messages = chat.all() if chat else []
    said = [m for m in messages if m.service is None]  # a pin notice is no last message
    last = said[-1] if said else None
    return {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
        "language_code": user.language_code,
        "blocked": user.blocked,
        "message_count": len(messages),
        "last_message": snippet(last) if last else None,
        "last_date": last.date if last else None,
    }


def text_tree(message: StoredMessage) -> list[Node]:
    """A message's text, or its caption, as a safe tree."""
    is_text = message.text is not None
    return rich_text(
        message.text if is_text else message.caption,
        message.parse_mode,
        message.entities if is_text else message.caption_entities,
    )


def snippet(message: StoredMessage, tree: list[Node] | None = None) -> str:
    """One line saying what a message is, for previews and reply headers; ``tree`` is the
    message's :func:`text_tree` when the caller has it already."""
    if tree is None:
        tree = text_tree(message)
    text = " ".join(plain_text(tree).split())
    label = _MEDIA_LABELS.get(message.kind)
    if label and text:
        text = f"{label}: {text}"
    elif label:
        text = label
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"


def _file_of(message: StoredMessage) -> dict[str, Any] | None:
    """The file a message shows: the largest size of a photo, or the medium's file."""
    if message.kind == "photo":
        sizes = message.media.get("photo") or []
        if not sizes:
            return None
        largest = sizes[-1]
        return {
            "file_id": largest.get("file_id"),
            "width": largest.get("width"),
            "height": largest.get("height"),
            "size": largest.get("file_size"),
        }
    medium = message.media.get(message.kind)
    if not isinstance(medium, dict) or "file_id" not in medium:
        return None
    return {
        "file_id": medium["file_id"],
        "file_name": medium.get("file_name"),
        "mime_type": medium.get("mime_type"),
        "size": medium.get("file_size"),
        "duration": medium.get("duration"),
        "emoji": medium.get("emoji"),
    }


def _buttons(message: StoredMessage) -> list[list[dict[str, Any]]]:
    rows = []
    for row in message.inline_keyboard:
        shown = []
        for button in row:
            if not isinstance(button, dict):
                continue
            item: dict[str, Any] = {"text": str(button.get("text", ""))}
            if "callback_data" in button:
                item["callback_data"] = button["callback_data"]
            elif "url" in button:
                item["url"] = safe_href(str(button["url"]))  # None: shown, never opened
            shown.append(item)
        rows.append(shown)
    return rows


def message_view(sandbox: Sandbox, chat: ChatLog, message: StoredMessage) -> dict[str, Any]:
    """A message as the page draws it (its text is a tree, never HTML)."""
    tree = text_tree(message)
    view: dict[str, Any] = {
        "id": message.message_id,
        "chat_id": chat.user.id,
        "from_bot": message.from_bot,
        "sender": sandbox.bot_first_name if message.from_bot else chat.user.first_name,
        "kind": message.kind,
        "date": message.date,
        "edited": message.edit_date is not None,
        "body": tree,
        "is_text": message.text is not None,
        "snippet": snippet(message, tree),
        "buttons": _buttons(message),
        "reply_keyboard": message.reply_keyboard,
        "media_group_id": message.media_group_id,
        "file": _file_of(message),
        "contact": message.media.get("contact"),
        "location": message.media.get("location"),
        "protected": message.protect_content,
        "reply_to": None,
        "service": _service_line(sandbox, chat, message),
    }
    if message.reply_to_message_id is not None:
        target = chat.get(message.reply_to_message_id)
        view["reply_to"] = {
            "id": message.reply_to_message_id,
            "from_bot": target.from_bot if target else None,
            "sender": (
                (sandbox.bot_first_name if target.from_bot else chat.user.first_name)
                if target
                else None
            ),
            "snippet": snippet(target) if target else "Deleted message",
        }
    return view


def _service_line(sandbox: Sandbox, chat: ChatLog, message: StoredMessage) -> str | None:
    """What a service message says as a line across the chat (None: not a service message)."""
    if message.service is None:
        return None
    if "pinned_message" in message.service:
        who = sandbox.bot_first_name if message.from_bot else chat.user.first_name
        pinned = chat.get(int(message.service["pinned_message"].get("message_id", 0)))
        shown = snippet(pinned) if pinned else "a message"
        return f"📌 {who} pinned “{shown[:60]}”"
    return None


def chat_messages(sandbox: Sandbox, chat: ChatLog) -> list[dict[str, Any]]:
    return [message_view(sandbox, chat, m) for m in chat.all()]


def commands_for(sandbox: Sandbox, user: SandboxUser) -> dict[str, Any]:
    """The command menu this private chat shows, resolved like Telegram's apps do: the chat's
    own scope, then all private chats, then the default — each in the user's language first."""
    language = (user.language_code or "").split("-")[0]
    for scope in (f"chat:{user.id}", "all_private_chats", "default"):
        for code in ([language] if language else []) + [""]:
            commands = sandbox.commands.get((scope, code))
            if commands:
                return {"scope": scope.split(":")[0], "language_code": code, "commands": commands}
    return {"scope": None, "language_code": "", "commands": []}
