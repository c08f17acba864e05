"""What a person in a pair can ask for: /progress, /resources, /training, and the buttons that
come with curriculum steps (check-in answers, documents). Every button is checked against what
is stored: a press on someone else's step, an old step or a made-up option changes nothing."""

from __future__ import annotations

import asyncio
import html
from dataclasses import dataclass

from babel.dates import format_datetime

from bot.core.curricula import Curriculum, Step
from bot.core.effects import SendDocument
from bot.core.engine import FlowEngine
from bot.core.events import ButtonPress
from bot.core.models import CheckinAnswer, Pair, PairStatus, Role, ScheduledStep, StepStatus
from bot.core.planning import recipient
from bot.core.ports import UnitOfWork
from bot.core.turn import Turn
from bot.messages.steps import (
    CHECKIN_PREFIX,
    DOCUMENT_PREFIX,
    FREE_TEXT,
    answered_buttons,
    progress_label,
    resource_buttons,
)
from flows import checkin, training

REACHED = (StepStatus.SENT, StepStatus.SKIPPED)


@dataclass(frozen=True)
class OwnedStep:
    """A scheduled row that belongs to the presser, with its curriculum step."""

    row: ScheduledStep
    curriculum: Curriculum
    step: Step


class PairCommands:
    """The pair-related commands and buttons of the dispatcher."""

    def __init__(self, engine: FlowEngine) -> None:
        self.engine = engine
        self.catalog = engine.programs

    async def _owned(
        self, turn: Turn, uow: UnitOfWork, data: str, prefix: str
    ) -> tuple[OwnedStep, str] | None:
        row_text, _, value = data.removeprefix(prefix).partition(":")
        if not row_text.isdigit():
            return None
        row = await uow.schedule.get(int(row_text))
        if row is None or row.person_id != turn.person.id or row.status not in REACHED:
            return None
        curriculum = self.catalog.curricula.get(row.curriculum)
        step = curriculum.step(row.step_id) if curriculum else None
        if curriculum is None or step is None:
            return None
        return OwnedStep(row, curriculum, step), value

    async def checkin_press(self, turn: Turn, press: ButtonPress, uow: UnitOfWork) -> None:
        """A one-tap check-in answer, or the start of a free-text one."""
        found = await self._owned(turn, uow, press.data, CHECKIN_PREFIX)
        checkin_q = found[0].step.checkin if found else None
        if found is None or checkin_q is None:
            turn.answer_stale(press.callback_id)
            return
        owned, value = found
        lang = turn.t.language
        if value == FREE_TEXT and not checkin_q.options:
            turn.answer(press.callback_id)
            self.engine.start(
                turn,
                checkin.NAME,
                {
                    "row": owned.row.id,
                    "pair": owned.row.pair_id,
                    "step": owned.step.id,
                    "question": checkin_q.question.get(lang),
                },
            )
            return
        option = next((o for o in checkin_q.options if o.id == value), None)
        if option is None:
            turn.answer(press.callback_id, turn.t._("That option isn't available."))
            return
        turn.writes.append(
            CheckinAnswer(
                scheduled_step_id=owned.row.id,
                pair_id=owned.row.pair_id,
                person_id=turn.person.id,
                step_id=owned.step.id,
                answer=option.id,
                answered_at=turn.now,
            )
        )
        turn.answer(press.callback_id, turn.t._("Thank you, your answer is saved."))
        # Only the buttons change (the chosen option marked): the step's text and links stay.
        marked = answered_buttons(owned.row, owned.curriculum, owned.step, turn.t, option.id)
        turn.edit_buttons(press.message_id, marked)

    async def document_press(self, turn: Turn, press: ButtonPress, uow: UnitOfWork) -> None:
        """Send a document that ships with a step the person has reached."""
        found = await self._owned(turn, uow, press.data, DOCUMENT_PREFIX)
        resources = found[0].step.resources if found else ()
        index = int(found[1]) if found and found[1].isdigit() else -1
        if found is None or not 0 <= index < len(resources) or not resources[index].file:
            turn.answer_stale(press.callback_id)
            return
        resource = resources[index]
        folder = found[0].curriculum.folder
        assert folder is not None and resource.file is not None
        path = folder / resource.file
        content = await asyncio.to_thread(path.read_bytes)
        turn.answer(press.callback_id)
        turn.effects.append(
            SendDocument(
                chat_id=turn.person.chat_id,
                filename=path.name,
                content=content,
                caption=html.escape(resource.title.get(turn.t.language)),
            )
        )

    async def _partners(
        self, uow: UnitOfWork, person_id: int, pairs: list[Pair]
    ) -> dict[int, str]:
        people = await uow.persons.get_many({p.partner_of(person_id) for p in pairs})
        return {p.id: p.display_name or "" for p in people}

    async def progress(self, turn: Turn, uow: UnitOfWork) -> None:
        """Where each of the person's pairs is in its curriculum, and when the next step comes."""
        person = turn.person
        pairs = await uow.pairs.of_person(person.id)
        if not pairs:
            turn.say(
                turn.t._(
                    "You are not matched yet, so there is no curriculum progress to "
                    "show. We'll tell you here as soon as you are matched."
                )
            )
            return
        names = await self._partners(uow, person.id, pairs)
        zone = recipient(person.time_zone, person.preferred_hour).zone
        lines = [turn.t._("<b>Your progress</b>")]
        for pair in pairs:
            rows = [r for r in await uow.schedule.of_pair(pair.id) if r.person_id == person.id]
            reached = [r for r in rows if r.status in REACHED]
            upcoming = sorted(
                (r for r in rows if r.status is StepStatus.SCHEDULED), key=lambda r: r.due_at
            )
            partner = names.get(pair.partner_of(person.id), "")
            if reached:
                last = max(reached, key=lambda r: r.position)
                curriculum = self.catalog.curricula[last.curriculum]
                step = curriculum.step(last.step_id)
                assert step is not None
                where = turn.t._(
                    "{step} · {title}",
                    step=progress_label(turn.t, curriculum, step),
                    title=step.title.get(turn.t.language),
                )
            else:
                where = turn.t._("not started yet")
            if pair.status is PairStatus.PAUSED:
                nxt = turn.t._("paused")
            elif upcoming:
                nxt = turn.t._(
                    "next step {when}",
                    when=format_datetime(
                        upcoming[0].due_at, "EEE d MMM, HH:mm", tzinfo=zone, locale=turn.t.language
                    ),
                )
            else:
                nxt = turn.t._("curriculum complete 🎉")
            lines.append(
                turn.t._("• With {name}: {where} ({next})", name=partner, where=where, next=nxt)
            )
        turn.say("\n".join(lines))

    async def resources(self, turn: Turn, uow: UnitOfWork) -> None:
        """The program's resources and those of every step reached so far."""
        lang = turn.t.language
        program = self.catalog.get(turn.person.program)
        lines = [turn.t._("<b>Resources</b>")]
        buttons = []
        if program is not None:
            lines += [_link(r.title.get(lang), r.url) for r in program.resources if r.url]
        for pair in await uow.pairs.of_person(turn.person.id):
            rows = sorted(
                (
                    r
                    for r in await uow.schedule.of_pair(pair.id)
                    if r.person_id == turn.person.id and r.status in REACHED
                ),
                key=lambda r: r.position,
            )
            for row in rows:
                step = self.catalog.curricula[row.curriculum].step(row.step_id)
                if step is None or not step.resources:
                    continue
                lines.append(f"\n<b>{html.escape(step.title.get(lang))}</b>")
                lines += [_link(r.title.get(lang), r.url) for r in step.resources if r.url]
                buttons += [b for b in resource_buttons(step.resources, row.id, lang) if b[0].data]
        if len(lines) == 1:
            lines.append(turn.t._("Nothing yet: resources arrive with each curriculum step."))
        turn.say("\n".join(lines), tuple(tuple(b) for b in buttons[:50]))

    async def training(self, turn: Turn, uow: UnitOfWork) -> None:
        """Open the volunteer training (mentors only)."""
        person = turn.person
        program = self.catalog.get(person.program)
        course = self.catalog.training_of(program) if program else None
        if not person.is_onboarded:
            turn.say(turn.t._("Please finish signing up first: send /start."))
        elif person.role is not Role.MENTOR or course is None:
            turn.say(
                turn.t._(
                    "The volunteer training is for mentors of programs that have "
                    "one. /help shows what you can do."
                )
            )
        else:
            results = await uow.training.of_person(person.id, course.id)
            self.engine.start(
                turn, training.NAME, {"results": {r.module_id: r.passed for r in results}}
            )


def _link(title: str, url: str | None) -> str:
    return f'🔗 <a href="{html.escape(url or "", quote=True)}">{html.escape(title)}</a>'
