"""Name similarity: tokens aligned one to one, weighted by how much each token identifies.

Word order does not matter (swapped given and family names align the same), an initial matches
a word with its letter, two words written as one ("Chonmyong" / "Chon Myong") are compared
joined, and numbers must be equal. Tokens of romanizations made from scripts that omit vowels
(Arabic, Hebrew) are compared by their consonant skeleton.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from accord.screening import abjad
from accord.screening.normalize import ARTICLES, phonetic, skeleton

MIN_TOKEN_SIM = 0.6
_VOWEL = re.compile("[aeiouy]")
# Share of an unmatched listed token's weight that counts against the match: listed names
# carry more names than a query, so they cost less than a query token that found nothing.
EXTRA_CANDIDATE_COST = 0.25
# A query word the listed name lacks costs more (it may name someone else), but not its full
# weight: lists differ in how many of a person's names they record.
EXTRA_QUERY_COST = 0.4
# Words missing between two aligned words, with the order kept on both sides, are the middle
# names and patronymic chains ("Muhsin Fadhil Ayed Ashour al-Fadhli" / "Muhsin al-Fadhli")
# one side records and the other leaves out: they cost less.
MIDDLE_QUERY_COST = 0.25
MIDDLE_CANDIDATE_COST = 0.15
MIDDLE_ANCHOR_SIM = 0.8
# The least an unmatched word can cost, per unit of weight: retrieval bounds use these.
LEAST_QUERY_COST = min(EXTRA_QUERY_COST, MIDDLE_QUERY_COST)
LEAST_CANDIDATE_COST = min(EXTRA_CANDIDATE_COST, MIDDLE_CANDIDATE_COST)
INITIAL_SIM = 0.75
# Two names that differ only by their numbers are different things ("SEA STAR 1" / "2").
NUMBER_CONFLICT = 0.45
NUMBER_ONE_SIDED = 0.8


# Which side of a comparison was romanized from a script that omits vowels.
SIDE_QUERY, SIDE_LISTED = 1, 2


@lru_cache(maxsize=1_000_000)
def token_sim(a: str, b: str, consonantal: bool = False, sides: int = 0) -> float:
    """Similarity of two tokens in [0, 1] (``a`` from the query, ``b`` listed).

    ``sides`` says which of them are romanizations of Arabic or Hebrew script (``SIDE_QUERY``,
    ``SIDE_LISTED``, both or-ed); 0 means unknown, told by the letters. Refines
    ``retrieval_sim``: written long vowels, and Latin spellings of one name.
    """
    coarse = retrieval_sim(a, b, consonantal)
    if a == b or not (a.isalpha() and b.isalpha()) or len(a) == 1 or len(b) == 1:
        return coarse
    if consonantal:
        if coarse < REFINE_MIN["consonantal"]:
            return coarse  # skeletons half different: no reading of the vowels helps
        sim = _long_vowel_sim(a, b, sides)
        if sim < 0:  # which side is in the script is not known: by skeleton
            return coarse
        sa, sb = skeleton(a), skeleton(b)
        # Short evidence ("l" for Ali, Eli, Ola…) says little; one differing letter is a
        # large share of a short word.
        return _factor(sa, sb) * sim * sim if sa and sb else 0.0
    if coarse < REFINE_MIN["latin"]:
        return coarse  # too far apart for one name's spellings (and the common case: cheap)
    return max(coarse, spelling_sim(a, b))


@lru_cache(maxsize=100_000)
def syllable_sim(a: str, b: str) -> float:
    """Similarity of two romanized Chinese or Korean syllables: the plain edit similarity,
    squared. Syllables that differ by a vowel ("sang" / "song") are other syllables, not
    spellings of one (the query's several romanizations cover the spellings), so neither the
    transliteration boost of ``retrieval_sim`` nor the Latin refinements apply."""
    if a == b:
        return 1.0
    sim = (
        retrieval_sim(a, b)
        if len(a) == 1 or len(b) == 1 or not (a.isalpha() and b.isalpha())
        else float(Levenshtein.normalized_similarity(a, b))
    )
    return sim * sim


# Below these ``retrieval_sim`` values the refinements cannot lift a pair to MIN_TOKEN_SIM.
REFINE_MIN = {"consonantal": 0.2, "latin": 0.5}


@lru_cache(maxsize=1_000_000)
def retrieval_sim(a: str, b: str, consonantal: bool = False) -> float:
    """The similarity candidate retrieval ranks by (``retrieve.py`` computes it vectorised):
    edit similarity, raised for transliteration variants with one consonant skeleton;
    for romanizations of scripts without short vowels, the skeletons' edit similarity."""
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
        sim = float(Levenshtein.normalized_similarity(sa, sb))
        return _factor(sa, sb) * sim * sim
    sim = float(Levenshtein.normalized_similarity(a, b))
    if sim >= 0.6 and _VOWEL.search(a) and _VOWEL.search(b) and skeleton(a) == skeleton(b):
        # Same consonants in the same order and already close: a transliteration variant
        # (Qadhafi / Gaddafi). Tokens without vowels are acronyms, and far-apart spellings
        # with one skeleton are different names (Teresa / Torres), so neither gets this.
        sim = max(sim, 0.6 + 0.35 * sim)
    return sim


def _factor(sa: str, sb: str) -> float:
    """A skeleton drops information, so even an equal one is not a certain match."""
    return 0.92 if min(len(sa), len(sb)) >= 3 else 0.75


# Latin spellings of one Arabic or Persian name differ in how they write its vowels and
# diphthongs ("Hussein" / "Husayn", "Zeitoun" / "Zaytun", "Rezaqoli" / "Rezagholi"): compared
# once those are written one way. Only close results count, at a discount.
_DIPHTHONGS = (("ay", "ei"), ("ai", "ei"), ("ey", "ei"), ("ou", "u"), ("oo", "u"), ("ee", "i"))
_FINAL_AH = re.compile("ah$")
SPELLING_FACTOR = 0.95
SPELLING_MIN = 0.8
SPELLING_MIN_LEN = 5  # short words ("Cech" / "CEC") differ in too few letters to tell


@lru_cache(maxsize=500_000)
def spelling_key(token: str) -> str:
    """``token`` with one spelling per sound, vowel and diphthong (see ``_DIPHTHONGS``)."""
    key = _collapse(phonetic(token))
    for old, new in _DIPHTHONGS:
        key = key.replace(old, new)
    return _FINAL_AH.sub("a", key)


def spelling_sim(a: str, b: str) -> float:
    if min(len(a), len(b)) < SPELLING_MIN_LEN:
        return 0.0
    sim = float(Levenshtein.normalized_similarity(spelling_key(a), spelling_key(b)))
    return SPELLING_FACTOR * sim if sim >= SPELLING_MIN else 0.0


# Named tuples rather than dataclasses: a batch makes several of each per candidate, and a
# tuple is made at C speed.
class Pair(NamedTuple):
    """One aligned pair: query token, listed token (either may be "" when unmatched)."""

    query: str
    listed: str
    sim: float


class NameMatch(NamedTuple):
    score: float
    pairs: tuple[Pair, ...]
    joined: bool = False
    numbers: str = ""  # "", "conflict" or "one-sided"
    info: float = 0.0  # identifying weight of the matched query words, times their similarity


def compare_tokens(
    query: tuple[str, ...],
    q_weights: tuple[float, ...],
    listed: tuple[str, ...],
    l_weights: tuple[float, ...],
    consonantal: bool = False,
    syllabic: bool = False,
    sides: int = 0,
) -> NameMatch:
    """Weighted one-to-one alignment of two token lists.

    ``syllabic``: the query was romanized syllable by syllable (Chinese, Korean), where every
    syllable is part of the name: a word missing on either side costs its full weight, and a
    syllable spelt differently ("sang" / "song") is most likely another syllable, so its similarity
    counts squared. ``sides``: see ``token_sim``.
    """
    # (-similarity, distance of positions, query position, listed position, similarity)
    scored: list[tuple[float, int, int, int, float]] = []
    # Most pairs are far apart, and in a batch most are new: without a script side, a pair
    # below REFINE_MIN["latin"] in plain edit similarity stays there (see token_sim), below
    # MIN_TOKEN_SIM, which one edit distance with a cutoff tells.
    latin = not (syllabic or consonantal)
    cutoff = REFINE_MIN["latin"]
    for i, qt in enumerate(query):
        for j, lt in enumerate(listed):
            if syllabic:
                sim = syllable_sim(qt, lt)
            elif (
                latin
                and qt != lt
                and len(qt) > 1
                and len(lt) > 1
                and Levenshtein.normalized_similarity(qt, lt, score_cutoff=cutoff) < cutoff
            ):
                continue
            else:
                sim = token_sim(qt, lt, consonantal, sides)
            if sim >= MIN_TOKEN_SIM:
                scored.append((-sim, abs(i - j), i, j, sim))
    # Best pairs first; among equally good ones, words at the nearest positions, so a repeated
    # word ("Abd al-Muhsin al-Libi" / "Abd al-Muhsin") pairs with its counterpart in place.
    scored.sort()
    q_used: dict[int, tuple[int, float]] = {}
    l_used: set[int] = set()
    for _, _, i, j, sim in scored:
        if i in q_used or j in l_used:
            continue
        q_used[i] = (j, sim)
        l_used.add(j)
    groups = _join_leftovers(query, listed, q_used, l_used, consonantal, syllabic, sides)
    num = den = info = 0.0
    pairs: list[Pair] = []
    # With a single word to compare, a near miss ("Gomes" / "Games") is little evidence.
    single = len(query) == 1 or len(listed) == 1
    middle_q, middle_l = _middles(q_used)
    # The second word of a query pair joined: its pair is written with the first.
    seconds = {k for q_idx, _, _ in groups.values() for k in q_idx[1:]}
    for i, qt in enumerate(query):
        if i in seconds:
            continue
        if i in groups:
            q_idx, l_idx, sim = groups[i]
            weight = (sum(q_weights[k] for k in q_idx) + sum(l_weights[k] for k in l_idx)) / 2
            num += sim * weight
            den += weight
            info += sim * sum(q_weights[k] for k in q_idx)
            pairs.append(
                Pair(" ".join(query[k] for k in q_idx), " ".join(listed[k] for k in l_idx), sim)
            )
        elif i in q_used:
            j, sim = q_used[i]
            weight = (q_weights[i] + l_weights[j]) / 2
            num += (sim * sim if single and sim < 1.0 else sim) * weight
            den += weight
            info += sim * q_weights[i]
            pairs.append(Pair(qt, listed[j], sim))
        else:
            share = _missing_share(syllabic, i in middle_q, MIDDLE_QUERY_COST, EXTRA_QUERY_COST)
            den += share * q_weights[i]
            pairs.append(Pair(qt, "", 0.0))
    # A query romanized from a script without vowels drops the Arabic article ("الأسد" is
    # "asd"): a Latin "al-Assad" loses nothing by its "al" being unmatched, nor joined without it.
    free = ARTICLES if sides == SIDE_QUERY else frozenset()
    for j, lt in enumerate(listed):
        if j not in l_used:
            if lt not in free:
                share = _missing_share(
                    syllabic, j in middle_l, MIDDLE_CANDIDATE_COST, EXTRA_CANDIDATE_COST
                )
                den += share * l_weights[j]
            pairs.append(Pair("", lt, 0.0))
    score = num / den if den else 0.0
    joined = False
    if score < 0.9 and len(query) + len(listed) > 2:
        # Words split or joined differently: compare the names without spaces, in the order
        # written and in the aligned order.
        q_join = "".join(query)
        best = max(
            _joined_sim(q_join, "".join(t for t in listed if t not in free), consonantal, sides),
            _joined_sim(
                q_join,
                "".join(p.listed for p in pairs if p.query or p.listed not in free).replace(
                    " ", ""
                ),
                consonantal,
                sides,
            ),
        )
        if syllabic and best < 1.0:
            best *= best
        if best >= 0.85 and 0.97 * best > score:
            score, joined = 0.97 * best, True
    numbers = ""
    q_nums = {t for t in query if not t.isalpha()}
    l_nums = {t for t in listed if not t.isalpha()}
    if q_nums != l_nums:
        numbers = "conflict" if q_nums and l_nums else "one-sided"
        score *= NUMBER_CONFLICT if numbers == "conflict" else NUMBER_ONE_SIDED
    return NameMatch(score, tuple(pairs), joined, numbers, info)


# Two adjacent words of one side written as one word on the other ("Jamal Eddin" /
# "JAMALEDDINE"): only close matches count, the joined word being long.
JOINED_PAIR_MIN = 0.85


def _join_leftovers(
    query: tuple[str, ...],
    listed: tuple[str, ...],
    q_used: dict[int, tuple[int, float]],
    l_used: set[int],
    consonantal: bool,
    syllabic: bool,
    sides: int,
) -> dict[int, tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Align two adjacent unmatched words of one side, joined, with an unmatched word of the
    other side. Updates ``q_used`` and ``l_used``; returns the groups by their first query word:
    (query positions, listed positions, similarity)."""
    groups: dict[int, tuple[tuple[int, ...], tuple[int, ...], float]] = {}
    free_q = [i for i in range(len(query)) if i not in q_used]
    free_l = [j for j in range(len(listed)) if j not in l_used]
    if not free_q or not free_l or len(free_q) + len(free_l) < 3:
        return groups
    found: list[tuple[float, tuple[int, ...], tuple[int, ...]]] = []

    def pair(a: str, b: str) -> float:
        # Most of these pairs are far apart and new. Without a script side, token_sim reaches
        # JOINED_PAIR_MIN only from an edit similarity of REFINE_MIN["latin"] (below it, it
        # returns its coarse value): one edit distance with a cutoff rules them out cheaply.
        if not consonantal and a != b and not _latin_close(a, b):
            return 0.0
        return token_sim(a, b, consonantal, sides)

    for i in free_q:
        if i + 1 in free_q:
            for j in free_l:
                found.append((pair(query[i] + query[i + 1], listed[j]), (i, i + 1), (j,)))
    for j in free_l:
        if j + 1 in free_l:
            for i in free_q:
                found.append((pair(query[i], listed[j] + listed[j + 1]), (i,), (j, j + 1)))
    found.sort(reverse=True)
    for sim, q_idx, l_idx in found:
        if syllabic and sim < 1.0:
            sim *= sim
        if sim < JOINED_PAIR_MIN:
            break
        if any(i in q_used for i in q_idx) or any(j in l_used for j in l_idx):
            continue
        for i in q_idx:
            q_used[i] = (l_idx[0], sim)
        l_used.update(l_idx)
        groups[q_idx[0]] = (q_idx, l_idx, sim)
    return groups


def _latin_close(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are close enough for ``token_sim`` (without a script side) to
    refine them: an edit similarity of at least REFINE_MIN["latin"]."""
    cutoff = REFINE_MIN["latin"]
    return bool(Levenshtein.normalized_similarity(a, b, score_cutoff=cutoff) >= cutoff)


def _missing_share(syllabic: bool, middle: bool, middle_cost: float, edge_cost: float) -> float:
    """Share of an unmatched word's weight that counts against the match."""
    if syllabic:
        return 1.0
    return middle_cost if middle else edge_cost


def _middles(q_used: dict[int, tuple[int, float]]) -> tuple[set[int], set[int]]:
    """Unmatched positions between the first and last aligned words, on each side, when the
    aligned words keep their order on both sides and the two end pairs agree closely
    (otherwise none)."""
    if len(q_used) < 2:
        return set(), set()
    order = sorted(q_used.items())
    js = [j for _, (j, _) in order]
    if any(b < a for a, b in itertools.pairwise(js)):
        return set(), set()
    if min(order[0][1][1], order[-1][1][1]) < MIDDLE_ANCHOR_SIM:
        return set(), set()  # "Vladimir (Petrovich) Putilin" is not "Vladimir Putin"
    qs = set(q_used)
    ls = set(js)
    middle_q = {i for i in range(order[0][0] + 1, order[-1][0]) if i not in qs}
    middle_l = {j for j in range(js[0] + 1, js[-1]) if j not in ls}
    return middle_q, middle_l


def _joined_sim(a: str, b: str, consonantal: bool, sides: int) -> float:
    """Similarity of two names written without spaces; the refinements run only when the
    plain comparison is near the bar a joined match must clear (0.85)."""
    if consonantal:
        sim = float(Levenshtein.normalized_similarity(skeleton(a), skeleton(b)))
        if sim >= JOINED_REFINE_MIN:
            refined = _long_vowel_sim(a, b, sides)
            sim = sim if refined < 0 else refined
        return 0.92 * sim
    sim = float(Levenshtein.normalized_similarity(a, b))
    return max(sim, spelling_sim(a, b)) if sim >= JOINED_REFINE_MIN else sim


JOINED_REFINE_MIN = 0.75


# --- romanized Arabic and Hebrew against Latin spellings ---------------------------------------
# (see ``abjad``: a written long vowel must fit the Latin spelling, short ones are free)


def _long_vowel_sim(a: str, b: str, sides: int) -> float:
    """Similarity of ``a`` and ``b`` where one or both are romanized from a script without
    short vowels; -1.0 when neither looks so."""
    if not sides:
        sides = (SIDE_QUERY if _written_without_vowels(a) else 0) | (
            SIDE_LISTED if _written_without_vowels(b) else 0
        )
    if sides == SIDE_QUERY:
        return vowel_aware_sim(a, b)
    if sides == SIDE_LISTED:
        return vowel_aware_sim(b, a)
    if sides == SIDE_QUERY | SIDE_LISTED:  # both written in the script: letters must agree
        return float(Levenshtein.normalized_similarity(phonetic(a), phonetic(b)))
    return -1.0


def _written_without_vowels(token: str) -> bool:
    """A romanization of Arabic or Hebrew writes no "e", "i", "o" or "u"."""
    return not any(ch in "eiou" for ch in token)


def _collapse(text: str) -> str:
    return "".join(ch for i, ch in enumerate(text) if i == 0 or text[i - 1] != ch)


@lru_cache(maxsize=200_000)
def vowel_aware_sim(script: str, latin: str) -> float:
    """Similarity in [0, 1] of a romanized Arabic or Hebrew token and a Latin spelling."""
    return abjad.vowel_aware(phonetic(script), phonetic(latin))
