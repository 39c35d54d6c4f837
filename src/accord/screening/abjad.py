"""Romanized Arabic and Hebrew against Latin spellings, compiled.

Arabic and Hebrew leave short vowels unwritten but write long ones with alif, waw and ya ("a",
"w", "y" in the romanization): a Latin spelling may add vowels freely but must carry a fitting
vowel where the script writes one. "myr" (Meir) is not "Omar", though both have the skeleton
"mr". No library compares an abjad romanization with Latin spellings this way, so it is a small
weighted edit distance written here.

It is compiled (numba, like ``kernels``) because candidate retrieval computes it for every
listed word a vowel-less query word reaches by its skeleton (some 70,000 pairs in a batch of
10,000 names): in Python that took about 30 µs a pair. Words are passed as arrays of code
points of their ``normalize.phonetic`` spelling. The arithmetic is float64, in the order of the
plain Python definition (``tests/screening/test_abjad.py`` keeps it as the reference).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import numpy as np
import numpy.typing as npt
from numba import njit

Codes = npt.NDArray[np.int32]
Floats = npt.NDArray[np.float64]

LATIN_VOWELS = "aeiou"
# Script letter -> {Latin letter: cost}.
MARKER_FITS = {
    "a": {"a": 0.0, "e": 0.2, "o": 0.5, "u": 0.5, "i": 0.5},
    "w": {"u": 0.0, "o": 0.0, "w": 0.0, "f": 0.2, "a": 0.6, "e": 0.6, "i": 0.6},
    "y": {"i": 0.0, "e": 0.0, "y": 0.0, "a": 0.6, "j": 0.5, "o": 0.6, "u": 0.6},
}
MARKER_WEIGHT = 0.75
MARKER_MISS = 0.6  # a written long vowel with nothing in the Latin spelling
FINAL_Y_AS_A = 0.2  # final alif maqsura ("mstfy" / Mustafa)
INSERT_VOWEL = 0.04  # a short vowel the script does not write
INSERT_SEMIVOWEL = 0.3
DROP_H = 0.5  # "h" written on one side only (ة, ه, Latin "ah")
J_FOR_K = 0.5  # Jamal / Gamal (phonetic writes "g" as "k")

# The costs as tables by code point (letters past ASCII cost what any other letter does: they
# share the last row and column, and equality is checked on the letters themselves).
_SIZE = 128
_OTHER = _SIZE - 1
_MARKER_ROW = np.full(_SIZE, -1, np.int64)
_FITS = np.ones((len(MARKER_FITS), _SIZE), np.float64)
for _row, (_marker, _fits) in enumerate(MARKER_FITS.items()):
    _MARKER_ROW[ord(_marker)] = _row
    for _letter, _cost in _fits.items():
        _FITS[_row, ord(_letter)] = _cost
_DROP = np.ones(_SIZE, np.float64)
_INSERT = np.ones(_SIZE, np.float64)
_IS_VOWEL = np.zeros(_SIZE, np.bool_)
for _marker in MARKER_FITS:
    _DROP[ord(_marker)] = MARKER_MISS
_DROP[ord("h")] = DROP_H
for _vowel in LATIN_VOWELS:
    _INSERT[ord(_vowel)] = INSERT_VOWEL
    _IS_VOWEL[ord(_vowel)] = True
for _semi in "yw":
    _INSERT[ord(_semi)] = INSERT_SEMIVOWEL
_INSERT[ord("h")] = DROP_H
_A, _Y, _J, _K = ord("a"), ord("y"), ord("j"), ord("k")


def _vowel_aware(
    c: Codes,
    lat: Codes,
    marker_row: npt.NDArray[np.int64],
    fits: Floats,
    drop: Floats,
    insert: Floats,
    is_vowel: npt.NDArray[np.bool_],
) -> float:
    """Similarity in [0, 1] of a romanized Arabic or Hebrew word (``c``) and a Latin spelling
    (``lat``), both phonetic. The script writes a doubled consonant once (with a shadda), so
    two equal letters in a row are two consonants ("mmlwk", Mamluk; "allh", Allah): neither
    side collapses them, and a Latin letter doubled ("Mohammed" / "mhmd") costs nothing."""
    n, m = c.size, lat.size
    weight = 0.0
    for i in range(n):
        weight += MARKER_WEIGHT if marker_row[min(c[i], _OTHER)] >= 0 else 1.0
    if weight == 0.0:
        return 0.0
    ins = np.empty(m, np.float64)
    for j in range(m):
        ch = lat[j]
        ins[j] = 0.0 if j > 0 and lat[j - 1] == ch else insert[min(ch, _OTHER)]
    prev = np.empty(m + 1, np.float64)
    cur = np.empty(m + 1, np.float64)
    prev[0] = 0.0
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + ins[j - 1]
    for i in range(n):
        ch = c[i]
        row = marker_row[min(ch, _OTHER)]
        cost = drop[min(ch, _OTHER)]
        left = prev[0] + cost
        cur[0] = left
        for j in range(m):
            other = lat[j]
            if ch == other:
                sub = 0.0
            elif row >= 0:
                if i == 0 and ch == _A and is_vowel[min(other, _OTHER)]:
                    sub = 0.0  # an initial alif carries whatever vowel the word starts with
                elif i == n - 1 and ch == _Y and other == _A:
                    sub = FINAL_Y_AS_A
                else:
                    sub = fits[row, min(other, _OTHER)]
            elif (ch == _J and other == _K) or (ch == _K and other == _J):
                sub = J_FOR_K
            else:
                sub = 1.0
            left = min(prev[j] + sub, prev[j + 1] + cost, left + ins[j])
            cur[j + 1] = left
        prev, cur = cur, prev
    return float(max(0.0, 1.0 - prev[m] / weight))


def _edit_sim(a: Codes, b: Codes) -> float:
    """Normalized Levenshtein similarity, as rapidfuzz's ``Levenshtein.normalized_similarity``
    computes it (1 - distance / the longer length)."""
    n, m = a.size, b.size
    longest = max(n, m)
    if longest == 0:
        return 1.0
    prev = np.arange(m + 1).astype(np.int64)
    cur = np.empty(m + 1, np.int64)
    for i in range(n):
        cur[0] = i + 1
        for j in range(m):
            cur[j + 1] = min(prev[j] + (0 if a[i] == b[j] else 1), prev[j + 1] + 1, cur[j] + 1)
        prev, cur = cur, prev
    return float(1.0 - prev[m] / longest)


# Ways of comparing in ``similarities``: a script word against a Latin spelling, against
# another word in the script (their letters must agree: plain edit similarity), or both.
AGAINST_LATIN, AGAINST_SCRIPT = 1, 2


def _similarities(
    a: Codes,
    a_ptr: npt.NDArray[np.int64],
    b: Codes,
    b_ptr: npt.NDArray[np.int64],
    ways: npt.NDArray[np.int8],
    marker_row: npt.NDArray[np.int64],
    fits: Floats,
    drop: Floats,
    insert: Floats,
    is_vowel: npt.NDArray[np.bool_],
) -> Floats:
    out = np.zeros(ways.size, np.float64)
    for k in range(ways.size):
        x, y = a[a_ptr[k] : a_ptr[k + 1]], b[b_ptr[k] : b_ptr[k + 1]]
        best = 0.0
        if ways[k] & AGAINST_LATIN:
            best = _VOWEL_AWARE(x, y, marker_row, fits, drop, insert, is_vowel)
        if ways[k] & AGAINST_SCRIPT:
            best = max(best, _EDIT_SIM(x, y))
        out[k] = best
    return out


# numba's decorator is untyped: the compiled functions keep the Python functions' signatures.
_VOWEL_AWARE = cast(Callable[..., float], njit(cache=True, nogil=True)(_vowel_aware))
_EDIT_SIM = cast(Callable[..., float], njit(cache=True, nogil=True)(_edit_sim))
_SIMILARITIES = cast(Callable[..., Floats], njit(cache=True, nogil=True)(_similarities))
_TABLES = (_MARKER_ROW, _FITS, _DROP, _INSERT, _IS_VOWEL)


def codes(words: Sequence[str]) -> tuple[Codes, npt.NDArray[np.int64]]:
    """Words as one array of code points and their offsets in it."""
    ptr = np.zeros(len(words) + 1, np.int64)
    np.cumsum([len(w) for w in words], out=ptr[1:])
    return np.frombuffer("".join(words).encode("utf-32-le"), np.int32), ptr


def vowel_aware(script: str, latin: str) -> float:
    """``_vowel_aware`` of two phonetic spellings."""
    return _VOWEL_AWARE(
        np.frombuffer(script.encode("utf-32-le"), np.int32),
        np.frombuffer(latin.encode("utf-32-le"), np.int32),
        *_TABLES,
    )


def similarities(scripts: Sequence[str], others: Sequence[str], ways: Sequence[int]) -> Floats:
    """Per pair, the best of the comparisons ``ways`` asks for (``AGAINST_LATIN``,
    ``AGAINST_SCRIPT``), of phonetic spellings; all pairs in one compiled call."""
    a, a_ptr = codes(scripts)
    b, b_ptr = codes(others)
    return _SIMILARITIES(a, a_ptr, b, b_ptr, np.array(ways, np.int8), *_TABLES)


def load() -> None:
    """Compile the comparison, or load it from numba's cache, now rather than at first use."""
    similarities(["a"], ["a"], [AGAINST_LATIN | AGAINST_SCRIPT])
