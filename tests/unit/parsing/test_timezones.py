"""Tests for bot.core.parsing.timezones: typed time zones and cities."""

from __future__ import annotations

import time
import zoneinfo

import pytest

from bot.core.parsing import place_names, timezones
from bot.core.parsing.timezones import ZoneMatch, resolve_time_zone


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        # IANA names, any case
        ("Europe/Rome", "Europe/Rome"),
        ("europe/rome", "Europe/Rome"),
        ("EUROPE/ROME", "Europe/Rome"),
        ("America/New_York", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("America / New_York", "America/New_York"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Asia/Kolkata", "Asia/Kolkata"),
        ("Etc/GMT+5", "Etc/GMT+5"),
        # Last component of IANA names
        ("New York", "America/New_York"),
        ("new_york", "America/New_York"),
        ("rome", "Europe/Rome"),
        ("Los Angeles", "America/Los_Angeles"),
        ("los-angeles", "America/Los_Angeles"),
        ("Buenos Aires", "America/Argentina/Buenos_Aires"),
        ("Indianapolis", "America/Indiana/Indianapolis"),
        ("Port au Prince", "America/Port-au-Prince"),
        ("St. John's", "America/St_Johns"),
        ("Hong Kong", "Asia/Hong_Kong"),
        ("Lisbon", "Europe/Lisbon"),
        # Aliases: Italian cities
        ("Roma", "Europe/Rome"),
        ("Milano", "Europe/Rome"),
        ("Napoli", "Europe/Rome"),
        ("Torino", "Europe/Rome"),
        ("Firenze", "Europe/Rome"),
        ("Bologna", "Europe/Rome"),
        ("Palermo", "Europe/Rome"),
        ("Venezia", "Europe/Rome"),
        ("Milan", "Europe/Rome"),
        # Aliases: Europe
        ("Londra", "Europe/London"),
        ("London", "Europe/London"),
        ("Parigi", "Europe/Paris"),
        ("Berlino", "Europe/Berlin"),
        ("Madrid", "Europe/Madrid"),
        ("Vienna", "Europe/Vienna"),
        ("Monaco", "Europe/Monaco"),
        ("Atene", "Europe/Athens"),
        ("Mosca", "Europe/Moscow"),
        ("Istanbul", "Europe/Istanbul"),
        # Aliases: Americas
        ("Nuova York", "America/New_York"),
        ("New York City", "America/New_York"),
        ("NYC", "America/New_York"),
        ("San Francisco", "America/Los_Angeles"),
        ("Seattle", "America/Los_Angeles"),
        ("Boston", "America/New_York"),
        ("Washington", "America/New_York"),
        ("Miami", "America/New_York"),
        ("New Jersey", "America/New_York"),
        ("Chicago", "America/Chicago"),
        ("Toronto", "America/Toronto"),
        ("Montreal", "America/Toronto"),
        ("Montréal", "America/Toronto"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("San Paolo", "America/Sao_Paulo"),
        ("Mexico City", "America/Mexico_City"),
        ("Città del Messico", "America/Mexico_City"),
        ("citta del messico", "America/Mexico_City"),
        ("Bogotá", "America/Bogota"),
        ("Caracas", "America/Caracas"),
        ("Lima", "America/Lima"),
        ("L'Avana", "America/Havana"),
        # Aliases: Asia, Middle East, Africa, Oceania
        ("Kabul", "Asia/Kabul"),
        ("Damascus", "Asia/Damascus"),
        ("Damasco", "Asia/Damascus"),
        ("Aleppo", "Asia/Damascus"),
        ("Baghdad", "Asia/Baghdad"),
        ("Tehran", "Asia/Tehran"),
        ("Teheran", "Asia/Tehran"),
        ("Karachi", "Asia/Karachi"),
        ("Delhi", "Asia/Kolkata"),
        ("New Delhi", "Asia/Kolkata"),
        ("Mumbai", "Asia/Kolkata"),
        ("Dhaka", "Asia/Dhaka"),
        ("Kathmandu", "Asia/Kathmandu"),
        ("Beijing", "Asia/Shanghai"),
        ("Pechino", "Asia/Shanghai"),
        ("Shanghai", "Asia/Shanghai"),
        ("Tokyo", "Asia/Tokyo"),
        ("Tokio", "Asia/Tokyo"),
        ("Cairo", "Africa/Cairo"),
        ("Il Cairo", "Africa/Cairo"),
        ("Lagos", "Africa/Lagos"),
        ("Nairobi", "Africa/Nairobi"),
        ("Addis Ababa", "Africa/Addis_Ababa"),
        ("Khartoum", "Africa/Khartoum"),
        ("Mogadishu", "Africa/Mogadishu"),
        ("Sydney", "Australia/Sydney"),
        # Countries with a single zone
        ("Italy", "Europe/Rome"),
        ("Italia", "Europe/Rome"),
        ("Japan", "Asia/Tokyo"),
        ("Siria", "Asia/Damascus"),
        # UTC / GMT and whole-hour offsets
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
        ("Etc/UTC", "UTC"),
        ("UTC+2", "Etc/GMT-2"),
        ("utc +02:00", "Etc/GMT-2"),
        ("GMT-5", "Etc/GMT+5"),
        ("UTC−3", "Etc/GMT+3"),
        ("+1", "Etc/GMT-1"),
        ("UTC+0", "UTC"),
        ("UTC+14", "Etc/GMT-14"),
        # Whitespace, case, punctuation and phrases
        ("  rome  ", "Europe/Rome"),
        ("ROMA", "Europe/Rome"),
        ("Rome, Italy", "Europe/Rome"),
        ("Milano, Italia", "Europe/Rome"),
        ("New York, NY", "America/New_York"),
        ("I live in Milano", "Europe/Rome"),
        ("vivo a Roma", "Europe/Rome"),
        ("I'm in New York", "America/New_York"),
        ("il mio nome è Luca, vivo a Roma", "Europe/Rome"),
    ],
)
def test_resolves(text: str, zone: str) -> None:
    assert resolve_time_zone(text) == ZoneMatch(zone, ())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rmoe", "Europe/Rome"),
        ("Rmoa", "Europe/Rome"),
        ("Milnao", "Europe/Rome"),
        ("Parsi", "Europe/Paris"),
        ("Londno", "Europe/London"),
        ("New Yrok", "America/New_York"),
        ("europe/rom", "Europe/Rome"),
        ("Damascos", "Asia/Damascus"),
        ("vivo a Milnao", "Europe/Rome"),
    ],
)
def test_typos_give_suggestions(text: str, expected: str) -> None:
    match = resolve_time_zone(text)
    assert match.zone is None
    assert expected in match.suggestions
    assert 0 < len(match.suggestions) <= 5
    assert len(set(match.suggestions)) == len(match.suggestions)


@pytest.mark.parametrize("text", ["USA", "United States", "Stati Uniti", "Canada", "Brasile"])
def test_countries_with_several_zones_give_suggestions(text: str) -> None:
    match = resolve_time_zone(text)
    assert match.zone is None
    assert 2 <= len(match.suggestions) <= 5


def test_two_places_in_one_answer_are_ambiguous() -> None:
    match = resolve_time_zone("between Rome and London")
    assert match.zone is None
    assert set(match.suggestions) == {"Europe/Rome", "Europe/London"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🎂",
        "🎂🎉🙂",
        "asdfghjkl",
        "?",
        "UTC+5:30",
        "UTC+15",
        "GMT-13",
        "x" * 5000,
        "Rome " * 1000,
        "🎂" * 5000,
    ],
)
def test_junk_gives_no_zone(text: str) -> None:
    resolve_time_zone("Bergamo")  # the data set is read once, on the first lookup needing it
    started = time.perf_counter()
    match = resolve_time_zone(text)
    assert time.perf_counter() - started < 0.5
    assert match.zone is None
    assert len(match.suggestions) <= 5


def test_long_input_gives_nothing() -> None:
    assert resolve_time_zone("x" * 5000) == ZoneMatch(None, ())


def test_everyday_words_are_not_places_inside_phrases() -> None:
    assert resolve_time_zone("il mio nome è Luca").zone is None
    assert resolve_time_zone("Nome").zone == "America/Nome"


def test_every_resolved_zone_loads() -> None:
    for text in ["Roma", "Kyiv", "Kiev", "UTC", "UTC+2", "NYC", "Città del Messico"]:
        zone = resolve_time_zone(text).zone
        assert zone is not None
        zoneinfo.ZoneInfo(zone)


def test_alias_and_suggestion_targets_exist() -> None:
    available = zoneinfo.available_timezones()
    legacy = {"Europe/Kyiv": "Europe/Kiev"}
    for zone in [*place_names.ALIASES.values(), *sum(place_names.AMBIGUOUS.values(), ())]:
        assert zone in available or legacy.get(zone) in available, zone


def test_works_without_tz_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezones, "_available_zones", frozenset)
    assert resolve_time_zone("Roma").zone == "Europe/Rome"
    assert resolve_time_zone("Londra").zone == "Europe/London"
    assert resolve_time_zone("UTC").zone == "UTC"
    assert resolve_time_zone("gmt").zone == "UTC"
    assert resolve_time_zone("Timbuktu").zone is None
    assert "Europe/Rome" in resolve_time_zone("Rmoa").suggestions
    assert resolve_time_zone("🎂") == ZoneMatch(None, ())


def test_prepare_builds_the_tables_a_lookup_then_reuses() -> None:
    """`mentorbot run` reads the data set off the event loop at start (`timezones.prepare`): the
    lookup that follows builds nothing again."""
    timezones.prepare()
    built = timezones.city_index.cache_info().misses
    assert timezones.resolve_time_zone("Bèrgamo").zone == "Europe/Rome"
    assert timezones.city_index.cache_info().misses == built
