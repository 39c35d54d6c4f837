"""The divergence report as one use case: filters in, every view of the report out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from accord.errors import InvalidInputError, NotFoundError
from accord.lists.queries import list_statuses
from accord.resolve import divergence as dv
from accord.resolve.members import (
    BY_JURISDICTION,
    BY_LIST,
    JURISDICTION_LABELS,
    load_clusters,
    parse_places,
)
from accord.resolve.records import family_of
from accord.resolve.service import resolution_status

# Report order: the UN first (the others implement it), then the big autonomous regimes.
PLACE_ORDER = (
    "UN",
    "UK",
    "EU",
    "US",
    "AU",
    "CA",
    "un",
    "uk",
    "eu",
    "ofac_sdn",
    "ofac_cons",
    "au",
    "ca",
)
FAMILIES = ("person", "organization", "vessel", "airplane")


@dataclass
class DivergenceReport:
    by: str
    places: list[str]
    sources: list[dict[str, Any]]
    run_id: int | None
    stale_lists: list[str]
    on: list[str]
    not_on: list[str]
    family: str | None
    selected: list[dv.Entity]
    patterns: list[dict[str, Any]] = field(default_factory=list)
    pairs: list[dict[str, Any]] = field(default_factory=list)
    programs: list[dict[str, Any]] = field(default_factory=list)
    delisted: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dv.FactDifference] = field(default_factory=list)

    def rows(self, part: str) -> list[dict[str, Any]]:
        """One part of the report as flat rows (CSV, tables)."""
        if part == "entities":
            return [e.row(self.places) for e in self.selected]
        if part == "facts":
            return [f.row() for f in self.facts]
        if part in ("patterns", "pairs", "programs", "delisted"):
            rows: list[dict[str, Any]] = getattr(self, part)
            return rows
        raise InvalidInputError(
            f"unknown report part {part!r}; parts: entities, patterns, pairs, programs, "
            "delisted, facts"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "places": self.places,
            "sources": self.sources,
            "resolution_run": self.run_id,
            "stale_lists": self.stale_lists,
            "filters": {"on": self.on, "not_on": self.not_on, "type": self.family},
            "entities": self.rows("entities"),
            "patterns": self.patterns,
            "pairs": self.pairs,
            "programs": self.programs,
            "delisted": self.delisted,
            "facts": self.rows("facts"),
        }


def _order(place: str) -> tuple[int, str]:
    return (PLACE_ORDER.index(place) if place in PLACE_ORDER else len(PLACE_ORDER), place)


def build_report(
    session: Session,
    *,
    by: str = BY_JURISDICTION,
    on: Iterable[str] = (),
    not_on: Iterable[str] = (),
    family: str | None = None,
    facts: Iterable[str] = dv.FACTS,
) -> DivergenceReport:
    """Every view of the divergence report over the newest resolution (filters apply to
    ``selected`` and ``facts``; counts always cover everything)."""
    if by not in (BY_JURISDICTION, BY_LIST):
        raise InvalidInputError(f"--by must be {BY_JURISDICTION} or {BY_LIST}")
    if family is not None:
        family = family_of(family.capitalize()) or family.lower()
        if family not in FAMILIES:
            raise InvalidInputError(f"unknown type {family!r}; types: {', '.join(FAMILIES)}")
    facts = list(facts)
    unknown = [f for f in facts if f not in dv.FACTS]
    if unknown:
        raise InvalidInputError(f"unknown fact {unknown[0]!r}; facts: {', '.join(dv.FACTS)}")
    status = resolution_status(session)
    if status.run_id is None:
        raise NotFoundError("nothing is resolved yet; run `accord resolve run`")
    clusters = load_clusters(session)
    places = sorted({m.place(by) for ms in clusters.values() for m in ms}, key=_order)
    on_places, not_places = parse_places(on, by), parse_places(not_on, by)
    everything = dv.entities(clusters, places, by)
    selected = dv.presence(everything, on=on_places, not_on=not_places, family=family)
    multi = [e for e in selected if len(e.listed_on) >= 2]
    return DivergenceReport(
        by=by,
        places=places,
        sources=_sources(session, by),
        run_id=status.run_id,
        stale_lists=status.stale_lists,
        on=on_places,
        not_on=not_places,
        family=family,
        selected=selected,
        patterns=dv.patterns(everything, places),
        pairs=dv.pair_counts(everything, places),
        programs=dv.program_counts(everything, places, by),
        delisted=dv.delisted(e for e in everything if family is None or e.family == family),
        facts=dv.fact_differences(multi, by, facts),
    )


def _sources(session: Session, by: str) -> list[dict[str, Any]]:
    out = []
    for s in list_statuses(session):
        if s.serving_version is None:
            continue
        label = JURISDICTION_LABELS.get(s.jurisdiction, s.jurisdiction)
        out.append(
            {
                "place": s.list_id if by == BY_LIST else label,
                "list": s.list_id,
                "title": s.title,
                "published": s.published_at.date().isoformat() if s.published_at else None,
            }
        )
    return sorted(out, key=lambda d: _order(d["place"]))
