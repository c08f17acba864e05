"""Batch matching: pair a whole cohort of mentees with mentors at once, into a draft that staff
review (DESIGN.md, Matching, mode c).

`assign` maximises the total score (`bot.core.matching.score`) over the pool, never giving a
mentor more mentees than their free places, each mentee at most one mentor, only compatible
pairs; `greedy` is the baseline (best remaining pair first).

How `assign` stays exact and fast on thousands of people:
- scores are computed with numpy for blocks of mentees at once, with exactly the arithmetic of
  `score` (a unit test checks they are bit-for-bit equal);
- each mentor becomes `free_capacity` slot columns; each mentee keeps only the edges to its
  `top_k` best mentors, plus the edge the greedy solution gives it, so the optimum over this
  graph is never worse than greedy; each mentee also gets a private "unmatched" column that
  costs more than any real edge, so a full matching always exists; scipy's sparse
  Jonker-Volgenant solver (`min_weight_full_bipartite_matching`) minimises the total BIG - score;
- the result is then proven optimal over *every* compatible pair by linear-programming duality:
  mentor prices are computed from the solution (longest "move a mentee" paths, Bellman-Ford),
  and any dropped pair that would beat its mentee's share plus its mentor's price is added back
  and the graph solved again. When no such pair is left the draft is marked `optimal`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from bot.core.matching import (
    DAY_HOURS,
    FLOOR,
    TZ_FAR_HOURS,
    TZ_NEAR_HOURS,
    W_CAPACITY,
    W_EXPERIENCES,
    W_GOALS,
    W_INTERESTS,
    W_TIME_ZONE,
    Profile,
    score,
)

TOP_K = 40  # edges kept per mentee for the first solve
BLOCK_CELLS = 2_000_000  # mentee × mentor score cells computed at once (bounds memory)
BIG = 101.0  # larger than any score, so every cost BIG - score is > 0
UNMATCHED_COST = BIG  # an unmatched mentee scores 0: worse than any real pair (score >= 1)
MAX_ROUNDS = 8  # solves before giving up the optimality proof (2-4 are typical)
TOLERANCE = 1e-9  # score units: float noise, far below any real difference between pairs
REFILL_MARGIN = 3.0  # when the proof fails, also add back pairs this close to improving

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Index = NDArray[np.int32]  # mentee or mentor positions of the (many) edges
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class Assignment:
    """A draft: (mentee id, mentor id, score) pairs by mentee id, the mentees left without a
    mentor (by id), and the sum of the scores."""

    pairs: tuple[tuple[int, int, float], ...]
    unassigned: tuple[int, ...]
    total_score: float
    optimal: bool = False  # proven to have the largest possible total score

    @property
    def matched(self) -> int:
        """How many mentees got a mentor."""
        return len(self.pairs)


@dataclass(frozen=True)
class _Edges:
    """Compatible (mentee, mentor) index pairs of a cohort with their scores, ordered by
    mentee index then mentor index."""

    rows: Index
    cols: Index
    scores: Floats

    def slack(self, share: Floats, price: Floats) -> Floats:
        """How much each edge's score exceeds its mentee's share plus its mentor's price."""
        return self.scores - share[self.rows] - price[self.cols]


class _Cohort:
    """Mentees and the mentors who can take someone, sorted by id, encoded as arrays."""

    def __init__(
        self,
        mentees: Sequence[Profile],
        mentors: Sequence[Profile],
        excluded: Collection[tuple[int, int]] = (),
    ) -> None:
        for side, people in (("mentee", mentees), ("mentor", mentors)):
            if len({p.id for p in people}) != len(people):
                raise ValueError(f"two {side} profiles have the same id")
        self.mentees = sorted(mentees, key=lambda p: p.id)
        self.mentors = sorted(
            (m for m in mentors if m.eligible and m.free_capacity > 0 and m.program),
            key=lambda p: p.id,
        )
        self.capacity: Ints = np.array([m.free_capacity for m in self.mentors], dtype=np.int64)
        programs = {code: i for i, code in enumerate(sorted({m.program for m in self.mentors}))}
        self.mentee_program = np.array([programs.get(p.program, -1) for p in self.mentees])
        self.mentor_program = np.array([programs[m.program] for m in self.mentors])
        # few distinct offsets: time-zone points as a table, offset index × offset index
        offsets, zone = np.unique(
            [p.utc_offset_hours for p in (*self.mentees, *self.mentors)], return_inverse=True
        )
        self.mentee_zone = zone[: len(self.mentees)]
        self.mentor_zone = zone[len(self.mentees) :]
        self.zone_points = W_TIME_ZONE * _closeness(offsets.astype(np.float64))
        self.capacity_points = W_CAPACITY * (self.capacity / (self.capacity + 1.0))
        self.fields = [
            (weight, *_choices(self.mentees, self.mentors, name))
            for weight, name in (
                (W_GOALS, "goals"),
                (W_INTERESTS, "interests"),
                (W_EXPERIENCES, "experiences"),
            )
        ]
        self.languages = _choices(self.mentees, self.mentors, "languages")
        row = {p.id: i for i, p in enumerate(self.mentees)}
        col = {m.id: j for j, m in enumerate(self.mentors)}
        cells = sorted((row[a], col[b]) for a, b in excluded if a in row and b in col)
        self.excluded_rows: Ints = np.array([r for r, _ in cells], dtype=np.int64)
        self.excluded_cols: Ints = np.array([c for _, c in cells], dtype=np.int64)

    def scores(self, start: int, stop: int) -> Floats:
        """Scores of mentees [start, stop) × every mentor, -inf where incompatible. Same
        operations in the same order as `bot.core.matching.score`, so the same floats."""
        rows = slice(start, stop)
        total: Floats = np.full((stop - start, len(self.mentors)), FLOOR)
        for weight, mentee_sets, mentor_sets in self.fields:
            chosen = mentee_sets[rows].sum(axis=1, keepdims=True)
            shared = mentee_sets[rows] @ mentor_sets.T
            share = np.divide(shared, chosen, out=np.zeros_like(shared), where=chosen > 0)
            total += weight * share
        total += self.zone_points[self.mentee_zone[rows]][:, self.mentor_zone]
        total += self.capacity_points[None, :]
        mentee_langs, mentor_langs = self.languages
        ok = (mentee_langs[rows] @ mentor_langs.T) > 0
        ok &= self.mentee_program[rows, None] == self.mentor_program[None, :]
        total[~ok] = -np.inf
        lo, hi = np.searchsorted(self.excluded_rows, [start, stop])
        total[self.excluded_rows[lo:hi] - start, self.excluded_cols[lo:hi]] = -np.inf
        return total

    def edges(self, top_k: int | None) -> tuple[_Edges, Mask]:
        """Every compatible edge, and a mask of the edges among each mentee's `top_k` best
        (all of them when `top_k` is None or covers every mentor)."""
        m = len(self.mentors)
        block = max(1, BLOCK_CELLS // max(1, m))
        parts: list[tuple[Index, Index, Floats, Mask]] = []
        for start in range(0, len(self.mentees), block):
            stop = min(start + block, len(self.mentees))
            s = self.scores(start, stop)
            keep = np.isfinite(s)
            best = np.ones_like(keep)
            if top_k is not None and top_k < m:
                best = np.zeros_like(keep)
                top = np.argpartition(-s, top_k - 1, axis=1)[:, :top_k]
                np.put_along_axis(best, top, True, axis=1)
            r, c = np.nonzero(keep)
            parts.append(((r + start).astype(np.int32), c.astype(np.int32), s[r, c], best[r, c]))
        if not parts:
            empty = np.zeros(0, dtype=np.int32)
            return _Edges(empty, empty, np.zeros(0)), np.zeros(0, dtype=np.bool_)
        edges = _Edges(*(np.concatenate([p[k] for p in parts]) for k in range(3)))
        return edges, np.concatenate([p[3] for p in parts])

    def assignment(self, edges: _Edges, picked: Ints, *, optimal: bool = False) -> Assignment:
        """The draft made of the picked edges, with exact scores."""
        rows, cols = edges.rows[picked].tolist(), edges.cols[picked].tolist()
        pairs = []
        for r, c in sorted(zip(rows, cols, strict=True)):
            value = score(self.mentees[r], self.mentors[c])
            assert value is not None, "only compatible pairs are chosen"
            pairs.append((self.mentees[r].id, self.mentors[c].id, value))
        matched = set(rows)
        unassigned = tuple(p.id for i, p in enumerate(self.mentees) if i not in matched)
        return Assignment(tuple(pairs), unassigned, math.fsum(p[2] for p in pairs), optimal)


def _closeness(offsets: Floats) -> Floats:
    """`time_zone_closeness(hours_apart(a, b))` for every two offsets, with the same floats."""
    apart = np.abs(offsets[:, None] - offsets[None, :]) % DAY_HOURS
    apart = np.minimum(apart, DAY_HOURS - apart)
    between = (TZ_FAR_HOURS - apart) / (TZ_FAR_HOURS - TZ_NEAR_HOURS)
    far: Floats = np.where(apart >= TZ_FAR_HOURS, 0.0, between)
    return np.where(apart <= TZ_NEAR_HOURS, 1.0, far)


def _choices(
    mentees: Sequence[Profile], mentors: Sequence[Profile], name: str
) -> tuple[Floats, Floats]:
    """0/1 matrices (people × option ids) of one profile field, for both sides."""
    vocabulary: dict[str, int] = {}
    for person in (*mentees, *mentors):
        for option in sorted(getattr(person, name)):
            vocabulary.setdefault(option, len(vocabulary))

    def encode(people: Sequence[Profile]) -> Floats:
        matrix = np.zeros((len(people), max(1, len(vocabulary))))
        for i, person in enumerate(people):
            for option in getattr(person, name):
                matrix[i, vocabulary[option]] = 1.0
        return matrix

    return encode(mentees), encode(mentors)


def _greedy_pick(edges: _Edges, n_mentees: int, capacity: Ints) -> Ints:
    """Indices of the edges greedy takes: by score descending (ties: mentee, then mentor
    index), an edge is taken when its mentee is unmatched and its mentor has a free place."""
    order = np.argsort(-edges.scores, kind="stable")  # edges come sorted by (mentee, mentor)
    free_mentee = np.ones(n_mentees, dtype=np.bool_)
    left = capacity.copy()
    taken: list[int] = []
    places = int(left.sum())
    start, size = 0, 1024
    while start < len(order) and len(taken) < min(n_mentees, places):
        chunk = order[start : start + size]
        start += size
        size = min(size * 2, 1 << 18)
        rows, cols = edges.rows[chunk], edges.cols[chunk]
        live = free_mentee[rows] & (left[cols] > 0)
        for e, r, c in zip(
            chunk[live].tolist(), rows[live].tolist(), cols[live].tolist(), strict=True
        ):
            if free_mentee[r] and left[c] > 0:
                free_mentee[r] = False
                left[c] -= 1
                taken.append(e)
    return np.array(taken, dtype=np.int64)


def _optimal_pick(edges: _Edges, keep: Mask, n_mentees: int, capacity: Ints) -> Ints:
    """Indices of the kept edges in a maximum-total-score assignment of the kept graph."""
    kept = np.flatnonzero(keep)
    offsets = np.concatenate([[0], np.cumsum(capacity)])
    places = int(offsets[-1])
    reps = capacity[edges.cols[kept]]
    edge_of_entry = np.repeat(kept, reps)
    first = np.repeat(np.cumsum(reps) - reps, reps)
    slot = np.arange(len(edge_of_entry)) - first  # 0..capacity-1 within each edge
    rows = np.concatenate([edges.rows[edge_of_entry], np.arange(n_mentees)])
    cols = np.concatenate(
        [offsets[edges.cols[edge_of_entry]] + slot, places + np.arange(n_mentees)]
    )
    costs = np.concatenate([BIG - edges.scores[edge_of_entry], np.full(n_mentees, UNMATCHED_COST)])
    graph = csr_matrix((costs, (rows, cols)), shape=(n_mentees, places + n_mentees))
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    real = col_ind < places
    mentor = np.searchsorted(offsets, col_ind[real], side="right") - 1
    # edges are sorted by (mentee, mentor), so their keys are sorted: find each chosen pair's edge
    n_mentors = len(capacity)
    keys = edges.rows.astype(np.int64) * n_mentors + edges.cols
    found: Ints = np.searchsorted(keys, row_ind[real].astype(np.int64) * n_mentors + mentor)
    return found.astype(np.int64)


def _duals(
    edges: _Edges, keep: Mask, picked: Ints, capacity: Ints, n_mentees: int
) -> tuple[Floats, Floats] | None:
    """Mentee shares and mentor prices proving `picked` optimal over the kept edges, or None
    when no proof can be built (float trouble). A dropped edge scoring more than its mentee's
    share plus its mentor's price could improve the total; none such proves `picked` optimal.

    LP dual of the assignment: a share u >= 0 per mentee, a price v >= 0 per mentor, with
    u[i] + v[j] >= score(i, j) for every pair; u[i] > 0 only for matched mentees and v[j] > 0
    only for full mentors. The least prices satisfying the kept edges are longest paths where
    moving mentee i from mentor k to mentor j gains score(i, j) - score(i, k)."""
    n_mentors = len(capacity)
    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    own = np.zeros(n_mentees)
    mentor_of[edges.rows[picked]] = edges.cols[picked]
    own[edges.rows[picked]] = edges.scores[picked]
    others = keep.copy()
    others[picked] = False
    idx = np.flatnonzero(others)
    rows, cols, scores = edges.rows[idx], edges.cols[idx], edges.scores[idx]
    unmatched = mentor_of[rows] < 0
    price = np.zeros(n_mentors)
    np.maximum.at(price, cols[unmatched], scores[unmatched])
    movers = rows[~unmatched]
    src, dst, gain = mentor_of[movers], cols[~unmatched], scores[~unmatched] - own[movers]
    for _ in range(n_mentors + 1):
        raised = price.copy()
        np.maximum.at(raised, dst, price[src] + gain)
        if not (raised > price + TOLERANCE).any():
            break
        price = raised
    else:
        return None
    load = np.bincount(edges.cols[picked], minlength=n_mentors)
    share = np.where(mentor_of >= 0, own - price[np.maximum(mentor_of, 0)], 0.0)
    if (price[load < capacity] > TOLERANCE).any() or (share < -TOLERANCE).any():
        return None
    return share, price


def greedy(
    mentees: Sequence[Profile],
    mentors: Sequence[Profile],
    excluded: Collection[tuple[int, int]] = (),
) -> Assignment:
    """The baseline: every compatible pair by score descending (ties by mentee id, then mentor
    id); a pair is taken when the mentee is still unmatched and the mentor has a free place.
    `excluded` (mentee id, mentor id) couples are never paired."""
    cohort = _Cohort(mentees, mentors, excluded)
    edges, _ = cohort.edges(top_k=None)
    return cohort.assignment(edges, _greedy_pick(edges, len(cohort.mentees), cohort.capacity))


def assign(
    mentees: Sequence[Profile],
    mentors: Sequence[Profile],
    *,
    excluded: Collection[tuple[int, int]] = (),
    top_k: int = TOP_K,
) -> Assignment:
    """The assignment with the largest total score (see the module docstring for the method):
    at most one mentor per mentee, at most `free_capacity` mentees per mentor, only compatible
    pairs, never an `excluded` (mentee id, mentor id) couple (they ended or declined before:
    `MatchingRepository.history`); mentees who cannot be matched are left unassigned. Never
    worse than `greedy`; `optimal` is True once the optimality proof succeeded (within
    MAX_ROUNDS solves)."""
    if top_k < 1:
        raise ValueError("top_k must be at least 1")
    cohort = _Cohort(mentees, mentors, excluded)
    n = len(cohort.mentees)
    edges, keep = cohort.edges(top_k)
    baseline = _greedy_pick(edges, n, cohort.capacity)
    fallback = cohort.assignment(edges, baseline)
    if len(edges.rows) == 0:
        return replace(fallback, optimal=True)  # nobody can be paired
    keep[baseline] = True
    proven = False
    for _ in range(MAX_ROUNDS):
        picked = _optimal_pick(edges, keep, n, cohort.capacity)
        duals = _duals(edges, keep, picked, cohort.capacity, n)
        if duals is None:
            break
        slack = edges.slack(*duals)
        if not ((slack > TOLERANCE) & ~keep).any():
            proven = True
            break
        keep |= slack > -REFILL_MARGIN
    best = cohort.assignment(edges, picked, optimal=proven)
    # the solver works on BIG - score in floating point: never return less than greedy
    return best if best.total_score >= fallback.total_score else replace(fallback, optimal=proven)
