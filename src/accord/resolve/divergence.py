"""The divergence report: where jurisdictions disagree about the same harmonized entity.

Four views over the resolved clusters: *presence* (listed here, not there), *delisted*
(removed in one place, still listed in another, from the change feed), *facts* (birth dates,
nationalities, identifiers and names that differ), and *counts* (by place pair and by program)
for the public dashboard. All of them read the member table only, so they answer at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from accord.resolve.compare import CONFLICT, NEAR, compare_dates
from accord.resolve.keys import document_key
from accord.resolve.members import BY_JURISDICTION, MemberView
from accord.resolve.names import name_tokens

FACTS = ("birthDate", "nationality", "document", "name")


@dataclass
class Entity:
    """One harmonized entity as the report sees it."""

    cluster_id: str
    caption: str
    family: str
    listed_on: list[str]
    delisted_on: dict[str, str | None]
    members: list[MemberView]

    def row(self, places: list[str]) -> dict[str, Any]:
        return {
            "cluster_id": self.cluster_id,
            "name": self.caption,
            "type": self.family,
            "listed_on": ", ".join(self.listed_on),
            "not_on": ", ".join(p for p in places if p not in self.listed_on),
            "records": ", ".join(m.entity_id for m in self.members),
            "un_reference": ", ".join(sorted({u for m in self.members for u in m.unsc_ids})),
        }


def entities(
    clusters: dict[str, list[MemberView]], places: list[str], by: str = BY_JURISDICTION
) -> list[Entity]:
    """Entities with at least one record, listed or delisted, in ``places``; ordered by name."""
    out: list[Entity] = []
    for cid, members in clusters.items():
        listed = [m for m in members if m.listed]
        on = sorted({m.place(by) for m in listed}, key=places.index)
        delisted = {m.place(by): m.status_date for m in members if not m.listed}
        lead = _lead(listed or members, places, by)
        out.append(Entity(cid, lead.caption, lead.family, on, delisted, members))
    out.sort(key=lambda e: (e.caption.lower(), e.cluster_id))
    return out


def _lead(members: list[MemberView], places: list[str], by: str) -> MemberView:
    """The record whose name leads: the first place in report order (UN first)."""
    return min(members, key=lambda m: (places.index(m.place(by)), m.entity_id))


def presence(
    found: Iterable[Entity],
    *,
    on: Iterable[str] = (),
    not_on: Iterable[str] = (),
    family: str | None = None,
) -> list[Entity]:
    """Entities listed on every place of ``on`` and on none of ``not_on``."""
    on, not_on = list(on), list(not_on)
    return [
        e
        for e in found
        if e.listed_on
        and (family is None or e.family == family)
        and all(p in e.listed_on for p in on)
        and not any(p in e.listed_on for p in not_on)
    ]


def patterns(found: Iterable[Entity], places: list[str]) -> list[dict[str, Any]]:
    """Counts of entities per presence pattern ("on UN, UK, EU; not on AU"), multi-place only."""
    counted: Counter[tuple[str, ...]] = Counter(
        tuple(e.listed_on) for e in found if len(e.listed_on) >= 2
    )
    rows = []
    for on, n in counted.most_common():
        missing = [p for p in places if p not in on]
        text = "on " + ", ".join(on) + ("; not on " + ", ".join(missing) if missing else "")
        rows.append({"pattern": text, "on": list(on), "not_on": missing, "entities": n})
    return rows


def pair_counts(found: list[Entity], places: list[str]) -> list[dict[str, Any]]:
    """For each ordered place pair: entities on A, also on B, and on A but not on B."""
    rows = []
    for a in places:
        on_a = [e for e in found if a in e.listed_on]
        for b in places:
            if a == b:
                continue
            both = sum(1 for e in on_a if b in e.listed_on)
            rows.append(
                {
                    "on": a,
                    "other": b,
                    "on_a": len(on_a),
                    "also_on_b": both,
                    "not_on_b": len(on_a) - both,
                }
            )
    return rows


def program_counts(found: list[Entity], places: list[str], by: str) -> list[dict[str, Any]]:
    """For each place and program: entities listed under it, and how many each other place lists."""
    tally: dict[tuple[str, str], list[Entity]] = {}
    for e in found:
        for m in e.members:
            if m.listed:
                for program in m.programs or ["(no program)"]:
                    bucket = tally.setdefault((m.place(by), program), [])
                    if not bucket or bucket[-1] is not e:
                        bucket.append(e)
    rows = []
    for (place, program), group in sorted(tally.items()):
        row: dict[str, Any] = {"place": place, "program": program, "entities": len(group)}
        for other in places:
            if other != place:
                row[f"also_on_{other}"] = sum(1 for e in group if other in e.listed_on)
        rows.append(row)
    return rows


def delisted(found: Iterable[Entity]) -> list[dict[str, Any]]:
    """Entities removed from one place and still listed on another."""
    rows = []
    for e in found:
        for place, when in sorted(e.delisted_on.items()):
            still = [p for p in e.listed_on if p != place]
            if still and place not in e.listed_on:
                rows.append(
                    {
                        "cluster_id": e.cluster_id,
                        "name": e.caption,
                        "type": e.family,
                        "delisted_on": place,
                        "delisted_at": when,
                        "still_listed_on": ", ".join(still),
                    }
                )
    return rows


@dataclass
class FactDifference:
    cluster_id: str
    name: str
    fact: str
    severity: str
    """conflict (no value in common between two places) or variant (overlap, not equal)."""
    values: dict[str, list[str]] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        return {
            "cluster_id": self.cluster_id,
            "name": self.name,
            "fact": self.fact,
            "severity": self.severity,
            "values": "; ".join(f"{p}: {', '.join(v)}" for p, v in self.values.items()),
        }


def _fact_values(m: MemberView, fact: str) -> tuple[set[str], set[str]]:
    """(shown values, comparable keys) of one record for one fact."""
    f = m.facts
    if fact == "birthDate":
        values = set(f.get("birthDate", []))
        return values, values
    if fact == "nationality":
        props = ("nationality", "citizenship") if m.family == "person" else ("country",)
        values = {v for p in props for v in f.get(p, [])}
        return values, values
    if fact == "document":
        values = {v for p in ("passportNumber", "idNumber") for v in f.get(p, [])}
        return values, {k for k in (document_key(v) for v in values) if k}
    primary = m.caption
    return {primary}, {_name_key(primary, m.family)}


def _name_key(name: str, family: str) -> str:
    """Names compared without legal forms, particles and word order ("JSC X" is "X")."""
    return " ".join(sorted(name_tokens(name, family)))


def fact_differences(
    found: Iterable[Entity], by: str, facts: Iterable[str] = FACTS
) -> list[FactDifference]:
    out: list[FactDifference] = []
    for e in found:
        listed = [m for m in e.members if m.listed]
        if len({m.place(by) for m in listed}) < 2:
            continue
        for fact in facts:
            shown: dict[str, set[str]] = {}
            keys: dict[str, set[str]] = {}
            for m in listed:
                values, comparable = _fact_values(m, fact)
                if comparable:
                    shown.setdefault(m.place(by), set()).update(values)
                    keys.setdefault(m.place(by), set()).update(comparable)
            if len(keys) < 2 or len({frozenset(v) for v in keys.values()}) < 2:
                continue
            severity = _severity(fact, keys, listed, by)
            if severity:
                by_place = {p: sorted(shown[p]) for p in e.listed_on if p in shown}
                out.append(FactDifference(e.cluster_id, e.caption, fact, severity, by_place))
    return out


def _severity(
    fact: str, keys: dict[str, set[str]], listed: list[MemberView], by: str
) -> str | None:
    places = list(keys)
    if fact == "name":
        # A primary name is a real divergence only if the other list does not know it at all.
        every = {
            p: {_name_key(n, m.family) for m in listed if m.place(by) == p for n in m.names}
            for p in places
        }
        unknown = any(not keys[a] <= every[b] for a in places for b in places if a != b)
        return "conflict" if unknown else None
    for i, a in enumerate(places):
        for b in places[i + 1 :]:
            if fact == "birthDate":
                if compare_dates(sorted(keys[a]), sorted(keys[b])) in (CONFLICT, NEAR):
                    return "conflict"
            elif not keys[a] & keys[b]:
                return "conflict"
    return "variant"
