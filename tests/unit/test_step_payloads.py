"""Step messages filled in from one serialised template must be exactly the full render."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from bot.core import effects as fx
from bot.core.curricula import Curriculum
from bot.core.models import Role, ScheduledStep
from bot.core.programs import load_programs
from bot.i18n import Catalogs
from bot.messages.steps import step_message
from bot.services.step_payloads import _ROW_MARK, StepPayloads, serialise
from tests.e2e.quick_program import write_quick_curricula

CURRICULA = Path(__file__).resolve().parents[2] / "curricula"
T0 = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
NAMES = ["Ann", 'Bo <b>&amp;</b> "x" \\ {0} {name}', "Zoë\u2028\n\t😀", ""]


def row(row_id: int, role: Role, curriculum: Curriculum, step_id: str) -> ScheduledStep:
    return ScheduledStep(
        id=row_id,
        pair_id=7,
        person_id=11,
        role=role,
        curriculum=curriculum.id,
        step_id=step_id,
        position=1,
        due_at=T0,
    )


def every_step(folder: Path) -> list[tuple[Curriculum, str]]:
    catalog = load_programs(folder)
    return [(c, s.id) for c in catalog.curricula.values() for s in c.steps if s.mentee]


@pytest.mark.parametrize("folder", ["shipped", "quick"])
def test_filled_templates_equal_full_renders(folder: str, tmp_path: Path) -> None:
    root = CURRICULA if folder == "shipped" else write_quick_curricula(tmp_path / "c")
    payloads, catalogs = StepPayloads(), Catalogs("en")
    steps = every_step(root)
    assert steps
    for n, (curriculum, step_id) in enumerate(steps):
        step = curriculum.step(step_id)
        assert step is not None
        for role in Role:
            for language in ("en", "it"):
                t = catalogs.translator(language)
                for k, name in enumerate(NAMES):
                    r = row(1000 * n + k + 1, role, curriculum, step_id)
                    chat = -100_000_000 - k if k % 2 else 5_000 + k
                    got = payloads.payload(r, chat, curriculum, step, t, name)
                    want = step_message(r, chat, curriculum, step, t, name)
                    assert got == serialise(want)
                    assert fx.from_json(orjson.loads(got)) == want


def test_a_template_holding_a_marker_is_rendered_in_full(tmp_path: Path) -> None:
    folder = write_quick_curricula(tmp_path / "c")
    # a text that happens to hold the row marker: filling the template would replace it
    source = folder / "quick-steps" / "curriculum.yaml"
    original = source.read_text("utf-8")
    assert "Mentee text 1" in original
    source.write_text(original.replace("Mentee text 1", f"see {_ROW_MARK}"))
    curriculum = load_programs(folder).curricula["quick-steps"]
    step = curriculum.steps[0]
    payloads, t = StepPayloads(), Catalogs("en").translator("en")
    for row_id in (1, 2):
        r = row(row_id, Role.MENTEE, curriculum, step.id)
        got = payloads.payload(r, 42, curriculum, step, t, "Ann")
        assert got == serialise(step_message(r, 42, curriculum, step, t, "Ann"))
        assert f"see {_ROW_MARK}" in got
