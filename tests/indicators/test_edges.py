"""The CLI and the API expose the catalogue, overrides, runs and alerts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from accord.api.app import create_app
from accord.cli.main import app
from accord.settings import Settings, get_settings
from accord.store.db import Store
from tests.indicators.factories import T0, write

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ACCORD_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    # One vessel silent for 8 h: one raw AIS gap.
    rows = [
        {"track_id": "1", "mmsi": 1, "ts": T0, "lat": 40.0, "lon": -40.0},
        {"track_id": "1", "mmsi": 1, "ts": T0.replace(hour=8), "lat": 40.0, "lon": -39.0},
    ]
    write(tmp_path / "data" / "analytics", "positions", rows)
    yield tmp_path / "data"
    get_settings.cache_clear()


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_catalogue_override_run_alerts(data_dir: Path) -> None:
    assert "vessel.ais_disabling" in invoke("indicators", "list")
    assert "GFW Gaps.md" in invoke("indicators", "show", "vessel.ais_disabling")
    invoke(
        "indicators",
        "override",
        "vessel.ais_gap",
        "min_gap_hours",
        "7",
        "--by",
        "me",
        "--why",
        "test",
    )
    assert "test" in invoke("indicators", "overrides")
    window = ["--start", "2024-02-29", "--end", "2024-03-03"]
    invoke("indicators", "run", "-i", "vessel.ais_gap", *window)
    invoke("indicators", "run", "-i", "vessel.ais_gap", *window)
    lines = invoke("alerts", "list", "--json").splitlines()
    assert len(lines) == 1
    alert = json.loads(lines[0])
    assert alert["evidence"]["thresholds"]["min_gap_hours"] == 7
    assert alert["evidence"]["overridden"] == ["min_gap_hours"]
    assert alert["alert_id"] in invoke("alerts", "show", alert["alert_id"])

    client = TestClient(
        create_app(Settings(data_dir=data_dir), Store(get_settings().sqlalchemy_url))
    )
    assert len(client.get("/indicators").json()) >= 13
    assert client.get("/indicators/vessel.ais_gap").json()["overridden"] == ["min_gap_hours"]
    assert client.get("/indicators/nope").status_code == 404
    [a] = client.get("/alerts").json()
    track = client.get(a["evidence"]["links"][0]["href"]).json()
    assert [p["lon"] for p in track] == [-40.0, -39.0]
