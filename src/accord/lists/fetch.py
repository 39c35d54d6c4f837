"""Downloading official list files: timeouts, retries with back-off, a size limit, a checksum."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from tempfile import NamedTemporaryFile
from urllib.parse import urlparse

import httpx

from accord.errors import FetchError
from accord.logging import get_logger

log = get_logger(__name__)

CHUNK = 1 << 16


@dataclass(frozen=True)
class Downloaded:
    url: str
    path: Path
    sha256: str
    size: int


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _target_name(url: str, list_id: str) -> str:
    tail = Path(urlparse(url).path).name or "download"
    return f"{list_id}-{tail}"


def download(
    url: str,
    dest_dir: Path,
    *,
    list_id: str,
    timeout: float = 60.0,
    retries: int = 3,
    max_bytes: int = 512 * 1024 * 1024,
    backoff: float = 1.0,
    client: httpx.Client | None = None,
) -> Downloaded:
    """Download ``url`` into ``dest_dir``; the file appears only once complete and within limits.

    Connection errors, time-outs, broken transfers and 5xx answers are retried; 4xx are not.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / _target_name(url, list_id)
    own_client = client is None
    http = client or httpx.Client(timeout=timeout, follow_redirects=True)
    last_error = "no attempt made"
    try:
        for attempt in range(retries + 1):
            if attempt:
                time.sleep(backoff * 2 ** (attempt - 1))
            try:
                return _download_once(http, url, target, max_bytes)
            except _RetryableError as exc:
                last_error = str(exc)
                log.warning("download failed", url=url, attempt=attempt + 1, error=last_error)
    finally:
        if own_client:
            http.close()
    raise FetchError(f"{url}: download failed after {retries + 1} attempts: {last_error}")


class _RetryableError(Exception):
    pass


def _download_once(http: httpx.Client, url: str, target: Path, max_bytes: int) -> Downloaded:
    digest = hashlib.sha256()
    size = 0
    with NamedTemporaryFile(dir=target.parent, prefix=".part-", delete=False) as tmp:
        tmp_path = Path(tmp.name)
        try:
            with http.stream("GET", url) as response:
                if response.status_code >= 500:
                    raise _RetryableError(f"HTTP {response.status_code}")
                if response.status_code >= 400:
                    raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"{url}: {declared} bytes is over the {max_bytes} byte limit")
                for chunk in response.iter_bytes(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(f"{url}: over the {max_bytes} byte limit")
                    digest.update(chunk)
                    tmp.write(chunk)
            if size == 0:
                raise _RetryableError("empty response")
        except httpx.TransportError as exc:
            tmp_path.unlink(missing_ok=True)
            raise _RetryableError(f"{type(exc).__name__}: {exc}") from exc
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise
    tmp_path.replace(target)
    return Downloaded(url=url, path=target, sha256=digest.hexdigest(), size=size)
