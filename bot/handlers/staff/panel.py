"""/panel, the staff home: a card of live counts over the programs of the staff member's
organisation (waiting for approval, open reports and alerts, pairs needing attention, quiet
pairs, this week's figures), a button for each list and one that edits the card in place with
fresh counts. The lists are the other commands' own (/pending, /reports, /stats), sent as new
messages under the card; the pairs needing attention and the quiet ones are listed here, with
the health rule the counts use. On programs nobody has joined, the card says what to do first.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.effects import Keyboard
from bot.core.health import HealthBucket
from bot.handlers.staff import figures as staff_figures
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
from bot.messages.staff import PAGE_SIZE, bucket_label, esc, name_of, status_of
from bot.services.panel import live_pairs_by_health, panel_counts
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
    elif what in (ATTENTION, QUIET):
        await _pairs(call, quiet=what == QUIET)
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


async def _pairs(call: StaffCall, quiet: bool) -> None:
    """The pairs needing attention (not on track) or the quiet ones, the most urgent first."""
    programs = call.actor.programs(call.programs)
    found = [
        (pair, bucket)
        for pair, bucket, silent in await live_pairs_by_health(call.uow, programs, call.now)
        if (silent if quiet else bucket is not HealthBucket.ON_TRACK)
    ]
    if not found:
        call.say(
            call.t._("No pair is quiet right now.")
            if quiet
            else call.t._("Every pair is on track right now.")
        )
        return
    found.sort(key=lambda item: item[0].last_activity_at or item[0].started_at)
    shown = found[:PAGE_SIZE]
    ids = {i for pair, _ in shown for i in (pair.mentee_id, pair.mentor_id)}
    people = {p.id: p for p in await call.uow.persons.get_many(ids)}
    names = {p.code: p.name.get(call.t.language) for p in programs}
    title = (
        call.t.n_("<b>{n} quiet pair</b>", "<b>{n} quiet pairs</b>", len(found))
        if quiet
        else call.t.n_(
            "<b>{n} pair needing attention</b>", "<b>{n} pairs needing attention</b>", len(found)
        )
    )
    lines = [title]
    for pair, bucket in shown:
        last = (pair.last_activity_at or pair.started_at).strftime("%Y-%m-%d")
        lines.append(
            f"#{pair.id} {esc(name_of(people.get(pair.mentee_id), pair.mentee_id))} ↔ "
            f"{esc(name_of(people.get(pair.mentor_id), pair.mentor_id))} · "
            f"{esc(names.get(pair.program, pair.program))} · {status_of(pair, call.t)} · "
            f"{bucket_label(bucket, call.t)} · " + call.t._("last activity {when}", when=last)
        )
    if len(found) > len(shown):
        lines.append(call.t._("…and {n} more: /pairs lists them all.", n=len(found) - len(shown)))
    call.say("\n".join(lines))
