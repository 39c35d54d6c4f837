"""Screening over the list store: the persisted index of the serving list versions, and batches.

The index is built from the serving version of every list and saved as
``data_dir/screening/index-<key>.bin``, the key being a hash of the ``{list: version id}`` map
(and of the index format and algorithm). While the serving versions stay the same, the file is
reused; a new list version gives a new key, so the old index is never served by mistake. Loaded
screeners are cached in the process, so the API does not reload the index per request.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.errors import AccordError, InvalidInputError, NotFoundError
from accord.lists.registry import all_sources
from accord.lists.store import iter_listed_entities
from accord.screening.engine import Screener, Workers
from accord.screening.explain import Hit
from accord.screening.index import FORMAT
from accord.screening.listdata import MATCHABLE
from accord.screening.query import InvalidQueryError, Query
from accord.screening.score import ALGORITHM_VERSION, DEFAULT_THRESHOLD
from accord.settings import Settings
from accord.store.db import Store
from accord.store.models import ListState

log = logging.getLogger(__name__)

ALL_DATASETS = frozenset({"default", "sanctions", "all"})
BATCH_CHUNK = 2_000


class NoListsServingError(AccordError):
    """Screening against no list would report every party as clear: refuse instead."""

    http_status = 503

    def __init__(self) -> None:
        super().__init__(
            "no sanctions list is serving, so nothing can be screened; load lists first "
            "(accord lists fetch)"
        )


def serving_versions(session: Session) -> dict[str, int]:
    """``{list id: serving version id}`` of every list that has a serving version."""
    rows = session.execute(
        select(ListState.list_id, ListState.current_version_id).where(
            ListState.current_version_id.is_not(None)
        )
    )
    return {str(list_id): int(version) for list_id, version in rows if version is not None}


def index_key(versions: dict[str, int]) -> str:
    payload = orjson.dumps(
        {"versions": versions, "format": FORMAT, "algorithm": ALGORITHM_VERSION},
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(payload).hexdigest()[:20]


def index_dir(settings: Settings) -> Path:
    return settings.data_dir / "screening"


def index_path(settings: Settings, versions: dict[str, int]) -> Path:
    return index_dir(settings) / f"index-{index_key(versions)}.bin"


# (data dir, index key) -> screener; one entry per data dir (the newest serving versions).
_CACHE: dict[Path, tuple[str, Screener]] = {}
_LOCK = threading.Lock()


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def get_screener(store: Store, settings: Settings) -> Screener:
    """The screener of the serving list versions: cached, else loaded from disk, else built."""
    with store.reader() as session:
        versions = serving_versions(session)
    if not versions:
        raise NoListsServingError()
    key = index_key(versions)
    data_dir = settings.data_dir.resolve()
    cached = _CACHE.get(data_dir)
    if cached is not None and cached[0] == key:
        return cached[1]
    with _LOCK:
        cached = _CACHE.get(data_dir)
        if cached is not None and cached[0] == key:
            return cached[1]
        screener = _load_or_build(store, settings, versions)
        _CACHE[data_dir] = (key, screener)
        return screener


def _load_or_build(store: Store, settings: Settings, versions: dict[str, int]) -> Screener:
    path = index_path(settings, versions)
    if path.is_file():
        try:
            screener = Screener.load(path)
        except (InvalidInputError, OSError, ValueError, KeyError) as exc:
            log.warning("screening index %s unusable (%s); rebuilding", path, exc)
        else:
            # Lists without a matchable entity are absent from the index's own versions.
            if set(screener.versions.items()) <= set(versions.items()):
                log.info("screening index loaded from %s", path)
                return screener
            log.warning("screening index %s is stale; rebuilding", path)
    with store.reader() as session:
        entities = [
            e
            for e in iter_listed_entities(session, list(versions))
            if e.entity.schema.name in MATCHABLE
        ]
    screener = Screener.build(entities)
    path.parent.mkdir(parents=True, exist_ok=True)
    screener.save(path)
    for old in path.parent.glob("index-*.bin"):
        if old != path:
            old.unlink(missing_ok=True)
    log.info("screening index of %d entities built at %s", len(entities), path)
    return screener


def dataset_lists(screener: Screener, dataset: str) -> list[str] | None:
    """The loaded list ids a dataset names: a list id, a jurisdiction, or all (None)."""
    if dataset.lower() in ALL_DATASETS:
        return None
    loaded = set(screener.versions)
    if dataset in all_sources() or dataset in loaded:
        if dataset not in loaded:
            raise NotFoundError(f"dataset {dataset!r}: the list has no serving version")
        return [dataset]
    wanted = dataset.upper()
    ids = [s.id for s in all_sources().values() if s.jurisdiction.upper() == wanted]
    if not ids:
        raise NotFoundError(
            f"unknown dataset {dataset!r}: use a list id, a jurisdiction or 'default'"
        )
    served = [i for i in ids if i in loaded]
    if not served:
        raise NotFoundError(f"dataset {dataset!r}: none of its lists ({', '.join(ids)}) serves")
    return served


def match_lists(
    screener: Screener,
    dataset: str,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> list[str] | None:
    """The lists a yente-style ``/match/{dataset}`` searches, None for all loaded lists.

    ``include`` narrows the dataset to the given datasets, ``exclude`` removes some (yente's
    ``include_dataset`` and ``exclude_dataset``); each names a list id, a jurisdiction or all.
    """
    scope = dataset_lists(screener, dataset)
    if not include and not exclude:
        return scope

    def named(field: str, names: Sequence[str]) -> set[str]:
        out: set[str] = set()
        for name in names:
            try:
                lists = dataset_lists(screener, name)
            except NotFoundError as exc:
                raise InvalidQueryError(field, str(exc)) from None
            out |= set(screener.versions) if lists is None else set(lists)
        return out

    chosen = set(screener.versions) if scope is None else set(scope)
    if include:
        chosen &= named("include_dataset", include)
    chosen -= named("exclude_dataset", exclude)
    if not chosen:
        raise InvalidQueryError(
            "include_dataset" if include else "exclude_dataset",
            f"no list of dataset {dataset!r} is left to screen against",
        )
    return sorted(chosen)


@dataclass(frozen=True)
class ScreenOptions:
    threshold: float = DEFAULT_THRESHOLD
    limit: int = 10
    lists: Sequence[str] | None = None


def check_options(screener: Screener, opts: ScreenOptions) -> None:
    """Refuse options that would make every query of a batch fail, before reading the batch."""
    if not 0.0 <= opts.threshold <= 1.0:
        raise InvalidQueryError("threshold", f"{opts.threshold} is not between 0 and 1")
    if opts.limit < 1:
        raise InvalidQueryError("limit", "must be at least 1")
    if opts.lists is not None:
        unknown = [name for name in opts.lists if name not in screener.versions]
        if unknown or not opts.lists:
            raise InvalidQueryError(
                "lists",
                f"unknown list {', '.join(map(repr, unknown)) or '(none given)'}; "
                f"loaded lists: {', '.join(sorted(screener.versions))}",
            )


def screen_each(
    screener: Screener, items: Sequence[tuple[Query, ScreenOptions]], field: str = "queries"
) -> list[list[Hit]]:
    """Screen queries that each carry their own options; a bad option names its query."""
    out: list[list[Hit]] = []
    for pos, (query, opts) in enumerate(items):
        try:
            out.append(screener.screen(query, opts.threshold, opts.limit, opts.lists))
        except InvalidQueryError as exc:
            message = str(exc).removeprefix(f"{exc.field}: ")
            raise InvalidQueryError(f"{field}[{pos}].{exc.field}", message) from None
    return out


@dataclass(frozen=True)
class BatchRow:
    """One input row: its line number, an optional caller key, the query or why it was refused."""

    line: int
    key: str | None
    query: Query | None
    error: str | None = None


# A chunk of rows handed to the screener, and the function that waits for its hits.
_Submitted = tuple[list[BatchRow], Callable[[], list[list[Hit]]]]


@dataclass(frozen=True)
class BatchResult:
    row: BatchRow
    hits: list[Hit]


def screen_stream(
    screener: Screener,
    rows: Iterable[BatchRow],
    opts: ScreenOptions,
    workers: int | None = None,
    chunk: int = BATCH_CHUNK,
    widen: Callable[[Sequence[BatchRow]], int] | None = None,
) -> Iterator[BatchResult]:
    """Screen rows in chunks (in worker processes), yielding results in input order.

    ``widen(chunk)`` says how many hits beyond ``opts.limit`` to ask for in that chunk (room for
    hits that analysts' decisions will suppress: see ``records.screen_stream``).
    """
    check_options(screener, opts)

    def chunks() -> Iterator[list[BatchRow]]:
        pending: list[BatchRow] = []
        for row in rows:
            pending.append(row)
            if len(pending) >= chunk:
                yield pending
                pending = []
        if pending:
            yield pending

    def submit(part: list[BatchRow], pool: Workers | None) -> _Submitted:
        good = [r.query for r in part if r.query is not None]
        limit = opts.limit + (widen(part) if widen is not None and good else 0)
        return part, screener.submit(good, opts.threshold, limit, opts.lists, pool)

    def results(submitted: _Submitted) -> Iterator[BatchResult]:
        part, wait = submitted
        hits = iter(wait())
        for row in part:
            yield BatchResult(row, next(hits) if row.query is not None else [])

    # One set of workers for the whole stream: what they expand and compare for one chunk
    # serves the next. A chunk is handed to them before the previous one's results are
    # yielded, so reading the input and writing the output overlap their work.
    with screener.workers(workers) as pool:
        ahead: _Submitted | None = None
        for part in chunks():
            submitted = submit(part, pool)
            if ahead is not None:
                yield from results(ahead)
            ahead = submitted
        if ahead is not None:
            yield from results(ahead)


def hit_json(hit: Hit) -> dict[str, object]:
    """A hit as JSON for programs: ``schema`` rather than the model's ``schema_``."""
    data = hit.model_dump(mode="json")
    data["schema"] = data.pop("schema_")
    return data
