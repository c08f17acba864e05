"""Staff commands about people: /pending, /approve, /reject, /user, /ban, /unban (age locks:
`bot.handlers.staff.locks`).

Each handler reads its arguments through `StaffCall` (which refuses people of other
organisations), changes what it must, tells the person in their own language, and writes the
action to the audit log. Nothing here ever shows what people wrote to each other.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.effects import Button, Keyboard
from bot.core.models import (
    Person,
    Role,
)
from bot.core.parsing.arguments import NameAndText, person_id, typed_name
from bot.core.staff import BANNED, REJECTED, Access, PersonFlag, StaffNote
from bot.handlers.registry import Group, SlashCommand
from bot.handlers.staff.cases import close_approval
from bot.handlers.staff.kit import StaffCall, staff_names
from bot.i18n import N_, Html, Translator
from bot.messages.case_file import NOTE_CAP, day, program_name, training_words
from bot.messages.reasons import REJECT_REASONS, reason_in_words
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
from bot.services.case_file import case_file, training_of
from bot.services.panel import awaiting
from flows import reject_reason


async def training_line(call: StaffCall, person: Person) -> str:
    """The training result in words ("training passed on 4 May 2026 (9 of 10 answers
    right)", "training: 1 of 3 modules passed", "no training needed")."""
    return training_words(await training_of(call.uow, call.programs, person), call.t)


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
    lines, rows = [], []
    for m in shown:  # the training of the page shown only: each is a query
        training = await training_of(call.uow, call.programs, m)
        program = program_name(call.programs.get(m.program), call.t)
        lines.append(f"• {esc(name_of(m))} — {esc(program)} — {training_words(training, call.t)}")
        name = Html(name_of(m))  # a button label is plain text: the name must not be escaped
        row = [Button(call.t._("✖️ Reject {name}", name=name), f"{STAFF_PREFIX}reject:{m.id}")]
        if not training.needed or training.passed_at is not None:
            approve = call.t._("✅ Approve {name}", name=name)
            row.insert(0, Button(approve, f"{STAFF_PREFIX}approve:{m.id}"))
        rows.append(tuple(row))
    text = "\n".join([title, *lines, page_footer(page, pages, call.t)]).rstrip()
    key = words[0] if words else "*"
    call.show(text, tuple(rows) + page_buttons("pending", key, page, pages, call.t))


async def approve(call: StaffCall) -> None:
    words = call.words()
    await _approve(call, await call.person(words[0]))


async def approve_press(call: StaffCall, rest: list[str]) -> None:
    if len(rest) != 1 or not rest[0].isdigit():
        call.turn.answer_stale(call.callback_id or "")
        return
    person = await call.person(rest[0])
    flags = {f.kind: f for f in await call.uow.staff.flags([person.id])}
    decided = flags.get(BANNED) or flags.get(REJECTED)
    if decided is not None:  # a stale press never reverses a decision
        raise call.refuse(
            call.t._(
                "{name} was turned down on {when} by {who}; type /approve {typed} to approve "
                "them anyway. Nothing changed.",
                name=name_of(person),
                when=day(decided.at, call.t),
                who=await staff_names(call, [decided.by]),
                typed=typed_name(person.display_name or ""),
            )
        )
    await _approve(call, person)


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
    await close_approval(call, person, approved=True)


async def reject(call: StaffCall) -> None:
    name, reason = call.words()
    await _reject(call, await call.person(name), reason)


async def reject_press(call: StaffCall, rest: list[str]) -> None:
    """✖️ Reject (from /pending or a case file): the common reasons as buttons, "Type a
    reason" (the typed answer completes it: `reject_answer`), or keep them waiting."""
    if not 1 <= len(rest) <= 2 or not rest[0].isdigit():
        call.turn.answer_stale(call.callback_id or "")
        return
    person = await call.person(rest[0])
    name = name_of(person)
    if rest[1:] != ["keep"]:
        await _still_waiting(call, person)
    if len(rest) == 1:
        call.say(
            call.t._(
                "Why can't {name} be approved? They read the reason you choose, in their "
                "language.",
                name=name,
            ),
            reject_reason_buttons(person.id, call.t),
        )
    elif rest[1] == "type":
        call.turn.set_flow(reject_reason.begin(call.actor.user_id, person.id, name, call.now))
        call.say(reject_reason.question(call.t, name))
    elif rest[1] == "keep":
        call.show(call.t._("Nothing changed: {name} is still waiting.", name=name))
    elif rest[1] in REJECT_REASONS:
        await _reject(call, person, rest[1])
    else:
        call.turn.answer_stale(call.callback_id or "")


async def reject_answer(call: StaffCall, data: dict[str, Any]) -> None:
    """The reason typed after "Type a reason" (the staff router checked the access again)."""
    person = await call.person(str(data.get("person", "")))
    await _still_waiting(call, person)
    await _reject(call, person, str(data["reason"]))


async def _still_waiting(call: StaffCall, person: Person) -> None:
    """A ✖️ Reject press (or its typed reason) only turns down a mentor still waiting: a stale
    or repeated press never withdraws an approval or repeats a rejection."""
    if person.role is not Role.MENTOR or await awaiting(call.uow, [person]):
        return  # not a mentor: `_reject` says so
    flags = {f.kind: f for f in await call.uow.staff.flags([person.id])}
    decided = flags.get(BANNED) or flags.get(REJECTED)
    if decided is not None:
        text = call.t._(
            "{name} was turned down on {when} by {who}: nothing changed.",
            name=name_of(person),
            when=day(decided.at, call.t),
            who=await staff_names(call, [decided.by]),
        )
    elif person.approved_at is not None:
        text = call.t._(
            "{name} was approved on {when}: nothing changed. To withdraw the approval, type "
            "/reject {typed} and a reason.",
            name=name_of(person),
            when=day(person.approved_at, call.t),
            typed=typed_name(person.display_name or ""),
        )
    else:
        text = call.t._(
            "{name} hasn't finished signing up: nothing changed.", name=name_of(person)
        )
    raise call.refuse(text)


async def _reject(call: StaffCall, person: Person, reason: str) -> None:
    """Turn a mentor down: `reason` is a code of `REJECT_REASONS` or what staff typed; the
    mentor reads it in their own language."""
    if person.role is not Role.MENTOR:
        raise call.refuse(call.t._("{name} is not a mentor.", name=name_of(person)))
    withdrawn = person.approved_at is not None  # only typed /reject gets here for them
    await call.uow.persons.update(replace(person, approved_at=None, updated_at=call.now))
    await call.uow.staff.flag(
        PersonFlag(
            user_id=person.id, kind=REJECTED, reason=reason, at=call.now, by=call.actor.user_id
        )
    )
    words = reason_in_words(reason, REJECT_REASONS, call.t)
    await call.audit("reject", person.program, name_of(person), words)
    call.tell(
        person,
        lambda t: t._(
            "Thank you for offering to mentor. The program team can't approve your application "
            "at this time. Their reason: {reason}",
            reason=reason_in_words(reason, REJECT_REASONS, t),
        ),
    )
    call.say(
        call.t._(
            "{name} was told that they are not approved; their approval is withdrawn.",
            name=name_of(person),
        )
        if withdrawn
        else call.t._("{name} was told that they are not approved.", name=name_of(person))
    )
    await close_approval(call, person, approved=False)


def reject_reason_buttons(person_id: int, t: Translator) -> Keyboard:
    """The common reasons for turning a mentor down, "Type a reason", and a way back."""
    rows = tuple(
        (Button(t._(label), f"{STAFF_PREFIX}reject:{person_id}:{code}"),)
        for code, label in REJECT_REASONS.items()
    )
    return rows + (
        (Button(t._("✍️ Type a reason"), f"{STAFF_PREFIX}reject:{person_id}:type"),),
        (Button(t._("✖ Keep them waiting"), f"{STAFF_PREFIX}reject:{person_id}:keep"),),
    )


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


async def note(call: StaffCall) -> None:
    """/note PERSON TEXT: a note in the person's case file, with its author and date."""
    name, text = call.words()
    person = await call.person(name)
    if len(text) > NOTE_CAP:
        raise call.refuse(
            call.t._(
                "A note can be at most {most} characters long (this one has {n}); nothing "
                "was saved.",
                most=NOTE_CAP,
                n=len(text),
            )
        )
    author = call.turn.event.user.first_name or call.t._("a staff member")
    await call.uow.staff.add_note(
        StaffNote(
            person_id=person.id,
            author_id=call.actor.user_id,
            author_name=author,
            text=text,
            at=call.now,
        )
    )
    await call.audit("note", person.program, name_of(person))
    call.say(call.t._("📝 Note added to {name}'s case file.", name=name_of(person)))


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


NOTE = SlashCommand[StaffCall](
    "note",
    N_("Add a note to a person's case file (staff only)"),
    note,
    Access.COORDINATOR,
    N_("PERSON TEXT"),
    args=NameAndText(N_("Please give the person and the note.")),
    group=Group.PEOPLE,
)
"""/note, declared here (with its handler) and listed in `bot.handlers.commands.STAFF_COMMANDS`."""
