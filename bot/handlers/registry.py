"""What a command and a button are, and the registry that holds them (`bot.handlers.commands`
declares them).

A `SlashCommand` is declared once: its name, who may use it (`access`), its arguments (`usage`,
shown in /help and in usage errors, and `args`, what the handler receives), its help line
(`description`, an English msgid translated when shown), the menu it appears in, whether the
age lock and a ban let it through, and its handler. A staff command may also own buttons whose
data is `st:<name>:…` (`press`), authorised like the command itself; what runs when its preview
is confirmed (`confirm`: a staff draft whose kind is the command's name); and the typed answer
that completes its conversation (`answer`: the flow's last state and what it completes). The
staff router authorises a confirmation and an answer like the command itself.

A `Callback` is a kind of button: its data prefix (one word and a colon, e.g. `ci:`), or the
whole data for a one-off button, and its handler. The dispatcher finds a press's callback by the
first word of its data (or its whole data), never by trying prefixes in turn.

`Registry` checks the declarations when it is built (unique names and prefixes, a handler and a
help line for each) and generates from them the menus of each language, the menu of each staff
member and /help for each access level.
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bot.core.engine import FLOW_PREFIX
from bot.core.events import ButtonPress
from bot.core.ports import UnitOfWork
from bot.core.staff import Access
from bot.core.turn import Turn
from bot.i18n import N_, Catalogs, Translator

if TYPE_CHECKING:
    from bot.handlers.dispatch import MentorbotDispatcher

CallT = TypeVar("CallT")
PREFIX = re.compile(r"[a-z]+:")
"""A callback prefix: one lower-case word and a colon."""


class Group(Enum):
    """The task a staff command serves: staff menus and /help list staff commands by group, in
    this order (a Telegram menu has no headings: each description starts with its group's word)."""

    DAY = N_("Today")
    PEOPLE = N_("People")
    PAIRS = N_("Pairs")
    PROGRAM = N_("Program")
    FIGURES = N_("Figures")
    ADMIN = N_("Admin")
    MORE = N_("More")


GROUPS = tuple(Group)
"""The groups in the order of the menus and of /help."""


class Menu(Enum):
    """Which Telegram command menu lists a command."""

    EVERYONE = "everyone"  # the bot's default menu, in each language
    STAFF = "staff"  # a staff member's own menu (setMyCommands with their chat's scope)


def as_typed(args: str) -> str:
    """The arguments as typed (the default argument reader)."""
    return args


@dataclass(frozen=True)
class Answer(Generic[CallT]):
    """A typed answer that completes a command's conversation: the flow's last `state`, and
    what it completes (`run`, with the flow's data)."""

    state: str
    run: Callable[[CallT, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class SlashCommand(Generic[CallT]):
    """A slash-command. `run` takes the call (a `PersonCall`, or a staff `StaffCall`);
    `press` runs the staff command's own buttons (`st:<name>:…`, with the parts after it)."""

    name: str
    description: str
    run: Callable[[CallT], Awaitable[None]]
    access: Access = Access.EVERYONE
    usage: str = ""
    always_allowed: bool = False
    """Usable under the age lock and by a banned person (privacy rights, /help, /language)."""
    args: Callable[[str], Any] = as_typed
    """The shape of the arguments (`bot.core.parsing.arguments`: `Words`, `Fields`, `nothing`),
    read before the handler runs; a bad shape is answered with the usage line."""
    press: Callable[[CallT, list[str]], Awaitable[None]] | None = None
    confirm: Callable[[CallT, dict[str, Any]], Awaitable[None]] | None = None
    """Runs a confirmed preview of this command (its stored draft's data)."""
    answer: Answer[CallT] | None = None
    group: Group = Group.MORE
    """The task a staff command serves (its place in staff menus and /help)."""

    @property
    def menu(self) -> Menu:
        """The menu that lists it, from who may use it: everyone's, or each staff member's own."""
        return Menu.EVERYONE if self.access is Access.EVERYONE else Menu.STAFF


@dataclass(frozen=True)
class PersonCall:
    """One participant command or button being handled: the dispatcher's feature handlers
    (`bot`), the turn, the unit of work, and the arguments or the press."""

    bot: MentorbotDispatcher
    turn: Turn
    uow: UnitOfWork
    args: str = ""
    pressed: ButtonPress | None = None

    @property
    def press(self) -> ButtonPress:
        """The press being handled (a callback's call always has one)."""
        assert self.pressed is not None
        return self.pressed


@dataclass(frozen=True)
class Callback:
    """A kind of button, found by its data's `prefix` (or its whole data when `whole`)."""

    prefix: str
    run: Callable[[PersonCall], Awaitable[None]]
    allowed_under_age_lock: bool = False
    whole: bool = False
    after_open_flow: bool = False
    """Taken only when no open flow (the relay's choice of mentee) takes the press first."""


def usage_line(command: SlashCommand[Any], t: Translator) -> str:
    """The command with its arguments (e.g. /pair MENTEE MENTOR), in the reader's language."""
    return (
        f"/{command.name} {t._(command.usage)}".rstrip() if command.usage else f"/{command.name}"
    )


@dataclass(frozen=True)
class Registry:
    """Every command (everyone's, then staff's) and every kind of button."""

    commands: tuple[SlashCommand[PersonCall], ...] = ()
    staff: tuple[SlashCommand[Any], ...] = ()
    callbacks: tuple[Callback, ...] = ()
    _by_name: dict[str, SlashCommand[Any]] = field(init=False, repr=False, compare=False)
    _callbacks: dict[str, Callback] = field(init=False, repr=False, compare=False)
    _answers: dict[str, SlashCommand[Any]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = declaration_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        by_name = {c.name: c for c in (*self.commands, *self.staff)}
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_callbacks", {c.prefix: c for c in self.callbacks})
        answers = {c.answer.state: c for c in self.staff if c.answer is not None}
        object.__setattr__(self, "_answers", answers)

    def command(self, name: str) -> SlashCommand[Any] | None:
        """The command of this name, if there is one."""
        return self._by_name.get(name)

    def staff_command(self, name: str) -> SlashCommand[Any] | None:
        """The staff command of this name (not everyone's), if there is one."""
        found = self._by_name.get(name)
        return found if found is not None and found.access > Access.EVERYONE else None

    def confirmation(self, kind: str) -> SlashCommand[Any]:
        """The staff command whose preview a draft of this kind confirms (it has `confirm`)."""
        found = self.staff_command(kind)
        if found is None or found.confirm is None:
            raise KeyError(kind)
        return found

    def answered(self, state: str) -> SlashCommand[Any] | None:
        """The staff command a typed answer in this flow state completes, if there is one."""
        return self._answers.get(state)

    def answers_flow(self, flow: str) -> bool:
        """True for a flow whose typed answer completes a staff command (a staff question)."""
        return any(state.startswith(f"{flow}.") for state in self._answers)

    def always_allowed(self, name: str) -> bool:
        """True for a command the age lock and a ban let through."""
        found = self._by_name.get(name)
        return found is not None and found.always_allowed

    def callback(self, data: str) -> Callback | None:
        """The kind of button this data belongs to: by its whole data, else its first word."""
        found = self._callbacks.get(data)
        if found is not None and found.whole:
            return found
        head, sep, _ = data.partition(":")
        found = self._callbacks.get(head + sep) if sep else None
        return found if found is not None and not found.whole else None

    def for_access(self, access: Access) -> list[SlashCommand[Any]]:
        """Everyone's commands, then the staff commands this access level may use."""
        return [*self.commands, *(c for c in self.staff if c.access <= access)]

    def staff_groups(self, access: Access) -> list[tuple[Group, list[SlashCommand[Any]]]]:
        """The staff commands this access level may use, by group (in the order of `GROUPS`,
        and within a group in the order declared); empty groups are left out."""
        mine = [c for c in self.staff if c.access <= access]
        grouped = [(g, [c for c in mine if c.group is g]) for g in GROUPS]
        return [(g, commands) for g, commands in grouped if commands]

    def staff_menu(self, t: Translator, access: Access) -> list[tuple[str, str]]:
        """A staff member's own command menu, in their language: their staff commands first,
        by group, each description opening with its group's word ("Today · …"), then
        everyone's commands."""
        staff = [
            (c.name, f"{t._(group.value)} · {t._(c.description)}")
            for group, commands in self.staff_groups(access)
            for c in commands
        ]
        return [*staff, *((c.name, t._(c.description)) for c in self.commands)]

    def menus(self, catalogs: Catalogs) -> Mapping[str | None, Sequence[tuple[str, str]]]:
        """Everyone's command menu per language (None = the default language)."""
        out: dict[str | None, Sequence[tuple[str, str]]] = {}
        for language in (None, *catalogs.languages):
            t = catalogs.translator(language or catalogs.default)
            out[language] = [
                (c.name, t._(c.description)) for c in self.commands if c.menu is Menu.EVERYONE
            ]
        return out

    def help_text(self, t: Translator, access: Access = Access.EVERYONE) -> str:
        """The /help message for someone of this access level."""
        lines: list[str] = []
        groups = self.staff_groups(access)
        if groups:  # staff read their own commands first, by group, as in their menu
            lines.append(t._("<b>Staff commands</b>"))
            for group, commands in groups:
                lines += ["", f"<b>{t._(group.value)}</b>"]
                lines += [
                    f"{html.escape(usage_line(c, t))} — {t._(c.description)}" for c in commands
                ]
            lines += ["", t._("<b>Participant commands</b>")]
        else:
            lines.append(t._("<b>What I can do</b>"))
        lines += [f"/{c.name} — {t._(c.description)}" for c in self.commands]
        return "\n".join(lines)


def declaration_problems(registry: Registry) -> list[str]:
    """What is wrong with these declarations (empty when nothing)."""
    problems: list[str] = []
    names = [c.name for c in (*registry.commands, *registry.staff)]
    if len(set(names)) != len(names):
        problems.append(f"command names declared twice: {sorted(_twice(names))}")
    unhandled = [c.name for c in (*registry.commands, *registry.staff) if not callable(c.run)]
    if unhandled:
        problems.append(f"commands without a handler: {sorted(unhandled)}")
    if any(not c.description for c in (*registry.commands, *registry.staff)):
        problems.append("a command without a help line")
    if any(c.access is not Access.EVERYONE for c in registry.commands):
        problems.append("everyone's commands are for everyone")
    if any(c.access is Access.EVERYONE for c in registry.staff):
        problems.append("staff commands need a staff access level")
    if any(c.confirm is not None or c.answer is not None for c in registry.commands):
        problems.append("only staff commands have confirmations and typed answers")
    states = [c.answer.state for c in registry.staff if c.answer is not None]
    if len(set(states)) != len(states):
        problems.append(f"typed answers declared twice: {sorted(_twice(states))}")
    prefixes = [c.prefix for c in registry.callbacks]
    if len(set(prefixes)) != len(prefixes):
        problems.append(f"callback prefixes declared twice: {sorted(_twice(prefixes))}")
    heads = {c.prefix for c in registry.callbacks if not c.whole}
    if f"{FLOW_PREFIX}:" in heads:
        problems.append("the flows' buttons own the prefix f:")
    for callback in registry.callbacks:
        if not callback.whole and not PREFIX.fullmatch(callback.prefix):
            problems.append(f"a prefix is one word and a colon: {callback.prefix!r}")
        if callback.whole and callback.prefix.partition(":")[0] + ":" in heads:
            problems.append(f"{callback.prefix!r} starts with another callback's prefix")
    return problems


def _twice(items: Sequence[str]) -> set[str]:
    return {i for i in items if items.count(i) > 1}
