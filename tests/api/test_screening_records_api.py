"""Screening records and decisions over HTTP: recorded by default, suppressed hits reported."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from accord.api.app import create_app
from accord.lists.ingest import ingest_file
from accord.screening import service
from accord.settings import Settings
from accord.store.db import Store
from tests.lists.ftm_factory import person, version_one, version_two, write_list

IVAN = {"key": "c1", "query": {"names": ["Ivan Petrov"], "schema": "Person"}}


def test_records_decisions_and_invalidation(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'api.db'}")
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    service.clear_cache()
    client = TestClient(create_app(Settings(data_dir=tmp_path), store))
    user = {"X-Accord-User": "alice"}

    response = client.post("/screen", json={"queries": [IVAN]}, headers=user)
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["record_id"] and result["hits"][0]["entity_id"] == "p1"
    response = client.post("/screen?record=false", json={"queries": [IVAN]})
    assert response.json()["results"][0]["record_id"] is None
    match = {"queries": {"m1": {"schema": "Person", "properties": {"name": ["Maria Silva"]}}}}
    response = client.post("/match/default", json=match)
    assert response.status_code == 200, response.text
    m1 = response.json()["responses"]["m1"]

    listed = client.get("/screen/records").json()
    assert listed["total"] == 2
    newest, oldest = listed["records"]
    assert newest["source"] == "match" and newest["created_by"] == "anonymous"
    assert oldest["created_by"] == "alice" and oldest["input_hash"] == result["input_hash"]
    assert set(oldest["list_versions"]) == {"opensanctions"}
    assert client.get("/screen/records?since=2999-01-01T00:00:00Z").json()["total"] == 0

    decision = {"party_key": "c1", "entity_id": "p1", "why": "different person"}
    response = client.post("/screen/decisions", json=decision, headers={"X-Accord-User": "bob"})
    assert response.status_code == 201, response.text
    assert response.json()["decided_by"] == "bob"
    decision = {"party_key": m1["input_hash"], "entity_id": "p3", "why": "namesake"}
    assert client.post("/screen/decisions", json=decision).status_code == 201
    bad = {"party_key": "c1", "entity_id": "nope", "why": "x"}
    assert client.post("/screen/decisions", json=bad).status_code == 404

    (result,) = client.post("/screen", json={"queries": [IVAN]}).json()["results"]
    assert result["hits"] == [] and result["total"] == 0
    assert result["suppressed"][0]["suppressed_by"]["reason"] == "different person"
    m1 = client.post("/match/default", json=match).json()["responses"]["m1"]
    assert m1["results"] == [] and m1["suppressed"][0]["entity_id"] == "p3"

    ingest_file(store, "opensanctions", version_two(tmp_path / "v2.json"))  # p1 amended
    (result,) = client.post("/screen", json={"queries": [IVAN]}).json()["results"]
    assert [h["entity_id"] for h in result["hits"]] == ["p1"] and result["suppressed"] == []
    store.dispose()


def test_suppressed_hits_leave_the_limit_to_other_hits(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'api.db'}")
    twins = [
        person("pa", "Ivan Petrov", birthDate=["1970-01-02"]),
        person("pb", "Ivan Petrov", birthDate=["1981-05-05"]),
    ]
    ingest_file(store, "opensanctions", write_list(tmp_path / "twins.json", twins))
    service.clear_cache()
    client = TestClient(create_app(Settings(data_dir=tmp_path), store))
    one = {"queries": [IVAN], "limit": 1, "threshold": 0.5}

    (result,) = client.post("/screen", json=one).json()["results"]
    assert result["total"] == 1 and result["suppressed_count"] == 0
    top = result["hits"][0]["entity_id"]
    other = ({"pa", "pb"} - {top}).pop()
    decision = {"party_key": "c1", "entity_id": top, "why": "another Ivan Petrov"}
    assert client.post("/screen/decisions", json=decision).status_code == 201

    (result,) = client.post("/screen", json=one).json()["results"]
    assert [h["entity_id"] for h in result["hits"]] == [other]
    assert result["suppressed_count"] == 1 and result["suppressed"][0]["entity_id"] == top

    match = {"queries": {"c1": {"schema": "Person", "properties": {"name": ["Ivan Petrov"]}}}}
    params = {"limit": 1, "threshold": 0.5}
    m = client.post("/match/default", params=params, json=match).json()["responses"]["c1"]
    assert [r["id"] for r in m["results"]] == [other] and m["total"]["value"] == 1
    assert m["suppressed_count"] == 1 and m["suppressed"][0]["entity_id"] == top
    listed = client.get("/screen/decisions", params={"entity_id": top}).json()
    assert listed["total"] == 1 and listed["decisions"][0]["standing"] is True
    store.dispose()
