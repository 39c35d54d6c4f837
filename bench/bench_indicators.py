"""Positions per second through the whole vessel indicator set on DuckDB, at 10 million positions.

The positions are synthetic (numpy, seeded): 5,000 vessels reporting every 3 minutes for ~4 days
across open sea, a tenth of them slowing to under 2 knots for a few hours (so the encounter and
loitering joins have work), written as Parquet partitioned by day like the analytical store.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from accord.analytics.datasets import POSITIONS
from accord.analytics.store import AnalyticsStore
from accord.indicators.engine import run_indicators
from accord.indicators.evaluation import Window
from accord.store.db import Store
from bench.harness import Result, peak_rss_mb, timer

N = int(os.environ.get("ACCORD_BENCH_POSITIONS", 10_000_000))
VESSELS = 5_000
STEP_S = 180
T0 = datetime(2024, 3, 1, tzinfo=UTC)


def generate(root: Path) -> None:
    rng = np.random.default_rng(7)
    per = N // VESSELS
    lat0 = rng.uniform(-40, 40, VESSELS)
    lon0 = rng.uniform(-150, 150, VESSELS)
    heading = rng.uniform(0, 2 * np.pi, VESSELS)
    speed_kn = rng.uniform(8, 16, VESSELS)
    slow_from = rng.integers(0, per // 2, VESSELS)
    slow_len = np.where(rng.random(VESSELS) < 0.1, rng.integers(40, 160, VESSELS), 0)
    step = np.arange(per)
    for day in range(int(np.ceil(per * STEP_S / 86400))):
        lo, hi = day * 86400 // STEP_S, min(per, (day + 1) * 86400 // STEP_S)
        k = step[lo:hi]
        slow = (k[None, :] >= slow_from[:, None]) & (k[None, :] < (slow_from + slow_len)[:, None])
        moved = np.minimum(k[None, :], slow_from[:, None]) + np.maximum(
            k[None, :] - (slow_from + slow_len)[:, None], 0
        )
        nm = moved * speed_kn[:, None] * STEP_S / 3600 + slow * rng.normal(0, 0.01, slow.shape)
        lat = lat0[:, None] + nm * np.cos(heading)[:, None] / 60
        lon = lon0[:, None] + nm * np.sin(heading)[:, None] / 60 / np.cos(np.radians(lat))
        n = lat.size
        mmsi = np.repeat(np.arange(VESSELS) + 200_000_000, k.size)
        ts = (T0.timestamp() + np.tile(k, VESSELS) * STEP_S) * 1_000_000
        cols = {
            "track_id": pa.array(mmsi.astype(str)),
            "mmsi": pa.array(mmsi, pa.int64()),
            "ts": pa.array(ts.astype("int64"), pa.timestamp("us", tz="UTC")),
            "lat": pa.array(np.clip(lat.ravel(), -89, 89)),
            "lon": pa.array((lon.ravel() + 180) % 360 - 180),
            "sog": pa.array(np.where(slow, 0.5, speed_kn[:, None]).ravel()),
            "record_id": pa.array(np.char.add("r", np.arange(n).astype(str))),
        }
        table = pa.table({f.name: cols.get(f.name, pa.nulls(n, f.type)) for f in POSITIONS.schema})
        folder = root / "positions" / f"date={(T0 + timedelta(days=day)).date()}"
        folder.mkdir(parents=True)
        pq.write_table(table, folder / "part.parquet")


def run(shared: Path, workdir: Path) -> list[Result]:
    root = workdir / "analytics"
    with timer() as gen:
        generate(root)
    analytics = AnalyticsStore(root)
    analytics.backend.raw_sql("SET memory_limit = '8GB'")
    store = Store(f"sqlite:///{workdir / 'bench.db'}")
    window = Window(T0, T0 + timedelta(days=5))
    with timer() as t:
        results = run_indicators(store, analytics, window)
    rate = N / t[0]
    alerts = sum(r.alerts for r in results)
    slowest = max(results, key=lambda r: r.seconds)
    return [
        Result("generate positions (numpy → Parquet)", gen[0], "s", note=f"{N:,} positions"),
        Result(
            "all vessel indicators, DuckDB",
            t[0],
            "s",
            target="< 60 s",
            ok=t[0] < 60,
            note=f"{len(results)} indicators, {alerts:,} alerts; slowest {slowest.indicator_id} "
            f"{slowest.seconds:.1f} s",
        ),
        Result("throughput", rate, "positions/s", note=f"{N:,} positions"),
        Result("peak memory", peak_rss_mb(), "MB"),
        # Per indicator, in run order: the first indicator to read the shared step table (see
        # accord.indicators.vessel.tracks.track_steps) also pays for materialising it.
        *(
            Result(f"  {r.indicator_id}", r.seconds, "s", note=f"{r.alerts:,} alerts")
            for r in results
        ),
    ]
