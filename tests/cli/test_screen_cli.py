"""``accord screen name`` and ``accord screen batch`` as a user runs them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from accord.cli.main import app
from accord.screening import service
from accord.settings import get_settings
from tests.lists.ftm_factory import version_one

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ACCORD_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    service.clear_cache()
    result = runner.invoke(
        app, ["lists", "fetch", "opensanctions", "--from", str(version_one(tmp_path / "v1.json"))]
    )
    assert result.exit_code == 0, result.output
    yield tmp_path
    get_settings.cache_clear()


def test_screen_name_table_and_json(env: Path) -> None:
    result = runner.invoke(app, ["screen", "name", "Ivan Petrov", "--schema", "Person"])
    assert result.exit_code == 0, result.output
    assert "Ivan Petrov" in result.output and "UKRAINE-EO13660" in result.output
    result = runner.invoke(
        app,
        ["screen", "name", "Ivan Petrov", "--birth-date", "1970-01-02", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert data["hits"][0]["entity_id"] == "p1"
    assert data["hits"][0]["schema"] == "Person"
    assert any(f["feature"].startswith("birth") for f in data["hits"][0]["features"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["   "], "names"),
        (["Ivan", "--birth-date", "1970-02-31"], "birth_dates"),
        (["Ivan", "--id", "nocolon"], "KIND:VALUE"),
        (["Ivan", "--list", "nope"], "unknown list"),
    ],
)
def test_screen_name_errors(env: Path, args: list[str], fragment: str) -> None:
    result = runner.invoke(app, ["screen", "name", *args])
    assert result.exit_code == 1
    assert fragment in result.output


def test_batch_csv_reports_bad_rows_and_continues(env: Path) -> None:
    src = env / "parties.csv"
    src.write_text(
        "key,name,schema,birth_date,country\n"
        "c1,Ivan Petrov,Person,1970-01-02,\n"
        "c2,   ,Person,,\n"
        "c3,Maria Silva,Person,,br\n"
        "c4,John Doe,Person,1970-13-01,\n"
        "c5,Nobody Xyzzy,Person,,\n",
        encoding="utf-8",
    )
    out = env / "out.csv"
    result = runner.invoke(app, ["screen", "batch", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "line 3:" in result.output and "line 5:" in result.output
    assert "2 rows rejected" in result.output
    lines = out.read_text().splitlines()
    assert lines[0].startswith("line,key,query_name")
    by_key = {line.split(",")[1]: line for line in lines[1:]}
    assert set(by_key) == {"c1", "c2", "c3", "c4", "c5"}
    assert ",p1," in by_key["c1"] and ",p3," in by_key["c3"]
    assert "birth_dates" in by_key["c4"]


def test_batch_jsonl_queries_and_ftm(env: Path) -> None:
    src = env / "parties.jsonl"
    rows = [
        orjson.dumps({"key": "q", "names": ["Ivan Petrov"], "schema": "Person"}),
        b"{not json",
        orjson.dumps({"id": "e1", "schema": "Person", "properties": {"name": ["Maria Silva"]}}),
        orjson.dumps({"names": ["Ivan"], "colour": "red"}),
    ]
    src.write_bytes(b"\n".join(rows) + b"\n")
    result = runner.invoke(app, ["screen", "batch", str(src), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [orjson.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert [r["line"] for r in records] == [1, 2, 3, 4]
    assert records[0]["hits"][0]["entity_id"] == "p1"
    assert "not JSON" in records[1]["error"]
    assert records[2]["key"] == "e1" and records[2]["hits"][0]["entity_id"] == "p3"
    assert "colour" in records[3]["error"]


def test_batch_unreadable_input_exits_1(env: Path) -> None:
    result = runner.invoke(app, ["screen", "batch", str(env / "missing.csv")])
    assert result.exit_code == 1 and "cannot read" in result.output
    bad = env / "noname.csv"
    bad.write_text("party,country\nIvan,ru\n")
    result = runner.invoke(app, ["screen", "batch", str(bad)])
    assert result.exit_code == 1 and "no 'name' column" in result.output
