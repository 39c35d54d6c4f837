"""Aggregate trade statistics: Eurostat Comext extracts, national yearly imports, UN Comtrade+.

Every source lands in one shape: reporter, partner (names as published, plus ISO 3166 codes where
FollowTheMoney's country table recognises the name — aggregates such as "Euro area" stay
uncoded), flow, HS code (``TOTAL`` or an HS 2022 code), period (``YYYY`` or ``YYYY-MM``), value,
currency, quantity. Sources are kept apart in the key, so mirror statistics can be compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from accord.analytics.datasets import TRADE_FLOWS
from accord.errors import InvalidInputError
from accord.ingest.base import LINE, Chunk, IngestOptions, Progress, Reject, open_input
from accord.ingest.columns import Converter, country_codes, safe_cast
from accord.ingest.csvread import check_columns, csv_batches, read_header
from accord.ingest.template import hs_codes, hs_path

FLOW_CODES = {
    # Comtrade flow codes, and Eurostat's labels in its French and German editions.
    "m": "import", "x": "export", "rx": "re-export", "rm": "re-import",
    "importation": "import", "exportation": "export", "einfuhr": "import", "ausfuhr": "export",
}  # fmt: skip
FLOWS = ("import", "export", "re-export", "re-import")


@dataclass(frozen=True)
class FlowColumns:
    """How one published layout names the template's columns."""

    name: str
    signature: frozenset[str]
    rename: dict[str, str]
    currency: str | None = None


EUROSTAT = FlowColumns(
    "eurostat-comext", frozenset({"reporter", "partner", "product", "flow", "value_eur"}),
    {"product": "hs_code", "value_eur": "value"}, currency="EUR",
)  # fmt: skip
NATIONAL = FlowColumns(
    "national", frozenset({"reporter", "partner", "product", "flow", "value_in_eur"}),
    {"product": "hs_code", "value_in_eur": "value"}, currency="EUR",
)  # fmt: skip
GENERIC = FlowColumns("generic", frozenset({"reporter", "partner", "flow", "period"}), {})
LAYOUTS = (EUROSTAT, NATIONAL, GENERIC)

GENERIC_REQUIRED = ("reporter", "partner", "flow", "hs_code", "period", "value")
GENERIC_OPTIONAL = (
    "reporter_country", "partner_country", "currency", "quantity", "quantity_unit",
    "net_mass_kg", "stat_procedure", "source",
)  # fmt: skip


def _period(cv: Converter, raw: pa.Array, yyyymm: pa.Array | None) -> tuple[pa.Array, pa.Array]:
    """Published periods ('Aug. 2024', 'Jan.-Dec. 2019', 'Y2019', '2019', '2019-08') → YYYY[-MM]."""
    period = pc.replace_substring_regex(raw, r"^(?:Y|Jan\.-Dec\. )(\d{4})$", r"\1")
    if yyyymm is not None:
        period = pc.coalesce(yyyymm, period)
    period = pc.replace_substring_regex(period, r"^(\d{4})(\d{2})$", r"\1-\2")
    good = pc.match_substring_regex(period, r"^\d{4}(-(0[1-9]|1[0-2]))?$")
    cv.fail_value(pc.invert(good), "period", raw, "is not a period (YYYY or YYYY-MM)")
    period = pc.if_else(good, period, None)
    start_text = pc.if_else(pc.equal(pc.utf8_length(period), 4),
                            pc.binary_join_element_wise(period, "-01-01", ""),
                            pc.binary_join_element_wise(period, "-01", ""))  # fmt: skip
    start, _bad = safe_cast(start_text, pa.date32())
    return period, start


def _convert(cv: Converter, layout: FlowColumns, options: IngestOptions) -> pa.Table:
    def col(name: str) -> str:
        reverse = {v: k for k, v in layout.rename.items()}
        return reverse.get(name, name)

    reporter = cv.text(col("reporter"), required=True)
    partner = cv.text(col("partner"), required=True)
    flow_raw = pc.utf8_lower(cv.text(col("flow"), required=True))
    flow = pc.coalesce(
        pc.take(pa.array(list(FLOW_CODES.values())),
                pc.index_in(flow_raw, value_set=pa.array(list(FLOW_CODES)))),
        flow_raw,
    )  # fmt: skip
    bad_flow = pc.invert(pc.is_in(flow, pa.array(FLOWS)))
    cv.fail_value(bad_flow, "flow", flow_raw, f"is not one of {', '.join(FLOWS)}")
    hs = pc.utf8_upper(cv.text(col("hs_code"), required=True))
    hs = pc.replace_substring_regex(hs, r"[\s.]", "")
    known = pc.or_(pc.equal(hs, "TOTAL"), pc.is_in(hs, value_set=hs_codes(hs_path(options))))
    cv.fail_value(pc.invert(known), "hs_code", hs, "is neither TOTAL nor an HS 2022 code")
    yyyymm = cv.text("period_yyyymm") if cv.has("period_yyyymm") else None
    period, start = _period(cv, cv.text("period", required=True), yyyymm)
    n = cv.n
    currency = (pa.repeat(pa.scalar(layout.currency), n) if layout.currency
                else cv.text("currency", upper=True))  # fmt: skip
    reporter_code = cv.country("reporter_country") if cv.has("reporter_country") else None
    partner_code = cv.country("partner_country") if cv.has("partner_country") else None
    source = cv.text("source") if cv.has("source") else None
    return pa.table({
        "reporter": reporter,
        "reporter_country": pc.coalesce(reporter_code, country_codes(reporter))
        if reporter_code is not None else country_codes(reporter),
        "partner": partner,
        "partner_country": pc.coalesce(partner_code, country_codes(partner))
        if partner_code is not None else country_codes(partner),
        "flow": flow, "hs_code": hs, "period": period, "period_start": start,
        "freq": pc.if_else(pc.equal(pc.utf8_length(period), 4), "A", "M"),
        "value": cv.number(col("value"), pa.float64(), required=True),
        "currency": currency,
        "quantity": cv.number("quantity", pa.float64(), lo=0),
        "quantity_unit": cv.text("quantity_unit"),
        "net_mass_kg": cv.number("net_mass_kg", pa.float64(), lo=0),
        "stat_procedure": cv.text("stat_procedure"),
        "source": pc.coalesce(source, pa.scalar(layout.name)) if source is not None
        else pa.repeat(pa.scalar(layout.name), n),
        LINE: cv.lines,
    })  # fmt: skip


def read_flows_csv(path: Path, options: IngestOptions, progress: Progress) -> Iterator[Chunk]:
    header = read_header(path)
    layout = next((x for x in LAYOUTS if x.signature <= set(header)), None)
    if layout is None:
        raise InvalidInputError(f"{path.name}: wrong column set for trade flows "
                                f"({', '.join(header)})")  # fmt: skip
    if layout is GENERIC:
        check_columns(path, header, GENERIC_REQUIRED, GENERIC_OPTIONAL)
    for part in csv_batches(path, progress):
        cv = Converter(part.batch, part.lines)
        table = _convert(cv, layout, options)
        yield Chunk(tables={TRADE_FLOWS.name: table.filter(pc.fill_null(cv.ok, False))},
                    rejects=part.rejects + cv.rejects())  # fmt: skip


COMTRADE_FIELDS = {
    "reporterDesc": "reporter", "reporterISO": "reporter_iso3", "partnerDesc": "partner",
    "partnerISO": "partner_iso3", "flowCode": "flow", "cmdCode": "hs_code", "period": "period",
    "primaryValue": "value", "qty": "quantity", "qtyUnitAbbr": "quantity_unit",
    "netWgt": "net_mass_kg", "customsDesc": "stat_procedure",
}  # fmt: skip


def read_comtrade(path: Path, options: IngestOptions, progress: Progress) -> Iterator[Chunk]:
    """A UN Comtrade+ API response (``{"data": [...]}``); values are in US dollars."""
    with open_input(path, progress) as fh:
        try:
            body = orjson.loads(fh.read())
        except orjson.JSONDecodeError as exc:
            raise InvalidInputError(f"{path.name}: not JSON ({exc})") from exc
    records = body.get("data") if isinstance(body, dict) else None
    if not isinstance(records, list):
        raise InvalidInputError(f"{path.name}: no 'data' list (not a Comtrade+ response)")
    rejects: list[Reject] = []
    columns: dict[str, list[str]] = {v: [] for v in COMTRADE_FIELDS.values()}
    for rec in records:
        for src, dst in COMTRADE_FIELDS.items():
            value = rec.get(src) if isinstance(rec, dict) else None
            columns[dst].append("" if value is None else str(value))
    batch = pa.record_batch({**{k: pa.array(v, pa.string()) for k, v in columns.items()},
                             "currency": pa.repeat(pa.scalar("USD"), len(records))})  # fmt: skip
    # Records have no line numbers in a JSON document: their position (1-based) stands in.
    cv = Converter(batch, pa.array(range(1, len(records) + 1), pa.int64()))
    table = _convert(cv, FlowColumns("comtrade", frozenset(), {}), options)
    codes = {"reporter_country": "reporter_iso3", "partner_country": "partner_iso3"}
    for target, iso3 in codes.items():
        from_iso = country_codes(cv.text(iso3))
        table = table.set_column(table.schema.get_field_index(target), target,
                                 pc.coalesce(from_iso, table[target]))  # fmt: skip
    rejects.extend(cv.rejects())
    yield Chunk(tables={TRADE_FLOWS.name: table.filter(pc.fill_null(cv.ok, False))},
                rejects=rejects)  # fmt: skip
