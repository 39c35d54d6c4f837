"""The exercise loop for vessel data: world → real ingestion → real indicator engine → alerts.

Each maritime node of a generated world gets its own data dir (operational store + analytical
store), loads the world's synthetic sanctions list, ingests its own AIS and vessel-register files
with ``accord.ingest`` and runs every vessel indicator over the world's time span with
``accord.indicators.engine`` — the code paths of ``accord lists fetch``, ``accord ingest`` and
``accord indicators run``. Nothing here decides what fires: it only wires the real components.

Also a script that prints the figures of ``docs/exercise-scoring.md``::

    .venv/bin/python -m tests.integration.vessel_pipeline demo --work /tmp/exercise-demo
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from accord.alerts import storage
from accord.alerts.model import Alert
from accord.analytics.store import AnalyticsStore, analytics_root
from accord.exercise.generate import generate_world
from accord.exercise.scenario import load_scenario
from accord.exercise.score import IndicatorScore, Report, read_alert, score
from accord.exercise.truth import GroundTruth
from accord.indicators.catalogue import select as select_indicators
from accord.indicators.engine import run_indicators
from accord.indicators.evaluation import Window
from accord.ingest.kinds import KINDS
from accord.ingest.pipeline import ingest
from accord.lists.ingest import fetch_list
from accord.settings import Settings
from accord.store.db import Store

#: The data a coastguard's vessel indicators read (positions, static data, the register).
VESSEL_KINDS = ("ais", "vessels")
#: The injected schemes that are vessel behaviour (the others are trade, finance, ownership).
VESSEL_SCHEMES = ("sts_dark", "flag_hopping", "mmsi_spoofing")


@dataclass
class NodeRun:
    node: str
    data_dir: Path
    accepted: int = 0
    rejected: int = 0
    failed: list[str] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    seconds: float = 0.0


def vessel_nodes(world: Path) -> dict[str, dict[str, list[str]]]:
    """Nodes holding AIS or a vessel register, with those files (paths relative to ``world``)."""
    manifest = json.loads((world / "manifest.json").read_text())
    out: dict[str, dict[str, list[str]]] = {}
    for node, kinds in manifest["nodes"].items():
        held = {k: v for k, v in kinds.items() if k in VESSEL_KINDS}
        if held:
            out[node] = held
    return out


def run_node(
    world: Path, node: str, files: dict[str, list[str]], data_dir: Path, shared: Path
) -> NodeRun:
    started = time.perf_counter()
    settings = Settings(data_dir=data_dir, shared_dir=shared, node_id=node)
    settings.ensure_dirs()
    store = Store(settings.sqlalchemy_url)
    run = NodeRun(node, data_dir)
    manifest = json.loads((world / "manifest.json").read_text())
    # The watchlist indicator reads listed IMOs from the lists in force, so every node loads the
    # world's synthetic list first, as the exercise instructions say (`accord lists fetch`).
    for rel in manifest["lists"].get("opensanctions", []):
        fetch_list(store, settings, "opensanctions", from_path=world / rel)
    for kind, rels in sorted(files.items()):
        summary = ingest(KINDS[kind], [world / r for r in rels], settings=settings)
        for f in summary.files:
            run.accepted += f.accepted
            run.rejected += f.rejected
            if f.status != "ingested":
                run.failed.append(f"{kind}:{f.path}: {f.error}")
    truth = GroundTruth.model_validate_json((world / "truth.json").read_bytes())
    analytics = AnalyticsStore(analytics_root(settings))
    # The whole simulated span in one window: every event that ends in it becomes an alert.
    run_indicators(store, analytics, Window(truth.start, truth.end), node_id=settings.node_id)
    with store.reader() as session:
        total = storage.count_alerts(session)
        run.alerts = storage.list_alerts(session, limit=max(total, 1))
    run.seconds = time.perf_counter() - started
    return run


def run_world(world: Path, work: Path, shared: Path) -> dict[str, NodeRun]:
    return {
        node: run_node(world, node, files, work / node, shared)
        for node, files in sorted(vessel_nodes(world).items())
    }


def export(runs: dict[str, NodeRun], path: Path) -> Path:
    """All nodes' alerts as JSON lines in the alert schema (what `accord alerts list --json`
    prints per node), concatenated."""
    with path.open("w") as fh:
        for run in runs.values():
            for a in run.alerts:
                fh.write(a.model_dump_json() + "\n")
    return path


def vessel_report(world: Path, runs: dict[str, NodeRun], label: str = "isolated") -> Report:
    """Scored against the vessel schemes only: trade or finance schemes cannot be found by
    vessel indicators, and counting them would make recall say nothing about these."""
    truth = GroundTruth.model_validate_json((world / "truth.json").read_bytes())
    truth = truth.model_copy(
        update={"schemes": [s for s in truth.schemes if s.type in VESSEL_SCHEMES]}
    )
    alerts = [read_alert(a, node) for node, run in runs.items() for a in run.alerts]
    return score(truth, alerts, label)


def _markdown(report: Report, runs: dict[str, NodeRun], world: Path) -> str:
    truth = GroundTruth.model_validate_json((world / "truth.json").read_bytes())
    vessel = [s for s in truth.schemes if s.type in VESSEL_SCHEMES]
    lines = [f"### {truth.scenario} (scale {truth.scale}, seed {truth.seed})", ""]
    lines += _head("node", "records ingested", "rejected", "alerts", "seconds")
    for r in runs.values():
        lines.append(
            f"| {r.node} | {r.accepted:,} | {r.rejected} | {len(r.alerts)} | {r.seconds:.0f} |"
        )
    lines += ["", *_head("scheme", "type", "detected", "alerts", "by node: indicators")]
    for s in report.schemes:
        by = "; ".join(
            f"{n}: {', '.join(i.removeprefix('vessel.') for i in inds)}"
            for n, inds in s.detected_by.items()
        )
        lines.append(
            f"| {s.id} | {s.type} | {'yes' if s.detected else '**no**'} | {s.alerts} | {by} |"
        )
    cols = ("indicator", "alerts", "on a scheme", "false", "precision", "schemes found", "recall")
    lines += ["", *_head(*cols)]
    # Every vessel indicator of the catalogue, also those that raised nothing.
    silent = {i.id: IndicatorScore(alerts=0, true=0, schemes=[]) for i in select_indicators(None)}
    for ind, st in sorted({**silent, **report.by_indicator}.items()):
        if not ind.startswith("vessel."):
            continue
        precision = f"{st.true / st.alerts:.2f}" if st.alerts else "–"
        lines.append(
            f"| {ind} | {st.alerts} | {st.true} | {st.false} | {precision} | "
            f"{', '.join(st.schemes) or '–'} | {len(st.schemes)}/{len(vessel)} |"
        )
    precision = "–" if report.precision is None else f"{report.precision:.2f}"
    lines += [
        "",
        f"Overall: recall {report.recall:.2f} ({sum(s.detected for s in report.schemes)}"
        f"/{len(report.schemes)} vessel schemes), precision {precision} "
        f"({report.true_alerts}/{report.alerts} alerts on a scheme, "
        f"{report.alerts - report.true_alerts} on the innocent background).",
    ]
    return "\n".join(lines) + "\n"


def _head(*cols: str) -> list[str]:
    return ["| " + " | ".join(cols) + " |", "|" + " --- |" * len(cols)]


def main(argv: list[str] | None = None) -> int:
    from tests.conftest import shared_dir

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("scenario", help="demo, medium, large or a YAML file")
    p.add_argument("--work", type=Path, required=True, help="Empty folder for world and stores")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=None)
    args = p.parse_args(argv)
    sc = load_scenario(args.scenario)
    if args.seed is not None:
        sc = sc.model_copy(update={"seed": args.seed})
    world = args.work / "world"
    t0 = time.perf_counter()
    generate_world(sc.scaled(args.scale), world, shared_dir())
    t1 = time.perf_counter()
    runs = run_world(world, args.work / "nodes", shared_dir())
    report = vessel_report(world, runs)
    export(runs, args.work / "alerts.jsonl")
    (args.work / "report.json").write_text(report.model_dump_json(indent=2))
    sys.stdout.write(_markdown(report, runs, world))
    sys.stdout.write(
        f"\nworld {t1 - t0:.0f} s, ingestion + indicators {time.perf_counter() - t1:.0f} s\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
