"""The core and the flows import no Telegram framework and no database library (DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("aiogram", "telegram", "sqlalchemy", "asyncpg", "aiosqlite", "alembic", "aiohttp")
GUARDED = [
    path
    for folder in (ROOT / "flows", ROOT / "bot" / "core", ROOT / "bot" / "services")
    for path in sorted(folder.rglob("*.py"))
]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", GUARDED, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_and_flows_import_no_framework(path: Path) -> None:
    bad = sorted(m for m in imported_modules(path) if m.split(".")[0] in FORBIDDEN)
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_core_does_not_import_adapters() -> None:
    adapters = ("bot.storage", "bot.transports", "bot.sandbox", "bot.delivery", "bot.runtime")
    for path in GUARDED:
        bad = [m for m in imported_modules(path) if m.startswith(adapters)]
        assert not bad, f"{path.relative_to(ROOT)} imports adapters {bad}"


def test_the_guard_notices_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from aiogram import Bot\nimport sqlalchemy.orm\n", encoding="utf-8")
    assert {"aiogram", "sqlalchemy.orm"} <= imported_modules(sample)


def test_guarded_files_exist() -> None:
    assert len(GUARDED) > 10


TRANSPORTS = ROOT / "bot" / "transports"
# each adapter imports only its own framework; the shared transport modules import neither
TRANSPORT_RULES = [
    (path, forbidden)
    for folder, forbidden in (
        (TRANSPORTS / "aiogram", ("telegram",)),
        (TRANSPORTS / "ptb", ("aiogram",)),
    )
    for path in sorted(folder.rglob("*.py"))
] + [(path, ("aiogram", "telegram")) for path in sorted(TRANSPORTS.glob("*.py"))]


def test_transport_rules_cover_the_transport_files() -> None:
    assert len(TRANSPORT_RULES) > 8


@pytest.mark.parametrize(
    ("path", "forbidden"), TRANSPORT_RULES, ids=lambda p: str(getattr(p, "name", p))
)
def test_each_transport_imports_only_its_own_framework(
    path: Path, forbidden: tuple[str, ...]
) -> None:
    bad = sorted(m for m in imported_modules(path) if m.split(".")[0] in forbidden)
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
