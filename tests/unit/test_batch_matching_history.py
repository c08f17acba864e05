"""Batch matching never suggests a couple that ended or declined before (issue 13, defect 7):
`excluded` couples are left out, and the draft is still the optimum over what is left."""

from __future__ import annotations

import itertools
import random
from collections.abc import Collection, Sequence

import pytest

from bot.core.matching import Profile, score
from bot.services.batch_matching import assign, greedy
from tests.unit.test_batch_matching import check, cohort


def optimum_without(
    mentees: Sequence[Profile], mentors: Sequence[Profile], excluded: Collection[tuple[int, int]]
) -> float:
    """The best total by brute force, with the excluded couples impossible."""
    slots = [m for m in mentors if m.eligible for _ in range(max(0, m.free_capacity))]
    best = 0.0
    options: list[list[int | None]] = [[None, *range(len(slots))] for _ in mentees]
    for choice in itertools.product(*options):
        used = [k for k in choice if k is not None]
        if len(used) != len(set(used)):
            continue
        total = 0.0
        for e, k in zip(mentees, choice, strict=True):
            if k is None:
                continue
            value = score(e, slots[k])
            if value is None or (e.id, slots[k].id) in excluded:
                break
            total += value
        else:
            best = max(best, total)
    return best


@pytest.mark.parametrize("seed", range(12))
def test_excluded_couples_are_never_suggested_and_the_rest_is_optimal(seed: int) -> None:
    mentees, mentors = cohort(seed, 5, 3)
    mentors = [m for m in mentors if m.free_capacity > 0][:3] or mentors[:1]
    free = assign(mentees, mentors)
    rng = random.Random(seed)
    excluded = {(e, m) for e, m, _ in free.pairs if rng.random() < 0.7}
    excluded |= {(mentees[0].id, m.id) for m in mentors}  # one mentee excluded from everyone
    result = assign(mentees, mentors, excluded=excluded)
    check(result, mentees, mentors)
    assert not {(e, m) for e, m, _ in result.pairs} & excluded
    assert mentees[0].id in result.unassigned
    assert result.optimal
    assert result.total_score == pytest.approx(optimum_without(mentees, mentors, excluded))
    baseline = greedy(mentees, mentors, excluded)
    assert not {(e, m) for e, m, _ in baseline.pairs} & excluded
    assert baseline.total_score <= result.total_score + 1e-9


def test_exclusions_of_people_outside_the_cohort_change_nothing() -> None:
    mentees, mentors = cohort(3, 30, 12)
    assert assign(mentees, mentors, excluded={(99_999, 1000), (1, 99_999)}) == assign(
        mentees, mentors
    )


def test_excluding_every_couple_of_a_large_cohort_pairs_no_one() -> None:
    mentees, mentors = cohort(4, 120, 50)
    everything = {(e.id, m.id) for e in mentees for m in mentors}
    result = assign(mentees, mentors, excluded=everything, top_k=3)
    assert result.pairs == () and result.optimal
