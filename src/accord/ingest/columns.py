"""Vectorised conversion of text columns to typed ones, with a reason for every bad row.

Readers read every column as text (a typed CSV reader aborts the whole file on one bad value),
then convert here with pyarrow compute: one pass per column over a whole batch, no per-row Python.
Arrow's casts are all-or-nothing, so a batch holding a bad value falls back to converting that
column value by value — only the batches with bad data pay for it.
"""

from __future__ import annotations

import csv
import io
import re
import string
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from followthemoney.types import registry

from accord.ingest.base import Reject

#: pyarrow ships no type information: arrays are ``Any`` to mypy; the alias documents intent.
Array: TypeAlias = Any

_INT = r"^[+-]?\d{1,18}$"
_FLOAT = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_ISO_ZONED = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$"
_ISO_NAIVE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"
_COUNTRY = r"^[A-Z]{2}$"
#: Every string ``_COUNTRY`` matches.
_COUNTRY_CODES = pa.array([a + b for a in string.ascii_uppercase for b in string.ascii_uppercase])
_BIC = r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$"
UTC_TS = pa.timestamp("us", tz="UTC")
NOT_A_VALUE = ("None", "none", "NULL", "null", "NaN", "nan", "N/A", "n/a")


def _null_of(t: pa.DataType) -> pa.Scalar:
    return pa.scalar(None, t)


def safe_cast(values: Array, to: pa.DataType) -> tuple[Array, Array]:
    """``values`` cast to ``to``, and a mask of the non-null inputs that could not be cast."""
    try:
        out = pc.cast(values, to)
        return out, pa.repeat(pa.scalar(False), len(values))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    cast: list[object] = []
    bad: list[bool] = []
    for v in values.to_pylist():
        if v is None:
            cast.append(None)
            bad.append(False)
            continue
        try:
            cast.append(pc.cast(pa.array([v], type=values.type), to)[0].as_py())
            bad.append(False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            cast.append(None)
            bad.append(True)
    return pa.array(cast, type=to), pa.array(bad)


class Converter:
    """Converts the text columns of one batch; collects the first reason each row fails."""

    def __init__(self, batch: pa.RecordBatch | pa.Table, lines: Array) -> None:
        self.batch = batch
        self.lines = lines
        self.n = batch.num_rows
        self.reason: Array = pa.nulls(self.n, pa.string())
        self._raw: dict[str, Array] = {}

    # --- reasons -------------------------------------------------------------------------------

    def fail(self, mask: Array, message: str | Array) -> None:
        """Give ``message`` to rows where ``mask`` is true and that have no reason yet."""
        if not _any(mask):  # the common case: a clean column costs one pass, not three
            return
        mask = pc.and_(pc.fill_null(mask, False), pc.is_null(self.reason))
        self.reason = pc.if_else(mask, message, self.reason)

    def fail_value(self, mask: Array, column: str, raw: Array, problem: str) -> None:
        """A reason naming the column and quoting the offending value."""
        if not _any(mask):
            return
        quoted = pc.binary_join_element_wise(
            f"{column}: '", pc.fill_null(raw, ""), f"' {problem}", ""
        )
        self.fail(mask, quoted)

    @property
    def ok(self) -> Array:
        return pc.is_null(self.reason)

    def passed(self, table: pa.Table) -> pa.Table:
        """The rows of ``table`` (one per batch row) that did not fail; no copy when none did."""
        if self.reason.null_count == self.n:
            return table
        return table.filter(pc.fill_null(self.ok, False))

    # --- raw access ------------------------------------------------------------------------------

    def has(self, column: str) -> bool:
        return column in self.batch.schema.names

    def raw(self, column: str) -> Array:
        """The column's text, trimmed, with empty values as null (absent columns: all null)."""
        if not self.has(column):
            return pa.nulls(self.n, pa.string())
        cached = self._raw.get(column)
        if cached is None:
            col = pc.utf8_trim_whitespace(self.batch.column(column))
            empty = pc.equal(col, "")
            cached = pc.if_else(empty, _null_of(pa.string()), col) if _any(empty) else col
            self._raw[column] = cached
        return cached

    # --- conversions ---------------------------------------------------------------------------

    def text(self, column: str, *, required: bool = False, upper: bool = False) -> Array:
        values = self.raw(column)
        if upper:
            values = pc.utf8_upper(values)
        if required:
            self.fail(pc.is_null(values), f"{column}: required value missing")
        return values

    def _pattern(self, column: str, values: Array, pattern: str, problem: str) -> Array:
        if values.null_count == len(values):  # an absent or empty column: nothing to check
            return values
        return self._valid(column, values, pc.match_substring_regex(values, pattern), problem)

    def _valid(self, column: str, values: Array, good: Array, problem: str) -> Array:
        """``values`` where ``good``; the others fail with ``problem`` and become null."""
        bad = pc.invert(good)
        if not _any(bad):  # the common case: the column as it is, no copy
            return values
        self.fail_value(bad, column, values, problem)
        return pc.if_else(good, values, _null_of(pa.string()))

    def number(
        self,
        column: str,
        to: pa.DataType,
        *,
        required: bool = False,
        lo: float | None = None,
        hi: float | None = None,
        missing: Sequence[str] = (),
    ) -> Array:
        """Integers, floats or decimals; ``missing`` lists sentinels that mean "not available"."""
        fast = self._clean_number(column, to, required=required, missing=missing)
        if fast is not None:
            raw, out = fast
            return self._in_range(column, raw, out, to, lo, hi)
        raw = self.text(column)
        if missing:
            raw = pc.if_else(pc.is_in(raw, pa.array(missing)), _null_of(pa.string()), raw)
        if required:
            self.fail(pc.is_null(raw), f"{column}: required value missing")
        try:  # fast path: a clean column casts in one vectorised pass
            out = pc.cast(raw, to)
            if pa.types.is_floating(to):  # Arrow casts "nan" and "inf": not numbers here
                out = pc.if_else(pc.is_finite(out), out, _null_of(to))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            # Exports spell "no value" in many ways; none of these can be a number anyway.
            raw = pc.if_else(pc.is_in(raw, pa.array(NOT_A_VALUE)), _null_of(pa.string()), raw)
            pattern = _INT if pa.types.is_integer(to) else _FLOAT
            if pa.types.is_decimal(to):
                pattern = r"^[+-]?\d{1,18}(\.\d{1,5})?$"
            values = self._pattern(column, raw, pattern, "is not a number")
            out, bad = safe_cast(values, to)
            self.fail_value(bad, column, raw, "is not a number")
        return self._in_range(column, raw, out, to, lo, hi)

    def _clean_number(
        self, column: str, to: pa.DataType, *, required: bool, missing: Sequence[str]
    ) -> tuple[Array, Array] | None:
        """The common case in one cast: a column read with empty cells as nulls whose every
        value is a plain number (a value with spaces, a sentinel word, an empty string from a
        spreadsheet: None, and ``number`` takes the general path)."""
        if not self.has(column):
            return None
        raw = self.batch.column(column)
        try:
            out = pc.cast(raw, to)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        if missing:
            sentinel = pc.is_in(raw, pa.array(missing))
            if _any(sentinel):
                raw = pc.if_else(sentinel, _null_of(pa.string()), raw)
                out = pc.if_else(sentinel, _null_of(to), out)
        if pa.types.is_floating(to):  # Arrow casts "nan" and "inf": not numbers here
            finite = pc.is_finite(out)
            if not pc.all(finite).as_py():
                out = pc.if_else(finite, out, _null_of(to))
        if required:
            self.fail(pc.is_null(raw), f"{column}: required value missing")
        return raw, out

    def _in_range(
        self, column: str, raw: Array, out: Array, to: pa.DataType, lo: float | None,
        hi: float | None,
    ) -> Array:  # fmt: skip
        if lo is not None or hi is not None:
            outside = pc.or_(
                pc.less(out, lo) if lo is not None else pa.repeat(pa.scalar(False), self.n),
                pc.greater(out, hi) if hi is not None else pa.repeat(pa.scalar(False), self.n),
            )
            if _any(outside):
                self.fail_value(outside, column, raw, f"is outside {lo}..{hi}")
                out = pc.if_else(outside, _null_of(to), out)
        return out

    def date(self, column: str, *, required: bool = False) -> Array:
        """ISO dates ``YYYY-MM-DD`` (a calendar date has no zone)."""
        raw = self.text(column, required=required)
        out, bad = safe_cast(raw, pa.date32())
        self.fail_value(bad, column, raw, "is not a date (YYYY-MM-DD)")
        return out

    def timestamp(
        self,
        column: str,
        *,
        required: bool = False,
        fmt: str | None = None,
        zone: str | None = None,
    ) -> Array:
        """Timestamps to UTC.

        Without ``fmt``: ISO 8601 with a zone (``Z`` or ``±HH:MM``); zone-less values are rejected
        unless ``zone`` says which zone they are in. With ``fmt`` (strptime), values carry no zone
        and ``zone`` must be given by the format's definition or by the user.
        """
        raw = self.text(column, required=required)
        if fmt is None:
            fast = self._iso_fast(raw, zone)
            if fast is not None:
                return fast
            naive = pc.match_substring_regex(raw, _ISO_NAIVE)
            if zone is None:
                self.fail_value(naive, column, raw, "has no time zone (give --assume-timezone)")
                zoned = raw
            else:
                local, bad_local = safe_cast(pc.if_else(naive, raw, None), pa.timestamp("us"))
                self.fail_value(bad_local, column, raw, "is not a valid timestamp")
                zoned = pc.if_else(naive, _null_of(pa.string()), raw)
            bad_form = pc.and_(
                pc.invert(naive), pc.invert(pc.match_substring_regex(raw, _ISO_ZONED))
            )
            self.fail_value(bad_form, column, raw, "is not an ISO 8601 timestamp")
            out, bad = safe_cast(pc.if_else(bad_form, None, zoned), UTC_TS)
            self.fail_value(bad, column, raw, "is not a valid timestamp")
            if zone is not None:
                shifted = pc.assume_timezone(
                    local, zone, ambiguous="earliest", nonexistent="earliest"
                )
                out = pc.if_else(naive, pc.cast(shifted, UTC_TS), out)
            return out
        if zone is None:
            self.fail(
                pc.is_valid(raw), f"{column}: this format has no time zone (give --assume-timezone)"
            )
            return pa.nulls(self.n, UTC_TS)
        parsed = pc.strptime(raw, format=fmt, unit="us", error_is_null=True)
        # Arrow's strptime rolls 30 February over to 2 March: a round trip catches that.
        # (Formatted at second resolution: Arrow's %S prints fractions at finer units.)
        exact = pc.equal(
            pc.strftime(pc.cast(parsed, pa.timestamp("s"), safe=False), format=fmt), raw
        )
        bad = pc.and_(pc.is_valid(raw), pc.invert(pc.fill_null(exact, False)))
        self.fail_value(bad, column, raw, f"does not match the format {fmt}")
        local = pc.if_else(bad, _null_of(pa.timestamp("us")), parsed)
        return pc.cast(
            pc.assume_timezone(local, zone, ambiguous="earliest", nonexistent="earliest"), UTC_TS
        )

    def _iso_fast(self, raw: Array, zone: str | None) -> Array | None:
        """A column whose every value is well-formed, in one regex pass and one cast; else None."""
        form = _ISO_ZONED if zone is None else _ISO_NAIVE
        if not pc.all(pc.match_substring_regex(raw, form)).as_py():
            return None
        try:
            if zone is None:
                return pc.cast(raw, UTC_TS)
            local = pc.cast(raw, pa.timestamp("us"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        if zone == "UTC":  # Arrow reads a zone-less timestamp as UTC: no conversion needed
            return pc.cast(local, UTC_TS)
        shifted = pc.assume_timezone(local, zone, ambiguous="earliest", nonexistent="earliest")
        return pc.cast(shifted, UTC_TS)

    def choice(self, column: str, allowed: Iterable[str], *, required: bool = False) -> Array:
        """A value from a closed list, compared in lower case."""
        allowed = sorted(allowed)
        values = pc.utf8_lower(self.text(column, required=required))
        bad = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, pa.array(allowed))))
        self.fail_value(bad, column, values, f"is not one of {', '.join(allowed)}")
        return values

    def country(self, column: str, *, required: bool = False) -> Array:
        """ISO 3166-1 alpha-2 country codes (upper-cased)."""
        values = self.text(column, required=required, upper=True)
        if values.null_count == len(values):
            return values
        # A set lookup: the same test as the regex ``^[A-Z]{2}$``, at a third of its cost
        # (a missing value is not a bad one).
        good = pc.or_(pc.is_in(values, value_set=_COUNTRY_CODES), pc.is_null(values))
        return self._valid(column, values, good, "is not an ISO 3166 alpha-2 country code")

    def countries(self, column: str) -> Array:
        """A ``;``-separated list of country codes."""
        values = self.text(column, upper=True)
        if values.null_count == len(values):  # an absent or empty column
            return pa.nulls(self.n, pa.list_(pa.string()))
        parts = pc.split_pattern_regex(values, r"\s*[;,]\s*")
        bad_flat = pc.invert(pc.match_substring_regex(pc.list_flatten(parts), _COUNTRY))
        bad_rows = pc.filter(pc.list_parent_indices(parts), bad_flat)
        if len(bad_rows) == 0:
            return parts
        bad = pc.is_in(pa.array(np.arange(self.n)), value_set=bad_rows.cast(pa.int64()))
        self.fail_value(bad, column, values, "holds a value that is not an ISO 3166 alpha-2 code")
        return parts

    def bic(self, column: str) -> Array:
        values = self.text(column, upper=True)
        return self._pattern(column, values, _BIC, "is not a BIC")

    def imo(self, column: str, *, required: bool = False, strip_prefix: bool = False) -> Array:
        """IMO ship numbers: 7 digits whose last is the check digit."""
        values = self.text(column, required=required, upper=True)
        if strip_prefix:
            values = pc.replace_substring_regex(values, r"^IMO\s*", "")
        values = self._pattern(column, values, r"^\d{7}$", "is not a 7-digit IMO number")
        if values.null_count == len(values):
            return pa.nulls(self.n, pa.int64())
        numbers = pc.cast(values, pa.int64())
        good = imo_check(numbers)
        bad = pc.and_(pc.is_valid(numbers), pc.invert(good))
        self.fail_value(bad, column, values, "fails the IMO check digit")
        return pc.if_else(good, numbers, _null_of(pa.int64()))

    # --- splitting -----------------------------------------------------------------------------

    def rejects(self, columns: Sequence[str] | None = None) -> list[Reject]:
        """The failed rows as rejects, the record re-serialised as CSV."""
        bad = pc.invert(self.ok)
        if not pc.any(bad).as_py():
            return []
        rows = self.batch.filter(bad)
        names = list(columns or rows.schema.names)
        reasons = pc.filter(self.reason, bad).to_pylist()
        lines = pc.filter(self.lines, bad).to_pylist()
        values = [rows.column(n).to_pylist() for n in names if n in rows.schema.names]
        return [
            Reject(line, reason, to_csv_line(list(vals)))
            for line, reason, *vals in zip(lines, reasons, *values, strict=True)
        ]


def _any(mask: Array) -> bool:
    return bool(pc.any(mask).as_py())


def imo_check(numbers: Array) -> Array:
    """True where a 7-digit IMO number's check digit is right (weights 7..2 on the first six)."""
    total = pa.repeat(pa.scalar(0, pa.int64()), len(numbers))
    for position, weight in enumerate(range(7, 1, -1)):
        digit = pc.remainder(pc.divide(numbers, 10 ** (6 - position)), 10)
        total = pc.add(total, pc.multiply(digit, weight))
    return pc.fill_null(pc.equal(pc.remainder(total, 10), pc.remainder(numbers, 10)), False)


@lru_cache(maxsize=8192)
def _country(name: str) -> str | None:
    code = registry.country.clean_text(name)
    return code.upper() if code else None


def country_codes(names: Array) -> Array:
    """ISO codes for country names (FtM's multilingual table), looked up once per distinct name."""
    distinct = pc.unique(names).to_pylist()
    codes = [None if n is None else _country(n) for n in distinct]
    index = pc.index_in(names, value_set=pa.array(distinct, pa.string()))
    return pc.take(pa.array(codes, pa.string()), index)


def to_csv_line(values: Sequence[object]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(["" if v is None else v for v in values])
    return buf.getvalue()


def normalise_header(name: str) -> str:
    """Header names compared loosely: case, spaces and punctuation do not matter."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lstrip("\ufeff").lower()).strip("_")
