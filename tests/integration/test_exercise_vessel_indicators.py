"""End to end: the demo world's vessel data through the real ingestion and the real vessel
indicators, scored against the world's ground truth.

Detection is asserted twice. First as the scorer defines it (an alert naming a scheme actor
within the scheme's window ± 7 days). Then per *behaviour* of each scheme: an alert of an
indicator that evidences that behaviour, on the vessel that does it, inside the scheme's window.
The second check exists because the first one is lenient: any alert on a scheme vessel counts
(e.g. an AIS gap of the spoofer leaving one coastguard's area, or a watchlist contact in port
before the spoofing starts), whether or not anything saw the scheme's own behaviour.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli.exercise import app  # the sub-app: the root callback would rebind logging
from accord.exercise.generate import generate_world
from accord.exercise.scenario import load_scenario
from accord.exercise.score import SLACK, Alert, Report, read_alert, score
from accord.exercise.truth import Actor, GroundTruth, SchemeTruth
from tests.conftest import require_shared, shared_dir
from tests.integration.vessel_pipeline import (
    VESSEL_SCHEMES,
    NodeRun,
    export,
    run_world,
    vessel_nodes,
    vessel_report,
)


@dataclass
class Loop:
    world: Path
    truth: GroundTruth
    runs: dict[str, NodeRun]
    report: Report
    alerts: list[Alert]
    export: Path


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Loop:
    require_shared("hs_codes/hs2022_nomenclature.csv")
    root = tmp_path_factory.mktemp("exercise-loop")
    world = root / "world"
    # The demo as shipped (scale 1): the figures in docs/exercise-scoring.md are this run.
    generate_world(load_scenario("demo"), world, shared_dir())
    runs = run_world(world, root / "nodes", shared_dir())
    truth = GroundTruth.model_validate_json((world / "truth.json").read_bytes())
    alerts = [read_alert(a, node) for node, run in runs.items() for a in run.alerts]
    return Loop(
        world, truth, runs, vessel_report(world, runs), alerts, export(runs, root / "alerts.jsonl")
    )


def _scheme(loop: Loop, kind: str) -> SchemeTruth:
    return next(s for s in loop.truth.schemes if s.type == kind)


def test_every_maritime_node_ingested_its_files_and_ran_the_indicators(loop: Loop) -> None:
    assert set(loop.runs) == set(vessel_nodes(loop.world))
    assert {"gr-coastguard", "ro-maritime", "lv-fiu"} <= set(loop.runs)
    for run in loop.runs.values():
        assert not run.failed, run.failed
        assert run.rejected == 0, (run.node, run.data_dir / "rejects")
        assert run.accepted > 0, run.node
        # The engine names the node that raised each alert (Settings.node_id).
        assert {a.provenance.node for a in run.alerts} <= {run.node}, run.node
    assert all(a.node in loop.runs for a in loop.alerts)
    assert {s.type for s in loop.truth.schemes} >= set(VESSEL_SCHEMES)


@pytest.mark.parametrize("kind", VESSEL_SCHEMES)
def test_vessel_scheme_is_detected(loop: Loop, kind: str) -> None:
    scheme = _scheme(loop, kind)
    result = next(s for s in loop.report.schemes if s.id == scheme.id)
    assert result.detected, f"{scheme.id} ({kind}) raised no alert naming its actors"


def _ids(actors: list[Actor]) -> set[str]:
    out: set[str] = set()
    for a in actors:
        out |= {f"mmsi:{a.mmsi}"} if a.mmsi else set()
        out |= {f"imo:{a.imo}"} if a.imo else set()
    return out


def _within(alert: Alert, start: datetime, end: datetime) -> bool:
    return (
        alert.start is not None
        and alert.end is not None
        and alert.start <= end
        and alert.end >= start
    )


def _dark_windows(scheme: SchemeTruth, mmsi: int | None) -> list[tuple[datetime, datetime]]:
    """The truth's AIS records of one vessel: ``MMSI@start/end`` windows (dark or loitering)."""
    out = []
    for r in scheme.records:
        if r.dataset == "positions" and r.key.startswith(f"{mmsi}@"):
            a, b = r.key.split("@", 1)[1].split("/")
            out.append((datetime.fromisoformat(a), datetime.fromisoformat(b)))
    return out


@dataclass(frozen=True)
class Behaviour:
    scheme: str
    what: str
    roles: tuple[str, ...]
    indicators: frozenset[str]
    #: Which of the truth's AIS windows of the vessel the alert must overlap: all of them
    #: (each dark period), or None for the scheme window.
    each_ais_window: bool = False


def _b(scheme: str, what: str, roles: tuple[str, ...], *ind: str, each: bool = False) -> Behaviour:
    return Behaviour(scheme, what, roles, frozenset(f"vessel.{i}" for i in ind), each)


BEHAVIOURS = [
    _b(
        "sts_dark",
        "dark periods (AIS gaps)",
        ("listed_tanker",),
        "ais_gap",
        "ais_disabling",
        each=True,
    ),
    _b(
        "sts_dark",
        "sanctioned port call",
        ("listed_tanker",),
        "port_call_sanctioned",
        "dark_port_call",
    ),
    _b(
        "sts_dark",
        "ship-to-ship meeting",
        ("listed_tanker", "receiving_tanker"),
        "encounter",
        "watchlist_contact",
        "loitering",
    ),
    _b("flag_hopping", "re-flagging", ("vessel",), "flag_hopping"),
    _b("flag_hopping", "renaming", ("vessel",), "identity_change"),
    _b(
        "mmsi_spoofing",
        "one MMSI in two places",
        ("spoofer", "victim"),
        "mmsi_spoofing",
        "impossible_speed",
    ),
]


@pytest.mark.parametrize("b", BEHAVIOURS, ids=lambda b: f"{b.scheme}:{b.what}")
def test_scheme_behaviour_is_detected_by_its_indicator(loop: Loop, b: Behaviour) -> None:
    scheme = _scheme(loop, b.scheme)
    actors = [a for a in scheme.actors if a.role in b.roles]
    assert actors, (scheme.id, b.roles)
    ids = _ids(actors)
    mine = [a for a in loop.alerts if a.indicator in b.indicators and a.subjects & ids]
    if b.each_ais_window:
        windows = [w for a in actors for w in _dark_windows(scheme, a.mmsi)]
        assert windows, scheme.records
        missed = [w for w in windows if not any(_within(a, *w) for a in mine)]
        assert not missed, f"{scheme.id}: no {sorted(b.indicators)} alert over {missed}"
    else:
        hits = [a for a in mine if _within(a, scheme.start, scheme.end)]
        assert hits, (
            f"{scheme.id}: {b.what} not detected by {sorted(b.indicators)}; alerts naming "
            f"the vessel: {sorted({a.indicator for a in loop.alerts if a.subjects & ids})}"
        )


def test_cli_score_reads_the_exported_alerts(loop: Loop) -> None:
    """`accord exercise score` on the concatenated export (JSON lines in the alert schema)
    agrees with scoring the documents directly; the engine names the node that raised each
    alert (``provenance.node``), so a firing raised by two nodes (same deterministic id) is
    one alert per node."""
    result = CliRunner().invoke(
        app,
        [
            "score",
            "--alerts",
            str(loop.export),
            "--truth",
            str(loop.world / "truth.json"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    direct = score(loop.truth, loop.alerts)
    assert cli["alerts"] == len({(a.node, a.id) for a in loop.alerts}) == direct.alerts
    assert {s["id"]: s["detected"] for s in cli["schemes"]} == {
        s.id: s.detected for s in direct.schemes
    }
    assert cli["by_indicator"] == {k: v.model_dump() for k, v in direct.by_indicator.items()}


def test_background_alerts_are_accounted(loop: Loop) -> None:
    """Every alert is on a vessel scheme or on the innocent background, per indicator (the split
    docs/exercise-scoring.md reports); recomputed here from the truth, apart from the scorer."""
    r = loop.report
    assert r.alerts == len({a.key for a in loop.alerts})
    assert sum(v.alerts for v in r.by_indicator.values()) == r.alerts
    assert sum(v.true for v in r.by_indicator.values()) == r.true_alerts
    on_scheme = {
        a.key
        for s in loop.truth.schemes
        if s.type in VESSEL_SCHEMES
        for a in loop.alerts
        if a.subjects & (_ids(s.actors) | _names(s.actors))
        and _within(a, s.start - SLACK, s.end + SLACK)
    }
    assert len(on_scheme) == r.true_alerts


def _names(actors: list[Actor]) -> set[str]:
    return {f"name:{a.name.casefold()}" for a in actors}
