"""Scoring alerts against a world's ground truth. Alerts are real ``accord.alerts`` documents,
serialized as ``accord alerts list --json`` prints them and checked against the published JSON
Schema, so the scorer's adapter is tested on the schema the engine writes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs installed
import pytest
from typer.testing import CliRunner

from accord.alerts.model import (
    Alert,
    Evidence,
    IndicatorRef,
    Provenance,
    Subject,
    TimeWindow,
    alert_id,
)
from accord.cli.exercise import (
    app,
)  # the sub-app: the root callback would rebind logging to the runner
from accord.errors import InvalidInputError
from accord.exercise.score import compare, read_alert, score
from accord.exercise.truth import GroundTruth, SchemeTruth
from accord.indicators.model import Severity
from accord.settings import PROJECT_ROOT

SCHEMA = json.loads(
    (PROJECT_ROOT / "src/accord/alerts/schema/alert-1.0.json").read_text(encoding="utf-8")
)


def _truth(world_dir: Path) -> GroundTruth:
    return GroundTruth.model_validate_json((world_dir / "truth.json").read_bytes())


def _subject(
    *,
    name: str | None = None,
    entity_id: str | None = None,
    party_id: str | None = None,
    mmsi: int | None = None,
    imo: int | None = None,
) -> Subject:
    ids = {k: str(v) for k, v in (("mmsi", mmsi), ("imo", imo)) if v is not None}
    if mmsi is not None:
        ids["track_id"] = str(mmsi)  # what the engine does: one track per MMSI
    return Subject(
        role="primary",
        kind="vessel" if mmsi or imo else "company",
        id=ids.get("track_id") or entity_id or party_id or name or "?",
        name=name,
        party_id=party_id,
        entity_id=entity_id,
        identifiers=ids,
    )


def _alert(
    scheme: SchemeTruth,
    node: str | None,
    hours: float,
    *subjects: Subject,
    indicator: str = "test.indicator",
) -> dict[str, Any]:
    """One alert document in the standard schema, as JSON (window: scheme start → +hours)."""
    start = scheme.start
    end = start + timedelta(hours=hours)
    doc = Alert(
        alert_id=alert_id(indicator, 1, [s.id for s in subjects], start),
        indicator=IndicatorRef(id=indicator, version=1),
        title="test",
        subjects=list(subjects),
        evidence=Evidence(metrics={}, thresholds={}),
        score=1.0,
        severity=Severity("high"),
        escalation_tier=2,
        window=TimeWindow(start=start, end=end),
        jurisdiction="shared",  # the indicator's owner, never the node
        provenance=Provenance(
            datasets=["positions"],
            backend="duckdb",
            run_id="r1",
            evaluated_window=TimeWindow(start=start, end=end + timedelta(days=1)),
            generated_at=datetime(2024, 6, 1, tzinfo=UTC),
            node=node,
        ),
        marking="TLP:AMBER",
    )
    raw: dict[str, Any] = json.loads(doc.model_dump_json())
    jsonschema.validate(raw, SCHEMA)  # the fixture itself must be a valid published alert
    return raw


def test_detection_time_precision_and_nodes(world_dir: Path) -> None:
    truth = _truth(world_dir)
    sts = next(s for s in truth.schemes if s.type == "sts_dark")
    layering = next(s for s in truth.schemes if s.type == "layering")
    tanker = next(a for a in sts.actors if a.listed)
    owner = next(a for a in layering.actors if a.listed)
    alerts = [
        _alert(sts, "gr-coastguard", 30, _subject(mmsi=tanker.mmsi)),
        _alert(sts, "ro-maritime", 12, _subject(imo=tanker.imo)),
        _alert(layering, "gb-ofsi", 48, _subject(entity_id=owner.entity_id)),
        _alert(layering, "de-fiu", 5, _subject(name="Nobody In Particular")),  # false positive
    ]
    report = score(truth, [read_alert(a) for a in alerts])
    by_id = {s.id: s for s in report.schemes}
    assert by_id[sts.id].detected and by_id[sts.id].time_to_detect_hours == 12
    assert by_id[sts.id].detected_by == {
        "gr-coastguard": ["test.indicator"],
        "ro-maritime": ["test.indicator"],
    }
    assert by_id[layering.id].alerts == 1
    assert report.true_alerts == 3 and report.precision == 0.75
    assert report.recall == 2 / len(truth.schemes)
    assert report.by_node["de-fiu"] == {"alerts": 1, "true": 0}
    ind = report.by_indicator["test.indicator"]
    assert (ind.alerts, ind.true, ind.false) == (4, 3, 1)
    assert sorted(ind.schemes) == sorted([sts.id, layering.id])


def test_engine_shaped_vessel_alert_is_read(world_dir: Path) -> None:
    """Identifiers nest under ``subjects[].identifiers`` as strings, the indicator is an object,
    the node sits in ``provenance``: the shapes the guessed schema got wrong."""
    truth = _truth(world_dir)
    hopper = next(s for s in truth.schemes if s.type == "flag_hopping")
    vessel = hopper.actors[-2]  # a later identity: its own MMSI, the shared IMO
    assert vessel.mmsi and vessel.imo
    raw = _alert(
        hopper,
        "ro-maritime",
        24,
        _subject(mmsi=vessel.mmsi, imo=vessel.imo, party_id="a" * 32),
        indicator="vessel.flag_hopping",
    )
    a = read_alert(raw)
    assert a.indicator == "vessel.flag_hopping" and a.node == "ro-maritime"
    assert a.jurisdiction == "shared"
    assert {f"mmsi:{vessel.mmsi}", f"imo:{vessel.imo}", f"party:{'a' * 32}"} <= a.subjects
    assert a.start == hopper.start and a.end == hopper.start + timedelta(hours=24)
    assert score(truth, [a]).schemes[[s.id for s in truth.schemes].index(hopper.id)].detected


def test_node_comes_from_provenance_else_from_the_export(world_dir: Path) -> None:
    truth = _truth(world_dir)
    sts = next(s for s in truth.schemes if s.type == "sts_dark")
    tanker = next(a for a in sts.actors if a.listed)
    no_node = _alert(sts, None, 1, _subject(mmsi=tanker.mmsi))
    with_node = _alert(sts, "gr-coastguard", 1, _subject(mmsi=tanker.mmsi))
    assert read_alert(no_node).node is None
    assert read_alert(no_node, "ro-maritime").node == "ro-maritime"
    assert read_alert(with_node, "ro-maritime").node == "gr-coastguard"


def test_same_firing_counts_once_per_node(world_dir: Path) -> None:
    truth = _truth(world_dir)
    sts = next(s for s in truth.schemes if s.type == "sts_dark")
    tanker = next(a for a in sts.actors if a.listed)
    raw = _alert(sts, None, 10, _subject(mmsi=tanker.mmsi))
    # Exported twice from one node, and once from another node (same deterministic id).
    alerts = [read_alert(raw, "gr-coastguard"), read_alert(raw, "gr-coastguard")]
    alerts.append(read_alert(raw, "ro-maritime"))
    report = score(truth, alerts)
    assert report.alerts == 2 and report.true_alerts == 2
    assert report.by_node == {
        "gr-coastguard": {"alerts": 1, "true": 1},
        "ro-maritime": {"alerts": 1, "true": 1},
    }


def test_alert_far_outside_the_window_does_not_count(world_dir: Path) -> None:
    truth = _truth(world_dir)
    sts = next(s for s in truth.schemes if s.type == "sts_dark")
    tanker = next(a for a in sts.actors if a.listed)
    late = _alert(sts, "gr-coastguard", 24 * 60, _subject(mmsi=tanker.mmsi))
    late["window"]["start"] = late["window"]["end"]
    report = score(truth, [read_alert(late)])
    assert not any(s.detected for s in report.schemes)
    assert report.precision == 0.0


@pytest.mark.parametrize(
    "broken",
    [
        # The shape the scorer used to guess: flat ids, ``indicator_id``, ``node``.
        {"id": "x", "indicator_id": "i", "node": "n", "subjects": [{"mmsi": 1}]},
        {},
    ],
)
def test_alert_not_in_the_schema_is_refused(broken: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError, match=r"not in the alert schema 1\.0"):
        read_alert(broken)


def test_isolated_and_coordinated_runs_compare(world_dir: Path) -> None:
    truth = _truth(world_dir)
    ts = next(s for s in truth.schemes if s.type == "transshipment")
    front = next(a for a in ts.actors if a.role == "front")
    isolated = score(truth, [], "isolated")
    coordinated = score(
        truth,
        [read_alert(_alert(ts, "kz-customs", 100, _subject(entity_id=front.entity_id)))],
        "coordinated",
    )
    row = next(r for r in compare(isolated, coordinated) if r["scheme"] == ts.id)
    assert row == {
        "scheme": ts.id,
        "isolated_detected": False,
        "coordinated_detected": True,
        "isolated_hours": None,
        "coordinated_hours": 100.0,
    }


def test_cli_score_and_world(world_dir: Path, tmp_path: Path) -> None:
    truth = _truth(world_dir)
    scheme = truth.schemes[0]
    actor = scheme.actors[0]
    alerts = tmp_path / "alerts.jsonl"
    subject = _subject(entity_id=actor.entity_id, name=actor.name)
    alerts.write_text(json.dumps(_alert(scheme, "de-customs", 1, subject)) + "\n")
    runner = CliRunner()
    args = ["score", "--alerts", str(alerts), "--truth", str(world_dir / "truth.json")]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["schemes"][0]["detected"] is True
    assert report["by_node"] == {"de-customs": {"alerts": 1, "true": 1}}
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    result = runner.invoke(
        app, ["score", "--alerts", str(bad), "--truth", str(world_dir / "truth.json")]
    )
    assert result.exit_code != 0
    # Valid JSON in another shape is an error too, not an empty score.
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "x", "indicator_id": "i", "subjects": []}) + "\n")
    result = runner.invoke(
        app, ["score", "--alerts", str(other), "--truth", str(world_dir / "truth.json")]
    )
    assert result.exit_code == 1
    assert "alert schema" in result.output


def test_cli_world(tmp_path: Path, world_dir: Path) -> None:
    out = tmp_path / "w"
    result = CliRunner().invoke(
        app, ["world", "demo", "--out", str(out), "--scale", "0.4", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    truth = _truth(out)
    assert truth.seed == 3 and truth.scale == 0.4
    assert (out / "manifest.json").is_file()


def test_cli_world_without_a_spoofing_victim_fails_clearly(tmp_path: Path) -> None:
    """At scale 0.2 the demo has 5 background vessels, all on Baltic lanes: none sails where a
    node sees the spoofer, so the spoofing scheme cannot be injected and generation says so."""
    result = CliRunner().invoke(
        app, ["world", "demo", "--out", str(tmp_path / "w"), "--scale", "0.2", "--seed", "3"]
    )
    assert result.exit_code == 1
    assert "mmsi_spoofing" in result.output and "no background vessel" in result.output
