"""Bad list files never touch the stored versions: each gives a clear error naming the file.

Built from the real files: a served UN version first, then broken inputs for several formats.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from accord.errors import ListParseError
from accord.lists import queries
from accord.lists.ingest import ingest_file
from accord.store.db import Store
from accord.store.models import ListChange, ListEntity, ListVersion
from tests.conftest import require_shared


def _truncated(src: Path, dst: Path) -> None:
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) // 2])


def _bad_encoding(src: Path, dst: Path) -> None:
    data = bytearray(src.read_bytes()[:200_000])
    data[150_000:150_004] = b"\xff\xfe\xfa\xfb"
    dst.write_bytes(bytes(data))


def _empty(_src: Path, dst: Path) -> None:
    dst.write_bytes(b"")


def _eu_as_un(_src: Path, dst: Path) -> None:
    eu = require_shared("lists/eu/20240513-FULL-1_1(xsd).xml.gz")
    dst.write_bytes(gzip.decompress(eu.read_bytes()))


def _csv_as_un(_src: Path, dst: Path) -> None:
    dst.write_bytes(require_shared("lists/ofac_sdn/sdn.csv").read_bytes()[:5000])


BREAKERS: dict[str, Callable[[Path, Path], None]] = {
    "truncated": _truncated,
    "bad-encoding": _bad_encoding,
    "empty": _empty,
    "eu-file-as-un": _eu_as_un,
    "csv-as-un": _csv_as_un,
}


def _snapshot(store: Store) -> tuple[int, int, int]:
    with store.reader() as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(t)) or 0
            for t in (ListVersion, ListEntity, ListChange)
        )


@pytest.mark.parametrize("breaker", sorted(BREAKERS))
def test_broken_un_file(store_url: str, tmp_path: Path, breaker: str) -> None:
    good = require_shared("lists/un/un_consolidated.xml")
    store = Store(store_url)
    served = ingest_file(store, "un", good)
    before = _snapshot(store)
    bad = tmp_path / f"{breaker}.xml"
    BREAKERS[breaker](good, bad)
    with pytest.raises(ListParseError) as err:
        ingest_file(store, "un", bad)
    assert str(bad) in str(err.value)
    assert _snapshot(store) == before
    with store.reader() as s:
        status = {r.list_id: r for r in queries.list_statuses(s)}["un"]
    assert status.serving_version == served.version_id
    assert status.state == "stale"
    store.dispose()


def test_xlsx_missing_column(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    good = require_shared("lists/uk/ConList.xlsx")
    store = Store(f"sqlite:///{tmp_path / 'uk.db'}")
    served = ingest_file(store, "uk", good)
    before = _snapshot(store)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["Last Updated", "14/04/2025"])
    sheet.append(["Name 6", "Name 1", "DOB", "Group Type", "Regime"])  # no Group ID column
    sheet.append(["SMITH", "John", "01/01/1970", "Individual", "Russia"])
    bad = tmp_path / "ConList.xlsx"
    book.save(bad)
    with pytest.raises(ListParseError, match="Group ID") as err:
        ingest_file(store, "uk", bad)
    assert str(bad) in str(err.value)
    assert _snapshot(store) == before
    with store.reader() as s:
        status = {r.list_id: r for r in queries.list_statuses(s)}["uk"]
    assert status.serving_version == served.version_id
