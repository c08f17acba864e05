"""Staff commands about pairs: /pair, /unpair, /pairs, /pause, /resume, /push.

Pairs are formed and changed through the same use cases as everywhere else
(`bot.services.matches.form_pair`, `has_room`, `mentor_pair`; `bot.services.pairs.pause_pair`,
`resume_pair`, `end_pair`), so the curriculum schedule, the matching queue and the mentor's
capacity stay consistent; both people are told, in their own language.
"""

from __future__ import annotations

from typing import Any

from bot.core.models import (
    CLOSED_BY_STAFF,
    Pair,
    PairStatus,
    PastCouple,
    Person,
    Role,
    StepStatus,
)
from bot.core.programs import Program
from bot.core.staff import DraftKind
from bot.handlers.staff.confirming import ask_to_confirm
from bot.handlers.staff.kit import StaffCall
from bot.handlers.staff.pair_list import end_reason_buttons
from bot.messages.pair_history import history_line, history_lines
from bot.messages.reasons import END_REASONS
from bot.messages.staff import (
    couple,
    name_of,
    status_of,
)
from bot.services.matches import form_pair as start_match
from bot.services.matches import has_room, mentor_pair
from bot.services.pairs import PairError, end_pair, pause_pair, resume_pair


async def past_of(call: StaffCall, mentee: Person, mentor: Person) -> list[PastCouple]:
    """The two's earlier attempts: pairs of them that ended, proposals the mentor declined."""
    return [c for c in await call.uow.matching.history([mentee.id]) if c.mentor_id == mentor.id]


async def _refusal(call: StaffCall, mentee: Person, mentor: Person, program: Program) -> str:
    """Why staff can't pair these two now ("" when they can)."""
    t = call.t
    if mentee.role is not Role.MENTEE or not mentee.is_onboarded:
        return t._("{name} is not a mentee who finished signing up.", name=name_of(mentee))
    if mentor.role is not Role.MENTOR or not mentor.is_onboarded:
        return t._("{name} is not a mentor who finished signing up.", name=name_of(mentor))
    if mentee.program != program.code or mentor.program != program.code:
        return t._(
            "{a} and {b} are not in the same program.", a=name_of(mentee), b=name_of(mentor)
        )
    if await call.uow.staff.banned([mentee.id, mentor.id]):
        return t._("One of them is banned.")
    if not call.services.matchmaker.eligible(mentor, program):
        return t._("{name} is not approved or trained yet.", name=name_of(mentor))
    if await mentor_pair(call.uow, mentee.id) is not None:
        return t._("{name} already has a mentor.", name=name_of(mentee))
    if not await has_room(call.uow, mentor):
        return t._("{name} has no free place left.", name=name_of(mentor))
    return ""


async def form_pair(
    call: StaffCall, mentee: Person, mentor: Person, program: Program
) -> Pair | str:
    """Start a pair chosen by staff (by hand or from a batch draft); a reason when it can't.
    Their history is the caller's to check (`past_of`): /pair asks staff to confirm it."""
    await call.uow.lock_person(mentor.id)  # the capacity check and the start are one step
    refusal = await _refusal(call, mentee, mentor, program)
    if refusal:
        return refusal
    pair, told = await start_match(
        call.uow,
        call.programs,
        call.services.catalogs,
        mentee=mentee,
        mentor=mentor,
        program=program,
        request=await call.uow.matching.open_request(mentee.id),
        now=call.now,
    )
    call.turn.effects.extend(told)
    return pair


async def pair(call: StaffCall) -> None:
    words = call.words()
    mentee, mentor = await call.person(words[0]), await call.person(words[1])
    program = call.programs.get(mentee.program)
    assert program is not None  # `person` only finds people of the actor's programs
    past = await past_of(call, mentee, mentor)
    if past:
        refusal = await _refusal(call, mentee, mentor, program)
        if refusal:
            raise call.refuse(refusal)
        await _ask_to_confirm(call, mentee, mentor, program, past)
        return
    await _pair_now(call, mentee, mentor, program, past)


async def _ask_to_confirm(
    call: StaffCall, mentee: Person, mentor: Person, program: Program, past: list[PastCouple]
) -> None:
    """The two ended or declined before: show how, and pair them only if staff confirm."""
    head = call.t._(
        "<b>{mentee} and {mentor} were matched before:</b>",
        mentee=name_of(mentee),
        mentor=name_of(mentor),
    )
    ask = call.t._("They won't be proposed to each other again. Pair them anyway?")
    text = "\n".join([head, *history_lines(past, mentee, mentor, call.t), ask])
    data = {"program": program.code, "mentee": mentee.id, "mentor": mentor.id}
    await ask_to_confirm(call, DraftKind.PAIR, data, text, call.t._("✅ Pair them again"))


async def pair_confirmed(call: StaffCall, data: dict[str, Any]) -> None:
    """Staff confirmed pairing a couple with a history: check everything again, then pair."""
    program = call.program(str(data.get("program")))
    found = await call.uow.persons.get_many([int(data["mentee"]), int(data["mentor"])])
    people = {p.id: p for p in found}
    mentee, mentor = people.get(int(data["mentee"])), people.get(int(data["mentor"]))
    if mentee is None or mentor is None:
        raise call.refuse(call.t._("One of them is no longer signed up; nothing changed."))
    await _pair_now(call, mentee, mentor, program, await past_of(call, mentee, mentor))
    if call.message_id is not None:
        call.turn.edit(call.message_id, call.t._("Confirmed: they are paired again."))


async def _pair_now(
    call: StaffCall, mentee: Person, mentor: Person, program: Program, past: list[PastCouple]
) -> None:
    made = await form_pair(call, mentee, mentor, program)
    if isinstance(made, str):
        raise call.refuse(made)
    detail = f"{name_of(mentee)} + {name_of(mentor)}"
    if past:  # the audit says staff saw their history and chose to pair them again
        history = ", ".join(history_line(c, mentee, mentor, call.t) for c in past)
        detail += f" · confirmed after: {history}"
    await call.audit("pair", program.code, f"#{made.id}", detail)
    call.say(
        call.t._(
            "✅ Paired: {mentee} with {mentor}.", mentee=name_of(mentee), mentor=name_of(mentor)
        )
    )


async def _both(call: StaffCall, found: Pair) -> list[Person]:
    return await call.uow.persons.get_many([found.mentee_id, found.mentor_id])


async def couple_of(call: StaffCall, found: Pair) -> str:
    """A pair as staff read it: "Mia and Ned" (the mentee first), never its number."""
    people = {p.id: p for p in await _both(call, found)}
    return couple(people.get(found.mentee_id), people.get(found.mentor_id), call.t)


async def unpair(call: StaffCall) -> None:
    words = call.words()
    found = await call.pair(words[0])
    await _end(call, found, " ".join(words[1:]) or CLOSED_BY_STAFF)


async def unpair_press(call: StaffCall, rest: list[str]) -> None:
    """⏹ End (from /pairs or a case file): asks the reason first; a reason's button ends the
    pair, "Keep the pair" changes nothing."""
    if not 1 <= len(rest) <= 2 or not rest[0].isdigit():
        call.turn.answer_stale(call.callback_id or "")
        return
    found = await call.pair(f"#{rest[0]}")
    names = await couple_of(call, found)
    if found.status is PairStatus.ENDED:
        raise call.refuse(call.t._("The pair of {pair} has already ended.", pair=names))
    if len(rest) == 1:
        ask = call.t._(
            "End the pair of {pair}? Both are told that the program team ended it. Why?",
            pair=names,
        )
        call.say(ask, end_reason_buttons(found.id, call.t))
    elif rest[1] == "keep":
        call.show(call.t._("Nothing changed: the pair of {pair} goes on.", pair=names))
    elif rest[1] in END_REASONS:
        await _end(call, found, rest[1])
    else:
        call.turn.answer_stale(call.callback_id or "")


async def resume_press(call: StaffCall, rest: list[str]) -> None:
    """▶️ Resume (from /pairs or a case file): /resume of that pair."""
    if len(rest) != 1 or not rest[0].isdigit():
        call.turn.answer_stale(call.callback_id or "")
        return
    call.read(f"#{rest[0]}")
    await resume(call)


async def _end(call: StaffCall, found: Pair, reason: str) -> None:
    await end_pair(call.uow, found, call.actor.user_id, reason, call.now)
    for person in await _both(call, found):
        call.tell(
            person,
            lambda t: t._(
                "The program team has ended your mentorship. Thank you for the time you gave it."
            ),
        )
    await call.audit("unpair", found.program, f"#{found.id}", reason)
    call.say(call.t._("The pair of {pair} has ended.", pair=await couple_of(call, found)))


async def _pair_in(call: StaffCall, wanted: PairStatus) -> Pair:
    """The pair named by the command's one argument (/pause, /resume, /push), refused unless its
    status is `wanted` (active or paused)."""
    words = call.words()
    found = await call.pair(words[0])
    if found.status is wanted:
        return found
    status, names = status_of(found, call.t), await couple_of(call, found)
    if wanted is PairStatus.PAUSED:
        raise call.refuse(
            call.t._("The pair of {pair} is {status}, not paused.", pair=names, status=status)
        )
    raise call.refuse(
        call.t._("The pair of {pair} is {status}, not active.", pair=names, status=status)
    )


async def pause(call: StaffCall) -> None:
    found = await _pair_in(call, PairStatus.ACTIVE)
    await pause_pair(call.uow, found.id, call.now)
    for person in await _both(call, found):
        call.tell(
            person,
            lambda t: t._(
                "The program team has paused your mentorship's program steps for now. You can "
                "still write to each other."
            ),
        )
    await call.audit("pause", found.program, f"#{found.id}")
    call.say(call.t._("The pair of {pair} is paused.", pair=await couple_of(call, found)))


async def resume(call: StaffCall) -> None:
    found = await _pair_in(call, PairStatus.PAUSED)
    try:
        await resume_pair(call.uow, call.programs, found.id, call.now)
    except PairError:
        raise call.refuse(
            call.t._("The pair of {pair} can't be resumed.", pair=await couple_of(call, found))
        ) from None
    for person in await _both(call, found):
        call.tell(
            person,
            lambda t: t._("Your mentorship's program steps continue from where they stopped."),
        )
    await call.audit("resume", found.program, f"#{found.id}")
    call.say(call.t._("The pair of {pair} continues.", pair=await couple_of(call, found)))


async def push(call: StaffCall) -> None:
    found = await _pair_in(call, PairStatus.ACTIVE)
    rows = [
        r for r in await call.uow.schedule.of_pair(found.id) if r.status is StepStatus.SCHEDULED
    ]
    if not rows:
        raise call.refuse(
            call.t._(
                "The pair of {pair} has received every step already.",
                pair=await couple_of(call, found),
            )
        )
    first = min(r.position for r in rows)
    due = [r for r in rows if r.position == first]
    # the delivery round sends it (exactly once, outside each person's quiet hours)
    await call.uow.schedule.reschedule([(r.id, call.now) for r in due])
    await call.audit("push", found.program, f"#{found.id}", call.t._("step {n}", n=first + 1))
    call.say(
        call.t._(
            "Step {n} for {pair} is on its way (people in their quiet hours get it when "
            "those end).",
            n=first + 1,
            pair=await couple_of(call, found),
        )
    )
