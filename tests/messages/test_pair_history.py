"""What staff read before pairing a couple again (issue 13, defect 7): each past attempt in
words, with its date, who ended or declined it and why, in the staff member's language."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.models import PastCouple, PastOutcome, Role
from bot.i18n import Catalogs
from bot.messages.pair_history import history_lines
from tests.factories import onboarded_person

AT = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)
MENTEE, MENTOR, STAFF = 1, 2, 9000


def past(outcome: PastOutcome, by: int | None, reason: str | None) -> PastCouple:
    return PastCouple(
        mentee_id=MENTEE, mentor_id=MENTOR, outcome=outcome, at=AT, by=by, reason=reason
    )


def test_every_kind_of_ending_and_decline_in_words() -> None:
    mentee = onboarded_person(MENTEE, Role.MENTEE, "college", AT)
    mentor = onboarded_person(MENTOR, Role.MENTOR, "college", AT)
    other = PastCouple(
        mentee_id=MENTEE, mentor_id=3, outcome=PastOutcome.ENDED, at=AT, by=3, reason="fit"
    )
    couples = [
        past(PastOutcome.ENDED, MENTEE, "fit"),
        past(PastOutcome.ENDED, MENTOR, "blocked"),
        past(PastOutcome.ENDED, STAFF, "moving <abroad>"),
        past(PastOutcome.ENDED, STAFF, "staff"),
        past(PastOutcome.DECLINED, MENTOR, "busy"),
        past(PastOutcome.DECLINED, MENTOR, None),
        other,  # another mentor: not shown
    ]
    t = Catalogs().translator("en")
    assert history_lines(couples, mentee, mentor, t) == [
        "• ended on 3 Nov 2026 by the mentee: “Not a good fit”",
        "• ended on 3 Nov 2026 by the mentor: “blocked the other person”",
        "• ended on 3 Nov 2026 by the program team: “moving &lt;abroad&gt;”",
        "• ended on 3 Nov 2026 by the program team: “no reason given”",
        "• declined on 3 Nov 2026 by the mentor: “No time right now”",
        "• declined on 3 Nov 2026 by the mentor: “no reason given”",
    ]
    italian = history_lines(couples[:1], mentee, mentor, Catalogs().translator("it"))
    assert italian == ["• concluso il 3 nov 2026 dal mentee: “Non era l'abbinamento giusto”"]
