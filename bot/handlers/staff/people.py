"""Staff commands about people: /pending, /approve, /reject, /user, /ban, /unban (age locks:
`bot.handlers.staff.locks`).

Each handler reads its arguments through `StaffCall` (which refuses people of other
organisations), changes what it must, tells the person in their own language, and writes the
action to the audit log. Nothing here ever shows what people wrote to each other.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.effects import Button
from bot.core.models import (
    Person,
    Role,
)
from bot.core.parsing.arguments import person_id
from bot.core.staff import BANNED, REJECTED, PersonFlag
from bot.handlers.staff.kit import StaffCall
from bot.i18n import Html
from bot.messages.staff import (
    PAGE_SIZE,
    STAFF_PREFIX,
    esc,
    name_of,
    page_buttons,
    page_footer,
    paginate,
)
from bot.services.bans import ban as ban_person
from bot.services.case_file import case_file


async def training_line(call: StaffCall, person: Person) -> str:
    """ "passed", or how many training modules are passed so far."""
    program = call.programs.get(person.program)
    training = call.programs.training_of(program) if program else None
    if person.training_passed_at is not None:
        return call.t._("training passed")
    if training is None:
        return call.t._("no training needed")
    results = await call.uow.training.of_person(person.id, training.id)
    passed = len({r.module_id for r in results if r.passed})
    return call.t._(
        "training: {passed} of {total} modules passed", passed=passed, total=len(training.steps)
    )


async def _awaiting(call: StaffCall, codes: list[str]) -> list[Person]:
    people = await call.uow.staff.people(codes)
    flags = {(f.user_id, f.kind) for f in await call.uow.staff.flags(p.id for p in people)}
    return [
        p
        for p in people
        if p.role is Role.MENTOR
        and p.is_onboarded
        and p.approved_at is None
        and (p.id, REJECTED) not in flags
        and (p.id, BANNED) not in flags
    ]


async def pending(call: StaffCall) -> None:
    await _pending_page(call, call.words()[:1], 0)


async def pending_press(call: StaffCall, rest: list[str]) -> None:
    if len(rest) != 2 or not rest[1].isdigit():
        call.turn.answer_stale(call.callback_id or "")
        return
    await _pending_page(call, [] if rest[0] == "*" else [rest[0]], int(rest[1]))


async def _pending_page(call: StaffCall, words: list[str], page: int) -> None:
    programs = call.programs_of(words)
    mentors = await _awaiting(call, [p.code for p in programs])
    if not mentors:
        call.show(call.t._("No mentor is waiting for approval."))
        return
    title = call.t._("<b>Mentors waiting for approval</b> ({n})", n=len(mentors))
    _, page, pages = paginate([""] * len(mentors), page, title, call.t)
    shown = mentors[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [  # the training of the page shown only: each is a query
        f"• {esc(name_of(m))} — {esc(m.program or '')} — {await training_line(call, m)}"
        for m in shown
    ]
    text = "\n".join([title, *lines, page_footer(page, pages, call.t)]).rstrip()
    approve = tuple(
        (
            Button(
                # a button label is plain text: the name must not be HTML-escaped
                call.t._("✅ Approve {name}", name=Html(m.display_name or str(m.id))),
                data=f"{STAFF_PREFIX}approve:{m.id}",
            ),
        )
        for m in shown
        if m.training_passed_at is not None
    )
    key = words[0] if words else "*"
    call.show(text, approve + page_buttons("pending", key, page, pages, call.t))


async def approve(call: StaffCall) -> None:
    words = call.words()
    await _approve(call, await call.person(words[0]))


async def approve_press(call: StaffCall, rest: list[str]) -> None:
    if len(rest) != 1 or not rest[0].isdigit():
        call.turn.answer_stale(call.callback_id or "")
        return
    await _approve(call, await call.person(rest[0]))


async def _approve(call: StaffCall, person: Person) -> None:
    if person.role is not Role.MENTOR or not person.is_onboarded:
        raise call.refuse(
            call.t._("{name} is not a mentor who finished signing up.", name=name_of(person))
        )
    if person.approved_at is not None:
        raise call.refuse(call.t._("{name} is already approved.", name=name_of(person)))
    program = call.programs.get(person.program)
    if program and program.training and person.training_passed_at is None:
        line = await training_line(call, person)
        raise call.refuse(
            call.t._(
                "{name} hasn't passed the training yet ({training}).",
                name=name_of(person),
                training=line,
            )
        )
    await call.uow.persons.update(replace(person, approved_at=call.now, updated_at=call.now))
    await call.uow.staff.unflag(person.id, REJECTED)
    await call.audit("approve", person.program, name_of(person))
    call.tell(
        person,
        lambda t: t._(
            "🎉 The program team approved you as a mentor. We'll let you know as soon as a "
            "mentee is proposed to you."
        ),
    )
    call.say(call.t._("✅ {name} is approved.", name=name_of(person)))


async def reject(call: StaffCall) -> None:
    words = call.words()
    person = await call.person(words[0])
    reason = " ".join(words[1:])
    if person.role is not Role.MENTOR:
        raise call.refuse(call.t._("{name} is not a mentor.", name=name_of(person)))
    await call.uow.persons.update(replace(person, approved_at=None, updated_at=call.now))
    await call.uow.staff.flag(
        PersonFlag(
            user_id=person.id, kind=REJECTED, reason=reason, at=call.now, by=call.actor.user_id
        )
    )
    await call.audit("reject", person.program, name_of(person), reason)
    call.tell(
        person,
        lambda t: t._(
            "Thank you for offering to mentor. The program team can't approve your application "
            "at this time. Their reason: {reason}",
            reason=reason,
        ),
    )
    call.say(call.t._("{name} was told that they are not approved.", name=name_of(person)))


async def user(call: StaffCall) -> None:
    """The person's whole case file (several messages when long; the buttons on the last)."""
    person = await call.person(call.words()[0])
    await show_case(call, person)


async def show_case(call: StaffCall, person: Person) -> None:
    texts, buttons = await case_file(call.uow, call.programs, person, call.t, call.now)
    await call.audit("user", person.program, name_of(person))  # who looked at whom
    if call.callback_id is not None:
        call.turn.answer(call.callback_id)
    for n, text in enumerate(texts, 1):
        call.turn.say(text, buttons if n == len(texts) else ())


async def _ban_target(call: StaffCall, word: str) -> Person:
    """The person /ban names, read under their lock; refused for oneself, a super-admin, and
    (unless a super-admin bans) program staff.

    The target is locked before the row a ban rewrites (approval, flow) is read, so their own
    turn, running at the same time, can't write an older copy back (PostgreSQL; SQLite has one
    writer). A name is resolved first, then the person read again under the lock."""
    user_id = person_id(word)
    if user_id is None:
        user_id = (await call.person(word)).id
        word = str(user_id)
    await call.uow.lock_person(user_id)
    person = await call.person(word)
    if person.id == call.actor.user_id:
        raise call.refuse(call.t._("You can't ban yourself."))
    if person.id in call.services.superadmins:
        raise call.refuse(
            call.t._("{name} is a super-admin and can't be banned.", name=name_of(person))
        )
    if not call.actor.is_superadmin and await call.uow.staff.member(person.id) is not None:
        raise call.refuse(
            call.t._(
                "{name} is program staff: only a super-admin can ban staff (remove them from "
                "the staff first with /staff).",
                name=name_of(person),
            )
        )
    return person


async def ban(call: StaffCall) -> None:
    words = call.words()
    person = await _ban_target(call, words[0])
    reason = " ".join(words[1:])
    banned = await ban_person(
        call.uow,
        call.services.matchmaker,
        person,
        by=call.actor.user_id,
        reason=reason,
        now=call.now,
    )
    call.turn.effects.extend(banned.effects)
    for pair in banned.ended:
        partner = await call.uow.persons.get(pair.partner_of(person.id))
        if partner is not None:
            call.tell(
                partner,
                lambda t: t._(
                    "Your mentorship has ended. Thank you for the time you gave it. You can use "
                    "/findmentor (mentees) to be matched again."
                ),
            )
    person, ended = banned.person, len(banned.ended)
    await call.audit("ban", person.program, name_of(person), reason)
    call.tell(person, lambda t: t._("The program team has closed your access to this service."))
    call.say(
        call.t.n_(
            "{name} is banned; {n} pair ended.",
            "{name} is banned; {n} pairs ended.",
            ended,
            name=name_of(person),
        )
    )


async def unban(call: StaffCall) -> None:
    words = call.words()
    person = await call.person(words[0])
    if not await call.uow.staff.unflag(person.id, BANNED):
        raise call.refuse(call.t._("{name} is not banned.", name=name_of(person)))
    await call.audit("unban", person.program, name_of(person))
    call.tell(person, lambda t: t._("The program team has restored your access. Welcome back!"))
    call.say(call.t._("{name} can use the service again.", name=name_of(person)))
