"""Compiled inner loops of candidate retrieval.

A query form's coverage adds up, per listed form, a few hundred to a few thousand (listed form,
similarity) entries. Written with numpy it was some fifty vectorised calls per query form, and
their call overhead cost more than the arithmetic (warm, a query took 0.34 ms with them and
0.24 ms with this). numba, which compiles numeric loops over numpy arrays, makes it one call.
The compiled code is cached next to this file (numba's ``cache=True``), so only the first
process on a machine compiles it.

The arithmetic is float32 throughout, with float32 constants, in the order the numpy code added
in (its bounds and this kernel's were bitwise equal on the benchmark's 10,000 queries).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np
import numpy.typing as npt
from numba import njit

from accord.screening.names import JOINED_PAIR_MIN

_F32 = np.float32
_HALF, _TWO, _ZERO, _ONE, _EPS = _F32(0.5), _F32(2.0), _F32(0.0), _F32(1.0), _F32(1e-6)
_JOIN = _F32(JOINED_PAIR_MIN)
_MARGIN = 1e-4  # float32 sums round: leave out only forms clearly below the floor

Ints = npt.NDArray[np.int32]
Floats = npt.NDArray[np.float32]


def _cover(
    forms: Ints,
    sims: Floats,
    listed_w: Floats,
    part_word: Ints,
    part_factor: Floats,
    part_end: npt.NDArray[np.int64],
    word_weight: Floats,
    syllabic: bool,
    joins: bool,
    costs: Floats,
    form_weight: Floats,
    scratch: Floats,
    seen: Ints,
) -> tuple[Ints, Floats]:
    """Per listed form reached, the coverage of one query form (see ``Retriever._coverage_one``).

    ``forms``/``sims``/``listed_w``: the expansions' entries, part after part; a part is one
    expansion reaching one query word (its own, or a joined pair it belongs to), ``part_word``
    its word (parts of a word are adjacent), ``part_factor`` the share of the listed weight it
    stands for (1 for the word's own, 0.5 for a pair), ``part_end`` where its entries end.
    ``joins``: words written as one on one side and apart on the other count only from the
    similarity at which the comparison pairs them (JOINED_PAIR_MIN, ``names._join_leftovers``
    and names compared without spaces): the entries of a query word pair, and those of a
    listed word pair, whose ``listed_w`` is negated (``Retriever.listed_weight``). ``costs``:
    the initials' similarity to add, the initials' query weight, their count, the query's
    total weight, the query and listed costs per unmatched weight, and the floor: forms covered
    less are left out. ``scratch`` (four float32 rows of zeros, a value per listed form) is
    left zeroed for the next call; ``seen`` (one int32 per listed form) is working space.
    """
    init_add, initials, n_initials, total, q_cost, l_cost, floor = (
        costs[0], costs[1], costs[2], costs[3], costs[4], costs[5], costs[6],
    )  # fmt: skip
    best, best_w, num, acc_w = scratch[0], scratch[1], scratch[2], scratch[3]
    size = forms.size
    every = np.empty(size, np.int32)
    terms = np.empty(size, np.float32)
    weights = np.empty(size, np.float32)
    words = np.empty(size, np.int32)
    kept = np.empty(size, np.int64)
    n_every = 0
    n_parts = part_word.size
    # Words reaching so many forms that only forms other words reach as well can pass: those
    # their entries add to; the others are left out unvisited (``acc_w`` marks the forms the
    # other words reach, and is zeroed again below).
    common = _COMMON_WORDS(
        listed_w, part_word, part_factor, part_end, word_weight, init_add, initials, n_initials,
        total, q_cost, floor,
    )  # fmt: skip
    _MARK(forms, part_word, part_end, common, acc_w, _ONE)
    p = 0
    k = 0
    while p < n_parts:
        # One query word: the best similarity and listed weight per listed form over its parts.
        word = part_word[p]
        probe = common[word]
        n_kept = 0
        while p < n_parts and part_word[p] == word:
            factor = part_factor[p]
            pair = factor < _ONE
            while k < part_end[p]:
                f = forms[k]
                lw = listed_w[k]
                if (joins and (pair or lw < _ZERO) and sims[k] < _JOIN) or (
                    probe and acc_w[f] == _ZERO
                ):
                    k += 1
                    continue
                if sims[k] > best[f]:
                    best[f] = sims[k]
                w = (lw if lw > _ZERO else -lw) * factor
                if w > best_w[f]:
                    best_w[f] = w
                kept[n_kept] = k
                n_kept += 1
                k += 1
            p += 1
        # Each form once, in the order of its last entry.
        for i in range(n_kept):
            seen[forms[kept[i]]] = i
        weight = word_weight[word]
        for i in range(n_kept):
            f = forms[kept[i]]
            if seen[f] == i:
                s = best[f]
                if syllabic:
                    s = s * s
                every[n_every] = f
                terms[n_every] = s * ((best_w[f] + weight) * _HALF)
                weights[n_every] = best_w[f]
                words[n_every] = word
                n_every += 1
                best[f] = _ZERO
                best_w[f] = _ZERO
    _MARK(forms, part_word, part_end, common, acc_w, _ZERO)
    # Per listed form: the matched pairs' weighted similarity, the query and listed weight
    # they cover (``best`` holds the query weight now that it is free again).
    q_w = best
    for k in range(n_every):
        f = every[k]
        num[f] += terms[k]
        acc_w[f] += weights[k]
        q_w[f] += word_weight[words[k]]
    for k in range(n_every):
        seen[every[k]] = k
    out = np.empty(n_every, np.int32)
    cov = np.empty(n_every, np.float32)
    m = 0
    for k in range(n_every):
        f = every[k]
        if seen[f] != k:
            continue
        got = num[f] + init_add
        matched_q = q_w[f] + initials
        matched_l = acc_w[f] + n_initials
        den = (
            (matched_q + matched_l) / _TWO
            + q_cost * max(total - matched_q, _ZERO)
            + l_cost * max(form_weight[f] - matched_l, _ZERO)
        )
        c = got / max(den, _EPS)
        if c >= floor:
            out[m] = f
            cov[m] = c if c < _ONE else _ONE
            m += 1
        num[f] = _ZERO
        acc_w[f] = _ZERO
        q_w[f] = _ZERO
    return out[:m], cov[:m]


def _common_words(
    listed_w: Floats,
    part_word: Ints,
    part_factor: Floats,
    part_end: npt.NDArray[np.int64],
    word_weight: Floats,
    init_add: np.float32,
    initials: np.float32,
    n_initials: np.float32,
    total: np.float32,
    q_cost: np.float32,
    floor: np.float32,
) -> npt.NDArray[np.bool_]:
    """The words, most entries first, that together cannot lift a form to ``floor``: the form
    such words alone reach at best matches each with similarity 1 and its heaviest listed word
    (``cover``'s sum and denominator, with these upper values, and the words' own weight as
    the only query weight matched). As more matched weight only raises that bound, any form
    they alone reach is below it."""
    n_words = word_weight.size
    count = np.zeros(n_words, np.int64)
    heaviest = np.zeros(n_words, np.float32)
    k = 0
    for p in range(part_word.size):
        word = part_word[p]
        count[word] += part_end[p] - k
        while k < part_end[p]:
            w = (listed_w[k] if listed_w[k] > _ZERO else -listed_w[k]) * part_factor[p]
            if w > heaviest[word]:
                heaviest[word] = w
            k += 1
    common = np.zeros(n_words, np.bool_)
    half_sum = 0.0  # (query + listed weight) / 2 of the words taken
    query = 0.0
    fixed = (initials + n_initials) / 2.0
    for word in np.argsort(-count):
        if count[word] == 0:
            break
        half_sum_next = half_sum + (heaviest[word] + word_weight[word]) / 2.0
        query_next = query + word_weight[word]
        den = half_sum_next + fixed + q_cost * max(total - query_next - initials, 0.0)
        if (half_sum_next + init_add) / max(den, 1e-6) >= floor - _MARGIN:
            break
        common[word] = True
        half_sum, query = half_sum_next, query_next
    return common


def _mark(
    forms: Ints,
    part_word: Ints,
    part_end: npt.NDArray[np.int64],
    common: npt.NDArray[np.bool_],
    marks: Floats,
    value: np.float32,
) -> None:
    """Set ``marks`` to ``value`` at the forms the words not ``common`` reach."""
    k = 0
    for p in range(part_word.size):
        if not common[part_word[p]]:
            for i in range(k, part_end[p]):
                marks[forms[i]] = value
        k = part_end[p]


# numba's decorator is untyped: the compiled functions keep the Python functions' signatures.
_MARK = cast(Callable[..., None], njit(cache=True, nogil=True)(_mark))
_COMMON_WORDS = cast(
    Callable[..., npt.NDArray[np.bool_]], njit(cache=True, nogil=True)(_common_words)
)
cover = cast(Callable[..., tuple[Ints, Floats]], njit(cache=True, nogil=True)(_cover))


def load() -> None:
    """Compile the kernels, or load them from numba's cache (about 0.3 s), now rather than
    at the first query."""
    ints, floats = np.zeros(1, np.int32), np.zeros(1, np.float32)
    cover(
        ints[:0], floats[:0], floats[:0], ints[:0], floats[:0], np.zeros(0, np.int64),
        floats, False, False, np.zeros(7, np.float32), floats, np.zeros((4, 1), np.float32), ints,
    )  # fmt: skip
