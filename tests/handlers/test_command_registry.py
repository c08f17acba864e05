"""The command registry (`bot.handlers.commands`): every command has a handler and a help line in
every language, every kind of button has its own prefix, and /help, the menus and the staff menus
list exactly the registered commands of each access level; bad declarations are refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core.engine import FLOW_PREFIX, button_data
from bot.core.parsing.arguments import Fields, NameAndText, Words, nothing
from bot.core.staff import Access, DraftKind, StaffMember, StaffRole
from bot.handlers.commands import (
    CALLBACKS,
    COMMANDS,
    REGISTRY,
    STAFF_COMMANDS,
)
from bot.handlers.entry import LANGUAGE_PREFIX
from bot.handlers.registry import (
    GROUPS,
    Answer,
    Callback,
    Group,
    Menu,
    Registry,
    SlashCommand,
    as_typed,
)
from bot.i18n import Catalogs
from bot.messages.matching import FIND_MENTOR, PROPOSAL_PREFIX
from bot.messages.relay import RELAY_PREFIX, SWITCH_PREFIX
from bot.messages.safety import SAFETY_PREFIX
from bot.messages.staff import STAFF_PREFIX
from bot.messages.steps import CHECKIN_PREFIX, DOCUMENT_PREFIX, STEPS_OF_ROW, STEPS_PREFIX
from flows import age_lift, reject_reason
from tests.dialog import Bot, Dialog

CATALOGS = Catalogs()
ALL: tuple[SlashCommand[Any], ...] = (*COMMANDS, *STAFF_COMMANDS)
LEVELS = (Access.EVERYONE, Access.COORDINATOR, Access.ADMIN, Access.SUPERADMIN)


def test_every_command_has_a_handler_and_a_help_line_in_every_language() -> None:
    for command in ALL:
        assert callable(command.run), command.name
        assert command.description, command.name
        for language in CATALOGS.languages:
            t = CATALOGS.translator(language)
            if language != CATALOGS.languages[0]:  # the source language is the msgid itself
                assert t._(command.description) != command.description, (command.name, language)
                if command.usage and command.usage.isupper():
                    assert t._(command.usage) != command.usage, (command.name, language)


def test_names_are_unique_and_staff_commands_are_for_staff() -> None:
    names = [c.name for c in ALL]
    assert len(names) == len(set(names))
    assert all(c.access is Access.EVERYONE and c.menu is Menu.EVERYONE for c in COMMANDS)
    assert all(c.access > Access.EVERYONE and c.menu is Menu.STAFF for c in STAFF_COMMANDS)
    assert {"help", "privacy", "language", "mydata", "forgetme", "cancel"} == {
        c.name for c in COMMANDS if c.always_allowed
    }


def test_every_callback_prefix_is_its_own() -> None:
    prefixes = [c.prefix for c in CALLBACKS if not c.whole] + [f"{FLOW_PREFIX}:"]
    assert len(prefixes) == len(set(prefixes))
    for a in prefixes:
        for b in prefixes:
            assert a == b or not b.startswith(a), (a, b)
    for whole in (c.prefix for c in CALLBACKS if c.whole):
        assert not any(whole.startswith(p) for p in prefixes), whole


@pytest.mark.parametrize(
    ("data", "prefix"),
    [
        (f"{LANGUAGE_PREFIX}it", LANGUAGE_PREFIX),
        (f"{STAFF_PREFIX}audit:*:2", STAFF_PREFIX),
        (f"{CHECKIN_PREFIX}5:3", CHECKIN_PREFIX),
        (f"{DOCUMENT_PREFIX}5:0", DOCUMENT_PREFIX),
        (f"{STEPS_OF_ROW}7", STEPS_PREFIX),
        (f"{PROPOSAL_PREFIX}9:r:", PROPOSAL_PREFIX),
        (f"{SAFETY_PREFIX}keep", SAFETY_PREFIX),
        (f"{SWITCH_PREFIX}3", RELAY_PREFIX),
        (FIND_MENTOR, FIND_MENTOR),
    ],
)
def test_a_press_finds_its_callback_by_its_data(data: str, prefix: str) -> None:
    found = REGISTRY.callback(data)
    assert found is not None and found.prefix == prefix


@pytest.mark.parametrize(
    "data", [button_data("tok", "x"), f"{FIND_MENTOR}x", "ci", "zz:1", "", "st", "lang"]
)
def test_other_data_finds_no_callback(data: str) -> None:
    assert REGISTRY.callback(data) is None


@pytest.mark.parametrize("access", LEVELS)
def test_help_lists_exactly_the_commands_of_each_level(access: Access) -> None:
    t = CATALOGS.translator("en")
    text = REGISTRY.help_text(t, access)
    listed = {line.split()[0][1:] for line in text.splitlines() if line.startswith("/")}
    expected = {c.name for c in COMMANDS} | {c.name for c in STAFF_COMMANDS if c.access <= access}
    assert listed == expected
    assert ("Staff commands" in text) == (access > Access.EVERYONE)


@pytest.mark.parametrize("access", LEVELS)
def test_staff_menus_list_exactly_the_commands_of_each_level(access: Access) -> None:
    for language in CATALOGS.languages:
        menu = REGISTRY.staff_menu(CATALOGS.translator(language), access)
        expected = [c.name for c in ALL if c.access <= access]
        assert sorted(name for name, _ in menu) == sorted(expected)
        staff = [c for c in STAFF_COMMANDS if c.access <= access]
        by_group = sorted(staff, key=lambda c: GROUPS.index(c.group))  # stable: declared order
        ordered: list[SlashCommand[Any]] = [*by_group, *COMMANDS]
        assert [name for name, _ in menu] == [c.name for c in ordered]


def test_everyones_menu_in_each_language_lists_everyones_commands() -> None:
    menus = REGISTRY.menus(CATALOGS)
    assert set(menus) == {None, *CATALOGS.languages}
    for language, menu in menus.items():
        t = CATALOGS.translator(language or CATALOGS.default)
        assert list(menu) == [(c.name, t._(c.description)) for c in COMMANDS]


async def _nothing(call: object) -> None:
    return None


async def _publish(call: object, data: dict[str, Any]) -> None:
    return None


C = Access.COORDINATOR


@pytest.mark.parametrize(
    ("registry", "problem"),
    [
        (
            lambda: Registry((SlashCommand("a", "A", _nothing), SlashCommand("a", "B", _nothing))),
            "declared twice",
        ),
        (lambda: Registry((SlashCommand("a", "", _nothing),)), "help line"),
        (
            lambda: Registry((SlashCommand("a", "A", _nothing, Access.ADMIN),)),
            "everyone's commands",
        ),
        (lambda: Registry(staff=(SlashCommand("a", "A", _nothing),)), "staff commands"),
        (
            lambda: Registry(callbacks=(Callback("x:", _nothing), Callback("x:", _nothing))),
            "declared twice",
        ),
        (
            lambda: Registry((SlashCommand("a", "A", _nothing, confirm=_publish),)),
            "only staff commands",
        ),
        (
            lambda: Registry(
                staff=(
                    SlashCommand("a", "A", _nothing, C, answer=Answer("x", _publish)),
                    SlashCommand("b", "B", _nothing, C, answer=Answer("x", _publish)),
                )
            ),
            "typed answers declared twice",
        ),
        (lambda: Registry(callbacks=(Callback("x:y:", _nothing),)), "one word and a colon"),
        (lambda: Registry(callbacks=(Callback("f:", _nothing),)), "f:"),
        (
            lambda: Registry(
                callbacks=(Callback("x:", _nothing), Callback("x:1", _nothing, whole=True))
            ),
            "starts with another",
        ),
    ],
)
def test_bad_declarations_are_refused(registry: Callable[[], Registry], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        registry()


def test_a_staff_command_without_a_handler_is_refused() -> None:
    broken = replace(STAFF_COMMANDS[0], run=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="without a handler"):
        Registry(COMMANDS, (broken,), CALLBACKS)


def test_every_kind_of_draft_is_confirmed_by_the_one_command_it_is_named_after() -> None:
    confirmed = {c.name: c.confirm for c in STAFF_COMMANDS if c.confirm is not None}
    assert set(confirmed) == {kind.value for kind in DraftKind}
    for kind in DraftKind:
        found = REGISTRY.confirmation(kind.value)
        assert found.name == kind.value and found.confirm is confirmed[kind.value]
    assert all(c.confirm is None and c.answer is None for c in COMMANDS)
    with pytest.raises(KeyError):
        REGISTRY.confirmation("pending")  # a command with no preview to confirm


def test_every_typed_answer_completes_the_one_command_that_declares_it() -> None:
    answers = [(c.answer.state, c.name) for c in STAFF_COMMANDS if c.answer is not None]
    assert answers == [(reject_reason.READY, "reject"), (age_lift.READY, "ageoverride")]
    for state, name in answers:
        found = REGISTRY.answered(state)
        assert found is not None and found.name == name
    assert REGISTRY.answered("no such state") is None


SHAPED = [c for c in STAFF_COMMANDS if c.args is not as_typed]


def _admin() -> Dialog:
    bot = Bot()
    bot.store.staff.members[901] = StaffMember(
        user_id=901,
        organisation="college-mentors",
        role=StaffRole.ADMIN,
        added_at=datetime(2026, 5, 4, tzinfo=UTC),
    )
    return Dialog(bot, 901)


def test_every_staff_command_declares_the_shape_of_its_arguments() -> None:
    assert [c.name for c in STAFF_COMMANDS if c.args is as_typed] == []
    for command in SHAPED:
        shaped = isinstance(command.args, Words | Fields | NameAndText)
        assert shaped or command.args is nothing, command.name


@pytest.mark.parametrize(
    "command", [c for c in SHAPED if isinstance(c.args, Words | Fields)], ids=lambda c: c.name
)
async def test_a_declared_shape_refuses_a_bad_shape_with_the_usage_line(
    command: SlashCommand[Any],
) -> None:
    """Too few (or, for a bounded shape, too many) arguments, or an unclosed quote: the
    declared usage line, after the declared problem, and the handler never runs."""
    shape = command.args
    t = CATALOGS.translator("en")
    usage = f"Usage: /{command.name} {command.usage}".rstrip()
    cases: list[tuple[str, str]] = []
    if isinstance(shape, Words):
        cases.append(("'unclosed", "I couldn't read the arguments (an unclosed quote?)."))
        if shape.least:
            cases.append((" ".join(["x"] * (shape.least - 1)), t._(shape.problem)))
        if shape.most is not None:
            cases.append((" ".join(["x"] * (shape.most + 1)), ""))
    elif isinstance(shape, Fields):
        cases.append((" ".join(["x"] * (shape.count - 1)), t._(shape.problem)))
    for args, problem in cases:
        dialog = _admin()
        [reply] = await dialog.say(f"/{command.name} {args}".rstrip())
        assert reply == (f"{problem}\n{usage}" if problem else usage), (command.name, args)
        assert dialog.bot.store.staff.audit == {} and dialog.bot.store.staff.drafts == {}


async def test_a_command_without_arguments_refuses_any() -> None:
    [reply] = await _admin().say("/panel college")
    assert reply == "Usage: /panel"


def test_a_staff_menu_lists_staff_commands_first_by_task_each_with_its_groups_word() -> None:
    en = REGISTRY.staff_menu(CATALOGS.translator("en"), Access.ADMIN)
    it = REGISTRY.staff_menu(CATALOGS.translator("it"), Access.ADMIN)
    names = [name for name, _ in en]
    assert names[:4] == ["panel", "pending", "pairs", "reports"]  # the day's work first
    assert names.index("staff") < names.index("start")  # every staff command before /start
    assert names[-len(COMMANDS) :] == [c.name for c in COMMANDS]  # participants' below
    words = [d.split(" · ")[0] for _, d in en[: -len(COMMANDS)]]
    order = ["Today", "People", "Pairs", "Program", "Figures", "Admin"]
    assert [w for i, w in enumerate(words) if i == 0 or words[i - 1] != w] == order
    assert dict(en)["panel"].startswith("Today · Your home")
    assert dict(en)["stats"].startswith("Figures · Program figures")
    assert dict(it)["pending"].startswith("Oggi · ")
    assert dict(it)["ban"].startswith("Amministrazione · ")
    assert dict(en)["start"] == "Begin, or continue where you left off"  # no group word
    assert all(len(d) <= 256 for _, d in (*en, *it))  # Telegram's limit for a description
    menu = REGISTRY.staff_menu(CATALOGS.translator("en"), Access.COORDINATOR)
    coordinator = [name for name, _ in menu]
    assert "export" not in coordinator and coordinator[0] == "panel"


def test_help_for_staff_shows_the_same_groups_with_headings() -> None:
    text = REGISTRY.help_text(CATALOGS.translator("en"), Access.ADMIN)
    headings = [line for line in text.splitlines() if line.startswith("<b>")]
    assert headings == [
        "<b>Staff commands</b>",
        *(f"<b>{g}</b>" for g in ("Today", "People", "Pairs", "Program", "Figures", "Admin")),
        "<b>Participant commands</b>",
    ]
    lines = text.splitlines()
    assert lines[lines.index("<b>Today</b>") + 1].startswith("/panel — Your home")
    assert lines.index("<b>Figures</b>") < lines.index("/stats [PROGRAM] — " + STATS_HELP)
    participant = REGISTRY.help_text(CATALOGS.translator("en"))
    assert "<b>Today</b>" not in participant and participant.startswith("<b>What I can do</b>")
    italian = REGISTRY.help_text(CATALOGS.translator("it"), Access.COORDINATOR)
    assert "<b>Oggi</b>" in italian and "<b>Amministrazione</b>" in italian  # /audit


STATS_HELP = "Program figures and charts, over 30 days, 90 days or all time"


def test_every_staff_command_belongs_to_a_task_group() -> None:
    assert all(c.group is not Group.MORE for c in STAFF_COMMANDS)
