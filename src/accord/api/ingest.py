"""Ingest endpoints: the same uploads as ``accord ingest KIND PATH…``, over HTTP.

Uploads are streamed to a folder under the data directory (never held in memory whole), ingested
with the same use case as the CLI, then deleted; the response is the run's summary.
"""

from __future__ import annotations

import re
import secrets
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter, File, Query, Request, UploadFile

from accord.analytics.store import AnalyticsStore, analytics_root
from accord.errors import InvalidInputError
from accord.ingest.base import IngestOptions
from accord.ingest.kinds import KINDS, get_kind
from accord.ingest.parties import default_screener
from accord.ingest.pipeline import ingest
from accord.settings import Settings

router = APIRouter(prefix="/ingest", tags=["ingest"])


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _safe_name(name: str | None, index: int) -> str:
    """The upload's own file name (format detection reads its suffix), without any path."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name or "").name).lstrip(".")
    return base or f"upload-{index}"


@router.get("/kinds")
def kinds() -> list[dict[str, Any]]:
    """The kinds of data accepted, their formats and the datasets they fill."""
    return [
        {
            "kind": k.name,
            "description": k.description,
            "formats": [{"name": f.name, "description": f.description} for f in k.formats],
            "datasets": [d.name for d in k.datasets],
        }
        for k in KINDS.values()
    ]


@router.post("/{kind}")
def ingest_upload(
    kind: str,
    request: Request,
    files: list[UploadFile] = File(..., description="One or more files of this kind."),
    fmt: str | None = Query(None, alias="format", description="Skip format detection."),
    assume_timezone: str | None = Query(None, description="Zone of zone-less timestamps."),
    force: bool = Query(False, description="Re-read files already ingested."),
) -> dict[str, Any]:
    """Ingest uploaded files; counts of accepted, duplicate and rejected records per file."""
    spec = get_kind(kind)
    if not files:
        raise InvalidInputError("no file uploaded")
    settings = _settings(request)
    folder = settings.data_dir / "uploads" / secrets.token_hex(8)
    folder.mkdir(parents=True)
    try:
        paths = []
        for i, upload in enumerate(files):
            path = folder / f"{i:03d}-{_safe_name(upload.filename, i)}"
            with path.open("wb") as out:
                shutil.copyfileobj(upload.file, out, 1 << 20)
            paths.append(path)
        options = IngestOptions(assume_timezone=assume_timezone, force=force, format=fmt)
        names = [_safe_name(u.filename, i) for i, u in enumerate(files)]
        screener = default_screener(settings, getattr(request.app.state, "store", None))
        run = ingest(spec, paths, settings=settings, screener=screener,
                     options=options, names=names)  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    body = asdict(run)
    return {**body, "accepted": run.accepted, "duplicate": run.duplicate,
            "rejected": run.rejected}  # fmt: skip


@router.get("/manifest")
def manifest(request: Request) -> list[dict[str, Any]]:
    """Every file ingested so far, with its counts."""
    store = AnalyticsStore(analytics_root(_settings(request)))
    return [asdict(e) for e in store.manifest()]
