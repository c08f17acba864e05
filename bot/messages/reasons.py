"""The reasons people choose from, as the words they read: why a mentorship ended (/end), what a
report is about (/report), and why the program team turns down a mentor (/pending's Reject). The
codes are stored; the words are translated when shown."""

from __future__ import annotations

from collections.abc import Mapping

from bot.i18n import N_, Translator

END_REASONS: Mapping[str, str] = {
    "goals": N_("We reached our goals"),
    "time": N_("Not enough time"),
    "fit": N_("Not a good fit"),
    "other": N_("Another reason"),
}

REPORT_REASONS: Mapping[str, str] = {
    "unsafe": N_("I feel unsafe"),
    "inappropriate": N_("Inappropriate messages"),
    "money": N_("Asked for money or personal details"),
    "harassment": N_("Harassment or threats"),
    "other": N_("Something else"),
}

ALERT_REASONS: Mapping[str, str] = {
    "crisis": N_("Crisis words in a message"),
    "blocked": N_("Blocked their partner"),
}
"""What raised a report that no one chose from the list above (`bot.services.crisis.CRISIS`,
`bot.core.models.CLOSED_BY_BLOCK`), as staff read it."""

REJECT_REASONS: Mapping[str, str] = {
    "places": N_("We have no places for new mentors right now"),
    "fit": N_("Your profile doesn't match what this program needs"),
    "training": N_("The training results were not enough"),
    "age": N_("This program needs mentors with more experience"),
}
"""Common reasons for turning down a mentor, offered as buttons (staff can also type one). The
mentor reads the reason in their own language."""


def reason_in_words(code: str, labels: Mapping[str, str], t: Translator) -> str:
    """A stored reason in words: a code of `labels` translated, anything else (what someone
    typed) as it is, unescaped (message placeholders escape it)."""
    label = labels.get(code)
    return t._(label) if label is not None else code


def report_reason(code: str, t: Translator) -> str:
    """What a report is about, in words."""
    return reason_in_words(code, {**REPORT_REASONS, **ALERT_REASONS}, t)
