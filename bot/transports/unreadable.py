"""Updates the framework cannot decode, for every transport: set aside, never allowed to stop
the others.

Telegram sometimes sends what its own documentation calls impossible (a legacy forward whose
`forward_origin` is a hidden user without `sender_user_name`, aiogram issue #1840). A framework
that decodes a whole getUpdates answer at once then fails on the whole batch, and since the
offset never moves past it, no one gets an answer again. So updates are fetched as raw JSON and
decoded one by one; one that fails is set aside here: logged by id and kind only (its content
is what people wrote), counted for /metrics, and — when the raw JSON says which person sent it,
in a private chat — handed to the core as an `UnreadableUpdate`, which asks them to send it
again. Its update id is confirmed like any other's.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.core.events import UnreadableUpdate, UserRef
from bot.transports.inbound import PRIVATE, update_kind

log = logging.getLogger(__name__)

_WITH_MESSAGE = ("message", "edited_message")


class SetAside:
    """Logs and counts the updates a receiver could not decode."""

    def __init__(self) -> None:
        self.count = 0
        self._last_counted: int | None = None

    def event(
        self, raw: Mapping[str, Any], error: BaseException, now: datetime
    ) -> UnreadableUpdate | None:
        """Note one undecodable update (once per update id, though polling may fetch it again)
        and return what the core should hear of it, if anything."""
        update_id = raw.get("update_id")
        if (
            not isinstance(update_id, int)
            or self._last_counted is None
            or update_id > self._last_counted
        ):
            self.count += 1
            if isinstance(update_id, int):
                self._last_counted = update_id
            log.warning(
                "update %s (%s) could not be decoded (%s); set aside",
                update_id,
                update_kind(raw),
                type(error).__name__,
            )
        return unreadable_event(raw, now)


def unreadable_event(raw: Mapping[str, Any], now: datetime) -> UnreadableUpdate | None:
    """What can be read of an undecodable update: the person and their private chat, by the
    rules `inbound` applies to readable ones (a person, not a bot; a private chat; a button
    press without a message is answered in the presser's chat). None when that cannot be read,
    or for a membership change (no one to answer)."""
    update_id = raw.get("update_id")
    kind = update_kind(raw)
    payload = raw.get(kind)
    if not isinstance(update_id, int) or not isinstance(payload, Mapping):
        return None
    if kind in _WITH_MESSAGE:
        message: Any = payload
    elif kind == "callback_query":
        message = payload.get("message")
    else:
        return None
    user = _person(payload.get("from"))
    if user is None:
        return None
    if isinstance(message, Mapping):
        chat = message.get("chat")
        if not isinstance(chat, Mapping) or chat.get("type") != PRIVATE:
            return None
        chat_id = chat.get("id")
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            return None
    elif message is None and kind == "callback_query":
        chat_id = user.id
    else:
        return None
    return UnreadableUpdate(
        update_id=update_id, user=user, chat_id=chat_id, at=_date(payload, now)
    )


def _person(sender: Any) -> UserRef | None:
    if not isinstance(sender, Mapping) or sender.get("is_bot") is not False:
        return None
    user_id = sender.get("id")
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    language = sender.get("language_code")
    return UserRef(id=user_id, language_code=language if isinstance(language, str) else None)


def _date(payload: Mapping[str, Any], now: datetime) -> datetime:
    date = payload.get("edit_date") or payload.get("date")
    if isinstance(date, int) and not isinstance(date, bool) and date > 0:
        return datetime.fromtimestamp(date, UTC)
    return now
