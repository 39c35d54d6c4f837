"""The compiled coverage kernel against a plain reference of the same definition."""

from __future__ import annotations

import random

import numpy as np
import pytest

from accord.screening import kernels
from accord.screening.names import JOINED_PAIR_MIN

F32 = np.float32
FORMS = 40


def _reference(
    parts: list[tuple[int, float, list[int], list[float], list[float]]],
    word_weight: list[float],
    syllabic: bool,
    joins: bool,
    costs: list[float],
    form_weight: np.ndarray,
) -> tuple[list[int], list[float]]:
    """Per query word, the best similarity and listed weight per form over its parts; then per
    form the summed terms and weights, and the bound, all in float32, forms in the order of
    their last entry, those covered at least ``floor``. A listed word pair has its weight
    negated. With ``joins``, entries of a query word pair (factor 0.5) or of a listed word pair
    count only from JOINED_PAIR_MIN."""
    init_add, initials, n_initials, total, q_cost, l_cost, floor = (F32(c) for c in costs)
    every: list[tuple[int, np.float32, np.float32, np.float32]] = []
    for word in dict.fromkeys(p[0] for p in parts):
        best: dict[int, np.float32] = {}
        best_w: dict[int, np.float32] = {}
        last: dict[int, int] = {}
        k = 0
        for _, factor, forms, sims, weights in (p for p in parts if p[0] == word):
            for f, s, w in zip(forms, sims, weights, strict=True):
                if joins and (factor < 1 or w < 0) and s < JOINED_PAIR_MIN:
                    continue
                best[f] = max(best.get(f, F32(0)), F32(s))
                best_w[f] = max(best_w.get(f, F32(0)), F32(abs(w)) * F32(factor))
                last[f] = k
                k += 1
        if not last:
            continue
        ww = F32(word_weight[word])
        for f in sorted(last, key=last.__getitem__):
            s = best[f] * best[f] if syllabic else best[f]
            every.append((f, s * ((best_w[f] + ww) * F32(0.5)), best_w[f], ww))
    num: dict[int, np.float32] = {}
    q_w: dict[int, np.float32] = {}
    l_w: dict[int, np.float32] = {}
    last_pos: dict[int, int] = {}
    for k, (f, term, weight, ww) in enumerate(every):
        num[f] = num.get(f, F32(0)) + term
        l_w[f] = l_w.get(f, F32(0)) + weight
        q_w[f] = q_w.get(f, F32(0)) + ww
        last_pos[f] = k
    out_f, out_c = [], []
    for f in sorted(last_pos, key=last_pos.__getitem__):
        mq, ml = q_w[f] + initials, l_w[f] + n_initials
        den = (
            (mq + ml) / F32(2)
            + q_cost * max(total - mq, F32(0))
            + l_cost * max(form_weight[f] - ml, F32(0))
        )
        cov = F32(num[f] + init_add) / max(den, F32(1e-6))
        if cov >= floor:
            out_f.append(f)
            out_c.append(float(min(cov, F32(1))))
    return out_f, out_c


@pytest.mark.parametrize("seed", range(30))
def test_cover_matches_the_reference(seed: int) -> None:
    rng = random.Random(seed)
    n_words = rng.randint(1, 4)
    word_weight = [rng.choice([0.3, 0.5, 1.0, rng.uniform(0.1, 1.5)]) for _ in range(n_words)]
    parts: list[tuple[int, float, list[int], list[float], list[float]]] = []
    for word in range(n_words):
        for factor in (1.0, 0.5, 0.5)[: rng.randint(0, 3)]:
            forms = rng.sample(range(FORMS), rng.randint(1, 12))  # unique within a part
            # float32 values, so the reference compares as the kernel does
            sims = [float(F32(rng.uniform(0.6, 1.0))) for _ in forms]
            # a listed word (weight up to 1) or a listed word pair (negated, up to 2)
            weights = [rng.choice([rng.uniform(0.2, 1.0), -rng.uniform(0.4, 2.0)]) for _ in forms]
            parts.append((word, factor, forms, sims, weights))
    if not parts:
        parts.append((0, 1.0, [3], [1.0], [1.0]))
    syllabic = rng.random() < 0.3
    joins = rng.random() < 0.5
    floor = rng.choice([0.0, 0.5, 0.75])
    costs = [rng.uniform(0, 0.8), rng.uniform(0, 0.6), rng.randint(0, 2), 2.5, 0.25, 0.15, floor]
    form_weight = np.array([rng.uniform(0.5, 4.0) for _ in range(FORMS)], np.float32)
    scratch = np.zeros((4, FORMS), np.float32)
    seen = np.zeros(FORMS, np.int32)

    got_f, got_c = kernels.cover(
        np.array([f for p in parts for f in p[2]], np.int32),
        np.array([s for p in parts for s in p[3]], np.float32),
        np.array([w for p in parts for w in p[4]], np.float32),
        np.array([p[0] for p in parts], np.int32),
        np.array([p[1] for p in parts], np.float32),
        np.cumsum([len(p[2]) for p in parts]),
        np.array(word_weight, np.float32),
        syllabic,
        joins,
        np.array(costs, np.float32),
        form_weight,
        scratch,
        seen,
    )

    want_f, want_c = _reference(parts, word_weight, syllabic, joins, costs, form_weight)
    assert got_f.tolist() == want_f
    assert got_c.tolist() == want_c  # bitwise: float32 throughout, in the same order
    assert not scratch.any()  # left zeroed for the next query


def test_forms_only_common_words_reach_are_left_out_unvisited() -> None:
    """A common word (weight 0.3, reaching forms 0-29) and a rare one (weight 1, forms 0-2) at
    a floor of 0.75: the common word alone cannot lift a form there, so only the forms the rare
    word reaches are scored, and the result is the reference's."""
    common_forms, rare_forms = list(range(30)), [0, 1, 2]
    parts = [
        (0, 1.0, common_forms, [1.0] * 30, [0.3] * 30),
        (1, 1.0, rare_forms, [0.9] * 3, [1.0] * 3),
    ]
    word_weight, costs = [0.3, 1.0], [0.0, 0.0, 0, 1.3, 0.25, 0.15, 0.75]
    form_weight = np.full(FORMS, 1.3, np.float32)
    args = (
        np.array([f for p in parts for f in p[2]], np.int32),
        np.array([s for p in parts for s in p[3]], np.float32),
        np.array([w for p in parts for w in p[4]], np.float32),
        np.array([0, 1], np.int32),
        np.array([1.0, 1.0], np.float32),
        np.cumsum([30, 3]),
        np.array(word_weight, np.float32),
    )
    c = np.array(costs, np.float32)
    common = kernels._COMMON_WORDS(args[2], args[3], args[4], args[5], args[6], *c[:5], c[6])
    assert common.tolist() == [True, False]
    scratch = np.zeros((4, FORMS), np.float32)
    got_f, got_c = kernels.cover(
        *args, False, False, c, form_weight, scratch, np.zeros(FORMS, np.int32)
    )
    want = _reference(parts, word_weight, False, False, costs, form_weight)
    assert (got_f.tolist(), got_c.tolist()) == want
    assert set(got_f.tolist()) == set(rare_forms)
    assert not scratch.any()
