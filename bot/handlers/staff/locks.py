"""Age locks for staff: `/locked` lists the people of the caller's organisation whom the age
check locked, each with a "Lift lock" button that asks for the reason (`flows.age_lift`);
`/ageoverride PERSON REASON` does the same in one line. Coordinators and admins of the
program's organisation may lift a lock of their programs; a lock that belongs to no program
(made before the program was asked, or kept after /forgetme) only a super-admin. Each lift is in
the audit log with its reason, and the person is told in their language.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.effects import Button
from bot.core.models import AgeStatus, Person
from bot.core.parsing.arguments import whole_number
from bot.handlers.staff.kit import StaffCall
from bot.i18n import Html
from bot.messages.staff import PAGE_SIZE, STAFF_PREFIX, page_buttons, paginate, who
from flows import age_lift

LIFT = "lift"


async def locked(call: StaffCall) -> None:
    await _page(call, call.words(), 0)


async def locked_press(call: StaffCall, rest: list[str]) -> None:
    if len(rest) == 2 and rest[0] == LIFT and rest[1].isdigit():
        person = await _target(call, rest[1])
        name = who(person, call.t)
        call.turn.set_flow(age_lift.begin(call.actor.user_id, person.id, name, call.now))
        call.say(age_lift.question(call.t, name))
    elif len(rest) == 2 and rest[1].isdigit():
        await _page(call, [] if rest[0] == "*" else [rest[0]], int(rest[1]))
    else:
        call.turn.answer_stale(call.callback_id or "")


async def _page(call: StaffCall, words: list[str], page: int) -> None:
    programs = call.programs_of(words)
    ownerless = call.actor.is_superadmin and not words
    people = await call.uow.staff.age_locked([p.code for p in programs], ownerless)
    if not people:
        call.show(call.t._("Nobody is locked by the age check."))
        return
    lang = call.t.language
    lines = []
    for person in people:
        program = call.programs.get(person.program)
        lines.append(
            "• "
            + call.t._(
                "{who} · {program} · born in {year} · locked on {when}",
                who=who(person, call.t),
                program=program.name.get(lang) if program else call.t._("no program"),
                year=person.birth_year or "—",
                when=_date(person.age_checked_at),
            )
        )
    title = call.t._("<b>Locked by the age check</b> ({n})", n=len(people))
    text, page, pages = paginate(lines, page, title, call.t)
    shown = people[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lift = tuple(
        (
            Button(
                call.t._("🔓 Lift lock: {who}", who=Html(who(person, call.t))),
                data=f"{STAFF_PREFIX}locked:{LIFT}:{person.id}",
            ),
        )
        for person in shown
    )
    call.show(text, lift + page_buttons("locked", words[0] if words else "*", page, pages, call.t))


async def age_override(call: StaffCall) -> None:
    words = call.words()
    await lift(call, await _target(call, words[0]), " ".join(words[1:]))


async def lift_answer(call: StaffCall, data: dict[str, Any]) -> None:
    """The reason typed after "Lift lock" (the staff router checked the access again)."""
    await lift(call, await _target(call, str(data.get("person", ""))), str(data["reason"]))


async def _target(call: StaffCall, word: str) -> Person:
    """A locked person the actor may lift: of their organisation's programs, by name or
    reference; one whose lock belongs to no program, for a super-admin only."""
    number = whole_number(word)
    if number is None:
        person = await call.person(word)
    else:
        found = await call.uow.persons.get(number)
        program = call.programs.get(found.program) if found else None
        if found is None or (program is not None and not call.actor.reaches(program)):
            raise call.usage(
                call.t._(
                    "I can't find “{who}” among the people of your organisation's programs.",
                    who=word,
                )
            )
        if program is None and not call.actor.is_superadmin:
            raise call.refuse(
                call.t._(
                    "{name} hasn't joined a program yet, so only a super-admin can lift the lock.",
                    name=who(found, call.t),
                )
            )
        person = found
    if not person.is_age_locked:
        raise call.refuse(
            call.t._("{name} is not locked by the age check.", name=who(person, call.t))
        )
    return person


async def lift(call: StaffCall, person: Person, reason: str) -> None:
    """Lift the lock: the person may sign up (the typed, wrong, birth year is dropped)."""
    await call.uow.persons.update(
        replace(
            person,
            age_status=AgeStatus.ADULT,
            birth_year=None,
            age_checked_at=call.now,
            updated_at=call.now,
        )
    )
    await call.audit("ageoverride", person.program, who(person, call.t), reason)
    call.tell(
        person,
        lambda t: t._(
            "The program team has reviewed your age check: you can now sign up. Send /start "
            "to continue."
        ),
    )
    call.say(call.t._("The age lock of {name} is lifted.", name=who(person, call.t)))


def _date(when: object) -> str:
    return when.strftime("%Y-%m-%d") if hasattr(when, "strftime") else "—"
