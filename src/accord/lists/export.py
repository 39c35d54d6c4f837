"""Export the serving list versions as FtM JSON lines, the form OpenSanctions publishes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.lists.store import as_utc, get_version, serving_version_ids, version_entities
from accord.store.models import ListChange, ListEntity, ListVersion


def _iso(value: datetime | None) -> str | None:
    value = as_utc(value)
    return value.isoformat(timespec="seconds") if value else None


def _first_seen(session: Session) -> dict[str, datetime]:
    when = func.coalesce(ListVersion.published_at, ListVersion.ingested_at)
    stmt = (
        select(ListEntity.entity_id, func.min(when))
        .join(ListVersion, ListVersion.id == ListEntity.version_id)
        .group_by(ListEntity.entity_id)
    )
    return {row[0]: row[1] for row in session.execute(stmt)}


def _last_change(session: Session) -> dict[str, datetime]:
    when = func.coalesce(ListChange.published_at, ListChange.detected_at)
    stmt = select(ListChange.entity_id, func.max(when)).group_by(ListChange.entity_id)
    return {row[0]: row[1] for row in session.execute(stmt)}


def iter_export(session: Session) -> Iterator[dict[str, Any]]:
    """One dict per entity of every serving version, with datasets and first/last seen."""
    first_seen = _first_seen(session)
    last_change = _last_change(session)
    for version_id in serving_version_ids(session):
        version = get_version(session, version_id)
        last_seen = _iso(version.published_at or version.ingested_at)
        for stored in version_entities(session, version_id).values():
            yield {
                "id": stored.entity_id,
                "caption": stored.caption,
                "schema": stored.schema,
                "properties": stored.doc.get("properties", {}),
                "datasets": [version.list_id],
                "referents": [],
                "target": stored.schema != "Sanction",
                "first_seen": _iso(first_seen.get(stored.entity_id)),
                "last_seen": last_seen,
                "last_change": _iso(last_change.get(stored.entity_id)) or last_seen,
            }


def export_lines(session: Session) -> Iterator[bytes]:
    for entity in iter_export(session):
        yield orjson.dumps(entity) + b"\n"
