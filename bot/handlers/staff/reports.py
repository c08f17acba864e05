"""/reports: the open safeguarding reports of the staff member's programs, with their context
(program, pair, who reported whom, what they wrote to the program team), a page at a time;
`/reports resolve ID NOTE` closes one with a note. Never the pair's relayed messages: the
alert that staff received when the report was filed carried those."""

from __future__ import annotations

from dataclasses import replace

from bot.core.models import Person, Report, ReportStatus
from bot.core.parsing.arguments import report_ref
from bot.handlers.staff.kit import StaffCall
from bot.messages.case_file import program_name
from bot.messages.reasons import report_reason
from bot.messages.staff import PAGE_SIZE, esc, name_of, page_buttons, page_footer


async def reports(call: StaffCall) -> None:
    words = call.words()
    ref = report_ref(words[1]) if len(words) >= 3 else None
    if not words:
        await _page(call, 0)
    elif words[0].lower() == "resolve" and ref is not None:
        await _resolve(call, ref, " ".join(words[2:]))
    else:
        raise call.usage()


async def reports_press(call: StaffCall, rest: list[str]) -> None:
    if len(rest) != 2 or not rest[1].isdigit():
        call.turn.answer_stale(call.callback_id or "")
        return
    await _page(call, int(rest[1]))


async def _mine(call: StaffCall) -> list[tuple[Report, str | None, Person | None]]:
    """Open reports about the actor's programs, priority ones first, then oldest first, each
    with its program's code and its reporter. A report with no program left (no pair, its
    reporter forgotten) reaches super-admins."""
    reports = await call.uow.safety.open_reports()
    pairs = {
        p.id: p for p in await call.uow.pairs.get_many({r.pair_id for r in reports if r.pair_id})
    }
    reporters = {
        p.id: p for p in await call.uow.persons.get_many({r.reporter_id for r in reports})
    }
    found = []
    for report in reports:
        pair = pairs.get(report.pair_id) if report.pair_id is not None else None
        reporter = reporters.get(report.reporter_id)
        code = pair.program if pair else reporter.program if reporter else None
        if call.actor.reaches(call.programs.get(code)):
            found.append((report, code, reporter))
    return found


async def _page(call: StaffCall, page: int) -> None:
    mine = await _mine(call)
    if not mine:
        call.show(call.t._("There are no open reports."))
        return
    pages = max(1, -(-len(mine) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = mine[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    reported_ids = {r.reported_id for r, _, _ in shown if r.reported_id}
    people = {p.id: p for p in await call.uow.persons.get_many(reported_ids)}
    lines = [call.t._("<b>Open reports</b> ({n})", n=len(mine))]
    for report, code, reporter in shown:
        reported = people.get(report.reported_id) if report.reported_id else None
        program = esc(program_name(call.programs.get(code), call.t))
        lines.append(
            ("🚨 " if report.priority else "• ")
            + f"<b>{report.id}</b> · {report.created_at:%Y-%m-%d %H:%M} · {program} · "
            + f"{esc(report_reason(report.reason, call.t))}\n  "
            + call.t._("by {who}", who=name_of(reporter, report.reporter_id))
            + (" → " + esc(name_of(reported, report.reported_id)) if report.reported_id else "")
            + (f"\n  “{esc(report.text[:300])}”" if report.text else "")
        )
    if pages > 1:
        lines.append(page_footer(page, pages, call.t))
    lines.append(call.t._("Resolve one with /reports resolve ID NOTE"))
    call.show("\n".join(lines), page_buttons("reports", "*", page, pages, call.t))


async def _resolve(call: StaffCall, report_id: int, note: str) -> None:
    found, code = next(
        ((r, c) for r, c, _ in await _mine(call) if r.id == report_id), (None, None)
    )
    if found is None:
        raise call.usage(
            call.t._("There is no open report {id} in your organisation's programs.", id=report_id)
        )
    await call.uow.safety.update_report(
        replace(found, status=ReportStatus.RESOLVED, resolved_at=call.now, resolution_note=note)
    )
    await call.audit("reports resolve", code, f"report {report_id}", note)
    call.say(call.t._("Report {id} is resolved.", id=report_id))
