"""``accord ingest``: one sub-command per kind, summaries, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli.ingest import app
from accord.ingest.kinds import KINDS
from accord.settings import get_settings
from tests.conftest import require_shared


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def test_a_command_per_kind() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert all(kind in result.output for kind in KINDS)


def test_ingest_twice_as_json() -> None:
    path = str(require_shared("ais/pyais_nmea_data_sample.txt"))
    first = CliRunner().invoke(app, ["ais", path, "--json"])
    assert first.exit_code == 0, first.output
    body = json.loads(first.stdout)
    assert (body["accepted"] + body["duplicate"], body["rejected"]) == (778, 120)
    again = json.loads(CliRunner().invoke(app, ["ais", path, "--json"]).stdout)
    assert (again["accepted"], again["files"][0]["status"]) == (0, "already-ingested")
    strict = CliRunner().invoke(app, ["ais", path, "--strict", "--force"])
    assert strict.exit_code == 2  # records were rejected


def test_failed_file_exits_1() -> None:
    path = str(require_shared("ais/suez_evergiven_boat_positions_202103.csv"))
    result = CliRunner().invoke(app, ["ais", path])
    assert result.exit_code == 1 and "assume-timezone" in result.output
    ok = CliRunner().invoke(app, ["ais", path, "--assume-timezone", "UTC"])
    assert ok.exit_code == 0 and "22,074" in ok.output


def test_datasets_command() -> None:
    CliRunner().invoke(app, ["payments", str(require_shared("payments/mt103_sample.txt"))])
    result = CliRunner().invoke(app, ["datasets"])
    assert result.exit_code == 0
    assert "payments" in result.output and "parties" in result.output


def test_rescreen_without_lists_says_why(tmp_path: Path) -> None:
    trade = tmp_path / "trade.csv"
    trade.write_text(
        "declaration_id,date,flow,exporter,importer,country_destination,hs_code,value,currency\n"
        "D1,2024-03-01,export,Acme GmbH,Orion LLC,KZ,850440,1000,EUR\n"
    )
    CliRunner().invoke(app, ["trade", str(trade)])
    result = CliRunner().invoke(app, ["rescreen"])
    assert result.exit_code == 0, result.output
    assert "no sanctions list is serving" in result.output
