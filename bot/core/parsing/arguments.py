"""Read the words after a command: shell-like splitting, pair references, ids and page numbers,
and the shapes a command declares for its arguments (`Words`, `Fields`, `nothing`).

Pure tokenising only: whether a person, pair or page exists is for the caller to look up.
A number is read from decimal digits of any script ("١٢" is 12), the ones `int` reads.

A shape is what a command of the registry declares as its `args`: the router reads the typed
text with it before the handler runs, and answers a bad shape with the command's usage line
(after the shape's `problem`, when it has one).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

__all__ = [
    "BadShape",
    "Fields",
    "NameAndText",
    "UnreadableArguments",
    "Words",
    "nothing",
    "page_number",
    "pair_ref",
    "person_id",
    "report_ref",
    "split_arguments",
    "typed_name",
    "whole_number",
]


class UnreadableArguments(ValueError):
    """The arguments cannot be split (an unclosed quote)."""


class BadShape(ValueError):
    """The arguments are not of the declared shape; `problem` is what to say before the usage
    line (an English msgid, translated when said; empty: the usage line alone)."""

    def __init__(self, problem: str = "") -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class Words:
    """Words split like a shell would, at least `least` and at most `most` (None: any number)
    of them. Too few says `problem` before the usage line; too many, the usage line alone."""

    least: int = 0
    most: int | None = None
    problem: str = ""

    def __call__(self, text: str) -> list[str]:
        words = split_arguments(text)
        if len(words) < self.least:
            raise BadShape(self.problem)
        if self.most is not None and len(words) > self.most:
            raise BadShape()
        return words


@dataclass(frozen=True)
class Fields:
    """`count` fields split at white space, the last one the free text after the others
    ("college all Hello  everyone" → `["college", "all", "Hello  everyone"]`); fewer says
    `problem` before the usage line."""

    count: int
    problem: str = ""

    def __call__(self, text: str) -> list[str]:
        fields = text.split(maxsplit=self.count - 1)
        if len(fields) < self.count:
            raise BadShape(self.problem)
        return fields


@dataclass(frozen=True)
class NameAndText:
    """A name (one word, or several in double quotes) and the free text after it, exactly as
    typed, apostrophes and quotes included (`"Mia Rossi" didn't reply` → `["Mia Rossi",
    "didn't reply"]`); without either says `problem` before the usage line."""

    problem: str = ""

    def __call__(self, text: str) -> list[str]:
        text = text.strip()
        if text.startswith('"'):
            end = text.find('"', 1)
            if end < 0:
                raise UnreadableArguments("no closing quotation")
            name, rest = text[1:end].strip(), text[end + 1 :]
        else:
            parts = text.split(maxsplit=1)
            name, rest = parts[0] if parts else "", parts[1] if len(parts) > 1 else ""
        rest = rest.strip()
        if len(rest) > 1 and rest[0] == rest[-1] == '"' and '"' not in rest[1:-1]:
            rest = rest[1:-1].strip()  # the whole text in quotes, as a shell would read it
        if not name or not rest:
            raise BadShape(self.problem)
        return [name, rest]


def typed_name(name: str) -> str:
    """A person's name as staff type it after a command: in double quotes when it has white
    space (`"Mia Rossi"`), so /msg, /note and /user read the whole name, not its first word."""
    name = " ".join(name.replace('"', "").split())
    return f'"{name}"' if " " in name else name


def nothing(text: str) -> list[str]:
    """No arguments at all (white space is nothing)."""
    if text.strip():
        raise BadShape()
    return []


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
