"""List endpoints: sources and status, versions, diffs, the change feed, entities, export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from accord.api.deps import get_session
from accord.lists import queries
from accord.lists.export import export_lines
from accord.lists.registry import all_sources, get_source
from accord.lists.store import as_utc, versions

router = APIRouter(tags=["lists"])


@router.get("/lists")
def lists_index(session: Session = Depends(get_session)) -> list[dict[str, Any]]:
    """Every registered list with its serving version and staleness."""
    sources = all_sources()
    out = []
    for s in queries.list_statuses(session):
        src = sources.get(s.list_id)
        out.append(
            {
                "id": s.list_id,
                "title": s.title,
                "jurisdiction": s.jurisdiction,
                "authority": src.authority if src else None,
                "state": s.state,
                "serving_version": s.serving_version,
                "published_at": s.published_at,
                "records": s.records,
                "counts": s.counts,
                "stale": s.stale,
                "stale_reason": s.stale_reason,
            }
        )
    return out


@router.get("/lists/{list_id}/versions")
def list_versions(list_id: str, session: Session = Depends(get_session)) -> list[dict[str, Any]]:
    get_source(list_id)
    return [
        {
            "id": v.id,
            "published_at": as_utc(v.published_at),
            "ingested_at": as_utc(v.ingested_at),
            "records": v.record_count,
            "sha256": v.sha256,
            "source": v.source,
        }
        for v in versions(session, list_id)
    ]


@router.get("/lists/{list_id}/diff")
def list_diff(
    list_id: str,
    from_version: int | None = Query(None, alias="from"),
    to_version: int | None = Query(None, alias="to"),
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Records added, removed and amended between two versions (default: the newest two)."""
    get_source(list_id)
    old, new = queries.resolve_versions(session, list_id, from_version, to_version)
    changes = queries.diff_versions(session, old.id, new.id)
    return {
        "list": list_id,
        "from": old.id,
        "to": new.id,
        "changes": [c.as_dict() for c in changes],
    }


@router.get("/changes")
def changes(
    since: datetime,
    list_id: list[str] | None = Query(None, alias="list"),
    change: str | None = None,
    limit: int | None = Query(None, ge=1, le=100_000),
    session: Session = Depends(get_session),
) -> list[queries.FeedEntry]:
    """The change feed: what changed in any list since ``since`` (ISO 8601)."""
    return queries.changes_since(session, since, list_ids=list_id, change=change, limit=limit)


@router.get("/entities/{entity_id}")
def entity(entity_id: str, session: Session = Depends(get_session)) -> queries.EntityView:
    """An entity with every value and its provenance (list, list version, record)."""
    return queries.show_entity(session, entity_id)


@router.get("/export")
def export(session: Session = Depends(get_session)) -> StreamingResponse:
    """Every serving list version as FtM JSON lines."""
    lines = list(export_lines(session))
    return StreamingResponse(iter(lines), media_type="application/x-ndjson")
