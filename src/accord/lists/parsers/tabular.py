"""Reading the spreadsheet lists (XLSX via python-calamine, and the same tables as CSV).

Both readers return a ``Table``: the rows above the header (some lists put their date
there), the header, and the data rows as dicts keyed by column name. Every failure (not
a workbook, truncated zip, missing sheet, missing columns, bad encoding) becomes a
``ListParseError`` naming the file. ``Facts`` gathers one record's values across its rows.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import python_calamine
from followthemoney.proxy import EntityProxy

from accord.lists.parsers.base import ListContext

Cell = str | int | float | bool | date | datetime | time | timedelta | None


@dataclass
class Table:
    preamble: list[list[Cell]]
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, Cell]]]
    """Data rows as (1-based row number in the file, values by column name); blank rows skipped."""


def cell_text(value: Cell) -> str:
    """A cell as stripped text; whole floats lose their ``.0`` (Excel stores 2 as 2.0)."""
    # Most cells are text: test that first (this runs for every cell of every row).
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _blank(row: Sequence[Cell]) -> bool:
    return all(cell_text(c) == "" for c in row)


def _build(
    ctx: ListContext,
    raw_rows: Iterator[tuple[int, Sequence[Cell]]],
    header_row: int,
    required: Iterable[str],
) -> Table:
    preamble: list[list[Cell]] = []
    header: Sequence[Cell] | None = None
    for number, raw in raw_rows:
        if number < header_row:
            preamble.append(list(raw))
            continue
        header = raw
        break
    if header is None:
        raise ctx.error(f"empty table: no header row {header_row}")
    columns = [cell_text(c) for c in header]
    index: dict[str, int] = {}
    for i, name in enumerate(columns):
        if name:
            index.setdefault(name, i)
    missing = [c for c in required if c not in index]
    if missing:
        raise ctx.error(
            f"missing required column(s) {', '.join(repr(c) for c in missing)} in header row "
            f"{header_row} (found: {', '.join(repr(c) for c in columns if c) or 'nothing'}); "
            f"wrong file for format {ctx.file_format}?"
        )

    def rows() -> Iterator[tuple[int, dict[str, Cell]]]:
        for number, raw in raw_rows:
            if _blank(raw):
                continue
            width = len(raw)
            yield number, {name: raw[i] if i < width else None for name, i in index.items()}

    return Table(preamble=preamble, columns=columns, rows=rows())


def read_xlsx_rows(
    path: Path,
    ctx: ListContext,
    *,
    sheet: str | None,
    header_row: int,
    required: Iterable[str],
) -> Table:
    """Rows of one sheet (by name, or the first sheet when ``sheet`` is None).

    ``header_row`` is the 1-based row number as Excel shows it; calamine drops blank leading
    rows, so row numbers are rebuilt from the sheet's first used row.
    """
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        if sheet is not None and sheet not in names:
            raise ctx.error(
                f"no sheet {sheet!r} (sheets: {', '.join(map(repr, names))}): "
                f"wrong file for format {ctx.file_format}"
            )
        if not names:
            raise ctx.error("workbook has no sheets")
        data = workbook.get_sheet_by_name(sheet or names[0])
        start = data.start
        first_row = start[0] + 1 if start else 1
        # calamine holds the sheet in memory already; listing it keeps its errors in here.
        raw = list(data.iter_rows())
    except (python_calamine.CalamineError, OSError, ValueError) as exc:
        raise ctx.error(f"cannot read as an XLSX workbook: {exc}") from exc
    numbered = ((first_row + i, row) for i, row in enumerate(raw))
    return _build(ctx, numbered, header_row, required)


def read_csv_rows(
    path: Path, ctx: ListContext, *, header_row: int, required: Iterable[str]
) -> Table:
    """Rows of a UTF-8 CSV file (a byte-order mark is allowed); other encodings are refused.

    Row numbers count CSV records, not physical lines.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ctx.error(f"cannot read file: {exc}") from exc
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ctx.error(
            f"not UTF-8 text: invalid byte 0x{data[exc.start]:02x} at offset {exc.start}"
        ) from exc
    if "\x00" in decoded:
        raise ctx.error("binary data in a CSV file: wrong file for this format")
    try:
        # newline="" keeps line breaks inside quoted cells (OFSI's Other Information has them).
        parsed = list(csv.reader(io.StringIO(decoded, newline="")))
    except csv.Error as exc:
        raise ctx.error(f"malformed CSV: {exc}") from exc
    numbered: Iterator[tuple[int, Sequence[Cell]]] = (
        (i, list(row)) for i, row in enumerate(parsed, start=1)
    )
    return _build(ctx, numbered, header_row, required)


# Identifier kinds must never be dropped: when a schema lacks the property (a passport on
# a Vessel), the value is kept in notes with its kind.
_IDENTIFIERS = {"passportNumber", "idNumber", "registrationNumber", "taxNumber", "imoNumber"}


class Facts:
    """Values gathered from the many rows of one record, added once each at the end.

    Spreadsheet lists repeat a record's facts on every name row; gathering them first keeps
    FtM cleaning (and its warnings) to one call per distinct value.
    """

    def __init__(self) -> None:
        self._values: dict[str, dict[str, None]] = {}

    def put(self, prop: str, values: str | Iterable[str | None] | None) -> None:
        if not values:
            return
        bucket = self._values.setdefault(prop, {})
        for value in [values] if isinstance(values, str) else values:
            if value and value.strip():
                bucket[value.strip()] = None

    def drop(self, prop: str, values: Iterable[str]) -> None:
        bucket = self._values.get(prop, {})
        for value in values:
            bucket.pop(value, None)

    def get(self, prop: str) -> list[str]:
        return list(self._values.get(prop, ()))

    def apply(self, ctx: ListContext, entity: EntityProxy, record: str) -> None:
        """Add every gathered value; properties the schema lacks are skipped, identifiers
        among them go to notes with their kind."""
        for prop, bucket in self._values.items():
            values = list(bucket)
            if entity.schema.get(prop) is not None:
                ctx.add(entity, prop, values, record=record)
            elif prop in _IDENTIFIERS:
                ctx.add(entity, "notes", [f"{prop}: {v}" for v in values], record=record)
