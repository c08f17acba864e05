"""The reasons people choose from, as the words they read: why a mentorship ended (/end) and
what a report is about (/report). The codes are stored; the words are translated when shown."""

from __future__ import annotations

from collections.abc import Mapping

from bot.i18n import N_

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
