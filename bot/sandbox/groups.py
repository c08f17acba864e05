"""Supergroups (optionally forums with topics): their members, the bot's membership and
administrator rights, topics, and the Bot API objects that describe them (``Chat``,
``ChatFullInfo``, ``ChatMember``, ``ForumTopic``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import BotApiError, bad_request, forbidden
from bot.sandbox.models import MessageLog, SandboxUser

FIRST_GROUP_ID = -1_001_000_000_001
"""Supergroup ids look like Telegram's: -100 followed by the channel id."""

ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_manage_topics",
)
"""The administrator rights a supergroup admin has (ChatMemberAdministrator's booleans)."""

NEWER_THAN_SPEC_RIGHTS = ("can_send_welcome_messages",)
"""Rights Telegram (and aiogram 3.31, which requires them) send but api.json predates."""

RESTRICTED_PERMISSIONS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_react_to_messages",
    "can_edit_tag",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
)
"""What a restricted member may still do (ChatMemberRestricted's booleans, all required)."""

MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
PRESENT_STATUSES = ("creator", "administrator", "member", "restricted")
BOT_STATUSES = ("administrator", "member", "left", "kicked")
TOPIC_ICON_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)
MAX_TOPIC_NAME = 128

NOT_A_FORUM = "the chat is not a forum"
NO_TOPIC_RIGHTS = "not enough rights to manage topics"
NO_PIN_RIGHTS = "not enough rights to manage pinned messages in the chat"
THREAD_NOT_FOUND = "message thread not found"
TOPIC_CLOSED = "TOPIC_CLOSED"
TOPIC_NOT_MODIFIED = "TOPIC_NOT_MODIFIED"
NOT_A_MEMBER = "bot is not a member of the supergroup chat"
KICKED = "bot was kicked from the supergroup chat"


@dataclass
class Topic:
    """A forum topic; ``thread_id`` is the id of its ``forum_topic_created`` message."""

    thread_id: int
    name: str
    icon_color: int
    created_by: int | None  # the user who created it (None: the bot)
    closed: bool = False
    icon_custom_emoji_id: str | None = None

    def to_forum_topic(self) -> dict[str, Any]:
        """The Bot API ``ForumTopic`` object."""
        topic: dict[str, Any] = {
            "message_thread_id": self.thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            topic["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return topic

    def to_control(self) -> dict[str, Any]:
        return {
            "thread_id": self.thread_id,
            "name": self.name,
            "closed": self.closed,
            "icon_color": self.icon_color,
            "created_by_bot": self.created_by is None,
        }


class GroupChat(MessageLog):
    """A supergroup: its title, whether it is a forum, members (sandbox users, by id, with their
    status), the bot's status and administrator rights, and its topics."""

    def __init__(
        self, chat_id: int, title: str, *, is_forum: bool, members: dict[int, SandboxUser]
    ) -> None:
        super().__init__()
        self.chat_id = chat_id
        self.title = title
        self.is_forum = is_forum
        self.members = members
        self.statuses: dict[int, str] = {}
        self.member_rights: dict[int, dict[str, bool]] = {}  # an admin's rights, a restriction's
        self.bot_status = "left"
        self.known_to_bot = False  # the bot was ever a member (else: "chat not found")
        self.bot_rights: dict[str, bool] = {}
        self.topics: dict[int, Topic] = {}
        self.deleted_topics: set[int] = set()

    @property
    def id(self) -> int:
        return self.chat_id

    def to_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.chat_id, "type": "supergroup", "title": self.title}
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    def to_chat_full_info(self) -> dict[str, Any]:
        info = self.to_chat()
        info.update(
            accent_color_id=abs(self.chat_id) % 7,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return info

    # ------------------------------------------------------------------ the bot's membership

    def bot_can(self, right: str) -> bool:
        return self.bot_status == "administrator" and self.bot_rights.get(right, False)

    def send_refusal(self) -> BotApiError | None:
        """Why the bot cannot write here (403), or None."""
        if self.bot_status == "kicked":
            return forbidden(KICKED)
        if self.bot_status == "left":
            return forbidden(NOT_A_MEMBER)
        return None

    def bot_member(self, bot_user: dict[str, Any]) -> dict[str, Any]:
        """The bot's ``ChatMember`` object."""
        return bot_member_object(bot_user, self.bot_status, self.bot_rights)

    def member(self, user: SandboxUser) -> dict[str, Any]:
        """A user's ``ChatMember`` object (``left`` for who never joined)."""
        status = self.statuses.get(user.id, "left")
        if status == "creator":
            return {"status": "creator", "user": user.to_user(), "is_anonymous": False}
        if status == "administrator":
            return bot_member_object(user.to_user(), status, self.member_rights.get(user.id, {}))
        if status == "restricted":
            allowed = self.member_rights.get(user.id, {})
            member: dict[str, Any] = {"status": status, "user": user.to_user(), "is_member": True}
            member.update({p: bool(allowed.get(p, False)) for p in RESTRICTED_PERMISSIONS})
            member["until_date"] = 0  # restricted forever
            return member
        if status == "kicked":
            return {"status": "kicked", "user": user.to_user(), "until_date": 0}
        return {"status": status, "user": user.to_user()}

    def user_manages_topic(self, user_id: int, topic: Topic) -> bool:
        """Whether a member may close or reopen ``topic``: the group's creator, an
        administrator with can_manage_topics, or the topic's own creator."""
        status = self.statuses.get(user_id)
        if status == "creator" or topic.created_by == user_id:
            return status in PRESENT_STATUSES
        rights = self.member_rights.get(user_id, {})
        return status == "administrator" and rights.get("can_manage_topics", False)

    def member_count(self) -> int:
        people = sum(1 for s in self.statuses.values() if s in PRESENT_STATUSES)
        return people + (1 if self.bot_status in ("administrator", "member") else 0)

    # ------------------------------------------------------------------ topics

    def topic(self, thread_id: int | None) -> Topic:
        """An existing topic, or 400 ``message thread not found``."""
        topic = self.topics.get(thread_id) if isinstance(thread_id, int) else None
        if topic is None:
            raise bad_request(THREAD_NOT_FOUND)
        return topic

    def send_thread(self, thread_id: int | None) -> int | None:
        """The topic a bot message goes to (validated), or None for General / no forum."""
        if thread_id is None:
            return None
        if not self.is_forum:
            raise bad_request(THREAD_NOT_FOUND)
        topic = self.topic(thread_id)
        if topic.closed:
            raise bad_request(TOPIC_CLOSED)
        return topic.thread_id

    def require_forum(self) -> None:
        if not self.is_forum:
            raise bad_request(NOT_A_FORUM)

    def require_topic_rights(self, topic: Topic | None = None) -> None:
        """can_manage_topics, unless the bot created ``topic`` (as the Bot API documents)."""
        if topic is not None and topic.created_by is None and self.bot_status == "administrator":
            return
        if not self.bot_can("can_manage_topics"):
            raise bad_request(NO_TOPIC_RIGHTS)


def bot_member_object(
    bot_user: dict[str, Any], status: str, rights: dict[str, bool]
) -> dict[str, Any]:
    """A ``ChatMember`` for the bot with ``status`` (and ``rights`` as an administrator)."""
    if status == "administrator":
        member: dict[str, Any] = {
            "status": "administrator",
            "user": bot_user,
            "can_be_edited": False,
            "is_anonymous": False,
        }
        for right in ADMIN_RIGHTS:
            member[right] = bool(rights.get(right, False))
        for right in NEWER_THAN_SPEC_RIGHTS:
            member[right] = bool(rights.get(right, False))
        return member
    if status == "kicked":
        return {"status": "kicked", "user": bot_user, "until_date": 0}
    return {"status": status, "user": bot_user}


def parse_rights(rights: Any) -> dict[str, bool]:
    """Administrator rights from the control API: a dict of right names to booleans (unknown
    names are refused); ``can_manage_chat`` is implied, as for every Telegram admin."""
    if rights is None:
        rights = {}
    if not isinstance(rights, dict):
        raise ValueError("rights must be an object of right names to booleans")
    unknown = sorted(set(rights) - set(ADMIN_RIGHTS) - set(NEWER_THAN_SPEC_RIGHTS))
    if unknown:
        raise ValueError(f"unknown rights {unknown}; known: {list(ADMIN_RIGHTS)}")
    parsed = {right: bool(rights.get(right, False)) for right in ADMIN_RIGHTS}
    parsed["can_manage_chat"] = True
    return parsed
