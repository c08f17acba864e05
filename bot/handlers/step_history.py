"""/steps: a pair's curriculum steps so far, each of them opened again with its resources.

The list shows, for one of the person's current pairs (active or paused), every step that reached
them (sent, or skipped as too late) with its status — delivered on a date, check-in answered or
still waiting, skipped — and how many steps are still to come. A button per step opens it again,
in the person's current language and on their own side only (the mentee's message, or the
mentor's prompt), with its links, documents and check-in buttons. Someone with several current
pairs (a mentor with several mentees) first chooses whose steps.

The buttons hold no state and are each checked against what is stored:

- `cs:l:<row>` — under every step message: the list of that row's pair (a new message)
- `cs:p:<pair>[:<page>]` — a page of a pair's list (latest page by default; edits in place)
- `cs:c` — the choice of pair again (edits in place)
- `cs:o:<row>` — open a step again (a new message)

A press on a step not delivered yet, on another person's step, on a pair the presser is not in
(or no longer in), or with made-up data gets a friendly answer and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_datetime

from bot.core.curricula import Curriculum, Step
from bot.core.effects import Button, Keyboard, keyboard
from bot.core.events import ButtonPress
from bot.core.models import Pair, PairStatus, Role, ScheduledStep, StepStatus
from bot.core.planning import recipient
from bot.core.ports import UnitOfWork
from bot.core.programs import ProgramCatalog
from bot.core.turn import Turn
from bot.messages.steps import STEPS_PREFIX, progress_label, reread_message

LIST, PAGE, CHOOSE, OPEN = "l", "p", "c", "o"
PAGE_SIZE = 8  # steps per page of the list
MAX_LABEL = 40  # characters of a step title on its button
REACHED = (StepStatus.SENT, StepStatus.SKIPPED)


@dataclass(frozen=True)
class History:
    """One person's side of one pair's curriculum, as stored."""

    pair: Pair
    partner: str
    reached: list[tuple[ScheduledStep, Curriculum, Step]]  # sent or skipped, in order
    upcoming: list[ScheduledStep]  # still scheduled, soonest first
    answers: dict[int, str]  # scheduled row id → the person's check-in answer


class StepHistory:
    """/steps and its buttons (`cs:`)."""

    def __init__(self, catalog: ProgramCatalog) -> None:
        self.catalog = catalog

    async def command(self, turn: Turn, uow: UnitOfWork) -> None:
        """/steps: the list of the only current pair, or first the choice of pair."""
        pairs = await uow.pairs.of_person(turn.person.id)
        if not pairs:
            turn.say(
                turn.t._(
                    "You have no curriculum steps yet: they start once you are matched. "
                    "/help shows what you can do."
                )
            )
        elif len(pairs) == 1:
            turn.say(*await self._page(turn, uow, pairs[0], None, several=False))
        else:
            turn.say(*await self._choice(turn, uow, pairs))

    async def press(self, turn: Turn, press: ButtonPress, uow: UnitOfWork) -> None:
        """A press on a `cs:` button (see the module's docstring)."""
        kind, _, rest = press.data.removeprefix(STEPS_PREFIX).partition(":")
        pairs = await uow.pairs.of_person(turn.person.id)
        if kind == CHOOSE and not rest and len(pairs) > 1:
            turn.answer(press.callback_id)
            turn.edit(press.message_id, *await self._choice(turn, uow, pairs))
        elif kind == PAGE:
            pair_text, _, page_text = rest.partition(":")
            pair = next((p for p in pairs if str(p.id) == pair_text), None)
            if pair is None or not (page_text.isdigit() or page_text == ""):
                turn.answer_stale(press.callback_id)
                return
            page = int(page_text) if page_text else None
            turn.answer(press.callback_id)
            text, buttons = await self._page(turn, uow, pair, page, several=len(pairs) > 1)
            turn.edit(press.message_id, text, buttons)
        elif kind in (LIST, OPEN) and rest.isdigit():
            await self._row_press(turn, press, uow, kind, int(rest), pairs)
        else:
            turn.answer_stale(press.callback_id)

    async def _row_press(
        self,
        turn: Turn,
        press: ButtonPress,
        uow: UnitOfWork,
        kind: str,
        row_id: int,
        pairs: list[Pair],
    ) -> None:
        """`cs:l:<row>` or `cs:o:<row>`: only for a row of the presser that reached them, in a
        pair they are still in."""
        t = turn.t
        row = await uow.schedule.get(row_id)
        if row is None or row.person_id != turn.person.id or row.status is StepStatus.CANCELLED:
            turn.answer_stale(press.callback_id)
            return
        pair = next((p for p in pairs if p.id == row.pair_id), None)
        if pair is None:
            turn.answer(
                press.callback_id,
                t._("That mentorship has ended, so its steps can't be opened any more."),
            )
            return
        if row.status not in REACHED:
            turn.answer(
                press.callback_id, t._("That step hasn't arrived yet: it comes on its day.")
            )
            return
        found = self._step(row)
        if found is None:
            turn.answer_stale(press.callback_id)
            return
        turn.answer(press.callback_id)
        if kind == LIST:
            turn.say(*await self._page(turn, uow, pair, None, several=len(pairs) > 1))
            return
        curriculum, step = found
        answer = await uow.checkins.get(row.id)
        mine = answer.answer if answer is not None and answer.person_id == row.person_id else None
        note = self._note(turn, row, await self._partner(turn, uow, pair))
        turn.effects.append(
            reread_message(row, turn.person.chat_id, curriculum, step, t, note=note, answer=mine)
        )

    def _step(self, row: ScheduledStep) -> tuple[Curriculum, Step] | None:
        curriculum = self.catalog.curricula.get(row.curriculum)
        step = curriculum.step(row.step_id) if curriculum else None
        return None if curriculum is None or step is None else (curriculum, step)

    async def _partner(self, turn: Turn, uow: UnitOfWork, pair: Pair) -> str:
        partner = await uow.persons.get(pair.partner_of(turn.person.id))
        return (partner.display_name if partner else None) or turn.t._("your partner")

    async def _history(self, turn: Turn, uow: UnitOfWork, pair: Pair) -> History:
        me = turn.person.id
        rows = [r for r in await uow.schedule.of_pair(pair.id) if r.person_id == me]
        reached = []
        for row in rows:
            found = self._step(row) if row.status in REACHED else None
            if found is not None:
                reached.append((row, *found))
        upcoming = sorted(
            (r for r in rows if r.status is StepStatus.SCHEDULED), key=lambda r: r.due_at
        )
        answers = {
            a.scheduled_step_id: a.answer
            for a in await uow.checkins.of_pair(pair.id)
            if a.person_id == me
        }
        partner = await self._partner(turn, uow, pair)
        return History(pair, partner, reached, upcoming, answers)

    async def _choice(
        self, turn: Turn, uow: UnitOfWork, pairs: list[Pair]
    ) -> tuple[str, Keyboard]:
        buttons = [
            [Button(text=await self._partner(turn, uow, p), data=f"{STEPS_PREFIX}{PAGE}:{p.id}")]
            for p in pairs
        ]
        return turn.t._("Whose steps would you like to see?"), keyboard(buttons)

    async def _page(
        self, turn: Turn, uow: UnitOfWork, pair: Pair, page: int | None, *, several: bool
    ) -> tuple[str, Keyboard]:
        """One page of a pair's list (`page` None: the latest) and its buttons."""
        t = turn.t
        history = await self._history(turn, uow, pair)
        pages = max(1, -(-len(history.reached) // PAGE_SIZE))
        page = pages - 1 if page is None else min(page, pages - 1)
        shown = history.reached[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        lines = [t._("<b>📚 Your steps with {name}</b>", name=history.partner)]
        if pages > 1:
            lines.append(t._("<i>Page {page} of {pages}</i>", page=page + 1, pages=pages))
        if not history.reached:
            lines.append(t._("No step has arrived yet."))
        lines += [self._line(turn, row, c, s, history.answers) for row, c, s in shown]
        lines.append(self._upcoming(turn, history))
        buttons: list[list[Button]] = [
            [Button(text=_label(c, s, t.language), data=f"{STEPS_PREFIX}{OPEN}:{row.id}")]
            for row, c, s in shown
        ]
        nav = []
        if page > 0:
            nav.append(Button(text=t._("‹ Earlier"), data=_page_data(pair, page - 1)))
        if page < pages - 1:
            nav.append(Button(text=t._("Later ›"), data=_page_data(pair, page + 1)))
        if nav:
            buttons.append(nav)
        if several:
            buttons.append([Button(text=t._("👥 Other mentorships"), data=STEPS_PREFIX + CHOOSE)])
        return "\n".join(lines), keyboard(buttons)

    def _when(self, turn: Turn, at: datetime, pattern: str = "EEE d MMM") -> str:
        zone = recipient(turn.person.time_zone, turn.person.preferred_hour).zone
        return format_datetime(at, pattern, tzinfo=zone, locale=turn.t.language)

    def _line(
        self,
        turn: Turn,
        row: ScheduledStep,
        curriculum: Curriculum,
        step: Step,
        answers: dict[int, str],
    ) -> str:
        t = turn.t
        where = t._(
            "{step} · {title}",
            step=progress_label(t, curriculum, step),
            title=step.title.get(t.language),
        )
        date = self._when(turn, row.sent_at or row.due_at)
        if row.status is StepStatus.SKIPPED:
            skipped = t._("skipped on {date} (it came while mentorbot was offline)", date=date)
            return f"⏭ {where} — {skipped}"
        if step.checkin is None or row.role is not Role.MENTEE:
            return f"📬 {where} — " + t._("delivered {date}", date=date)
        if row.id in answers:
            return f"✅ {where} — " + t._("delivered {date}, check-in answered", date=date)
        return f"❔ {where} — " + t._("delivered {date}, check-in not answered yet", date=date)

    def _upcoming(self, turn: Turn, history: History) -> str:
        t = turn.t
        count = len(history.upcoming)
        if count == 0:
            return t._("No more steps to come: the curriculum is complete 🎉")
        if history.pair.status is PairStatus.PAUSED:
            return t.n_(
                "{n} more step to come once the mentorship is resumed.",
                "{n} more steps to come once the mentorship is resumed.",
                count,
            )
        when = self._when(turn, history.upcoming[0].due_at, "EEE d MMM, HH:mm")
        return t.n_(
            "{n} more step to come, the next on {when}.",
            "{n} more steps to come, the next on {when}.",
            count,
            when=when,
        )

    def _note(self, turn: Turn, row: ScheduledStep, partner: str) -> str:
        t = turn.t
        date = self._when(turn, row.sent_at or row.due_at)
        if row.status is StepStatus.SKIPPED:
            return t._(
                "⏭ <i>Skipped on {date} (it came while mentorbot was offline), in your "
                "mentorship with {name}.</i>",
                date=date,
                name=partner,
            )
        return t._(
            "🔁 <i>Delivered on {date}, in your mentorship with {name}.</i>",
            date=date,
            name=partner,
        )


def _page_data(pair: Pair, page: int) -> str:
    return f"{STEPS_PREFIX}{PAGE}:{pair.id}:{page}"


def _label(curriculum: Curriculum, step: Step, language: str) -> str:
    title = step.title.get(language)
    if len(title) > MAX_LABEL:
        title = title[: MAX_LABEL - 1] + "…"
    return f"{curriculum.index(step.id) + 1}. {title}"
