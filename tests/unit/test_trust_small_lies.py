"""Issue 13, defect 9 ("small lies"): what the program files accept is what their guide says.

Every setting of a program file is in `curricula/README.md`; every optional setting that may be
`null` says there what `null` means (it used to be accepted by the checker and documented
nowhere for `quiet_hours`), and no comment claims that leaving a setting out means "never"
when it means a default."""

from __future__ import annotations

import types
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.core.programs import HealthThresholds, Program, Safety, Schedule, Training
from bot.curricula_check import check_paths
from tests.unit.test_curricula_check import PROGRAM, build, change

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "curricula" / "README.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
MODELS: tuple[type[BaseModel], ...] = (Program, Schedule, Training, Safety, HealthThresholds)


def nullable(model: type[BaseModel]) -> list[str]:
    """Fields that may be null in a file but are not null when left out."""
    found = []
    for name, field in model.model_fields.items():
        args = typing.get_args(field.annotation)
        union = typing.get_origin(field.annotation) in (typing.Union, types.UnionType)
        if union and type(None) in args and field.default is not None:
            found.append(name)
    return found


def documented(name: str) -> str:
    """The guide's comment on a setting: its line and the comment lines that continue it."""
    lines = GUIDE.splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith(f"{name}:"):
            block = [line]
            for more in lines[i + 1 :]:
                if not more.lstrip().startswith("#"):
                    break
                block.append(more)
            return "\n".join(block)
    raise AssertionError(f"{name} is not in curricula/README.md")


@pytest.mark.parametrize(
    "name", sorted({n for m in MODELS for n in m.model_fields} - {"name", "summary"})
)
def test_every_program_setting_is_in_the_guide(name: str) -> None:
    documented(name)


@pytest.mark.parametrize("name", sorted({n for m in MODELS for n in nullable(m)}))
def test_every_setting_that_may_be_null_says_what_null_means(name: str) -> None:
    comment = documented(name)
    assert "null:" in comment, comment
    assert "omit: never" not in comment, "leaving it out keeps the default"


def test_quiet_hours_null_is_accepted_and_explained(tmp_path: Path) -> None:
    assert set(nullable(Schedule)) >= {"quiet_hours", "nudge_after"}
    program = change(PROGRAM, "  late_after: 3d\n", "  late_after: 3d\n  quiet_hours: null\n")
    assert check_paths([build(tmp_path, program=program)]) == []
    assert "`quiet_hours: null` switches them off" in GUIDE
    assert "`quiet_hours: null`" in README


def test_the_readme_promises_no_feature_for_a_later_issue_that_is_already_there() -> None:
    """It said batch drafts and mentor approval came "in a later issue"; both are commands."""
    assert "later issue" not in README
    assert "Staff make such a draft with `/match PROGRAM`" in README
    assert "`/approve` refuses a mentor who" in README.replace("\n", " ").replace("  ", " ")
