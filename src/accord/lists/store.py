"""Reading and writing list versions in the operational store.

A version is written in one transaction together with its change-feed entries and the switch of
the serving pointer, so readers see either the old version or the new one, never half of one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from followthemoney import model
from followthemoney.proxy import EntityProxy
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.errors import NotFoundError
from accord.lists.model import ListedEntity, Provenance
from accord.store.models import ListEntity, ListState, ListVersion


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything Accord stores is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def entity_doc(entity: EntityProxy) -> dict[str, Any]:
    """The stored form of an entity: FtM's dict with sorted values, so hashes are stable."""
    return {
        "id": entity.id,
        "schema": entity.schema.name,
        "properties": {k: sorted(v) for k, v in sorted(entity.properties.items())},
    }


def doc_hash(doc: dict[str, Any]) -> str:
    return hashlib.sha1(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(frozen=True)
class StoredEntity:
    """One row of ``list_entities`` decoded."""

    entity_id: str
    record_id: str
    schema: str
    caption: str
    content_hash: str
    doc: dict[str, Any]

    def proxy(self) -> EntityProxy:
        return model.get_proxy(self.doc)


def _decode(row: ListEntity) -> StoredEntity:
    return StoredEntity(
        entity_id=row.entity_id,
        record_id=row.record_id,
        schema=row.schema,
        caption=row.caption,
        content_hash=row.content_hash,
        doc=orjson.loads(row.doc),
    )


def get_state(session: Session, list_id: str) -> ListState | None:
    return session.get(ListState, list_id)


def current_version(session: Session, list_id: str) -> ListVersion | None:
    state = get_state(session, list_id)
    if state is None or state.current_version_id is None:
        return None
    return session.get(ListVersion, state.current_version_id)


def versions(session: Session, list_id: str) -> list[ListVersion]:
    stmt = select(ListVersion).where(ListVersion.list_id == list_id)
    rows = session.scalars(stmt).all()
    return sorted(rows, key=lambda v: (as_utc(v.published_at) or as_utc(v.ingested_at), v.id))


def get_version(session: Session, version_id: int) -> ListVersion:
    version = session.get(ListVersion, version_id)
    if version is None:
        raise NotFoundError(f"no list version {version_id}")
    return version


def version_entities(session: Session, version_id: int) -> dict[str, StoredEntity]:
    stmt = select(ListEntity).where(ListEntity.version_id == version_id)
    return {row.entity_id: _decode(row) for row in session.scalars(stmt)}


def record_entities(session: Session, version_id: int, record_id: str) -> list[StoredEntity]:
    """The entities of one record of one version (its main entity, its Sanction…)."""
    stmt = select(ListEntity).where(
        ListEntity.version_id == version_id, ListEntity.record_id == record_id
    )
    return [_decode(row) for row in session.scalars(stmt)]


def version_hashes(session: Session, version_id: int) -> dict[str, tuple[str, str]]:
    """entity id -> (content hash, record id), without decoding documents."""
    stmt = select(ListEntity.entity_id, ListEntity.content_hash, ListEntity.record_id).where(
        ListEntity.version_id == version_id
    )
    return {eid: (h, rid) for eid, h, rid in session.execute(stmt)}


def serving_version_ids(session: Session, list_ids: Iterable[str] | None = None) -> list[int]:
    stmt = select(ListState.current_version_id).where(ListState.current_version_id.is_not(None))
    if list_ids is not None:
        stmt = stmt.where(ListState.list_id.in_(list(list_ids)))
    return [v for v in session.scalars(stmt) if v is not None]


def find_entity(session: Session, entity_id: str) -> tuple[StoredEntity, ListVersion] | None:
    """The newest stored version of an entity: the serving one if it is served."""
    serving = set(serving_version_ids(session))
    stmt = select(ListEntity).where(ListEntity.entity_id == entity_id)
    rows = list(session.scalars(stmt))
    if not rows:
        return None
    rows.sort(key=lambda r: (r.version_id in serving, r.version_id), reverse=True)
    return _decode(rows[0]), get_version(session, rows[0].version_id)


def iter_listed_entities(
    session: Session, list_ids: Iterable[str] | None = None
) -> Iterator[ListedEntity]:
    """Every main entity of every serving list version, with its record's Sanction entities."""
    for version_id in serving_version_ids(session, list_ids):
        version = get_version(session, version_id)
        by_record: dict[str, list[StoredEntity]] = {}
        for stored in version_entities(session, version_id).values():
            by_record.setdefault(stored.record_id, []).append(stored)
        for record_id, stored_list in by_record.items():
            sanctions = [s.proxy() for s in stored_list if s.schema == "Sanction"]
            provenance = Provenance(
                list_id=version.list_id,
                version_id=version.id,
                published_at=as_utc(version.published_at),
                record_id=record_id,
            )
            for stored in stored_list:
                if stored.schema != "Sanction":
                    yield ListedEntity(stored.proxy(), provenance, sanctions)
