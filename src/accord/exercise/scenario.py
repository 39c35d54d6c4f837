"""The scenario file, declared as data: jurisdictions, nodes and what each holds, scale, schemes.

A scenario is YAML validated here (``scenarios/{demo,medium,large}.yaml`` ship with the package).
Volumes are given per day at ``scale: 1``; ``--scale X`` multiplies every background volume (and
nothing about the schemes, which stay the same needles in a bigger haystack).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from accord.errors import InvalidInputError, NotFoundError

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"

#: The data kinds a node may hold; each is one ``accord ingest KIND``.
DataKind = Literal["trade", "payments", "ais", "vessels", "registry", "licences"]
SchemeType = Literal[
    "transshipment",
    "misinvoicing",
    "layering",
    "sts_dark",
    "flag_hopping",
    "mmsi_spoofing",
    "nested_correspondents",
    "front_company",
    "transliteration",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Area(_Model):
    """A rectangle of sea that a maritime node's AIS receivers cover."""

    name: str
    lat: tuple[float, float]
    lon: tuple[float, float]

    def contains(self, lat: float, lon: float) -> bool:
        return self.lat[0] <= lat <= self.lat[1] and self.lon[0] <= lon <= self.lon[1]


class Node(_Model):
    """One agency's Accord node and the data it is entitled to.

    ``holds`` maps a data kind to what of it the node sees: countries (ISO alpha-2; ``*`` = all)
    for trade, payments, registry, licences and vessels, area names for AIS.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    jurisdiction: str = Field(pattern=r"^[A-Z]{2}$")
    agency: str
    holds: dict[DataKind, list[str]]


class Background(_Model):
    """Background volumes per day at scale 1, and the population behind them."""

    companies_per_country: int = 200
    persons_per_country: int = 120
    banks_per_country: int = 4
    vessels: int = 40
    declarations_per_day: int = 400
    payments_per_day: int = 400
    #: Share of export declarations settled by a payment that the world also generates.
    trade_payment_share: float = Field(0.5, ge=0, le=1)
    #: Share of AIS messages also written as NMEA (pyais's encoder is slow; the rest is CSV).
    nmea_share: float = Field(0.01, ge=0, le=1)
    #: Seconds between terrestrial AIS reports (downsampled archives keep about one a minute).
    ais_interval_s: int = Field(60, ge=2)


class SchemeSpec(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    type: SchemeType
    start_day: int = Field(0, ge=0)
    duration_days: int = Field(14, ge=1)
    params: dict[str, Any] = Field(default_factory=dict)


class Scenario(_Model):
    name: str
    description: str = ""
    seed: int = 0
    start: date
    days: int = Field(ge=1)
    scale: float = Field(1.0, gt=0)
    #: Countries whose companies and banks populate the world (node jurisdictions are added).
    countries: list[str]
    #: Where sanctioned goods end up (no node there: nobody shares its data).
    sanctioned_country: str = "RU"
    areas: list[Area] = Field(default_factory=list)
    nodes: list[Node]
    background: Background = Background()
    schemes: list[SchemeSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        ids = [n.id for n in self.nodes]
        if len(set(ids)) != len(ids):
            raise ValueError("node ids must be unique")
        scheme_ids = [s.id for s in self.schemes]
        if len(set(scheme_ids)) != len(scheme_ids):
            raise ValueError("scheme ids must be unique")
        areas = {a.name for a in self.areas}
        for node in self.nodes:
            unknown = set(node.holds.get("ais", [])) - areas
            if unknown:
                raise ValueError(f"node {node.id}: unknown AIS areas {sorted(unknown)}")
        for s in self.schemes:
            if s.start_day + s.duration_days > self.days:
                raise ValueError(f"scheme {s.id} runs past the scenario's {self.days} days")
        return self

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days)

    @property
    def all_countries(self) -> list[str]:
        """Every country with companies and banks: declared ones, node ones, the sanctioned one."""
        seen = dict.fromkeys(
            [*self.countries, *(n.jurisdiction for n in self.nodes), self.sanctioned_country]
        )
        return list(seen)

    def scaled(self, factor: float) -> Scenario:
        return self.model_copy(update={"scale": self.scale * factor})

    def volume(self, per_day: int) -> int:
        """A background volume per day at this scenario's scale (at least 1)."""
        return max(1, round(per_day * self.scale))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A shipped scenario by name (``demo``) or a YAML file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = SCENARIO_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")))
        raise NotFoundError(f"scenario {name_or_path!r} not found (shipped: {known})")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Scenario.model_validate(data)
    except (yaml.YAMLError, ValueError) as exc:
        raise InvalidInputError(f"{path.name}: invalid scenario: {exc}") from exc
