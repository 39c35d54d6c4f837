"""Ownership and registries: companies, ownership edges, directorships.

From FollowTheMoney JSON lines (one entity per line, as OpenSanctions and Aleph export them):
legal entities (Company, Organization, LegalEntity, PublicBody, Person) become ``companies`` rows,
``Ownership`` and ``Directorship`` entities become edges that reference entities by id. Other
schemata (Vessel, Sanction, Address…) are not registry records and are rejected with that reason.
FtM dates may be partial (``2019``, ``2019-05``): they are stored as their period's first day.

From CSV: three templates, told apart by their columns (``entity_id`` + ``name``;
``owner_id`` + ``asset_id``; ``director_id`` + ``organization_id``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
from followthemoney import model
from followthemoney.exc import InvalidData

from accord.analytics.datasets import COMPANIES, DIRECTORSHIPS, OWNERSHIPS
from accord.errors import InvalidInputError
from accord.ingest.base import LINE, Chunk, Deferred, IngestOptions, Progress, Reject, open_input
from accord.ingest.csvread import read_header
from accord.ingest.template import Col, Template, read_template

ENTITY_SCHEMATA = ("Company", "Organization", "LegalEntity", "PublicBody", "Person")
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def _date(value: str | None) -> date | None:
    m = PARTIAL_DATE.match(value or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def _pct(value: str | None) -> float | None:
    m = re.search(r"\d+(?:[.,]\d+)?", value or "")
    if not m:
        return None
    pct = float(m.group(0).replace(",", "."))
    return pct if 0 <= pct <= 100 else None


def _ftm_row(data: dict[str, Any], source: str) -> tuple[str, dict[str, Any]]:
    """(dataset name, row) for one FtM entity; ValueError when it is not a registry record."""
    try:
        proxy = model.get_proxy(data)
    except InvalidData as exc:
        raise ValueError(f"not a FollowTheMoney entity: {exc}") from None
    if not proxy.id:
        raise ValueError("entity without an id")
    schema = proxy.schema
    if schema.name == "Ownership":
        owner, asset = proxy.first("owner"), proxy.first("asset")
        if not owner or not asset:
            raise ValueError("Ownership without owner or asset")
        return OWNERSHIPS.name, {
            "ownership_id": proxy.id, "owner_id": owner, "asset_id": asset,
            "share_pct": _pct(proxy.first("percentage")),
            "start_date": _date(proxy.first("startDate")),
            "end_date": _date(proxy.first("endDate")), "source": source,
        }  # fmt: skip
    if schema.name == "Directorship":
        director, org = proxy.first("director"), proxy.first("organization")
        if not director or not org:
            raise ValueError("Directorship without director or organization")
        return DIRECTORSHIPS.name, {
            "directorship_id": proxy.id, "director_id": director, "organization_id": org,
            "role": proxy.first("role"), "start_date": _date(proxy.first("startDate")),
            "end_date": _date(proxy.first("endDate")), "source": source,
        }  # fmt: skip
    if not any(schema.is_a(s) for s in ENTITY_SCHEMATA):
        raise ValueError(f"schema {schema.name} is not a registry record")
    country = proxy.first("jurisdiction") or proxy.first("country")
    if schema.is_a("Person"):
        country = country or proxy.first("nationality")
    return COMPANIES.name, {
        "entity_id": proxy.id, "schema": schema.name, "name": proxy.caption,
        "country": country.upper() if country else None,
        "registration_number": proxy.first("registrationNumber") or proxy.first("idNumber"),
        "incorporation_date": _date(proxy.first("incorporationDate")),
        "dissolution_date": _date(proxy.first("dissolutionDate")),
        "address": proxy.first("address"), "source": source,
    }  # fmt: skip


def _chunk(rows: dict[str, list[dict[str, Any]]], rejects: list[Reject]) -> Chunk:
    tables = {}
    for ds in (COMPANIES, OWNERSHIPS, DIRECTORSHIPS):
        schema = ds.data_schema.append(pa.field(LINE, pa.int64()))
        tables[ds.name] = pa.Table.from_pylist(rows[ds.name], schema=schema)
    return Chunk(tables=tables, rejects=rejects)


def read_ftm(path: Path, options: IngestOptions, progress: Progress) -> Iterator[Chunk]:
    source = f"ftm:{path.stem}"
    rows: dict[str, list[dict[str, Any]]] = {d.name: [] for d in (COMPANIES, OWNERSHIPS,
                                                                   DIRECTORSHIPS)}  # fmt: skip
    rejects: list[Reject] = []
    count = 0
    with open_input(path, progress) as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                data = orjson.loads(raw)
                if not isinstance(data, dict):
                    raise ValueError("a JSON line must be an object")
                name, row = _ftm_row(data, source)
                row[LINE] = number
                rows[name].append(row)
            except (orjson.JSONDecodeError, ValueError) as exc:
                text = raw.decode("utf-8", errors="replace").strip()[:20_000]
                rejects.append(Reject(number, str(exc), text))
            count += 1
            if count >= options.batch_rows:
                yield _chunk(rows, rejects)
                rows, rejects, count = {k: [] for k in rows}, [], 0
    yield _chunk(rows, rejects)


def _source() -> Col:
    return Col("source", "text", doc="where the record comes from (registry, dataset)")


COMPANIES_TEMPLATE = Template(
    name="companies",
    dataset=COMPANIES,
    columns=(
        Col("entity_id", "text", required=True, doc="the registry's id (namespace it: gb-co-123)"),
        Col(
            "schema",
            "choice",
            doc="company, organization, legalentity, publicbody or person (default company)",
            choices=tuple(s.lower() for s in ENTITY_SCHEMATA),
        ),
        Col("name", "text", required=True, doc="registered name"),
        Col("country", "country", doc="jurisdiction (ISO 3166 alpha-2)"),
        Col("registration_number", "text", doc="registration number"),
        Col("incorporation_date", "date", doc="YYYY-MM-DD"),
        Col("dissolution_date", "date", doc="YYYY-MM-DD"),
        Col("address", "text", doc="registered address, one line"),
        _source(),
    ),
)
OWNERSHIPS_TEMPLATE = Template(
    name="ownerships",
    dataset=OWNERSHIPS,
    columns=(
        Col("ownership_id", "text", doc="id of the edge, if the source has one"),
        Col("owner_id", "text", required=True, doc="entity_id of the owner"),
        Col("asset_id", "text", required=True, doc="entity_id of the owned company"),
        Col("share_pct", "pct", doc="share owned, 0 to 100"),
        Col("start_date", "date", doc="YYYY-MM-DD"),
        Col("end_date", "date", doc="YYYY-MM-DD"),
        _source(),
    ),
)
DIRECTORSHIPS_TEMPLATE = Template(
    name="directorships",
    dataset=DIRECTORSHIPS,
    columns=(
        Col("directorship_id", "text", doc="id of the edge, if the source has one"),
        Col("director_id", "text", required=True, doc="entity_id of the director"),
        Col("organization_id", "text", required=True, doc="entity_id of the company"),
        Col("role", "text", doc="e.g. director, secretary, CEO"),
        Col("start_date", "date", doc="YYYY-MM-DD"),
        Col("end_date", "date", doc="YYYY-MM-DD"),
        _source(),
    ),
)
REGISTRY_TEMPLATES = (COMPANIES_TEMPLATE, OWNERSHIPS_TEMPLATE, DIRECTORSHIPS_TEMPLATE)
_SIGNATURES = {
    COMPANIES_TEMPLATE.name: {"entity_id", "name"},
    OWNERSHIPS_TEMPLATE.name: {"owner_id", "asset_id"},
    DIRECTORSHIPS_TEMPLATE.name: {"director_id", "organization_id"},
}


def _companies(item: Chunk | Deferred) -> Chunk:
    chunk = item() if callable(item) else item
    chunk.tables = {k: _schema_case(v) for k, v in chunk.tables.items()}
    return chunk


def read_registry_csv(
    path: Path, options: IngestOptions, progress: Progress
) -> Iterator[Chunk | Deferred]:
    header = set(read_header(path))
    for template in REGISTRY_TEMPLATES:
        if _SIGNATURES[template.name] <= header:
            for item in read_template(template, path, options, progress):
                yield partial(_companies, item) if template is COMPANIES_TEMPLATE else item
            return
    raise InvalidInputError(f"{path.name}: wrong column set: not the companies, ownerships or "
                            "directorships template")  # fmt: skip


def _schema_case(table: pa.Table) -> pa.Table:
    """Template schema names are typed in lower case; store FtM's spelling (default Company)."""
    spelled = {s.lower(): s for s in ENTITY_SCHEMATA}
    values = [spelled.get(v, "Company") if v else "Company" for v in table["schema"].to_pylist()]
    return table.set_column(table.schema.get_field_index("schema"), "schema",
                            pa.array(values, pa.string()))  # fmt: skip
