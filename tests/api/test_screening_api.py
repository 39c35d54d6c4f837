"""Screening over HTTP: POST /screen and the yente-compatible POST /match/{dataset}."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

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


class YenteExplanation(BaseModel):
    score: float


class YenteResult(BaseModel):
    """yente's ``ScoredEntityResponse`` (yente/data/common.py), as a client parses it."""

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    referents: list[str]
    target: bool
    first_seen: datetime | None
    last_seen: datetime | None
    last_change: datetime | None
    score: float
    match: bool
    explanations: dict[str, YenteExplanation]
    features: dict[str, float]  # older yente releases


class YenteTotal(BaseModel):
    value: int
    relation: str


class YenteExample(BaseModel):
    id: str | None = None
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]


class YenteMatches(BaseModel):
    status: int
    results: list[YenteResult]
    total: YenteTotal
    query: YenteExample


class YenteMatchResponse(BaseModel):
    responses: dict[str, YenteMatches]
    limit: int
    matcher: dict[str, Any]  # older yente releases


def test_match_takes_a_request_shaped_as_yente_documents_it(client: TestClient) -> None:
    # The shape of the examples in yente's /match docs and OpenSanctions' quickstart: ids chosen
    # by the client, FtM schema and properties, a property as a list or as one value, properties
    # screening does not use, firstName/lastName parts, and scoring weights.
    body = {
        "weights": {"name_literal": 0.8},
        "config": {"nm_number_mismatch": 0.4},
        "queries": {
            "entity1": {
                "schema": "Person",
                "properties": {
                    "name": ["Ivan Petrov"],
                    "birthDate": ["1970-01-02"],
                    "nationality": ["ru"],
                    "address": "Moscow",
                },
            },
            "entity2": {
                "schema": "Company",
                "properties": {
                    "name": ["Brilliant Amazing Limited"],
                    "jurisdiction": ["hk"],
                    "registrationNumber": ["84BA99810"],
                    "incorporationDate": ["2001-02-03"],
                },
            },
            "q": {
                "id": "my-entity-id",
                "schema": "Person",
                "properties": {"firstName": "Maria", "lastName": ["Silva"], "birthDate": [1975]},
            },
        },
    }
    params = {"algorithm": "logic-v2", "threshold": 0.7, "limit": 3}
    response = client.post("/match/default", params=params, json=body)
    assert response.status_code == 200, response.text
    parsed = YenteMatchResponse.model_validate(response.json())
    assert parsed.limit == 3 and set(parsed.responses) == {"entity1", "entity2", "q"}
    ivan = parsed.responses["entity1"]
    assert ivan.status == 200 and ivan.total.value == len(ivan.results) >= 1
    top = ivan.results[0]
    assert top.id == "p1" and top.caption == "Ivan Petrov" and top.schema_ == "Person"
    assert top.datasets == ["opensanctions"] and top.match and top.target
    assert top.properties["birthDate"] == ["1970-01-02"]
    assert top.features and top.explanations["name_match"].score > 0
    assert ivan.query.properties["address"] == ["Moscow"]
    assert parsed.responses["entity2"].results == []
    maria = parsed.responses["q"]
    assert maria.query.id == "my-entity-id" and maria.results[0].id == "p3"


def test_match_include_and_exclude_datasets(client: TestClient) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ivan Petrov"]}}}}

    def ids(**params: Any) -> list[str]:
        response = client.post("/match/default", params=params, json=body)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["responses"]["q"]["results"]]

    assert ids() == ["p1"]
    assert ids(include_dataset="opensanctions") == ["p1"]
    assert ids(include_dataset=["un", "opensanctions"]) == ["p1"]
    assert ids(include_dataset="UN") == []
    assert ids(exclude_dataset="opensanctions") == []
    assert ids(exclude_dataset="un") == ["p1"]
    for params, field in [
        ({"include_dataset": "nowhere"}, "include_dataset"),
        ({"exclude_dataset": "nowhere"}, "exclude_dataset"),
        ({"exclude_dataset": ["un", "opensanctions"]}, "exclude_dataset"),
    ]:
        response = client.post("/match/default", params=params, json=body)
        assert response.status_code == 422, response.text
        assert response.json()["detail"].startswith(f"{field}:")
