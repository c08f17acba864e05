"""Flow primitives: a conversation is an explicit state machine with stable string state ids.

A state renders a `Prompt` and turns the person's answer into an `Outcome`; it does no I/O and
never awaits. The engine (`bot.core.engine`) applies outcomes, persists the state and produces
effects, so flows are tested as plain transcripts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from bot.core.effects import Keyboard
from bot.core.languages import Languages
from bot.core.models import Person
from bot.core.programs import ProgramCatalog
from bot.core.writes import Write
from bot.i18n import Translator

SHOWN_ONCE = "~"
"""Flow data keys that start with this are read by the prompt entered with them, and never
stored (e.g. a date of birth shown back for confirmation): a re-shown prompt goes without."""


@dataclass(frozen=True)
class Choice:
    """A button offered by a prompt; `value` is short and stable (it travels in callback data)."""

    value: str
    label: str


@dataclass(frozen=True)
class Prompt:
    """What a state asks: a text and, optionally, rows of choices."""

    text: str
    choices: tuple[tuple[Choice, ...], ...] = ()

    def find(self, value: str) -> Choice | None:
        """The offered choice with this value, if any."""
        return next((c for row in self.choices for c in row if c.value == value), None)

    def typed(self, text: str) -> Choice | None:
        """The offered choice whose label this text is (typed instead of pressed), if any."""
        wanted = text.strip().casefold().lstrip("✓ ")
        return next(
            (c for row in self.choices for c in row if c.label.casefold().lstrip("✓ ") == wanted),
            None,
        )


@dataclass(frozen=True)
class Context:
    """Everything a state may read while deciding: no repositories, no clock calls."""

    person: Person
    data: Mapping[str, Any]
    now: datetime
    t: Translator
    programs: ProgramCatalog
    min_age: int
    languages: Languages


class Move(Enum):
    """Where the conversation goes after an answer."""

    GO = "go"
    """To another state (`Outcome.to`), asking its question."""
    DONE = "done"
    """The flow ends."""
    AGAIN = "again"
    """It stays, asking the same question again in a new message."""
    HINT = "hint"
    """It stays, saying only what was wrong: the question above still stands."""
    REDRAW = "redraw"
    """It stays, redrawing the pressed question in place (a typed answer: `AGAIN`)."""


@dataclass(frozen=True)
class Reply:
    """What the person is told about their answer."""

    text: str = ""
    """A message sent before the next question ("" for none)."""
    buttons: Keyboard = ()
    """Buttons under that message."""
    toast: str | None = None
    """A short notice on the pressed button."""
    chosen: str | None = None
    """Shown under the answered question (default: the pressed button's label)."""


@dataclass(frozen=True)
class Change:
    """What the answer changes (stored at the end of the turn)."""

    data: Mapping[str, Any] | None = None
    """The flow data from now on (None: as it was)."""
    person: Person | None = None
    """The person from now on (None: as they were)."""
    writes: tuple[Write, ...] = ()
    """Records to store."""


@dataclass(frozen=True)
class Outcome:
    """What happens after an answer: where the conversation goes (`move`, `to`), what the person
    is told (`reply`) and what changes (`change`). Built with the constructors below."""

    move: Move
    """Where the conversation goes."""
    to: str = ""
    """The state `Move.GO` enters."""
    reply: Reply = Reply()
    """What the person is told."""
    change: Change = Change()
    """What changes."""

    @classmethod
    def go(
        cls,
        to: str,
        *,
        data: Mapping[str, Any] | None = None,
        person: Person | None = None,
        writes: tuple[Write, ...] = (),
        say: str = "",
        chosen: str | None = None,
    ) -> Outcome:
        """On to state `to`, after saying `say`."""
        return cls(Move.GO, to, Reply(say, chosen=chosen), Change(data, person, writes))

    @classmethod
    def done(
        cls,
        say: str = "",
        *,
        buttons: Keyboard = (),
        person: Person | None = None,
        writes: tuple[Write, ...] = (),
        chosen: str | None = None,
        toast: str | None = None,
    ) -> Outcome:
        """The flow ends, with `say` (and its `buttons`) as the last word."""
        return cls(
            Move.DONE,
            reply=Reply(say, buttons, toast, chosen),
            change=Change(None, person, writes),
        )

    @classmethod
    def again(cls, say: str, *, data: Mapping[str, Any] | None = None) -> Outcome:
        """Say why, then ask the same question again."""
        return cls(Move.AGAIN, reply=Reply(say), change=Change(data))

    @classmethod
    def hint(cls, say: str) -> Outcome:
        """Say only what was wrong; the question above still stands."""
        return cls(Move.HINT, reply=Reply(say))

    @classmethod
    def redraw(cls, *, data: Mapping[str, Any] | None = None, toast: str | None = None) -> Outcome:
        """Redraw the question in place (an option ticked or unticked)."""
        return cls(Move.REDRAW, reply=Reply(toast=toast), change=Change(data))


class State:
    """Base class for a state: override `prompt` and at least one of `on_text`/`on_choice`.

    `takes_text` is True only for a state that explicitly waits for typed input (a date, a
    name, a place, a report's details...), and its question must say to type the answer. Any
    other state waits for buttons: a paired person's messages then go to their partner
    (`bot.handlers.dispatch`) and the state stays where it was, even when the text is exactly one
    of its buttons' labels; only a person with no pair may type a label instead of pressing."""

    id: str = ""
    takes_text: bool = False

    def prompt(self, ctx: Context) -> Prompt:
        """The question for this state."""
        raise NotImplementedError

    def on_text(self, ctx: Context, text: str) -> Outcome:
        """A typed answer; by default, typing the label of an offered choice selects it."""
        choice = self.prompt(ctx).typed(text)
        if choice is not None:
            return self.on_choice(ctx, choice.value)
        return Outcome.again(ctx.t._("Please choose one of the buttons below."))

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        """A button press whose value the current prompt offered."""
        return Outcome.again(ctx.t._("Please type your answer."))

    def skip(self, ctx: Context) -> bool:
        """True when this state has nothing to ask (e.g. the program came with the link)."""
        return False

    def next_state(self, ctx: Context) -> str:
        """Where to go when `skip` is true."""
        raise NotImplementedError(f"{self.id} can be skipped but names no next state")


@dataclass
class Flow:
    """A named set of states with a first state. State ids are persisted: never rename them."""

    name: str
    first: str
    states: dict[str, State] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for state_id, state in self.states.items():
            if state.id != state_id or not state_id.startswith(f"{self.name}."):
                raise ValueError(f"state {state_id!r} must be registered under its own id")
        if self.first not in self.states:
            raise ValueError(f"first state {self.first!r} is not a state of {self.name}")

    def state(self, state_id: str) -> State | None:
        """The state with this id, or None when it no longer exists (a stale stored id)."""
        return self.states.get(state_id)
