"""Recorded screenings (on by default), `screen records` and `screen decide` as users run them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from accord.cli.main import app
from accord.screening import service
from accord.settings import get_settings
from tests.lists.ftm_factory import version_one, version_two

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ACCORD_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    service.clear_cache()
    fetch(tmp_path, version_one(tmp_path / "v1.json"))
    yield tmp_path
    get_settings.cache_clear()


def fetch(tmp: Path, path: Path) -> None:
    result = runner.invoke(app, ["lists", "fetch", "opensanctions", "--from", str(path)])
    assert result.exit_code == 0, result.output


def screen_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(
        app, ["screen", "name", "Ivan Petrov", "--schema", "Person", "--format", "json", *args]
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = orjson.loads(result.stdout)
    return data


def records_json(*args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["screen", "records", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    data: list[dict[str, Any]] = orjson.loads(result.stdout)
    return data


def test_record_decide_suppress_and_invalidate(env: Path) -> None:
    first = screen_json("--no-record")
    assert first["record_id"] is None and records_json() == []
    recorded = screen_json("--by", "alice", "--key", "cust-1")  # recorded by default
    assert isinstance(recorded["record_id"], int)
    (rec,) = records_json("--since", "1d")
    assert rec["created_by"] == "alice" and rec["party_key"] == "cust-1"
    assert rec["input_hash"] == first["input_hash"]
    assert records_json("--since", "2999-01-01") == []
    table = runner.invoke(app, ["screen", "records"])
    assert table.exit_code == 0 and "cust-1" in table.output

    result = runner.invoke(
        app,
        ["screen", "decide", "cust-1", "p1", "--not-a-match", "--by", "bob", "--why", "other DOB"],
    )
    assert result.exit_code == 0, result.output
    assert "not a match" in result.output
    again = screen_json("--key", "cust-1")
    assert again["hits"] == []
    (sup,) = again["suppressed"]
    assert sup["entity_id"] == "p1" and sup["suppressed_by"]["decided_by"] == "bob"
    shown = runner.invoke(
        app, ["screen", "name", "Ivan Petrov", "--schema", "Person", "--key", "cust-1"]
    )
    assert shown.exit_code == 0 and "suppressed" in shown.output and "other DOB" in shown.output

    # The listed entity is amended: the decision no longer holds.
    fetch(env, version_two(env / "v2.json"))
    service.clear_cache()
    after = screen_json("--key", "cust-1")
    assert [h["entity_id"] for h in after["hits"]] == ["p1"]
    assert after["suppressed"] == []


def test_batch_records_and_marks_suppressed_rows(env: Path) -> None:
    src = env / "parties.csv"
    src.write_text("key,name,schema\nc1,Ivan Petrov,Person\nc2,Maria Silva,Person\n")
    result = runner.invoke(app, ["screen", "batch", str(src), "--by", "carol"])
    assert result.exit_code == 0, result.output
    assert {r["party_key"] for r in records_json()} == {"c1", "c2"}
    result = runner.invoke(
        app, ["screen", "decide", "c2", "p3", "--not-a-match", "--why", "a namesake"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["screen", "batch", str(src), "--format", "jsonl", "--no-record"])
    assert result.exit_code == 0, result.output
    rows = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert rows[1]["hits"] == [] and rows[1]["suppressed"][0]["entity_id"] == "p3"
    result = runner.invoke(app, ["screen", "batch", str(src), "--no-record"])
    lines = result.stdout.splitlines()
    assert lines[0].endswith(",suppressed")
    assert any("p3" in line and "not a match per anonymous" in line for line in lines)
    assert len(records_json()) == 2  # the --no-record runs stored nothing


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["never", "p1", "--not-a-match", "--why", "x"], "no recorded screening"),
        (["a" * 64, "nope", "--not-a-match", "--why", "x"], "not in any serving"),
        (["a" * 64, "p1", "--why", "x"], "--not-a-match"),
    ],
)
def test_decide_errors(env: Path, args: list[str], fragment: str) -> None:
    result = runner.invoke(app, ["screen", "decide", *args])
    assert result.exit_code == 1
    assert fragment in result.output


def test_sets_add_run_and_list(env: Path) -> None:
    src = env / "clients.csv"
    src.write_text(
        "key,name,schema\nc1,Ivan Petrov,Person\nc2,John Doe,Person\n"
        "c4,Chen Wei,Person\nc5,   ,Person\n"
    )
    result = runner.invoke(app, ["screen", "sets", "add", "clients", str(src), "--by", "ana"])
    assert result.exit_code == 0, result.output
    assert "3 parties stored" in result.output and "line 5" in result.output
    result = runner.invoke(app, ["screen", "sets", "run", "clients"])
    assert result.exit_code == 0, result.output
    assert "every listed entity: 2 new" in result.output
    fetch(env, version_two(env / "v2.json"))
    service.clear_cache()
    result = runner.invoke(app, ["screen", "sets", "run", "clients", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert (data["new"], data["changed"], data["removed"]) == (1, 1, 1)
    assert {(c["change"], c["key"]) for c in data["changes"]} == {
        ("new", "c4"),
        ("changed", "c1"),
        ("removed", "c2"),
    }
    result = runner.invoke(app, ["screen", "sets", "list"])
    assert result.exit_code == 0 and "clients" in result.output
    result = runner.invoke(app, ["screen", "sets", "run", "nope"])
    assert result.exit_code == 1 and "nope" in result.output
