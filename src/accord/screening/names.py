"""Name similarity: tokens aligned one to one, weighted by how much each token identifies.

Word order does not matter (swapped given and family names align the same), an initial matches
a word with its letter, two words written as one ("Chonmyong" / "Chon Myong") are compared
joined, and numbers must be equal. Tokens of romanizations made from scripts that omit vowels
(Arabic, Hebrew) are compared by their consonant skeleton.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from accord.screening.normalize import skeleton

MIN_TOKEN_SIM = 0.6
_VOWEL = re.compile("[aeiouy]")
# Share of an unmatched listed token's weight that counts against the match: listed names
# carry middle names and patronymics a query often leaves out, so they cost less than a
# query token that found nothing.
EXTRA_CANDIDATE_COST = 0.3
# A query word the listed name lacks costs more (it may name someone else), but not its full
# weight: lists differ in how many of a person's names they record.
EXTRA_QUERY_COST = 0.6
INITIAL_SIM = 0.75
# Two names that differ only by their numbers are different things ("SEA STAR 1" / "2").
NUMBER_CONFLICT = 0.45
NUMBER_ONE_SIDED = 0.8


@lru_cache(maxsize=1_000_000)
def token_sim(a: str, b: str, consonantal: bool = False) -> float:
    """Similarity of two tokens in [0, 1]."""
    if a == b:
        return 1.0
    if not (a.isalpha() and b.isalpha()):
        return 0.0  # numbers (and codes with digits) must be equal
    if len(a) == 1 or len(b) == 1:
        return INITIAL_SIM if a[0] == b[0] else 0.0
    if consonantal:
        sa, sb = skeleton(a), skeleton(b)
        if not sa or not sb:
            return 0.0
        # A skeleton drops information, so even an equal one is not a certain match, and a
        # short one ("l" for Ali, Eli, Ola…) says little.
        factor = 0.92 if min(len(sa), len(sb)) >= 3 else 0.75
        skel_sim = float(Levenshtein.normalized_similarity(sa, sb))
        # Skeletons are short, so one differing consonant is a large share of the evidence.
        return factor * skel_sim * skel_sim
    sim = float(Levenshtein.normalized_similarity(a, b))
    if sim >= 0.6 and _VOWEL.search(a) and _VOWEL.search(b) and skeleton(a) == skeleton(b):
        # Same consonants in the same order and already close: a transliteration variant
        # (Qadhafi / Gaddafi). Tokens without vowels are acronyms, and far-apart spellings
        # with one skeleton are different names (Teresa / Torres), so neither gets this.
        sim = max(sim, 0.6 + 0.35 * sim)
    return sim


@dataclass(frozen=True, slots=True)
class Pair:
    """One aligned pair: query token, listed token (either may be "" when unmatched)."""

    query: str
    listed: str
    sim: float


@dataclass(frozen=True, slots=True)
class NameMatch:
    score: float
    pairs: tuple[Pair, ...]
    joined: bool = False
    numbers: str = ""  # "", "conflict" or "one-sided"


def compare_tokens(
    query: tuple[str, ...],
    q_weights: tuple[float, ...],
    listed: tuple[str, ...],
    l_weights: tuple[float, ...],
    consonantal: bool = False,
) -> NameMatch:
    """Weighted one-to-one alignment of two token lists."""
    scored: list[tuple[float, int, int]] = []
    for i, qt in enumerate(query):
        for j, lt in enumerate(listed):
            sim = token_sim(qt, lt, consonantal)
            if sim >= MIN_TOKEN_SIM:
                scored.append((sim, i, j))
    scored.sort(reverse=True)
    q_used: dict[int, tuple[int, float]] = {}
    l_used: set[int] = set()
    for sim, i, j in scored:
        if i in q_used or j in l_used:
            continue
        q_used[i] = (j, sim)
        l_used.add(j)
    num = den = 0.0
    pairs: list[Pair] = []
    # With a single word to compare, a near miss ("Gomes" / "Games") is little evidence.
    single = len(query) == 1 or len(listed) == 1
    for i, qt in enumerate(query):
        if i in q_used:
            j, sim = q_used[i]
            weight = (q_weights[i] + l_weights[j]) / 2
            num += (sim * sim if single and sim < 1.0 else sim) * weight
            den += weight
            pairs.append(Pair(qt, listed[j], sim))
        else:
            den += EXTRA_QUERY_COST * q_weights[i]
            pairs.append(Pair(qt, "", 0.0))
    for j, lt in enumerate(listed):
        if j not in l_used:
            den += EXTRA_CANDIDATE_COST * l_weights[j]
            pairs.append(Pair("", lt, 0.0))
    score = num / den if den else 0.0
    joined = False
    if score < 0.9 and len(query) + len(listed) > 2:
        # Words split or joined differently: compare the names without spaces, in the order
        # written and in the aligned order.
        q_join = "".join(query)
        best = max(
            _joined_sim(q_join, "".join(listed), consonantal),
            _joined_sim(q_join, "".join(p.listed for p in pairs if p.listed), consonantal),
        )
        if best >= 0.85 and 0.97 * best > score:
            score, joined = 0.97 * best, True
    numbers = ""
    q_nums = {t for t in query if not t.isalpha()}
    l_nums = {t for t in listed if not t.isalpha()}
    if q_nums != l_nums:
        numbers = "conflict" if q_nums and l_nums else "one-sided"
        score *= NUMBER_CONFLICT if numbers == "conflict" else NUMBER_ONE_SIDED
    return NameMatch(score, tuple(pairs), joined, numbers)


def _joined_sim(a: str, b: str, consonantal: bool) -> float:
    if consonantal:
        return 0.92 * float(Levenshtein.normalized_similarity(skeleton(a), skeleton(b)))
    return float(Levenshtein.normalized_similarity(a, b))
