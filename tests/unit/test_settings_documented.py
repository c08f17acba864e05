"""Every setting is documented where operators look: a line in `.env.example` and a row of the
README's configuration table."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
NAMES = [name.upper() for name in Settings.model_fields]


@pytest.mark.parametrize("name", NAMES)
def test_every_setting_is_in_env_example_and_the_readme(name: str) -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.lstrip("# ") for line in example.splitlines()]
    assert any(line.startswith(f"{name}=") for line in lines), f"{name} not in .env.example"
    assert f"| `{name}` |" in readme, f"{name} has no row in the README's configuration table"
