"""The staff inbox's use cases over the in-memory fakes: a case opens a topic (named by the
person's pseudonym and kind, in the staff's language) with its pinned first message, one open
case per person and kind, a failed topic still opens the case (group and private chats), staff
words reach the person signed "Program team" and theirs come back into the topic, closing once,
reopening, and the audit log (names, never words)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.cases import Case, CaseKind, CaseStatus, StaffGroup
from bot.core.effects import CloseTopic, CopyMessage, SendText
from bot.core.errors import RejectedRequest
from bot.core.events import MediaKind, MediaMessage, TextMessage, UserRef
from bot.core.models import Role
from bot.core.programs import load_programs
from bot.core.staff import StaffMember, StaffRole
from bot.i18n import Catalogs
from bot.services.alerts import Staff
from bot.services.inbox import CaseDesk, Desk, note_sent, placed
from tests.factories import onboarded_person
from tests.fakes.forums import FakeForums
from tests.fakes.store import MemoryStore

T0 = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
GROUP = -100_555
ADMIN, COORDINATOR, PERSON = 1, 900, 7
CURRICULA = Path(__file__).resolve().parents[2] / "curricula"


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    store.persons[PERSON] = onboarded_person(
        PERSON, Role.MENTEE, "college", T0, display_name="Tiger-42", language="it"
    )
    store.staff.members[COORDINATOR] = StaffMember(
        user_id=COORDINATOR,
        organisation="college-mentors",
        role=StaffRole.COORDINATOR,
        added_at=T0,
    )
    return store


@pytest.fixture
def forums() -> FakeForums:
    return FakeForums()


def desk(forums: FakeForums) -> CaseDesk:
    return CaseDesk(load_programs(CURRICULA), Catalogs(), Staff((ADMIN,)), forums)


def text(chat_id: int, words: str, message_id: int = 50) -> TextMessage:
    user = UserRef(id=COORDINATOR if chat_id != PERSON else PERSON)
    return TextMessage(
        update_id=1, user=user, chat_id=chat_id, at=T0, message_id=message_id, text=words
    )


async def with_group(store: MemoryStore) -> None:
    store.cases.groups["college"] = StaffGroup("college", GROUP, COORDINATOR, T0)


async def test_a_case_opens_a_topic_with_its_pinned_first_message(
    store: MemoryStore, forums: FakeForums
) -> None:
    await with_group(store)
    async with store.uow() as uow:
        person = store.persons[PERSON]
        case, effects = await desk(forums).open(uow, person, CaseKind.CRISIS, T0)
        again, more = await desk(forums).open(uow, person, CaseKind.CRISIS, T0)
        await uow.commit()
    assert forums.opened == [(GROUP, "🆘 Tiger-42 · crisis", 100)]
    assert case.thread_id == 100 and case.staff_chat_id == GROUP and case.is_open
    assert again == case and more == [], "one open case per person and kind"
    head, card = effects
    assert isinstance(head, SendText) and head.chat_id == GROUP and head.thread_id == 100
    assert head.safety and not head.pin and "<b>Tiger-42</b>" in head.text
    assert "Close case" in str(head.buttons) and "goes to the person" in head.text
    assert isinstance(card, SendText) and (card.chat_id, card.thread_id) == (GROUP, 100)
    assert card.pin and card.safety and "Tiger-42" in card.text, "the case file, pinned"
    [entry] = store.staff.audit.values()
    assert (entry.action, entry.target, entry.organisation) == (
        "case opened",
        "Tiger-42",
        "college-mentors",
    )
    assert str(PERSON) not in entry.target


async def test_without_a_topic_nothing_is_lost(store: MemoryStore, forums: FakeForums) -> None:
    await with_group(store)
    forums.fail = RejectedRequest("Bad Request: not enough rights to create a topic")
    async with store.uow() as uow:
        case, effects = await desk(forums).open(uow, store.persons[PERSON], CaseKind.TEAM, T0)
        desks = await desk(forums).desks(uow, case)
    assert case.is_open and case.thread_id is None and case.staff_chat_id == GROUP
    assert desks == [Desk(GROUP), Desk(ADMIN), Desk(COORDINATOR)]
    assert {e.chat_id for e in effects if isinstance(e, SendText)} == {GROUP, ADMIN, COORDINATOR}


async def test_without_a_staff_group_the_private_chats(
    store: MemoryStore, forums: FakeForums
) -> None:
    async with store.uow() as uow:
        built = await desk(forums).post(
            uow,
            store.persons[PERSON],
            CaseKind.REPORT,
            T0,
            lambda staff: [SendText(chat_id=c, text="alert") for c in staff.chat_ids],
        )
    assert forums.opened == []
    assert [(e.chat_id, e.thread_id) for e in built if isinstance(e, SendText)] == [
        (ADMIN, None),
        (COORDINATOR, None),
    ], "an alert is its own first message in private chats, as before the inbox"


async def test_an_alert_goes_into_the_topic(store: MemoryStore, forums: FakeForums) -> None:
    await with_group(store)
    async with store.uow() as uow:
        built = await desk(forums).post(
            uow,
            store.persons[PERSON],
            CaseKind.CRISIS,
            T0,
            lambda staff: [SendText(chat_id=c, text="alert", safety=True) for c in staff.chat_ids],
        )
    head, card, alert = built
    assert isinstance(alert, SendText) and (alert.chat_id, alert.thread_id) == (GROUP, 100)
    assert alert.safety and not alert.pin and isinstance(card, SendText) and card.pin


async def test_words_both_ways(store: MemoryStore, forums: FakeForums) -> None:
    await with_group(store)
    cases = desk(forums)
    async with store.uow() as uow:
        person = store.persons[PERSON]
        case, _ = await cases.open(uow, person, CaseKind.TEAM, T0)
        [out] = await cases.to_person(uow, case, person, COORDINATOR, text(GROUP, "Ciao <3"), T0)
        photo = MediaMessage(
            update_id=2,
            user=UserRef(id=COORDINATOR),
            chat_id=GROUP,
            at=T0,
            message_id=51,
            media=MediaKind.PHOTO,
            caption="guarda",
        )
        [copy] = await cases.to_person(uow, case, person, COORDINATOR, photo, T0)
        back = await cases.to_team(uow, case, person, text(PERSON, "grazie & ciao"), T0)
        await note_sent(uow, out, 777)
        await note_sent(uow, copy, 778)  # a reply to a team photo goes to the case too
        voice = MediaMessage(
            update_id=3,
            user=UserRef(id=PERSON),
            chat_id=PERSON,
            at=T0,
            message_id=52,
            media=MediaKind.VOICE,
            reply_to_message_id=778,
        )
        [heard] = await cases.to_team(uow, case, person, voice, T0)
        await uow.commit()
    assert isinstance(heard, CopyMessage) and (heard.chat_id, heard.thread_id) == (GROUP, 100)
    assert (heard.from_chat_id, heard.message_id, heard.caption) == (PERSON, 52, "<b>Tiger-42</b>")
    assert isinstance(out, SendText) and out.chat_id == PERSON
    assert out.text.startswith("🏛 <b>Team del programma</b>") or out.text.startswith("🏛 <b>")
    assert "Ciao &lt;3" in out.text and out.tag == f"case:{case.id}"
    assert isinstance(copy, CopyMessage) and copy.from_chat_id == GROUP and copy.message_id == 51
    assert copy.caption is not None and "guarda" in copy.caption and copy.caption.startswith("🏛")
    [into] = back
    assert isinstance(into, SendText) and (into.chat_id, into.thread_id) == (GROUP, 100)
    assert into.text == "<b>Tiger-42</b>: grazie &amp; ciao"
    assert store.cases.messages == {(PERSON, 777): case.id, (PERSON, 778): case.id}
    actions = [e.action for e in store.staff.audit.values()]
    assert actions == [
        "case opened",
        "team message",
        "team message",
        "message to team",
        "message to team",
    ]
    assert not any("Ciao" in e.detail or "grazie" in e.detail for e in store.staff.audit.values())


async def test_private_chats_answer_whoever_wrote(store: MemoryStore, forums: FakeForums) -> None:
    cases = desk(forums)
    async with store.uow() as uow:
        person = store.persons[PERSON]
        case, _ = await cases.open(uow, person, CaseKind.TEAM, T0)
        await cases.to_person(uow, case, person, COORDINATOR, text(COORDINATOR, "Ciao"), T0)
        stored = await uow.cases.get(case.id)
        assert stored is not None
        back = await cases.to_team(uow, stored, person, text(PERSON, "grazie"), T0)
    assert [(e.chat_id, e.thread_id) for e in back if isinstance(e, SendText)] == [
        (COORDINATOR, None)
    ]


async def test_closing_and_reopening(store: MemoryStore, forums: FakeForums) -> None:
    await with_group(store)
    cases = desk(forums)
    async with store.uow() as uow:
        case, _ = await cases.open(uow, store.persons[PERSON], CaseKind.TEAM, T0)
        closed = await cases.close(
            uow, case, COORDINATOR, T0 + timedelta(hours=1), close_topic=True
        )
        twice = await cases.close(uow, case, COORDINATOR, T0, close_topic=True)
        assert closed == [CloseTopic(chat_id=GROUP, thread_id=100)] and twice == []
        assert await uow.cases.open_case(PERSON, CaseKind.TEAM) is None
        stored = await uow.cases.get(case.id)
        assert stored is not None and stored.status is CaseStatus.CLOSED
        await cases.reopen(uow, stored, COORDINATOR, T0, reopen_topic=False)
        assert await uow.cases.open_case(PERSON, CaseKind.TEAM) is not None
        await uow.commit()
    actions = [e.action for e in store.staff.audit.values()]
    assert actions == ["case opened", "case closed", "case reopened"]


def test_placed_puts_each_effect_in_its_desks_topic() -> None:
    effects = [SendText(chat_id=GROUP, text="a"), SendText(chat_id=ADMIN, text="b")]
    case = Case(PERSON, CaseKind.TEAM, "college", T0, id=3, staff_chat_id=GROUP, thread_id=9)
    out = placed(effects, [Desk(GROUP, 9), Desk(ADMIN)], case)
    assert [(e.chat_id, e.thread_id) for e in out if isinstance(e, SendText)] == [
        (GROUP, 9),
        (ADMIN, None),
    ]
