"""Resolve a time zone, and an hour of the day, typed by a person in English or Italian.

A time zone can be given as an IANA name in any case (``europe/rome``), as a city named by
the last part of an IANA zone ("New York"), as a city or country from a small English and
Italian alias table ("Milano", "Londra", "Italy"), as ``UTC``/``GMT``, or as a whole-hour
UTC offset ("UTC+2"). Accents, case, underscores and hyphens do not matter.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["MAX_INPUT_LENGTH", "ZoneMatch", "parse_hour", "resolve_time_zone"]

MAX_INPUT_LENGTH = 64
MAX_SUGGESTIONS = 5
_FUZZY_CUTOFF = 0.7
_MAX_WORDS = 8
_MAX_NGRAM = 4

_CITY_REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
# Last components of IANA names that are ordinary words rather than places.
_GENERIC_CITY_WORDS = frozenset({"act", "center", "lhi", "north", "nsw", "south", "west"})
# Places that are also everyday English or Italian words: matched only as the whole answer.
_PHRASE_STOPWORDS = frozenset(
    {
        "casey",
        "christmas",
        "davis",
        "easter",
        "knox",
        "midway",
        "nome",
        "oral",
        "palmer",
        "regina",
        "resolute",
        "troll",
        "victoria",
        "virgin",
        "wake",
    }
)
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})

_UTC_WORDS = frozenset(
    {
        "utc",
        "gmt",
        "z",
        "zulu",
        "etc/utc",
        "etc/gmt",
        "universal",
        "coordinated universal time",
        "greenwich mean time",
    }
)

_ALIASES: dict[str, str] = {
    # Italy
    "roma": "Europe/Rome",
    "milano": "Europe/Rome",
    "milan": "Europe/Rome",
    "napoli": "Europe/Rome",
    "naples": "Europe/Rome",
    "torino": "Europe/Rome",
    "turin": "Europe/Rome",
    "firenze": "Europe/Rome",
    "florence": "Europe/Rome",
    "bologna": "Europe/Rome",
    "palermo": "Europe/Rome",
    "venezia": "Europe/Rome",
    "venice": "Europe/Rome",
    "genova": "Europe/Rome",
    "genoa": "Europe/Rome",
    "bari": "Europe/Rome",
    "catania": "Europe/Rome",
    "verona": "Europe/Rome",
    "trieste": "Europe/Rome",
    "padova": "Europe/Rome",
    "cagliari": "Europe/Rome",
    "italia": "Europe/Rome",
    "italy": "Europe/Rome",
    # Rest of Europe
    "londra": "Europe/London",
    "manchester": "Europe/London",
    "edinburgh": "Europe/London",
    "edimburgo": "Europe/London",
    "uk": "Europe/London",
    "united kingdom": "Europe/London",
    "regno unito": "Europe/London",
    "england": "Europe/London",
    "inghilterra": "Europe/London",
    "parigi": "Europe/Paris",
    "france": "Europe/Paris",
    "francia": "Europe/Paris",
    "berlino": "Europe/Berlin",
    "munich": "Europe/Berlin",
    "monaco di baviera": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "francoforte": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "amburgo": "Europe/Berlin",
    "germany": "Europe/Berlin",
    "germania": "Europe/Berlin",
    "madrid": "Europe/Madrid",
    "barcelona": "Europe/Madrid",
    "barcellona": "Europe/Madrid",
    "spain": "Europe/Madrid",
    "spagna": "Europe/Madrid",
    "vienna": "Europe/Vienna",
    "monaco": "Europe/Monaco",
    "atene": "Europe/Athens",
    "greece": "Europe/Athens",
    "grecia": "Europe/Athens",
    "mosca": "Europe/Moscow",
    "bruxelles": "Europe/Brussels",
    "lisbona": "Europe/Lisbon",
    "varsavia": "Europe/Warsaw",
    "praga": "Europe/Prague",
    "ginevra": "Europe/Zurich",
    "geneva": "Europe/Zurich",
    "zurigo": "Europe/Zurich",
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "kiew": "Europe/Kyiv",
    "ukraine": "Europe/Kyiv",
    "ucraina": "Europe/Kyiv",
    "istanbul": "Europe/Istanbul",
    "ankara": "Europe/Istanbul",
    "turkey": "Europe/Istanbul",
    "turchia": "Europe/Istanbul",
    "turkiye": "Europe/Istanbul",
    "nicosia": "Asia/Nicosia",
    # North America
    "new york": "America/New_York",
    "nuova york": "America/New_York",
    "new york city": "America/New_York",
    "nyc": "America/New_York",
    "new jersey": "America/New_York",
    "boston": "America/New_York",
    "washington": "America/New_York",
    "washington dc": "America/New_York",
    "miami": "America/New_York",
    "philadelphia": "America/New_York",
    "atlanta": "America/New_York",
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles",
    "est": "America/New_York",
    "edt": "America/New_York",
    "cdt": "America/Chicago",
    "mdt": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "chicago": "America/Chicago",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "toronto": "America/Toronto",
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "mexico city": "America/Mexico_City",
    "citta del messico": "America/Mexico_City",
    # Latin America
    "sao paulo": "America/Sao_Paulo",
    "san paolo": "America/Sao_Paulo",
    "rio de janeiro": "America/Sao_Paulo",
    "bogota": "America/Bogota",
    "colombia": "America/Bogota",
    "caracas": "America/Caracas",
    "venezuela": "America/Caracas",
    "lima": "America/Lima",
    "peru": "America/Lima",
    "lavana": "America/Havana",
    # Middle East and Asia
    "kabul": "Asia/Kabul",
    "afghanistan": "Asia/Kabul",
    "damascus": "Asia/Damascus",
    "damasco": "Asia/Damascus",
    "aleppo": "Asia/Damascus",
    "homs": "Asia/Damascus",
    "syria": "Asia/Damascus",
    "siria": "Asia/Damascus",
    "baghdad": "Asia/Baghdad",
    "iraq": "Asia/Baghdad",
    "tehran": "Asia/Tehran",
    "teheran": "Asia/Tehran",
    "iran": "Asia/Tehran",
    "gerusalemme": "Asia/Jerusalem",
    "tel aviv": "Asia/Jerusalem",
    "karachi": "Asia/Karachi",
    "islamabad": "Asia/Karachi",
    "lahore": "Asia/Karachi",
    "pakistan": "Asia/Karachi",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "nuova delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "bombay": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "india": "Asia/Kolkata",
    "dhaka": "Asia/Dhaka",
    "dacca": "Asia/Dhaka",
    "bangladesh": "Asia/Dhaka",
    "kathmandu": "Asia/Kathmandu",
    "nepal": "Asia/Kathmandu",
    "beijing": "Asia/Shanghai",
    "pechino": "Asia/Shanghai",
    "shanghai": "Asia/Shanghai",
    "china": "Asia/Shanghai",
    "cina": "Asia/Shanghai",
    "tokyo": "Asia/Tokyo",
    "tokio": "Asia/Tokyo",
    "japan": "Asia/Tokyo",
    "giappone": "Asia/Tokyo",
    # Africa
    "cairo": "Africa/Cairo",
    "il cairo": "Africa/Cairo",
    "egypt": "Africa/Cairo",
    "egitto": "Africa/Cairo",
    "lagos": "Africa/Lagos",
    "abuja": "Africa/Lagos",
    "nigeria": "Africa/Lagos",
    "nairobi": "Africa/Nairobi",
    "kenya": "Africa/Nairobi",
    "addis ababa": "Africa/Addis_Ababa",
    "addis abeba": "Africa/Addis_Ababa",
    "ethiopia": "Africa/Addis_Ababa",
    "etiopia": "Africa/Addis_Ababa",
    "khartoum": "Africa/Khartoum",
    "sudan": "Africa/Khartoum",
    "mogadishu": "Africa/Mogadishu",
    "mogadiscio": "Africa/Mogadishu",
    "somalia": "Africa/Mogadishu",
    "asmara": "Africa/Asmara",
    "eritrea": "Africa/Asmara",
    "cape town": "Africa/Johannesburg",
    "citta del capo": "Africa/Johannesburg",
    # Oceania
    "sydney": "Australia/Sydney",
}

# Places that span several time zones: never resolved, always offered as suggestions.
_AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "usa": (
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "America/Anchorage",
    ),
    "canada": (
        "America/Toronto",
        "America/Winnipeg",
        "America/Edmonton",
        "America/Vancouver",
        "America/Halifax",
    ),
    "australia": (
        "Australia/Sydney",
        "Australia/Brisbane",
        "Australia/Adelaide",
        "Australia/Darwin",
        "Australia/Perth",
    ),
    "brazil": ("America/Sao_Paulo", "America/Manaus", "America/Fortaleza", "America/Cuiaba"),
    "russia": (
        "Europe/Moscow",
        "Asia/Yekaterinburg",
        "Asia/Novosibirsk",
        "Asia/Irkutsk",
        "Asia/Vladivostok",
    ),
}
_AMBIGUOUS_ALIASES: dict[str, str] = {
    "us": "usa",
    "united states": "usa",
    "united states of america": "usa",
    "stati uniti": "usa",
    "america": "usa",
    "brasil": "brazil",
    "brasile": "brazil",
    "russian federation": "russia",
}

# Older tz databases spell a few zones differently.
_LEGACY_NAMES: dict[str, str] = {"Europe/Kyiv": "Europe/Kiev"}

_OFFSET = re.compile(r"(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(00))?", re.ASCII)
_DROP = str.maketrans({"'": "", "\u2019": "", ".": " ", "_": " ", "-": " ", ",": " "})


@dataclass(frozen=True)
class ZoneMatch:
    """A resolved IANA zone, or up to five suggestions when nothing matched for sure."""

    zone: str | None
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Index:
    """Lookup tables built once from the installed tz database."""

    available: frozenset[str]
    full_names: dict[str, str]
    places: dict[str, str]
    fuzzy_keys: tuple[str, ...]


def _fold(text: str) -> str:
    """Lower-case and strip accents, keeping the text's shape otherwise."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2212", "-"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _place_key(text: str) -> str:
    """Normalise a place name: folded, punctuation and underscores as single spaces."""
    return " ".join(_fold(text).translate(_DROP).split())


@lru_cache(maxsize=1)
def _available_zones() -> frozenset[str]:
    """Return the installed IANA zone names (cached; may be empty without tzdata)."""
    zones = zoneinfo.available_timezones()
    return frozenset(
        z for z in zones if z not in _NOT_ZONES and not z.startswith(("posix/", "right/"))
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
        if region not in _CITY_REGIONS or not rest:
            continue
        key = _place_key(rest.rsplit("/", 1)[-1])
        if key and key not in _GENERIC_CITY_WORDS:
            cities.setdefault(key, zone)
    places = dict(cities)
    for key, zone in _ALIASES.items():
        target = _known(zone, available)
        if target is not None:
            places[key] = target
    fuzzy = sorted(set(places) | set(full_names) | set(_AMBIGUOUS) | set(_AMBIGUOUS_ALIASES))
    return _Index(available, full_names, places, tuple(fuzzy))


def _known(zone: str, available: frozenset[str]) -> str | None:
    """Return ``zone`` (or its legacy spelling) if installed; trust it if nothing is."""
    if not available or zone in available:
        return zone
    legacy = _LEGACY_NAMES.get(zone)
    if legacy is not None and legacy in available:
        return legacy
    return None


def _ambiguous(key: str, index: _Index) -> tuple[str, ...] | None:
    """Return the suggestions for a country spanning several zones, if ``key`` is one."""
    key = _AMBIGUOUS_ALIASES.get(key, key)
    zones = _AMBIGUOUS.get(key)
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


def _exact(text: str, index: _Index) -> ZoneMatch | None:
    """Look ``text`` up as a UTC word, IANA name, place or multi-zone country."""
    folded = _fold(text)
    if folded in _UTC_WORDS:
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
    return _offset_zone(folded, index)


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
            if zone is not None and phrase not in _PHRASE_STOPWORDS:
                found.append(zone)
                start += size
                break
        else:
            start += 1
    return found


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
    for probe in dict.fromkeys(p for p in probes if p):
        for candidate in difflib.get_close_matches(
            probe, index.fuzzy_keys, n=MAX_SUGGESTIONS * 2, cutoff=_FUZZY_CUTOFF
        ):
            score = difflib.SequenceMatcher(None, probe, candidate).ratio()
            for zone in _zone_for_key(candidate, index):
                scored[zone] = max(scored.get(zone, 0.0), score)
    ranked = sorted(scored, key=lambda zone: (-scored[zone], zone))
    return tuple(ranked[:MAX_SUGGESTIONS])


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
    return ZoneMatch(None, _suggest(stripped, index))


_HOUR_PREFIX = r"(?:(?:alle|at|around|verso)\s+)?(?:(?:ore|h)\s*)?"
_HOUR_MERIDIEM = re.compile(
    _HOUR_PREFIX + r"(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])\.?\s*m\.?", re.ASCII
)
_HOUR_24 = re.compile(_HOUR_PREFIX + r"(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*h?", re.ASCII)
_HOUR_WORDS = {"noon": 12, "midday": 12, "mezzogiorno": 12, "midnight": 0, "mezzanotte": 0}
_MAX_HOUR_INPUT = 32


def _ascii_digits(text: str) -> str:
    """Replace any Unicode decimal digit with its ASCII form."""
    return "".join(str(d) if (d := unicodedata.decimal(c, None)) is not None else c for c in text)


def parse_hour(text: str) -> int | None:
    """Parse an hour of the day ("18", "18:00", "6pm", "ore 18", "18h") to 0-23, else None."""
    stripped = text.strip()
    if not stripped or len(stripped) > _MAX_HOUR_INPUT:
        return None
    folded = _fold(_ascii_digits(stripped))
    if folded in _HOUR_WORDS:
        return _HOUR_WORDS[folded]
    if match := _HOUR_MERIDIEM.fullmatch(folded):
        hour_text, minutes, meridiem = match.groups()
        hour = int(hour_text)
        if (minutes is not None and int(minutes) != 0) or not 1 <= hour <= 12:
            return None
        return hour % 12 + (12 if meridiem == "p" else 0)
    if match := _HOUR_24.fullmatch(folded):
        hour_text, minutes = match.groups()
        hour = int(hour_text)
        if (minutes is not None and int(minutes) != 0) or not 0 <= hour <= 23:
            return None
        return hour
    return None
