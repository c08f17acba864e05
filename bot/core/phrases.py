"""Phrases found in a text, whole words only, after the same normalisation of both.

`normalize` drops case and accents and turns every run of spaces, punctuation, emoji or
underscores into one space. `PhraseMatcher` compiles lists of phrases into one regular
expression shaped as a trie (phrases share their common prefixes), so a long text is checked in
well under a millisecond: a phrase ending in `*` is a stem, and an apostrophe or a hyphen in a
phrase may be typed or left out. Used for crisis words and payment requests
(`bot.core.safety`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["PhraseMatcher", "normalize"]

_MARKS = re.compile(  # accents (and Arabic vowel signs, Hebrew points), once split from letters
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]"
)
_NON_ASCII_SEPARATOR = re.compile(r"[^\x00-\x7f](?<=\W)")  # `’`, `…`, `«`, emoji...
_WORDS = re.compile(r"[^\W_]+")
_ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
_JOINERS = re.compile("['\u2019\u02bc`\u00b4\\-\u2010\u2011\u2013]")


def normalize(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: what the phrases are matched on.

    `normalize("  Non sono   al SICURO!!! ") == "non sono al sicuro"`,
    `normalize("Suicídio…") == "suicidio"`.
    """
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
        text = _NON_ASCII_SEPARATOR.sub(" ", text)
    text = text.casefold()
    if text.isascii():  # the fast path, also for Italian once its accents are gone
        return " ".join(text.translate(_ASCII_SEPARATORS).split())
    return " ".join(_WORDS.findall(text))  # letters of other scripts


def _forms(phrase: str) -> list[str]:
    """A phrase's normalised forms, with and without its apostrophes and hyphens."""
    body = phrase.removesuffix("*").rstrip()
    return sorted({f for f in (normalize(body), normalize(_JOINERS.sub("", body))) if f})


class _Trie:
    """Normalised phrases as one regular expression that shares their common prefixes."""

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.end: bool | None = None  # a phrase ends here: True for a stem, False for a word

    def add(self, text: str, stem: bool) -> None:
        node = self
        for char in text:
            if node.end:
                return  # a shorter stem already covers everything below
            node = node.children.setdefault(char, _Trie())
        node.end = stem or bool(node.end)
        if stem:
            node.children.clear()

    def pattern(self) -> str:
        if self.end:
            return ""  # a stem: whatever follows
        parts = [
            re.escape(char) + child.pattern() for char, child in sorted(self.children.items())
        ]
        if self.end is not None:
            parts.append(r"\b")  # a whole word ends here; longer phrases are tried first
        if len(parts) == 1:
            return parts[0]
        return "(?:" + "|".join(parts) + ")"


@dataclass(frozen=True)
class PhraseMatcher:
    regex: re.Pattern[str]
    phrases: Mapping[str, str]  # matched normalised text -> phrase as written

    @classmethod
    def build(cls, phrase_lists: Iterable[tuple[str, ...]]) -> PhraseMatcher:
        trie = _Trie()
        lookup: dict[str, str] = {}
        for phrases in phrase_lists:
            for phrase in phrases:
                stem = phrase.endswith("*")
                for form in _forms(phrase):
                    trie.add(form, stem)
                    if form not in lookup or (stem and not lookup[form].endswith("*")):
                        lookup[form] = phrase  # a stem wins over the same text as a word
        # A phrase starts after a space: searched in " " + the normalised text, a pattern that
        # starts with a plain space lets the regex engine jump from space to space. Only the
        # space is consumed, so phrases may overlap ("i'm not safe at home" finds both
        # "i'm not safe" and "not safe at home").
        return cls(
            re.compile(" (?=(" + (trie.pattern() if trie.children else "(?!x)x") + "))"), lookup
        )

    def find(self, normalized: str) -> list[str]:
        """The phrases, as written, found in a text already normalised."""
        return [self.phrases[m[1]] for m in self.regex.finditer(" " + normalized)]
