"""The analytical datasets, declared as data: one YAML file per dataset in ``catalogue/``.

Every dataset is a folder of Parquet files under ``<data_dir>/analytics/<name>/``, partitioned by
``date=YYYY-MM-DD`` (a record without a date goes to ``date=__HIVE_DEFAULT_PARTITION__``, the
Hive/Spark/DuckDB convention for NULL). Every timestamp is ``timestamp[us, tz=UTC]``: Spark reads
zone-less Parquet timestamps as ``TIMESTAMP_NTZ`` and then refuses epoch arithmetic on them
(research note *governance-and-scale* §4), so nothing naive is ever written.

A declaration names the columns and their types, the natural key hashed into ``record_id``, the
columns whose date partitions a row (none: the ingest date), the parties a record holds, and
whether two records with one key but different content are an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyarrow as pa
import yaml
from pydantic import BaseModel, ConfigDict, Field

from accord.errors import NotFoundError

TS = pa.timestamp("us", tz="UTC")
#: ISO 20022 amounts carry at most 18 digits, 5 of them fractional (ActiveCurrencyAndAmount).
MONEY = pa.decimal128(23, 5)
TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int64": pa.int64(),
    "int32": pa.int32(),
    "float64": pa.float64(),
    "date": pa.date32(),
    "timestamp": TS,
    "money": MONEY,
    "list<string>": pa.list_(pa.string()),
}

#: Provenance columns every dataset carries after its own columns.
META: tuple[tuple[str, pa.DataType], ...] = (
    ("record_id", pa.string()),
    ("source_file", pa.string()),
    ("source_line", pa.int64()),
    ("ingested_at", TS),
)
CATALOGUE = Path(__file__).with_name("catalogue")


class PartyRole(BaseModel):
    """Where one party sits in a record: the columns holding its name, country and identifiers.

    Identifiers are role-independent (an account is an account whether its holder pays or is
    paid), so the same name+country+identifiers seen as payer in one record and as consignee in
    another yields the same party id.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str
    name: str | None = None
    country: str | None = None
    address: str | None = None
    account: str | None = None
    bic: str | None = None
    imo: str | None = None
    registration: str | None = None

    @property
    def id_column(self) -> str:
        return f"{self.role}_party_id"


class _Declaration(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str
    columns: dict[str, str]
    key: list[str] = Field(min_length=1)
    date_from: list[str] = []
    partition: Literal["day", "month"] = "day"
    parties: list[PartyRole] = []
    conflicts_are_errors: bool = True


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    columns: tuple[tuple[str, pa.DataType], ...]
    #: Natural key: column names, or SQL expressions over them, hashed into ``record_id``.
    key: tuple[str, ...]
    #: Columns whose first non-null value (as a date) is the partition; none: the ingest date.
    date_from: tuple[str, ...]
    parties: tuple[PartyRole, ...]
    #: When two records share a key, is differing content an error (rejected) or just a repeat?
    conflicts_are_errors: bool
    #: ``day``: one ``date=`` partition per day; ``month``: per month (named by its first day),
    #: for datasets whose records spread thinly over many days (a partition per day of a year of
    #: declarations is 366 small files, each costing more to write than its rows).
    partition: str = "day"

    @property
    def data_schema(self) -> pa.Schema:
        """The columns a reader produces (before party ids and provenance are added)."""
        return pa.schema(list(self.columns))

    @property
    def schema(self) -> pa.Schema:
        """The columns of every stored Parquet file (the ``date`` partition lives in the path)."""
        party_ids = [(r.id_column, pa.string()) for r in self.parties]
        return pa.schema([*self.columns, *party_ids, *META])

    @property
    def content_columns(self) -> list[str]:
        return [name for name, _ in self.columns]

    @property
    def amendable(self) -> bool:
        """Does a stored record re-sent with other content amend it (a correction)?

        Where the natural key must identify the content (a payment's UETR, a declaration
        number), yes; where records are observations (positions, registry states), a repeat
        with other content is just a repeat."""
        return self.conflicts_are_errors


def load_dataset(path: Path) -> Dataset:
    """One declaration, checked: known types, and every referenced column declared."""
    decl = _Declaration.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    unknown = {t for t in decl.columns.values() if t not in TYPES}
    if unknown:
        raise ValueError(f"{path.name}: unknown column types {sorted(unknown)}")
    referenced = set(decl.date_from) | {
        v for role in decl.parties for k, v in role.model_dump().items() if k != "role" and v
    }
    missing = referenced - set(decl.columns)
    if missing:
        raise ValueError(f"{path.name}: references undeclared columns {sorted(missing)}")
    return Dataset(
        name=decl.name,
        description=decl.description,
        columns=tuple((n, TYPES[t]) for n, t in decl.columns.items()),
        key=tuple(decl.key),
        date_from=tuple(decl.date_from),
        parties=tuple(decl.parties),
        conflicts_are_errors=decl.conflicts_are_errors,
        partition=decl.partition,
    )


DATASETS: dict[str, Dataset] = {
    d.name: d for d in (load_dataset(p) for p in sorted(CATALOGUE.glob("*.yaml")))
}


def get_dataset(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise NotFoundError(f"unknown dataset {name!r} (known: {known})") from None


POSITIONS = DATASETS["positions"]
AIS_MESSAGES = DATASETS["ais_messages"]
VESSEL_STATIC = DATASETS["vessel_static"]
VESSEL_REGISTRY = DATASETS["vessel_registry"]
PAYMENTS = DATASETS["payments"]
TRADE_DECLARATIONS = DATASETS["trade_declarations"]
TRADE_FLOWS = DATASETS["trade_flows"]
LICENCES = DATASETS["licences"]
DENIALS = DATASETS["denials"]
COMPANIES = DATASETS["companies"]
OWNERSHIPS = DATASETS["ownerships"]
DIRECTORSHIPS = DATASETS["directorships"]
PARTIES = DATASETS["parties"]
PARTY_HITS = DATASETS["party_hits"]
AMENDMENTS = DATASETS["amendments"]
PARTY_SCREENINGS = DATASETS["party_screenings"]
