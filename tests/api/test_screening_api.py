"""Screening over HTTP: POST /screen and the yente-compatible POST /match/{dataset}."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from accord.api.app import create_app
from accord.lists.ingest import ingest_file
from accord.screening import service
from accord.settings import Settings
from accord.store.db import Store
from tests.conftest import require_shared
from tests.lists.ftm_factory import version_one


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    un_file = require_shared("lists/un/un_consolidated.xml")
    tmp = tmp_path_factory.mktemp("screen_api")
    store = Store(f"sqlite:///{tmp / 'api.db'}")
    ingest_file(store, "un", un_file)
    ingest_file(store, "opensanctions", version_one(tmp / "v1.json"))
    service.clear_cache()
    return TestClient(create_app(Settings(data_dir=tmp), store))


def test_screen_batch_with_per_query_options(client: TestClient) -> None:
    body = {
        "queries": [
            {"key": "a", "query": {"names": ["Muammar Gaddafi"], "schema": "Person"}},
            {
                "key": "b",
                "query": {"names": ["Ivan Petrov"], "birth_dates": ["1970-01-02"]},
                "lists": ["opensanctions"],
                "limit": 1,
            },
            {"key": "c", "query": {"names": ["Muammar Gaddafi"]}, "lists": ["opensanctions"]},
        ],
        "threshold": 0.7,
    }
    response = client.post("/screen", json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    assert set(data["data_versions"]) == {"un", "opensanctions"}
    a, b, c = data["results"]
    assert a["key"] == "a" and a["hits"]
    top = a["hits"][0]
    assert "QADHAFI" in top["caption"] and top["listing"]["list_id"] == "un"
    assert top["schema"] == "Person" and "Libya" in top["listing"]["programs"]
    assert "met the listed name" in top["explanation"]
    assert [h["caption"] for h in b["hits"]] == ["Ivan Petrov"]
    assert c["hits"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"names": [""]}, "names"),
        ({"names": ["   "]}, "names"),
        ({"names": ["x" * 10_000]}, "names"),
        ({"names": ["Ali\x00Hassan"]}, "names"),
        ({"names": ["Ali"], "birth_dates": ["1984-02-30"]}, "birth_dates"),
        ({"names": ["Ali"], "colour": "red"}, "colour"),
    ],
)
def test_screen_bad_query_is_422_naming_the_field(
    client: TestClient, query: dict[str, Any], field: str
) -> None:
    response = client.post("/screen", json={"queries": [{"query": query}]})
    assert response.status_code == 422, response.text
    locs = [err["loc"] for err in response.json()["detail"]]
    assert any(field in loc for loc in locs), locs


def test_screen_bad_options_are_422(client: TestClient) -> None:
    ok = {"query": {"names": ["Ali"]}}
    response = client.post("/screen", json={"queries": [ok, {**ok, "lists": ["nope"]}]})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("queries[1].lists")
    assert client.post("/screen", json={"queries": [{**ok, "threshold": 2}]}).status_code == 422
    assert client.post("/screen", json={"queries": []}).status_code == 422


def test_match_yente_shape(client: TestClient) -> None:
    body = {
        "queries": {
            "q1": {
                "schema": "Person",
                "properties": {"name": ["Muammar Gaddafi"], "nationality": ["ly"]},
            },
            "q2": {"schema": "Person", "properties": {"name": ["Nobody Atall Xyzzy"]}},
        }
    }
    response = client.post("/match/default", params={"threshold": 0.6, "limit": 3}, json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["limit"] == 3
    q1 = data["responses"]["q1"]
    assert q1["status"] == 200 and q1["query"]["properties"]["name"] == ["Muammar Gaddafi"]
    assert 1 <= q1["total"]["value"] <= 3 and q1["total"]["relation"] == "eq"
    result = q1["results"][0]
    assert set(result) >= {"id", "caption", "schema", "properties", "datasets", "score", "match"}
    assert result["datasets"] == ["un"] and "QADHAFI" in result["caption"]
    assert result["explanations"]["name_match"]["score"] > 0
    assert any("QADHAFI" in n for n in result["properties"]["name"])
    assert data["responses"]["q2"]["results"] == []


def test_match_dataset_filters(client: TestClient) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ivan Petrov"]}}}}
    params = {"algorithm": "logic-v1"}
    hits = client.post("/match/opensanctions", params=params, json=body).json()
    assert [r["id"] for r in hits["responses"]["q"]["results"]] == ["p1"]
    assert client.post("/match/UN", json=body).json()["responses"]["q"]["results"] == []
    assert client.post("/match/nowhere", json=body).status_code == 404


@pytest.mark.parametrize(
    ("props", "field"),
    [
        ({"name": ["  "]}, "queries.q.properties.name"),
        ({"name": ["Ali"], "birthDate": ["1984-13-01"]}, "queries.q.properties.birthDate"),
        ({"birthDate": ["1984"]}, "queries.q.properties.name"),
        ({"name": ["Ali"], "hairColour": ["red"]}, "queries.q.properties.hairColour"),
    ],
)
def test_match_bad_input_is_422(client: TestClient, props: dict[str, Any], field: str) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": props}}}
    response = client.post("/match/default", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(field)
