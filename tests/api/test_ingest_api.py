"""``POST /ingest/{kind}``: the CLI's uploads over HTTP."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.api import ingest as ingest_api
from accord.settings import Settings
from tests.conftest import require_shared, shared_dir


def _client(tmp_path: Path) -> TestClient:
    app = FastAPI()
    app.state.settings = Settings(data_dir=tmp_path / "data", shared_dir=shared_dir())
    app.include_router(ingest_api.router)
    return TestClient(app)


def test_upload_and_manifest(tmp_path: Path) -> None:
    client = _client(tmp_path)
    mt = require_shared("payments/mt103_sample.txt")
    xml = require_shared("payments/pacs.008.001.08_sample.xml")
    files = [("files", (mt.name, mt.read_bytes())), ("files", (xml.name, xml.read_bytes()))]
    response = client.post("/ingest/payments", files=files)
    assert response.status_code == 200, response.text
    body = response.json()
    # The pacs.008 sample's CreDtTm has no zone: rejected without assume_timezone.
    assert (body["accepted"], body["rejected"]) == (1, 1)
    assert [f["path"] for f in body["files"]] == [mt.name, xml.name]
    again = client.post("/ingest/payments", files=files[1:], params={"assume_timezone": "UTC"})
    assert again.json()["accepted"] == 1
    manifest = client.get("/ingest/manifest").json()
    assert [m["path"] for m in manifest] == [mt.name, xml.name, xml.name]
    assert not any((tmp_path / "data" / "uploads").iterdir())  # uploads are not kept


def test_unknown_kind_and_kinds(tmp_path: Path) -> None:
    client = _client(tmp_path)
    kinds = client.get("/ingest/kinds").json()
    assert "ais" in [k["kind"] for k in kinds]
    from accord.errors import AccordError

    try:
        client.post("/ingest/nope", files=[("files", ("a.txt", b"x"))])
    except AccordError as exc:  # no app-level error mapping in this bare app
        assert "unknown kind" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("an unknown kind must fail")
