"""Party sets and delta re-screening.

A set stores its parties' queries. Its first run screens every party against every serving list
entity; each later run screens the parties only against the entities the list change feed reports
added, amended or removed since the set's last run, and reports the hits that are new, changed
(the listed entity was amended and still matches) or removed (delisted, or no longer matching).
The feed position is kept as the last change id the run covered, so a list version published
before the last run but ingested after it is not missed, and a version ingested while a run is
under way waits for the next run.

Analysts' not-a-match decisions apply to set runs as to any screening (``records``): a hit decided
not a match for a party (its key or input hash, with the same input) is reported as
``suppressed`` instead of new or changed while the listed entity is unchanged, and it does not take
one of the party's ``limit`` places. ``decide`` records such a decision for a party of a set.

Replacing a set (``add_set(..., replace=True)``) starts it afresh: its next run is a full one.
Decisions are kept, since they belong to the party's key and input, not to the set.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import orjson
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from accord.errors import InvalidInputError, NotFoundError
from accord.lists.store import as_utc, utcnow
from accord.screening import records
from accord.screening.batch import InputFormat, read_batch
from accord.screening.engine import Screener
from accord.screening.explain import Hit
from accord.screening.query import Query
from accord.screening.records import actor, input_hash
from accord.screening.score import DEFAULT_THRESHOLD
from accord.screening.service import BatchRow, hit_json
from accord.screening.tables import (
    ScreeningDecision,
    ScreeningSet,
    ScreeningSetHit,
    ScreeningSetParty,
)
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
    replace: bool = False,
) -> SetInfo:
    """Store a set of parties; it is screened in full on its first run.

    An existing set is refused unless ``replace``: then its parties and hits are dropped and the
    set starts afresh (its next run is a full one).
    """
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInputError(f"name: a set name has 1 to {MAX_NAME} characters")
    if not 0.0 <= threshold <= 1.0:
        raise InvalidInputError(f"threshold: {threshold} is not between 0 and 1")
    if limit < 1:
        raise InvalidInputError("limit: must be at least 1")
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
        raise InvalidInputError(f"parties: set {name!r} has no party to store")
    created_by = actor(by)
    with store.session() as session:
        old = session.get(ScreeningSet, name)
        if old is not None:
            if not replace:
                raise InvalidInputError(f"name: set {name!r} exists already")
            session.execute(delete(ScreeningSetHit).where(ScreeningSetHit.set_name == name))
            session.execute(delete(ScreeningSetParty).where(ScreeningSetParty.set_name == name))
            session.delete(old)
            session.flush()
        session.add(
            ScreeningSet(
                name=name,
                threshold=threshold,
                limit=limit,
                created_at=utcnow(),
                created_by=created_by,
                runs=0,
                last_run_at=None,
                last_change_id=None,
                list_versions="{}",
            )
        )
        session.flush()
        session.add_all(rows)
    return SetInfo(name, len(rows), threshold, limit, 0, None, created_by)


def split_rows(rows: Iterable[BatchRow]) -> tuple[list[SetParty], list[BatchRow]]:
    """Batch rows into the set's parties and the rejected rows (line number and reason)."""
    parties: list[SetParty] = []
    rejected: list[BatchRow] = []
    for row in rows:
        if row.query is None:
            rejected.append(row)
        else:
            parties.append(SetParty(row.key, row.query))
    return parties, rejected


def read_upload(
    stream: IO[bytes], filename: str | None, folder: Path, fmt: InputFormat | None = None
) -> tuple[list[SetParty], list[BatchRow]]:
    """Parties of an uploaded file (CSV, JSON lines or FtM lines, as ``screen batch`` reads).

    The upload is copied to a file under ``folder`` (its suffix tells the format), read, and
    removed. A file that cannot be read at all is refused naming the field ``file``.
    """
    shown = Path(filename or "upload").name or "upload"
    work = folder / secrets.token_hex(8)
    work.mkdir(parents=True)
    path = work / ("".join(c if c.isalnum() or c in "._-" else "_" for c in shown).lstrip("."))
    if path == work:
        path = work / "upload"
    try:
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
        return split_rows(read_batch(path, fmt))
    except InvalidInputError as exc:
        raise InvalidInputError(f"file: {str(exc).replace(str(path), shown)}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _set_row(session: Session, name: str) -> ScreeningSet:
    row = session.get(ScreeningSet, name)
    if row is None:
        raise NotFoundError(f"no screening set {name!r}")
    return row


def get_set(session: Session, name: str) -> SetInfo:
    """One stored set; NotFoundError when there is none of that name."""
    row = _set_row(session, name)
    parties = session.scalar(
        select(func.count())
        .select_from(ScreeningSetParty)
        .where(ScreeningSetParty.set_name == name)
    )
    return SetInfo(
        row.name,
        int(parties or 0),
        row.threshold,
        row.limit,
        row.runs,
        as_utc(row.last_run_at),
        row.created_by,
    )


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
    """A hit that appeared, changed or went away for one party of the set.

    ``suppressed``: a new or changed hit an analyst decided is not a match (``suppressed_by``).
    """

    change: str  # new, changed, removed, suppressed
    position: int
    key: str | None
    query_name: str
    entity_id: str
    caption: str
    score: float | None
    previous_score: float | None
    hit: dict[str, Any] | None
    suppressed_by: dict[str, Any] | None = None

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
            "suppressed_by": self.suppressed_by,
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
            "suppressed": self.count("suppressed"),
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


@dataclass(frozen=True)
class _Party:
    position: int
    key: str | None
    input_hash: str
    query: Query


def _query(data: str) -> Query:
    return Query.model_validate(orjson.loads(data))


def run_set(store: Store, screener: Screener, name: str) -> SetRun:
    """Screen the set: in full on its first run, else only against the entities changed since."""
    with store.reader() as session:
        row = _set_row(session, name)
        threshold, limit, last_change, full = (
            row.threshold,
            row.limit,
            row.last_change_id,
            row.runs == 0,
        )
        parties = [
            _Party(
                p.position, p.party_key, p.input_hash, Query.model_validate(orjson.loads(p.query))
            )
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
            _, covered = _changed_entities(session, None, screener.versions)
        extra = records.decision_counts(session, [(p.key, p.input_hash) for p in parties])
    result = SetRun(name, full, len(parties), len(changed), screener.versions)
    only = None if full else changed
    found: dict[int, list[Hit]] = {}
    if full or changed:
        for party, more in zip(parties, extra, strict=True):
            found[party.position] = screener.screen(party.query, threshold, limit + more, only=only)
    screened = [p for p in parties if p.position in found]
    with store.reader() as session:
        standing = records.standing_decisions(
            session, [(p.key, p.input_hash, found[p.position]) for p in screened]
        )
    kept: dict[int, list[Hit]] = {}
    suppressed: dict[int, list[records.Suppressed]] = {}
    for i, party in enumerate(screened):
        mine = {eid: d for (pos, eid), d in standing.items() if pos == i}
        kept[party.position], suppressed[party.position] = records.split_hits(
            found[party.position], mine, limit
        )
    for party in parties:
        pos, key, query_name = party.position, party.key, party.query.names[0]
        marked: list[tuple[Hit, records.Decision | None]] = [
            (h, None) for h in kept.get(pos, [])
        ] + [(s.hit, s.decision) for s in suppressed.get(pos, [])]
        for hit, decision in marked:
            before = previous.get((pos, hit.entity_id))
            if before is not None and full:
                continue
            change = "new" if before is None else "changed"
            result.changes.append(
                HitChange(
                    change if decision is None else "suppressed", pos, key, query_name,
                    hit.entity_id, hit.caption, hit.score, before.score if before else None,
                    hit_json(hit), decision.as_json() if decision else None,
                )
            )  # fmt: skip
        now = {h.entity_id for h, _ in marked}
        for (p_pos, eid), before in previous.items():
            if p_pos == pos and eid not in now and (full or eid in changed):
                old = orjson.loads(before.hit)
                result.changes.append(
                    HitChange(
                        "removed", pos, key, query_name, eid, str(old.get("caption", eid)),
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
            for pos in found
            for h in [*kept[pos], *(s.hit for s in suppressed[pos])]
        )
        stored = session.get(ScreeningSet, name)
        assert stored is not None
        stored.runs += 1
        stored.last_run_at = utcnow()
        stored.last_change_id = covered
        stored.list_versions = orjson.dumps(screener.versions, option=orjson.OPT_SORT_KEYS).decode()
    return result


def _party_hash(session: Session, name: str, party: str) -> str:
    """The input hash of the set's party with this key (or this input hash)."""
    _set_row(session, name)
    hashes = set(
        session.scalars(
            select(ScreeningSetParty.input_hash)
            .where(ScreeningSetParty.set_name == name)
            .where(or_(ScreeningSetParty.party_key == party, ScreeningSetParty.input_hash == party))
        )
    )
    if not hashes:
        raise NotFoundError(f"set {name!r} has no party with key or input hash {party!r}")
    if len(hashes) > 1:
        raise InvalidInputError(
            f"party_key: {len(hashes)} parties of set {name!r} have the key {party!r} with "
            "different inputs; give the party's input hash"
        )
    return hashes.pop()


def decide(
    store: Store, name: str, party: str, entity_id: str, *, by: str | None, why: str
) -> records.Decision:
    """Record that ``entity_id`` is not a match for the set's party (its key or input hash)."""
    party = party.strip()
    with store.reader() as session:
        ihash = _party_hash(session, name, party)
    return records.decide(store, party, entity_id, by=by, why=why, party_hash=ihash)


def set_decisions(session: Session, name: str, limit: int = 1_000) -> list[records.DecisionStatus]:
    """Decisions on the set's parties (by key or input hash, for their input), newest first."""
    _set_row(session, name)
    p, d = ScreeningSetParty, ScreeningDecision
    on = and_(
        p.set_name == name,
        p.input_hash == d.input_hash,
        or_(p.party_key == d.party_key, p.input_hash == d.party_key),
    )
    rows = session.scalars(select(d).join(p, on).order_by(d.id.desc()))
    found: dict[int, records.Decision] = {}
    for row in rows:
        if row.id not in found:
            found[row.id] = records.as_decision(row)
            if len(found) >= limit:
                break
    return records.decision_status(session, list(found.values()))
