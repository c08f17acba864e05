"""Safeguarding text checks run on every text or caption the bot relays between a pair.

Two checks, both pure text functions; neither blocks a message, and neither decides anything about
a person. What to do with a result (send crisis resources, alert staff, warn the sender) is up to
the caller.

* `CrisisWords.find`: phrases about self-harm, suicide, abuse, violence, trafficking and immediate
  danger, read from `curricula/safety/crisis_words.<lang>.txt` (plus, for a program,
  `<program>.crisis_words.<lang>.txt`). The text and the phrases are compared after the same
  normalisation: case and accents dropped, every run of spaces, punctuation, emoji or underscores
  turned into one space. A phrase matches whole words only ("rapist" is not found in
  "therapist"); a phrase ending in `*` is a stem ("suicid*" finds "suicide", "suicidal",
  "suicidio"). An apostrophe or a hyphen in a phrase may be typed or left out ("can't" finds
  "cant", "can t" and "can't"; "self-harm" finds "selfharm" and "self harm"). The writer's
  language list and the English list are always both checked. Each language gets one compiled
  regular expression, shaped as a trie (`bot.core.phrases`), so a 4 KB message is checked in
  well under a millisecond.
* `contact_sharing`: phone numbers, e-mail addresses, links, @usernames and payment requests, for
  the gentle warning shown during the first days of a match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from bot.core.phrases import PhraseMatcher, normalize

__all__ = [
    "BASE_LANGUAGE",
    "ContactKind",
    "CrisisWords",
    "contact_sharing",
    "crisis_list_files",
    "normalize",
    "parse_phrases",
]

BASE_LANGUAGE = "en"
"""Always checked, whatever the writer's language: people mix languages."""

_FILE = re.compile(
    r"^(?:(?P<program>[a-z0-9][a-z0-9_-]*)\.)?crisis_words\.(?P<lang>[a-z]{2,3})\.txt$"
)
_MIN_STEM = 4


def _language(language: str) -> str:
    """`it`, `IT`, `it-IT`, `it_IT` -> `it`."""
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]


# ---------------------------------------------------------------------------------------------
# Phrase lists


def parse_phrases(text: str, source: str = "<list>") -> tuple[str, ...]:
    """The phrases of one list file: one per line, `#` starts a comment, blank lines ignored.

    Raises ValueError (`source:line: why`) for a phrase that is empty once normalised, a `*`
    anywhere but at the end, or a stem shorter than four letters (it would match too much).
    """
    phrases: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        body = line.removesuffix("*").rstrip()
        where = f"{source}:{number}"
        if "*" in body:
            raise ValueError(f"{where}: '*' may only end a phrase (a stem), in {line!r}")
        words = normalize(body)
        if not words:
            raise ValueError(f"{where}: {line!r} has no letters or digits")
        if line.endswith("*") and len(words) < _MIN_STEM:
            raise ValueError(f"{where}: the stem {line!r} is too short, it would match too much")
        phrases.append(line)
    return tuple(phrases)


def crisis_list_files(folder: Path, program: str | None = None) -> dict[str, list[Path]]:
    """The list files that apply, by language: the base list first, then the program's own."""
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("*crisis_words.*.txt")):
        match = _FILE.match(path.name)
        if match is None or match["program"] not in (None, program):
            continue
        found.setdefault(match["lang"], []).append(path)
    for paths in found.values():
        paths.sort(key=lambda p: p.name.startswith("crisis_words."), reverse=True)
    return found


@dataclass(frozen=True)
class CrisisWords:
    """Crisis phrase lists by language, compiled once: `find` is called on every relayed text.

    `lists` maps a language code to its phrases as written (`*` marks a stem). Build it with
    `CrisisWords.load(folder, program)`, or directly from phrases in tests.
    """

    lists: Mapping[str, tuple[str, ...]]
    _matchers: Mapping[str, PhraseMatcher] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lists = MappingProxyType(
            {
                _language(lang): parse_phrases("\n".join(phrases), f"the {lang} list")
                for lang, phrases in self.lists.items()
            }
        )
        object.__setattr__(self, "lists", lists)
        base = lists.get(BASE_LANGUAGE, ())
        matchers = {
            lang: PhraseMatcher.build([phrases] if lang == BASE_LANGUAGE else [phrases, base])
            for lang, phrases in lists.items()
        }
        if BASE_LANGUAGE not in matchers:
            matchers[BASE_LANGUAGE] = PhraseMatcher.build([base])
        object.__setattr__(self, "_matchers", MappingProxyType(matchers))

    @classmethod
    def load(cls, folder: Path, program: str | None = None) -> CrisisWords:
        """The base lists in `folder` (`crisis_words.<lang>.txt`), each extended by the program's
        own list (`<program>.crisis_words.<lang>.txt`) when there is one.

        Raises FileNotFoundError without an English base list (English is always checked), and
        ValueError, with file and line, for a malformed phrase.
        """
        files = crisis_list_files(folder, program.strip().lower() if program else None)
        base = folder / f"crisis_words.{BASE_LANGUAGE}.txt"
        if base not in files.get(BASE_LANGUAGE, []):
            raise FileNotFoundError(f"{base}: the English crisis word list is missing")
        lists = {
            lang: tuple(
                phrase
                for path in paths
                for phrase in parse_phrases(path.read_text(encoding="utf-8"), str(path))
            )
            for lang, paths in files.items()
        }
        return cls(lists)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages with a list of their own."""
        return tuple(sorted(self.lists))

    def find(self, text: str, language: str) -> tuple[str, ...]:
        """The phrases found in `text`, as written in the lists, in order of first appearance;
        empty when none. The `language` list (if there is one) and the English list are used."""
        matcher = self._matchers.get(_language(language), self._matchers[BASE_LANGUAGE])
        return tuple(dict.fromkeys(matcher.find(normalize(text))))


# ---------------------------------------------------------------------------------------------
# Contact sharing


class ContactKind(StrEnum):
    """What kind of contact detail, or request, a message contains."""

    PHONE = "phone"
    EMAIL = "email"
    LINK = "link"
    USERNAME = "username"
    PAYMENT = "payment"


# Contact details are looked for with expressions that start at a character that must be there
# ("@", ".", "[", a digit...), so that the regex engine can skip ahead to it; what comes before
# that character is then checked in Python.
_EMAIL = re.compile(r"@(?:[\w-]+\.)+[^\W\d_]{2,}(?![\w-])")  # after a local part: mario.rossi
_MAIL_HOSTS = (
    "gmail|googlemail|hotmail|yahoo|outlook|libero|icloud|live|protonmail|proton|virgilio"
    "|tiscali|alice|yandex|aol|gmx|mail"
)
_DOT = r"(?:\s*\.\s*|\s*[\[(]\s*(?:dot|punto)\s*[\])]\s*|\s+(?:dot|punto)\s+)"
_SPELLED_EMAIL = re.compile(  # after a word: "mario [at] example [dot] org", "mario at gmail.com"
    rf"[\[(]\s*(?:at|chiocciola)\s*[\])]\s*[\w-]+{_DOT}[a-z]{{2,}}\b"
    rf"| (?:at|chiocciola)\s+(?:{_MAIL_HOSTS}){_DOT}[a-z]{{2,}}\b"
)  # searched in the lower-cased text
_SCHEME = re.compile(r"(?:https?://|www\.)[^\s<>]+", re.IGNORECASE)
_UNICODE_DIGIT = re.compile(r"\d(?<![0-9])")  # another script's digit: ٣, ३...
_ASCII_DIGITS = "0123456789"
_SPACE = re.compile(r"\s")
_TELEGRAM = re.compile(r"\.me\b", re.IGNORECASE)  # after t, wa or telegram
# Country codes common in links; those that are also words ("at", "be", "in", "is", "no", "so",
# "to", "us", "ai"...) are left out, so that "look.at this" is not taken for a link.
_TLDS = frozenset((
    "com", "net", "org", "edu", "gov", "int", "info", "biz", "io", "co", "it", "eu", "uk", "de",
    "fr", "es", "nl", "ch", "pl", "ru", "ua", "tr", "gr", "ro", "pt", "se", "dk", "fi", "cz", "hu",
    "ie", "ca", "au", "nz", "jp", "cn", "br", "mx", "ar", "za", "ng", "ke", "gh", "et", "sy", "iq",
    "ir", "af", "pk", "bd", "lk", "ly", "gl", "gg", "ee", "tv", "cc", "xyz", "online", "site",
    "app", "dev", "page", "link", "store", "shop", "club", "top", "icu", "vip", "tk", "ml", "ga",
    "cf", "gq", "ws", "su",
))  # fmt: skip
_DOMAIN_END = re.compile(r"\.(?P<tld>[a-z]{2,6})(?![\w'\u2019-]|\.\w)", re.IGNORECASE)
_USERNAME = re.compile(r"@[^\W\d_]\w{4,31}(?!\w)")
_IBAN = re.compile(  # IT60 X054 2811 1010 0000 0123 456, or without spaces; found from the "60"
    r"\d\d(?<=[A-Z]{2}\d\d)(?<![A-Z0-9][A-Z]{2}\d\d)"
    r"(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_CARD = re.compile(r"[2-6](?<![\w+][2-6])\d{3}(?:[ -]?\d){9,15}(?!\w)")
_PHONE = re.compile(  # a run of digits with separators; not glued to a word, date or time
    r"[+(\d](?<![\w+/.-][+(\d])"
    r"(?:(?<=\+) ?\(?\d|(?<=\()\d|(?<=\d))"
    r"(?:[ \t().\-/]{0,3}\d){7,}(?!\w|:\d)"
)
_DATE = r"(?:\d{1,2}[./-]\d{1,2}(?:[./-](?:\d{4}|\d{2}))?|\d{4}[./-]\d{1,2}[./-]\d{1,2})"
_TIME = r"\d{1,2}[.:]\d{2}"
_DATES_AND_TIMES = re.compile(rf"(?:{_DATE}|{_TIME})(?:\s*[-/ ]\s*(?:{_DATE}|{_TIME}))*")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_YEARS = re.compile(r"(?:(?:19|20)\d\d[\s/-]+)+(?:19|20)\d\d")
_PAYMENT_PHRASES = (
    # English: asking for money, and the ways it is sent
    "send me money", "send me some money", "send me the money", "send me cash", "lend me money",
    "lend me some money", "can you lend me", "could you lend me", "give me money", "wire me",
    "bank transfer", "wire transfer", "money transfer", "western union", "moneygram",
    "money gram", "paypal", "venmo", "cash app", "cashapp", "zelle", "revolut", "gift card*",
    "itunes card", "steam card", "google play card", "bitcoin*", "btc", "usdt", "crypto wallet",
    "iban", "bank details", "account number", "sort code", "routing number", "card number",
    "card details", "cvv",
    # Italian
    "mandami soldi", "mandami dei soldi", "mandami i soldi", "mandami denaro",
    "mandami del denaro", "inviami soldi", "inviami dei soldi", "prestami soldi",
    "prestami dei soldi", "prestarmi soldi", "prestarmi dei soldi", "mi presti soldi",
    "mi presti dei soldi", "mi puoi prestare", "mi presteresti", "dammi soldi", "dammi dei soldi",
    "bonifico", "bonifici", "ricarica", "ricariche", "ricaricami", "ricaricarmi", "postepay",
    "satispay", "carta prepagata", "numero di carta", "numero della carta", "dati della carta",
    "codice iban", "coordinate bancarie", "buono regalo", "buoni regalo", "vaglia postale",
)  # fmt: skip
_PAYMENT = PhraseMatcher.build([_PAYMENT_PHRASES])


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _word_before(text: str, end: int, allowed: str = "") -> int:
    """Where the word (letters, digits and `allowed`) that ends at `end` starts."""
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in allowed):
        start -= 1
    return start


def _emails(text: str) -> tuple[str, bool]:
    """The text with e-mail addresses blanked out, and whether there were any."""
    found = False
    if "@" in text:
        for match in reversed(list(_EMAIL.finditer(text))):
            start = _word_before(text, match.start(), "._+-")
            if start < match.start():
                text, found = text[:start] + " " + text[match.end() :], True
    lowered = text.lower()
    if len(lowered) == len(text) and (
        "[" in text or "(" in text or " at " in lowered or " chiocciola " in lowered
    ):
        for match in reversed(list(_SPELLED_EMAIL.finditer(lowered))):
            before = text[: match.start()].rstrip(" ")
            if before and before[-1].isalnum():
                text, found = text[: match.start()] + " " + text[match.end() :], True
    return text, found


def _links(text: str) -> tuple[str, bool]:
    """The text with links blanked out (up to the next space), and whether there were any."""
    count = 0
    if "://" in text or "www." in text.lower():
        text, count = _SCHEME.subn(" ", text)
    spans: list[tuple[int, int]] = []
    for match in _TELEGRAM.finditer(text):
        start = _word_before(text, match.start())
        if text[start : match.start()].lower() in ("t", "wa", "telegram"):
            spans.append((start, match.end()))
    for match in _DOMAIN_END.finditer(text):
        if match["tld"].lower() not in _TLDS:
            continue
        start = _word_before(text, match.start(), ".-")
        domain = text[start : match.start()]
        if not domain or domain[0] in ".-" or domain[-1] in ".-" or ".." in domain:
            continue
        if start > 0 and text[start - 1] in "@/\\":
            continue
        if match["tld"][0].isupper() and not domain.isupper():
            continue  # "it.It was late": a sentence after a missing space, not a domain
        spans.append((start, match.end()))
    for start, end in sorted(spans, reverse=True):
        end = len(text) if (space := _SPACE.search(text, end)) is None else space.start()
        text = text[:start] + " " + text[end:]
    return text, bool(count or spans)


def _ascii_digit(match: re.Match[str]) -> str:
    return str(int(match.group()))


def _is_iban(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    return 15 <= len(compact) <= 34 and sum(char.isdigit() for char in compact[4:]) >= 8


def _is_card(candidate: str) -> bool:
    digits = "".join(char for char in candidate if char.isdigit())
    return 13 <= len(digits) <= 19 and _luhn(digits)


def _is_phone(candidate: str) -> bool:
    digits = sum(char.isdigit() for char in candidate)
    if not 8 <= digits <= 15:
        return False
    bare = candidate.strip(" ()")
    return not (
        _DATES_AND_TIMES.fullmatch(bare) or _THOUSANDS.fullmatch(bare) or _YEARS.fullmatch(bare)
    )


def contact_sharing(text: str) -> frozenset[ContactKind]:
    """The kinds of contact details (or payment requests) in a text; empty when none.

    Each kind is looked for, then blanked out before the next: an e-mail address is not also a
    link, and a card number or an IBAN is not also a phone number.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    found: set[ContactKind] = set()
    if _PAYMENT.find(normalize(text)):
        found.add(ContactKind.PAYMENT)
    text, emails = _emails(text)
    if emails:
        found.add(ContactKind.EMAIL)
    text, links = _links(text)
    if links:
        found.add(ContactKind.LINK)
    for match in _USERNAME.finditer(text):
        if match.start() == 0 or not (
            text[match.start() - 1].isalnum() or text[match.start() - 1] in "@_"
        ):
            found.add(ContactKind.USERNAME)
            break
    if not text.isascii():  # other scripts' digits (٣٣٣...) count as digits too
        text = _UNICODE_DIGIT.sub(_ascii_digit, text)
    if sum(map(text.count, _ASCII_DIGITS)) < 8:
        return frozenset(found)  # too few digits for a phone, card or IBAN: the common case
    for pattern, is_payment, back in ((_IBAN, _is_iban, 2), (_CARD, _is_card, 0)):
        for match in pattern.finditer(text):
            candidate = text[match.start() - back : match.end()]
            if is_payment(candidate):
                found.add(ContactKind.PAYMENT)
                text = text.replace(candidate, " ")
    if any(_is_phone(match.group()) for match in _PHONE.finditer(text)):
        found.add(ContactKind.PHONE)
    return frozenset(found)
