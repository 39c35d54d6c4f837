"""The compiled abjad comparison against its plain Python definition."""

from __future__ import annotations

import random

import pytest
from rapidfuzz.distance import Levenshtein

from accord.screening import abjad
from accord.screening.abjad import (
    DROP_H,
    FINAL_Y_AS_A,
    INSERT_SEMIVOWEL,
    INSERT_VOWEL,
    J_FOR_K,
    LATIN_VOWELS,
    MARKER_FITS,
    MARKER_MISS,
    MARKER_WEIGHT,
)


def _reference(c: str, lat: str) -> float:
    """The weighted edit distance as first written, in plain Python."""
    n, m = len(c), len(lat)
    weight = sum(MARKER_WEIGHT if ch in MARKER_FITS else 1.0 for ch in c)
    if not weight:
        return 0.0

    def drop(ch: str) -> float:
        if ch in MARKER_FITS:
            return MARKER_MISS
        return DROP_H if ch == "h" else 1.0

    def insert(j: int) -> float:
        ch = lat[j]
        if j and lat[j - 1] == ch:
            return 0.0
        if ch in LATIN_VOWELS:
            return INSERT_VOWEL
        if ch in "yw":
            return INSERT_SEMIVOWEL
        return DROP_H if ch == "h" else 1.0

    def sub(i: int, ch: str, other: str) -> float:
        if ch == other:
            return 0.0
        fits = MARKER_FITS.get(ch)
        if fits is not None:
            if i == 0 and ch == "a" and other in LATIN_VOWELS:
                return 0.0
            if i == n - 1 and ch == "y" and other == "a":
                return FINAL_Y_AS_A
            return fits.get(other, 1.0)
        return J_FOR_K if {ch, other} == {"j", "k"} else 1.0

    prev = [0.0] * (m + 1)
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + insert(j - 1)
    for i in range(n):
        cost = drop(c[i])
        left = prev[0] + cost
        cur = [left]
        for j in range(m):
            left = min(prev[j] + sub(i, c[i], lat[j]), prev[j + 1] + cost, left + insert(j))
            cur.append(left)
        prev = cur
    return max(0.0, 1.0 - prev[m] / weight)


# Letters that matter to the costs (markers, vowels, h, j/k, doubles), and one past ASCII.
_LETTERS = "aawyyiouehjkkmdrstlnbé"


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_LETTERS) for _ in range(rng.randint(0, 9)))


@pytest.mark.parametrize("seed", range(20))
def test_the_compiled_comparison_equals_its_definition(seed: int) -> None:
    rng = random.Random(seed)
    pairs = [(_word(rng), _word(rng)) for _ in range(200)]
    for script, latin in pairs:
        assert abjad.vowel_aware(script, latin) == _reference(script, latin), (script, latin)
    ways = [rng.choice([1, 2, 3]) for _ in pairs]
    got = abjad.similarities([p[0] for p in pairs], [p[1] for p in pairs], ways)
    for (script, other), way, value in zip(pairs, ways, got.tolist(), strict=True):
        expect = 0.0
        if way & abjad.AGAINST_LATIN:
            expect = _reference(script, other)
        if way & abjad.AGAINST_SCRIPT:
            expect = max(expect, Levenshtein.normalized_similarity(script, other))
        assert value == expect, (script, other, way)


def test_known_readings() -> None:
    assert abjad.vowel_aware("mhmd", "muhammad") > 0.95
    assert abjad.vowel_aware("myr", "omar") < 0.8  # Meir is not Omar
    assert abjad.similarities([], [], []).size == 0
