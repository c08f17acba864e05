"""README's privacy section, /privacy and the database agree word for word on what is kept: the
lists of `bot.core.kept` are the notice's lines, the README states the same lines in English, and
every column of the schema is named under one of them or declared to hold nothing personal."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from bot.bootstrap import retention_of
from bot.config import load_settings
from bot.core.kept import KEPT, NOT_PERSONAL, covered, kept_for_lines, kept_lines
from bot.core.privacy import Retention
from bot.i18n import Catalogs
from bot.messages.texts import privacy_notice
from bot.storage.tables import Base

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_list(tag: str) -> list[str]:
    """The bullets between `<!-- kept:TAG -->` and `<!-- /kept:TAG -->`, unwrapped."""
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- kept:{tag} -->\n(.*?)\n\s*<!-- /kept:{tag} -->", text, re.S)
    assert found, f"README.md has no kept:{tag} list"
    items = re.split(r"^\s*- ", found.group(1), flags=re.M)
    return [" ".join(item.split()) for item in items if item.strip()]


def english() -> Catalogs:
    return Catalogs()


def test_the_readme_states_what_is_kept_word_for_word() -> None:
    t = english().translator("en")
    assert readme_list("what") == kept_lines(t) == [k.what for k in KEPT]


def test_the_readme_states_how_long_with_the_default_retention() -> None:
    settings = load_settings(bot_token="1:x")
    defaults = Retention(settings.relay_retention_days, settings.report_retention_days)
    assert defaults == Retention() == retention_of(settings), "FLOW_IDLE_EXPIRY's default too"
    assert readme_list("how-long") == kept_for_lines(english().translator("en"), defaults)


def test_the_notice_shows_every_line_in_every_language() -> None:
    catalogs = english()
    retention = Retention(relay_days=30, report_days=60)
    for language in ("en", "it"):
        t = catalogs.translator(language)
        notice = privacy_notice(t, retention)
        for line in [*kept_lines(t), *kept_for_lines(t, retention)]:
            assert f"• {line}" in notice, (language, line)
        if language == "it":
            assert KEPT[0].what not in notice, "the Italian notice is translated"
    assert "30 days" in privacy_notice(catalogs.translator("en"), retention)


def schema_columns() -> set[str]:
    return {
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
    }


def test_every_column_of_the_schema_is_told_or_holds_nothing_personal() -> None:
    tables = {table.name for table in Base.metadata.sorted_tables}
    unexplained = sorted(
        c
        for c in schema_columns()
        if not covered(c) and c not in NOT_PERSONAL and f"{c.split('.')[0]}.*" not in NOT_PERSONAL
    )
    assert not unexplained, (
        "name these columns under the /privacy line that tells people about them "
        f"(bot/core/kept.py, and the README), or in NOT_PERSONAL: {unexplained}"
    )
    both = sorted(c for c in schema_columns() if covered(c) and c in NOT_PERSONAL)
    assert not both, f"told as kept and declared not personal: {both}"
    named = [c for item in KEPT for c in item.columns]
    missing = [c for c in named if c.split(".")[0] not in tables]
    missing += [c for c in named if not c.endswith(".*") and c not in schema_columns()]
    assert not missing, f"/privacy names columns the schema does not have: {missing}"


def test_the_check_notices_an_unexplained_column() -> None:
    assert covered("persons.display_name") and covered("reports.text")
    assert not covered("persons.favourite_colour") and not covered("outbox.attempts")


def test_the_idle_expiry_is_told_in_words_in_every_language() -> None:
    catalogs = english()
    for idle, en, it in (
        (timedelta(days=30), "after 30 days without", "dopo 30 giorni senza"),
        (timedelta(days=1), "after 1 day without", "dopo 1 giorno senza"),
        (timedelta(hours=12), "after 12 hours without", "dopo 12 ore senza"),
        (timedelta(minutes=90), "after 90 minutes without", "dopo 90 minuti senza"),
        (timedelta(seconds=45), "after 45 seconds without", "dopo 45 secondi senza"),
    ):
        retention = Retention(flow_idle=idle)
        assert en in privacy_notice(catalogs.translator("en"), retention)
        assert it in privacy_notice(catalogs.translator("it"), retention)
