"""Resolve a time zone typed by a person in English or Italian.

A time zone can be given as an IANA name in any case (``europe/rome``), as a city named by
the last part of an IANA zone ("New York"), as a city or country from the hand-kept names of
`bot.core.parsing.place_names` ("Londra", "NYC", "Italia"), as any city or country of the
GeoNames data set (`bot.core.parsing.cities`: "Bergamo", "São Paulo", "Milano"), as
``UTC``/``GMT``, or as a whole-hour UTC offset ("UTC+2"). Accents, case, underscores and
hyphens do not matter. A typo gives suggestions (similar names, populous cities first), never
a zone; a country spanning several zones gives its main zones as suggestions.

The cheap lookups come first, so the data set is read only when a name needs it.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.core.parsing.cities import city_index
from bot.core.parsing.folding import fold as _fold
from bot.core.parsing.folding import place_key as _place_key
from bot.core.parsing.place_names import (
    ALIASES,
    AMBIGUOUS,
    AMBIGUOUS_ALIASES,
    CITY_REGIONS,
    GENERIC_CITY_WORDS,
    LEGACY_NAMES,
    NOT_ZONES,
    PHRASE_STOPWORDS,
    PLACE_PREPOSITIONS,
    UTC_WORDS,
)

__all__ = ["MAX_INPUT_LENGTH", "ZoneMatch", "resolve_time_zone"]

MAX_INPUT_LENGTH = 64
MAX_SUGGESTIONS = 5
_FUZZY_CUTOFF = 70.0
_KNOWN_PLACE_BONUS = 10.0  # a hand-kept or IANA name counts as a big city in suggestions
_MAX_WORDS = 8
_MAX_NGRAM = 4


_OFFSET = re.compile(r"(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(00))?", re.ASCII)


@dataclass(frozen=True)
class ZoneMatch:
    """A resolved IANA zone, or up to five suggestions when nothing matched for sure."""

    zone: str | None
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Index:
    """Lookup tables built once from the installed tz database and the hand-kept names."""

    available: frozenset[str]
    full_names: dict[str, str]
    places: dict[str, str]
    fuzzy_keys: tuple[str, ...]


@lru_cache(maxsize=1)
def _available_zones() -> frozenset[str]:
    """Return the installed IANA zone names (cached; may be empty without tzdata)."""
    zones = zoneinfo.available_timezones()
    return frozenset(
        z for z in zones if z not in NOT_ZONES and not z.startswith(("posix/", "right/"))
    )


def _city_rank(zone: str) -> tuple[int, str]:
    """Prefer deeper (canonical) names when two zones share a city, then alphabetical."""
    return (-zone.count("/"), zone)


@lru_cache(maxsize=4)
def _build_index(available: frozenset[str]) -> _Index:
    """Build the name and place lookup tables for a set of zone names."""
    full_names = {z.casefold(): z for z in available}
    cities: dict[str, str] = {}
    for zone in sorted(available, key=_city_rank):
        region, _, rest = zone.partition("/")
        if region not in CITY_REGIONS or not rest:
            continue
        key = _place_key(rest.rsplit("/", 1)[-1])
        if key and key not in GENERIC_CITY_WORDS:
            cities.setdefault(key, zone)
    places = dict(cities)
    for key, zone in ALIASES.items():
        target = _known(zone, available)
        if target is not None:
            places[key] = target
    fuzzy = sorted(set(places) | set(full_names) | set(AMBIGUOUS) | set(AMBIGUOUS_ALIASES))
    return _Index(available, full_names, places, tuple(fuzzy))


def _known(zone: str, available: frozenset[str]) -> str | None:
    """Return ``zone`` (or its legacy spelling) if installed; trust it if nothing is."""
    if not available or zone in available:
        return zone
    legacy = LEGACY_NAMES.get(zone)
    if legacy is not None and legacy in available:
        return legacy
    return None


def _ambiguous(key: str, index: _Index) -> tuple[str, ...] | None:
    """Return the suggestions for a country spanning several zones, if ``key`` is one."""
    key = AMBIGUOUS_ALIASES.get(key, key)
    zones = AMBIGUOUS.get(key)
    if zones is None:
        return None
    known = (_known(z, index.available) for z in zones)
    return tuple(z for z in known if z is not None)


def _offset_zone(folded: str, index: _Index) -> ZoneMatch | None:
    """Map a whole-hour UTC offset such as ``UTC+2`` to ``Etc/GMT-2``."""
    match = _OFFSET.fullmatch(folded)
    if match is None:
        return None
    sign, hours_text, _minutes = match.groups()
    hours = int(hours_text)
    if hours == 0:
        return ZoneMatch(_known("UTC", index.available))
    if (sign == "+" and hours > 14) or (sign == "-" and hours > 12):
        return ZoneMatch(None)
    # POSIX-style Etc names have the sign inverted: UTC+2 is Etc/GMT-2.
    zone = f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    return ZoneMatch(_known(zone, index.available))


def _data_set(key: str, index: _Index) -> ZoneMatch | None:
    """Look ``key`` up among the data set's cities and countries."""
    cities = city_index(index.available)
    zone = cities.zone(key)
    if zone is not None:
        return ZoneMatch(zone)
    zones = cities.country_zones(key)
    if len(zones) == 1:
        return ZoneMatch(zones[0])
    return ZoneMatch(None, zones[:MAX_SUGGESTIONS]) if zones else None


def _exact(text: str, index: _Index) -> ZoneMatch | None:
    """Look ``text`` up as a UTC word, IANA name, place, multi-zone country or offset."""
    folded = _fold(text)
    if folded in UTC_WORDS:
        return ZoneMatch(_known("UTC", index.available) or "UTC")
    if "/" in folded:
        slash = "/".join(part.strip().replace(" ", "_") for part in folded.split("/"))
        if slash in index.full_names:
            return ZoneMatch(index.full_names[slash])
    key = _place_key(text)
    if not key:
        return None
    if key in index.places:
        return ZoneMatch(index.places[key])
    if folded in index.full_names:
        return ZoneMatch(index.full_names[folded])
    zones = _ambiguous(key, index)
    if zones is not None:
        return ZoneMatch(None, zones[:MAX_SUGGESTIONS])
    return _offset_zone(folded, index) or _data_set(key, index)


def _segments(text: str) -> Iterator[str]:
    """Yield comma-separated parts ("Rome, Italy" gives "Rome" and "Italy")."""
    if "," in text:
        for part in text.split(","):
            if part.strip():
                yield part.strip()


def _places_in_words(key: str, index: _Index) -> list[str]:
    """Find known places among the words of a short phrase, longest phrases first."""
    words = key.split()
    if len(words) > _MAX_WORDS:
        return []
    found: list[str] = []
    start = 0
    while start < len(words):
        for size in range(min(_MAX_NGRAM, len(words) - start), 0, -1):
            phrase = " ".join(words[start : start + size])
            zone = index.places.get(phrase)
            if zone is not None and phrase not in PHRASE_STOPWORDS:
                found.append(zone)
                start += size
                break
        else:
            start += 1
    return found


def _city_at_end(key: str, index: _Index) -> str | None:
    """The zone of a data-set city ending a phrase after "in", "a"... ("vivo a Bergamo")."""
    words = key.split()
    if not 2 <= len(words) <= _MAX_WORDS:
        return None
    cities = city_index(index.available)
    for size in range(min(_MAX_NGRAM, len(words) - 1), 0, -1):
        phrase = " ".join(words[-size:])
        if words[-size - 1] in PLACE_PREPOSITIONS and phrase in cities.own_names:
            return cities.zone(phrase)
    return None


def _unique(zones: Iterable[str]) -> tuple[str, ...]:
    """Drop duplicates while keeping the first-seen order."""
    return tuple(dict.fromkeys(zones))


def _zone_for_key(key: str, index: _Index) -> Iterator[str]:
    """Yield the zones a fuzzy-matched index key stands for."""
    if key in index.places:
        yield index.places[key]
    elif key in index.full_names:
        yield index.full_names[key]
    else:
        yield from _ambiguous(key, index) or ()


def _suggest(text: str, index: _Index) -> tuple[str, ...]:
    """Return up to five zones whose names or places look like ``text``."""
    key = _place_key(text)
    probes = [key, _fold(text), *(_place_key(part) for part in _segments(text))]
    words = key.split()
    if 1 < len(words) <= _MAX_WORDS:
        probes.extend(word for word in words if len(word) >= 4)
    scored: dict[str, float] = {}
    cities = city_index(index.available)
    for probe in dict.fromkeys(p for p in probes if p):
        for candidate, score, _ in process.extract(
            probe, index.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
        ):
            for zone in _zone_for_key(candidate, index):
                weighted = score + _KNOWN_PLACE_BONUS
                scored[zone] = max(scored.get(zone, 0.0), weighted)
        for zone, weighted in cities.similar(probe).items():
            scored[zone] = max(scored.get(zone, 0.0), weighted)
    ranked = sorted(scored, key=lambda zone: (-scored[zone], zone))
    return tuple(ranked[:MAX_SUGGESTIONS])


def prepare() -> None:
    """Build the lookup tables now (the GeoNames data set takes a second or two to read), so
    that the first person who types an unusual city is not the one who waits for it. The
    tables are cached: calling this again, or a lookup meanwhile, builds nothing twice."""
    available = _available_zones()
    _build_index(available)
    city_index(available)


def resolve_time_zone(text: str) -> ZoneMatch:
    """Resolve a typed city, country, IANA name, UTC/GMT or UTC offset to an IANA zone."""
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_INPUT_LENGTH:
        return ZoneMatch(None)
    index = _build_index(_available_zones())
    for candidate in (stripped, *_segments(stripped)):
        match = _exact(candidate, index)
        if match is not None and (match.zone is not None or match.suggestions):
            return match
    found = _unique(_places_in_words(_place_key(stripped), index))
    if len(found) == 1:
        return ZoneMatch(found[0])
    if found:
        return ZoneMatch(None, found[:MAX_SUGGESTIONS])
    at_end = _city_at_end(_place_key(stripped), index)
    if at_end is not None:
        return ZoneMatch(at_end)
    return ZoneMatch(None, _suggest(stripped, index))
