"""Entry points everyone has: /start (with a program's deep-link code), /restart, /cancel,
/help, /language and its buttons (declared in `bot.handlers.commands`)."""

from __future__ import annotations

from dataclasses import replace

from bot.core.effects import Button
from bot.core.engine import FlowEngine
from bot.core.turn import Turn
from bot.handlers.registry import PersonCall
from flows import onboarding

LANGUAGE_PREFIX = "lang:"


async def start(call: PersonCall) -> None:
    """/start [CODE]: continue the flow under way, greet someone signed up, or sign them up."""
    turn, engine = call.turn, call.bot.engine
    if turn.flow is not None:
        turn.say(turn.t._("Welcome back! Let's continue where we left off."))
        engine.resume(turn)
    elif turn.person.is_onboarded:
        program = engine.programs.get(turn.person.program)
        turn.say(
            turn.t._(
                "Welcome back, {name}! You're already registered in {program}. /help shows "
                "what you can do.",
                name=turn.person.display_name or "",
                program=program.name.get(turn.t.language) if program else "",
            )
        )
    else:
        begin_onboarding(engine, turn, call.args)


async def restart(call: PersonCall) -> None:
    """/restart: sign up again from the beginning."""
    call.turn.set_flow(None)
    call.turn.say(call.turn.t._("Let's start again from the beginning."))
    begin_onboarding(call.bot.engine, call.turn, "")


async def cancel(call: PersonCall) -> None:
    """/cancel: stop the question under way (a staff preview is cancelled by the staff router)."""
    turn = call.turn
    if turn.flow is None:
        turn.say(turn.t._("There's nothing to cancel right now. /help shows what I can do."))
    else:
        turn.set_flow(None)
        turn.say(turn.t._("Cancelled. Send /start whenever you want to continue."))


async def help_(call: PersonCall) -> None:
    """/help for the asker's access level, then the current question again."""
    access = (await call.bot.staff.actor(call.uow, call.turn.person.id)).access
    call.turn.say(call.bot.registry.help_text(call.turn.t, access))
    call.bot.engine.resume(call.turn)


async def language(call: PersonCall) -> None:
    """/language: one button per offered language."""
    buttons = tuple(
        (Button(text=call.bot.languages.name(code), data=f"{LANGUAGE_PREFIX}{code}"),)
        for code in call.bot.languages
    )
    call.turn.say(call.turn.t._("Which language would you like to use?"), buttons)


async def language_press(call: PersonCall) -> None:
    """A language button: switch, then give a staff member their menu in the new language."""
    turn, press = call.turn, call.press
    code = press.data.removeprefix(LANGUAGE_PREFIX)
    if code not in call.bot.languages:
        turn.answer(press.callback_id, turn.t._("That option isn't available."))
    else:
        turn.set_person(replace(turn.person, language=code))
        name = call.bot.languages.name(code)
        turn.answer(press.callback_id, turn.t._("Language: {name}", name=name))
        turn.edit(press.message_id, turn.t._("Language: {name}", name=name))
        call.bot.engine.resume(turn)
    await call.bot.staff.refresh_menu(turn, call.uow)  # a staff menu follows the language


def begin_onboarding(engine: FlowEngine, turn: Turn, code: str) -> None:
    """Start signing up, in the program of the deep link `code` when there is one."""
    data: dict[str, str] = {}
    program = engine.programs.get(code) if code else None
    if program is not None:
        data = {"program": program.code, "link_program": program.code}
    elif code:
        turn.say(
            turn.t._(
                "I don't recognise the program in that link, so I'll ask you "
                "to choose it in a moment."
            )
        )
    engine.start(turn, onboarding.NAME, data)
