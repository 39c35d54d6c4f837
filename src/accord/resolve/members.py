"""Reading the resolved members back: clusters of records with their facts and places.

A *place* is where an entity can be listed: a jurisdiction (UN, UK, EU, US…) by default, or a
single list when reports are asked ``by="list"`` (the US has two lists, SDN and non-SDN).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.errors import InvalidInputError
from accord.lists.registry import all_sources
from accord.resolve.records import LISTED
from accord.resolve.tables import ResolveMember

# Jurisdictions as a reader says them: OFSI's list is "UK", not the ISO code GB.
JURISDICTION_LABELS = {"GB": "UK"}
BY_JURISDICTION, BY_LIST = "jurisdiction", "list"


@dataclass
class MemberView:
    entity_id: str
    cluster_id: str
    list_id: str
    jurisdiction: str
    schema: str
    family: str
    caption: str
    record_id: str
    version_id: int
    status: str
    status_date: str | None
    names: list[str] = field(default_factory=list)
    facts: dict[str, list[str]] = field(default_factory=dict)
    unsc_ids: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    listing_dates: list[str] = field(default_factory=list)

    @property
    def listed(self) -> bool:
        return self.status == LISTED

    def place(self, by: str) -> str:
        if by == BY_LIST:
            return self.list_id
        return JURISDICTION_LABELS.get(self.jurisdiction, self.jurisdiction) or self.list_id


def _view(row: ResolveMember) -> MemberView:
    data: dict[str, Any] = orjson.loads(row.facts)
    return MemberView(
        entity_id=row.entity_id,
        cluster_id=row.cluster_id,
        list_id=row.list_id,
        jurisdiction=row.jurisdiction,
        schema=row.schema,
        family=row.family,
        caption=row.caption,
        record_id=row.record_id,
        version_id=row.version_id,
        status=row.status,
        status_date=row.status_date,
        names=data.get("names", []),
        facts=data.get("facts", {}),
        unsc_ids=data.get("unsc_ids", []),
        programs=data.get("programs", []),
        listing_dates=data.get("listing_dates", []),
    )


def load_clusters(
    session: Session, cluster_ids: Iterable[str] | None = None
) -> dict[str, list[MemberView]]:
    """Members grouped by cluster id (all clusters, or the given ones)."""
    stmt = select(ResolveMember)
    if cluster_ids is not None:
        stmt = stmt.where(ResolveMember.cluster_id.in_(list(cluster_ids)))
    out: dict[str, list[MemberView]] = {}
    for row in session.scalars(stmt.order_by(ResolveMember.entity_id)):
        out.setdefault(row.cluster_id, []).append(_view(row))
    return out


def place_names(by: str) -> dict[str, str]:
    """Every name a user may give for a place (list id, jurisdiction code or label) → place."""
    names: dict[str, str] = {}
    for source in all_sources().values():
        label = JURISDICTION_LABELS.get(source.jurisdiction, source.jurisdiction)
        target = source.id if by == BY_LIST else label
        names[source.id.lower()] = target
        if by == BY_JURISDICTION:
            names[source.jurisdiction.lower()] = target
            names[label.lower()] = target
    return names


def parse_places(values: Iterable[str], by: str) -> list[str]:
    """User-given places ("un", "UK", "GB", "ofac_sdn") as report places; unknown ones refused."""
    known = place_names(by)
    out: list[str] = []
    for value in values:
        place = known.get(value.strip().lower())
        if place is None:
            choices = ", ".join(sorted(set(known.values())))
            raise InvalidInputError(f"unknown list or jurisdiction {value!r}; known: {choices}")
        if place not in out:
            out.append(place)
    return out
