"""The records resolution works on: one per listed (or recently delisted) entity, facts flattened.

A ``ResolveRecord`` is everything the comparison and the reports need from an FtM entity, in
plain values, so the same record can be stored as JSON, put in a DuckDB table, or shipped to
Spark. Records come from the serving list versions; records the change feed reports as removed
(delisted) come along too, marked as such, so "delisted here, still listed there" can be seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from followthemoney import model
from followthemoney.proxy import EntityProxy
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.lists.model import ListedEntity
from accord.lists.registry import all_sources
from accord.lists.store import as_utc, iter_listed_entities
from accord.resolve.keys import identifier_keys
from accord.store.models import ListChange, ListEntity, ListState

LISTED = "listed"
DELISTED = "delisted"

# Types that can be the same real-world thing. LegalEntity is what lists use for "an entity of
# unknown kind": it is treated as an organization, never as a person.
_FAMILIES = {
    "Person": "person",
    "Organization": "organization",
    "Company": "organization",
    "LegalEntity": "organization",
    "PublicBody": "organization",
    "Vessel": "vessel",
    "Airplane": "airplane",
}
NAME_PROPS = ("name", "alias", "previousName")
FACT_PROPS = (
    "birthDate",
    "nationality",
    "citizenship",
    "country",
    "gender",
    "passportNumber",
    "idNumber",
    "imoNumber",
    "registrationNumber",
    "taxNumber",
    "flag",
    "weakAlias",
)


def family_of(schema: str) -> str | None:
    """The comparable kind of a schema, or None for entities resolution ignores (addresses…)."""
    return _FAMILIES.get(schema)


@dataclass
class ResolveRecord:
    """One entity of one list, flattened for resolution."""

    entity_id: str
    list_id: str
    jurisdiction: str
    schema: str
    family: str
    caption: str
    record_id: str
    version_id: int
    status: str = LISTED
    status_date: str | None = None
    """Delisting date (publication of the version that dropped it) for delisted records."""
    names: list[str] = field(default_factory=list)
    facts: dict[str, list[str]] = field(default_factory=dict)
    unsc_ids: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    listing_dates: list[str] = field(default_factory=list)
    identifiers: dict[str, set[str]] = field(default_factory=dict)

    @property
    def birth_dates(self) -> list[str]:
        return self.facts.get("birthDate", [])

    @property
    def countries(self) -> set[str]:
        """Nationality and citizenship for people, country for the rest (ISO-2 codes)."""
        if self.family == "person":
            return set(self.facts.get("nationality", [])) | set(self.facts.get("citizenship", []))
        return set(self.facts.get("country", [])) | set(self.facts.get("flag", []))

    def as_json(self) -> dict[str, Any]:
        """What the member table keeps of a record (identifiers are recomputed on load)."""
        return {
            "names": self.names,
            "facts": self.facts,
            "unsc_ids": self.unsc_ids,
            "programs": self.programs,
            "listing_dates": self.listing_dates,
        }


def _jurisdictions() -> dict[str, str]:
    return {s.id: s.jurisdiction for s in all_sources().values()}


def make_record(
    entity: EntityProxy,
    sanctions: Iterable[EntityProxy],
    *,
    list_id: str,
    jurisdiction: str,
    record_id: str,
    version_id: int,
    status: str = LISTED,
    status_date: str | None = None,
) -> ResolveRecord | None:
    """A record from an FtM entity and its Sanction entities; None for unresolvable schemas."""
    family = family_of(entity.schema.name)
    if family is None:
        return None
    sanctions = list(sanctions)
    names: list[str] = []
    for prop in NAME_PROPS:
        for value in entity.get(prop, quiet=True):
            if value not in names:
                names.append(value)
    facts = {p: sorted(entity.get(p, quiet=True)) for p in FACT_PROPS}
    for prop in ("innCode", "ogrnCode", "leiCode", "swiftBic", "mmsi", "serialNumber"):
        facts[prop] = sorted(entity.get(prop, quiet=True))
    unsc = sorted({u for s in sanctions for u in s.get("unscId")})
    record = ResolveRecord(
        entity_id=str(entity.id),
        list_id=list_id,
        jurisdiction=jurisdiction,
        schema=entity.schema.name,
        family=family,
        caption=entity.caption,
        record_id=record_id,
        version_id=version_id,
        status=status,
        status_date=status_date,
        names=names,
        facts={k: v for k, v in facts.items() if v},
        unsc_ids=unsc,
        programs=sorted({p for s in sanctions for p in s.get("program")}),
        listing_dates=sorted({d for s in sanctions for d in s.get("listingDate")}),
    )
    record.identifiers = identifier_keys(family, unsc, record.facts)
    return record


def from_listed(listed: ListedEntity, jurisdiction: str) -> ResolveRecord | None:
    return make_record(
        listed.entity,
        listed.sanctions,
        list_id=listed.provenance.list_id,
        jurisdiction=jurisdiction,
        record_id=listed.provenance.record_id,
        version_id=listed.provenance.version_id,
    )


def load_records(session: Session, list_ids: Iterable[str] | None = None) -> list[ResolveRecord]:
    """Every resolvable entity of the serving versions, then the delisted ones."""
    jurisdictions = _jurisdictions()
    wanted = list(list_ids) if list_ids is not None else None
    records: list[ResolveRecord] = []
    for listed in iter_listed_entities(session, wanted):
        record = from_listed(listed, jurisdictions.get(listed.provenance.list_id, ""))
        if record is not None:
            records.append(record)
    listed_ids = {r.entity_id for r in records}
    records.extend(r for r in delisted_records(session, wanted) if r.entity_id not in listed_ids)
    return records


def delisted_records(session: Session, list_ids: list[str] | None) -> Iterator[ResolveRecord]:
    """Records the change feed reports removed from a list and not back in its serving version.

    Each comes from the last version that still had it, with that version's Sanction entities,
    dated by the publication that dropped it.
    """
    jurisdictions = _jurisdictions()
    serving = {
        s.list_id: s.current_version_id
        for s in session.scalars(select(ListState))
        if s.current_version_id is not None
    }
    stmt = select(ListChange).where(ListChange.change == "removed")
    if list_ids is not None:
        stmt = stmt.where(ListChange.list_id.in_(list_ids))
    removed: dict[str, ListChange] = {}
    for change in session.scalars(stmt.order_by(ListChange.id)):
        # Removals by a version after the serving one (an older file ingested late never
        # becomes serving and writes no feed) cannot happen; removals up to it still hold.
        current = serving.get(change.list_id)
        if current is not None and change.version_id <= current and change.previous_version_id:
            removed[change.entity_id] = change
    by_version: dict[int, dict[str, ListChange]] = {}
    for entity_id, change in removed.items():
        assert change.previous_version_id is not None
        by_version.setdefault(change.previous_version_id, {})[entity_id] = change
    for version_id, changes in sorted(by_version.items()):
        record_ids = {c.record_id for c in changes.values()}
        docs_by_record: dict[str, list[dict[str, Any]]] = {}
        rows = session.scalars(
            select(ListEntity).where(
                ListEntity.version_id == version_id, ListEntity.record_id.in_(record_ids)
            )
        )
        for row in rows:
            docs_by_record.setdefault(row.record_id, []).append(orjson.loads(row.doc))
        for entity_id, change in sorted(changes.items()):
            docs = docs_by_record.get(change.record_id, [])
            main = next((d for d in docs if d["id"] == entity_id), None)
            if main is None:
                continue
            sanctions = [model.get_proxy(d) for d in docs if d["schema"] == "Sanction"]
            when: datetime | None = as_utc(change.published_at) or as_utc(change.detected_at)
            record = make_record(
                model.get_proxy(main),
                sanctions,
                list_id=change.list_id,
                jurisdiction=jurisdictions.get(change.list_id, ""),
                record_id=change.record_id,
                version_id=version_id,
                status=DELISTED,
                status_date=when.date().isoformat() if when else None,
            )
            if record is not None:
                yield record
