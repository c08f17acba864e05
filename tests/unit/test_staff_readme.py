"""The README's staff command table matches the registry (`bot.handlers.commands`)."""

from __future__ import annotations

from pathlib import Path

from bot.core.staff import Access
from bot.handlers.commands import STAFF_COMMANDS

README = Path(__file__).resolve().parents[2] / "README.md"
ROLE = {Access.COORDINATOR: "coordinator", Access.ADMIN: "admin"}


def test_readme_lists_every_staff_command_as_declared() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Staff commands", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `/")]
    expected = []
    for command in STAFF_COMMANDS:
        usage = (
            f"/{command.name} {command.usage}".rstrip() if command.usage else f"/{command.name}"
        )
        escaped = usage.replace("|", "\\|")
        expected.append(f"| `{escaped}` | {ROLE[command.access]} | {command.description} |")
    assert rows == expected
