"""Ingest all seven official lists from ../shared into an empty store: time and peak memory.

Target (issue 2): under 60 s and under 1.5 GB on the 2-core machine.
"""

from __future__ import annotations

from pathlib import Path

from accord.lists.ingest import fetch_list
from accord.lists.registry import core_sources
from accord.settings import Settings
from accord.store.db import Store
from bench.harness import Result, peak_rss_mb, timer


def run(shared: Path, workdir: Path) -> list[Result]:
    mirror = shared / "data" / "lists"
    if not mirror.is_dir():
        return [Result("ingest all lists", 0.0, "s", note=f"skipped: no {mirror}")]
    settings = Settings(data_dir=workdir)
    store = Store(f"sqlite:///{workdir / 'bench.db'}")
    results: list[Result] = []
    records = 0
    with timer() as total:
        for source in core_sources():
            with timer() as t:
                outcomes = fetch_list(store, settings, source.id, from_path=mirror)
            n = sum(o.records for o in outcomes)
            records += n
            results.append(Result(f"ingest {source.id}", t[0], "s", note=f"{n:,} records"))
    peak = peak_rss_mb()
    results.insert(
        0,
        Result(
            "ingest all 7 lists (SQLite)",
            total[0],
            "s",
            target="< 60 s",
            ok=total[0] < 60,
            note=f"{records:,} records, {len(results)} lists",
        ),
    )
    results.insert(1, Result("peak memory", peak, "MB", target="< 1,500 MB", ok=peak < 1500))
    return results
