"""Ground truth: every injected scheme, its actors, its records and its time window.

Records are named by the natural keys the ingestion layer stores (declaration id, UETR, entity
id, IMO, MMSI and a time window for AIS), so a test or a scorer can find them in the store.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class Actor(BaseModel):
    role: str
    name: str
    entity_id: str | None = None
    country: str | None = None
    mmsi: int | None = None
    imo: int | None = None
    listed: bool = False


class RecordRef(BaseModel):
    """One injected record: the dataset it lands in, its key, and the nodes holding it."""

    dataset: str
    key: str
    nodes: list[str] = Field(default_factory=list)


class SchemeTruth(BaseModel):
    id: str
    type: str
    description: str
    start: datetime
    end: datetime
    actors: list[Actor]
    records: list[RecordRef] = Field(default_factory=list)
    params: dict[str, object] = Field(default_factory=dict)

    @property
    def nodes(self) -> list[str]:
        return sorted({n for r in self.records for n in r.nodes})

    def identifiers(self) -> set[str]:
        """The identifiers an alert may name this scheme's actors by (``kind:value``)."""
        out: set[str] = set()
        for a in self.actors:
            if a.entity_id:
                out.add(f"entity:{a.entity_id}")
            if a.mmsi:
                out.add(f"mmsi:{a.mmsi}")
            if a.imo:
                out.add(f"imo:{a.imo}")
            out.add(f"name:{a.name.casefold()}")
        for r in self.records:
            out.add(f"record:{r.dataset}:{r.key}")
        return out


class GroundTruth(BaseModel):
    scenario: str
    seed: int
    scale: float
    start: datetime
    end: datetime
    nodes: list[str]
    schemes: list[SchemeTruth]
