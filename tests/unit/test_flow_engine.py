"""The engine applies each kind of `Outcome` the one way its constructor says: on to another
question, done, asked again, a hint under the standing question, or the question redrawn."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core import effects as fx
from bot.core.engine import FlowEngine, button_data
from bot.core.events import TextMessage, UserRef
from bot.core.flow import Choice, Context, Flow, Outcome, Prompt, State
from bot.core.models import FlowState, Person
from bot.core.programs import ProgramCatalog
from bot.core.turn import Turn
from bot.i18n import Catalogs

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
ASK, NEXT = "toy.ask", "toy.next"


class AskState(State):
    id = ASK
    takes_text = True

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(f"Pick? {dict(ctx.data)}", ((Choice("go", "Go"), Choice("tick", "Tick")),))

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == "go":
            return Outcome.go(NEXT, data={"went": 1}, say="Off we go", chosen="Gone")
        return Outcome.redraw(data={"ticked": 1}, toast="Ticked")

    def on_text(self, ctx: Context, text: str) -> Outcome:
        if text == "hint":
            return Outcome.hint("Not like that")
        if text == "again":
            return Outcome.again("Once more", data={"tries": 2})
        return Outcome.done("Bye", person=ctx.person)


class NextState(State):
    id = NEXT

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt("Next question")


TOY = Flow("toy", ASK, {ASK: AskState(), NEXT: NextState()})


def turn_at_ask() -> Turn:
    person = Person(id=1, chat_id=1, language="en", created_at=NOW, updated_at=NOW)
    event = TextMessage(update_id=1, user=UserRef(id=1), chat_id=1, at=NOW, message_id=5, text="")
    flow = FlowState(user_id=1, flow="toy", state=ASK, data={}, token="tok", updated_at=NOW)
    return Turn(event, person, flow, Catalogs("en"), NOW)


def engine() -> FlowEngine:
    return FlowEngine({"toy": TOY}, ProgramCatalog([]), 18, token_factory=lambda: "new")


def sent(turn: Turn) -> list[str]:
    return [e.text for e in turn.effects if isinstance(e, fx.SendText)]


def test_go_says_marks_the_answer_and_asks_the_next_question() -> None:
    turn = turn_at_ask()
    engine().on_press(turn, "cb", 7, button_data("tok", "go"))
    assert [type(e) for e in turn.effects] == [
        fx.AnswerButton,
        fx.EditText,
        fx.SendText,
        fx.SendText,
    ]
    edit = turn.effects[1]
    assert isinstance(edit, fx.EditText) and edit.text.endswith("<b>→ Gone</b>")
    assert sent(turn) == ["Off we go", "Next question"]
    assert turn.flow is not None and (turn.flow.state, turn.flow.token) == (NEXT, "new")
    assert turn.flow.data == {"went": 1}


def test_redraw_edits_the_question_in_place_and_keeps_its_buttons_working() -> None:
    turn = turn_at_ask()
    engine().on_press(turn, "cb", 7, button_data("tok", "tick"))
    answer, edit = turn.effects
    assert isinstance(answer, fx.AnswerButton) and answer.text == "Ticked"
    assert isinstance(edit, fx.EditText) and edit.text == "Pick? {'ticked': 1}"
    assert [b.data for row in edit.buttons for b in row] == ["f:tok:go", "f:tok:tick"]
    assert turn.flow is not None and (turn.flow.token, turn.flow.data) == ("tok", {"ticked": 1})


def test_hint_says_only_what_was_wrong() -> None:
    turn = turn_at_ask()
    engine().on_text(turn, "hint")
    assert sent(turn) == ["Not like that"]
    assert turn.flow is not None and (turn.flow.state, turn.flow.token) == (ASK, "tok")


def test_again_says_why_and_asks_the_same_question_anew() -> None:
    turn = turn_at_ask()
    engine().on_text(turn, "again")
    assert sent(turn) == ["Once more", "Pick? {'tries': 2}"]
    assert turn.flow is not None and (turn.flow.state, turn.flow.token) == (ASK, "new")


def test_done_says_its_last_word_and_ends_the_flow() -> None:
    turn = turn_at_ask()
    engine().on_text(turn, "bye")
    assert sent(turn) == ["Bye"] and turn.flow is None
