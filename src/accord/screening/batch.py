"""Batch input: CSV, JSON lines of queries and FtM JSON lines, read lazily row by row.

A row that is not a valid query becomes a ``BatchRow`` with its line number and the reason;
the batch goes on. Only a file that cannot be opened or has no usable header fails outright.

CSV columns: ``name`` (required), ``schema``, ``birth_date``, ``country``, ``gender``, ``id``
(``KIND:VALUE``), ``id_<kind>`` (``id_imo``, ``id_passport``…) and ``key`` (echoed in the
output). A cell may hold several values separated by ``;``. Other columns are ignored.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

import orjson

from accord.errors import InvalidInputError
from accord.screening.ftm import query_from_ftm
from accord.screening.query import InvalidQueryError, Query
from accord.screening.service import BatchRow

InputFormat = Literal["csv", "jsonl"]
SEPARATOR = ";"


def detect_format(path: Path) -> InputFormat:
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        return "csv"
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    try:
        with path.open("rb") as fh:
            head = fh.read(4096).lstrip()
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return "jsonl" if head.startswith(b"{") else "csv"


def count_lines(path: Path) -> int | None:
    """Lines in the file, for the progress bar (None when it is not a regular file)."""
    if not path.is_file():
        return None
    with path.open("rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def read_batch(path: Path, fmt: InputFormat | None = None) -> Iterator[BatchRow]:
    """Rows of ``path``; opening and checking the header happen before the first row."""
    fmt = fmt or detect_format(path)
    try:
        fh = path.open("rb" if fmt == "jsonl" else "r", **_text_args(fmt))
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if fmt == "csv":
        return _csv_rows(path, fh)
    return _jsonl_rows(fh)


def _text_args(fmt: InputFormat) -> dict[str, Any]:
    return {} if fmt == "jsonl" else {"encoding": "utf-8-sig", "newline": ""}


def _csv_rows(path: Path, fh: IO[str]) -> Iterator[BatchRow]:
    try:
        sample = fh.read(65536)
        fh.seek(0)
    except UnicodeDecodeError:
        fh.close()
        raise InvalidInputError(f"{path}: not UTF-8 text") from None
    try:
        dialect: Any = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(fh, dialect=dialect)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "name" not in header:
        fh.close()
        raise InvalidInputError(f"{path}: the CSV has no 'name' column (columns: {header})")
    reader.fieldnames = header
    return _csv_iter(path, fh, reader)


def _csv_iter(path: Path, fh: IO[str], reader: csv.DictReader[str]) -> Iterator[BatchRow]:
    with fh:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise InvalidInputError(
                    f"{path}: line {reader.line_num + 1} is not UTF-8 text"
                ) from None
            except csv.Error as exc:
                yield BatchRow(reader.line_num, None, None, f"unreadable CSV row: {exc}")
                continue
            key = (row.get("key") or "").strip() or None
            try:
                yield BatchRow(reader.line_num, key, _csv_query(row))
            except InvalidQueryError as exc:
                yield BatchRow(reader.line_num, key, None, str(exc))


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(SEPARATOR) if v.strip()]


def _csv_query(row: dict[str, Any]) -> Query:
    if None in row:
        raise InvalidQueryError("row", "more cells than header columns")
    identifiers: list[dict[str, str]] = []
    for value in _split(row.get("id")):
        kind, sep, ident = value.partition(":")
        if not sep or not ident.strip():
            raise InvalidQueryError("id", f"{value!r} is not KIND:VALUE (imo:9187629)")
        identifiers.append({"kind": kind.strip().lower(), "value": ident.strip()})
    for column, cell in row.items():
        if column.startswith("id_"):
            identifiers.extend({"kind": column[3:], "value": v} for v in _split(cell))
    data: dict[str, Any] = {
        "names": [(row.get("name") or "").strip()],
        "birth_dates": _split(row.get("birth_date")),
        "countries": _split(row.get("country")),
        "identifiers": identifiers,
    }
    if (row.get("schema") or "").strip():
        data["schema"] = row["schema"].strip()
    if (row.get("gender") or "").strip():
        data["gender"] = row["gender"].strip().lower()
    return Query.parse(data)


def _jsonl_rows(fh: IO[bytes]) -> Iterator[BatchRow]:
    with fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                yield BatchRow(line_no, None, None, f"not JSON: {exc}")
                continue
            if not isinstance(data, dict):
                yield BatchRow(line_no, None, None, "expected a JSON object")
                continue
            try:
                yield _json_row(line_no, data)
            except InvalidQueryError as exc:
                yield BatchRow(line_no, _key(data), None, str(exc))


def _key(data: dict[str, Any]) -> str | None:
    key = data.get("key", data.get("id"))
    return str(key) if key is not None else None


def _json_row(line_no: int, data: dict[str, Any]) -> BatchRow:
    if "properties" in data:  # an FtM entity: schema + properties
        return BatchRow(line_no, _key(data), query_from_ftm(data, "entity"))
    fields = {k: v for k, v in data.items() if k != "key"}
    return BatchRow(line_no, _key(data), Query.parse(fields))
