"""Candidate retrieval: from query name forms to the listed name forms worth scoring.

Each query token is expanded to the vocabulary tokens that resemble it (the same token, the same
consonant skeleton, or a small edit distance within the same initial letter), with their token
similarity. The postings of the expansions give, per listed form, the best similarity of each
query token; weighted and summed, that is the share of the query the form covers. Coverage is
an upper bound of the name score's token part, so forms below the bound a threshold needs can
be dropped before any detailed comparison. Expansions are cached per token: real query streams
repeat the same given names and words.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from accord.screening.index import ScreeningIndex
from accord.screening.names import (
    EXTRA_CANDIDATE_COST,
    EXTRA_QUERY_COST,
    INITIAL_SIM,
    MIN_TOKEN_SIM,
    token_sim,
)
from accord.screening.normalize import NameForm, skeleton

FUZZY_CUTOFF = 0.7
FUZZY_LIMIT = 40
CACHE_SIZE = 20_000
INITIAL_WEIGHT = 0.3
_VOWELS = frozenset("aeiouy")
_EMPTY = np.empty(0, np.float32)


@dataclass(frozen=True, slots=True)
class Expansion:
    """The listed forms one query token reaches, with the token similarity for each."""

    forms: npt.NDArray[np.int32]
    sims: npt.NDArray[np.float32]
    listed_weights: npt.NDArray[np.float32]
    weight: float


class Retriever:
    def __init__(self, index: ScreeningIndex) -> None:
        self.index = index
        self.tok_id = {t: i for i, t in enumerate(index.vocab)}
        self.weights = index.arrays["tok_weight"]
        self.consonantal_tok = index.arrays["tok_consonantal"]
        skel = index.arrays["tok_skel"]
        order = np.argsort(skel, kind="stable")
        bounds = np.searchsorted(skel[order], np.arange(len(index.skeletons) + 1))
        self.skel_tokens = {
            s: order[bounds[i] : bounds[i + 1]] for i, s in enumerate(index.skeletons)
        }
        # Fuzzy look-up happens within one initial letter and one token length: an edit
        # similarity of FUZZY_CUTOFF is impossible between lengths further apart than that.
        self.buckets: dict[tuple[str, int], tuple[list[str], list[int]]] = {}
        real = index.arrays["tok_real"]
        for i, tok in enumerate(index.vocab):
            if real[i] and len(tok) >= 3 and tok.isalpha():
                words, ids = self.buckets.setdefault((_bucket(tok), len(tok)), ([], []))
                words.append(tok)
                ids.append(i)
        self.skel_buckets: dict[str, list[str]] = {}
        for s in index.skeletons:
            if len(s) >= 2 and not s[0].isdigit():
                self.skel_buckets.setdefault(s[0], []).append(s)
        self.acc = np.zeros(index.form_count, dtype=np.float32)
        self.acc_w = np.zeros(index.form_count, dtype=np.float32)
        self.seen = np.zeros(index.form_count, dtype=np.int32)
        # Total weight of each listed form's tokens.
        ptr = index.arrays["form_tok_ptr"]
        tok_w = self.weights[index.arrays["form_toks"]].astype(np.float64)
        sums = np.concatenate([[0.0], np.cumsum(tok_w)])
        self.form_weight = (sums[ptr[1:]] - sums[ptr[:-1]]).astype(np.float32)
        self.buf = np.zeros(index.form_count, dtype=np.float32)
        self._cache: OrderedDict[tuple[str, bool], Expansion] = OrderedDict()

    # -- token expansion -----------------------------------------------------------------------
    def expand(self, token: str, consonantal: bool) -> Expansion:
        key = (token, consonantal)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        found = self._expand(token, consonantal)
        self._cache[key] = found
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return found

    def _expand(self, token: str, consonantal: bool) -> Expansion:
        sims: dict[int, float] = {}
        exact = self.tok_id.get(token)
        if exact is not None:
            sims[exact] = 1.0
        if len(token) >= 2 and not any(c.isdigit() for c in token):
            for tid in self._similar_ids(token, consonantal):
                if tid not in sims:
                    cons = consonantal or bool(self.consonantal_tok[tid])
                    sim = token_sim(token, self.index.vocab[tid], cons)
                    if sim >= MIN_TOKEN_SIM:
                        sims[tid] = sim
        if not sims:
            # An initial ("V. Putin") reaches no listed word by itself and identifies little.
            weight = INITIAL_WEIGHT if len(token) == 1 else 1.0
            return Expansion(np.empty(0, np.int32), np.empty(0, np.float32), _EMPTY, weight)
        # Ascending similarity, so a later (better) write wins in the scatter below.
        ranked = sorted(sims.items(), key=lambda kv: kv[1])
        ptr = self.index.arrays["post_ptr"]
        post = self.index.arrays["post_forms"]
        chunks = [post[ptr[t] : ptr[t + 1]] for t, _ in ranked]
        forms = np.concatenate(chunks).astype(np.int32, copy=False)
        lengths = [len(c) for c in chunks]
        values = np.repeat(np.array([s for _, s in ranked], np.float32), lengths)
        listed_w = np.repeat(self.weights[[t for t, _ in ranked]], lengths)
        # A query token's weight is that of the listed token it most resembles: a misspelt
        # common name is still a common name.
        best_tid, best_sim = ranked[-1]
        weight = float(self.weights[best_tid]) if best_sim >= 0.8 else 1.0
        return Expansion(forms, values, listed_w, weight)

    def _similar_ids(self, token: str, consonantal: bool) -> list[int]:
        out: list[int] = []
        skel = skeleton(token)
        if not consonantal:
            ids = self.skel_tokens.get(skel)
            if ids is not None and len(skel) >= 2:
                out.extend(ids[:200].tolist())
            span = int(len(token) * (1 - FUZZY_CUTOFF)) + 1
            for length in range(max(3, len(token) - span), len(token) + span + 1):
                words, word_ids = self.buckets.get((_bucket(token), length), ([], []))
                if not words:
                    continue
                for _, _, pos in process.extract(
                    token,
                    words,
                    scorer=Levenshtein.normalized_similarity,
                    score_cutoff=FUZZY_CUTOFF,
                    limit=FUZZY_LIMIT,
                ):
                    out.append(word_ids[pos])
            return out
        if len(skel) < 1:
            return out
        candidates = self.skel_buckets.get(skel[0], [])
        for s, _, _ in process.extract(
            skel,
            candidates,
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=0.65,
            limit=FUZZY_LIMIT,
        ):
            out.extend(self.skel_tokens[s][:200].tolist())
        return out

    # -- retrieval -----------------------------------------------------------------------------
    def coverage(self, forms: list[NameForm]) -> tuple[npt.NDArray[Any], npt.NDArray[np.float32]]:
        """Listed forms reached by any query form, with the best coverage over query forms."""
        all_forms: list[npt.NDArray[np.intp]] = []
        all_cov: list[npt.NDArray[np.float32]] = []
        for form in forms:
            got = self._coverage_one(form)
            if got is not None:
                all_forms.append(got[0])
                all_cov.append(got[1])
        if not all_forms:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        if len(all_forms) == 1:
            return all_forms[0], all_cov[0]
        # Best coverage per listed form over the query forms (each form's array is unique).
        best = self.acc
        for reached, cov in zip(all_forms, all_cov, strict=True):
            best[reached] = np.maximum(best[reached], cov)
        union = self._distinct(np.concatenate(all_forms))
        out = best[union].copy()
        best[union] = 0.0
        return union, out

    def _coverage_one(
        self, form: NameForm
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]] | None:
        tokens = form.tokens
        exps = [self.expand(t, form.consonantal) for t in tokens]
        total = sum(e.weight for e in exps)
        if total <= 0:
            return None
        acc, acc_w, buf = self.acc, self.acc_w, self.buf
        touched: list[npt.NDArray[np.int32]] = []
        for ch in exps:
            if not ch.forms.size:
                continue
            # Per listed form, the best similarity this query token reaches (last write wins
            # because expansions are ordered by ascending similarity), added once per form;
            # likewise the weight of the listed token it reached.
            buf[ch.forms] = ch.sims
            acc[ch.forms] += buf[ch.forms] * ch.weight
            buf[ch.forms] = ch.listed_weights
            acc_w[ch.forms] += buf[ch.forms]
            buf[ch.forms] = 0.0
            touched.append(ch.forms)
        # Two query words that the list writes as one ("Chon Myong" / "CHONMYONG"): the joined
        # word stands for the pair.
        for i in range(len(tokens) - 1):
            joined = self.expand(tokens[i] + tokens[i + 1], form.consonantal)
            if not joined.forms.size:
                continue
            pair_w = exps[i].weight + exps[i + 1].weight
            # A form that matched the pair word by word is already counted: the sum is capped.
            acc[joined.forms] = np.minimum(acc[joined.forms] + joined.sims * pair_w, total)
            acc_w[joined.forms] += joined.listed_weights
            touched.append(joined.forms)
        if not touched:
            return None
        reached = self._distinct(np.concatenate(touched) if len(touched) > 1 else touched[0])
        # Initials reach no listed word here but may match one in the detailed comparison:
        # count them as matched, so the bound stays a bound.
        initials = [e.weight for t, e in zip(tokens, exps, strict=True) if len(t) == 1]
        got = acc[reached] + INITIAL_SIM * sum(initials)
        # Listed words no query word reached still cost (see names.EXTRA_CANDIDATE_COST).
        extra = np.maximum(self.form_weight[reached] - acc_w[reached] - len(initials), 0.0)
        den = got + EXTRA_QUERY_COST * np.maximum(total - got, 0.0) + EXTRA_CANDIDATE_COST * extra
        cov = np.minimum(got / np.maximum(den, 1e-6), 1.0)
        acc[reached] = 0.0
        acc_w[reached] = 0.0
        return reached, cov.astype(np.float32)

    def _distinct(self, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """The distinct values of an array of form numbers, without sorting: each position
        writes itself into ``seen``; the one left standing per value is that value's last."""
        positions = np.arange(values.size, dtype=np.int32)
        self.seen[values] = positions
        distinct: npt.NDArray[Any] = values[self.seen[values] == positions]
        return distinct


def _bucket(token: str) -> str:
    # Vowel-initial names swap their first vowel across transliterations (Osama / Usama).
    return "V" if token[0] in _VOWELS else token[0]
