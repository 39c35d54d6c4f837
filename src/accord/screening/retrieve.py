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

import math
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from accord.screening import abjad, kernels
from accord.screening.index import FLAG_CONSONANTAL, ScreeningIndex
from accord.screening.names import (
    INITIAL_SIM,
    LEAST_CANDIDATE_COST,
    LEAST_QUERY_COST,
    MIN_TOKEN_SIM,
    REFINE_MIN,
    SPELLING_FACTOR,
    SPELLING_MIN,
    SPELLING_MIN_LEN,
    retrieval_sim,
    spelling_key,
)
from accord.screening.normalize import ARTICLES, NameForm, phonetic, skeleton
from accord.screening.scripts import SYLLABIC_METHODS

FUZZY_CUTOFF = 0.7
FUZZY_LIMIT = 40
SKELETON_CUTOFF = 0.65
JOINED_SKELETON_CUTOFF = 0.8
CACHE_SIZE = 20_000
INITIAL_WEIGHT = 0.3
_VOWELS = frozenset("aeiouy")
_DIGIT = re.compile(r"\d")
_EMPTY = np.empty(0, np.float32)
_EMPTY_INT = np.empty(0, np.int32)
_Key = tuple[str, bool, bool, bool]  # token, consonantal, joined, syllabic (Retriever.expand)


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
        # The listed weight a token stands for in a match: a word seen only as two listed
        # words joined ("CHONMYONG" for "Chon Myong") stands for both, as
        # names.compare_tokens counts them; it is stored negated, which marks it as a pair for
        # the coverage kernel.
        self.listed_weight = np.where(
            index.arrays["tok_real"], self.weights, -index.arrays["tok_pair_weight"]
        ).astype(np.float32)
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
        self.skel_len = np.fromiter((len(s) for s in index.skeletons), np.int64)
        self.tok_alpha = np.fromiter((t.isalpha() for t in index.vocab), bool, len(index.vocab))
        self.vocab_array = np.array(index.vocab, dtype=object)
        self.spelling = np.array(index.spelling, dtype=object)
        self.tok_len = np.fromiter((len(t) for t in index.vocab), np.int64, len(index.vocab))
        self.tok_vowel = np.fromiter(
            (not _VOWELS.isdisjoint(t) for t in index.vocab), bool, len(index.vocab)
        )
        self.skel_buckets: dict[str, list[str]] = {}
        for s in index.skeletons:
            if len(s) >= 2 and not s[0].isdigit():
                self.skel_buckets.setdefault(s[0], []).append(s)
        # The same ordered by length, with each one's length and place in its bucket: the
        # lengths a skeleton can reach are one slice.
        self.skel_by_len: dict[str, tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int64]]]
        self.skel_by_len = {}
        for letter, bucket in self.skel_buckets.items():
            lengths = np.fromiter((len(b) for b in bucket), np.int64, len(bucket))
            order = np.argsort(lengths, kind="stable")
            self.skel_by_len[letter] = ([bucket[i] for i in order.tolist()], lengths[order], order)
        # Working space of the coverage kernel, one value per listed form (kept zeroed).
        self.scratch = np.zeros((4, index.form_count), dtype=np.float32)
        self.seen = np.zeros(index.form_count, dtype=np.int32)
        # Total weight of each listed form's tokens; and without its Arabic articles, which a
        # query romanized from a script without vowels never carries and does not pay for.
        ptr = index.arrays["form_tok_ptr"]
        form_toks = index.arrays["form_toks"]
        tok_w = self.weights[form_toks].astype(np.float64)
        self.form_weight = _sums(tok_w, ptr)
        article = np.zeros(len(index.vocab), dtype=bool)
        article[[self.tok_id[a] for a in ARTICLES if a in self.tok_id]] = True
        self.form_weight_bare = _sums(np.where(article[form_toks], 0.0, tok_w), ptr)
        self.post_ptr = index.arrays["post_ptr"]
        self.post_forms = index.arrays["post_forms"]
        # Per listed word, how a vowel-less query word is compared with it: as a Latin spelling
        # where it is written in a Latin name, letter by letter where it is a romanization of
        # Arabic or Hebrew script itself (see names.token_sim with a script side).
        in_script = (index.arrays["form_flags"][self.post_forms] & FLAG_CONSONANTAL) != 0
        owner = np.repeat(np.arange(len(index.vocab)), np.diff(self.post_ptr))
        self.abjad_ways = np.zeros(len(index.vocab), np.int8)
        self.abjad_ways[owner[~in_script]] |= abjad.AGAINST_LATIN
        self.abjad_ways[owner[in_script]] |= abjad.AGAINST_SCRIPT
        self._cache: OrderedDict[_Key, Expansion] = OrderedDict()
        kernels.load()
        abjad.load()

    # -- token expansion -----------------------------------------------------------------------
    def expand(
        self, token: str, consonantal: bool, joined: bool = False, syllabic: bool = False
    ) -> Expansion:
        """The listed forms ``token`` reaches. ``joined``: two query words written as one, which
        only listed words of the same spelling or the same consonant skeleton stand for (a
        fuzzy look-up of long joined words costs much and found nothing the words themselves
        did not find). ``syllabic``: a syllable of romanized Chinese or Korean, which the
        comparison scores by plain edit similarity (``names.syllable_sim``)."""
        key = (token, consonantal, joined, syllabic and not (consonantal or joined))
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        return self._store(key, self._expand_many([key])[0])

    def _store(self, key: _Key, found: Expansion) -> Expansion:
        self._cache[key] = found
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return found

    def prefetch(self, forms: Iterable[NameForm]) -> None:
        """Expand the tokens of many query forms at once (a batch): their fuzzy look-ups are
        made together, many tokens per vectorised comparison, instead of one by one."""
        keys: dict[_Key, None] = {}
        for form in forms:
            toks = form.tokens
            syllabic = form.method in SYLLABIC_METHODS and not form.consonantal
            for i, tok in enumerate(toks):
                keys[(tok, form.consonantal, False, syllabic)] = None
                if i + 1 < len(toks):
                    keys[(tok + toks[i + 1], form.consonantal, True, False)] = None
        if len(keys) > CACHE_SIZE:
            return  # more than the cache holds: expanded one by one as they come
        cache = self._cache
        todo: list[_Key] = []
        for key in keys:
            if key in cache:
                # Used again by this batch: make it recent, so storing the new expansions
                # below evicts only entries this batch does not need.
                cache.move_to_end(key)
            else:
                todo.append(key)
        for key, found in zip(todo, self._expand_many(todo), strict=True):
            self._store(key, found)

    def _expand_many(self, keys: list[_Key]) -> list[Expansion]:
        """The expansions of many (token, consonantal, joined, syllabic) keys. The fuzzy
        look-ups, the edit similarities and the postings are computed for all of them together,
        vectorised: per-token numpy and rapidfuzz calls cost more in call overhead than in
        work."""
        fuzzy = self._fuzzy_many(
            [t for t, cons, j, _ in keys if not (cons or j) and _fuzzy_token(t)]
        )
        close = self._close_skeletons(
            [skeleton(t) for t, cons, j, _ in keys if cons and not j and _fuzzy_token(t)],
            SKELETON_CUTOFF,
        )
        # Joined words: long skeletons, where one letter apart is already a close match.
        close_joined = self._close_skeletons(
            [skeleton(t) for t, cons, j, _ in keys if cons and j and _fuzzy_token(t)],
            JOINED_SKELETON_CUTOFF,
        )
        found: list[tuple[list[int], list[float]]] = []
        voweled: list[int] = []
        vowel_less: list[int] = []
        for n, (token, cons, joined, _) in enumerate(keys):
            exact = self.tok_id.get(token)
            found.append(([exact], [1.0]) if exact is not None else ([], []))
            if _fuzzy_token(token):
                if cons:
                    self._similar_consonantal(token, found[n], close_joined if joined else close)
                    vowel_less.append(n)
                else:
                    voweled.append(n)
        if voweled:
            self._similar_voweled([keys[n][0] for n in voweled], [found[n] for n in voweled], fuzzy)
        # Weights first: a vowel-less word's is that of the listed word with the closest
        # skeleton, as before its long vowels are compared below.
        weights = [self._weight(key[0], *got) for key, got in zip(keys, found, strict=True)]
        self._fit_long_vowels([keys[n][0] for n in vowel_less], [found[n] for n in vowel_less])
        syllables = [n for n, key in enumerate(keys) if key[3]]
        self._fit_syllables([keys[n][0] for n in syllables], [found[n] for n in syllables])
        return self._postings(found, weights)

    def _weight(self, token: str, tids: list[int], sims: list[float]) -> float:
        """A query token's weight: that of the listed token it most resembles (the last found
        among equals), a misspelt common name being still a common name."""
        if not tids:
            # An initial ("V. Putin") reaches no listed word by itself: it identifies little.
            return INITIAL_WEIGHT if len(token) == 1 else 1.0
        best = max(range(len(sims)), key=lambda k: (sims[k], k))
        return float(self.weights[tids[best]]) if sims[best] >= 0.8 else 1.0

    def _fit_long_vowels(
        self, tokens: list[str], found: list[tuple[list[int], list[float]]]
    ) -> None:
        """Rescore the listed words that vowel-less query words (romanized Arabic or Hebrew)
        reached by their skeleton, as ``names.token_sim`` compares them: the long vowels the
        script writes must fit the listed spelling ("myr", Meir, is not "Omar"). The skeleton
        alone let most such words through, and the detailed comparison then rejected them
        (the median bound was 0.7 above the name score); this is the comparison's own
        similarity, so the bound stays a bound. A listed word found in Latin names and in
        romanized script gets the better of the two comparisons. All pairs in one compiled
        call; words under MIN_TOKEN_SIM are dropped."""
        owners: list[int] = []
        at: list[int] = []
        tids_all: list[int] = []
        for n, (token, (tids, _)) in enumerate(zip(tokens, found, strict=True)):
            if len(token) > 1:
                owners.extend([n] * len(tids))
                at.extend(range(len(tids)))
                tids_all.extend(tids)
        ids = np.array(tids_all, np.int64)
        owner = np.array(owners, np.int64)
        # Equal words and initials keep their similarity (as in names.token_sim).
        rescore = (self.tok_len[ids] > 1) & (
            self.vocab_array[ids] != np.array(tokens, dtype=object)[owner]
        )
        if not rescore.any():
            return
        ids, owner = ids[rescore], owner[rescore]
        written = [phonetic(t) for t in tokens]
        fit = abjad.similarities(
            [written[n] for n in owner.tolist()],
            [phonetic(w) for w in self.vocab_array[ids].tolist()],
            self.abjad_ways[ids],
        )
        # names._factor: a skeleton drops information, more so a short one.
        q_skel = np.array([len(skeleton(t)) for t in tokens], np.int64)[owner]
        short = np.minimum(q_skel, self.skel_len[self.tok_skel[ids]]) < 3
        refined = (np.where(short, 0.75, 0.92) * fit * fit).tolist()
        for n, k, sim in zip(owner.tolist(), np.array(at)[rescore].tolist(), refined, strict=True):
            found[n][1][k] = sim
        _keep_from(found, lambda sim: sim >= MIN_TOKEN_SIM)

    def _fit_syllables(self, tokens: list[str], found: list[tuple[list[int], list[float]]]) -> None:
        """Rescore the listed words that syllables of romanized Chinese or Korean reached, as
        ``names.syllable_sim`` compares them: by plain edit similarity, without the boosts of
        Latin spellings ("sang" / "song" are other syllables), kept where its square, which
        the comparison and the coverage kernel count, reaches MIN_TOKEN_SIM. (An initial
        letter's similarity squared never does: a one-letter syllable reaches only itself.)"""
        vocab = self.index.vocab
        pairs = [
            (n, k, token, vocab[tid])
            for n, (token, (tids, _)) in enumerate(zip(tokens, found, strict=True))
            for k, tid in enumerate(tids)
        ]
        if not pairs:
            return
        plain = [p for p in pairs if _plain_syllables(p[2], p[3])]
        edit = process.cpdist(
            [p[2] for p in plain], [p[3] for p in plain],
            scorer=Levenshtein.normalized_similarity, dtype=np.float64,
        ).tolist()  # fmt: skip
        for (n, k, _, _), sim in zip(plain, edit, strict=True):
            found[n][1][k] = sim
        for n, k, a, b in pairs:
            if not _plain_syllables(a, b):  # equal, an initial or a number
                found[n][1][k] = retrieval_sim(a, b)
        _keep_from(found, lambda sim: sim * sim >= MIN_TOKEN_SIM)

    def _postings(
        self, found: list[tuple[list[int], list[float]]], weights: list[float]
    ) -> list[Expansion]:
        """Per token, the listed forms its similar listed tokens reach, each form once, with the
        similarity of the best token reaching it (ties: the last found), and its ``weights``.
        The posting slices of all tokens are gathered in one vectorised pass."""
        owners: list[int] = []
        all_ids: list[int] = []
        all_sims: list[float] = []
        for n, (tids, sims) in enumerate(found):
            owners.extend([n] * len(tids))
            all_ids.extend(tids)
            all_sims.extend(sims)
        if not all_ids:
            return [Expansion(_EMPTY_INT, _EMPTY, _EMPTY, weight) for weight in weights]
        sims_64 = np.array(all_sims, np.float64)
        # Per token, ascending similarity (ties in the order found, lexsort is stable), so the
        # best listed token of each form comes last.
        order = np.lexsort((sims_64, np.array(owners, np.int64)))
        t_ids = np.array(all_ids, np.int64)[order]
        t_sims = sims_64[order]
        ptr = self.post_ptr
        starts = ptr[t_ids]
        lengths = ptr[t_ids + 1] - starts
        ends = np.cumsum(lengths)
        # The posting slices, concatenated: each slice's positions are its start + 0, 1, 2…
        where = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(
            starts - (ends - lengths), lengths
        )
        forms = self.post_forms[where]
        values = np.repeat(t_sims.astype(np.float32), lengths)
        listed_w = np.repeat(self.listed_weight[t_ids], lengths)
        positions = np.arange(forms.size, dtype=np.int32)
        # Per token: its entries [e0, e1) and its postings [p0, p1).
        counts = np.bincount(np.array(owners, np.int64), minlength=len(found))
        post_end = np.concatenate([[0], ends])[np.cumsum(counts)].tolist()
        out: list[Expansion] = []
        p0 = 0
        for n, p1, weight in zip(counts.tolist(), post_end, weights, strict=True):
            if not n:
                out.append(Expansion(_EMPTY_INT, _EMPTY, _EMPTY, weight))
                continue
            f, v, w = forms[p0:p1], values[p0:p1], listed_w[p0:p1]
            if n > 1:
                # A form reached by several of these listed tokens keeps the last (best) one.
                pos = positions[p0:p1]
                self.seen[f] = pos
                last = self.seen[f] == pos
                if not last.all():
                    f, v, w = f[last], v[last], w[last]
            out.append(Expansion(f, v, w, weight))
            p0 = p1
        return out

    def _similar_voweled(
        self,
        tokens: list[str],
        found: list[tuple[list[int], list[float]]],
        fuzzy: dict[str, list[int]],
    ) -> None:
        """Add to each ``found`` the listed tokens with the same skeleton as its token or a small
        edit distance, with ``retrieval_sim`` of each, computed for all tokens in one vectorised
        pass (rapidfuzz's paired ``cpdist``, then numpy)."""
        parts: list[npt.NDArray[np.int32]] = []
        owner_of: list[int] = []
        skel_nos: list[int] = []
        exact = np.full(len(tokens), -1, np.int64)
        for n, (token, (tids, _)) in enumerate(zip(tokens, found, strict=True)):
            skel = skeleton(token)
            ids = self.skel_tokens.get(skel)
            if ids is not None and len(skel) >= 2:
                parts.append(ids[:200].astype(np.int32, copy=False))
                owner_of.append(n)
            near = fuzzy.get(token)
            if near:
                parts.append(np.array(near, np.int32))
                owner_of.append(n)
            skel_nos.append(self.skel_id.get(skel, -1))
            if tids:
                exact[n] = tids[0]
        if not parts:
            return
        cands = np.concatenate(parts).astype(np.int64)
        owner = np.repeat(np.array(owner_of, np.int64), [p.size for p in parts])
        # Each token's candidates once, in the order found, without its exact match; and only
        # those of a length an edit similarity of REFINE_MIN["latin"] allows (the others
        # cannot reach MIN_TOKEN_SIM) unless a vowel-less romanization, compared by skeleton.
        _, first = np.unique(owner * len(self.index.vocab) + cands, return_index=True)
        first.sort()
        cands, owner = cands[first], owner[first]
        t_len = np.array([len(t) for t in tokens], np.int64)[owner]
        c_len = self.tok_len[cands]
        fits = np.minimum(t_len, c_len) >= REFINE_MIN["latin"] * np.maximum(t_len, c_len)
        keep = (cands != exact[owner]) & (fits | self.consonantal_tok[cands])
        tids_a, owner = cands[keep], owner[keep]
        if not tids_a.size:
            return
        pair_tok = np.array(tokens, dtype=object)[owner]
        pair_str = self.vocab_array[tids_a]
        lev = process.cpdist(
            pair_tok, pair_str, scorer=Levenshtein.normalized_similarity, dtype=np.float64
        )
        count_a = np.bincount(owner, minlength=len(tokens))
        # names.retrieval_sim, vectorised: a transliteration variant (same skeleton, close, with
        # vowels on both sides) gets a boost; words with digits only match themselves.
        skel_same = self.tok_skel[tids_a] == np.repeat(np.array(skel_nos, np.int64), count_a)
        q_vowel = np.repeat(np.array([not _VOWELS.isdisjoint(t) for t in tokens]), count_a)
        q_alpha = np.repeat(np.array([t.isalpha() for t in tokens]), count_a)
        boost = (lev >= 0.6) & self.tok_vowel[tids_a] & skel_same & q_vowel
        got = np.where(boost, np.maximum(lev, 0.6 + 0.35 * lev), lev)
        alpha = q_alpha & self.tok_alpha[tids_a]
        got[~alpha] = 0.0
        # Latin spellings of one name (names.token_sim's refinement, "Gaddafi" / "Ghadaffi"):
        # the detailed comparison scores them higher, and the bound must follow.
        q_len = t_len[keep]
        refine = (
            alpha
            & (got >= REFINE_MIN["latin"])
            & (lev < 1.0)
            & (np.minimum(q_len, self.tok_len[tids_a]) >= SPELLING_MIN_LEN)
            & ~self.consonantal_tok[tids_a]
        )
        where = np.flatnonzero(refine).tolist()
        if where:  # names.spelling_sim, vectorised
            spelled = process.cpdist(
                [spelling_key(t) for t in pair_tok[where].tolist()],
                self.spelling[tids_a[where]],
                scorer=Levenshtein.normalized_similarity,
                dtype=np.float64,
            )
            spelled = np.where(spelled >= SPELLING_MIN, SPELLING_FACTOR * spelled, 0.0)
            got[where] = np.maximum(got[where], spelled)
        # Listed tokens of vowel-less romanizations are compared by names.retrieval_sim itself.
        for pos in np.flatnonzero(self.consonantal_tok[tids_a]).tolist():
            got[pos] = retrieval_sim(pair_tok[pos], pair_str[pos], True)
        keep = got >= MIN_TOKEN_SIM
        kept_ids = tids_a[keep].tolist()
        kept_sims = got[keep].tolist()
        kept_counts = np.bincount(owner[keep], minlength=len(tokens)).tolist()
        start = 0
        for (tids, sims), n in zip(found, kept_counts, strict=True):
            if n:
                tids.extend(kept_ids[start : start + n])
                sims.extend(kept_sims[start : start + n])
                start += n

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
            lo, hi = _length_range(lens, length, FUZZY_CUTOFF, least=3)
            if lo >= hi:
                continue
            scores = _similarities(toks, words[lo:hi], FUZZY_CUTOFF)
            # All the group's hits at once: by token, then length, then best first, then
            # vocabulary order (as process.extract gives them), at most FUZZY_LIMIT per length.
            rows, cols = np.nonzero(scores >= FUZZY_CUTOFF)
            if not rows.size:
                continue
            h_lens = lens[lo:hi][cols]
            order = np.lexsort((cols, -scores[rows, cols], h_lens, rows))
            rows, cols, h_lens = rows[order], cols[order], h_lens[order]
            new_group = np.ones(rows.size, dtype=bool)
            new_group[1:] = (rows[1:] != rows[:-1]) | (h_lens[1:] != h_lens[:-1])
            starts = np.maximum.accumulate(np.where(new_group, np.arange(rows.size), 0))
            keep = np.arange(rows.size) - starts < FUZZY_LIMIT
            rows, found = rows[keep], ids[lo:hi][cols[keep]].tolist()
            bounds = np.searchsorted(rows, np.arange(len(toks) + 1)).tolist()
            for n, tok in enumerate(toks):
                out[tok] = found[bounds[n] : bounds[n + 1]]
        return out

    def _similar_consonantal(
        self,
        token: str,
        found: tuple[list[int], list[float]],
        close: dict[str, list[tuple[str, float]]],
    ) -> None:
        """Add to ``found`` the listed tokens with a close skeleton. All tokens of one skeleton
        get the same ``retrieval_sim`` (by skeleton), so it is computed once per skeleton."""
        skel = skeleton(token)
        if len(skel) < 1 or not token.isalpha():
            return
        tids, sims = found
        have = set(tids)
        for s, skel_sim in close[skel]:
            # names.retrieval_sim with consonantal=True, for these two skeletons.
            factor = 0.92 if min(len(skel), len(s)) >= 3 else 0.75
            sim = factor * skel_sim * skel_sim
            if sim < MIN_TOKEN_SIM:
                continue
            ids = self.skel_tokens[s][:200]
            for tid in ids[self.tok_alpha[ids]].tolist():
                if tid not in have:
                    have.add(tid)
                    tids.append(tid)
                    sims.append(sim)

    def _close_skeletons(
        self, skels: list[str], cutoff: float
    ) -> dict[str, list[tuple[str, float]]]:
        """Per skeleton, the listed skeletons of its first letter with an edit similarity of
        at least ``cutoff``, with it: at most FUZZY_LIMIT, best first (ties in list order, as
        process.extract gives them). Skeletons of one letter and length are compared in one
        call."""
        out: dict[str, list[tuple[str, float]]] = {}
        groups: dict[str, list[str]] = {}
        for skel in dict.fromkeys(skels):
            out[skel] = []
            if skel:
                groups.setdefault(skel[0], []).append(skel)
        for letter, group in groups.items():
            entry = self.skel_by_len.get(letter)
            if entry is None:
                continue
            words, lens, places = entry
            for length, same in _by_length(group).items():
                lo, hi = _length_range(lens, length, cutoff)
                if lo >= hi:
                    continue
                scores = _similarities(same, words[lo:hi], cutoff)
                for skel, row in zip(same, scores, strict=True):
                    hits = np.flatnonzero(row >= cutoff)
                    hits = hits[np.lexsort((places[lo:hi][hits], -row[hits]))][:FUZZY_LIMIT]
                    out[skel] = [
                        (words[lo + h], s)
                        for h, s in zip(hits.tolist(), row[hits].tolist(), strict=True)
                    ]
        return out

    # -- retrieval -----------------------------------------------------------------------------
    def coverage(
        self, forms: list[NameForm], floor: float = 0.0
    ) -> tuple[npt.NDArray[Any], npt.NDArray[np.float32]]:
        """Listed forms reached by any query form with a coverage of at least ``floor``, with
        the best coverage over query forms."""
        all_forms: list[npt.NDArray[np.int32]] = []
        all_cov: list[npt.NDArray[np.float32]] = []
        for form in forms:
            got = self._coverage_one(form, floor)
            if got is not None:
                all_forms.append(got[0])
                all_cov.append(got[1])
        if not all_forms:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        if len(all_forms) == 1:
            return all_forms[0], all_cov[0]
        # Best coverage per listed form over the query forms (each form's array is unique).
        best = self.scratch[0]
        for reached, cov in zip(all_forms, all_cov, strict=True):
            best[reached] = np.maximum(best[reached], cov)
        union = self._distinct(np.concatenate(all_forms))
        out = best[union].copy()
        best[union] = 0.0
        return union, out

    def word_weights(self, form: NameForm) -> tuple[float, ...]:
        """How much each word of a query form identifies (see ``_weight``)."""
        syllabic = form.method in SYLLABIC_METHODS
        return tuple(
            self.expand(t, form.consonantal, syllabic=syllabic).weight for t in form.tokens
        )

    def _coverage_one(
        self, form: NameForm, floor: float = 0.0
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]] | None:
        """Per listed form reached, the name score ``names.compare_tokens`` would give if every
        query word met its most similar listed word: the same weighted sum (a pair weighs the
        mean of its two words' weights) over the same denominator, with the least costs for
        words left unmatched."""
        tokens = form.tokens
        # Syllable by syllable (names.compare_tokens), near misses count squared, and a
        # syllable missing on either side costs its full weight.
        syllabic = form.method in SYLLABIC_METHODS
        exps = [self.expand(t, form.consonantal, syllabic=syllabic) for t in tokens]
        total = sum(e.weight for e in exps)
        if total <= 0:
            return None
        # Two query words that the list writes as one ("Chon Myong" / "CHONMYONG"): the joined
        # word stands for the pair.
        joined = [
            self.expand(tokens[i] + tokens[i + 1], form.consonantal, joined=True)
            for i in range(len(tokens) - 1)
        ]
        q_cost, l_cost = (1.0, 1.0) if syllabic else (LEAST_QUERY_COST, LEAST_CANDIDATE_COST)
        # Per query word, the parts that reach listed forms: its own expansion and the joined
        # pairs it belongs to. Per listed form, the word counts with its best similarity over
        # them (alone or joined with a neighbour) and the weight of the listed word it reaches;
        # a word counts once: adding its own and its pair's similarity would let a form
        # matching two words of three look complete. A joined pair's listed word is shared by
        # its two query words (half its weight each).
        parts: list[Expansion] = []
        part_word: list[int] = []
        part_factor: list[float] = []
        for i, ch in enumerate(exps):
            for part in (ch, *joined[max(i - 1, 0) : i + 1]):
                if part.forms.size:
                    parts.append(part)
                    part_word.append(i)
                    part_factor.append(1.0 if part is ch else 0.5)
        if not parts:
            return None
        # Initials reach no listed word here but may match one (of weight up to 1) in the
        # detailed comparison: count them as matched, so the bound stays a bound. Words no
        # word of the other side reached still cost (at least the LEAST_* costs). (A one-letter
        # syllable of romanized Chinese or Korean matches only itself, word by word, but counts
        # here too: its names compared whole, "a bu dou ha ke" / "Abudu Hake", score above what
        # word by word could, and the margin alone does not cover it.)
        initials = sum(e.weight for t, e in zip(tokens, exps, strict=True) if len(t) == 1)
        n_initials = sum(len(t) == 1 for t in tokens)
        initial_sim = INITIAL_SIM * (initials + n_initials) / 2
        costs = np.array(
            [initial_sim, initials, n_initials, total, q_cost, l_cost, floor], np.float32
        )
        ends = np.cumsum([p.forms.size for p in parts])
        return kernels.cover(
            np.concatenate([p.forms for p in parts]),
            np.concatenate([p.sims for p in parts]),
            np.concatenate([p.listed_weights for p in parts]),
            np.array(part_word, np.int32),
            np.array(part_factor, np.float32),
            ends,
            np.array([e.weight for e in exps], np.float32),
            syllabic,
            # Words joined on either side count from the similarity at which the comparison
            # joins them (see kernels.cover); romanized syllables and vowel-less script are
            # compared through refinements the bound does not follow (syllables squared, long
            # vowels), so for them joined words count at any similarity.
            not (syllabic or form.consonantal),
            costs,
            self.form_weight_bare if form.consonantal else self.form_weight,
            self.scratch,
            self.seen,
        )

    def _distinct(self, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """The distinct values of an array of form numbers, without sorting: each position
        writes itself into ``seen``; the one left standing per value is that value's last."""
        positions = np.arange(values.size, dtype=np.int32)
        self.seen[values] = positions
        distinct: npt.NDArray[Any] = values[self.seen[values] == positions]
        return distinct


def _sums(values: npt.NDArray[np.float64], ptr: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
    """Per slice ``ptr[i]:ptr[i + 1]`` of ``values``, its sum."""
    sums = np.concatenate([[0.0], np.cumsum(values)])
    out: npt.NDArray[np.float32] = (sums[ptr[1:]] - sums[ptr[:-1]]).astype(np.float32)
    return out


def _length_range(
    lens: npt.NDArray[np.int64], length: int, cutoff: float, least: int = 0
) -> tuple[int, int]:
    """The positions, in ``lens`` (sorted), of the lengths at which a word can reach an edit
    similarity of ``cutoff`` with a word of ``length`` (the lengths within that ratio)."""
    lo = int(np.searchsorted(lens, max(least, math.ceil(length * cutoff - 1e-9)), "left"))
    hi = int(np.searchsorted(lens, length / cutoff + 1e-9, "right"))
    return lo, hi


def _similarities(queries: list[str], words: list[str], cutoff: float) -> npt.NDArray[np.float64]:
    """Edit similarities of every query against every word (0 below ``cutoff``)."""
    scores: npt.NDArray[np.float64] = process.cdist(
        queries, words, scorer=Levenshtein.normalized_similarity, score_cutoff=cutoff,
        dtype=np.float64,
    )  # fmt: skip
    return scores


def _by_length(words: list[str]) -> dict[int, list[str]]:
    groups: dict[int, list[str]] = {}
    for word in words:
        groups.setdefault(len(word), []).append(word)
    return groups


def _keep_from(found: list[tuple[list[int], list[float]]], good: Callable[[float], bool]) -> None:
    """Keep, in place, only the listed words found with a ``good`` similarity."""
    for tids, sims in found:
        if not all(good(sim) for sim in sims):
            kept = [(t, s) for t, s in zip(tids, sims, strict=True) if good(s)]
            tids[:] = [t for t, _ in kept]
            sims[:] = [s for _, s in kept]


def _plain_syllables(a: str, b: str) -> bool:
    """Whether ``names.syllable_sim`` compares two syllables by plain edit similarity (rather
    than as equal, initials or numbers)."""
    return a != b and len(a) > 1 and len(b) > 1 and a.isalpha() and b.isalpha()


def _fuzzy_token(token: str) -> bool:
    return len(token) >= 2 and _DIGIT.search(token) is None


def _bucket(token: str) -> str:
    # Vowel-initial names swap their first vowel across transliterations (Osama / Usama).
    return "V" if token[0] in _VOWELS else token[0]
