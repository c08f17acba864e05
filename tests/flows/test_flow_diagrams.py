"""Every flow module opens with its diagram, and the diagram names exactly the states the code
has: a state added, renamed or dropped without its diagram fails here."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from types import ModuleType

import pytest

import flows
from bot.core.flow import Flow, State
from flows.registry import FLOWS

NOT_FLOWS = {"flows.registry", "flows.onboarding_ids"}  # a list of flows; ids and readers
MODULES = [
    importlib.import_module(m.name)
    for m in pkgutil.iter_modules(flows.__path__, "flows.")
    if m.name not in NOT_FLOWS
]


def diagram(module: ModuleType) -> str:
    """The mermaid block that follows the docstring's first paragraph."""
    doc = module.__doc__ or ""
    parts = doc.split("\n\n", 1)
    assert len(parts) == 2 and parts[1].startswith("```mermaid\nstateDiagram-v2\n"), (
        f"{module.__name__}'s docstring must open with its mermaid stateDiagram"
    )
    return parts[1].split("```mermaid\n", 1)[1].split("```", 1)[0]


def nodes(module: ModuleType) -> set[str]:
    """The states a module's diagram names ([*] left out)."""
    found: set[str] = set()
    for line in diagram(module).splitlines()[1:]:
        transition = line.split(":", 1)[0]
        found |= {n.strip() for n in transition.split("-->")} - {"[*]", ""}
    return found


def short(flow: Flow, state_id: str) -> str:
    return state_id.removeprefix(f"{flow.name}.")


def own_states(module: ModuleType) -> list[type[State]]:
    return [
        c
        for _, c in inspect.getmembers(module, inspect.isclass)
        if issubclass(c, State) and c.__module__ == module.__name__ and c.id
    ]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_flow_module_opens_with_its_diagram(module: ModuleType) -> None:
    assert re.search(r"\w+ --> \w+", diagram(module))


@pytest.mark.parametrize("flow", FLOWS.values(), ids=lambda f: f.name)
def test_flow_diagram_names_exactly_its_states(flow: Flow) -> None:
    module = next(m for m in MODULES if getattr(m, "FLOW", None) is flow)
    assert nodes(module) == {short(flow, s) for s in flow.states}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_each_state_is_in_its_own_module_diagram(module: ModuleType) -> None:
    names = {s.id.split(".", 1)[1] for s in own_states(module)}
    assert names <= nodes(module)
    known = {short(f, s) for f in FLOWS.values() for s in f.states}
    if names:  # a shape (flows.choices) may name its states generically
        assert nodes(module) <= known
