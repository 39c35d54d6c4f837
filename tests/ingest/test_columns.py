"""The vectorised conversions: fast paths give the results and reasons of the general ones."""

from __future__ import annotations

import re

import pyarrow as pa

from accord.ingest.columns import Converter


def _converter(**columns: list[str | None]) -> Converter:
    batch = pa.record_batch({k: pa.array(v, pa.string()) for k, v in columns.items()})
    return Converter(batch, pa.array(range(2, batch.num_rows + 2), pa.int64()))


def test_country_codes_are_two_ascii_capitals() -> None:
    values = ["de", " AE ", None, "", "D1", "DEU", "é", "ÉS", "Germany", "KZ"]
    cv = _converter(c=values)
    out = cv.country("c").to_pylist()
    reasons = cv.reason.to_pylist()
    for value, got, reason in zip(values, out, reasons, strict=True):
        code = (value or "").strip().upper() or None
        if code is None or re.fullmatch(r"[A-Z]{2}", code):
            assert (got, reason) == (code, None), value
        else:
            assert got is None and reason == (
                f"c: '{code}' is not an ISO 3166 alpha-2 country code"
            ), value


def test_passed_rows() -> None:
    cv = _converter(c=["DE", "AE"])
    table = pa.table({"x": [1, 2]})
    cv.country("c")
    assert cv.passed(table) is table  # every row passed: the table as it is
    cv = _converter(c=["DE", "XYZ"])
    cv.country("c")
    assert cv.passed(table).column("x").to_pylist() == [1]
