"""Bad input gives a clear error naming the field, never a crash."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from accord.api.app import create_app
from accord.cli.main import app as cli
from accord.errors import InvalidInputError
from accord.lists.ingest import ingest_file
from accord.screening import InvalidQueryError, Query, Screener, service
from accord.settings import Settings, get_settings
from accord.store.db import Store
from tests.lists.ftm_factory import version_one

runner = CliRunner()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"names": []}, "names"),
        ({"names": [""]}, "names"),
        ({"names": ["   \t "]}, "names"),
        ({"names": ["x" * 10_000]}, "names"),
        ({"names": ["Ali\x00Hassan"]}, "names"),
        ({"names": ["Ali\x1b[31mHassan"]}, "names"),
        ({"names": ["---"]}, "names"),
        ({"names": ["Ali"], "birth_dates": ["1984-02-30"]}, "birth_dates"),
        ({"names": ["Ali"], "birth_dates": ["yesterday"]}, "birth_dates"),
        ({"names": ["Ali"], "birth_dates": ["0001"]}, "birth_dates"),
        ({"names": ["Ali"], "countries": ["Atlantis"]}, "countries"),
        ({"names": ["Ali"], "schema": "Spaceship"}, "schema"),
        ({"names": ["Ali"], "gender": "x"}, "gender"),
        ({"names": ["Ali"], "identifiers": [{"kind": "imo", "value": ""}]}, "identifiers.value"),
        ({"names": ["Ali"], "colour": "red"}, "colour"),
    ],
)
def test_invalid_query_names_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidQueryError) as info:
        Query.parse(data)
    assert info.value.field == field
    assert isinstance(info.value, InvalidInputError)
    assert str(info.value).startswith(f"{field}:")


@pytest.mark.parametrize(
    "name", ["Mohammed Алиев 金正恩", "Οργάνωση Abu Nidal", "ＡＢＣ　Ｃｏｍｐａｎｙ", "😀 Ali"]
)
def test_mixed_scripts_and_odd_characters_are_screened(small_screener: Screener, name: str) -> None:
    hits = small_screener.screen(Query.of(name), threshold=0.0)
    assert all(0.0 <= h.score <= 1.0 for h in hits)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lists": ["atlantis"]}, "lists"),
        ({"lists": []}, "lists"),
        ({"threshold": 1.5}, "threshold"),
        ({"limit": 0}, "limit"),
    ],
)
def test_invalid_screen_options(
    small_screener: Screener, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidQueryError) as info:
        small_screener.screen(Query.of("Ali Hassan"), **kwargs)
    assert info.value.field == field


# -- the same bad input through the edges: CLI, POST /screen, POST /match/{dataset} ----------------

LONG = "x" * 10_000
MIXED = "Mohammed Алиев 金正恩"
BAD_NAMES = [("", "names"), ("   \t ", "names"), (LONG, "names"), ("Ali\x00Hassan", "names"),
             ("Ali\x1b[31mHassan", "names")]  # fmt: skip
BAD_DATES = ["1984-02-30", "yesterday", "0001"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("bad_input_api")
    store = Store(f"sqlite:///{tmp / 'api.db'}")
    ingest_file(store, "opensanctions", version_one(tmp / "v1.json"))
    service.clear_cache()
    yield TestClient(create_app(Settings(data_dir=tmp / "data"), store))
    store.dispose()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ACCORD_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    service.clear_cache()
    source = str(version_one(tmp_path / "v1.json"))
    result = runner.invoke(cli, ["lists", "fetch", "opensanctions", "--from", source])
    assert result.exit_code == 0, result.output
    yield tmp_path
    get_settings.cache_clear()


def _screen(client: TestClient, query: dict[str, Any], **extra: Any) -> Any:
    return client.post("/screen", json={"queries": [{"query": query, **extra}]})


@pytest.mark.parametrize(("name", "field"), BAD_NAMES)
def test_http_bad_names_are_422_naming_the_field(client: TestClient, name: str, field: str) -> None:
    response = _screen(client, {"names": [name]})
    assert response.status_code == 422, response.text
    assert ["body", "queries", 0, "query", field] in [e["loc"] for e in response.json()["detail"]]
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}}
    response = client.post("/match/default", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith("queries.q.properties.name:")


@pytest.mark.parametrize("value", BAD_DATES)
def test_http_bad_dates_are_422_naming_the_field(client: TestClient, value: str) -> None:
    response = _screen(client, {"names": ["Ivan Petrov"], "birth_dates": [value]})
    assert response.status_code == 422, response.text
    locs = [e["loc"] for e in response.json()["detail"]]
    assert ["body", "queries", 0, "query", "birth_dates"] in locs
    props = {"name": ["Ivan Petrov"], "birthDate": [value]}
    response = client.post("/match/default", json={"queries": {"q": {"properties": props}}})
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith("queries.q.properties.birthDate:")


def test_http_mixed_scripts_are_screened(client: TestClient) -> None:
    response = _screen(client, {"names": [MIXED]})
    assert response.status_code == 200, response.text
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": [MIXED]}}}}
    assert client.post("/match/default", json=body).status_code == 200


def test_http_unknown_lists_and_malformed_bodies(client: TestClient) -> None:
    response = _screen(client, {"names": ["Ivan Petrov"]}, lists=["atlantis"])
    assert response.status_code == 422
    assert response.json()["detail"].startswith("queries[0].lists: unknown list 'atlantis'")
    response = client.post("/screen", json={"queries": [{"query": {"names": ["A"]}}], "lists": []})
    assert response.status_code == 422
    body = {"queries": {"q": {"properties": {"name": ["Ivan Petrov"]}}}}
    assert client.post("/match/atlantis", json=body).status_code == 404
    headers = {"content-type": "application/json"}
    for raw in (b"{not json", b"[1, 2]", b'{"queries": "Ivan"}'):
        assert client.post("/screen", content=raw, headers=headers).status_code == 422
        assert client.post("/match/default", content=raw, headers=headers).status_code == 422
    response = client.post("/match/default", json={"queries": {"q": "Ivan"}})
    assert response.status_code == 422
    nested = {"queries": {"q": {"properties": {"name": [{"id": "x"}]}}}}
    response = client.post("/match/default", json=nested)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("queries.q.properties.name:")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ([""], "names"),
        (["   \t "], "names"),
        ([LONG], "names: a name is 10,000 characters"),
        (["Ali\x1b[31mHassan"], "control characters"),
        (["Ivan", "--birth-date", "1984-02-30"], "birth_dates"),
        (["Ivan", "--birth-date", "yesterday"], "birth_dates"),
        (["Ivan", "--list", "atlantis"], "unknown list 'atlantis'"),
    ],
)
def test_cli_bad_input_is_one_clear_error(cli_env: Path, args: list[str], fragment: str) -> None:
    result = runner.invoke(cli, ["screen", "name", *args])
    assert result.exit_code == 1, result.output
    assert "error:" in result.output and fragment in result.output
    assert "Traceback" not in result.output


def test_cli_mixed_scripts_are_screened(cli_env: Path) -> None:
    result = runner.invoke(cli, ["screen", "name", MIXED, "--format", "json"])
    assert result.exit_code == 0, result.output


def test_cli_batch_reports_every_bad_row_by_line_and_goes_on(cli_env: Path) -> None:
    src = cli_env / "parties.csv"
    rows = [
        "key,name,birth_date",
        "k2,Ivan Petrov,1970-01-02",
        "k3,,",
        "k4,   ,",
        f"k5,{LONG},",
        "k6,Ali\x1b[31mHassan,",
        f"k7,{MIXED},",
        "k8,Maria Silva,1984-02-30",
        "k9,Maria Silva,,extra cell",
        "k10,Maria Silva,",
    ]
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = cli_env / "out.jsonl"
    result = runner.invoke(cli, ["screen", "batch", str(src), "-o", str(out), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert "6 rows rejected" in result.output
    for line in (3, 4, 5, 6, 8, 9):
        assert f"line {line}:" in result.output
    got = {r["key"]: r for r in map(orjson.loads, out.read_bytes().splitlines())}
    assert set(got) == {f"k{i}" for i in range(2, 11)}
    assert got["k2"]["hits"][0]["entity_id"] == "p1" and got["k10"]["hits"]
    assert "error" not in got["k7"]
    assert "10,000 characters" in got["k5"]["error"] and "control" in got["k6"]["error"]
    assert "birth_dates" in got["k8"]["error"] and "more cells" in got["k9"]["error"]

    lines = cli_env / "parties.jsonl"
    lines.write_bytes(
        b'{"key": "a", "names": ["Ivan Petrov"]}\n{not json\n[1, 2]\n'
        b'{"schema": "Person", "properties": {"birthDate": ["1970"]}}\n'
        b'{"names": ["Ivan"], "birth_dates": ["1970-13-01"]}\n'
    )
    result = runner.invoke(cli, ["screen", "batch", str(lines), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert "4 rows rejected" in result.output
    for line, why in ((2, "not JSON"), (3, "JSON object"), (4, "properties.name"),
                      (5, "birth_dates")):  # fmt: skip
        assert f"line {line}:" in result.output and why in result.output

    result = runner.invoke(cli, ["screen", "batch", str(src), "--list", "atlantis"])
    assert result.exit_code == 1 and "unknown list 'atlantis'" in result.output
    binary = cli_env / "binary.csv"
    binary.write_bytes(b"name\n\xff\xfe\x00garbage\n")
    result = runner.invoke(cli, ["screen", "batch", str(binary)])
    assert result.exit_code == 1 and "not UTF-8" in result.output
    assert "Traceback" not in result.output
