"""What the staff home (`/panel`) says: a card of live counts with a button per list
(`st:panel:<what>`), what to do first on programs nobody has joined, and how to write a
broadcast. Pure builders; `bot.handlers.staff.panel` fills them with
`bot.services.panel.panel_counts`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.effects import Button, Keyboard
from bot.i18n import Html, Translator
from bot.messages.staff import STAFF_PREFIX

PANEL = f"{STAFF_PREFIX}panel:"
PENDING, REPORTS, ATTENTION, QUIET, FIGURES, BROADCAST, REFRESH = (
    "pending",
    "reports",
    "attention",
    "quiet",
    "figures",
    "broadcast",
    "refresh",
)
WHATS = (PENDING, REPORTS, ATTENTION, QUIET, FIGURES, BROADCAST, REFRESH)
"""What a panel button opens (the last part of its data)."""


@dataclass(frozen=True)
class PanelCounts:
    """What the staff home shows (counted by `bot.services.panel.panel_counts`)."""

    people: int  # everyone who opened the programs' links
    waiting: int  # mentors waiting for approval
    reports: int  # open reports and crisis alerts
    attention: int  # pairs not on track
    quiet: int  # pairs with no message for a while
    joined_week: int
    delivered_week: int


def _button(text: str, what: str) -> tuple[Button]:
    return (Button(text, data=f"{PANEL}{what}"),)


def panel_card(
    counts: PanelCounts, names: str, at: datetime, t: Translator
) -> tuple[str, Keyboard]:
    """The home card: the counts, a button for each list, and Refresh."""
    refresh = _button(t._("🔄 Refresh"), REFRESH)
    updated = t._("Updated at {time} UTC", time=f"{at:%H:%M}")
    if not counts.people:
        return f"{first_steps(names, t)}\n\n<i>{updated}</i>", (refresh,)
    lines = [
        t._("<b>Today · {names}</b>", names=names),
        "⏳ "
        + t.n_(
            "{n} mentor waiting for approval", "{n} mentors waiting for approval", counts.waiting
        ),
        "🚨 " + t.n_("{n} open report or alert", "{n} open reports or alerts", counts.reports),
        "🟡 "
        + t.n_("{n} pair needing attention", "{n} pairs needing attention", counts.attention),
        "💤 " + t.n_("{n} quiet pair", "{n} quiet pairs", counts.quiet),
        "📈 "
        + t._(
            "This week: {joined} · {delivered}",
            joined=Html(t.n_("{n} person joined", "{n} people joined", counts.joined_week)),
            delivered=Html(
                t.n_("{n} step delivered", "{n} steps delivered", counts.delivered_week)
            ),
        ),
        "",
        f"<i>{updated}</i>",
    ]
    buttons = (
        _button(t._("⏳ Waiting for approval ({n})", n=counts.waiting), PENDING),
        _button(t._("🚨 Open reports and alerts ({n})", n=counts.reports), REPORTS),
        _button(t._("🟡 Pairs needing attention ({n})", n=counts.attention), ATTENTION),
        _button(t._("💤 Quiet pairs ({n})", n=counts.quiet), QUIET),
        (
            Button(t._("📈 This week's figures"), data=f"{PANEL}{FIGURES}"),
            Button(t._("📣 Broadcast"), data=f"{PANEL}{BROADCAST}"),
        ),
        refresh,
    )
    return "\n".join(lines), buttons


def first_steps(names: str, t: Translator) -> str:
    """What to do first on programs nobody has joined yet (instead of a row of zeros)."""
    return t._(
        "<b>Nobody has joined {names} yet.</b>\nFirst share the program's join link: /program "
        "link gives it. Figures and charts appear here once people sign up.",
        names=names,
    )


def broadcast_help(code: str, name: str, t: Translator) -> str:
    """How to write a broadcast, with an example for one of the staff member's programs."""
    return "\n".join(
        (
            t._("<b>📣 A message to everyone in a program</b>"),
            t._(
                "Write /broadcast, the program, who gets it (mentees, mentors or all) and the "
                "message. For {name}:",
                name=name,
            ),
            "<code>"
            + t._(
                "/broadcast {code} all Our next group call is on Thursday at 18:00. See you "
                "there!",
                code=code,
            )
            + "</code>",
            t._("You see a preview first, and nothing is sent until you confirm it."),
        )
    )
