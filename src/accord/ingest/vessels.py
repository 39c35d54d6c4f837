"""Vessel registry records: IMO, name, flag, owner, managers — one row per observed state.

History is the set of rows of one IMO: a record that differs in any field (a new name, flag or
owner) is a new row; a repeat of a known state adds nothing. Layouts, told apart by columns:
* the generic template (``docs/ingest.md``);
* a vessel list ``IMO, Ship Name`` (e.g. the GUR shadow-fleet register);
* Equasis-style company data (``imo, ism_*, owner_*, commercial_*``), where ``UNKNOWN`` and the
  placeholder company number ``9991001`` mean unknown, and a company's country is read from the
  end of its address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from followthemoney.types import registry

from accord.analytics.datasets import VESSEL_REGISTRY
from accord.errors import InvalidInputError
from accord.ingest.base import LINE, Chunk, Deferred, IngestOptions, Progress
from accord.ingest.columns import Converter
from accord.ingest.csvread import csv_batches, read_header
from accord.ingest.template import Col, Template, read_template

UNKNOWN = ("UNKNOWN", "9991001")


def _company(role: str, who: str) -> tuple[Col, ...]:
    return (
        Col(f"{role}_name", "text", doc=f"{who}'s name"),
        Col(f"{role}_company_imo", "text", doc=f"{who}'s IMO company number"),
        Col(f"{role}_address", "text", doc=f"{who}'s address, one line"),
        Col(f"{role}_country", "country", doc=f"{who}'s country (ISO 3166 alpha-2)"),
    )


VESSELS_TEMPLATE = Template(
    name="vessels",
    dataset=VESSEL_REGISTRY,
    columns=(
        Col("imo", "imo", required=True, doc="IMO number, 7 digits (check digit verified)"),
        Col("name", "text", doc="vessel name"),
        Col("flag", "country", doc="flag state (ISO 3166 alpha-2)"),
        Col("callsign", "code", doc="call sign"),
        Col("mmsi", "int", doc="MMSI"),
        Col("ship_type", "text", doc="ship type (text)"),
        *_company("owner", "registered owner"),
        *_company("manager", "commercial manager"),
        *_company("ism_manager", "ISM manager"),
        Col("valid_from", "date", doc="first day this state held, YYYY-MM-DD"),
        Col("valid_to", "date", doc="last day this state held, YYYY-MM-DD"),
        Col("source", "text", doc="where the record comes from"),
    ),
)

GUR = frozenset({"imo", "ship_name"})
EQUASIS = frozenset({"imo", "owner_name", "owner_imo", "commercial_name", "ism_name"})
EQUASIS_ROLES = {"owner": "owner", "manager": "commercial", "ism_manager": "ism"}


def _address_country(address: str | None) -> str | None:
    """The country an address ends with: the last part's longest trailing run of words that
    FtM's country table knows ("…, Mahe Island Seychelles." → SC, "Singapore 179803" → SG)."""
    if not address:
        return None
    words = re.sub(r"[\d.]+", " ", address.rsplit(",", 1)[-1]).split()
    for size in range(min(len(words), 5), 0, -1):
        code = registry.country.clean_text(" ".join(words[-size:]))
        if code:
            return str(code).upper()
    return None


def _address_countries(addresses: pa.Array) -> pa.Array:
    distinct = pc.unique(addresses).to_pylist()
    codes = [_address_country(a) for a in distinct]
    index = pc.index_in(addresses, value_set=pa.array(distinct, pa.string()))
    return pc.take(pa.array(codes, pa.string()), index)


def _known(cv: Converter, column: str) -> pa.Array:
    values = cv.text(column)
    return pc.if_else(pc.is_in(pc.utf8_upper(values), pa.array(UNKNOWN)), None, values)


def _layout_rows(cv: Converter, header: set[str], path: Path) -> pa.Table:
    n = cv.n
    cols: dict[str, pa.Array] = {name: pa.nulls(n, t) for name, t in VESSEL_REGISTRY.columns}
    cols["imo"] = cv.imo("imo", required=True)
    if header >= GUR:
        cols["name"] = cv.text("ship_name")
        cols["source"] = pa.repeat(pa.scalar(f"list:{path.stem}"), n)
    else:
        for role, prefix in EQUASIS_ROLES.items():
            cols[f"{role}_name"] = _known(cv, f"{prefix}_name")
            cols[f"{role}_company_imo"] = _known(cv, f"{prefix}_imo")
            address = _known(cv, f"{prefix}_address")
            cols[f"{role}_address"] = address
            cols[f"{role}_country"] = _address_countries(address)
        cols["source"] = pa.repeat(pa.scalar(f"equasis:{path.stem}"), n)
    cols[LINE] = cv.lines
    return pa.table(cols)


def read_vessels(
    path: Path, options: IngestOptions, progress: Progress
) -> Iterator[Chunk | Deferred]:
    header = set(read_header(path))
    if not (header >= GUR or header >= EQUASIS):
        if "imo" not in header:
            raise InvalidInputError(f"{path.name}: wrong column set: no imo column")
        yield from read_template(VESSELS_TEMPLATE, path, options, progress)
        return
    for part in csv_batches(path, progress):
        cv = Converter(part.batch, part.lines)
        table = _layout_rows(cv, header, path)
        yield Chunk(tables={VESSEL_REGISTRY.name: table.filter(pc.fill_null(cv.ok, False))},
                    rejects=part.rejects + cv.rejects())  # fmt: skip
