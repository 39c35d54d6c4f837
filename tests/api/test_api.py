"""The HTTP API over a real store: health, readiness, lists, diffs, the change feed, entities."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from accord.api.app import create_app
from accord.lists.ingest import ingest_file, mark_stale
from accord.settings import Settings
from accord.store.db import Store
from tests.lists.ftm_factory import version_one, version_two


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'api.db'}")


@pytest.fixture
def client(store: Store, tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path), store))


def test_health_and_readiness(client: TestClient, store: Store, tmp_path: Path) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["lists_serving"] == 0
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    mark_stale(store, "opensanctions", "download failed: HTTP 503")
    body = client.get("/readyz").json()
    assert body["status"] == "ready"
    assert body["stale"] == {"opensanctions": "download failed: HTTP 503"}


def test_lists_diff_changes_entity_export(client: TestClient, store: Store, tmp_path: Path) -> None:
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    ingest_file(store, "opensanctions", version_two(tmp_path / "v2.json"))
    lists = {item["id"]: item for item in client.get("/lists").json()}
    assert lists["opensanctions"]["records"] == 3 and lists["un"]["state"] == "not loaded"
    diff = client.get("/lists/opensanctions/diff").json()
    assert sorted(c["change"] for c in diff["changes"]) == ["added", "amended", "removed"]
    feed = client.get("/changes", params={"since": "2000-01-01T00:00:00Z", "change": "added"})
    assert feed.status_code == 200
    assert {e["entity_id"] for e in feed.json()} >= {"p4"}
    entity = client.get("/entities/p1").json()
    assert entity["caption"] == "Ivan Petrov"
    assert entity["provenance"]["record_id"] == "p1"
    export = client.get("/export")
    assert len([orjson.loads(x) for x in export.content.splitlines()]) == 4


@pytest.mark.parametrize(
    ("url", "status", "fragment"),
    [
        ("/entities/nobody", 404, "no entity"),
        ("/lists/nope/versions", 404, "unknown list"),
        ("/lists/un/diff", 404, "no stored version"),
        ("/changes?since=yesterday", 422, "since"),
    ],
)
def test_errors_map_to_status_codes(
    client: TestClient, url: str, status: int, fragment: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert fragment in response.text


def test_openapi_is_published(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/healthz", "/readyz", "/lists", "/changes", "/entities/{entity_id}"} <= set(
        spec["paths"]
    )
