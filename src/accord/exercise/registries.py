"""Registries, vessel registers, licences and lists: the slow-moving records of the world.

Company registries are written as FtM JSON lines (what ``accord ingest registry`` and Aleph read);
each registry node gets the companies of its countries with their owners, directors and edges.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import orjson

from accord.exercise.calibration import Products
from accord.exercise.context import Context
from accord.exercise.output import Sinks

VESSEL_COLUMNS = [
    "imo",
    "name",
    "flag",
    "callsign",
    "mmsi",
    "ship_type",
    "owner_name",
    "owner_country",
    "valid_from",
    "valid_to",
    "source",
]
LICENCE_COLUMNS = [
    "licence_id",
    "item_no",
    "licence_type",
    "authority",
    "exporter_name",
    "exporter_country",
    "end_user_name",
    "end_user_country",
    "destination_country",
    "hs_code",
    "control_entry",
    "description",
    "quantity",
    "unit",
    "value",
    "currency",
    "valid_from",
    "valid_to",
    "status",
]


def _line(entity: dict[str, Any]) -> str:
    return orjson.dumps(entity, option=orjson.OPT_SORT_KEYS).decode()


def write_registries(ctx: Context, sinks: Sinks) -> None:
    world = ctx.world
    persons = {p.id: p for p in world.persons}
    companies = {c.id: c for c in world.companies}

    def entity(eid: str) -> dict[str, Any]:
        if eid in persons:
            p = persons[eid]
            return {
                "id": p.id,
                "schema": "Person",
                "properties": {
                    "name": [p.name],
                    "nationality": [p.country.lower()],
                    "birthDate": [p.birth_date.isoformat()],
                },
            }
        c = companies[eid]
        return {
            "id": c.id,
            "schema": "Company",
            "properties": {
                "name": [c.name],
                "jurisdiction": [c.country.lower()],
                "registrationNumber": [c.registration],
                "incorporationDate": [c.incorporated.isoformat()],
                "address": [c.address],
            },
        }

    for node in ctx.scenario.nodes:
        seen = node.holds.get("registry")
        if not seen:
            continue
        mine = {c.id for c in world.companies if c.country in seen or "*" in seen}
        lines = [_line(entity(cid)) for cid in sorted(mine)]
        people: set[str] = set()
        for e in world.ownerships:
            if e.asset in mine:
                lines.append(
                    _line(
                        {
                            "id": e.id,
                            "schema": "Ownership",
                            "properties": {
                                "owner": [e.owner],
                                "asset": [e.asset],
                                "percentage": [f"{e.share:g}"],
                                "startDate": [e.start.isoformat()],
                            },
                        }
                    )
                )
                if e.owner not in mine:
                    people.add(e.owner)
        for e in world.directorships:
            if e.asset in mine:
                lines.append(
                    _line(
                        {
                            "id": e.id,
                            "schema": "Directorship",
                            "properties": {
                                "director": [e.owner],
                                "organization": [e.asset],
                                "role": [e.role],
                                "startDate": [e.start.isoformat()],
                            },
                        }
                    )
                )
                people.add(e.owner)
        lines += [_line(entity(eid)) for eid in sorted(people - mine)]
        sinks.text(node.id, "registry", "registry.ftm.json").write(lines)


def write_vessels(ctx: Context, sinks: Sinks) -> None:
    """The vessel register (one row per observed state): background fleet plus scheme rows."""
    rows = [
        {
            "imo": v.imo,
            "name": v.name,
            "flag": v.flag,
            "callsign": v.callsign,
            "mmsi": v.mmsi,
            "ship_type": {80: "tanker", 70: "cargo", 71: "container"}.get(v.ship_type, "cargo"),
            "owner_name": ctx.world.companies[v.owner].name,
            "owner_country": ctx.world.companies[v.owner].country,
            "source": "exercise-registry",
        }
        for v in ctx.world.vessels
    ] + ctx.vessel_rows
    import pyarrow as pa

    for node in ctx.scenario.nodes:
        seen = node.holds.get("vessels")
        if not seen:
            continue
        mine = [r for r in rows if "*" in seen or r["flag"] in seen]
        table = pa.Table.from_pylist(
            [{c: (None if r.get(c) is None else str(r[c])) for c in VESSEL_COLUMNS} for r in mine]
        )
        sinks.csv(node.id, "vessels", "vessels.csv", VESSEL_COLUMNS).write(table)


def write_licences(
    ctx: Context, sinks: Sinks, products: Products, rng: np.random.Generator
) -> None:
    """Export licences for CHPL goods to lawful destinations: the paper trail of legal trade."""
    import pyarrow as pa

    chpl = np.flatnonzero(products.chpl)
    partners = [c for c in ctx.scenario.all_countries if c != ctx.scenario.sanctioned_country]
    for node in ctx.scenario.nodes:
        seen = node.holds.get("licences")
        if not seen:
            continue
        n = max(5, ctx.scenario.volume(ctx.scenario.background.declarations_per_day) // 20)
        pool = [i for c in seen for i in ctx.world.by_country.get(c, [])]
        rows = []
        for k in range(n):
            exporter = ctx.world.companies[int(rng.choice(pool))]
            dest = str(rng.choice(partners))
            prod = int(rng.choice(chpl))
            start = ctx.scenario.start + timedelta(days=int(rng.integers(0, ctx.scenario.days)))
            rows.append(
                {
                    "licence_id": f"{node.jurisdiction}-LIC-{k:06d}",
                    "item_no": "1",
                    "licence_type": "individual",
                    "authority": node.agency,
                    "exporter_name": exporter.name,
                    "exporter_country": exporter.country,
                    "end_user_name": ctx.namer.company(dest),
                    "end_user_country": dest,
                    "destination_country": dest,
                    "hs_code": products.hs6[prod],
                    "control_entry": "3A001" if products.hs6[prod].startswith("8542") else None,
                    "description": products.description[prod],
                    "quantity": f"{float(rng.uniform(10, 1000)):.0f}",
                    "unit": "u",
                    "value": f"{float(rng.uniform(1e4, 1e6)):.2f}",
                    "currency": "EUR",
                    "valid_from": start.isoformat(),
                    "valid_to": (start + timedelta(days=365)).isoformat(),
                    "status": "issued",
                }
            )
        sinks.csv(node.id, "licences", "licences.csv", LICENCE_COLUMNS).write(
            pa.Table.from_pylist(rows)
        )


def write_list(ctx: Context, sinks: Sinks) -> None:
    """The synthetic list of the exercise (FtM JSON lines, ``accord lists fetch opensanctions``)."""
    sinks.text("lists", "lists", "exercise.ftm.json").write(_line(e) for e in ctx.listed)
