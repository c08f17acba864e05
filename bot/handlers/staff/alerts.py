"""The buttons of a safeguarding alert (`bot.services.safety_alert`): pause the pair, open the
case, show the pair's latest messages under the alert, mark the alert handled.

"Show the messages" copies the pair's latest messages (mentorbot keeps no words, so a copy is the
only way to show them), each as a reply to the alert right after a label naming the alert, its
author, reader and time, so no copy can be read as a message to the staff member.

Each is a staff button of an existing command, so the router authorises it like that command
(`st:pause:<pair>` as /pause, `st:user:<person>` as /user, `st:reports:show|done:<report>` as
/reports), from what is stored, on every press; the pair, person or report must be of the
presser's organisation. A forged or stale press gets a short refusal and changes nothing; every
action is written to the audit log."""

from __future__ import annotations

import shlex
from dataclasses import replace
from typing import Any

from bot.core.effects import CopyMessage, Effect, SendText
from bot.core.models import Report, ReportStatus
from bot.core.parsing.arguments import Words, typed_name
from bot.core.staff import DraftKind
from bot.handlers.staff import pairs as staff_pairs
from bot.handlers.staff import people as staff_people
from bot.handlers.staff import reports as staff_reports
from bot.handlers.staff.kit import StaffCall
from bot.services.safety_alert import pseudonym, when

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
        call.read(f"#{pair_id}")
        await staff_pairs.pause(call)


async def user_press(call: StaffCall, rest: list[str]) -> None:
    """📂 Open the case: the /user card of the person who wrote, audited like /user; the case
    card's "Message" and "Add a note" buttons say how to write to the person or add a note."""
    if rest[:1] == ["pick"]:
        await pick_press(call, rest[1:])
        return
    if rest[:1] in (["msg"], ["note"]):
        person_id = _number(call, rest[1:])
        if person_id is not None:
            await _how_to(call, rest[0], person_id)
        return
    person_id = _number(call, rest)
    if person_id is not None:
        call.read(str(person_id))
        await staff_people.user(call)


async def pick_press(call: StaffCall, rest: list[str]) -> None:
    """One of several people with the same name was chosen (`StaffCall.ask_which`): run the
    command they typed again, with that person, authorised again like the command."""
    if len(rest) != 2 or not rest[1].removeprefix("#").isdigit():
        call.turn.answer_stale(call.callback_id or "")
        return
    draft = await call.uow.staff.draft(call.actor.user_id)
    if (
        draft is None
        or draft.kind is not DraftKind.USER
        or draft.token != rest[0]
        or draft.expired(call.now)
    ):
        raise call.refuse(
            call.t._("This choice is no longer active: please type the command again.")
        )
    await call.uow.staff.delete_draft(call.actor.user_id)
    spec = call.services.registry.staff_command(str(draft.data.get("command")))
    words = [str(w) for w in draft.data.get("words", [])]
    if spec is None or not words:
        raise call.refuse(
            call.t._("This choice is no longer active: please type the command again.")
        )
    if not call.actor.allows(spec.access):
        raise call.refuse(
            call.t._(
                "/{name} needs the admin role; ask an admin of your organisation.", name=spec.name
            )
        )
    word = str(draft.data.get("word"))
    words[words.index(word) if word in words else 0] = rest[1]
    call.command = spec
    call.read(shlex.join(words) if isinstance(spec.args, Words) else " ".join(words))
    await spec.run(call)


async def pick_confirmed(call: StaffCall, data: dict[str, Any]) -> None:
    """A choice of person is made with its buttons, never confirmed as a preview."""
    del data
    raise call.refuse(call.t._("This choice is no longer active: please type the command again."))


async def _how_to(call: StaffCall, what: str, person_id: int) -> None:
    person = await call.person(str(person_id))
    name = person.display_name or ""
    word = typed_name(name)  # as /msg and /note read it: the name first, quoted if several words
    if what == "msg":
        text = call.t._(
            "To write to {name}, send: /msg {word} your message. They read it as from the "
            "program team, never from their partner.",
            name=name,
            word=word,
        )
    else:
        text = call.t._(
            "To add a note to {name}'s case file, send: /note {word} your note. Only staff "
            "read it.",
            name=name,
            word=word,
        )
    call.say(text)


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
    """The pair's latest messages, oldest first, under the alert: each copy after its label."""
    found = await _open_report(call, rest)
    if found is None:
        return
    report, code = found
    t = call.t
    pair = await call.uow.pairs.get(report.pair_id) if report.pair_id else None
    links = await call.uow.relay.recent(pair.id, CONTEXT_MESSAGES) if pair else []
    seen: set[tuple[int, int]] = set()
    shown = []
    for link in reversed(links):
        source = (link.source_chat_id, link.source_message_id)
        if source not in seen:
            seen.add(source)
            shown.append(link)
    if pair is None or not shown:
        raise call.refuse(t._("No relayed messages of this pair are left to show."))
    people = {p.id: p for p in await call.uow.persons.get_many({pair.mentee_id, pair.mentor_id})}
    names = {i: pseudonym(people.get(i), t) for i in (pair.mentee_id, pair.mentor_id)}
    # where the alert was pressed: the staff member's private chat, or the case's topic
    chat, thread, alert = call.turn.reply_chat, call.turn.reply_thread, call.message_id
    effects: list[Effect] = []
    for n, link in enumerate(shown, 1):
        label = t._(
            "💬 Alert #{id}, message {n} of {total}: <b>{writer}</b> → {reader}, {when}. A copy "
            "of their conversation for you, not a message to you:",
            id=report.id,
            n=n,
            total=len(shown),
            writer=names.get(link.sender_id, "?"),
            reader=names.get(pair.partner_of(link.sender_id), "?"),
            when=when(link.created_at, t.language),
        )
        effects.append(
            SendText(chat_id=chat, text=label, reply_to_message_id=alert, thread_id=thread)
        )
        effects.append(
            CopyMessage(
                chat_id=chat,
                from_chat_id=link.source_chat_id,
                message_id=link.source_message_id,
                reply_to_message_id=alert,
                thread_id=thread,
            )
        )
    await call.audit("reports show", code, f"report {report.id}", f"{len(shown)} messages")
    call.turn.answer(call.callback_id or "")
    call.turn.effects.extend(effects)
