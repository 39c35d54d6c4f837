"""Party sets and delta re-screening.

A set stores its parties' queries. Its first run screens every party against every serving list
entity; each later run screens the parties only against the entities the list change feed reports
added, amended or removed since the set's last run, and reports the hits that are new, changed
(the listed entity was amended and still matches) or removed (delisted, or no longer matching).
The feed position is kept as the last change id the run covered, so a list version published
before the last run but ingested after it is not missed, and a version ingested while a run is
under way waits for the next run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from accord.errors import InvalidInputError, NotFoundError
from accord.lists.store import as_utc, utcnow
from accord.screening.engine import Screener
from accord.screening.explain import Hit
from accord.screening.query import Query
from accord.screening.records import actor, input_hash
from accord.screening.score import DEFAULT_THRESHOLD
from accord.screening.service import hit_json
from accord.screening.tables import ScreeningSet, ScreeningSetHit, ScreeningSetParty
from accord.store.db import Store
from accord.store.models import ListChange

MAX_NAME = 128


@dataclass(frozen=True)
class SetParty:
    key: str | None
    query: Query


@dataclass
class SetInfo:
    name: str
    parties: int
    threshold: float
    limit: int
    runs: int
    last_run_at: datetime | None
    created_by: str

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "parties": self.parties,
            "threshold": self.threshold,
            "limit": self.limit,
            "runs": self.runs,
            "last_run_at": self.last_run_at.isoformat() if self.last_run_at else None,
            "created_by": self.created_by,
        }


def add_set(
    store: Store,
    name: str,
    parties: Iterable[SetParty],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 10,
    by: str | None = None,
) -> SetInfo:
    """Store a new set of parties; it is screened in full on its first run."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInputError(f"set name: 1 to {MAX_NAME} characters")
    if not 0.0 <= threshold <= 1.0 or limit < 1:
        raise InvalidInputError("threshold must be between 0 and 1 and limit at least 1")
    rows = [
        ScreeningSetParty(
            set_name=name,
            position=pos,
            party_key=p.key,
            input_hash=input_hash(p.query),
            query=orjson.dumps(p.query.model_dump(mode="json", by_alias=True)).decode(),
        )
        for pos, p in enumerate(parties)
    ]
    if not rows:
        raise InvalidInputError(f"set {name!r}: no party to store")
    with store.session() as session:
        if session.get(ScreeningSet, name) is not None:
            raise InvalidInputError(f"set {name!r} exists already")
        session.add(
            ScreeningSet(
                name=name,
                threshold=threshold,
                limit=limit,
                created_at=utcnow(),
                created_by=actor(by),
                runs=0,
                last_run_at=None,
                last_change_id=None,
                list_versions="{}",
            )
        )
        session.flush()
        session.add_all(rows)
    return SetInfo(name, len(rows), threshold, limit, 0, None, actor(by))


def list_sets(session: Session) -> list[SetInfo]:
    counts = dict(
        session.execute(
            select(ScreeningSetParty.set_name, func.count()).group_by(ScreeningSetParty.set_name)
        ).all()
    )
    return [
        SetInfo(
            s.name,
            int(counts.get(s.name, 0)),
            s.threshold,
            s.limit,
            s.runs,
            as_utc(s.last_run_at),
            s.created_by,
        )
        for s in session.scalars(select(ScreeningSet).order_by(ScreeningSet.name))
    ]


@dataclass(frozen=True)
class HitChange:
    """A hit that appeared, changed or went away for one party of the set."""

    change: str  # new, changed, removed
    position: int
    key: str | None
    query_name: str
    entity_id: str
    caption: str
    score: float | None
    previous_score: float | None
    hit: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "position": self.position,
            "key": self.key,
            "query_name": self.query_name,
            "entity_id": self.entity_id,
            "caption": self.caption,
            "score": self.score,
            "previous_score": self.previous_score,
            "hit": self.hit,
        }


@dataclass
class SetRun:
    name: str
    full: bool
    parties: int
    entities_changed: int
    list_versions: dict[str, int]
    changes: list[HitChange] = field(default_factory=list)

    def count(self, change: str) -> int:
        return sum(1 for c in self.changes if c.change == change)

    def as_json(self) -> dict[str, Any]:
        return {
            "set": self.name,
            "full": self.full,
            "parties": self.parties,
            "entities_changed": self.entities_changed,
            "list_versions": self.list_versions,
            "new": self.count("new"),
            "changed": self.count("changed"),
            "removed": self.count("removed"),
            "changes": [c.as_json() for c in self.changes],
        }


def _changed_entities(
    session: Session, after: int | None, versions: dict[str, int]
) -> tuple[set[str], int | None]:
    """Entity ids the feed reports after change id ``after`` and up to the screener's versions.

    Returns them with the change id the run covers up to.
    """
    stmt = select(ListChange.id, ListChange.list_id, ListChange.version_id, ListChange.entity_id)
    if after is not None:
        stmt = stmt.where(ListChange.id > after)
    changed: set[str] = set()
    covered = after
    for change_id, list_id, version_id, entity_id in session.execute(stmt.order_by(ListChange.id)):
        if list_id in versions and version_id > versions[list_id]:
            break  # a version newer than the index: the next run takes it
        changed.add(entity_id)
        covered = change_id
    return changed, covered


def run_set(store: Store, screener: Screener, name: str) -> SetRun:
    """Screen the set: in full on its first run, else only against the entities changed since."""
    with store.reader() as session:
        row = session.get(ScreeningSet, name)
        if row is None:
            raise NotFoundError(f"no screening set {name!r}")
        threshold, limit, last_change, full = (
            row.threshold,
            row.limit,
            row.last_change_id,
            row.runs == 0,
        )
        parties = [
            (p.position, p.party_key, Query.model_validate(orjson.loads(p.query)))
            for p in session.scalars(
                select(ScreeningSetParty)
                .where(ScreeningSetParty.set_name == name)
                .order_by(ScreeningSetParty.position)
            )
        ]
        previous: dict[tuple[int, str], ScreeningSetHit] = {
            (h.position, h.entity_id): h
            for h in session.scalars(
                select(ScreeningSetHit).where(ScreeningSetHit.set_name == name)
            )
        }
        changed, covered = _changed_entities(session, last_change, screener.versions)
    if full:
        # The first run covers the whole feed up to the index, then follows it from there.
        with store.reader() as session:
            _, covered = _changed_entities(session, None, screener.versions)
    result = SetRun(name, full, len(parties), len(changed), screener.versions)
    only = None if full else changed
    found: dict[int, list[Hit]] = {}
    if full or changed:
        for pos, _, query in parties:
            found[pos] = screener.screen(query, threshold, limit, only=only)
    for pos, key, query in parties:
        hits = {h.entity_id: h for h in found.get(pos, [])}
        for eid, hit in hits.items():
            before = previous.get((pos, eid))
            if before is None:
                change = "new"
            elif not full:
                change = "changed"
            else:
                continue
            result.changes.append(
                HitChange(
                    change, pos, key, query.names[0], eid, hit.caption, hit.score,
                    before.score if before else None, hit_json(hit),
                )
            )  # fmt: skip
        for (p_pos, eid), before in previous.items():
            if p_pos == pos and eid not in hits and (full or eid in changed):
                old = orjson.loads(before.hit)
                result.changes.append(
                    HitChange(
                        "removed", pos, key, query.names[0], eid, str(old.get("caption", eid)),
                        None, before.score, None,
                    )
                )  # fmt: skip
    with store.session() as session:
        stale = delete(ScreeningSetHit).where(ScreeningSetHit.set_name == name)
        if not full:
            stale = stale.where(ScreeningSetHit.entity_id.in_(sorted(changed)))
        if full or changed:
            session.execute(stale)
        session.add_all(
            ScreeningSetHit(
                set_name=name,
                position=pos,
                entity_id=h.entity_id,
                score=h.score,
                hit=orjson.dumps(hit_json(h)).decode(),
            )
            for pos, hits in found.items()
            for h in hits
        )
        row = session.get(ScreeningSet, name)
        assert row is not None
        row.runs += 1
        row.last_run_at = utcnow()
        row.last_change_id = covered
        row.list_versions = orjson.dumps(screener.versions, option=orjson.OPT_SORT_KEYS).decode()
    return result
