"""/panel, the staff home: a card of live counts over the programs of the staff member's
organisation (waiting for approval, open reports and alerts, pairs needing attention, quiet
pairs, this week's figures), a button for each list and one that edits the card in place with
fresh counts. The lists are the other commands' own (/pending, /reports, /pairs filtered to
the pairs needing attention or the quiet ones, /stats), sent as new messages under the card.
On programs nobody has joined, the card says what to do first.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.effects import Keyboard
from bot.handlers.staff import figures as staff_figures
from bot.handlers.staff import pair_list as staff_pair_list
from bot.handlers.staff import people as staff_people
from bot.handlers.staff import reports as staff_reports
from bot.handlers.staff.kit import StaffCall
from bot.messages.panel import (
    ATTENTION,
    BROADCAST,
    FIGURES,
    PENDING,
    QUIET,
    REFRESH,
    REPORTS,
    broadcast_help,
    panel_card,
)
from bot.messages.staff import esc
from bot.services.panel import panel_counts
from bot.services.stats import Period


def _names(call: StaffCall) -> str:
    return ", ".join(p.name.get(call.t.language) for p in call.actor.programs(call.programs))


async def _card(call: StaffCall) -> tuple[str, Keyboard]:
    programs = call.actor.programs(call.programs)
    counts = await panel_counts(
        call.uow, programs, lambda code: call.actor.reaches(call.programs.get(code)), call.now
    )
    return panel_card(counts, esc(_names(call)), call.now, call.t)


async def panel(call: StaffCall) -> None:
    if not call.actor.programs(call.programs):
        raise call.refuse(call.t._("Your organisation has no programs yet."))
    text, buttons = await _card(call)
    call.say(text, buttons)


def _as(call: StaffCall, name: str) -> StaffCall:
    """The call as the command `name` (its usage lines, its buttons), answered with a new
    message under the panel rather than in place of it."""
    command = call.services.registry.staff_command(name)
    assert command is not None
    return replace(call, command=command, message_id=None)


async def panel_press(call: StaffCall, rest: list[str]) -> None:
    what = rest[0] if len(rest) == 1 else ""
    if what == REFRESH:
        text, buttons = await _card(call)
        call.show(text, buttons)
    elif what == PENDING:
        await staff_people.pending_press(_as(call, "pending"), ["*", "0"])
    elif what == REPORTS:
        await staff_reports.reports_press(_as(call, "reports"), ["*", "0"])
    elif what in (ATTENTION, QUIET):  # /pairs with its filter (the same rule as the counts)
        await staff_pair_list.pairs_press(_as(call, "pairs"), ["*", "0", what])
    elif what == FIGURES:
        programs = call.actor.programs(call.programs)
        await staff_figures.show_figures(_as(call, "stats"), programs, "*", Period.DAYS_30)
    elif what == BROADCAST:
        programs = call.actor.programs(call.programs)
        if not programs:
            raise call.refuse(call.t._("Your organisation has no programs yet."))
        first = programs[0]
        call.say(broadcast_help(first.code, first.name.get(call.t.language), call.t))
    else:
        call.turn.answer_stale(call.callback_id or "")
