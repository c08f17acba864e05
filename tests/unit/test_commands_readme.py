"""The README's table of everyone's commands lists every command of the registry
(`bot.handlers.commands.COMMANDS`), and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from bot.handlers.commands import COMMANDS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_every_participant_command() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Commands (everyone)", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `/(\w+)", section, flags=re.MULTILINE)
    assert set(listed) == {c.name for c in COMMANDS}
