"""The control client's supergroup side (mixed into :class:`~bot.sandbox.client.SandboxClient`):
create forum supergroups, add and promote the bot, act as members (write in a topic or in
General, create/close/reopen topics, press buttons), and read topics and their messages."""

from __future__ import annotations

import base64
from collections.abc import Collection, Mapping
from typing import Any

from bot.sandbox.client_types import ChatMessage, GroupInfo, GroupPost, PressResult, TopicInfo

DEFAULT_BOT_RIGHTS = ("can_manage_topics", "can_pin_messages", "can_delete_messages")
"""What a staff supergroup usually grants the bot (``can_manage_chat`` is always implied)."""

Rights = Collection[str] | Mapping[str, bool]


class GroupsClientMixin:
    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        raise NotImplementedError

    async def create_group(
        self, title: str, member_ids: list[int], *, is_forum: bool = True
    ) -> GroupInfo:
        """A supergroup (a forum unless ``is_forum=False``); the first member is its creator.
        The bot is not in it yet: see :meth:`add_bot`."""
        body = {"title": title, "member_ids": member_ids, "is_forum": is_forum}
        return GroupInfo.from_dict(await self._call("POST", "/sandbox/groups", json=body))

    async def group(self, chat_id: int) -> GroupInfo:
        return GroupInfo.from_dict(await self._call("GET", f"/sandbox/groups/{chat_id}"))

    async def set_bot_status(
        self,
        chat_id: int,
        status: str,
        *,
        rights: Rights | None = None,
        by_user_id: int | None = None,
    ) -> int:
        """Set the bot's membership (``administrator`` with ``rights``, ``member``, ``left``
        or ``kicked``), done by ``by_user_id`` (the creator by default); returns the
        ``my_chat_member`` update id."""
        body: dict[str, Any] = {"status": status}
        if rights is not None:
            body["rights"] = (
                dict(rights) if isinstance(rights, Mapping) else {r: True for r in rights}
            )
        if by_user_id is not None:
            body["by_user_id"] = by_user_id
        answer = await self._call("POST", f"/sandbox/groups/{chat_id}/bot", json=body)
        return int(answer["update_id"])

    async def add_bot(
        self, chat_id: int, *, admin: bool = True, rights: Rights = DEFAULT_BOT_RIGHTS
    ) -> int:
        """Add the bot as an administrator with ``rights`` (or a plain member)."""
        if not admin:
            return await self.set_bot_status(chat_id, "member")
        return await self.set_bot_status(chat_id, "administrator", rights=rights)

    async def remove_bot(self, chat_id: int, *, kicked: bool = False) -> int:
        return await self.set_bot_status(chat_id, "kicked" if kicked else "left")

    @staticmethod
    def _post(data: dict[str, Any]) -> GroupPost:
        update_id = data.get("update_id")
        return GroupPost(int(data["message_id"]), None if update_id is None else int(update_id))

    async def post_in_group(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> GroupPost:
        """``user_id`` writes ``text`` in topic ``thread_id`` (None: General); a reply goes to
        the replied message's topic."""
        body = {
            "user_id": user_id,
            "text": text,
            "thread_id": thread_id,
            "reply_to_message_id": reply_to_message_id,
        }
        payload = {k: v for k, v in body.items() if v is not None}
        return self._post(
            await self._call("POST", f"/sandbox/groups/{chat_id}/messages", json=payload)
        )

    async def post_media_in_group(
        self,
        chat_id: int,
        user_id: int,
        kind: str,
        content: bytes | None = None,
        *,
        caption: str | None = None,
        file_name: str | None = None,
        thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> GroupPost:
        """``user_id`` sends a photo, document, video, audio, voice, animation, sticker or
        video_note in the group."""
        body = {
            "user_id": user_id,
            "caption": caption,
            "file_name": file_name,
            "thread_id": thread_id,
            "reply_to_message_id": reply_to_message_id,
            "content_base64": None if content is None else base64.b64encode(content).decode(),
        }
        payload = {k: v for k, v in body.items() if v is not None}
        return self._post(
            await self._call("POST", f"/sandbox/groups/{chat_id}/{kind}", json=payload)
        )

    async def create_topic(self, chat_id: int, user_id: int, name: str) -> GroupPost:
        """A member creates a topic; ``message_id`` is its thread id."""
        body = {"user_id": user_id, "name": name}
        return self._post(await self._call("POST", f"/sandbox/groups/{chat_id}/topics", json=body))

    async def close_topic(self, chat_id: int, user_id: int, thread_id: int) -> GroupPost:
        """A member closes a topic (a ``forum_topic_closed`` service message)."""
        path = f"/sandbox/groups/{chat_id}/topics/{thread_id}/close"
        return self._post(await self._call("POST", path, json={"user_id": user_id}))

    async def reopen_topic(self, chat_id: int, user_id: int, thread_id: int) -> GroupPost:
        path = f"/sandbox/groups/{chat_id}/topics/{thread_id}/reopen"
        return self._post(await self._call("POST", path, json={"user_id": user_id}))

    async def set_member_status(
        self,
        chat_id: int,
        user_id: int,
        status: str,
        rights: Rights | None = None,
    ) -> dict[str, Any]:
        """The group's creator makes a member an ``administrator`` (``rights``: right names),
        ``restricted`` (``rights``: what they may still do) or a plain ``member`` again; their
        ``ChatMember`` object."""
        body: dict[str, Any] = {"status": status}
        if rights is not None:
            body["rights"] = (
                dict(rights) if isinstance(rights, Mapping) else dict.fromkeys(rights, True)
            )
        path = f"/sandbox/groups/{chat_id}/members/{user_id}"
        data: dict[str, Any] = await self._call("POST", path, json=body)
        return data

    async def press_in_group(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        *,
        callback_data: str | None = None,
        button_text: str | None = None,
    ) -> PressResult:
        """A member presses a button of a bot message in the group."""
        body = {
            "user_id": user_id,
            "message_id": message_id,
            "callback_data": callback_data,
            "button_text": button_text,
        }
        payload = {k: v for k, v in body.items() if v is not None}
        data = await self._call("POST", f"/sandbox/groups/{chat_id}/press", json=payload)
        return PressResult(int(data["update_id"]), str(data["callback_query_id"]))

    async def topics(self, chat_id: int) -> list[TopicInfo]:
        data = await self._call("GET", f"/sandbox/groups/{chat_id}/topics")
        return [TopicInfo.from_dict(t) for t in data]

    async def topic_messages(
        self, chat_id: int, thread_id: int | None, since: int | None = None
    ) -> list[ChatMessage]:
        """The messages of one topic (``thread_id`` None: General), service messages
        included (``kind`` like ``forum_topic_created``)."""
        query = {"thread_id": str(thread_id or 0)}
        if since is not None:
            query["since"] = str(since)
        data = await self._call("GET", f"/sandbox/chats/{chat_id}/messages", params=query)
        return [ChatMessage.from_dict(m) for m in data]

    async def pinned_messages(self, chat_id: int) -> list[ChatMessage]:
        """The messages pinned in a chat (private or group), oldest first."""
        query = {"pinned": "1"}
        data = await self._call("GET", f"/sandbox/chats/{chat_id}/messages", params=query)
        return [ChatMessage.from_dict(m) for m in data]
