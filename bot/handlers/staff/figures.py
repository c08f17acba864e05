"""Staff commands that produce figures and files: /stats (a summary with period buttons, then one
chart per question sent as photos) and /export (a CSV of pairs and progress, and a CSV of the
charts' figures, sent as documents). Charts are drawn in a worker thread so the event loop never
waits on them.

/stats buttons are `st:stats:<program or *>:<period>` (redraw for 30 days, 90 days or all time:
the summary is edited in place, new charts follow) and `…:<period>:csv` (the figures as a CSV).
On programs nobody has joined yet, /stats says what to do first instead of a row of zeros.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

from babel.dates import format_date

from bot.core.effects import Button, Keyboard, SendDocument, SendPhoto
from bot.core.programs import Program
from bot.handlers.staff.kit import StaffCall
from bot.i18n import Translator
from bot.messages.panel import first_steps
from bot.messages.staff import STAFF_PREFIX, bucket_label
from bot.services.export import figures_csv, pairs_csv
from bot.services.stats import Figures, Period, Stage, Stats, program_figures, program_stats
from bot.services.stats_chart import ChartLabels, render_charts

CSV = "csv"


def names_of(programs: Sequence[Program], t: Translator) -> str:
    """The programs' names in the reader's language (never their codes)."""
    return ", ".join(p.name.get(t.language) for p in programs)


def period_words(period: Period, t: Translator) -> str:
    """A period as staff read it on the buttons."""
    return {
        Period.DAYS_30: t._("30 days"),
        Period.DAYS_90: t._("90 days"),
        Period.ALL: t._("All time"),
    }[period]


def span_words(figures: Figures, t: Translator) -> str:
    """The period and its dates ("Last 30 days, 8 Nov – 7 Dec 2026")."""
    start = format_date(figures.start.date(), "d MMM y", locale=t.language)
    last = figures.end - timedelta(days=1)  # the last bin ends at the next midnight
    end = format_date(last.date(), "d MMM y", locale=t.language)
    if figures.period is Period.ALL:
        return t._("All time, {start} – {end}", start=start, end=end)
    return t.n_(
        "Last {n} day, {start} – {end}",
        "Last {n} days, {start} – {end}",
        int(figures.period.value),
        start=start,
        end=end,
    )


def summary(stats: Stats, figures: Figures, scope: str, t: Translator) -> str:
    """The text that goes with the charts."""
    rate = f"{stats.match_rate:.0%}" if stats.match_rate is not None else "—"
    median = stats.median_days_to_match
    lines = [
        t._("<b>Figures for {scope}</b>", scope=scope),
        t._(
            "Joined: {joined} · signed up: {onboarded} (mentees: {mentees}, mentors: {mentors}, "
            "approved: {approved})",
            joined=stats.joined,
            onboarded=stats.onboarded,
            mentees=stats.mentees,
            mentors=stats.mentors,
            approved=stats.mentors_approved,
        ),
        t.n_(
            "Match rate: {rate} ({matched} of {n} mentee)",
            "Match rate: {rate} ({matched} of {n} mentees)",
            stats.mentees,
            rate=rate,
            matched=stats.mentees_matched,
        ),
        *(  # no "— days" before the first match
            [t._("Median time to match: {days} days", days=f"{median:.1f}")]
            if median is not None
            else []
        ),
        t._(
            "Pairs: {active} active, {paused} paused, {ended} ended",
            active=stats.active_pairs,
            paused=stats.paused_pairs,
            ended=stats.ended_pairs,
        ),
        " · ".join(f"{bucket_label(b, t)}: {n}" for b, n in stats.health),
        "",
        f"<b>{span_words(figures, t)}</b>",
        " · ".join(
            (
                t.n_("{n} person joined", "{n} people joined", figures.people),
                t.n_("{n} step delivered", "{n} steps delivered", sum(figures.delivered)),
                t.n_("{n} check-in answered", "{n} check-ins answered", sum(figures.answered)),
            )
        ),
    ]
    return "\n".join(lines)


def stage_words(t: Translator) -> tuple[str, ...]:
    """Each `Stage` in words, in its order."""
    words = {
        Stage.SIGNING_UP: t._("Signing up"),
        Stage.IN_TRAINING: t._("Mentors in training"),
        Stage.WAITING_APPROVAL: t._("Waiting for approval"),
        Stage.READY: t._("Mentors free to pair"),
        Stage.WAITING_MENTOR: t._("Mentees waiting for a mentor"),
        Stage.PAIRED: t._("In a pair"),
        Stage.STOPPED: t._("Turned down or banned"),
    }
    return tuple(words[s] for s in Stage)


def bin_words(figures: Figures, t: Translator) -> tuple[str, ...]:
    """Each time bin's first day, short ("4 May")."""
    return tuple(format_date(b.date(), "d MMM", locale=t.language) for b in figures.bins)


def labels(figures: Figures, scope: str, t: Translator) -> ChartLabels:
    """The charts' texts in the reader's language (plain text: nothing is HTML-escaped)."""
    return ChartLabels(
        language=t.language,
        scope=f"{scope}\n{span_words(figures, t)}",  # the programs, then the period
        stages_title=t._("Where people are now"),
        stages=stage_words(t),
        people=t._("people"),
        health_title=t._("Pairs by health"),
        buckets=(t._("on track"), t._("needs check-in"), t._("at risk")),
        pairs=t._("pairs"),
        steps_title=t._("Steps delivered and check-ins answered"),
        delivered=t._("steps delivered to mentees"),
        answered=t._("check-ins answered"),
        steps=t._("steps"),
        bins=bin_words(figures, t),
        nothing=t._("Nothing yet in this period"),
    )


def period_buttons(key: str, shown: Period, t: Translator) -> Keyboard:
    """30 days / 90 days / All time (the one shown ticked), and the figures as a CSV."""
    row = tuple(
        Button(
            ("• " if p is shown else "") + period_words(p, t),
            data=f"{STAFF_PREFIX}stats:{key}:{p.value}",
        )
        for p in Period
    )
    csv = Button(t._("⬇ These figures as CSV"), data=f"{STAFF_PREFIX}stats:{key}:{shown}:{CSV}")
    return (row, (csv,))


async def stats(call: StaffCall) -> None:
    words = call.words()
    programs = call.programs_of(words)
    if not programs:
        raise call.refuse(call.t._("Your organisation has no programs yet."))
    await show_figures(call, programs, words[0] if words else "*", Period.DAYS_30)


async def stats_press(call: StaffCall, rest: list[str]) -> None:
    """A period button (redraw) or the CSV button of a /stats summary."""
    period = Period.read(rest[1]) if len(rest) in (2, 3) else None
    if period is None or (len(rest) == 3 and rest[2] != CSV):
        call.turn.answer_stale(call.callback_id or "")
        return
    programs = call.programs_of([] if rest[0] == "*" else [rest[0]])
    if len(rest) == 3:
        await send_figures_csv(call, programs, period)
    else:
        await show_figures(call, programs, rest[0], period)


async def show_figures(
    call: StaffCall, programs: Sequence[Program], key: str, period: Period
) -> None:
    """The summary (edited in place on a period button) and the charts for `period`."""
    scope = names_of(programs, call.t)
    if not await call.uow.staff.people([p.code for p in programs]):
        call.show(first_steps(scope, call.t))
        return
    stats = await program_stats(call.uow, programs, call.now)
    figures = await program_figures(call.uow, call.programs, programs, period, call.now)
    charts = await asyncio.to_thread(render_charts, figures, labels(figures, scope, call.t))
    call.show(summary(stats, figures, scope, call.t), period_buttons(key, period, call.t))
    for filename, png in charts:
        call.turn.effects.append(
            SendPhoto(
                chat_id=call.turn.reply_chat,  # a staff group's topic, or the private chat
                thread_id=call.turn.reply_thread,
                filename=filename,
                content=png,
            )
        )
    await call.audit(
        "stats", _one(programs), names_of(programs, call.t), period_words(period, call.t)
    )


def _one(programs: Sequence[Program]) -> str | None:
    return programs[0].code if len(programs) == 1 else None


async def send_figures_csv(call: StaffCall, programs: Sequence[Program], period: Period) -> None:
    """The charts' figures over `period` as a CSV document."""
    figures = await program_figures(call.uow, call.programs, programs, period, call.now)
    codes = "-".join(p.code for p in programs)
    scope = names_of(programs, call.t)
    content = figures_csv(figures, programs, labels(figures, scope, call.t))
    if call.callback_id is not None:
        call.turn.answer(call.callback_id)
    call.turn.effects.append(
        SendDocument(
            chat_id=call.turn.reply_chat,
            thread_id=call.turn.reply_thread,
            filename=f"figures-{codes}-{period.value}-{call.now:%Y%m%d}.csv",
            content=content,
            caption=call.t._(
                "Figures of {scope} · {span}", scope=scope, span=span_words(figures, call.t)
            ),
        )
    )
    await call.audit("export", _one(programs), codes, f"figures {period.value}")


async def export(call: StaffCall) -> None:
    programs = call.programs_of(call.words())
    if not programs:
        raise call.refuse(call.t._("Your organisation has no programs yet."))
    scope = "-".join(p.code for p in programs)
    content = await pairs_csv(call.uow, programs, call.now)
    name = f"pairs-{scope}-{call.now:%Y%m%d}.csv"
    call.turn.effects.append(
        SendDocument(
            chat_id=call.turn.reply_chat,
            thread_id=call.turn.reply_thread,
            filename=name,
            content=content,
            caption=call.t._("Pairs and progress of {scope}", scope=names_of(programs, call.t)),
        )
    )
    await call.audit("export", _one(programs), scope)
    await send_figures_csv(call, programs, Period.ALL)
