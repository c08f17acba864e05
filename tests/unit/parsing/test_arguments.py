"""Tests for bot.core.parsing.arguments: the words after a command."""

from __future__ import annotations

import pytest

from bot.core.parsing.arguments import (
    BadShape,
    Fields,
    UnreadableArguments,
    Words,
    nothing,
    page_number,
    pair_ref,
    person_id,
    report_ref,
    split_arguments,
    whole_number,
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", []),
        ("   ", []),
        ("#12", ["#12"]),
        ('"Mia Rossi" #12', ["Mia Rossi", "#12"]),
        ("ban 123 spam  and more", ["ban", "123", "spam", "and", "more"]),
        ("'O Neill' x", ["O Neill", "x"]),
    ],
)
def test_split_arguments(text: str, words: list[str]) -> None:
    assert split_arguments(text) == words


def test_an_unclosed_quote_is_unreadable() -> None:
    with pytest.raises(UnreadableArguments):
        split_arguments('"Mia Rossi')
    assert issubclass(UnreadableArguments, ValueError)


@pytest.mark.parametrize(
    ("word", "number"),
    [("12", 12), ("0", 0), ("١٢", 12), ("", None), ("-1", None), ("12a", None), ("²", None)],
)
def test_whole_number(word: str, number: int | None) -> None:
    assert whole_number(word) == number


@pytest.mark.parametrize(
    ("word", "ref"),
    [("#12", 12), ("#0", 0), ("12", None), ("#", None), ("#x", None), ("Mia", None)],
)
def test_pair_ref(word: str, ref: int | None) -> None:
    assert pair_ref(word) == ref


@pytest.mark.parametrize(
    ("word", "ref"), [("#7", 7), ("7", 7), ("##7", 7), ("#", None), ("seven", None)]
)
def test_report_ref(word: str, ref: int | None) -> None:
    assert report_ref(word) == ref


@pytest.mark.parametrize(
    ("word", "user_id"),
    [("123", 123), ("-100123", -100123), ("--5", None), ("-", None), ("Mia", None), ("#12", None)],
)
def test_person_id(word: str, user_id: int | None) -> None:
    assert person_id(word) == user_id


@pytest.mark.parametrize(("word", "index"), [("1", 0), ("3", 2), ("0", -1), ("x", None)])
def test_page_number_counts_from_one(word: str, index: int | None) -> None:
    assert page_number(word) == index


@pytest.mark.parametrize(
    ("shape", "text", "read"),
    [
        (Words(), "", []),
        (Words(1, 1), '"Mia Rossi"', ["Mia Rossi"]),
        (Words(2), "P1 spam and more", ["P1", "spam", "and", "more"]),
        (Words(0, 1), "college", ["college"]),
        (Fields(3), "college all Hello  everyone ", ["college", "all", "Hello  everyone "]),
        (Fields(3), 'college all "unclosed', ["college", "all", '"unclosed']),
        (nothing, "  ", []),
    ],
)
def test_a_shape_reads_its_arguments(shape: object, text: str, read: list[str]) -> None:
    assert callable(shape) and shape(text) == read


@pytest.mark.parametrize(
    ("shape", "text", "problem"),
    [
        (Words(1, 1), "", ""),
        (Words(1, 1), "a b", ""),
        (Words(2, problem="Give a reason."), "P1", "Give a reason."),
        (Words(2, 2, problem="Two."), "a b c", ""),  # too many: the usage line alone
        (Fields(3, problem="Three."), "college all", "Three."),
        (nothing, "x", ""),
    ],
)
def test_a_bad_shape_says_its_problem(shape: object, text: str, problem: str) -> None:
    assert callable(shape)
    with pytest.raises(BadShape) as refused:
        shape(text)
    assert refused.value.problem == problem


def test_words_cannot_read_an_unclosed_quote() -> None:
    with pytest.raises(UnreadableArguments):
        Words()('"Mia Rossi')
