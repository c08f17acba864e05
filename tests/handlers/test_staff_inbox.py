"""The staff inbox as transcripts over the in-memory fakes: /program staffgroup (what is
missing, said in words; then the group's menu), /team into a case's topic, staff words to the
person signed "Program team", the person's reply back into the same topic (the partner sees
none of it), closing a topic closes the case, and the same without a staff group through the
staff members' private chats (/msg)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core.cases import CaseKind, StaffGroup
from bot.core.effects import AnswerButton, CloseTopic, SendText, SetCommands
from bot.core.events import TextMessage, TopicClosed, TopicReopened, UserRef
from bot.core.models import Pair, PairStatus, Role
from bot.core.staff import StaffMember, StaffRole
from bot.core.turn import Turn
from bot.i18n import Catalogs
from tests.dialog import Bot, Dialog
from tests.factories import onboarded_person
from tests.fakes.forums import FakeForums, rights_of

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
COORDINATOR, MENTEE, MENTOR, OUTSIDER = 900, 1, 2, 903
GROUP = -1001234567890


class GroupDialog(Dialog):
    """One member writing in the staff supergroup (`thread` None: the general chat)."""

    def __init__(self, bot: Bot, user_id: int, thread: int | None = None) -> None:
        super().__init__(bot, user_id)
        self.thread = thread

    def _base(self) -> dict[str, Any]:
        return {**super()._base(), "chat_id": GROUP, "thread_id": self.thread, "group": True}

    def _mine(self, effect: Any) -> bool:
        if isinstance(effect, AnswerButton):
            return effect.callback_id.startswith(f"cb{self.user.id}-")
        return getattr(effect, "chat_id", None) == GROUP

    async def topic(self, kind: type[TopicClosed] | type[TopicReopened]) -> None:
        await self._send(kind(**self._base()))


@pytest.fixture
def forums() -> FakeForums:
    return FakeForums(groups={GROUP: rights_of("College staff")})


@pytest.fixture
def bot(forums: FakeForums) -> Bot:
    return make_bot(forums)


def make_bot(forums: FakeForums) -> Bot:
    """The bot over fakes: a coordinator of the college's organisation, an outsider of another
    one, and a mentee and mentor of the college, paired."""
    bot = Bot()
    bot.conversations._dispatcher.staff.services.forums.fill(forums)  # type: ignore[attr-defined]
    bot.store.staff.members[COORDINATOR] = StaffMember(
        user_id=COORDINATOR,
        organisation="college-mentors",
        role=StaffRole.COORDINATOR,
        added_at=T0,
    )
    bot.store.staff.members[OUTSIDER] = StaffMember(
        user_id=OUTSIDER, organisation="new-roots", role=StaffRole.COORDINATOR, added_at=T0
    )
    for user_id, role, name in ((MENTEE, Role.MENTEE, "Tiger-42"), (MENTOR, Role.MENTOR, "Owl-7")):
        bot.store.persons[user_id] = onboarded_person(
            user_id, role, "college", T0, display_name=name
        )
    for user_id in (COORDINATOR, OUTSIDER):
        bot.store.persons[user_id] = onboarded_person(
            user_id, Role.MENTOR, "college", T0, display_name=f"Staff {user_id}"
        )
    bot.store.pairs[1] = Pair(
        id=1,
        mentee_id=MENTEE,
        mentor_id=MENTOR,
        program="college",
        status=PairStatus.ACTIVE,
        started_at=T0,
    )
    return bot


async def test_staffgroup_says_what_is_missing_then_sets_the_group(
    bot: Bot, forums: FakeForums
) -> None:
    forums.groups[GROUP] = rights_of(is_forum=False, can_manage_topics=False)
    in_group = GroupDialog(bot, COORDINATOR)
    [reply] = await in_group.say("/program staffgroup")
    assert "Topics are off" in reply and "turn on “Manage topics”" in reply
    assert "/program staffgroup college" in reply
    assert bot.store.cases.groups == {}
    forums.groups[GROUP] = rights_of(is_admin=False)
    [reply] = await in_group.say("/program staffgroup college")
    assert "I am not an administrator" in reply and "Topics are off" not in reply
    forums.groups[GROUP] = rights_of()
    [reply] = await in_group.say("/program staffgroup college")
    assert "This group now holds the cases of" in reply
    assert bot.store.cases.groups["college"].chat_id == GROUP
    [menu] = [e for e in in_group.last_effects if isinstance(e, SetCommands)]
    assert menu.chat_id == GROUP and any(name == "msg" for name, _ in menu.commands)
    assert not any(name == "team" for name, _ in menu.commands), "staff commands only"
    [entry] = bot.store.staff.audit.values()
    assert entry.action == "staffgroup" and entry.target == "College First Year"
    [off] = await in_group.say("/program staffgroup off")  # the program whose group this is
    assert "now go to your private chats" in off and bot.store.cases.groups == {}
    await in_group.say("/program staffgroup college")
    private = Dialog(bot, COORDINATOR)
    [refused] = await private.say("/program staffgroup college")
    assert "Type this command in the staff group itself" in refused
    [reply] = await private.say("/program staffgroup off")
    assert "now go to your private chats" in reply and bot.store.cases.groups == {}


async def test_a_topic_per_case_both_ways_and_the_partner_sees_nothing(
    bot: Bot, forums: FakeForums
) -> None:
    bot.store.cases.groups["college"] = StaffGroup("college", GROUP, COORDINATOR, T0)
    mentee, mentor = Dialog(bot, MENTEE), Dialog(bot, MENTOR)
    [ask] = await mentee.say("/team")
    assert "What would you like to tell the program team?" in ask
    [sent] = await mentee.say("I feel lost <really>")
    assert "Sent to the program team" in sent
    assert forums.opened == [(GROUP, "💬 Tiger-42 · talk to the team", 100)]
    topic = GroupDialog(bot, COORDINATOR, thread=100)
    head, card, words = [e for e in topic.new_effects() if isinstance(e, SendText)]
    assert "<b>Tiger-42</b> · talk to the team" in head.text and "Close case" in str(head.buttons)
    assert card.pin and card.thread_id == 100 and "Tiger-42" in card.text
    assert (words.thread_id, words.text) == (100, "<b>Tiger-42</b>: I feel lost &lt;really&gt;")
    assert not mentor.new_effects(), "the partner sees none of it"

    await topic.say("We are here. Call us <any time>.")
    [out] = [e for e in mentee.new_effects() if isinstance(e, SendText)]
    assert out.text.startswith("🏛 <b>Program team</b>") and "&lt;any time&gt;" in out.text
    assert "Owl-7" not in out.text and not mentor.new_effects()
    [case] = bot.store.cases.cases.values()
    bot.store.cases.messages[(MENTEE, 501)] = case.id  # the sender noted the delivered copy
    reply = TextMessage(message_id=60, text="Thank you", reply_to_message_id=501, **mentee._base())
    await mentee._send(reply)
    assert "Sent to the program team" in mentee.hears_only("Sent to the program team")
    [back] = [e for e in topic.new_effects() if isinstance(e, SendText)]
    assert (back.chat_id, back.thread_id, back.text) == (GROUP, 100, "<b>Tiger-42</b>: Thank you")
    assert not mentor.new_effects(), "a reply to the team is never relayed"
    await mentee.say("hello partner")
    assert mentor.new_effects() and not topic.new_effects(), "a plain message: the partner's"

    outsider = GroupDialog(bot, OUTSIDER, thread=100)
    await outsider.say("I am from another organisation")
    assert not [
        e for e in mentee.new_effects() if "another organisation" in getattr(e, "text", "")
    ]

    await topic.topic(TopicClosed)
    assert bot.store.cases.cases[case.id].status.value == "closed"
    assert not mentee.new_effects(), "the person is told nothing"
    await topic.topic(TopicReopened)
    assert bot.store.cases.cases[case.id].is_open
    actions = [e.action for e in bot.store.staff.audit.values()]
    assert actions == [
        "case opened",
        "message to team",
        "team message",
        "message to team",
        "case closed",
        "case reopened",
    ]
    assert all(e.target == "Tiger-42" for e in bot.store.staff.audit.values())


async def test_the_close_button_closes_the_case_and_its_topic(bot: Bot) -> None:
    bot.store.cases.groups["college"] = StaffGroup("college", GROUP, COORDINATOR, T0)
    await Dialog(bot, MENTEE).say("/team Please call me")
    [case] = bot.store.cases.cases.values()
    topic = GroupDialog(bot, COORDINATOR, thread=case.thread_id)
    effects = await topic.press("", data=f"st:msg:close:{case.id}")
    assert CloseTopic(chat_id=GROUP, thread_id=100) in effects
    assert any("Case closed by Staff 900" in e.text for e in effects if isinstance(e, SendText))
    assert not bot.store.cases.cases[case.id].is_open
    await Dialog(bot, MENTEE).say("/team Again")
    assert len(bot.store.cases.cases) == 2, "the next /team opens a new case"


async def test_without_a_staff_group_private_chats_and_msg(bot: Bot) -> None:
    mentee, coordinator = Dialog(bot, MENTEE), Dialog(bot, COORDINATOR)
    await mentee.say("/team Can someone help?")
    card, words = coordinator.new_effects()
    assert isinstance(card, SendText) and "/msg Tiger-42" in card.text
    assert isinstance(words, SendText) and words.text == "<b>Tiger-42</b>: Can someone help?"
    [done] = await coordinator.say("/msg Tiger-42 Of course, tell us more")
    assert "Sent to Tiger-42" in done
    [out] = [e for e in mentee.new_effects() if isinstance(e, SendText)]
    assert out.text.startswith("🏛 <b>Program team</b>") and out.tag is not None
    [case] = bot.store.cases.cases.values()
    assert case.kind is CaseKind.TEAM and case.staff_id == COORDINATOR
    bot.store.cases.messages[(MENTEE, 9)] = case.id
    await mentee._send(
        TextMessage(message_id=61, text="Thanks", reply_to_message_id=9, **mentee._base())
    )
    [back] = [e for e in coordinator.new_effects() if isinstance(e, SendText)]
    assert back.text == "<b>Tiger-42</b>: Thanks"
    [unknown] = await coordinator.say("/msg Nobody hello")
    assert "can't find “Nobody”" in unknown


async def test_a_mentor_now_waiting_for_approval_opens_a_case(
    bot: Bot, forums: FakeForums
) -> None:
    bot.store.cases.groups["college"] = StaffGroup("college", GROUP, COORDINATOR, T0)
    ona = onboarded_person(
        3,
        Role.MENTOR,
        "college",
        T0,
        display_name="Ona",
        approved_at=None,
        training_passed_at=None,
    )
    bot.store.persons[3] = ona
    inbox = bot.conversations._dispatcher.inbox  # type: ignore[attr-defined]
    event = TextMessage(
        update_id=1, user=UserRef(id=3), chat_id=3, at=T0, message_id=1, text="quiz answer"
    )
    async with bot.store.uow() as uow:
        turn = Turn(event, ona, None, Catalogs(), T0)
        turn.set_person(replace(ona, training_passed_at=T0))
        await inbox.complete(turn, uow)  # the training was passed in this turn
        again = Turn(event, replace(ona, training_passed_at=T0), None, Catalogs(), T0)
        await uow.persons.update(again.person)
        await inbox.complete(again, uow)  # already waiting before this turn: nothing new
    assert forums.opened == [(GROUP, "🕓 Ona · waiting for approval", 100)]
    request = [
        e for e in turn.effects if isinstance(e, SendText) and "waits for your approval" in e.text
    ]
    assert [(e.chat_id, e.thread_id) for e in request] == [(GROUP, 100)]
    assert "st:approve:3" in str(request[0].buttons)
    assert not again.effects


async def test_the_audit_log_names_who_and_which_case_never_the_words(bot: Bot) -> None:
    await Dialog(bot, MENTEE).say("/team Something private")
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/msg Tiger-42 Another private thing")
    [audit] = await coordinator.say("/audit")
    assert "Staff 900 · team message → Tiger-42 · case #1 (team)" in audit
    assert "Tiger-42 · case opened → Tiger-42" in audit
    assert "private" not in audit and f"· {COORDINATOR} ·" not in audit, "names, not ids"
