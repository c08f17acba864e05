"""Fold typed text for lookups: case, accents, punctuation and Unicode digits do not matter."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ascii_digits", "fold", "place_key", "place_keys"]

_DROP = str.maketrans({"'": "", "\u2019": "", ".": " ", "_": " ", "-": " ", ",": " "})


def fold(text: str) -> str:
    """Lower-case and strip accents, keeping the text's shape otherwise ("Bèrgamo" → "bergamo")."""
    if text.isascii():
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2212", "-"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def place_key(text: str) -> str:
    """Normalise a place name: folded, punctuation and underscores as single spaces."""
    return " ".join(fold(text).translate(_DROP).split())


def ascii_digits(text: str) -> str:
    """Replace any Unicode decimal digit with its ASCII form ("١٨" → "18")."""
    return "".join(str(d) if (d := unicodedata.decimal(c, None)) is not None else c for c in text)


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_APOSTROPHES = re.compile("['\u2019]")
_SEPARATORS = re.compile(r"[._,-]")
_SPACES = re.compile(r"[^\S\n]+")
_EDGE_SPACES = re.compile(r"^ | $", re.MULTILINE)


def place_keys(names: list[str]) -> list[str]:
    """`place_key` of many names at once, folding them as one text (fast for a data set)."""
    blob = "\n".join(name.replace("\n", " ") for name in names)
    if not blob.isascii():
        blob = unicodedata.normalize("NFKD", blob.replace("\u2212", "-"))
        blob = _COMBINING.sub("", blob)
    blob = _SEPARATORS.sub(" ", _APOSTROPHES.sub("", blob.casefold()))
    return _EDGE_SPACES.sub("", _SPACES.sub(" ", blob)).split("\n")
