"""The indicator engine: evaluate catalogue indicators over a window, store their alerts.

The use case ``run_indicators`` owns its transaction: it reads the overrides in force, executes
each indicator's expression on the analytical store's backend, turns each event into an alert in
the standard schema and upserts it by its deterministic id, and records the run, all in one
commit. A rerun over the same window therefore refreshes alerts and adds none; ``--since-last``
windows continue from where the previous run of each indicator ended (incremental runs).

The indicators of one run share a ``RunTables``: the per-track step table most vessel indicators
start from is materialised once per run (as Parquet in a temporary folder on DuckDB) instead of
being recomputed by each of them, and is deleted when the run ends.
"""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.alerts.model import (
    Alert,
    Evidence,
    EvidenceRecord,
    IndicatorRef,
    Link,
    Provenance,
    Subject,
    TimeWindow,
    alert_id,
)
from accord.alerts.storage import save
from accord.analytics.store import AnalyticsStore
from accord.indicators.catalogue import select as select_indicators
from accord.indicators.evaluation import Context, Events, RunTables, Window, get_evaluator
from accord.indicators.model import Indicator, ParamValue
from accord.indicators.overrides import effective
from accord.indicators.tables import IndicatorRun
from accord.settings import get_settings
from accord.store.db import Store
from accord.store.models import ListEntity, ListState

RECORD_COLUMNS = ("record_id", "off_record_id", "last_record_id")
SKIP = {"track_id", "other_track_id", "mmsi", "other_mmsi", "start", "end", "lat", "lon", "score"}


@dataclass(frozen=True)
class IndicatorResult:
    indicator_id: str
    version: int
    window: Window
    alerts: int
    new_alerts: int
    seconds: float
    overridden: tuple[str, ...]


class DuckDBRunTables(RunTables):
    """A run's shared tables as Parquet files in a temporary folder, deleted with the run.

    DuckDB keeps a temporary table uncompressed in memory: the step table of 10 million
    positions would take 1.4 GB there, on top of what each indicator's own query needs. Written
    to Parquet it takes about 0.5 GB of disk, lives in the page cache rather than in the
    process, and reads back as fast, with only the columns and row groups a query needs.
    (This also sidesteps ``Table.cache()``, whose release fails with Ibis 12 and sqlglot
    >= 30.18, which render its DROP without the table name: ibis-project/ibis#12101.)
    """

    def __init__(self, backend: Any) -> None:
        super().__init__(backend)
        self._folder: Path | None = None
        self._files: dict[str, Path] = {}

    def materialise(self, table: ibis.Table) -> ibis.Table:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="accord-run-"))
        name = f"accord_run_{secrets.token_hex(6)}"
        path = self._folder / f"{name}.parquet"
        self.backend.to_parquet(table, path)
        self._files[name] = path
        made: ibis.Table = self.backend.read_parquet(path, table_name=name)
        return made

    def release(self, table: ibis.Table) -> None:
        name = table.op().name
        path = self._files.pop(name, None)
        if path is not None:
            # By SQL, not ``drop_view``: that renders an empty DROP too (see above).
            self.backend.raw_sql(f'DROP VIEW IF EXISTS "{name}"')
            path.unlink(missing_ok=True)

    def close(self) -> None:
        super().close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def run_tables(analytics: AnalyticsStore) -> RunTables:
    """The shared-table holder suited to the analytical store's backend."""
    if analytics.backend.name == "duckdb":
        return DuckDBRunTables(analytics.backend)
    return RunTables(analytics.backend)


def listed_vessel_imos(session: Session) -> frozenset[int]:
    """IMO numbers of the vessels in the serving version of every list."""
    current = select(ListState.current_version_id).where(ListState.current_version_id.isnot(None))
    q = select(ListEntity.doc).where(
        ListEntity.schema == "Vessel", ListEntity.version_id.in_(current)
    )
    imos: set[int] = set()
    for doc in session.scalars(q):
        for raw in json.loads(doc).get("properties", {}).get("imoNumber", []):
            digits = "".join(ch for ch in str(raw) if ch.isdigit())
            if len(digits) == 7:
                imos.add(int(digits))
    return frozenset(imos)


def last_window_end(session: Session, indicator_id: str) -> datetime | None:
    q = select(func.max(IndicatorRun.window_end)).where(IndicatorRun.indicator_id == indicator_id)
    end: datetime | None = session.scalar(q)
    return end.replace(tzinfo=UTC) if end is not None and end.tzinfo is None else end


def _names(analytics: AnalyticsStore, mmsis: set[int]) -> dict[int, dict[str, Any]]:
    """Latest name, IMO and party id per MMSI from AIS static data, for the alert subjects."""
    if not mmsis:
        return {}
    st = analytics.table("vessel_static")
    st = st.filter(st.mmsi.isin(sorted(mmsis)))
    g = st.group_by("mmsi").aggregate(
        name=st.name.argmax(st.ts), imo=st.imo.argmax(st.ts), party=st.vessel_party_id.max()
    )
    return {r["mmsi"]: r for r in g.to_pyarrow().to_pylist()}


def _subject(role: str, track: str, mmsi: Any, known: dict[int, dict[str, Any]]) -> Subject:
    ids: dict[str, str] = {"track_id": track}
    info = known.get(mmsi, {}) if mmsi is not None else {}
    if mmsi is not None:
        ids["mmsi"] = str(mmsi)
    if info.get("imo"):
        ids["imo"] = str(info["imo"])
    return Subject(
        role=role,
        kind="vessel",
        id=track,
        name=info.get("name"),
        party_id=info.get("party"),
        identifiers=ids,
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN has no JSON form
        return None
    return value


def _alerts(
    ind: Indicator,
    events: Events,
    rows: list[dict[str, Any]],
    params: dict[str, ParamValue],
    overridden: list[str],
    provenance: Provenance,
    known: dict[int, dict[str, Any]],
) -> list[Alert]:
    out: list[Alert] = []
    for r in rows:
        subjects = [_subject("primary", str(r["track_id"]), r.get("mmsi"), known)]
        if events.pair and r.get("other_track_id") is not None:
            subjects.append(
                _subject("counterpart", str(r["other_track_id"]), r.get("other_mmsi"), known)
            )
        start, end = r["start"], r["end"]
        aid = alert_id(ind.id, ind.version, [s.id for s in subjects], start)
        records = [
            EvidenceRecord(dataset="positions", record_id=str(r[c]))
            for c in RECORD_COLUMNS
            if r.get(c)
        ]
        links = [
            Link(rel="track", href=f"/alerts/{aid}/track/{s.id}", title=f"positions of {s.id}")
            for s in subjects
        ]
        location = None
        if r.get("lat") is not None and r.get("lon") is not None:
            location = (float(r["lat"]), float(r["lon"]))
        score = events.score and r.get(events.score)
        out.append(
            Alert(
                alert_id=aid,
                indicator=IndicatorRef(id=ind.id, version=ind.version),
                title=ind.title,
                subjects=subjects,
                evidence=Evidence(
                    metrics={m: _json_value(r.get(m)) for m in events.metrics},
                    thresholds=dict(params),
                    overridden=overridden,
                    location=location,
                    records=records,
                    links=links,
                ),
                score=float(score) if isinstance(score, int | float) else 1.0,
                severity=ind.severity,
                escalation_tier=ind.escalation_tier,
                window=TimeWindow(start=start, end=end),
                jurisdiction=ind.jurisdiction,
                provenance=provenance,
                marking=ind.marking,
            )
        )
    return out


def evaluate(
    session: Session,
    analytics: AnalyticsStore,
    ind: Indicator,
    window: Window,
    run_id: str,
    listed_imos: frozenset[int] = frozenset(),
    run: RunTables | None = None,
    node_id: str | None = None,
) -> tuple[list[Alert], list[str]]:
    """The alerts of one indicator over ``window`` (events that *ended* inside it).

    ``run`` holds the tables shared with the other indicators of the same run, if any;
    ``node_id`` is the node that raises the alerts (``provenance.node``), by default this
    node's ``Settings.node_id``.
    """
    params, overridden = effective(session, ind)
    ctx = Context(analytics, ind, window, params, listed_imos=listed_imos, run=run)
    events = get_evaluator(ind.evaluator)(ctx)
    t = events.table
    t = t.filter(t.end >= window.start, t.end < window.end)
    rows: list[dict[str, Any]] = t.to_pyarrow().to_pylist()
    mmsis = {m for r in rows for m in (r.get("mmsi"), r.get("other_mmsi")) if m is not None}
    provenance = Provenance(
        node=node_id if node_id is not None else get_settings().node_id,
        datasets=sorted({"positions", "vessel_static", "vessel_registry"}),
        backend=str(getattr(analytics.backend, "name", "unknown")),
        run_id=run_id,
        evaluated_window=TimeWindow(start=window.start, end=window.end),
        generated_at=datetime.now(UTC),
    )
    known = _names(analytics, {int(m) for m in mmsis})
    return _alerts(ind, events, rows, params, overridden, provenance, known), overridden


def run_indicators(
    store: Store,
    analytics: AnalyticsStore,
    window: Window | None,
    *,
    ids: list[str] | None = None,
    since_last_until: datetime | None = None,
    node_id: str | None = None,
) -> list[IndicatorResult]:
    """Evaluate indicators over ``window`` (or, incrementally, from each indicator's last
    window end up to ``since_last_until``) and store their alerts, raised by ``node_id``
    (default: ``Settings.node_id``)."""
    node = node_id if node_id is not None else get_settings().node_id
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S-") + secrets.token_hex(3)
    results: list[IndicatorResult] = []
    # The shared tables (as large as the positions read) live as long as the run, no longer.
    with store.session() as session, run_tables(analytics) as shared:
        listed = listed_vessel_imos(session)
        for ind in select_indicators(ids):
            w = window
            if w is None:
                if since_last_until is None:
                    raise ValueError("give a window or since_last_until")
                begin = last_window_end(session, ind.id) or datetime(1970, 1, 1, tzinfo=UTC)
                w = Window(begin, since_last_until)
            started = time.perf_counter()
            alerts, overridden = evaluate(session, analytics, ind, w, run_id, listed, shared, node)
            new = save(session, alerts, run_id)
            seconds = time.perf_counter() - started
            params, _ = effective(session, ind)
            session.add(
                IndicatorRun(
                    run_id=run_id,
                    indicator_id=ind.id,
                    indicator_version=ind.version,
                    window_start=w.start,
                    window_end=w.end,
                    parameters=json.dumps(params),
                    alerts=len(alerts),
                    new_alerts=new,
                    started_at=datetime.now(UTC),
                    seconds=seconds,
                )
            )
            results.append(
                IndicatorResult(
                    ind.id, ind.version, w, len(alerts), new, seconds, tuple(overridden)
                )
            )
    return results


def track_positions(
    analytics: AnalyticsStore, track_id: str, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """The positions of one track in ``[start, end]``: what an alert's track link shows."""
    t = analytics.table("positions")
    t = t.filter(t.track_id == track_id, t.ts >= start, t.ts <= end).order_by(t.ts)
    cols = t.select("ts", "lat", "lon", "sog", "cog", "record_id")
    rows: list[dict[str, Any]] = cols.to_pyarrow().to_pylist()
    return rows
