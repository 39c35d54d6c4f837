"""Exercise world generation: AIS positions/s and trade + payment records/s, peak memory.

Targets (issue 6): >= 1,000,000 AIS positions/s and >= 200,000 trade or payment records/s on the
2-core machine, memory flat. Runs the large scenario at ``SCALE`` (a few minutes at most); AIS is
timed alone (vessels at the large scenario's density) so the two rates are not mixed.
"""

from __future__ import annotations

from pathlib import Path

from accord.exercise.generate import generate_world
from accord.exercise.scenario import load_scenario
from bench.harness import Result, peak_rss_mb

SCALE = 0.05
DAYS = 30


def run(shared: Path, workdir: Path) -> list[Result]:
    if not (shared / "data" / "hs_codes" / "hs2022_nomenclature.csv").is_file():
        return [Result("exercise world", 0.0, "s", note=f"skipped: no HS data under {shared}")]
    scenario = load_scenario("large").scaled(SCALE)
    scenario = scenario.model_copy(
        update={
            "days": DAYS,
            "schemes": [s for s in scenario.schemes if s.start_day + s.duration_days <= DAYS],
        }
    )
    summary = generate_world(scenario, workdir / "large", shared)
    s, c = summary.seconds, summary.counts
    records = c["declarations"] + c["payments"]
    ais_rate = c["ais_reports"] / s["ais"]
    rec_rate = records / s["trade+payments"]
    peak = peak_rss_mb()
    size = sum(p.stat().st_size for p in (workdir / "large").rglob("*") if p.is_file()) / 1e6
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
        Result("peak memory", peak, "MB", target="flat (< 1,500 MB)", ok=peak < 1500),
        Result("output size", size, "MB", note=f"large x {SCALE}, {DAYS} days"),
    ]
