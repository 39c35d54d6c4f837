"""Customs declarations: the CSV template, or an Excel sheet with the same columns.

One row per declaration item (``item_no``, default 1). HS codes have 6 to 10 digits; the first six
must be an HS 2022 subheading (national extensions beyond six digits cannot be checked here).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from python_calamine import CalamineWorkbook

from accord.analytics.datasets import TRADE_DECLARATIONS
from accord.errors import InvalidInputError
from accord.ingest.base import Chunk, Deferred, IngestOptions, Progress
from accord.ingest.columns import Converter, normalise_header
from accord.ingest.csvread import check_columns
from accord.ingest.template import Col, Template, convert, read_template

FLOWS = ("import", "export", "re-export", "transit")
TRANSPORT = ("sea", "air", "road", "rail", "post", "pipeline", "inland-waterway", "fixed", "other")
INCOTERMS = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF")


def _party(role: str, who: str) -> tuple[Col, ...]:
    return (
        Col(f"{role}_name", "text", doc=f"{who}'s name"),
        Col(f"{role}_country", "country", doc=f"{who}'s country (ISO 3166 alpha-2)"),
        Col(f"{role}_address", "text", doc=f"{who}'s address, one line"),
    )


def _default_item(cv: Converter, out: dict[str, pa.Array]) -> None:
    out["item_no"] = pc.fill_null(out["item_no"], pa.scalar(1, pa.int32()))


def _incoterm(cv: Converter, out: dict[str, pa.Array]) -> None:
    value = out["incoterm"]
    bad = pc.and_(pc.is_valid(value), pc.invert(pc.is_in(value, pa.array(INCOTERMS))))
    cv.fail_value(bad, "incoterm", value, "is not an Incoterms 2020 rule")


DECLARATIONS_TEMPLATE = Template(
    name="trade",
    dataset=TRADE_DECLARATIONS,
    columns=(
        Col("declaration_id", "text", required=True, doc="the customs declaration number"),
        Col("item_no", "int", doc="item number within the declaration (default 1)"),
        Col("declaration_date", "date", required=True, doc="acceptance date, YYYY-MM-DD"),
        Col(
            "flow",
            "choice",
            required=True,
            doc="import, export, re-export or transit",
            choices=FLOWS,
        ),
        *_party("declarant", "declarant"),
        *_party("exporter", "exporter"),
        *_party("importer", "importer"),
        *_party("consignee", "consignee"),
        *_party("notify_party", "notify party"),
        Col("origin_country", "country", doc="country of origin"),
        Col("dispatch_country", "country", doc="country of dispatch"),
        Col("destination_country", "country", doc="country of destination"),
        Col("transit_countries", "countries", doc="countries of transit, ';'-separated"),
        Col("hs_code", "hs", required=True, doc="HS code, 6 to 10 digits (HS 2022)"),
        Col("description", "text", doc="goods description"),
        Col("quantity", "float", doc="quantity in supplementary units"),
        Col("unit", "text", doc="unit of the quantity (e.g. kg, u, l)"),
        Col("net_mass_kg", "float", doc="net mass in kilograms"),
        Col("value", "float", doc="statistical or invoice value"),
        Col("currency", "code", doc="ISO 4217 currency of the value"),
        Col("incoterm", "code", doc="Incoterms 2020 rule (EXW … DDP)"),
        Col(
            "transport_mode",
            "choice",
            doc="sea, air, road, rail, post, pipeline, inland-waterway, fixed, other",
            choices=TRANSPORT,
        ),
        Col("vessel_imo", "imo", doc="IMO number of the vessel (check digit verified)"),
        Col("port_of_loading", "code", doc="UN/LOCODE of the port of loading"),
        Col("port_of_discharge", "code", doc="UN/LOCODE of the port of discharge"),
    ),
    checks=(_default_item, _incoterm),
)


def read_declarations_csv(
    path: Path, options: IngestOptions, progress: Progress
) -> Iterator[Chunk | Deferred]:
    return read_template(DECLARATIONS_TEMPLATE, path, options, progress)


def _cell(value: object) -> str:
    """An Excel cell as the text the CSV template would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # HS codes and ids typed in as numbers
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def read_declarations_xlsx(
    path: Path, options: IngestOptions, progress: Progress
) -> Iterator[Chunk | Deferred]:
    """The first sheet; row 1 is the header. (An xlsx is a zip: it cannot be streamed.)"""
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    except Exception as exc:  # calamine raises its own error types per container problem
        raise InvalidInputError(f"{path.name}: not a readable spreadsheet ({exc})") from exc
    progress(path.stat().st_size)
    rows = iter(sheet.iter_rows())
    header = [normalise_header(_cell(v)) for v in next(rows, [])]
    check_columns(path, header, DECLARATIONS_TEMPLATE.required, DECLARATIONS_TEMPLATE.optional)
    buffer: list[list[str]] = []
    numbers: list[int] = []
    for number, row in enumerate(rows, start=2):
        cells = [_cell(v) for v in row][: len(header)]
        if not any(cells):
            continue
        numbers.append(number)
        buffer.append(cells + [""] * (len(header) - len(cells)))
        if len(buffer) >= options.batch_rows:
            yield _xlsx_chunk(header, buffer, numbers, options)
            buffer, numbers = [], []
    yield _xlsx_chunk(header, buffer, numbers, options)


def _xlsx_chunk(
    header: list[str], rows: list[list[str]], numbers: list[int], options: IngestOptions
) -> Chunk:
    batch = pa.record_batch(
        [pa.array([r[i] for r in rows], pa.string()) for i in range(len(header))], names=header
    )
    cv = Converter(batch, pa.array(numbers, pa.int64()))
    table = convert(DECLARATIONS_TEMPLATE, cv, options)
    return Chunk(
        tables={TRADE_DECLARATIONS.name: cv.passed(table)},
        rejects=cv.rejects(),
    )
