"""The use cases that bring list files into the store: ingest one file, fetch many lists.

The rule that matters: a failed download or parse never blanks or half-writes a list. Parsing
happens completely before the store is touched; the new version, its entities, its change-feed
entries and the switch of the serving pointer commit in one transaction; on any failure the
last good version keeps serving and the list is marked stale with the reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import orjson
from sqlalchemy import insert

from accord.errors import AccordError, FetchError, InvalidInputError
from accord.lists.diff import RecordView, diff_records, record_views, summarize
from accord.lists.fetch import download, file_digest
from accord.lists.parsers import parse_file
from accord.lists.parsers.base import ParseResult
from accord.lists.registry import ListSource, get_source
from accord.lists.store import (
    StoredEntity,
    as_utc,
    current_version,
    doc_hash,
    entity_doc,
    get_state,
    utcnow,
    version_entities,
)
from accord.logging import get_logger
from accord.settings import Settings
from accord.store.db import Store
from accord.store.models import ListChange, ListEntity, ListState, ListVersion

log = get_logger(__name__)


@dataclass
class IngestOutcome:
    """What one ingestion did; ``status`` is ingested, unchanged, older or failed."""

    list_id: str
    status: str
    source: str
    version_id: int | None = None
    published_at: datetime | None = None
    records: int = 0
    entities: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    changes: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    sha256: str = ""
    seconds: float = 0.0
    error: str | None = None


def mark_stale(store: Store, list_id: str, reason: str) -> None:
    """Record a failed attempt; the serving version (if any) is left as it is."""
    with store.session() as session:
        state = get_state(session, list_id) or ListState(list_id=list_id)
        state.stale = True
        state.stale_reason = reason
        state.last_attempt_at = utcnow()
        session.add(state)


def _stored(result: ParseResult) -> list[tuple[StoredEntity, str]]:
    """Entities of a parse as store rows, with their serialized documents."""
    rows: list[tuple[StoredEntity, str]] = []
    for record in result.records:
        for entity in record.entities:
            doc = entity_doc(entity)
            rows.append(
                (
                    StoredEntity(
                        entity_id=str(entity.id),
                        record_id=record.record_id,
                        schema=entity.schema.name,
                        caption=entity.caption,
                        content_hash=doc_hash(doc),
                        doc=doc,
                    ),
                    orjson.dumps(doc).decode(),
                )
            )
    return rows


def ingest_file(
    store: Store,
    list_id: str,
    path: Path,
    *,
    file_format: str | None = None,
    origin: str | None = None,
) -> IngestOutcome:
    """Parse ``path`` as a publication of ``list_id`` and store it as a new list version."""
    started = time.perf_counter()
    source = get_source(list_id)
    origin = origin or str(path)
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file")
    sha256, size = file_digest(path)
    try:
        result = parse_file(source, path, file_format)
    except AccordError as exc:
        mark_stale(store, list_id, str(exc))
        raise
    outcome = IngestOutcome(
        list_id=list_id,
        status="ingested",
        source=origin,
        published_at=result.published_at,
        records=len(result.records),
        entities=result.entity_count,
        counts=result.counts(),
        warnings=len(result.warnings),
        sha256=sha256,
    )
    rows = _stored(result)
    try:
        _commit_version(store, source, result, rows, outcome, size)
    except AccordError:
        raise
    except Exception as exc:
        mark_stale(store, list_id, f"{path}: storing failed: {exc}")
        raise AccordError(f"{path}: storing list {list_id} failed: {exc}") from exc
    outcome.seconds = time.perf_counter() - started
    log.info(
        "list ingested",
        list=list_id,
        status=outcome.status,
        records=outcome.records,
        changes=outcome.changes,
        seconds=round(outcome.seconds, 2),
    )
    return outcome


def _commit_version(
    store: Store,
    source: ListSource,
    result: ParseResult,
    rows: list[tuple[StoredEntity, str]],
    outcome: IngestOutcome,
    size: int,
) -> None:
    now = utcnow()
    with store.session() as session:
        state = get_state(session, source.id) or ListState(list_id=source.id, stale=False)
        session.add(state)
        state.last_attempt_at = now
        previous = current_version(session, source.id)
        if previous is not None and previous.sha256 == outcome.sha256:
            outcome.status, outcome.version_id = "unchanged", previous.id
            state.stale, state.stale_reason, state.last_success_at = False, None, now
            return
        version = ListVersion(
            list_id=source.id,
            published_at=result.published_at,
            ingested_at=now,
            source=outcome.source,
            file_format=result.file_format,
            sha256=outcome.sha256,
            size_bytes=size,
            record_count=len(result.records),
            entity_count=result.entity_count,
            counts=orjson.dumps(outcome.counts).decode(),
            warnings=orjson.dumps(result.warnings[:1000]).decode(),
        )
        session.add(version)
        session.flush()
        outcome.version_id = version.id
        session.execute(
            insert(ListEntity),
            [
                {
                    "version_id": version.id,
                    "entity_id": stored.entity_id,
                    "record_id": stored.record_id,
                    "schema": stored.schema,
                    "caption": stored.caption,
                    "content_hash": stored.content_hash,
                    "doc": text,
                }
                for stored, text in rows
            ],
        )
        prev_published = as_utc(previous.published_at) if previous else None
        new_published = as_utc(result.published_at)
        if (
            previous is not None
            and prev_published
            and new_published
            and new_published < prev_published
        ):
            # An older publication is kept for diffs but must not replace a newer one.
            outcome.status = "older"
        else:
            old_views: dict[str, RecordView] = (
                record_views(version_entities(session, previous.id).values()) if previous else {}
            )
            changes = diff_records(old_views, record_views(s for s, _ in rows))
            outcome.changes = summarize(changes)
            if changes:
                session.execute(
                    insert(ListChange),
                    [
                        {
                            "list_id": source.id,
                            "version_id": version.id,
                            "previous_version_id": previous.id if previous else None,
                            "entity_id": c.entity_id,
                            "record_id": c.record_id,
                            "schema": c.schema,
                            "caption": c.caption,
                            "change": c.change,
                            "fields": orjson.dumps(c.fields).decode(),
                            "published_at": result.published_at,
                            "detected_at": now,
                        }
                        for c in changes
                    ],
                )
            state.current_version_id = version.id
        state.stale, state.stale_reason, state.last_success_at = False, None, now


def fetch_list(
    store: Store,
    settings: Settings,
    list_id: str,
    *,
    from_path: Path | None = None,
) -> list[IngestOutcome]:
    """Bring one list up to date, from its official URLs or from a local file or mirror folder.

    A mirror folder has the layout of ``../shared/data/lists`` (the registry's ``offline`` paths);
    every offline file of the list is ingested, oldest first, so the change feed fills in.
    """
    source = get_source(list_id)
    if from_path is not None:
        if from_path.is_dir():
            paths = [from_path / rel for rel in source.offline if (from_path / rel).exists()]
            if not paths:
                raise InvalidInputError(f"{from_path}: no file of list {list_id} in this folder")
            return [ingest_file(store, list_id, p) for p in paths]
        return [ingest_file(store, list_id, from_path)]
    if not source.downloads:
        raise InvalidInputError(f"list {list_id} has no official download; use --from PATH")
    errors: list[str] = []
    for dl in source.downloads:
        url = str(dl.url)
        try:
            got = download(
                url,
                settings.downloads_dir,
                list_id=list_id,
                timeout=settings.http_timeout,
                retries=settings.http_retries,
                max_bytes=settings.max_download_bytes,
            )
        except FetchError as exc:
            errors.append(str(exc))
            continue
        return [ingest_file(store, list_id, got.path, file_format=dl.format, origin=url)]
    reason = "; ".join(errors)
    mark_stale(store, list_id, reason)
    raise FetchError(reason)
