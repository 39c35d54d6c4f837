"""What other components read from the list store: listed entities with their provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from followthemoney.proxy import EntityProxy


@dataclass(frozen=True)
class Provenance:
    """Where a value came from: the list, the list version (publication date) and the record."""

    list_id: str
    version_id: int
    published_at: datetime | None
    record_id: str

    def describe(self, list_title: str | None = None) -> str:
        when = self.published_at.date().isoformat() if self.published_at else "undated"
        return f"{list_title or self.list_id} of {when}, record {self.record_id}"


@dataclass
class ListedEntity:
    """One entity of the serving version of a list, with the Sanction entities of its record."""

    entity: EntityProxy
    provenance: Provenance
    sanctions: list[EntityProxy] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.entity.id)

    @property
    def programs(self) -> list[str]:
        return sorted({p for s in self.sanctions for p in s.get("program")})

    @property
    def listing_dates(self) -> list[str]:
        return sorted({d for s in self.sanctions for d in s.get("listingDate")})
