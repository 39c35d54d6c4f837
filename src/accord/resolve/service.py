"""Use cases of resolution over the operational store: run, judge, re-cluster, status.

Each use case owns its transaction: a run replaces the proposed links and the members in one
commit, so readers see the previous resolution or the new one, never a mixture.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from accord.errors import InvalidInputError, NotFoundError
from accord.lists.store import as_utc, utcnow
from accord.resolve.cluster import Member, assign_ids
from accord.resolve.compare import AUTO, compare, decide, evidence, features, score
from accord.resolve.keys import identifier_keys
from accord.resolve.names import NameForms
from accord.resolve.pipeline import (
    Link,
    cluster_links,
    identifier_groups,
    listed_lists,
    pair_key,
    resolve,
    span_counts,
)
from accord.resolve.records import ResolveRecord, load_records
from accord.resolve.tables import (
    ResolveCluster,
    ResolveJudgement,
    ResolveLink,
    ResolveMember,
    ResolveRun,
)
from accord.store.db import Store
from accord.store.models import ListState

CONFIRM, REJECT = "confirm", "reject"


@dataclass
class RunSummary:
    run_id: int
    records: int
    candidates: int
    links: dict[str, int]
    clusters: int
    spans: dict[str, int]
    identifier_groups: int
    held: dict[str, int]
    seconds: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def judgements(session: Session) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(confirmed pairs, rejected pairs)."""
    confirmed: set[tuple[str, str]] = set()
    rejected: set[tuple[str, str]] = set()
    for j in session.scalars(select(ResolveJudgement)):
        (confirmed if j.verdict == CONFIRM else rejected).add((j.left_id, j.right_id))
    return confirmed, rejected


def serving_versions(session: Session) -> dict[str, int]:
    return {
        s.list_id: s.current_version_id
        for s in session.scalars(select(ListState))
        if s.current_version_id is not None
    }


def run_resolution(store: Store, list_ids: Iterable[str] | None = None) -> RunSummary:
    """Resolve every serving list (or the named ones) and store links, members and clusters."""
    started = utcnow()
    clock = time.perf_counter()
    with store.reader() as session:
        records = load_records(session, list_ids)
        versions = serving_versions(session)
        confirmed, rejected = judgements(session)
    if not records:
        raise NotFoundError("no list is loaded; run `accord lists fetch` first")
    loaded = time.perf_counter() - clock
    result = resolve(records, confirmed, rejected)
    result.timings = {"load": loaded, **result.timings}
    clock = time.perf_counter()
    listed = listed_lists(records)
    spans = span_counts(result.clusters, listed)
    id_groups = len(identifier_groups(records, result.links))
    links_by = _count(f"{lk.decision}: {lk.rule}" for lk in result.links)
    held = _count(h.reason for h in result.held)
    with store.session() as session:
        run = ResolveRun(
            started_at=started,
            finished_at=utcnow(),
            versions=orjson.dumps(versions).decode(),
            stats="{}",
        )
        session.add(run)
        session.flush()
        _write_links(session, result.links, run.id)
        _write_members(session, records, result.clusters)
        result.timings["store"] = time.perf_counter() - clock
        summary = RunSummary(
            run_id=run.id,
            records=len(records),
            candidates=result.candidates,
            links=links_by,
            clusters=len(result.clusters),
            spans=spans,
            identifier_groups=id_groups,
            held=held,
            seconds={k: round(v, 2) for k, v in result.timings.items()},
        )
        run.stats = orjson.dumps(summary.as_dict()).decode()
        run.finished_at = utcnow()
    return summary


def _count(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


def _write_links(session: Session, links: list[Link], run_id: int) -> None:
    session.execute(delete(ResolveLink))
    if links:
        session.execute(
            insert(ResolveLink),
            [
                {
                    "left_id": lk.left_id,
                    "right_id": lk.right_id,
                    "left_list": lk.left_list,
                    "right_list": lk.right_list,
                    "family": lk.family,
                    "score": lk.score,
                    "rule": lk.rule,
                    "decision": lk.decision,
                    "evidence": orjson.dumps(lk.evidence).decode(),
                    "run_id": run_id,
                }
                for lk in links
            ],
        )


def _write_members(
    session: Session, records: list[ResolveRecord], clusters: list[frozenset[str]]
) -> None:
    ids = _settle_ids(session, clusters, {r.entity_id: r for r in records})
    session.execute(delete(ResolveMember))
    cluster_of = {e: ids[c] for c in clusters for e in c}
    session.execute(
        insert(ResolveMember),
        [
            {
                "entity_id": r.entity_id,
                "cluster_id": cluster_of[r.entity_id],
                "list_id": r.list_id,
                "jurisdiction": r.jurisdiction,
                "schema": r.schema,
                "family": r.family,
                "caption": r.caption,
                "record_id": r.record_id,
                "version_id": r.version_id,
                "status": r.status,
                "status_date": r.status_date,
                "facts": orjson.dumps(r.as_json()).decode(),
            }
            for r in records
        ],
    )


def _settle_ids(
    session: Session, clusters: list[frozenset[str]], info: dict[str, ResolveRecord] | None = None
) -> dict[frozenset[str], str]:
    """Give clusters their ids (inherited by overlap) and bring ``resolve_clusters`` up to date."""
    stmt = select(ResolveMember.entity_id, ResolveMember.cluster_id)
    previous: dict[str, str] = {}
    for entity_id, cluster_id in session.execute(stmt):
        previous[entity_id] = cluster_id
    known = {c.cluster_id: c for c in session.scalars(select(ResolveCluster))}
    ids, retired = assign_ids(clusters, previous, set(known))
    now = utcnow()
    captions = info or {}
    for cluster, cid in ids.items():
        row = known.get(cid)
        if row is None:
            row = ResolveCluster(cluster_id=cid, created_at=now)
            session.add(row)
        first = min(cluster)
        lead = captions.get(first)
        lists = {captions[e].list_id for e in cluster if e in captions}
        row.updated_at, row.retired_at, row.merged_into = now, None, None
        row.size = len(cluster)
        if lead is not None:
            row.caption, row.family, row.list_count = lead.caption, lead.family, len(lists)
    live = set(ids.values())
    for cid, row in known.items():
        if cid not in live and row.retired_at is None:
            row.retired_at, row.merged_into = now, retired.get(cid)
    return ids


def recluster(session: Session) -> dict[frozenset[str], str]:
    """Re-apply links and judgements to the stored members, without comparing again."""
    members = [
        Member(e, lst, fam)
        for e, lst, fam in session.execute(
            select(ResolveMember.entity_id, ResolveMember.list_id, ResolveMember.family)
        )
    ]
    links = [
        _stored_link(lk)
        for lk in session.scalars(select(ResolveLink).where(ResolveLink.decision == AUTO))
    ]
    confirmed, rejected = judgements(session)
    auto = [lk for lk in links if (lk.left_id, lk.right_id) not in rejected]
    clusters, _ = cluster_links(members, auto, confirmed, rejected)
    ids = _settle_ids(session, clusters)
    for cluster, cid in ids.items():
        for entity_id in cluster:
            member = session.get(ResolveMember, entity_id)
            if member is not None and member.cluster_id != cid:
                member.cluster_id = cid
    return ids


def _stored_link(lk: ResolveLink) -> Link:
    return Link(
        left_id=lk.left_id,
        right_id=lk.right_id,
        left_list=lk.left_list,
        right_list=lk.right_list,
        family=lk.family,
        score=lk.score,
        rule=lk.rule,
        decision=lk.decision,
        evidence={},
    )


@dataclass
class JudgementOutcome:
    left_id: str
    right_id: str
    verdict: str
    left_cluster: str
    right_cluster: str


def judge(store: Store, a: str, b: str, verdict: str, by: str, why: str) -> JudgementOutcome:
    """Record an analyst's verdict on a pair and re-cluster; later runs keep honouring it."""
    if verdict not in (CONFIRM, REJECT):
        raise InvalidInputError(f"verdict must be {CONFIRM} or {REJECT}, not {verdict!r}")
    if not by.strip():
        raise InvalidInputError("say who judges (--by NAME)")
    if a == b:
        raise InvalidInputError("a record is always the same entity as itself")
    left_id, right_id = pair_key(a, b)
    with store.session() as session:
        left, right = _member(session, left_id), _member(session, right_id)
        if verdict == CONFIRM and left.family != right.family:
            raise InvalidInputError(
                f"{left_id} is a {left.schema} and {right_id} a {right.schema}: "
                "records of different types are never the same entity"
            )
        row = session.get(ResolveJudgement, (left_id, right_id)) or ResolveJudgement(
            left_id=left_id, right_id=right_id
        )
        row.verdict, row.judged_by, row.reason, row.judged_at = verdict, by, why, utcnow()
        row.left_caption, row.right_caption = left.caption, right.caption
        session.add(row)
        session.flush()
        recluster(session)
        session.flush()
        return JudgementOutcome(
            left_id,
            right_id,
            verdict,
            _member(session, left_id).cluster_id,
            _member(session, right_id).cluster_id,
        )


def _member(session: Session, entity_id: str) -> ResolveMember:
    member = session.get(ResolveMember, entity_id)
    if member is None:
        raise NotFoundError(
            f"no resolved record {entity_id!r}: check the id (`accord lists find NAME`) "
            "or run `accord resolve run` after loading its list"
        )
    return member


@dataclass
class ResolutionStatus:
    run_id: int | None
    finished_at: datetime | None
    stale_lists: list[str]
    stats: dict[str, Any]

    @property
    def stale(self) -> bool:
        return self.run_id is None or bool(self.stale_lists)


def resolution_status(session: Session) -> ResolutionStatus:
    """The newest run, and the lists whose serving version changed since it read them."""
    run = session.scalars(select(ResolveRun).order_by(ResolveRun.id.desc()).limit(1)).first()
    current = serving_versions(session)
    if run is None:
        return ResolutionStatus(None, None, sorted(current), {})
    seen: dict[str, int] = orjson.loads(run.versions)
    changed = sorted(k for k in set(current) | set(seen) if current.get(k) != seen.get(k))
    return ResolutionStatus(run.id, as_utc(run.finished_at), changed, orjson.loads(run.stats))


def explain_pair(session: Session, a: str, b: str) -> dict[str, Any]:
    """Compare two resolved records now: features, score and the rule that would apply."""
    left, right = (_record(_member(session, x)) for x in pair_key(a, b))
    shared = [
        f"{kind}:{value}"
        for kind, values in left.identifiers.items()
        for value in sorted(values & right.identifiers.get(kind, set()))
    ]
    if left.family != right.family:
        why = f"different types: {left.family} and {right.family}"
        return {"left": left.entity_id, "right": right.entity_id, "decision": "never", "why": why}
    comparison = compare(
        left,
        right,
        NameForms.build(left.names, left.family),
        NameForms.build(right.names, right.family),
        tuple(shared),
    )
    rule = decide(comparison)
    return {
        "left": left.entity_id,
        "right": right.entity_id,
        "score": score(comparison),
        "decision": rule.decision if rule else "no link",
        "rule": rule.name if rule else None,
        "features": features(comparison),
        "evidence": evidence(comparison, rule) if rule else None,
    }


def _record(member: ResolveMember) -> ResolveRecord:
    """A member row back as a record (identifiers recomputed from the stored facts)."""
    data = orjson.loads(member.facts)
    record = ResolveRecord(
        entity_id=member.entity_id,
        list_id=member.list_id,
        jurisdiction=member.jurisdiction,
        schema=member.schema,
        family=member.family,
        caption=member.caption,
        record_id=member.record_id,
        version_id=member.version_id,
        status=member.status,
        status_date=member.status_date,
        names=data.get("names", []),
        facts=data.get("facts", {}),
        unsc_ids=data.get("unsc_ids", []),
        programs=data.get("programs", []),
        listing_dates=data.get("listing_dates", []),
    )
    record.identifiers = identifier_keys(record.family, record.unsc_ids, record.facts)
    return record
