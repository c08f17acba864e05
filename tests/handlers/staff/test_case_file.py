"""The case file (/user, and the card at the top of a case topic): the person's whole story in
words, split into messages under Telegram's limit, with buttons for what staff can do next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.effects import SendText
from bot.core.models import (
    Pair,
    PairStatus,
    Report,
    ReportStatus,
    Role,
)
from bot.core.staff import StaffMember, StaffRole
from tests.dialog import Bot, Dialog
from tests.factories import onboarded_person

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
COORDINATOR = 901


@pytest.fixture
def bot() -> Bot:
    bot = Bot()
    bot.store.staff.members[COORDINATOR] = StaffMember(
        user_id=COORDINATOR,
        organisation="college-mentors",
        role=StaffRole.COORDINATOR,
        added_at=T0,
    )
    bot.store.persons[1] = onboarded_person(
        1,
        Role.MENTEE,
        "college",
        T0,
        display_name="Mia",
        language="it",
        goals=("first_year",),
    )
    bot.store.persons[2] = onboarded_person(2, Role.MENTOR, "college", T0, display_name="Ned")
    bot.store.persons[3] = onboarded_person(3, Role.MENTOR, "college", T0, display_name="Ola")
    bot.store.pairs[7] = Pair(
        id=7,
        program="college",
        mentee_id=1,
        mentor_id=3,
        started_at=T0,
        status=PairStatus.ENDED,
        ended_at=T0 + timedelta(days=20),
        ended_by=1,
        end_reason="fit",
    )
    bot.store.pairs[8] = Pair(
        id=8, program="college", mentee_id=1, mentor_id=2, started_at=T0 + timedelta(days=21)
    )
    bot.store.reports[5] = Report(
        id=5,
        reporter_id=1,
        pair_id=7,
        reported_id=3,
        reason="harassment",
        status=ReportStatus.RESOLVED,
        created_at=T0 + timedelta(days=19),
        resolved_at=T0 + timedelta(days=20),
        resolution_note="Talked to both",
    )
    return bot


def sent(bot: Bot, chat: int) -> list[SendText]:
    return [
        e for e in bot.store.pending_effects() if isinstance(e, SendText) and e.chat_id == chat
    ]


async def test_the_case_file_tells_the_whole_story_in_words(bot: Bot) -> None:
    [card] = await Dialog(bot, COORDINATOR).say("/user Mia")
    print(card)
    assert "<b>Mia</b> · mentee" in card
    assert "College First Year" in card and "Italian" in card and "Europe/Rome" in card
    assert "with Ned (mentor)" in card and "with Ola (mentor)" in card
    assert "ended on 24 May 2026 by the mentee: “Not a good fit”" in card
    assert "Harassment or threats" in card and "Talked to both" in card
    assert "resolved on 24 May 2026" in card
    assert "#7" not in card and "#8" not in card and "(1)" not in card
    [effect] = sent(bot, COORDINATOR)
    labels = [b.text for row in effect.buttons for b in row]
    assert "⏸ Pause with Ned" in labels and "💬 Message" in labels
