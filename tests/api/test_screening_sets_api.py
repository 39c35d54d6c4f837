"""Party sets over HTTP: create or replace, re-screen against what changed, decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from accord.api.app import create_app
from accord.lists.ingest import ingest_file
from accord.screening import service
from accord.settings import Settings
from accord.store.db import Store
from tests.lists.ftm_factory import version_one, version_two


def party(key: str, name: str) -> dict[str, Any]:
    return {"key": key, "query": {"names": [name], "schema": "Person"}}


PARTIES = [party("c1", "Ivan Petrov"), party("c2", "John Doe"), party("c4", "Chen Wei")]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[TestClient, Store]:
    store = Store(f"sqlite:///{tmp_path / 'api.db'}")
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    service.clear_cache()
    return TestClient(create_app(Settings(data_dir=tmp_path / "data"), store)), store


def changes(run: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["change"], c["key"]) for c in run["changes"]}


def test_set_lifecycle(setup: tuple[TestClient, Store], tmp_path: Path) -> None:
    client, store = setup
    ana = {"X-Accord-User": "ana"}
    body = {"parties": PARTIES, "threshold": 0.7, "limit": 5}
    response = client.put("/screen/sets/clients", json=body, headers=ana)
    assert response.status_code == 200, response.text
    created = response.json()
    assert (created["name"], created["parties"], created["runs"]) == ("clients", 3, 0)
    assert created["created_by"] == "ana" and created["rejected"] == []
    assert client.get("/screen/sets").json()["sets"][0]["name"] == "clients"

    first = client.post("/screen/sets/clients/run").json()
    assert first["full"] and changes(first) == {("new", "c1"), ("new", "c2")}

    decision = {"party_key": "c1", "entity_id": "p1", "why": "other birth date"}
    response = client.post("/screen/sets/clients/decisions", json=decision, headers=ana)
    assert response.status_code == 201, response.text
    assert response.json()["decided_by"] == "ana" and response.json()["party_key"] == "c1"
    (listed,) = client.get("/screen/sets/clients/decisions").json()["decisions"]
    assert listed["reason"] == "other birth date" and listed["standing"] is True
    everywhere = client.get("/screen/decisions", params={"party_key": "c1"}).json()
    assert everywhere["total"] == 1

    # Replaced from a file (bad rows reported): the set starts afresh, the decision holds.
    csv = "key,name,schema\nc1,Ivan Petrov,Person\nc2,John Doe,Person\nc3,  ,Person\n"
    files = {"file": ("clients.csv", csv.encode(), "text/csv")}
    response = client.put("/screen/sets/clients/file", files=files, params={"threshold": 0.7})
    assert response.status_code == 200, response.text
    replaced = response.json()
    assert replaced["parties"] == 2 and replaced["runs"] == 0
    assert [(r["line"], r["key"]) for r in replaced["rejected"]] == [(4, "c3")]
    assert "names" in replaced["rejected"][0]["error"]
    fresh = client.post("/screen/sets/clients/run").json()
    assert changes(fresh) == {("suppressed", "c1"), ("new", "c2")}
    assert (fresh["new"], fresh["suppressed"]) == (1, 1)

    ingest_file(store, "opensanctions", version_two(tmp_path / "v2.json"))  # p1, p2 changed
    delta = client.post("/screen/sets/clients/run").json()
    assert not delta["full"] and changes(delta) == {("changed", "c1"), ("removed", "c2")}
    info = client.get("/screen/sets/clients").json()
    assert info["runs"] == 2 and info["parties"] == 2
    store.dispose()


def test_set_errors_name_the_field(setup: tuple[TestClient, Store]) -> None:
    client, store = setup
    assert client.get("/screen/sets/nope").status_code == 404
    assert client.post("/screen/sets/nope/run").status_code == 404
    assert client.get("/screen/sets/nope/decisions").status_code == 404
    decision = {"party_key": "c1", "entity_id": "p1", "why": "x"}
    assert client.post("/screen/sets/nope/decisions", json=decision).status_code == 404

    def locs(response: Any) -> list[list[Any]]:
        assert response.status_code == 422, response.text
        return [err["loc"] for err in response.json()["detail"]]

    bad_query = {"parties": [party("c1", "   ")]}
    assert ["body", "parties", 0, "query", "names"] in locs(
        client.put("/screen/sets/x", json=bad_query)
    )
    assert ["body", "parties"] in locs(client.put("/screen/sets/x", json={"parties": []}))
    too_high = {"parties": PARTIES, "threshold": 2}
    assert ["body", "threshold"] in locs(client.put("/screen/sets/x", json=too_high))
    assert ["path", "name"] in locs(client.put(f"/screen/sets/{'x' * 200}", json=too_high))
    blank = client.put("/screen/sets/%20", json={"parties": PARTIES})
    assert blank.status_code == 422 and blank.json()["detail"].startswith("name:")
    assert ["body", "file"] in locs(client.put("/screen/sets/x/file"))

    files = {"file": ("clients.csv", b"party,country\nIvan,ru\n", "text/csv")}
    response = client.put("/screen/sets/x/file", files=files)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("file: clients.csv: ")
    files = {"file": ("clients.csv", b"key,name\nc1,   \n", "text/csv")}
    response = client.put("/screen/sets/x/file", files=files)
    assert response.status_code == 422 and response.json()["detail"].startswith("parties:")

    assert client.put("/screen/sets/s", json={"parties": PARTIES}).status_code == 200
    no_why = {"party_key": "c1", "entity_id": "p1", "why": ""}
    assert ["body", "why"] in locs(client.post("/screen/sets/s/decisions", json=no_why))
    stranger = {"party_key": "c9", "entity_id": "p1", "why": "x"}
    response = client.post("/screen/sets/s/decisions", json=stranger)
    assert response.status_code == 404 and "no party" in response.json()["detail"]
    unlisted = {"party_key": "c1", "entity_id": "p9", "why": "x"}
    assert client.post("/screen/sets/s/decisions", json=unlisted).status_code == 404
    store.dispose()
