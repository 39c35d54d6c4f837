"""What schemes inject through: the world, seeded randomness, and collectors of extra records.

Scheme records are built as plain rows here (there are few of them) and appended to the same
files as the background, so nothing but the ground truth tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from accord.exercise import geo
from accord.exercise.calibration import Products
from accord.exercise.output import epoch_s
from accord.exercise.population import Company, Edge, Namer, Person, World, add_company, add_person
from accord.exercise.scenario import Scenario, SchemeSpec
from accord.exercise.seeding import stream, uuid4
from accord.exercise.tracks import Identity, Plan, background_plan
from accord.exercise.truth import Actor, RecordRef


@dataclass
class Context:
    scenario: Scenario
    world: World
    namer: Namer
    products: Products
    trade_rows: list[dict[str, Any]] = field(default_factory=list)
    payment_rows: list[dict[str, Any]] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    vessel_rows: list[dict[str, Any]] = field(default_factory=list)
    listed: list[dict[str, Any]] = field(default_factory=list)
    _seq: int = 0
    _background: list[Plan] | None = field(default=None, repr=False)

    def background_plans(self) -> list[Plan]:
        """The itinerary of each background vessel (``world.vessels`` order), made once.

        Each comes from its own seeded stream, so making them before or after the schemes gives
        the same plans; schemes read them (the spoofing victim must sail where a node sees the
        spoofer) and the AIS streams sample them.
        """
        if self._background is None:
            sc = self.scenario
            t0, t1 = epoch_s(sc.start), epoch_s(sc.end)
            lanes = geo.lanes()
            plans: list[Plan] = []
            for i, v in enumerate(self.world.vessels):
                rng = stream(sc.seed, "voyage", i)
                ident = Identity(0, v.mmsi, v.name, v.imo, v.callsign, v.ship_type)
                plan = background_plan(
                    rng, ident, lanes[i % len(lanes)], t0, t1, float(sc.background.ais_interval_s)
                )
                ident.destination = ""
                plans.append(plan)
            self._background = plans
        return self._background

    def rng(self, spec: SchemeSpec) -> np.random.Generator:
        return stream(self.scenario.seed, "scheme", spec.id)

    def day(self, spec: SchemeSpec, offset: float = 0.0) -> date:
        return self.scenario.start + timedelta(days=spec.start_day + int(offset))

    def at(self, spec: SchemeSpec, offset_days: float) -> datetime:
        start = datetime.combine(self.scenario.start, datetime.min.time(), UTC)
        return start + timedelta(days=spec.start_day + offset_days)

    def window(self, spec: SchemeSpec) -> tuple[datetime, datetime]:
        return self.at(spec, 0), self.at(spec, spec.duration_days)

    # --- routing ---------------------------------------------------------------------------

    def nodes_for(self, kind: str, *countries: str) -> list[str]:
        return [
            n.id
            for n in self.scenario.nodes
            if any(
                c in n.holds.get(kind, []) or "*" in n.holds.get(kind, [])  # type: ignore[call-overload]
                for c in countries
                if c
            )
        ]

    # --- actors ----------------------------------------------------------------------------

    def company(
        self,
        rng: np.random.Generator,
        country: str,
        *,
        name: str | None = None,
        incorporated: date | None = None,
    ) -> Company:
        inc = incorporated or self.scenario.start - timedelta(days=int(rng.integers(400, 4000)))
        return add_company(self.world, self.namer, rng, country, inc, name)

    def person(self, rng: np.random.Generator, country: str, name: str | None = None) -> Person:
        return add_person(self.world, self.namer, rng, country, name)

    def own(self, owner: str, asset: str, share: float, start: date) -> RecordRef:
        edge = Edge(f"own-x{len(self.world.ownerships):07d}", owner, asset, share, start)
        self.world.ownerships.append(edge)
        return RecordRef(
            dataset="ownerships",
            key=edge.id,
            nodes=self.nodes_for("registry", self._country_of(asset)),
        )

    def direct(self, director: str, org: str, start: date, role: str = "director") -> RecordRef:
        edge = Edge(f"dir-x{len(self.world.directorships):07d}", director, org, None, start, role)
        self.world.directorships.append(edge)
        return RecordRef(
            dataset="directorships",
            key=edge.id,
            nodes=self.nodes_for("registry", self._country_of(org)),
        )

    def _country_of(self, entity_id: str) -> str:
        return entity_id.split("-")[1].upper()

    def company_ref(self, c: Company) -> RecordRef:
        return RecordRef(dataset="companies", key=c.id, nodes=self.nodes_for("registry", c.country))

    def list_entity(
        self,
        schema: str,
        entity_id: str,
        names: list[str],
        country: str,
        program: str,
        **props: list[str],
    ) -> None:
        """A synthetic listed entity (FtM) and its Sanction, for the demo's offline list."""
        self.listed.append(
            {
                "id": entity_id,
                "schema": schema,
                "properties": {"name": names, "country": [country.lower()], **props},
            }
        )
        self.listed.append(
            {
                "id": f"{entity_id}-sanction",
                "schema": "Sanction",
                "properties": {
                    "entity": [entity_id],
                    "program": [program],
                    "authority": ["Exercise authority"],
                    "startDate": [str(self.scenario.start - timedelta(days=400))],
                },
            }
        )

    # --- records ---------------------------------------------------------------------------

    def declaration(
        self,
        *,
        day: date,
        declaring: str,
        flow: str,
        exporter: Company,
        importer: Company,
        hs6: str,
        mass: float,
        value: float,
        origin: str | None = None,
    ) -> RecordRef:
        self._seq += 1
        did = f"{declaring}-X{self._seq:08d}"
        self.trade_rows.append(
            {
                "declaration_id": did,
                "item_no": 1,
                "declaration_date": day.isoformat(),
                "flow": flow,
                "declarant_name": exporter.name if flow != "import" else importer.name,
                "declarant_country": declaring,
                "exporter_name": exporter.name,
                "exporter_country": exporter.country,
                "exporter_address": exporter.address,
                "importer_name": importer.name,
                "importer_country": importer.country,
                "importer_address": importer.address,
                "origin_country": origin or exporter.country,
                "dispatch_country": exporter.country,
                "destination_country": importer.country,
                "hs_code": hs6,
                "description": self.products.description[self.products.index(hs6)],
                "quantity": round(mass, 1),
                "unit": "kg",
                "net_mass_kg": round(mass, 1),
                "value": round(value, 2),
                "currency": "EUR",
                "incoterm": "FCA",
                "transport_mode": "road",
            }
        )
        return RecordRef(
            dataset="trade_declarations", key=did, nodes=self.nodes_for("trade", declaring)
        )

    def payment(
        self,
        rng: np.random.Generator,
        *,
        day: date,
        debtor: Company,
        creditor: Company,
        amount: float,
        via: tuple[str, ...] = (),
        ultimate_debtor: str | None = None,
        remittance: str = "INVOICE",
    ) -> RecordRef:
        uetr = uuid4(rng, 1)[0]
        dbic = self.world.banks[debtor.bank].bic
        cbic = self.world.banks[creditor.bank].bic
        row = {
            "msg_id": uetr[:18],
            "end_to_end_id": uetr[19:],
            "created_at": f"{day.isoformat()}T{int(rng.integers(8, 18)):02d}:15:00Z",
            "uetr": uetr,
            "settlement_date": day.isoformat(),
            "amount": round(amount, 2),
            "currency": "EUR",
            "charge_bearer": "SHAR",
            "debtor_name": debtor.name,
            "debtor_address": debtor.address,
            "debtor_country": debtor.country,
            "debtor_account": debtor.account,
            "debtor_agent_bic": dbic,
            "creditor_name": creditor.name,
            "creditor_address": creditor.address,
            "creditor_country": creditor.country,
            "creditor_account": creditor.account,
            "creditor_agent_bic": cbic,
            "ultimate_debtor_name": ultimate_debtor,
            "remittance_info": remittance,
        }
        for i, bic in enumerate(via[:2], start=1):
            row[f"intermediary_agent{i}_bic"] = bic
        self.payment_rows.append(row)
        countries = [b[4:6] for b in (dbic, cbic, *via[:2])]
        return RecordRef(dataset="payments", key=uetr, nodes=self.nodes_for("payments", *countries))

    def actor(self, role: str, who: Company | Person, *, listed: bool = False) -> Actor:
        return Actor(role=role, name=who.name, entity_id=who.id, country=who.country, listed=listed)

    def identity(
        self,
        *,
        since: float,
        mmsi: int,
        name: str,
        imo: int | None,
        callsign: str,
        ship_type: int = 80,
        destination: str = "",
    ) -> Identity:
        return Identity(since, mmsi, name, imo, callsign, ship_type, destination)
