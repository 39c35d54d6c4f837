"""Exercise world generation: AIS positions/s and trade + payment records/s, peak memory.

Targets (issue 6): >= 1,000,000 AIS positions/s and >= 200,000 trade or payment records/s on the
2-core machine, memory flat. Runs the large scenario at ``SCALE`` for ``DAYS`` (a few minutes at
most); AIS is timed alone (vessels at the large scenario's density) so the two rates are not
mixed. "Flat" is measured: the same scenario over twice the days (twice the records, the same
population) runs in a fresh process, whose peak memory must stay within 25% of the first.
"""

from __future__ import annotations

import multiprocessing as mp
import tempfile
from pathlib import Path

from accord.exercise.generate import WorldSummary, generate_world
from accord.exercise.scenario import load_scenario
from bench.harness import Result, peak_rss_mb

SCALE = 0.05
DAYS = 30


def _world(shared: Path, out: Path, days: int) -> WorldSummary:
    scenario = load_scenario("large").scaled(SCALE)
    scenario = scenario.model_copy(
        update={
            "days": days,
            "schemes": [s for s in scenario.schemes if s.start_day + s.duration_days <= days],
        }
    )
    return generate_world(scenario, out, shared)


def _peak_of_world(shared: Path, days: int) -> float:
    """Child-process entry point: the peak memory of generating ``days`` days, in MB."""
    with tempfile.TemporaryDirectory(prefix="accord-exercise-") as tmp:
        _world(shared, Path(tmp) / "large", days)
    return peak_rss_mb()


def run(shared: Path, workdir: Path) -> list[Result]:
    if not (shared / "data" / "hs_codes" / "hs2022_nomenclature.csv").is_file():
        return [Result("exercise world", 0.0, "s", note=f"skipped: no HS data under {shared}")]
    summary = _world(shared, workdir / "large", DAYS)
    s, c = summary.seconds, summary.counts
    records = c["declarations"] + c["payments"]
    ais_rate = c["ais_reports"] / s["ais"]
    rec_rate = records / s["trade+payments"]
    peak = peak_rss_mb()
    size = sum(p.stat().st_size for p in (workdir / "large").rglob("*") if p.is_file()) / 1e6
    with mp.get_context("spawn").Pool(1) as pool:
        peak_2x = pool.apply(_peak_of_world, (shared, 2 * DAYS))
    return [
        Result(
            "AIS positions generated",
            ais_rate,
            "positions/s",
            target=">= 1,000,000",
            ok=ais_rate >= 1e6,
            note=f"{c['ais_reports']:,} in {s['ais']:.1f} s",
        ),
        Result(
            "trade + payment records",
            rec_rate,
            "records/s",
            target=">= 200,000",
            ok=rec_rate >= 2e5,
            note=f"{records:,} in {s['trade+payments']:.1f} s",
        ),
        Result("population + schemes", s["population+schemes"], "s"),
        Result("peak memory", peak, "MB", target="< 1,500 MB", ok=peak < 1500),
        Result(
            f"peak memory, {2 * DAYS} days",
            peak_2x,
            "MB",
            target="flat (< 1.25 x)",
            ok=peak_2x < 1.25 * peak,
            note=f"x {peak_2x / peak:.2f} for twice the records",
        ),
        Result("output size", size, "MB", note=f"large x {SCALE}, {DAYS} days"),
    ]
