"""`mentorbot demo` never uses the real bot's database: an operator's `.env` (the README says
`cp .env.example .env`) and DATABASE_URL in the environment are ignored; only `--database-url`
changes the demo's database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import _parser
from bot.demo import (
    DEMO_DATABASE,
    DEMO_DATABASE_FILE,
    DEMO_TOKEN,
    demo_base_settings,
    demo_database_file,
    demo_settings,
    fresh_database,
)

REAL = "postgresql+asyncpg://mentorbot@db.example.org/production"
SANDBOX = "http://127.0.0.1:8081"


@pytest.fixture
def operator_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".env").write_text(
        f"DATABASE_URL={REAL}\nBOT_TOKEN=42:real-token\nSCHEDULE_TICK=60\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "BOT_TOKEN", "SCHEDULE_TICK", "TELEGRAM_API_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_a_dotenv_database_is_ignored(operator_env: Path) -> None:
    settings = demo_settings(demo_base_settings(), database_url=None, api_url=SANDBOX)
    assert settings.database_url == DEMO_DATABASE
    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == DEMO_TOKEN
    assert settings.schedule_tick == timedelta(seconds=1)
    assert settings.api_url == SANDBOX


def test_an_environment_database_is_ignored(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", REAL)
    settings = demo_settings(demo_base_settings(), database_url=None, api_url=SANDBOX)
    assert settings.database_url == DEMO_DATABASE


def test_only_the_flag_chooses_another_database(operator_env: Path) -> None:
    args = _parser().parse_args(["demo", "--database-url", "sqlite+aiosqlite:///./other.db"])
    settings = demo_settings(demo_base_settings(), database_url=args.database_url, api_url=SANDBOX)
    assert settings.database_url == "sqlite+aiosqlite:///./other.db"
    assert _parser().parse_args(["demo"]).database_url is None


def test_an_explicit_schedule_tick_in_the_environment_is_kept(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEDULE_TICK", "5")
    settings = demo_settings(demo_base_settings(), database_url=None, api_url=SANDBOX)
    assert settings.schedule_tick == timedelta(seconds=5)


def test_two_demos_on_two_ports_never_touch_each_others_files(operator_env: Path) -> None:
    first, second = demo_database_file(8081), demo_database_file(8082)
    assert first == DEMO_DATABASE_FILE == Path("var/demo-8081.sqlite3") and first != second
    fresh_database(first)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{first}{suffix}").write_bytes(b"the first demo's data")
    fresh_database(second)  # `mentorbot demo --port 8082`, beside the running one
    for suffix in ("", "-wal", "-shm"):
        assert Path(f"{first}{suffix}").read_bytes() == b"the first demo's data"
    urls = {
        demo_settings(
            demo_base_settings(), database_url=None, api_url=SANDBOX, port=p
        ).database_url
        for p in (8081, 8082)
    }
    assert urls == {DEMO_DATABASE, "sqlite+aiosqlite:///./var/demo-8082.sqlite3"}
