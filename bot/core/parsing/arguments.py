"""Read the words after a command: shell-like splitting, pair references, ids and page numbers.

Pure tokenising only: whether a person, pair or page exists is for the caller to look up.
A number is read from decimal digits of any script ("١٢" is 12), the ones `int` reads.
"""

from __future__ import annotations

import shlex

__all__ = [
    "UnreadableArguments",
    "page_number",
    "pair_ref",
    "person_id",
    "report_ref",
    "split_arguments",
    "whole_number",
]


class UnreadableArguments(ValueError):
    """The arguments cannot be split (an unclosed quote)."""


def split_arguments(text: str) -> list[str]:
    """Split like a shell would: `"Mia Rossi" #12` gives `["Mia Rossi", "#12"]`."""
    try:
        return shlex.split(text)
    except ValueError as error:
        raise UnreadableArguments(str(error)) from None


def whole_number(word: str) -> int | None:
    """A number of zero or more written with digits only ("12"), else None."""
    return int(word) if word.isdecimal() else None


def page_number(word: str) -> int | None:
    """A page typed by a person, counted from 1 ("2" is the second page, index 1), else None."""
    number = whole_number(word)
    return number - 1 if number is not None else None


def person_id(word: str) -> int | None:
    """A Telegram id, possibly negative ("123", "-100123"), else None (a name, say)."""
    digits = word.removeprefix("-")
    number = whole_number(digits)
    if number is None:
        return None
    return -number if word.startswith("-") else number


def pair_ref(word: str) -> int | None:
    """A pair by reference: "#12" is 12; anything else (a plain number, a name) is None."""
    return whole_number(word[1:]) if word.startswith("#") else None


def report_ref(word: str) -> int | None:
    """A report by number, with or without "#" ("#7", "7"), else None."""
    return whole_number(word.lstrip("#"))
