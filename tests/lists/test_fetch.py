"""Downloads against a real local HTTP server: retries, limits, broken transfers, stale marking."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from accord.errors import FetchError
from accord.lists import queries
from accord.lists.fetch import download
from accord.lists.ingest import fetch_list, ingest_file
from accord.lists.registry import Download, get_source
from accord.settings import Settings
from accord.store.db import Store
from tests.lists.ftm_factory import version_one

BODY = b'{"id": "p9", "schema": "Person", "properties": {"name": ["Nine"]}}\n'


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}  # noqa: RUF012 - shared counter across handler instances, by design

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        n = Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        if self.path == "/ok" or (self.path == "/flaky" and n > 1):
            self._send(200, BODY)
        elif self.path in ("/flaky", "/down"):
            self._send(503, b"busy")
        elif self.path == "/missing":
            self._send(404, b"no")
        elif self.path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY) * 10))
            self.end_headers()
            self.wfile.write(BODY[:20])
            self.wfile.flush()
            self.connection.close()
        elif self.path == "/big":
            self._send(200, b"x" * 5000)

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _get(url: str, dest: Path, **kw: int) -> Path:
    return download(url, dest, list_id="t", timeout=5, backoff=0.01, **kw).path


def test_download_records_checksum(server: str, tmp_path: Path) -> None:
    got = download(f"{server}/ok", tmp_path, list_id="t", timeout=5)
    assert got.path.read_bytes() == BODY and got.size == len(BODY)
    import hashlib

    assert got.sha256 == hashlib.sha256(BODY).hexdigest()


def test_server_error_is_retried(server: str, tmp_path: Path) -> None:
    assert _get(f"{server}/flaky", tmp_path, retries=2).read_bytes() == BODY


@pytest.mark.parametrize(
    ("path", "message", "kw"),
    [
        ("/missing", "HTTP 404", {}),
        ("/down", "after 2 attempts: HTTP 503", {"retries": 1}),
        ("/truncated", "RemoteProtocolError", {"retries": 1}),
        ("/big", "byte limit", {"max_bytes": 1000}),
    ],
)
def test_failed_download_leaves_no_file(
    server: str, tmp_path: Path, path: str, message: str, kw: dict[str, int]
) -> None:
    with pytest.raises(FetchError, match=message) as err:
        _get(f"{server}{path}", tmp_path, **kw)
    assert path in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_failed_fetch_marks_stale_and_keeps_serving(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    good = ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    source = get_source("opensanctions")
    broken = source.model_copy(
        update={"downloads": (Download(url=f"{server}/truncated", format="ftm_jsonl"),)}
    )
    monkeypatch.setattr("accord.lists.ingest.get_source", lambda _id: broken)
    settings = Settings(data_dir=tmp_path / "data", http_retries=0, http_timeout=5)
    with pytest.raises(FetchError):
        fetch_list(store, settings, "opensanctions")
    with store.reader() as s:
        status = {r.list_id: r for r in queries.list_statuses(s)}["opensanctions"]
    assert status.serving_version == good.version_id
    assert status.state == "stale" and "truncated" in (status.stale_reason or "")


def test_fetch_from_official_url_ingests(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    source = get_source("opensanctions").model_copy(
        update={"downloads": (Download(url=f"{server}/ok", format="ftm_jsonl"),)}
    )
    monkeypatch.setattr("accord.lists.ingest.get_source", lambda _id: source)
    settings = Settings(data_dir=tmp_path / "data", http_retries=0, http_timeout=5)
    [outcome] = fetch_list(store, settings, "opensanctions")
    assert outcome.status == "ingested" and outcome.records == 1
    assert outcome.source == f"{server}/ok"
