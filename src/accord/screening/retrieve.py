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
from collections.abc import Iterable
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
SKELETON_CUTOFF = 0.65
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
        # The same words per initial letter, ordered by length (then vocabulary order, as in
        # the buckets), so the lengths a token can reach are one contiguous slice.
        self.letters: dict[str, tuple[list[str], npt.NDArray[np.int32], npt.NDArray[np.int64]]] = {}
        for letter in sorted({b for b, _ in self.buckets}):
            words_l: list[str] = []
            ids_l: list[int] = []
            for length in sorted(n for b, n in self.buckets if b == letter):
                words, ids = self.buckets[(letter, length)]
                words_l.extend(words)
                ids_l.extend(ids)
            lens = np.fromiter((len(w) for w in words_l), dtype=np.int64, count=len(words_l))
            self.letters[letter] = (words_l, np.array(ids_l, dtype=np.int32), lens)
        self.skel_id = {s: i for i, s in enumerate(index.skeletons)}
        self.tok_skel = skel
        self.tok_alpha = np.fromiter((t.isalpha() for t in index.vocab), bool, len(index.vocab))
        self.tok_vowel = np.fromiter(
            (not _VOWELS.isdisjoint(t) for t in index.vocab), bool, len(index.vocab)
        )
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
        return self._store(key, self._expand(token, consonantal, None, None))

    def _store(self, key: tuple[str, bool], found: Expansion) -> Expansion:
        self._cache[key] = found
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return found

    def prefetch(self, forms: Iterable[NameForm]) -> None:
        """Expand the tokens of many query forms at once (a batch): their fuzzy look-ups are
        made together, many tokens per vectorised comparison, instead of one by one."""
        keys: dict[tuple[str, bool], None] = {}
        for form in forms:
            toks = form.tokens
            for i, tok in enumerate(toks):
                keys[(tok, form.consonantal)] = None
                if i + 1 < len(toks):
                    keys[(tok + toks[i + 1], form.consonantal)] = None
        todo = [k for k in keys if k not in self._cache]
        if len(self._cache) + len(todo) > CACHE_SIZE:
            return  # more than the cache holds: expanded one by one as they come
        fuzzy = self._fuzzy_many([t for t, cons in todo if not cons and _fuzzy_token(t)])
        close = self._close_skeletons([skeleton(t) for t, cons in todo if cons and _fuzzy_token(t)])
        for token, cons in todo:
            self._store((token, cons), self._expand(token, cons, fuzzy, close))

    def _expand(
        self,
        token: str,
        consonantal: bool,
        fuzzy: dict[str, list[int]] | None,
        close: dict[str, list[tuple[str, float]]] | None,
    ) -> Expansion:
        sims: dict[int, float] = {}
        exact = self.tok_id.get(token)
        if exact is not None:
            sims[exact] = 1.0
        if len(token) >= 2 and not any(c.isdigit() for c in token):
            if consonantal:
                self._similar_consonantal(token, sims, close)
            else:
                self._similar_voweled(token, sims, fuzzy)
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

    def _similar_voweled(
        self, token: str, sims: dict[int, float], fuzzy: dict[str, list[int]] | None
    ) -> None:
        """Add to ``sims`` the listed tokens with the same skeleton or a small edit distance,
        with ``token_sim`` of each, computed for all of them in one vectorised call."""
        skel = skeleton(token)
        cands: list[int] = []
        ids = self.skel_tokens.get(skel)
        if ids is not None and len(skel) >= 2:
            cands.extend(ids[:200].tolist())
        if _fuzzy_token(token):
            found = fuzzy.get(token) if fuzzy is not None else None
            cands.extend(found if found is not None else self._fuzzy_many([token])[token])
        cands = [t for t in dict.fromkeys(cands) if t not in sims]
        if not cands:
            return
        tids = np.array(cands, dtype=np.int64)
        vocab = self.index.vocab
        lev = process.cdist(
            [token],
            [vocab[t] for t in cands],
            scorer=Levenshtein.normalized_similarity,
            dtype=np.float64,
        )[0]
        # names.token_sim, vectorised: a transliteration variant (same skeleton, close, with
        # vowels on both sides) gets a boost; words with digits only match themselves.
        skel_no = self.skel_id.get(skel, -1)
        boost = (lev >= 0.6) & self.tok_vowel[tids] & (self.tok_skel[tids] == skel_no)
        if _VOWELS.isdisjoint(token):
            boost[:] = False
        got = np.where(boost, np.maximum(lev, 0.6 + 0.35 * lev), lev)
        if not token.isalpha():
            got[:] = 0.0
        got[~self.tok_alpha[tids]] = 0.0
        cons = self.consonantal_tok[tids]
        for tid, sim, by_cons in zip(cands, got.tolist(), cons.tolist(), strict=True):
            if by_cons:
                sim = token_sim(token, vocab[tid], True)
            if sim >= MIN_TOKEN_SIM:
                sims[tid] = sim

    def _fuzzy_many(self, tokens: list[str]) -> dict[str, list[int]]:
        """Per token, the listed tokens of its initial letter and a close length with an edit
        similarity of at least FUZZY_CUTOFF: at most FUZZY_LIMIT per length, best first (ties in
        vocabulary order). Tokens of one letter and length are compared in one call."""
        out: dict[str, list[int]] = {}
        groups: dict[tuple[str, int], list[str]] = {}
        for tok in dict.fromkeys(tokens):
            out[tok] = []
            groups.setdefault((_bucket(tok), len(tok)), []).append(tok)
        for (letter, length), toks in groups.items():
            entry = self.letters.get(letter)
            if entry is None:
                continue
            words, ids, lens = entry
            span = int(length * (1 - FUZZY_CUTOFF)) + 1
            lo = int(np.searchsorted(lens, max(3, length - span), "left"))
            hi = int(np.searchsorted(lens, length + span, "right"))
            if lo >= hi:
                continue
            scores = process.cdist(
                toks,
                words[lo:hi],
                scorer=Levenshtein.normalized_similarity,
                score_cutoff=FUZZY_CUTOFF,
                dtype=np.float64,
            )
            w_ids, w_lens = ids[lo:hi], lens[lo:hi]
            for tok, row in zip(toks, scores, strict=True):
                hits = np.flatnonzero(row >= FUZZY_CUTOFF)
                if not hits.size:
                    continue
                h_lens = w_lens[hits]
                # By length, then best first, then vocabulary order (as process.extract does).
                hits = hits[np.lexsort((hits, -row[hits], h_lens))]
                if hits.size > FUZZY_LIMIT:
                    h_lens = w_lens[hits]
                    starts = np.searchsorted(h_lens, h_lens, "left")
                    hits = hits[np.arange(hits.size) - starts < FUZZY_LIMIT]
                out[tok] = w_ids[hits].tolist()
        return out

    def _similar_consonantal(
        self, token: str, sims: dict[int, float], close: dict[str, list[tuple[str, float]]] | None
    ) -> None:
        """Add to ``sims`` the listed tokens with a close skeleton. All tokens of one skeleton
        get the same ``token_sim`` (by skeleton), so it is computed once per skeleton."""
        skel = skeleton(token)
        if len(skel) < 1:
            return
        found = close.get(skel) if close is not None else None
        if found is None:
            found = self._close_skeletons([skel])[skel]
        alpha = token.isalpha()
        for s, skel_sim in found:
            # names.token_sim with consonantal=True, for these two skeletons.
            factor = 0.92 if min(len(skel), len(s)) >= 3 else 0.75
            sim = factor * skel_sim * skel_sim
            tids = self.skel_tokens[s][:200]
            if alpha and sim >= MIN_TOKEN_SIM:
                for tid in tids[self.tok_alpha[tids]].tolist():
                    if tid not in sims:
                        sims[tid] = sim

    def _close_skeletons(self, skels: list[str]) -> dict[str, list[tuple[str, float]]]:
        """Per skeleton, the listed skeletons of its first letter with an edit similarity of
        at least SKELETON_CUTOFF, with it: at most FUZZY_LIMIT, best first (ties in list order,
        as process.extract gives them). Skeletons of one letter are compared in one call."""
        out: dict[str, list[tuple[str, float]]] = {}
        groups: dict[str, list[str]] = {}
        for skel in dict.fromkeys(skels):
            out[skel] = []
            if skel:
                groups.setdefault(skel[0], []).append(skel)
        for letter, group in groups.items():
            candidates = self.skel_buckets.get(letter)
            if not candidates:
                continue
            scores = process.cdist(
                group,
                candidates,
                scorer=Levenshtein.normalized_similarity,
                score_cutoff=SKELETON_CUTOFF,
                dtype=np.float64,
            )
            for skel, row in zip(group, scores, strict=True):
                hits = np.flatnonzero(row >= SKELETON_CUTOFF)
                hits = hits[np.lexsort((hits, -row[hits]))][:FUZZY_LIMIT]
                out[skel] = [
                    (candidates[h], s)
                    for h, s in zip(hits.tolist(), row[hits].tolist(), strict=True)
                ]
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


def _fuzzy_token(token: str) -> bool:
    return len(token) >= 2 and not any(c.isdigit() for c in token)


def _bucket(token: str) -> str:
    # Vowel-initial names swap their first vowel across transliterations (Osama / Usama).
    return "V" if token[0] in _VOWELS else token[0]
