"""The staff inbox's guards (over the in-memory fakes): staff commands and buttons only in a
registered staff group; a staff question's typed answer in a topic never reaches a case's
person; cases follow the program's current staff group (and a lost group is cleared, with the
staff told); a topic that could not be opened is opened by the case's next post, and a reply in
the general chat reaches the case; long messages are split, never lost; an approval case closes
when the mentor is decided."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

import pytest

from bot.core.cases import CaseKind, StaffGroup
from bot.core.effects import AnswerButton, CloseTopic, CopyMessage, SendText
from bot.core.errors import DeliveryError
from bot.core.events import BotGroupStatus, MediaKind, MediaMessage, TextMessage
from bot.core.models import AgeStatus, Person, RelayLink, Report, Role
from bot.core.staff import StaffMember, StaffRole
from bot.messages.inbox import MAX_CAPTION, MAX_TEXT, visible_length
from bot.services import inbox as inbox_service
from bot.services.inbox_groups import CaseFallback
from tests.dialog import Bot, Dialog
from tests.factories import onboarded_person
from tests.fakes.forums import FakeForums, rights_of
from tests.handlers.test_staff_inbox import (
    COORDINATOR,
    GROUP,
    MENTEE,
    MENTOR,
    OUTSIDER,
    T0,
    GroupDialog,
    make_bot,
)

KID, OTHER_STAFF, NEW_GROUP = 7, 905, -1009999


@pytest.fixture
def forums() -> FakeForums:
    return FakeForums(groups={GROUP: rights_of("College staff"), NEW_GROUP: rights_of("New")})


@pytest.fixture
def bot(forums: FakeForums) -> Bot:
    return make_bot(forums)


def register(bot: Bot, chat_id: int = GROUP) -> None:
    bot.store.cases.groups["college"] = StaffGroup("college", chat_id, COORDINATOR, T0)


def sends(effects: Sequence[object], chat_id: int) -> list[SendText]:
    return [e for e in effects if isinstance(e, SendText) and e.chat_id == chat_id]


async def test_staff_commands_and_buttons_only_in_a_registered_staff_group(bot: Bot) -> None:
    elsewhere = GroupDialog(bot, COORDINATOR, thread=None)
    assert await elsewhere.say("/user Tiger-42") == []
    assert not elsewhere.last_effects, "no case file posted in a group that is not a staff group"
    effects = await elsewhere.press("", data="st:locked:*:0")
    [toast] = [e for e in effects if isinstance(e, AnswerButton)]
    assert toast.text == "This group is not a staff group of any program."
    assert len(effects) == 1
    [reply] = await elsewhere.say("/program staffgroup college")
    assert "This group now holds the cases of" in reply
    assert await elsewhere.say("/user Tiger-42"), "now it is the staff group"


async def test_a_reason_typed_in_a_topic_lifts_the_lock_and_the_person_gets_nothing(
    bot: Bot,
) -> None:
    register(bot)
    bot.store.persons[KID] = Person(
        id=KID,
        chat_id=KID,
        language="en",
        created_at=T0,
        updated_at=T0,
        age_status=AgeStatus.MINOR,
        birth_year=2011,
        age_checked_at=T0,
        program="college",
    )
    mentee = Dialog(bot, MENTEE)
    await mentee.say("/team Please call me")
    [case] = bot.store.cases.cases.values()
    topic = GroupDialog(bot, COORDINATOR, thread=case.thread_id)
    await topic.say("/locked")
    mentee.new_effects()
    await topic.press("", data=f"st:locked:lift:{KID}")
    assert "type the reason" in " ".join(e.text for e in sends(topic.last_effects, GROUP))
    await topic.say("/cancel")
    assert COORDINATOR not in bot.store.flows, "/cancel in the group stops the question"
    assert bot.person(KID).is_age_locked  # type: ignore[union-attr]
    await topic.press("", data=f"st:locked:lift:{KID}")
    await topic.say("Checked the ID card")
    assert bot.person(KID).age_status is AgeStatus.ADULT  # type: ignore[union-attr]
    [entry] = [e for e in bot.store.staff.audit.values() if "Checked the ID card" in e.detail]
    assert not mentee.new_effects(), "the case's person receives nothing"


async def test_a_lost_staff_group_is_cleared_and_cases_follow_the_current_one(
    bot: Bot, forums: FakeForums
) -> None:
    register(bot)
    mentee, coordinator = Dialog(bot, MENTEE), Dialog(bot, COORDINATOR)
    await mentee.say("/team First")
    [case] = bot.store.cases.cases.values()
    assert case.thread_id == 100
    coordinator.new_effects()
    kicked = BotGroupStatus(status="kicked", **GroupDialog(bot, COORDINATOR)._base())
    await coordinator._send(kicked)
    assert bot.store.cases.groups == {}
    [told] = sends(coordinator.last_effects, COORDINATOR)
    assert "I was removed from the staff group of College First Year" in told.text
    assert "/program staffgroup college" in told.text
    await mentee.say("/team Second")
    [back] = [e for e in sends(coordinator.new_effects(), COORDINATOR) if "Second" in e.text]
    assert back.thread_id is None, "no staff group now: the private chats"
    register(bot, NEW_GROUP)
    await mentee.say("/team Third")
    assert forums.opened[-1][0] == NEW_GROUP
    effects = bot.store.pending_effects()
    [third] = [e for e in sends(effects, NEW_GROUP) if "Third" in e.text]
    assert third.thread_id == forums.opened[-1][2]
    assert not [e for e in sends(effects, GROUP) if "Third" in e.text]


async def test_a_group_that_lost_topic_rights_is_cleared(bot: Bot) -> None:
    register(bot)
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/help")
    demoted = BotGroupStatus(status="member", **GroupDialog(bot, COORDINATOR)._base())
    await coordinator._send(demoted)
    assert bot.store.cases.groups == {}
    [told] = sends(coordinator.last_effects, COORDINATOR)
    assert "I can no longer manage topics" in told.text


async def test_private_cases_of_a_removed_staff_member_go_to_the_current_staff(
    bot: Bot,
) -> None:
    bot.store.staff.members[OTHER_STAFF] = StaffMember(
        user_id=OTHER_STAFF, organisation="college-mentors", role=StaffRole.ADMIN, added_at=T0
    )
    mentee, coordinator, other = (Dialog(bot, i) for i in (MENTEE, COORDINATOR, OTHER_STAFF))
    await coordinator.say("/msg Tiger-42 How are you?")
    other.new_effects()  # the case's first message: every staff member of the program
    await mentee.say("/team Fine")
    assert [e for e in sends(coordinator.new_effects(), COORDINATOR) if "Fine" in e.text]
    assert not other.new_effects(), "only the staff member who wrote"
    del bot.store.staff.members[COORDINATOR]
    await mentee.say("/team Still there?")
    assert not [e for e in coordinator.new_effects() if "Still there" in getattr(e, "text", "")]
    assert [e for e in sends(other.new_effects(), OTHER_STAFF) if "Still there" in e.text]


async def test_a_topic_not_opened_is_opened_by_the_next_post_and_general_replies_route(
    bot: Bot, forums: FakeForums, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(bot)
    forums.fail = DeliveryError("Bad Request: not enough rights to create a topic")
    mentee = Dialog(bot, MENTEE)
    await mentee.say("/team Help please")
    [case] = bot.store.cases.cases.values()
    assert case.staff_chat_id == GROUP and case.thread_id is None
    general = [e for e in sends(bot.store.pending_effects(), GROUP) if "Help please" in e.text]
    assert general[0].thread_id is None and general[0].tag == f"case:{case.id}"
    bot.store.cases.messages[(GROUP, 300)] = case.id  # the sender noted the general post
    staff = GroupDialog(bot, COORDINATOR, thread=None)
    mentee.new_effects()
    await staff._send(
        TextMessage(message_id=301, text="We saw it", reply_to_message_id=300, **staff._base())
    )
    [out] = sends(mentee.new_effects(), MENTEE)
    assert out.text.startswith("🏛 <b>Program team</b>") and "We saw it" in out.text

    async def slow(chat_id: int, name: str) -> int:
        await asyncio.sleep(1)
        return 1

    monkeypatch.setattr(inbox_service, "TOPIC_TIMEOUT", 0.05)
    monkeypatch.setattr(forums, "open_topic", slow)
    await mentee.say("/team Again")
    assert bot.store.cases.cases[case.id].thread_id is None, "a slow Telegram: still none"
    monkeypatch.undo()
    await mentee.say("/team And again")
    assert bot.store.cases.cases[case.id].thread_id == 100, "the next post opened it"
    [again] = [e for e in sends(bot.store.pending_effects(), GROUP) if "And again" in e.text]
    assert again.thread_id == 100


async def test_long_messages_are_split_never_rejected(bot: Bot) -> None:
    register(bot)
    mentee = Dialog(bot, MENTEE)
    long = "word " * 819 + "e"  # 4096 characters
    await mentee.say("/team")
    await mentee.say(long)
    [case] = bot.store.cases.cases.values()
    parts = [e for e in sends(bot.store.pending_effects(), GROUP) if "word" in e.text]
    assert len(parts) == 2 and all(p.thread_id == case.thread_id for p in parts)
    assert all(visible_length(p.text) <= MAX_TEXT for p in parts)
    topic = GroupDialog(bot, COORDINATOR, thread=case.thread_id)
    mentee.new_effects()
    await topic.say(long)
    out = sends(mentee.new_effects(), MENTEE)
    assert len(out) == 2 and all(visible_length(o.text) <= MAX_TEXT for o in out)
    assert "".join(o.text for o in out).count("word") == 819
    assert out[-1].text.endswith("answer the program team.</i>")
    photo = MediaMessage(
        message_id=400, media=MediaKind.PHOTO, caption="c" * MAX_CAPTION, **topic._base()
    )
    await topic._send(photo)
    copy, text = mentee.new_effects()
    assert isinstance(copy, CopyMessage) and copy.caption == "🏛 <b>Program team</b>"
    assert isinstance(text, SendText) and "c" * MAX_CAPTION in text.text


async def test_an_approval_case_closes_when_the_mentor_is_decided(
    bot: Bot, forums: FakeForums
) -> None:
    register(bot)
    for user_id, name in ((3, "Ona"), (4, "Ben")):
        bot.store.persons[user_id] = onboarded_person(
            user_id, Role.MENTOR, "college", T0, display_name=name, approved_at=None
        )
    inbox = bot.conversations._dispatcher.inbox  # type: ignore[attr-defined]
    async with bot.store.uow() as uow:
        for user_id in (3, 4):
            await inbox.desk.post(
                uow, bot.store.persons[user_id], CaseKind.APPROVAL, T0, lambda _: []
            )
        await uow.commit()
    ona, ben = sorted(bot.store.cases.cases.values(), key=lambda c: c.person_id)
    assert ona.thread_id is not None and ben.thread_id is not None
    topic = GroupDialog(bot, COORDINATOR, thread=ona.thread_id)
    effects = await topic.press("", data="st:approve:3")
    assert CloseTopic(chat_id=GROUP, thread_id=ona.thread_id) in effects
    assert any("Staff 900 approved Ona" in e.text for e in sends(effects, GROUP))
    assert not bot.store.cases.cases[ona.id].is_open
    private = Dialog(bot, COORDINATOR)
    await private.say("/reject Ben Not enough time this term")
    closed = bot.store.cases.cases[ben.id]
    assert not closed.is_open and closed.closed_by == COORDINATOR
    line = [e for e in sends(bot.store.pending_effects(), GROUP) if "turned Ben down" in e.text]
    assert line and line[0].thread_id == ben.thread_id
    assert CloseTopic(chat_id=GROUP, thread_id=ben.thread_id) in bot.store.pending_effects()


async def test_show_messages_pressed_in_a_topic_sends_the_copies_into_the_topic(
    bot: Bot,
) -> None:
    register(bot)
    link = RelayLink(
        pair_id=1,
        sender_id=MENTEE,
        source_chat_id=MENTEE,
        source_message_id=11,
        target_chat_id=MENTOR,
        target_message_id=12,
        created_at=T0,
    )
    async with bot.store.uow() as uow:
        await uow.relay.add_many([link])
        report = Report(reporter_id=MENTEE, pair_id=1, reason="other", created_at=T0)
        report = await uow.safety.add_report(report)
        await uow.commit()
    topic = GroupDialog(bot, COORDINATOR, thread=100)
    effects = await topic.press("", data=f"st:reports:show:{report.id}")
    shown = [e for e in effects if isinstance(e, SendText | CopyMessage)]
    assert len(shown) == 2
    assert all((e.chat_id, e.thread_id) == (GROUP, 100) for e in shown)
    assert not [e for e in bot.store.pending_effects() if getattr(e, "chat_id", 0) == COORDINATOR]


async def test_a_message_the_topic_refuses_goes_to_the_staff_privately_and_a_new_topic_opens(
    bot: Bot, forums: FakeForums
) -> None:
    register(bot)
    mentee = Dialog(bot, MENTEE)
    await mentee.say("/team Are you there?")
    [case] = bot.store.cases.cases.values()
    [posted] = [e for e in sends(bot.store.pending_effects(), GROUP) if "Are you" in e.text]
    assert posted.thread_id == 100 and posted.tag == f"case:{case.id}"
    inbox = bot.conversations._dispatcher.inbox  # type: ignore[attr-defined]
    fallback = CaseFallback(bot.store.uow, bot.clock, inbox.desk)
    coordinator = Dialog(bot, COORDINATOR)
    coordinator.new_effects()
    await fallback.undelivered(posted)  # Telegram: "message thread not found"
    [instead] = sends(coordinator.new_effects(), COORDINATOR)
    assert (instead.text, instead.thread_id, instead.tag) == (posted.text, None, None)
    assert bot.store.cases.cases[case.id].thread_id is None
    await fallback.undelivered(replace(posted, tag=None))  # not a case's: nothing
    assert not coordinator.new_effects()
    await mentee.say("/team Hello?")
    assert bot.store.cases.cases[case.id].thread_id == 101, "the next post opens a new topic"


async def test_the_bot_removed_by_someone_it_does_not_know_still_clears_the_group(
    bot: Bot,
) -> None:
    register(bot)
    stranger = GroupDialog(bot, 4242, thread=None)
    coordinator = Dialog(bot, COORDINATOR)
    coordinator.new_effects()
    await stranger._send(BotGroupStatus(status="left", **stranger._base()))
    assert bot.store.cases.groups == {} and bot.person(4242) is None, "nobody created"
    [told] = sends(coordinator.new_effects(), COORDINATOR)
    assert "I was removed from the staff group" in told.text


async def test_staff_of_another_organisation_get_nothing_in_this_staff_group(bot: Bot) -> None:
    register(bot)
    outsider = GroupDialog(bot, OUTSIDER, thread=None)
    assert await outsider.say("/panel") == []
    assert await outsider.say("/pending") == []
    assert not outsider.last_effects, "nothing of their organisation is posted to this group"
    effects = await outsider.press("", data="st:pending:*:0")
    [toast] = [e for e in effects if isinstance(e, AnswerButton)]
    assert toast.text == "These buttons are for the staff of this group's programs."
    assert len(effects) == 1
    assert await GroupDialog(bot, COORDINATOR, thread=None).say("/pending"), "its own staff"
