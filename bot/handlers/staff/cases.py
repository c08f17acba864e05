"""Staff commands of the staff inbox: `/msg PERSON text` (write to someone as the program team,
from a private chat or anywhere) and the case's "Close case" button (`st:msg:close:<case>`,
authorised like /msg); `/program staffgroup` is in `org`.

A message written in a case's topic is not a command: `bot.handlers.inbox` carries it."""

from __future__ import annotations

from bot.core.cases import Case, CaseKind
from bot.core.effects import Effect, SendText
from bot.core.events import TextMessage
from bot.core.models import Person
from bot.handlers.staff.kit import StaffCall
from bot.messages.inbox import closed_notice, esc, pseudonym, staff_name
from bot.services.alerts import Staff
from bot.services.inbox import CaseDesk


def desk_of(call: StaffCall) -> CaseDesk:
    """The inbox's use cases with this call's configuration."""
    services = call.services
    return CaseDesk(
        services.programs, services.catalogs, Staff(services.superadmins), services.forums
    )


async def current_case(call: StaffCall, person_id: int) -> Case | None:
    """The person's most recent open case, if any."""
    cases = await call.uow.cases.open_cases(person_id)
    return cases[0] if cases else None


async def msg(call: StaffCall) -> None:
    """/msg PERSON text: the text goes to the person, signed "Program team", in their latest
    open case (a new "talk to the team" case if none is open)."""
    who, text = call.words()
    person = await call.person(who)
    desk = desk_of(call)
    effects: list[Effect] = []
    case = await current_case(call, person.id)
    if case is None:
        case, effects = await desk.open(call.uow, person, CaseKind.TEAM, call.now)
    event = call.turn.event
    message = TextMessage(
        update_id=event.update_id,
        user=event.user,
        chat_id=event.chat_id,
        at=event.at,
        message_id=getattr(event, "message_id", 0),
        text=text,
    )
    effects += await desk.to_person(call.uow, case, person, call.actor.user_id, message, call.now)
    call.turn.effects.extend(effects)
    call.say(
        call.t._(
            "✉️ Sent to {name}, signed “Program team”. Their answers will come to you.",
            name=esc(pseudonym(person, call.t)),
        )
    )


async def msg_press(call: StaffCall, rest: list[str]) -> None:
    """The case's buttons: `close:<case id>`."""
    if len(rest) != 2 or rest[0] != "close" or not rest[1].isdigit():
        call.turn.answer_stale(call.callback_id or "")
        return
    case = await call.uow.cases.get(int(rest[1]))
    if case is None or not call.actor.reaches(call.programs.get(case.program or "")):
        call.turn.answer_stale(call.callback_id or "")
        return
    if not case.is_open:
        raise call.refuse(call.t._("This case is closed already."))
    desk = desk_of(call)
    effects = await desk.close(call.uow, case, call.actor.user_id, call.now, close_topic=True)
    call.say(closed_notice(staff_name(call.turn), call.t))  # before the topic closes
    call.turn.effects.extend(effects)


async def close_approval(call: StaffCall, person: Person, approved: bool) -> None:
    """The mentor was approved or turned down: their approval case closes, with a line in its
    topic saying who decided what, and the topic closes."""
    case = await call.uow.cases.open_case(person.id, CaseKind.APPROVAL)
    if case is None:
        return
    desk = desk_of(call)
    t, name = desk.staff_t, esc(pseudonym(person, desk.staff_t))
    who = esc(staff_name(call.turn))
    line = (
        t._("✅ {staff} approved {name}.", staff=who, name=name)
        if approved
        else t._("✖️ {staff} turned {name} down.", staff=who, name=name)
    )
    effects: list[Effect] = []
    if case.staff_chat_id is not None and case.thread_id is not None:
        effects.append(SendText(chat_id=case.staff_chat_id, text=line, thread_id=case.thread_id))
    effects += await desk.close(call.uow, case, call.actor.user_id, call.now, close_topic=True)
    call.turn.effects.extend(effects)
