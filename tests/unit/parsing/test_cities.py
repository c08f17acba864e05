"""Tests for bot.core.parsing.cities and the data set behind typed cities."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.core.parsing import cities, timezones
from bot.core.parsing.folding import fold, place_key, place_keys
from bot.core.parsing.timezones import ZoneMatch, resolve_time_zone


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        # A city the hand-kept names never had, in any case or accent
        ("Bergamo", "Europe/Rome"),
        ("bergamo", "Europe/Rome"),
        ("BERGAMO", "Europe/Rome"),
        ("Bèrgamo", "Europe/Rome"),
        ("  Bergamo  ", "Europe/Rome"),
        ("Bergamo, Italia", "Europe/Rome"),
        ("vivo a Bergamo", "Europe/Rome"),
        ("I live in Bergamo", "Europe/Rome"),
        # Abbreviations
        ("NYC", "America/New_York"),
        ("nyc", "America/New_York"),
        ("LA", "America/Los_Angeles"),
        ("SF", "America/Los_Angeles"),
        # Accents
        ("São Paulo", "America/Sao_Paulo"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("München", "Europe/Berlin"),
        ("Kraków", "Europe/Warsaw"),
        ("Zürich", "Europe/Zurich"),
        ("La Spezia", "Europe/Rome"),
        ("sono a La Spezia", "Europe/Rome"),
        # Italian names come from the data set's alternate names
        ("Napoli", "Europe/Rome"),
        ("Firenze", "Europe/Rome"),
        ("Torino", "Europe/Rome"),
        ("Genova", "Europe/Rome"),
        ("Parigi", "Europe/Paris"),
        ("Mosca", "Europe/Moscow"),
        ("Pechino", "Asia/Shanghai"),
        ("Monaco di Baviera", "Europe/Berlin"),
        ("San Paolo", "America/Sao_Paulo"),  # not the small Italian town
        # When towns share a name, the most populous one
        ("Springfield", "America/Chicago"),
        ("Odessa", "Europe/Kyiv"),
        ("Venice", "Europe/Rome"),
        ("Islamabad", "Asia/Karachi"),
        # Countries from the data set: one zone holds nearly everyone
        ("Portugal", "Portugal"),  # the tz database's own name wins, as before
        ("Germany", "Europe/Berlin"),
        ("Kenya", "Africa/Nairobi"),
    ],
)
def test_data_set_cities_resolve(text: str, zone: str) -> None:
    assert resolve_time_zone(text) == ZoneMatch(zone, ())


def test_a_country_with_several_zones_gives_its_biggest_ones() -> None:
    match = resolve_time_zone("Indonesia")
    assert match.zone is None
    assert match.suggestions[0] == "Asia/Jakarta" and 2 <= len(match.suggestions) <= 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Bergamp", "Europe/Rome"), ("Sao Palo", "America/Sao_Paulo"), ("Bergammo", "Europe/Rome")],
)
def test_data_set_typos_give_suggestions_not_a_zone(text: str, expected: str) -> None:
    match = resolve_time_zone(text)
    assert match.zone is None
    assert match.suggestions[0] == expected


@pytest.mark.parametrize("text", ["the", "casa", "non lo so", "Xqzzyville", "il mio nome è Luca"])
def test_everyday_words_and_unknown_places_give_no_zone(text: str) -> None:
    assert resolve_time_zone(text).zone is None


def test_transliterations_are_not_names() -> None:
    index = cities.city_index(timezones._available_zones())
    assert index.zone("parsi") is None  # a lower-case transliteration in the data set
    assert index.zone("milano") == "Europe/Rome"


def test_every_data_set_zone_is_installed() -> None:
    available = timezones._available_zones()
    index = cities.city_index(available)
    assert len(index.places) > 30_000
    assert {zone for zone, _ in index.places.values()} <= available


def test_without_a_tz_database_the_data_set_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_reading(name: str) -> object:
        raise AssertionError(f"read {name}")

    monkeypatch.setattr(cities, "_read", no_reading)
    assert cities.city_index(frozenset()).places == {}


def test_importing_and_cheap_lookups_do_not_read_the_data_set() -> None:
    code = (
        "from bot.core.parsing import cities, timezones as tz\n"
        "assert tz.resolve_time_zone('Europe/Rome').zone == 'Europe/Rome'\n"
        "assert tz.resolve_time_zone('Roma').zone == 'Europe/Rome'\n"
        "assert tz.resolve_time_zone('UTC+2').zone == 'Etc/GMT-2'\n"
        "assert cities.city_index.cache_info().currsize == 0\n"
        "assert tz.resolve_time_zone('Bergamo').zone == 'Europe/Rome'\n"
        "assert cities.city_index.cache_info().currsize == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_place_keys_fold_like_place_key() -> None:
    names = ["Bèrgamo", "São Paulo", "St. John's", "Port-au-Prince", "Kraków", "Łódź", "Straße"]
    names += ["  two  spaces ", "-dash", "x\ny", "a\u00a0b", "L\u2019Aquila", ""]
    assert place_keys(names) == [place_key(name) for name in names]
    assert fold("  BÈRGAMO ") == "bergamo"


def test_place_keys_fold_the_data_set_like_place_key() -> None:
    data = cities._read("cities15000.json")
    names = [name for city in list(data.values())[:3000] for name in [city["name"]]]
    names += [n for city in list(data.values())[:300] for n in city["alternatenames"]]
    latin = [name for name in names if not any(ord(c) >= 0x250 for c in name)]
    assert place_keys(latin) == [place_key(name) for name in latin]


def test_population_bonus_prefers_big_cities() -> None:
    assert cities.population_bonus(15_000) == 0
    assert cities.population_bonus(1_000_000) > cities.population_bonus(100_000) > 0
    assert cities.population_bonus(50_000_000) == 10
