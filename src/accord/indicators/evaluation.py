"""What an indicator's logic receives and returns, and the registry of that logic.

An evaluator is a function ``Context -> Events``: it builds *one Ibis expression* over the
analytical store's tables (and the geography tables in ``accord.geo``) and names the columns of
its result. It never executes anything: the engine executes the expression on whichever backend
the store was opened with (DuckDB by default, PySpark at scale), so no logic exists twice.

Every events table has ``track_id``, ``start`` and ``end`` (timestamps), ``lat``/``lon`` (where
the event happened, may be null) and, for events between two vessels, ``other_track_id``; the
other columns it lists as metrics go into the alert's evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import ibis
import pyarrow as pa

from accord.analytics.store import AnalyticsStore
from accord.errors import NotFoundError
from accord.indicators.model import Indicator, ParamValue


@dataclass(frozen=True)
class Window:
    """A half-open time window ``[start, end)`` in UTC."""

    start: datetime
    end: datetime


class RunTables:
    """Tables the indicators of one engine run share; ``close()`` frees them at the run's end.

    Materialising uses Ibis' ``Table.cache()``, which every backend implements its own way (a
    persisted DataFrame on Spark), so indicator code stays portable; an engine may override
    ``materialise``/``release`` with a backend's better way.
    """

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.memtables: dict[str, ibis.Table] = {}
        self._tables: dict[Hashable, tuple[datetime, ibis.Table]] = {}

    def materialise(self, table: ibis.Table) -> ibis.Table:
        return table.cache()

    def release(self, table: ibis.Table) -> None:
        if isinstance(table, ibis.expr.types.CachedTable):
            table.release()

    def since(
        self, key: Hashable, since: datetime, make: Callable[[], ibis.Table]
    ) -> tuple[datetime, ibis.Table]:
        """``make()``, a table of rows from ``since`` on, materialised once and shared.

        A later request for rows from a later instant gets the table already made, with the
        instant it starts from, and narrows it itself: one materialisation serves every
        lookback. A request reaching further back replaces the table with a wider one.
        """
        held = self._tables.get(key)
        if held is not None and held[0] <= since:
            return held
        table = make()
        # An expression over in-memory tables only (an empty dataset) has nothing worth keeping,
        # and materialising it would put it in Ibis' default backend, out of the run's reach.
        if ibis.get_backend(table) is self.backend:
            table = self.materialise(table)
        if held is not None:
            # The wider table serves the narrower one's readers too.
            self.release(held[1])
        self._tables[key] = (since, table)
        return since, table

    def __enter__(self) -> RunTables:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for _, table in self._tables.values():
            self.release(table)
        self._tables.clear()
        self.memtables.clear()


@dataclass
class Context:
    store: AnalyticsStore
    indicator: Indicator
    window: Window
    params: dict[str, ParamValue]
    #: IMO numbers of vessels on the sanctions lists (from the operational store).
    listed_imos: frozenset[int] = frozenset()
    #: What the indicators of the engine run share; ``None`` evaluates every expression afresh.
    run: RunTables | None = None
    _memtables: dict[str, ibis.Table] = field(default_factory=dict)

    def num(self, name: str) -> float:
        value = self.params[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{self.indicator.id}: parameter {name} is not a number: {value!r}")
        return float(value)

    def codes(self, name: str) -> list[str]:
        value = self.params[name]
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def positions(self, lookback: timedelta) -> ibis.Table:
        """Positions from ``lookback`` before the window start up to its end.

        The ``date`` partition filter comes first so that Parquet partitions outside the
        window are never opened (partition pruning on DuckDB and Spark alike).
        """
        t = self.store.table("positions")
        lo = self.window.start - lookback
        return t.filter(
            t.date >= lo.date(),
            t.date <= self.window.end.date(),
            t.ts >= lo,
            t.ts < self.window.end,
            t.track_id.notnull(),
        )

    def table(self, dataset: str) -> ibis.Table:
        return self.store.table(dataset)

    def memtable(self, name: str, make: Callable[[], pa.Table]) -> ibis.Table:
        """A small reference table (geography, watchlists) as an Ibis table, made once per run.

        Per run rather than per context when the engine gives one: the shore grid and the port
        cells are then built once for the run instead of once for each indicator reading them.
        """
        memtables = self.run.memtables if self.run is not None else self._memtables
        if name not in memtables:
            memtables[name] = ibis.memtable(make())
        return memtables[name]


@dataclass(frozen=True)
class Events:
    """An evaluator's result: the expression plus the names of its evidence columns."""

    table: ibis.Table
    metrics: tuple[str, ...]
    #: Column holding the score in [0, 1]; without one every event scores 1.
    score: str | None = None
    #: True when each event involves two tracks (``other_track_id``).
    pair: bool = False


Evaluator = Callable[[Context], Events]
_EVALUATORS: dict[str, Evaluator] = {}


def evaluator(name: str) -> Callable[[Evaluator], Evaluator]:
    """Register the decorated function as the logic named ``name`` in catalogue files."""

    def register(func: Evaluator) -> Evaluator:
        _EVALUATORS[name] = func
        return func

    return register


def get_evaluator(name: str) -> Evaluator:
    # The vessel logic registers itself on import; importing here keeps the registry complete
    # for every caller without an import-order convention.
    import accord.indicators.vessel  # noqa: F401

    try:
        return _EVALUATORS[name]
    except KeyError:
        raise NotFoundError(f"no evaluator registered as {name!r}") from None


def evaluators() -> dict[str, Evaluator]:
    import accord.indicators.vessel  # noqa: F401

    return dict(_EVALUATORS)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


def as_any(value: Any) -> Any:
    """Ibis expressions are untyped for mypy; this names the places where that is accepted."""
    return value
