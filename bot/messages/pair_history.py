"""A mentee and a mentor's past, in words for staff: each earlier pair of the two that ended
and each proposal the mentor declined, with its date, who did it and why
("ended on 3 Nov 2026 by the mentee: “Not a good fit”").

Such a couple is never proposed (`bot.services.matchmaking`) nor suggested
(`bot.services.batch_matching`) again; staff who `/pair` them by hand see these lines and
confirm first (`bot.handlers.staff.pairs`).
"""

from __future__ import annotations

from collections.abc import Sequence

from babel.dates import format_date

from bot.core.models import (
    CLOSED_BY_BAN,
    CLOSED_BY_BLOCK,
    CLOSED_BY_ERASURE,
    CLOSED_BY_STAFF,
    Pair,
    PastCouple,
    PastOutcome,
    Person,
)
from bot.i18n import N_, Translator
from bot.messages.matching import DECLINE_REASONS
from bot.messages.reasons import END_REASONS

OTHER_REASONS = {
    CLOSED_BY_BLOCK: N_("blocked the other person"),
    CLOSED_BY_ERASURE: N_("asked for their data to be erased"),
    CLOSED_BY_BAN: N_("a ban by the program team"),
}


def reason_words(couple: PastCouple, t: Translator) -> str:
    """Why it ended or was declined, in words (what staff typed as it is: the message
    placeholders escape it)."""
    reason = couple.reason or ""
    labels = END_REASONS if couple.outcome is PastOutcome.ENDED else DECLINE_REASONS
    if reason in labels:
        return t._(labels[reason])
    if reason in OTHER_REASONS and couple.outcome is PastOutcome.ENDED:
        return t._(OTHER_REASONS[reason])
    if not reason or reason == CLOSED_BY_STAFF:
        return t._("no reason given")
    return reason


def history_line(couple: PastCouple, mentee: Person, mentor: Person, t: Translator) -> str:
    """One past attempt of the two, as a sentence without its leading bullet."""
    return _line(couple, mentee.id, mentor.id, t)


def ended_line(pair: Pair, t: Translator) -> str:
    """How an ended pair ended, as a sentence ("ended on 3 Nov 2026 by the mentee: “Not a good
    fit”")."""
    couple = PastCouple(
        mentee_id=pair.mentee_id,
        mentor_id=pair.mentor_id,
        outcome=PastOutcome.ENDED,
        at=pair.ended_at or pair.started_at,
        by=pair.ended_by,
        reason=pair.end_reason,
    )
    return _line(couple, pair.mentee_id, pair.mentor_id, t)


def _line(couple: PastCouple, mentee_id: int, mentor_id: int, t: Translator) -> str:
    date = format_date(couple.at, "d MMM yyyy", locale=t.language)
    reason = reason_words(couple, t)
    if couple.outcome is PastOutcome.DECLINED:
        return t._("declined on {date} by the mentor: “{reason}”", date=date, reason=reason)
    if couple.by == mentee_id:
        return t._("ended on {date} by the mentee: “{reason}”", date=date, reason=reason)
    if couple.by == mentor_id:
        return t._("ended on {date} by the mentor: “{reason}”", date=date, reason=reason)
    return t._("ended on {date} by the program team: “{reason}”", date=date, reason=reason)


def history_lines(
    couples: Sequence[PastCouple], mentee: Person, mentor: Person, t: Translator
) -> list[str]:
    """Every past attempt of this mentee with this mentor, oldest first, one per line."""
    return [
        f"• {history_line(c, mentee, mentor, t)}"
        for c in couples
        if (c.mentee_id, c.mentor_id) == (mentee.id, mentor.id)
    ]
