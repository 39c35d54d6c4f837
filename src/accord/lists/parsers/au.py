"""Australia DFAT Consolidated List (``regulation8_consolidated.xlsx``).

One row per name: reference ``2`` is the primary name of record 2, ``2a``, ``2b``… its other
names, so the digits of the reference are the record id. Rows repeat the record's facts.
The ``Type`` and ``Name Type`` columns vary in case and trailing spaces. Passport and IMO
numbers are only given in the free-text ``Additional Information`` (IMO sometimes in
``Address``), so they are extracted from there; the text itself is kept in ``notes``.

Vessels: DFAT has no vessel type. Every IMO number in the November 2024 file (21) belongs
to a shipping company: the records are owners and managers, several numbers are marked
"(Company)", and 20 of the 21 fail the check digit that ship IMO numbers carry. So every
non-individual record stays ``Organization`` (kind "entity") with the company ``imoNumber``.

Publication date: the sheet carries no date. The workbook's docProps "modified" time
changes whenever anyone re-saves the file, so the list's own newest ``Control Date``
(the date DFAT last changed any entry) is used instead, at midnight UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from followthemoney.types import registry

from accord.lists.parsers.base import ListContext
from accord.lists.parsers.freetext import (
    find_dates,
    find_imo_numbers,
    find_passport_numbers,
    first_full_date,
    split_numbered,
)
from accord.lists.parsers.tabular import Cell, Facts, cell_text, read_xlsx_rows

HEADER_ROW = 1
REQUIRED = (
    "Reference",
    "Name of Individual or Entity",
    "Type",
    "Name Type",
    "Date of Birth",
    "Place of Birth",
    "Citizenship",
    "Address",
    "Additional Information",
    "Listing Information",
    "Committees",
    "Control Date",
)
TYPES = {"individual": ("individual", "Person"), "entity": ("entity", "Organization")}
NAME_TYPES = {
    "primary name": "name",
    "aka": "alias",
    "original script": "alias",
    "formerly known as": "previousName",
    "previously listed as": "previousName",
}
_REFERENCE = re.compile(r"(\d+)\s*[a-z]{0,3}\d{0,2}", re.IGNORECASE)
# DFAT writes "NA", "na", "N/A" or "-" for facts it does not have.
_MISSING = {"", "na", "n/a", "-", "none", "unknown"}
# Lists of citizenships: "a) Russian b) USSR", "Russian; German", "Australia and Egypt".
_CITIZENSHIP_SEPARATORS = re.compile(r"\s*(?:;|,|/|\band\b)\s*")


class _Record:
    def __init__(self, kind: str, schema: str) -> None:
        self.kind = kind
        self.schema = schema
        self.facts = Facts()
        self.has_primary = False
        self.programs: dict[str, None] = {}
        self.control_dates: list[date] = []
        self.listing_info: dict[str, None] = {}


def parse(path: Path, ctx: ListContext) -> None:
    table = read_xlsx_rows(path, ctx, sheet=None, header_row=HEADER_ROW, required=REQUIRED)
    records: dict[str, _Record] = {}
    for number, row in table.rows:
        reference = cell_text(row["Reference"])
        match = _REFERENCE.fullmatch(reference)
        if not match:
            raise ctx.error(f"row {number}: reference {reference!r} is not a DFAT reference")
        record_id = match.group(1)
        record = records.get(record_id)
        if record is None:
            record = records[record_id] = _new_record(ctx, record_id, row)
        _gather_row(ctx, record, record_id, reference, row)
    control_dates = [d for record in records.values() for d in record.control_dates]
    if control_dates:
        newest = max(control_dates)
        ctx.published_at = datetime(newest.year, newest.month, newest.day, tzinfo=UTC)
    for record_id, record in records.items():
        _emit(ctx, record_id, record)


def _new_record(ctx: ListContext, record_id: str, row: dict[str, Cell]) -> _Record:
    type_ = cell_text(row["Type"]).lower()
    if type_ not in TYPES:
        raise ctx.error(f"unknown Type {cell_text(row['Type'])!r}", record_id)
    return _Record(*TYPES[type_])


def _present(value: Cell) -> str | None:
    text = cell_text(value)
    return None if text.lower() in _MISSING else text


def _citizenships(value: str | None) -> list[str]:
    """ "a) Russian b) USSR", "Russian; German", "Australia and Egypt" → one value each;
    a country whose own name has "and" in it (Bosnia and Herzegovina) is kept whole."""
    found: list[str] = []
    for item in split_numbered(value):
        if registry.country.clean(item) is not None:
            found.append(item)
        else:
            found.extend(_CITIZENSHIP_SEPARATORS.split(item))
    return found


def _gather_row(
    ctx: ListContext, record: _Record, record_id: str, reference: str, row: dict[str, Cell]
) -> None:
    facts = record.facts
    if cell_text(row["Type"]).lower() != record.kind:
        ctx.warnings.append(f"record {record_id}: row {reference} has another Type; ignored")
    name = cell_text(row["Name of Individual or Entity"])
    name_type = cell_text(row["Name Type"]).lower()
    prop = NAME_TYPES.get(name_type)
    if prop is None:
        ctx.warnings.append(f"record {record_id}: unknown Name Type {name_type!r}; kept as alias")
        prop = "alias"
    if prop == "name":
        record.has_primary = True
    facts.put(prop, name)

    birth = row["Date of Birth"]
    if isinstance(birth, date):
        facts.put("birthDate", (birth.date() if isinstance(birth, datetime) else birth).isoformat())
    elif (text := _present(birth)) is not None:
        dates = find_dates(text)
        facts.put("birthDate", dates)
        if not dates:
            facts.put("notes", f"Date of birth: {text}")
    facts.put("birthPlace", split_numbered(_present(row["Place of Birth"])))
    facts.put("citizenship", _citizenships(_present(row["Citizenship"])))
    address = _present(row["Address"])
    facts.put("address", [a for item in split_numbered(address) for a in item.split(";")])
    info = cell_text(row["Additional Information"])
    facts.put("notes", info)
    if record.schema == "Person":
        facts.put("passportNumber", find_passport_numbers(info))
    facts.put("imoNumber", find_imo_numbers(f"{info}\n{address or ''}"))

    program = cell_text(row["Committees"])
    if program:
        record.programs[program] = None
    listing = cell_text(row["Listing Information"])
    if listing:
        record.listing_info[listing] = None
    control = row["Control Date"]
    if isinstance(control, datetime):
        record.control_dates.append(control.date())
    elif isinstance(control, date):
        record.control_dates.append(control)
    elif (day := first_full_date(cell_text(control))) is not None:
        record.control_dates.append(date.fromisoformat(day))


def _emit(ctx: ListContext, record_id: str, record: _Record) -> None:
    entity = ctx.make(record.schema, record_id)
    names = record.facts.get("name")
    if not record.has_primary:
        # Fall back to the record's first name so the record is not lost.
        first = (record.facts.get("alias") or record.facts.get("previousName"))[:1]
        ctx.warnings.append(f"record {record_id}: no primary name; using {first}")
        record.facts.put("name", first)
        names = first
    # An alias that repeats the name adds nothing.
    record.facts.drop("alias", names)
    record.facts.apply(ctx, entity, record_id)
    listing = list(record.listing_info)
    sanction = ctx.sanction(
        entity,
        record_id,
        program=list(record.programs),
        # Control Date is what DFAT publishes per row; the earliest one is the closest to the
        # listing. The designation date written in Listing Information becomes the start date.
        listing_date=min(record.control_dates) if record.control_dates else None,
    )
    # The earliest day written there: some texts name the travel ban before the earlier
    # "Listed on" date, and amendments always come later.
    days = [d for text in listing for d in find_dates(text) if len(d) == 10]
    ctx.add(sanction, "startDate", min(days) if days else None, record=record_id)
    ctx.add(sanction, "summary", listing, record=record_id)
    ctx.emit(record_id, record.kind, [entity, sanction])
