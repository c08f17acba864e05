"""Staff commands that produce figures and files: /stats (a text summary and a PNG chart sent as
a photo) and /export (a CSV of pairs and progress sent as a document). The chart is drawn in a
worker thread so the event loop never waits on it."""

from __future__ import annotations

import asyncio

from bot.core.effects import SendDocument, SendPhoto
from bot.handlers.staff.kit import StaffCall
from bot.i18n import Translator
from bot.messages.staff import bucket_label
from bot.services.export import pairs_csv
from bot.services.stats import Stats, program_stats
from bot.services.stats_chart import ChartLabels, render_chart


def summary(stats: Stats, scope: str, t: Translator) -> str:
    """The text that goes with the chart."""
    rate = f"{stats.match_rate:.0%}" if stats.match_rate is not None else "—"
    wait = f"{stats.median_days_to_match:.1f}" if stats.median_days_to_match is not None else "—"
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
        t._(
            "Match rate: {rate} ({matched} of {mentees} mentees)",
            rate=rate,
            matched=stats.mentees_matched,
            mentees=stats.mentees,
        ),
        t._("Median time to match: {days} days", days=wait),
        t._(
            "Pairs: {active} active, {paused} paused, {ended} ended",
            active=stats.active_pairs,
            paused=stats.paused_pairs,
            ended=stats.ended_pairs,
        ),
        " · ".join(f"{bucket_label(b, t)}: {n}" for b, n in stats.health),
        t._("Steps completed this week: {n}", n=stats.steps_per_week[-1][1]),
    ]
    return "\n".join(lines)


def labels(scope: str, t: Translator) -> ChartLabels:
    """The chart's texts in the reader's language."""
    return ChartLabels(
        title=t._("mentorbot · {scope}", scope=scope),
        funnel=t._("Onboarding funnel"),
        funnel_steps=(t._("joined"), t._("signed up"), t._("mentees"), t._("matched")),
        steps=t._("Steps completed per week"),
        health=t._("Pair health"),
        health_buckets=(t._("on track"), t._("needs check-in"), t._("at risk")),
        time_to_match=t._("Time to match"),
        days=t._("days"),
        no_matches=t._("no matches yet"),
    )


async def stats(call: StaffCall) -> None:
    programs = call.programs_of(call.words())
    if not programs:
        raise call.refuse(call.t._("Your organisation has no programs yet."))
    scope = ", ".join(p.code for p in programs)
    figures = await program_stats(call.uow, programs, call.now)
    png = await asyncio.to_thread(render_chart, figures, labels(scope, call.t))
    call.say(summary(figures, scope, call.t))
    call.turn.effects.append(
        SendPhoto(chat_id=call.turn.person.chat_id, filename="stats.png", content=png)
    )
    await call.audit("stats", programs[0].code if len(programs) == 1 else None, scope)


async def export(call: StaffCall) -> None:
    programs = call.programs_of(call.words())
    if not programs:
        raise call.refuse(call.t._("Your organisation has no programs yet."))
    scope = "-".join(p.code for p in programs)
    content = await pairs_csv(call.uow, programs, call.now)
    name = f"pairs-{scope}-{call.now:%Y%m%d}.csv"
    call.turn.effects.append(
        SendDocument(
            chat_id=call.turn.person.chat_id,
            filename=name,
            content=content,
            caption=call.t._("Pairs and progress of {scope}", scope=scope),
        )
    )
    await call.audit("export", programs[0].code if len(programs) == 1 else None, scope)
