"""The buttons of a crisis alert (`bot.services.crisis_alert`): pause the pair, open the writer's
case, show the pair's latest messages under the alert, mark the alert handled.

Each is a staff button of an existing command, so the router authorises it like that command
(`st:pause:<pair>` as /pause, `st:user:<person>` as /user, `st:reports:show|done:<report>` as
/reports), from what is stored, on every press; the pair, person or report must be of the
presser's organisation. A forged or stale press gets a short refusal and changes nothing; every
action is written to the audit log."""

from __future__ import annotations

from dataclasses import replace

from bot.core.effects import CopyMessage
from bot.core.models import Report, ReportStatus
from flows import staff_pairs, staff_people, staff_reports
from flows.staff_kit import StaffCall
from flows.staff_router import PressHandler

CONTEXT_MESSAGES = 10  # as many as the alert lists (bot.services.safety.CONTEXT_MESSAGES)


def _number(call: StaffCall, rest: list[str]) -> int | None:
    if len(rest) != 1 or not rest[0].isdigit():
        call.turn.answer_stale(call.callback_id or "")
        return None
    return int(rest[0])


async def pause_press(call: StaffCall, rest: list[str]) -> None:
    """⏸ Pause the pair: /pause #<pair>, with its checks and its audit entry."""
    pair_id = _number(call, rest)
    if pair_id is not None:
        call.args = f"#{pair_id}"
        await staff_pairs.pause(call)


async def user_press(call: StaffCall, rest: list[str]) -> None:
    """📂 Open the case: the /user card of the person who wrote, audited like /user."""
    person_id = _number(call, rest)
    if person_id is not None:
        call.args = str(person_id)
        await staff_people.user(call)


async def reports_press(call: StaffCall, rest: list[str]) -> None:
    """/reports pages, and an alert's "show" and "done" buttons."""
    if rest[:1] == ["show"]:
        await _show(call, rest[1:])
    elif rest[:1] == ["done"]:
        await _done(call, rest[1:])
    else:
        await staff_reports.reports_press(call, rest)


async def _open_report(call: StaffCall, rest: list[str]) -> tuple[Report, str | None] | None:
    """The open report the button names, if the presser's organisation runs its program."""
    report_id = _number(call, rest)
    if report_id is None:
        return None
    for report, code, _ in await staff_reports._mine(call):
        if report.id == report_id:
            return report, code
    raise call.refuse(
        call.t._(
            "Alert #{id} is already marked handled, or it is not one of your organisation's.",
            id=report_id,
        )
    )


async def _done(call: StaffCall, rest: list[str]) -> None:
    found = await _open_report(call, rest)
    if found is None:
        return
    report, code = found
    note = call.t._("Marked handled from the alert")
    await call.uow.safety.update_report(
        replace(report, status=ReportStatus.RESOLVED, resolved_at=call.now, resolution_note=note)
    )
    await call.audit("reports resolve", code, f"report {report.id}", note)
    call.say(call.t._("Alert #{id} is marked handled. Thank you.", id=report.id))


async def _show(call: StaffCall, rest: list[str]) -> None:
    """Copies of the pair's latest messages, oldest first, each a reply to the alert."""
    found = await _open_report(call, rest)
    if found is None:
        return
    report, code = found
    links = await call.uow.relay.recent(report.pair_id, CONTEXT_MESSAGES) if report.pair_id else []
    seen: set[tuple[int, int]] = set()
    copies = []
    for link in reversed(links):
        source = (link.source_chat_id, link.source_message_id)
        if source not in seen:
            seen.add(source)
            copies.append(
                CopyMessage(
                    chat_id=call.turn.person.chat_id,
                    from_chat_id=link.source_chat_id,
                    message_id=link.source_message_id,
                    reply_to_message_id=call.message_id,
                )
            )
    if not copies:
        raise call.refuse(call.t._("No relayed messages of this pair are left to show."))
    await call.audit("reports show", code, f"report {report.id}", f"{len(copies)} messages")
    call.turn.answer(call.callback_id or "")
    call.turn.effects.extend(copies)


PRESSES: dict[str, PressHandler] = {
    "pause": pause_press,
    "user": user_press,
    "reports": reports_press,
}
