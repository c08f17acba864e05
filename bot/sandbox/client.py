"""An async client for the sandbox control API (1:1 with the ``/sandbox/…`` endpoints)."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any

import aiohttp

from bot.sandbox.client_groups import GroupsClientMixin
from bot.sandbox.client_types import (
    Button,
    CallbackAnswer,
    ChatMessage,
    ClockState,
    GroupInfo,
    GroupPost,
    PressResult,
    RequestRecord,
    SandboxEvent,
    SentUpdate,
    TopicInfo,
    UserInfo,
)

__all__ = [
    "Button",
    "CallbackAnswer",
    "ChatMessage",
    "ClockState",
    "GroupInfo",
    "GroupPost",
    "PressResult",
    "RequestRecord",
    "SandboxClient",
    "SandboxClientError",
    "SandboxEvent",
    "SentUpdate",
    "TopicInfo",
    "UserInfo",
]

MessagePredicate = Callable[[ChatMessage], bool]
POLL_INTERVAL = 0.02


class SandboxClientError(Exception):
    """The control API answered with an error status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class SandboxClient(GroupsClientMixin):
    """``async with SandboxClient(url) as sandbox: ...`` — ``url`` like ``http://127.0.0.1:8081``.
    Supergroups and topics: see :class:`~bot.sandbox.client_groups.GroupsClientMixin`."""

    def __init__(self, base_url: str, *, session: aiohttp.ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=90))
            self._owns_session = True
        return self._session

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        async with self._http().request(
            method, self.base_url + path, json=json, params=params
        ) as response:
            body = await response.json(content_type=None)
            if response.status >= 400:
                message = body.get("error") if isinstance(body, dict) else str(body)
                raise SandboxClientError(response.status, str(message))
            return body

    # ------------------------------------------------------------------ users

    async def health(self) -> bool:
        return bool((await self._call("GET", "/sandbox/health")).get("ok"))

    async def create_user(
        self,
        first_name: str = "Test",
        *,
        id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> UserInfo:
        body = {
            "id": id,
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
        }
        payload = {k: v for k, v in body.items() if v is not None}
        return UserInfo.from_dict(await self._call("POST", "/sandbox/users", json=payload))

    async def users(self) -> list[UserInfo]:
        return [UserInfo.from_dict(u) for u in await self._call("GET", "/sandbox/users")]

    async def _user_action(self, user_id: int, action: str, body: dict[str, Any]) -> Any:
        payload = {k: v for k, v in body.items() if v is not None}
        return await self._call("POST", f"/sandbox/users/{user_id}/{action}", json=payload)

    @staticmethod
    def _sent(data: dict[str, Any]) -> SentUpdate:
        return SentUpdate(int(data["update_id"]), int(data["message_id"]))

    async def send_text(
        self, user_id: int, text: str, *, reply_to_message_id: int | None = None
    ) -> SentUpdate:
        body = {"text": text, "reply_to_message_id": reply_to_message_id}
        return self._sent(await self._user_action(user_id, "messages", body))

    async def forward_text(
        self, user_id: int, text: str, *, sender_user_name: str | None = None
    ) -> SentUpdate:
        """The user forwards a text by someone who hides their account; without
        `sender_user_name`, in the legacy form Telegram still sends (see
        `user_actions.forward_text`)."""
        body = {"text": text, "sender_user_name": sender_user_name}
        return self._sent(await self._user_action(user_id, "forward", body))

    async def known_deviations(self) -> list[str]:
        """Departures from the Bot API description that Telegram itself makes, seen so far."""
        answer = await self._call("GET", "/sandbox/violations")
        return [str(v) for v in answer.get("known_deviations", [])]

    async def send_photo(
        self,
        user_id: int,
        content: bytes | None = None,
        *,
        caption: str | None = None,
        file_name: str | None = None,
    ) -> SentUpdate:
        body = {"caption": caption, "file_name": file_name, "content_base64": _b64(content)}
        return self._sent(await self._user_action(user_id, "photo", body))

    async def send_document(
        self,
        user_id: int,
        content: bytes | None = None,
        *,
        file_name: str | None = None,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> SentUpdate:
        body = {
            "caption": caption,
            "file_name": file_name,
            "mime_type": mime_type,
            "content_base64": _b64(content),
        }
        return self._sent(await self._user_action(user_id, "document", body))

    async def send_media(
        self,
        user_id: int,
        kind: str,
        content: bytes | None = None,
        *,
        caption: str | None = None,
        file_name: str | None = None,
        media_group_id: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> SentUpdate:
        """The user sends a photo, document, video, audio, voice, animation, sticker or
        video_note (items of an album share `media_group_id`)."""
        body = {
            "caption": caption,
            "file_name": file_name,
            "content_base64": _b64(content),
            "media_group_id": media_group_id,
            "reply_to_message_id": reply_to_message_id,
        }
        return self._sent(await self._user_action(user_id, kind, body))

    async def send_contact(
        self, user_id: int, phone_number: str, first_name: str, last_name: str | None = None
    ) -> SentUpdate:
        body = {"phone_number": phone_number, "first_name": first_name, "last_name": last_name}
        return self._sent(await self._user_action(user_id, "contact", body))

    async def send_location(self, user_id: int, latitude: float, longitude: float) -> SentUpdate:
        body = {"latitude": latitude, "longitude": longitude}
        return self._sent(await self._user_action(user_id, "location", body))

    async def edit(self, user_id: int, message_id: int, text: str) -> SentUpdate:
        body = {"message_id": message_id, "text": text}
        return self._sent(await self._user_action(user_id, "edit", body))

    async def press(
        self,
        user_id: int,
        message_id: int,
        *,
        callback_data: str | None = None,
        button_text: str | None = None,
        force: bool = False,
    ) -> PressResult:
        body = {
            "message_id": message_id,
            "callback_data": callback_data,
            "button_text": button_text,
            "force": force or None,
        }
        data = await self._user_action(user_id, "press", body)
        return PressResult(int(data["update_id"]), str(data["callback_query_id"]))

    async def block(self, user_id: int) -> int:
        """The user blocks the bot; returns the ``my_chat_member`` update id."""
        return int((await self._user_action(user_id, "block", {}))["update_id"])

    async def unblock(self, user_id: int) -> int:
        return int((await self._user_action(user_id, "unblock", {}))["update_id"])

    # ------------------------------------------------------------------ chats

    async def messages(
        self, chat_id: int, since: int | None = None, *, include_deleted: bool = False
    ) -> list[ChatMessage]:
        query = {}
        if since is not None:
            query["since"] = str(since)
        if include_deleted:
            query["include_deleted"] = "1"
        data = await self._call("GET", f"/sandbox/chats/{chat_id}/messages", params=query)
        return [ChatMessage.from_dict(m) for m in data]

    async def bot_messages(self, chat_id: int, since: int | None = None) -> list[ChatMessage]:
        """What the bot wrote; service messages its calls caused (the ``pinned_message``
        notice of a pin) are left out: :meth:`messages` has them."""
        return [m for m in await self.messages(chat_id, since) if m.from_bot and m.service is None]

    async def callback_answers(self, chat_id: int) -> list[CallbackAnswer]:
        data = await self._call("GET", f"/sandbox/chats/{chat_id}/callback_answers")
        return [CallbackAnswer.from_dict(a) for a in data]

    async def wait_for_messages(
        self,
        chat_id: int,
        predicate: MessagePredicate | None = None,
        count: int = 1,
        since: int | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - a deadline for polling, part of the API
    ) -> list[ChatMessage]:
        """Wait until ``count`` bot messages after message ``since`` (all if ``None``) match
        ``predicate``; returns the first ``count`` matches. On timeout raises AssertionError
        listing what the chat did receive."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            received = await self.bot_messages(chat_id, since)
            matching = [m for m in received if predicate is None or predicate(m)]
            if len(matching) >= count:
                return matching[:count]
            if loop.time() >= deadline:
                shown = "\n".join(f"  {_describe(m)}" for m in received) or "  (nothing)"
                raise AssertionError(
                    f"waited {timeout}s for {count} matching bot message(s) in chat {chat_id}"
                    f" after message {since}; got {len(matching)} matching. "
                    f"Bot messages received:\n{shown}"
                )
            await asyncio.sleep(POLL_INTERVAL)

    # ------------------------------------------------------------------ system

    async def redeliver(self, update_id: int) -> None:
        await self._call("POST", f"/sandbox/updates/{update_id}/redeliver")

    async def clock(self) -> ClockState:
        return ClockState.from_dict(await self._call("GET", "/sandbox/clock"))

    async def advance_clock(self, seconds: float) -> ClockState:
        body = {"advance_seconds": seconds}
        return ClockState.from_dict(await self._call("POST", "/sandbox/clock", json=body))

    async def set_clock(self, when: datetime) -> ClockState:
        body = {"set": when.isoformat()}
        return ClockState.from_dict(await self._call("POST", "/sandbox/clock", json=body))

    async def add_fault(
        self,
        kind: str,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        times: int = 1,
        retry_after: int | None = None,
        delay_seconds: float | None = None,
    ) -> dict[str, Any]:
        """Arm a fault (``kind``: "429", "500", "502_html" (a proxy's HTML page), "slow" or
        "403") for the next matching calls."""
        body = {
            "kind": kind,
            "method": method,
            "chat_id": chat_id,
            "times": times,
            "retry_after": retry_after,
            "delay_seconds": delay_seconds,
        }
        payload = {k: v for k, v in body.items() if v is not None}
        result: dict[str, Any] = await self._call("POST", "/sandbox/faults", json=payload)
        return result

    async def faults(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._call("GET", "/sandbox/faults")
        return result

    async def clear_faults(self) -> None:
        await self._call("DELETE", "/sandbox/faults")

    async def requests(self, method: str | None = None) -> list[RequestRecord]:
        query = {"method": method} if method else None
        data = await self._call("GET", "/sandbox/requests", params=query)
        return [RequestRecord.from_dict(r) for r in data]

    async def clear_requests(self) -> None:
        await self._call("DELETE", "/sandbox/requests")

    async def events(
        self,
        since: int = 0,
        timeout: float = 0.0,  # noqa: ASYNC109 - the endpoint's long-poll parameter
    ) -> tuple[list[SandboxEvent], int]:
        """Events after ``since`` (long-polls up to ``timeout`` s); returns (events, last_seq)."""
        query = {"since": str(since), "timeout": str(timeout)}
        data = await self._call("GET", "/sandbox/events", params=query)
        return [SandboxEvent.from_dict(e) for e in data["events"]], int(data["last_seq"])

    async def commands(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._call("GET", "/sandbox/commands")
        return result

    async def violations(self) -> list[str]:
        return [str(v) for v in (await self._call("GET", "/sandbox/violations"))["violations"]]

    async def reset(self) -> None:
        await self._call("POST", "/sandbox/reset")

    async def webhook(self) -> dict[str, Any]:
        """Webhook delivery: ``url``, ``targets``, ``pending``, ``in_flight``, ``delivered`` and
        every ``attempts`` entry (``update_id``, ``url``, ``status``, ``error``)."""
        result: dict[str, Any] = await self._call("GET", "/sandbox/webhook")
        return result

    async def set_webhook_targets(self, urls: list[str]) -> None:
        """Spread webhook deliveries round-robin over ``urls`` (several bot replicas); an empty
        list delivers to the URL given to ``setWebhook`` again."""
        await self._call("POST", "/sandbox/webhook/targets", json={"urls": urls})


def _b64(content: bytes | None) -> str | None:
    return base64.b64encode(content).decode("ascii") if content is not None else None


def _describe(message: ChatMessage) -> str:
    parts = [f"#{message.message_id} {message.kind}"]
    if message.content:
        parts.append(repr(message.content[:200]))
    if message.buttons:
        parts.append(f"buttons={message.button_texts}")
    if message.edited:
        parts.append("(edited)")
    return " ".join(parts)
