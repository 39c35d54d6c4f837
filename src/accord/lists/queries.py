"""Read-side use cases over the list store: status, versions, diffs, the change feed, entities."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from accord.errors import InvalidInputError, NotFoundError
from accord.lists.diff import RecordChange, diff_records, record_views
from accord.lists.model import Provenance
from accord.lists.registry import all_sources
from accord.lists.store import (
    as_utc,
    find_entity,
    get_state,
    get_version,
    record_entities,
    serving_version_ids,
    version_entities,
    versions,
)
from accord.store.models import ListChange, ListEntity, ListState, ListVersion


@dataclass
class ListStatus:
    list_id: str
    title: str
    jurisdiction: str
    serving_version: int | None
    published_at: datetime | None
    ingested_at: datetime | None
    records: int
    counts: dict[str, int]
    stale: bool
    stale_reason: str | None
    last_attempt_at: datetime | None

    @property
    def state(self) -> str:
        if self.serving_version is None:
            return "failed" if self.stale else "not loaded"
        return "stale" if self.stale else "ok"


def list_statuses(session: Session) -> list[ListStatus]:
    """Every registered list (and any other list id that was ingested), with its serving state."""
    sources = all_sources()
    ids = list(sources) + sorted(
        {s.list_id for s in session.scalars(select(ListState))} - set(sources)
    )
    out: list[ListStatus] = []
    for list_id in ids:
        state = get_state(session, list_id)
        version = (
            session.get(ListVersion, state.current_version_id)
            if state and state.current_version_id
            else None
        )
        source = sources.get(list_id)
        if state is None and source is not None and not source.core:
            continue  # optional sources (OpenSanctions) are listed once something was loaded
        out.append(
            ListStatus(
                list_id=list_id,
                title=source.title if source else list_id,
                jurisdiction=source.jurisdiction if source else "",
                serving_version=version.id if version else None,
                published_at=as_utc(version.published_at) if version else None,
                ingested_at=as_utc(version.ingested_at) if version else None,
                records=version.record_count if version else 0,
                counts=orjson.loads(version.counts) if version else {},
                stale=bool(state and state.stale),
                stale_reason=state.stale_reason if state else None,
                last_attempt_at=as_utc(state.last_attempt_at) if state else None,
            )
        )
    return out


def resolve_versions(
    session: Session, list_id: str, from_id: int | None, to_id: int | None
) -> tuple[ListVersion, ListVersion]:
    """The two versions to compare: given ids, else the two newest versions of the list."""
    known = versions(session, list_id)
    if to_id is None:
        if not known:
            raise NotFoundError(f"list {list_id} has no stored version")
        to_version = known[-1]
    else:
        to_version = get_version(session, to_id)
    if from_id is None:
        older = [v for v in known if v.id != to_version.id and _order(v) <= _order(to_version)]
        if not older:
            raise NotFoundError(
                f"list {list_id} has only one version before {to_version.id}; nothing to compare"
            )
        from_version = older[-1]
    else:
        from_version = get_version(session, from_id)
    for v in (from_version, to_version):
        if v.list_id != list_id:
            raise InvalidInputError(f"version {v.id} belongs to list {v.list_id}, not {list_id}")
    return from_version, to_version


def _order(version: ListVersion) -> tuple[datetime, int]:
    when = as_utc(version.published_at) or as_utc(version.ingested_at)
    assert when is not None
    return when, version.id


def diff_versions(session: Session, old_id: int, new_id: int) -> list[RecordChange]:
    old = record_views(version_entities(session, old_id).values())
    new = record_views(version_entities(session, new_id).values())
    return diff_records(old, new)


@dataclass
class FeedEntry:
    list_id: str
    version_id: int
    change: str
    entity_id: str
    record_id: str
    schema: str
    caption: str
    fields: dict[str, Any]
    published_at: datetime | None
    detected_at: datetime


def changes_since(
    session: Session,
    since: datetime,
    *,
    list_ids: list[str] | None = None,
    change: str | None = None,
    limit: int | None = None,
) -> list[FeedEntry]:
    """The change feed: every record added, removed or amended in a version published since T.

    A version without a publication date counts from when this node ingested it.
    """
    when = func.coalesce(ListChange.published_at, ListChange.detected_at)
    stmt = select(ListChange).where(when >= since).order_by(when, ListChange.id)
    if list_ids:
        stmt = stmt.where(ListChange.list_id.in_(list_ids))
    if change:
        stmt = stmt.where(ListChange.change == change)
    if limit:
        stmt = stmt.limit(limit)
    return [
        FeedEntry(
            list_id=row.list_id,
            version_id=row.version_id,
            change=row.change,
            entity_id=row.entity_id,
            record_id=row.record_id,
            schema=row.schema,
            caption=row.caption,
            fields=orjson.loads(row.fields),
            published_at=as_utc(row.published_at),
            detected_at=as_utc(row.detected_at) or row.detected_at,
        )
        for row in session.scalars(stmt)
    ]


@dataclass
class ValueView:
    prop: str
    label: str
    values: list[str]


@dataclass
class EntityView:
    """An entity with every value and where it came from."""

    entity_id: str
    schema: str
    caption: str
    provenance: Provenance
    list_title: str
    serving: bool
    values: list[ValueView]
    sanctions: list[list[ValueView]] = field(default_factory=list)


def _values(doc: dict[str, Any], schema_name: str) -> list[ValueView]:
    from followthemoney import model

    schema = model.get(schema_name)
    out = []
    for prop, vals in sorted(doc.get("properties", {}).items()):
        prop_obj = schema.get(prop) if schema else None
        label = prop_obj.label if prop_obj is not None else prop
        out.append(ValueView(prop=prop, label=str(label), values=list(vals)))
    return out


def show_entity(session: Session, entity_id: str) -> EntityView:
    found = find_entity(session, entity_id)
    if found is None:
        raise NotFoundError(f"no entity {entity_id!r}; try `accord lists find NAME`")
    stored, version = found
    sources = all_sources()
    siblings = record_entities(session, version.id, stored.record_id)
    sanctions = [_values(s.doc, "Sanction") for s in siblings if s.schema == "Sanction"]
    return EntityView(
        entity_id=stored.entity_id,
        schema=stored.schema,
        caption=stored.caption,
        provenance=Provenance(
            list_id=version.list_id,
            version_id=version.id,
            published_at=as_utc(version.published_at),
            record_id=stored.record_id,
        ),
        list_title=sources[version.list_id].title
        if version.list_id in sources
        else version.list_id,
        serving=version.id in serving_version_ids(session),
        values=_values(stored.doc, stored.schema),
        sanctions=sanctions,
    )


def find_entities(session: Session, text: str, limit: int = 20) -> list[tuple[str, str, str, str]]:
    """(entity id, list, schema, caption) of serving entities whose caption or id has text."""
    if not text.strip():
        raise InvalidInputError("search text is empty")
    serving = serving_version_ids(session)
    pattern = f"%{text.strip().lower()}%"
    stmt = (
        select(ListEntity.entity_id, ListVersion.list_id, ListEntity.schema, ListEntity.caption)
        .join(ListVersion, ListVersion.id == ListEntity.version_id)
        .where(ListEntity.version_id.in_(serving))
        .where(ListEntity.schema != "Sanction")
        .where(
            or_(
                func.lower(ListEntity.caption).like(pattern),
                func.lower(ListEntity.entity_id).like(pattern),
            )
        )
        .order_by(ListEntity.caption)
        .limit(limit)
    )
    return [(a, b, c, d) for a, b, c, d in session.execute(stmt)]
