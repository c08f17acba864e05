"""Events from a staff supergroup: a staff command typed in a forum topic is answered in that
topic, a staff button pressed there edits that message, the person's private chat and language
stay theirs, and whoever we do not know (or anything but staff commands) is ignored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core.cases import StaffGroup
from bot.core.effects import AnswerButton, EditText, SendText
from bot.core.events import Command, addressed_bot, parse_command
from bot.core.models import Role
from bot.core.staff import StaffMember, StaffRole
from tests.dialog import Bot, Dialog, texts
from tests.factories import onboarded_person
from tests.fakes.forums import FakeForums

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
ADMIN, MENTEE, STRANGER = 900, 1, 555
GROUP, TOPIC = -1001234567890, 77


class GroupDialog(Dialog):
    """One member writing in a staff supergroup's topic (`thread` None: the general chat)."""

    def __init__(self, bot: Bot, user_id: int, thread: int | None = TOPIC) -> None:
        super().__init__(bot, user_id)
        self.thread = thread

    def _base(self) -> dict[str, Any]:
        return {**super()._base(), "chat_id": GROUP, "thread_id": self.thread, "group": True}

    async def say(self, text: str) -> list[str]:
        command = parse_command(text)
        if command is None:
            return await super().say(text)
        event = Command(
            message_id=1,
            name=command[0],
            args=command[1],
            to_bot=addressed_bot(text),
            **self._base(),
        )
        return texts(await self._send(event))

    def _mine(self, effect: Any) -> bool:
        if isinstance(effect, AnswerButton):
            return effect.callback_id.startswith(f"cb{self.user.id}-")
        return getattr(effect, "chat_id", None) == GROUP


@pytest.fixture
def bot() -> Bot:
    bot = Bot()
    bot.store.staff.members[ADMIN] = StaffMember(
        user_id=ADMIN, organisation="college-mentors", role=StaffRole.ADMIN, added_at=T0
    )
    bot.store.persons[MENTEE] = onboarded_person(
        MENTEE, Role.MENTEE, "college", T0, display_name="Mia"
    )
    # staff commands and buttons run only in a program's registered staff group
    bot.store.cases.groups["college"] = StaffGroup("college", GROUP, ADMIN, T0)
    return bot


async def test_a_staff_command_in_a_topic_is_answered_in_that_topic(bot: Bot) -> None:
    private = Dialog(bot, ADMIN)
    await private.say("/help")  # the staff member has talked to the bot before
    in_group = GroupDialog(bot, ADMIN)
    await in_group.say("/pending")
    [reply] = [e for e in in_group.last_effects if isinstance(e, SendText)]
    assert reply.chat_id == GROUP and reply.thread_id == TOPIC
    assert "No mentor is waiting for approval." in reply.text
    assert not private.new_effects(), "nothing in the private chat"
    person = bot.person(ADMIN)
    assert person is not None and person.chat_id == ADMIN


async def test_the_general_chat_of_a_group_has_no_topic(bot: Bot) -> None:
    await Dialog(bot, ADMIN).say("/help")
    in_group = GroupDialog(bot, ADMIN, thread=None)
    await in_group.say("/pending")
    [reply] = [e for e in in_group.last_effects if isinstance(e, SendText)]
    assert reply.chat_id == GROUP and reply.thread_id is None


async def test_a_staff_button_in_a_group_edits_the_group_message(bot: Bot) -> None:
    await Dialog(bot, ADMIN).say("/help")
    in_group = GroupDialog(bot, ADMIN)
    effects = await in_group.press("", data="st:pending:*:0")
    edits = [e for e in effects if isinstance(e, EditText)]
    assert edits and all(e.chat_id == GROUP for e in edits)
    assert "No mentor is waiting" in edits[0].text
    assert [e for e in effects if isinstance(e, AnswerButton)]


async def test_someone_we_do_not_know_is_ignored_in_a_group(bot: Bot) -> None:
    stranger = GroupDialog(bot, STRANGER)
    assert await stranger.say("/start") == []
    assert await stranger.say("hello") == []
    assert bot.person(STRANGER) is None
    assert bot.store.pending_effects() == []


async def test_a_participant_in_a_group_is_ignored_and_keeps_their_chat(bot: Bot) -> None:
    mentee = GroupDialog(bot, MENTEE)
    before = bot.person(MENTEE)
    assert await mentee.say("/language") == []
    assert await mentee.say("/pending") == []
    assert await mentee.say("hi all") == []
    assert bot.person(MENTEE) == before
    assert bot.store.pending_effects() == []


async def test_plain_messages_and_other_buttons_of_staff_are_ignored(bot: Bot) -> None:
    await Dialog(bot, ADMIN).say("/help")
    in_group = GroupDialog(bot, ADMIN)
    assert await in_group.say("a note for the team") == []
    assert await in_group.say("/help") == []
    effects = await in_group.press("", data="lang:it")
    assert [type(e) for e in effects] == [AnswerButton]
    person = bot.person(ADMIN)
    assert person is not None and person.language == "en" and person.chat_id == ADMIN


async def test_a_command_for_another_bot_of_the_group_is_ignored(bot: Bot) -> None:
    dispatcher: Any = bot.conversations._dispatcher
    dispatcher.staff.services.forums.fill(FakeForums(bot_username="MentorBot"))
    await Dialog(bot, ADMIN).say("/help")
    in_group = GroupDialog(bot, ADMIN)
    assert await in_group.say("/pending@otherbot") == []
    [reply] = await in_group.say("/pending@mentorbot")
    assert "No mentor is waiting" in reply
