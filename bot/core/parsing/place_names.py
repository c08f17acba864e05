"""The hand-kept names the data set lacks: Italian names of countries, abbreviations, multi-zone
countries, the words for UTC, and IANA name parts that are not places.

Cities are not listed here: they come from the GeoNames data set (`bot.core.parsing.cities`).
The few kept below are the answers most often typed in Italian and English, so that they still
resolve on a machine without a tz database (where the data set's zones cannot be checked).
"""

from __future__ import annotations

CITY_REGIONS = frozenset(
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
GENERIC_CITY_WORDS = frozenset({"act", "center", "lhi", "north", "nsw", "south", "west"})
# Places that are also everyday English or Italian words: matched only as the whole answer.
PHRASE_STOPWORDS = frozenset(
    {
        "dc",
        "est",
        "la",
        "sf",
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
# Words before a place at the end of a phrase ("I live in Bergamo", "vivo a Bergamo").
PLACE_PREPOSITIONS = frozenset({"a", "ad", "at", "da", "di", "from", "in", "near", "vicino"})
NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})

UTC_WORDS = frozenset(
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

ALIASES: dict[str, str] = {
    # Answers most often typed, also without a tz database
    "roma": "Europe/Rome",
    "milano": "Europe/Rome",
    "londra": "Europe/London",
    # Countries by their Italian (or a colloquial) name
    "italia": "Europe/Rome",
    "uk": "Europe/London",
    "regno unito": "Europe/London",
    "england": "Europe/London",
    "inghilterra": "Europe/London",
    "francia": "Europe/Paris",
    "germania": "Europe/Berlin",
    "spagna": "Europe/Madrid",
    "grecia": "Europe/Athens",
    "ucraina": "Europe/Kyiv",
    "turchia": "Europe/Istanbul",
    "turkiye": "Europe/Istanbul",
    "siria": "Asia/Damascus",
    "cina": "Asia/Shanghai",
    "giappone": "Asia/Tokyo",
    "egitto": "Africa/Cairo",
    "etiopia": "Africa/Addis_Ababa",
    # Countries the data set mistakes for a small town of that name
    "colombia": "America/Bogota",
    "venezuela": "America/Caracas",
    "bangladesh": "Asia/Dhaka",
    "egypt": "Africa/Cairo",
    # Names the tz database also has as an old link ("Asia/Istanbul", "Japan"): the current zone
    "istanbul": "Europe/Istanbul",
    "montreal": "America/Toronto",
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "kiew": "Europe/Kyiv",
    "tel aviv": "Asia/Jerusalem",
    "dacca": "Asia/Dhaka",
    "japan": "Asia/Tokyo",
    "turkey": "Europe/Istanbul",
    "iran": "Asia/Tehran",
    # Abbreviations and a US state
    "nyc": "America/New_York",
    "la": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "dc": "America/New_York",
    "new jersey": "America/New_York",
    # US zone abbreviations
    "est": "America/New_York",
    "edt": "America/New_York",
    "cdt": "America/Chicago",
    "mdt": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
}

# Places that span several time zones: never resolved, always offered as suggestions.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
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
AMBIGUOUS_ALIASES: dict[str, str] = {
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
LEGACY_NAMES: dict[str, str] = {"Europe/Kyiv": "Europe/Kiev"}
