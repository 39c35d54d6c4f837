"""The screener: build or load an index, screen one query or many, return explained hits."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.pool import Pool
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from accord.screening.explain import Hit, build_hit
from accord.screening.identifiers import normalize_identifier
from accord.screening.index import (
    FLAG_CONSONANTAL,
    FLAG_SHADOWED,
    FLAG_WEAK,
    KIND_CODES,
    METHODS,
    EntityRecord,
    ScreeningIndex,
)
from accord.screening.names import (
    SIDE_LISTED,
    SIDE_QUERY,
    NameMatch,
    compare_tokens,
)
from accord.screening.normalize import NameForm, analyze
from accord.screening.query import InvalidQueryError, Query
from accord.screening.retrieve import Retriever
from accord.screening.score import (
    DEFAULT_THRESHOLD,
    NAME_WEIGHT,
    Context,
    NameEvidence,
    max_boost,
    score,
)
from accord.screening.scripts import SYLLABIC_METHODS

if TYPE_CHECKING:  # importing followthemoney costs ~1 s; loading an index needs none of it
    from accord.lists.model import ListedEntity

MAX_QUERY_FORMS = 12
# Batches smaller than this are screened in this process; a worker's part is at most
# MAX_PART queries (more parts than workers keep the workers busy to the end).
MIN_PARALLEL = 64
MAX_PART = 2048
FORMS_PER_ENTITY = 3
MAX_SCORED = 200
# The retrieval bound is close to, not strictly above, the name score: keep a margin. A query
# read from another script ("Уладзіміравіч", "جاویدان") is compared with refinements the bound
# does not follow (a written long vowel standing for a Latin "v", names compared without spaces):
# its bound was measured up to 0.063 below the name score on the benchmark's cross-script cases
# (6 of 3,229 lost at the threshold), so it keeps a wider margin. 0.07 costs ~4 % of a batch's
# CPU; 0.12 cost 30 %. A query romanized from Arabic or Hebrew script is bounded word by word
# with the comparison's own similarity (long vowels fitted, see Retriever._fit_long_vowels),
# but its names compared whole, without spaces, can score above that: 0.106 above on the
# benchmark's cross-script cases (Masood Azhar); it keeps a margin of 0.11.
BOUND_SLACK = 0.03
ROMANIZED_BOUND_SLACK = 0.07
VOWEL_LESS_BOUND_SLACK = 0.11
# Comparing through a transliteration is less certain than comparing names as written.
ROMANIZED_FACTOR = 0.97
_ALLOWED = {
    "person": (KIND_CODES["person"], KIND_CODES["any"]),
    "org": (KIND_CODES["org"], KIND_CODES["any"]),
    "vessel": (KIND_CODES["vessel"], KIND_CODES["any"]),
    "any": tuple(KIND_CODES.values()),
}
# The same as a lookup table: entity kind code -> allowed.
_KIND_OK = {
    kind: np.isin(np.arange(max(KIND_CODES.values()) + 1), codes)
    for kind, codes in _ALLOWED.items()
}


@dataclass(frozen=True)
class Workers:
    """Worker processes sharing a screener's index (``Screener.workers``)."""

    pool: Pool
    size: int


class Screener:
    def __init__(self, index: ScreeningIndex) -> None:
        self.index = index
        self.retriever = Retriever(index)
        self.list_ids = sorted(index.versions)
        self._form_cache: dict[int, tuple[NameForm, tuple[float, ...]]] = {}
        self.by_identifier: dict[str, list[int]] = {}
        self._by_id: dict[str, int] | None = None
        for e_idx, ent in enumerate(index.entities):
            for _, value, _ in ent.identifiers:
                self.by_identifier.setdefault(value, []).append(e_idx)

    @classmethod
    def build(cls, entities: Iterable[ListedEntity]) -> Screener:
        return cls(ScreeningIndex.build(entities))

    def save(self, path: Path) -> None:
        self.index.save(path)

    @classmethod
    def load(cls, path: Path, expect_versions: dict[str, int] | None = None) -> Screener:
        return cls(ScreeningIndex.load(path, expect_versions))

    @property
    def versions(self) -> dict[str, int]:
        return dict(self.index.versions)

    def entity(self, entity_id: str) -> EntityRecord | None:
        """The indexed facts of a listed entity, by id (for presenting hits)."""
        if self._by_id is None:
            self._by_id = {e.id: i for i, e in enumerate(self.index.entities)}
        pos = self._by_id.get(entity_id)
        return None if pos is None else self.index.entities[pos]

    # -- screening -----------------------------------------------------------------------------
    def screen(
        self,
        query: Query,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
        lists: Sequence[str] | None = None,
        only: Collection[str] | None = None,
    ) -> list[Hit]:
        """Listed entities scoring at least ``threshold``, best first, at most ``limit``.

        ``only`` restricts the hits to these entity ids (scores are those of the whole index).
        """
        return self._screen(query, threshold, limit, lists, only, None)

    def _screen(
        self,
        query: Query,
        threshold: float,
        limit: int,
        lists: Sequence[str] | None,
        only: Collection[str] | None,
        forms: list[NameForm] | None,
    ) -> list[Hit]:
        if not 0.0 <= threshold <= 1.0:
            raise InvalidQueryError("threshold", f"{threshold} is not between 0 and 1")
        if limit < 1:
            raise InvalidQueryError("limit", "must be at least 1")
        list_mask = self._list_mask(lists)
        if only is not None:
            only_mask = self._entity_mask(only)
            if not only_mask.any():
                return []
            list_mask = only_mask if list_mask is None else list_mask & only_mask
        if forms is None:
            forms = self._query_forms(query)
            # Its tokens' fuzzy look-ups made together rather than one by one.
            self.retriever.prefetch(forms)
        boost = max_boost(query)
        slack = (
            VOWEL_LESS_BOUND_SLACK
            if any(f.consonantal for f in forms)
            else BOUND_SLACK
            if all(f.method == "latin" for f in forms)
            else ROMANIZED_BOUND_SLACK
        )
        floor = (threshold - boost) / NAME_WEIGHT - slack
        ranked = self._ranked_entities(query, forms, floor, list_mask, MAX_SCORED)
        namer = _Namer(self, forms)
        hits: list[Hit] = []
        for e_idx, bound, cand_forms in ranked:
            if len(hits) >= limit and NAME_WEIGHT * bound + boost < hits[-1].score:
                break
            name = namer.best(cand_forms)
            cannot_pass = name is not None and NAME_WEIGHT * name.score + boost < threshold
            if cannot_pass and not query.identifiers:
                continue  # whatever the other facts say
            ctx = Context(query, self.index.entities[e_idx], name)
            total, parts = score(ctx)
            if total >= threshold:
                hit = build_hit(ctx.entity, total, threshold, ctx.name, parts, self.versions)
                hits.append(hit)
                hits.sort(key=lambda h: -h.score)
                del hits[limit:]
        return hits

    def candidates(self, query: Query, k: int = 50) -> list[str]:
        """Entity ids retrieval hands to scoring, before any threshold (for recall checks)."""
        ranked = self._ranked_entities(query, self._query_forms(query), 0.0, None, k)
        return [self.index.entities[e].id for e, _, _ in ranked[:k]]

    def screen_many(
        self,
        queries: Sequence[Query],
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
        lists: Sequence[str] | None = None,
        workers: int | None = None,
        pool: Workers | None = None,
    ) -> list[list[Hit]]:
        """Screen a batch, split over worker processes that share this index (fork): those of
        ``pool`` (see ``workers``), else ones started for this batch."""
        if pool is None and _worker_count(workers) > 1 and len(queries) >= MIN_PARALLEL:
            with self.workers(workers) as started:  # None where this platform cannot fork
                return self.submit(queries, threshold, limit, lists, started)()
        return self.submit(queries, threshold, limit, lists, pool)()

    def submit(
        self,
        queries: Sequence[Query],
        threshold: float,
        limit: int,
        lists: Sequence[str] | None,
        pool: Workers | None,
    ) -> Callable[[], list[list[Hit]]]:
        """Hand a batch to the workers of ``pool`` and return at once; the function returned
        waits for the hits. Without workers the batch is screened here, before returning."""
        if pool is None:
            hits = self._screen_all(list(queries), threshold, limit, lists)
            return lambda: hits
        # Parts as large as the batch allows (their words are expanded together: larger parts
        # expand faster), of at most MAX_PART queries, in a multiple of the workers' number so
        # they finish together.
        rounds = max(1, -(-len(queries) // (pool.size * MAX_PART)))
        size = max(MIN_PARALLEL, -(-len(queries) // (rounds * pool.size)))
        parts = [
            (list(queries[i : i + size]), threshold, limit, lists)
            for i in range(0, len(queries), size)
        ]
        pending = pool.pool.map_async(_screen_part, parts, chunksize=1)
        return lambda: [hits for part in pending.get() for hits in part]

    @contextmanager
    def workers(self, workers: int | None = None) -> Iterator[Workers | None]:
        """Worker processes forked once for several batches (``screen_many(pool=...)``): each
        keeps the words it expanded and the names it compared from one batch to the next.
        None where one process is asked for, or the platform cannot fork."""
        n = _worker_count(workers)
        if n <= 1 or "fork" not in mp.get_all_start_methods():
            yield None
            return
        global _WORKER
        _WORKER = self
        # The workers share this process's objects copy-on-write: keep the garbage collector
        # away from them, or each collection in each worker walks (and copies) the whole heap.
        gc.freeze()
        try:
            with mp.get_context("fork").Pool(n) as pool:
                yield Workers(pool, n)
        finally:
            gc.unfreeze()

    # -- internals -----------------------------------------------------------------------------
    def _screen_all(
        self,
        queries: list[Query],
        threshold: float,
        limit: int,
        lists: Sequence[str] | None,
    ) -> list[list[Hit]]:
        """Screen queries in order, their name tokens expanded together first (vectorised)."""
        if not 0.0 <= threshold <= 1.0 or limit < 1:
            return [self.screen(q, threshold, limit, lists) for q in queries]  # raises
        # The collector's full passes would walk the whole index and caches, again and again
        # (6-8 % of a batch's CPU): what exists before the batch, and what each part of it
        # leaves (mostly cache entries), is left out of them until the batch ends. (A worker of
        # screen_many finds the heap frozen by its parent, which unfreezes it.)
        owner = gc.get_freeze_count() == 0
        gc.freeze()
        out: list[list[Hit]] = []
        step = 1024
        try:
            for start in range(0, len(queries), step):
                part = queries[start : start + step]
                forms = [self._query_forms(q) for q in part]
                self.retriever.prefetch(f for fs in forms for f in fs)
                out.extend(
                    self._screen(q, threshold, limit, lists, None, fs)
                    for q, fs in zip(part, forms, strict=True)
                )
                gc.freeze()
        finally:
            if owner:
                gc.unfreeze()
        return out

    def _entity_mask(self, entity_ids: Collection[str]) -> np.ndarray:
        if self._by_id is None:
            self._by_id = {e.id: i for i, e in enumerate(self.index.entities)}
        mask = np.zeros(len(self.index.entities), dtype=bool)
        mask[[self._by_id[e] for e in entity_ids if e in self._by_id]] = True
        return mask

    def _list_mask(self, lists: Sequence[str] | None) -> np.ndarray | None:
        if lists is None:
            return None
        unknown = [name for name in lists if name not in self.index.versions]
        if unknown or not lists:
            raise InvalidQueryError(
                "lists",
                f"unknown list {', '.join(map(repr, unknown)) or '(none given)'}; "
                f"loaded lists: {', '.join(self.list_ids)}",
            )
        codes = [self.list_ids.index(name) for name in lists]
        return np.isin(self.index.arrays["ent_list"], codes)

    def _query_forms(self, query: Query) -> list[NameForm]:
        forms: list[NameForm] = []
        seen: set[tuple[str, ...]] = set()
        for name in query.names:
            for form in analyze(name, query.kind):
                if form.tokens not in seen:
                    seen.add(form.tokens)
                    forms.append(form)
        return forms[:MAX_QUERY_FORMS]

    def _ranked_entities(
        self,
        query: Query,
        forms: list[NameForm],
        floor: float,
        list_mask: np.ndarray | None,
        max_entities: int,
    ) -> list[tuple[int, float, list[int]]]:
        """Entities by their best retrieval bound, each with its best-covered forms."""
        arrays = self.index.arrays
        reached, cov = self.retriever.coverage(forms, floor)
        if not any(f.consonantal for f in forms):
            keep = (arrays["form_flags"][reached] & FLAG_SHADOWED) == 0
            reached, cov = reached[keep], cov[keep]
        ents = arrays["form_entity"][reached]
        ok = _KIND_OK[query.kind][arrays["ent_kind"][ents]]
        if list_mask is not None:
            ok &= list_mask[ents]
        reached, cov, ents = reached[ok], cov[ok], ents[ok]
        order = np.argsort(-cov, kind="stable")
        grouped: dict[int, tuple[float, list[int]]] = {}
        for f_idx, c, e in zip(
            reached[order].tolist(), cov[order].tolist(), ents[order].tolist(), strict=True
        ):
            entry = grouped.get(e)
            if entry is None:
                if len(grouped) >= max_entities:
                    continue
                grouped[e] = (c, [f_idx])
            elif len(entry[1]) < FORMS_PER_ENTITY:
                entry[1].append(f_idx)
        for e in self._identifier_entities(query):
            if e not in grouped and (list_mask is None or list_mask[e]):
                grouped[e] = (1.0, [])
        return sorted(((e, b, f) for e, (b, f) in grouped.items()), key=lambda t: -t[1])

    def _identifier_entities(self, query: Query) -> list[int]:
        out: list[int] = []
        for ident in query.identifiers:
            norm = normalize_identifier(ident.kind, ident.value)
            if norm is not None:
                out.extend(self.by_identifier.get(norm.value, []))
        return out

    def listed_form(self, f_idx: int) -> tuple[NameForm, tuple[float, ...]]:
        """A listed name form and its token weights (cached: the same forms recur)."""
        got = self._form_cache.get(f_idx)
        if got is not None:
            return got
        form = self._make_form(f_idx)
        weights = self.retriever.weights
        tok_id = self.retriever.tok_id
        got = (form, tuple(float(weights[tok_id[t]]) for t in form.tokens))
        if len(self._form_cache) > 50_000:
            self._form_cache.clear()
        self._form_cache[f_idx] = got
        return got

    def _make_form(self, f_idx: int) -> NameForm:
        arrays = self.index.arrays
        ent = self.index.entities[int(arrays["form_entity"][f_idx])]
        return NameForm(
            ent.names[int(arrays["form_name"][f_idx])],
            tuple(self.index.form_tokens(f_idx)),
            METHODS[int(arrays["form_method"][f_idx])],
            bool(arrays["form_flags"][f_idx] & FLAG_CONSONANTAL),
            frozenset(self.index.legal_sets[int(arrays["form_legal"][f_idx])]),
        )


class _Namer:
    """Finds the best pair of names for one query, remembering comparisons already made:
    the same spelling is often listed by several lists."""

    def __init__(self, screener: Screener, forms: list[NameForm]) -> None:
        self.screener = screener
        retriever = screener.retriever
        self.forms = [(qf, retriever.word_weights(qf)) for qf in forms]
        self.memo: dict[tuple[int, tuple[str, ...], int], NameMatch] = {}

    def best(self, cand_forms: list[int]) -> NameEvidence | None:
        screener = self.screener
        flags = screener.index.arrays["form_flags"]
        best: NameEvidence | None = None
        for f_idx in cand_forms:
            listed, l_weights = screener.listed_form(f_idx)
            for q_idx, (qf, q_weights) in enumerate(self.forms):
                sides = (SIDE_QUERY if qf.consonantal else 0) | (
                    SIDE_LISTED if listed.consonantal else 0
                )
                # (sides: listed forms with the same words may differ in their script.)
                key = (q_idx, listed.tokens, sides)
                match = self.memo.get(key)
                if match is None:
                    match = compare_tokens(
                        qf.tokens, q_weights, listed.tokens, l_weights, bool(sides),
                        syllabic=qf.method in SYLLABIC_METHODS, sides=sides,
                    )  # fmt: skip
                    self.memo[key] = match
                value = match.score
                if qf.method != "latin" or listed.method != "latin":
                    value *= ROMANIZED_FACTOR
                if best is None or value > best.score:
                    weak = bool(flags[f_idx] & FLAG_WEAK)
                    best = NameEvidence(qf, listed, match, value, weak, match.info)
        return best


_WORKER: Screener | None = None


def _worker_count(workers: int | None) -> int:
    return workers or os.cpu_count() or 1


def _screen_part(
    part: tuple[list[Query], float, int, Sequence[str] | None],
) -> list[list[Hit]]:
    assert _WORKER is not None
    return _WORKER._screen_all(*part)
