"""Counts read with their noun in the right plural form, in English and Italian (CLDR: one /
other), for 0, 1 and 2; and the Italian catalogue's plural entries are complete."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.core.kept import duration_words, kept_for_lines, more_days
from bot.core.privacy import Retention
from bot.core.staff import Broadcast
from bot.i18n import LOCALES_DIR, Catalogs
from bot.services.broadcasts import progress_text

CATALOGS = Catalogs()
EN, IT = CATALOGS.translator("en"), CATALOGS.translator("it")
AT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
PO = LOCALES_DIR / "it" / "LC_MESSAGES" / "messages.po"


def broadcast(total: int, sent: int, failed: int = 0) -> Broadcast:
    return Broadcast(
        organisation="o",
        program="college",
        audience="all",
        created_by=1,
        staff_chat_id=1,
        total=total,
        sent=sent,
        failed=failed,
        created_at=AT,
    )


@pytest.mark.parametrize(
    ("total", "sent", "english", "italian"),
    [
        (0, 0, "✅ Broadcast sent to 0 of 0 people.", "✅ Messaggio inviato a 0 su 0 persone."),
        (1, 1, "✅ Broadcast sent to 1 of 1 person.", "✅ Messaggio inviato a 1 su 1 persona."),
        (2, 2, "✅ Broadcast sent to 2 of 2 people.", "✅ Messaggio inviato a 2 su 2 persone."),
        (1, 0, "📣 Sending the broadcast… 0 of 1 person", "📣 Invio in corso… 0 su 1 persona"),
        (2, 1, "📣 Sending the broadcast… 1 of 2 people", "📣 Invio in corso… 1 su 2 persone"),
    ],
)
def test_broadcast_progress(total: int, sent: int, english: str, italian: str) -> None:
    assert progress_text(broadcast(total, sent), EN) == english
    assert progress_text(broadcast(total, sent), IT) == italian


def test_durations_and_days_to_come() -> None:
    for n, en, it in (
        (0, "0 days", "0 giorni"),
        (1, "1 day", "1 giorno"),
        (2, "2 days", "2 giorni"),
    ):
        if n:
            assert duration_words(EN, timedelta(days=n)) == en
            assert duration_words(IT, timedelta(days=n)) == it
    assert [more_days(EN, n) for n in (0, 1, 2)] == ["0 more days", "1 more day", "2 more days"]
    assert [more_days(IT, n) for n in (0, 1, 2)] == [
        "altri 0 giorni",
        "ancora 1 giorno",
        "altri 2 giorni",
    ]


def test_the_privacy_notice_says_one_day_and_many_days() -> None:
    one = " ".join(kept_for_lines(EN, Retention(relay_days=1, report_days=1)))
    assert "(ids and times only): 1 day, then" in one and "then for 1 more day." in one
    assert "until 1 day after the report is resolved" in one
    many = " ".join(kept_for_lines(IT, Retention(relay_days=30, report_days=60)))
    assert "(solo id e orari): 30 giorni, poi" in many and "poi per altri 60 giorni." in many


@pytest.mark.parametrize("n", [0, 1, 2])
def test_plural_entries_pick_by_count(n: int) -> None:
    singular, plural = "📣 Send to {n} person", "📣 Send to {n} people"
    assert EN.n_(singular, plural, n) == (
        f"📣 Send to {n} person" if n == 1 else f"📣 Send to {n} people"
    )
    assert IT.n_(singular, plural, n) == (
        f"📣 Invia a {n} persona" if n == 1 else f"📣 Invia a {n} persone"
    )


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_the_italian_catalogue_has_both_forms_and_the_same_placeholders() -> None:
    with Path(PO).open("rb") as source:
        catalog = read_po(source, locale="it")
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    for message in catalog:
        if not message.id:
            continue
        plural = isinstance(message.id, tuple)
        ids = [str(i) for i in message.id] if plural else [str(message.id)]
        found = message.string if isinstance(message.string, tuple) else (message.string,)
        strings = [str(s or "") for s in found]
        assert "(s)" not in ids[0], f"a plural spelled with (s): {ids[0]!r}"
        assert all(strings), f"untranslated: {ids[0]!r}"
        if plural:  # a form may leave out the count ("un giorno")
            assert len(strings) == 2, ids[0]
            named = _placeholders(ids[0]) | _placeholders(ids[1])
            assert all(_placeholders(text) <= named for text in strings), ids[0]
            assert _placeholders(strings[1]) == _placeholders(ids[1]), ids[0]
        else:
            assert _placeholders(strings[0]) == _placeholders(ids[0]), (ids[0], strings[0])
