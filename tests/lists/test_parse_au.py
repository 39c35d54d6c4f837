"""Australia DFAT parser on the real November 2024 ``regulation8_consolidated.xlsx``.

Expected values were read by hand from the shared file; ../shared/data/lists/SOURCES.md
gives its provenance and verified record counts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from accord.errors import ListParseError
from accord.lists.parsers import parse_file
from accord.lists.parsers.au import REQUIRED
from accord.lists.parsers.base import ParseResult, Record
from accord.lists.registry import get_source
from tests.conftest import require_shared

AU_XLSX = "lists/au/regulation8_consolidated.xlsx"
UK_XLSX = "lists/uk/ConList.xlsx"


@pytest.fixture(scope="module")
def au() -> ParseResult:
    return parse_file(get_source("au"), require_shared(AU_XLSX))


def _record(result: ParseResult, record_id: str) -> Record:
    found = [r for r in result.records if r.record_id == record_id]
    assert len(found) == 1, f"record {record_id}: {len(found)} found"
    return found[0]


# -- whole file ------------------------------------------------------------------------------
@pytest.mark.shared
def test_counts_and_publication_date(au: ParseResult) -> None:
    assert au.file_format == "au_dfat_xlsx"
    assert au.counts() == {"individual": 2316, "entity": 746}
    # No date in the sheet: the newest Control Date (see the parser's docstring).
    assert au.published_at == datetime(2024, 11, 11, tzinfo=UTC)


@pytest.mark.shared
def test_schemas_follow_kinds(au: ParseResult) -> None:
    schemas = {(r.kind, r.main.schema.name) for r in au.records}
    assert schemas == {("individual", "Person"), ("entity", "Organization")}


@pytest.mark.shared
def test_identifiers_from_free_text(au: ParseResult) -> None:
    """Passports and IMO numbers only exist in Additional Information (and one Address)."""
    imo = [r for r in au.records if r.main.get("imoNumber", quiet=True)]
    assert len(imo) == 21
    assert all(r.kind == "entity" for r in imo)
    with_passport = [r for r in au.records if r.main.get("passportNumber", quiet=True)]
    assert len(with_passport) == 257


# -- known records, field by field -----------------------------------------------------------
KNOWN: list[tuple[str, dict[str, list[str]], dict[str, list[str]]]] = [
    (
        # "a) Approximately 1955- 1958 b) Approximately 1945-1950": every year named.
        "2",
        {
            "name": ["MOHAMMAD HASSAN AKHUND"],
            "alias": ["محمد حسن أخوند"],
            "birthDate": ["1945", "1950", "1955", "1958"],
            "birthPlace": ["Pashmul village, Panjwai District, Kandahar Province, Afghanistan"],
            "citizenship": ["af"],
            "address": [],
        },
        {
            "program": ["1988 (Taliban)"],
            "listingDate": ["2014-12-15"],
            "startDate": ["2001-01-25"],
            "authorityId": ["2"],
        },
    ),
    (
        "1246",
        {
            "name": ["SAADI QADHAFI"],
            "birthDate": ["1973-05-27", "1975-01-01"],
            "birthPlace": ["Tripoli, Libya"],
            "passportNumber": ["014797", "524521", "AA862825"],
            "address": ["Libya (in custody)"],
        },
        {
            "program": ["1970 (Libya)"],
            "listingDate": ["2022-02-04"],
            # "Listed on: 26 Feb. 2011" comes after a later travel-ban date in the text.
            "startDate": ["2011-02-26"],
        },
    ),
    (
        "3090",
        {
            "name": ["Tarak Ben Taher Ben Faleh Ouni Harzi"],
            "alias": ["طارق بن الطاھر بن الفالح العوني الحرزي", "Abou Omar Al Tounisi"],
            "birthDate": ["1982-05-03"],
            "citizenship": ["tn"],
            "passportNumber": ["Z050399"],
        },
        {
            "program": ["1267/1989/2253 (ISIL (Da'esh) and Al-Qaida)"],
            "listingDate": ["2022-01-07"],
            "startDate": ["2015-04-10"],
        },
    ),
    (
        "3431",
        {
            "name": ["Chu Hyo'k"],
            "alias": ["Ju Hyok"],
            "birthDate": ["1986-11-23"],
            "citizenship": ["kp"],
            "passportNumber": ["836420186"],
        },
        {"program": ["1718 (DPRK)"], "listingDate": ["2023-07-04"], "startDate": ["2017-12-22"]},
    ),
    (
        # A shipping company: its IMO company number is only in the prose.
        "3164",
        {
            "name": ["CHONGCHONGANG SHIPPING COMPANY"],
            "alias": ["Chong Chon Gang Shipping Co. Ltd.", "Chongchongang Shipping Co LTD"],
            "imoNumber": ["IMO5342883"],
        },
        {"program": ["1718 (DPRK)"], "startDate": ["2016-03-02"]},
    ),
    (
        # The IMO number is in the Address column ("…; Company Number IMO 5434358").
        "3569",
        {"imoNumber": ["IMO5434358"]},
        {"program": ["1718 (DPRK)"]},
    ),
]


@pytest.mark.shared
@pytest.mark.parametrize(("record_id", "main", "sanction"), KNOWN, ids=[k[0] for k in KNOWN])
def test_known_record(
    au: ParseResult, record_id: str, main: dict[str, list[str]], sanction: dict[str, list[str]]
) -> None:
    record = _record(au, record_id)
    assert record.main.id == f"au-{record_id}"
    for prop, expected in main.items():
        assert sorted(record.main.get(prop)) == sorted(expected), prop
    for prop, expected in sanction.items():
        assert sorted(record.entities[1].get(prop)) == sorted(expected), prop


# -- bad input -------------------------------------------------------------------------------
def _row(**values: Any) -> list[Any]:
    return [values.get(column, "") for column in REQUIRED]


def _write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def _parse(path: Path) -> ParseResult:
    return parse_file(get_source("au"), path)


def _person(reference: Any, name_type: str = "Primary Name", **more: Any) -> list[Any]:
    values = {
        "Reference": reference,
        "Name of Individual or Entity": "A PERSON",
        "Type": "individual ",
        "Name Type": name_type,
        "Control Date": date(2024, 1, 2),
    }
    return _row(**(values | more))


def test_small_valid_workbook(tmp_path: Path) -> None:
    path = _write_xlsx(
        tmp_path / "list.xlsx",
        [list(REQUIRED), _person(7), _person("7a", "aka", **{"Name of Individual or Entity": "B"})],
    )
    result = _parse(path)
    assert result.counts() == {"individual": 1}
    assert result.records[0].main.get("alias") == ["B"]
    assert result.published_at == datetime(2024, 1, 2, tzinfo=UTC)


def test_missing_required_column(tmp_path: Path) -> None:
    header = [c for c in REQUIRED if c != "Reference"]
    path = _write_xlsx(tmp_path / "list.xlsx", [header])
    with pytest.raises(ListParseError, match=r"missing required column.*'Reference'") as err:
        _parse(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (_person(8, Type="Aircraft"), "record 8: unknown Type 'Aircraft'"),
        (_person("x12"), "row 2: reference 'x12' is not a DFAT reference"),
    ],
    ids=["unknown-type", "bad-reference"],
)
def test_bad_row(tmp_path: Path, row: list[Any], message: str) -> None:
    path = _write_xlsx(tmp_path / "list.xlsx", [list(REQUIRED), row])
    with pytest.raises(ListParseError, match=message):
        _parse(path)


@pytest.mark.shared
def test_truncated_file(tmp_path: Path) -> None:
    data = require_shared(AU_XLSX).read_bytes()
    path = tmp_path / "regulation8_consolidated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListParseError, match="cannot read as an XLSX workbook") as err:
        _parse(path)
    assert str(path) in str(err.value)


@pytest.mark.shared
def test_wrong_file_uk_list(tmp_path: Path) -> None:
    """The UK workbook's first row is its date line, so the DFAT columns are missing."""
    path = tmp_path / "regulation8_consolidated.xlsx"
    path.write_bytes(require_shared(UK_XLSX).read_bytes())
    with pytest.raises(ListParseError, match=r"missing required column.*wrong file") as err:
        _parse(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "cannot read as an XLSX workbook"),
        (b"\xff\xfe\x00\x81 not a workbook \xc3\x28", "cannot read as an XLSX workbook"),
        (b"Reference,Type\n2,Individual\n", "cannot read as an XLSX workbook"),
    ],
    ids=["empty", "bad-bytes", "csv-text"],
)
def test_bad_input(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "regulation8_consolidated.xlsx"
    path.write_bytes(data)
    with pytest.raises(ListParseError, match=message) as err:
        _parse(path)
    assert str(path) in str(err.value)


def test_empty_sheet(tmp_path: Path) -> None:
    path = _write_xlsx(tmp_path / "list.xlsx", [])
    with pytest.raises(ListParseError, match="empty table"):
        _parse(path)
