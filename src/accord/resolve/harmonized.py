"""The harmonized view of one entity: its records, its listing status per place, merged facts.

Each merged value names every record it comes from, so an analyst sees at once that the UN and
the UK agree on a passport while only OFAC gives a second birth date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from accord.errors import NotFoundError
from accord.lists.registry import all_sources
from accord.resolve.keys import document_key
from accord.resolve.members import BY_JURISDICTION, MemberView, load_clusters
from accord.resolve.names import ascii_lower
from accord.resolve.tables import ResolveCluster, ResolveJudgement, ResolveLink, ResolveMember

# Merged facts: (label, how to read the values off a record, how to tell two values are one).
_Reader = Callable[[MemberView], list[str]]
_FACTS: list[tuple[str, _Reader, Callable[[str], str]]] = [
    ("name", lambda m: m.names, ascii_lower),
    ("UN reference", lambda m: m.unsc_ids, str.upper),
    ("birth date", lambda m: m.facts.get("birthDate", []), str),
    ("nationality", lambda m: m.facts.get("nationality", []) + m.facts.get("citizenship", []), str),
    ("country", lambda m: m.facts.get("country", []), str),
    ("gender", lambda m: m.facts.get("gender", []), str),
    ("passport", lambda m: m.facts.get("passportNumber", []), lambda v: document_key(v) or v),
    ("id number", lambda m: m.facts.get("idNumber", []), lambda v: document_key(v) or v),
    ("IMO number", lambda m: m.facts.get("imoNumber", []), str),
    ("registration", lambda m: m.facts.get("registrationNumber", []), str),
    ("tax number", lambda m: m.facts.get("taxNumber", []), str),
    ("flag", lambda m: m.facts.get("flag", []), str),
]


@dataclass
class PlaceStatus:
    place: str
    list_id: str
    list_title: str
    entity_id: str
    status: str
    status_date: str | None
    listing_dates: list[str]
    programs: list[str]


@dataclass
class MergedFact:
    fact: str
    value: str
    sources: list[str]
    """Records the value comes from, as "list record entity-id"."""


@dataclass
class LinkView:
    left_id: str
    right_id: str
    rule: str
    decision: str
    score: float
    evidence: dict[str, Any]
    verdict: str | None = None
    judged_by: str | None = None


@dataclass
class HarmonizedView:
    cluster_id: str
    caption: str
    family: str
    redirected_from: str | None
    statuses: list[PlaceStatus]
    facts: list[MergedFact]
    links: list[LinkView] = field(default_factory=list)


def cluster_of(session: Session, ident: str) -> tuple[str, str | None]:
    """The live cluster id for a cluster id (following retirements) or a record's entity id."""
    member = session.get(ResolveMember, ident)
    if member is not None:
        return member.cluster_id, None
    asked, seen = ident, set()
    while (row := session.get(ResolveCluster, ident)) is not None and ident not in seen:
        seen.add(ident)
        if row.retired_at is None:
            return ident, (asked if asked != ident else None)
        if row.merged_into is None:
            break
        ident = row.merged_into
    raise NotFoundError(f"no harmonized entity or resolved record {asked!r}")


def harmonized_view(session: Session, ident: str) -> HarmonizedView:
    cid, redirected = cluster_of(session, ident)
    members = load_clusters(session, [cid]).get(cid, [])
    if not members:
        raise NotFoundError(f"harmonized entity {cid} has no records")
    titles = {s.id: s.title for s in all_sources().values()}
    statuses = [
        PlaceStatus(
            place=m.place(BY_JURISDICTION),
            list_id=m.list_id,
            list_title=titles.get(m.list_id, m.list_id),
            entity_id=m.entity_id,
            status=m.status,
            status_date=m.status_date,
            listing_dates=m.listing_dates,
            programs=m.programs,
        )
        for m in members
    ]
    lead = next((m for m in members if m.listed), members[0])
    return HarmonizedView(
        cluster_id=cid,
        caption=lead.caption,
        family=lead.family,
        redirected_from=redirected,
        statuses=statuses,
        facts=merged_facts(members),
        links=_links(session, [m.entity_id for m in members]),
    )


def merged_facts(members: list[MemberView]) -> list[MergedFact]:
    out: list[MergedFact] = []
    for label, read, same in _FACTS:
        merged: dict[str, MergedFact] = {}
        for m in members:
            source = f"{m.list_id} record {m.record_id} ({m.entity_id})"
            for value in read(m):
                fact = merged.setdefault(same(value), MergedFact(label, value, []))
                if source not in fact.sources:
                    fact.sources.append(source)
        out.extend(merged.values())
    return out


def _links(session: Session, ids: list[str]) -> list[LinkView]:
    """Links and judgements touching the cluster's records: why they are together (or not)."""
    links: dict[tuple[str, str], LinkView] = {}
    touching = or_(ResolveLink.left_id.in_(ids), ResolveLink.right_id.in_(ids))
    for lk in session.scalars(select(ResolveLink).where(touching)):
        links[(lk.left_id, lk.right_id)] = LinkView(
            lk.left_id, lk.right_id, lk.rule, lk.decision, lk.score, orjson.loads(lk.evidence)
        )
    judged = or_(ResolveJudgement.left_id.in_(ids), ResolveJudgement.right_id.in_(ids))
    for j in session.scalars(select(ResolveJudgement).where(judged)):
        view = links.setdefault(
            (j.left_id, j.right_id),
            LinkView(j.left_id, j.right_id, "analyst", j.verdict, 1.0, {"why": j.reason}),
        )
        view.verdict, view.judged_by = j.verdict, j.judged_by
    return sorted(links.values(), key=lambda v: (-v.score, v.left_id, v.right_id))


def harmonized_or_none(session: Session, ident: str) -> HarmonizedView | None:
    """The harmonized view when ``ident`` is resolved; None before any resolution or for ids
    the resolution does not know (the caller then shows the plain entity or its error)."""
    try:
        return harmonized_view(session, ident)
    except NotFoundError:
        return None
