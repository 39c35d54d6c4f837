"""Screening records and false-positive memory.

Every screened party can be *recorded*: the hash of its canonical query JSON (the input hash),
the serving list versions, the algorithm version, the hits with their explanations, when and by
whom. An analyst can *decide* that a (party, listed entity) pair is not a match; later screenings
of that party then report the hit as suppressed (never silently drop it) while both sides are
unchanged: the party's input hash is the one decided on, and the listed entity's content hash in
the serving list version is the one decided on. A party key is either an input hash or a key the
caller gave (a batch row key, an API item key).

A suppressed hit never takes one of the ``limit`` slots: ``screen_parties`` and ``screen_stream``
ask the engine for as many more hits as the party has standing decisions, and ``finish`` keeps up to
``limit`` unsuppressed hits, reporting the suppressed hits that ranked among them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from accord.errors import InvalidInputError, NotFoundError
from accord.lists.store import as_utc, utcnow
from accord.screening.engine import Screener
from accord.screening.explain import Hit
from accord.screening.query import InvalidQueryError, Query
from accord.screening.score import ALGORITHM_VERSION
from accord.screening.service import (
    BatchResult,
    BatchRow,
    ScreenOptions,
    hit_json,
    screen_each,
)
from accord.screening.service import screen_stream as _screen_stream
from accord.screening.tables import ScreeningDecision, ScreeningRecord
from accord.store.db import Store
from accord.store.models import ListEntity, ListState

ANONYMOUS = "anonymous"
NOT_A_MATCH = "not_a_match"
RECORD_CHUNK = 500
MAX_ACTOR = 255
_HASH = re.compile(r"^[0-9a-f]{64}$")


def input_hash(query: Query) -> str:
    """sha256 of the query's canonical JSON (sorted keys), the identity of a screened input."""
    data = query.model_dump(mode="json", by_alias=True)
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


def actor(name: str | None) -> str:
    """Who acts: the given name, trimmed, or ``anonymous``."""
    cleaned = (name or "").strip()
    if len(cleaned) > MAX_ACTOR:
        raise InvalidInputError(f"user name is longer than {MAX_ACTOR} characters")
    return cleaned or ANONYMOUS


@dataclass(frozen=True)
class Decision:
    id: int
    party_key: str
    input_hash: str
    entity_id: str
    list_id: str
    entity_hash: str
    decision: str
    reason: str
    decided_by: str
    created_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "party_key": self.party_key,
            "input_hash": self.input_hash,
            "entity_id": self.entity_id,
            "list_id": self.list_id,
            "entity_hash": self.entity_hash,
            "decision": self.decision,
            "reason": self.reason,
            "decided_by": self.decided_by,
            "created_at": self.created_at.isoformat(),
        }


def as_decision(row: ScreeningDecision) -> Decision:
    return Decision(
        id=row.id,
        party_key=row.party_key,
        input_hash=row.input_hash,
        entity_id=row.entity_id,
        list_id=row.list_id,
        entity_hash=row.entity_hash,
        decision=row.decision,
        reason=row.reason,
        decided_by=row.decided_by,
        created_at=as_utc(row.created_at) or row.created_at,
    )


@dataclass(frozen=True)
class Suppressed:
    """A hit an analyst decided is not a match, still reported with that decision."""

    hit: Hit
    decision: Decision

    def as_json(self) -> dict[str, Any]:
        return {**hit_json(self.hit), "suppressed_by": self.decision.as_json()}


@dataclass
class Outcome:
    """One screened party: its hits, those suppressed by a decision, and its record id if stored."""

    key: str | None
    query: Query
    input_hash: str
    hits: list[Hit]
    suppressed: list[Suppressed] = field(default_factory=list)
    record_id: int | None = None


def serving_hashes(session: Session, entity_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """entity id -> (list id, content hash) in the serving version of its list."""
    ids = sorted(set(entity_ids))
    if not ids:
        return {}
    stmt = (
        select(ListEntity.entity_id, ListState.list_id, ListEntity.content_hash)
        .join(ListState, ListState.current_version_id == ListEntity.version_id)
        .where(ListEntity.entity_id.in_(ids))
    )
    return {eid: (list_id, h) for eid, list_id, h in session.execute(stmt)}


def standing_decisions(
    session: Session, parties: Sequence[tuple[str | None, str, list[Hit]]]
) -> dict[tuple[int, str], Decision]:
    """(party position, entity id) -> the not-a-match decision that still stands for it.

    ``parties`` are (caller key, input hash, hits) in order.
    """
    keys = {k for key, ihash, _ in parties for k in (key, ihash) if k is not None}
    entity_ids = {h.entity_id for _, _, hits in parties for h in hits}
    if not keys or not entity_ids:
        return {}
    rows = session.scalars(
        select(ScreeningDecision)
        .where(ScreeningDecision.party_key.in_(sorted(keys)))
        .where(ScreeningDecision.entity_id.in_(sorted(entity_ids)))
        .order_by(ScreeningDecision.id)
    )
    latest: dict[tuple[str, str], Decision] = {}
    for row in rows:
        latest[(row.party_key, row.entity_id)] = as_decision(row)  # the newest wins
    if not latest:
        return {}
    current = serving_hashes(session, {eid for _, eid in latest})
    out: dict[tuple[int, str], Decision] = {}
    for pos, (key, ihash, hits) in enumerate(parties):
        for hit in hits:
            for party_key in (key, ihash):
                found = latest.get((party_key, hit.entity_id)) if party_key else None
                if (
                    found is not None
                    and found.decision == NOT_A_MATCH
                    and found.input_hash == ihash
                    and current.get(hit.entity_id, ("", ""))[1] == found.entity_hash
                ):
                    out[(pos, hit.entity_id)] = found
                    break
    return out


def decision_counts(session: Session, parties: Sequence[tuple[str | None, str]]) -> list[int]:
    """Per party (caller key, input hash): on how many listed entities it has a decision.

    This bounds how many of its hits a decision can suppress, so asking the engine for ``limit``
    plus this many hits leaves ``limit`` slots for the hits that are not suppressed.
    """
    keys = {k for key, ihash in parties for k in (key, ihash) if k}
    if not keys:
        return [0] * len(parties)
    rows = session.execute(
        select(
            ScreeningDecision.party_key, ScreeningDecision.input_hash, ScreeningDecision.entity_id
        )
        .where(ScreeningDecision.party_key.in_(sorted(keys)))
        .where(ScreeningDecision.decision == NOT_A_MATCH)
    ).all()
    if not rows:
        return [0] * len(parties)
    decided: dict[tuple[str, str], set[str]] = {}
    for party_key, ihash, entity_id in rows:
        decided.setdefault((party_key, ihash), set()).add(entity_id)
    empty: set[str] = set()
    return [
        len(
            decided.get((ihash, ihash), empty)
            | (decided.get((key, ihash), empty) if key else empty)
        )
        for key, ihash in parties
    ]


def split_hits(
    hits: Iterable[Hit], decisions: dict[str, Decision], limit: int | None
) -> tuple[list[Hit], list[Suppressed]]:
    """Hits (best first) into up to ``limit`` kept hits and the suppressed hits ranked among them.

    ``decisions`` maps entity id to the standing decision on it. A suppressed hit takes no slot.
    """
    kept: list[Hit] = []
    suppressed: list[Suppressed] = []
    for hit in hits:
        if limit is not None and len(kept) >= limit:
            break
        decision = decisions.get(hit.entity_id)
        if decision is None:
            kept.append(hit)
        else:
            suppressed.append(Suppressed(hit, decision))
    return kept, suppressed


def finish(
    store: Store,
    screened: Sequence[tuple[str | None, Query, list[Hit]]],
    *,
    versions: dict[str, int],
    algorithm: str,
    by: str,
    source: str,
    record: bool,
    limits: Sequence[int] | None = None,
) -> list[Outcome]:
    """Apply standing decisions to screened parties and, if asked, record each screening.

    With ``limits`` (one per party), each party keeps at most that many unsuppressed hits: screen
    with ``limit`` plus ``decision_counts`` so suppressed hits do not take their places.
    """
    hashed = [(key, input_hash(query), hits) for key, query, hits in screened]
    with store.reader() as session:
        standing = standing_decisions(session, hashed)
    outcomes: list[Outcome] = []
    for pos, ((key, query, _), (_, ihash, hits)) in enumerate(zip(screened, hashed, strict=True)):
        mine = {eid: d for (p, eid), d in standing.items() if p == pos}
        kept, suppressed = split_hits(hits, mine, limits[pos] if limits is not None else None)
        outcomes.append(Outcome(key, query, ihash, kept, suppressed))
    if record and outcomes:
        _record(store, outcomes, versions, algorithm, actor(by), source)
    return outcomes


def screen_parties(
    store: Store,
    screener: Screener,
    items: Sequence[tuple[str | None, Query, ScreenOptions]],
    *,
    by: str,
    source: str,
    record: bool,
    field: str = "queries",
) -> list[Outcome]:
    """Screen parties (each with its options) with the analysts' decisions applied.

    Each party gets up to its ``limit`` hits that are not suppressed; suppressed hits come back
    under ``suppressed``; with ``record`` each screening is stored.
    """
    for pos, (_, _, opts) in enumerate(items):
        if opts.limit < 1:
            raise InvalidQueryError(f"{field}[{pos}].limit", "must be at least 1")
    with store.reader() as session:
        extra = decision_counts(session, [(key, input_hash(q)) for key, q, _ in items])
    wide = [
        (query, replace(opts, limit=opts.limit + more))
        for (_, query, opts), more in zip(items, extra, strict=True)
    ]
    found = screen_each(screener, wide, field)
    return finish(
        store,
        [(key, query, hits) for (key, query, _), hits in zip(items, found, strict=True)],
        versions=screener.versions,
        algorithm=ALGORITHM_VERSION,
        by=by,
        source=source,
        record=record,
        limits=[opts.limit for _, _, opts in items],
    )


def _record(
    store: Store,
    outcomes: list[Outcome],
    versions: dict[str, int],
    algorithm: str,
    by: str,
    source: str,
) -> None:
    now = utcnow()
    list_versions = orjson.dumps(versions, option=orjson.OPT_SORT_KEYS).decode()
    with store.session() as session:
        rows = [
            ScreeningRecord(
                input_hash=o.input_hash,
                party_key=o.key,
                source=source,
                query=orjson.dumps(o.query.model_dump(mode="json", by_alias=True)).decode(),
                list_versions=list_versions,
                algorithm=algorithm,
                hit_count=len(o.hits),
                suppressed_count=len(o.suppressed),
                hits=orjson.dumps([hit_json(h) for h in o.hits]).decode(),
                suppressed=orjson.dumps([s.as_json() for s in o.suppressed]).decode(),
                created_at=now,
                created_by=by,
            )
            for o in outcomes
        ]
        session.add_all(rows)
        session.flush()
        for outcome, row in zip(outcomes, rows, strict=True):
            outcome.record_id = row.id


def finish_stream(
    store: Store,
    results: Iterable[BatchResult],
    *,
    versions: dict[str, int],
    algorithm: str,
    by: str,
    record: bool,
    chunk: int = RECORD_CHUNK,
    limit: int | None = None,
) -> Iterator[tuple[BatchResult, Outcome | None]]:
    """``finish`` over a batch stream, a chunk at a time; rejected rows get no outcome."""
    pending: list[BatchResult] = []

    def flush() -> Iterator[tuple[BatchResult, Outcome | None]]:
        good = [(r.row.key, r.row.query, r.hits) for r in pending if r.row.query is not None]
        done = iter(
            finish(
                store, good, versions=versions, algorithm=algorithm, by=by, source="batch",
                record=record, limits=None if limit is None else [limit] * len(good),
            )
        )  # fmt: skip
        for result in pending:
            yield result, next(done) if result.row.query is not None else None
        pending.clear()

    for result in results:
        pending.append(result)
        if len(pending) >= chunk:
            yield from flush()
    if pending:
        yield from flush()


def screen_stream(
    store: Store,
    screener: Screener,
    rows: Iterable[BatchRow],
    opts: ScreenOptions,
    *,
    by: str,
    record: bool,
    workers: int | None = None,
) -> Iterator[tuple[BatchResult, Outcome | None]]:
    """Screen a batch with the analysts' decisions applied, in input order; see ``screen_parties``.

    Each chunk asks the engine for ``limit`` plus the largest decision count of its parties.
    """

    def widen(chunk: Sequence[BatchRow]) -> int:
        parties = [(r.key, input_hash(r.query)) for r in chunk if r.query is not None]
        with store.reader() as session:
            return max(decision_counts(session, parties), default=0)

    return finish_stream(
        store,
        _screen_stream(screener, rows, opts, workers, widen=widen),
        versions=screener.versions,
        algorithm=ALGORITHM_VERSION,
        by=by,
        record=record,
        limit=opts.limit,
    )


def decide(
    store: Store,
    party_key: str,
    entity_id: str,
    *,
    by: str | None,
    why: str,
    decision: str = NOT_A_MATCH,
    party_hash: str | None = None,
) -> Decision:
    """Record that ``entity_id`` is not a match for the party ``party_key``.

    The party's input hash is ``party_hash`` when given (a stored set knows its parties), else
    that of its newest recorded screening, else ``party_key`` itself when it is an input hash.
    """
    party_key = party_key.strip()
    if not party_key or len(party_key) > 255:
        raise InvalidInputError(
            "party_key: give an input hash or a caller key (at most 255 characters)"
        )
    if decision != NOT_A_MATCH:
        raise InvalidInputError(f"decision: {decision!r} is not supported; use {NOT_A_MATCH!r}")
    if not why.strip():
        raise InvalidInputError("why: a decision needs a reason")
    decided_by = actor(by)
    with store.session() as session:
        if party_hash is not None:
            ihash = party_hash
        else:
            last = session.scalars(
                select(ScreeningRecord)
                .where(
                    or_(
                        ScreeningRecord.party_key == party_key,
                        ScreeningRecord.input_hash == party_key,
                    )
                )
                .order_by(ScreeningRecord.id.desc())
                .limit(1)
            ).first()
            if last is not None:
                ihash = last.input_hash
            elif _HASH.match(party_key):
                ihash = party_key
            else:
                raise NotFoundError(
                    f"no recorded screening of party {party_key!r}: screen it with recording "
                    "on, or give its input hash"
                )
        current = serving_hashes(session, [entity_id]).get(entity_id)
        if current is None:
            raise NotFoundError(f"entity {entity_id!r} is not in any serving list version")
        row = ScreeningDecision(
            party_key=party_key,
            input_hash=ihash,
            entity_id=entity_id,
            list_id=current[0],
            entity_hash=current[1],
            decision=decision,
            reason=why.strip(),
            decided_by=decided_by,
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        return as_decision(row)


@dataclass(frozen=True)
class DecisionStatus:
    """A recorded decision and whether the listed entity is still as it was decided on."""

    decision: Decision
    standing: bool

    def as_json(self) -> dict[str, Any]:
        return {**self.decision.as_json(), "standing": self.standing}


def decision_status(session: Session, decisions: Sequence[Decision]) -> list[DecisionStatus]:
    """Each decision with ``standing``: its entity is unchanged in the serving list version.

    (A decision also lapses for a party screened with a different input: see the input hash.)
    """
    current = serving_hashes(session, {d.entity_id for d in decisions})
    return [
        DecisionStatus(d, current.get(d.entity_id, ("", ""))[1] == d.entity_hash) for d in decisions
    ]


def list_decisions(
    session: Session,
    *,
    party_key: str | None = None,
    entity_id: str | None = None,
    limit: int = 100,
) -> list[DecisionStatus]:
    """Recorded decisions, newest first, for one party key (or input hash) or entity if given."""
    stmt = select(ScreeningDecision).order_by(ScreeningDecision.id.desc()).limit(limit)
    if party_key is not None:
        stmt = stmt.where(
            or_(ScreeningDecision.party_key == party_key, ScreeningDecision.input_hash == party_key)
        )
    if entity_id is not None:
        stmt = stmt.where(ScreeningDecision.entity_id == entity_id)
    return decision_status(session, [as_decision(row) for row in session.scalars(stmt)])


@dataclass(frozen=True)
class RecordView:
    id: int
    input_hash: str
    party_key: str | None
    source: str
    query: dict[str, Any]
    list_versions: dict[str, int]
    algorithm: str
    hits: list[dict[str, Any]]
    suppressed: list[dict[str, Any]]
    created_at: datetime
    created_by: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "input_hash": self.input_hash,
            "party_key": self.party_key,
            "source": self.source,
            "query": self.query,
            "list_versions": self.list_versions,
            "algorithm": self.algorithm,
            "hits": self.hits,
            "suppressed": self.suppressed,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
        }


def list_records(
    session: Session, since: datetime | None = None, limit: int = 100
) -> list[RecordView]:
    """Recorded screenings, newest first."""
    stmt = select(ScreeningRecord).order_by(ScreeningRecord.id.desc()).limit(limit)
    if since is not None:
        stmt = stmt.where(ScreeningRecord.created_at >= as_utc(since))
    return [
        RecordView(
            id=row.id,
            input_hash=row.input_hash,
            party_key=row.party_key,
            source=row.source,
            query=orjson.loads(row.query),
            list_versions=orjson.loads(row.list_versions),
            algorithm=row.algorithm,
            hits=orjson.loads(row.hits),
            suppressed=orjson.loads(row.suppressed),
            created_at=as_utc(row.created_at) or row.created_at,
            created_by=row.created_by,
        )
        for row in session.scalars(stmt)
    ]
