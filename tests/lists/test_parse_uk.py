"""UK OFSI ConList parser on the real April 2025 ``ConList.xlsx`` (and its CSV form).

Expected values were read by hand from the shared file; ../shared/data/lists/SOURCES.md
gives its provenance and verified record counts.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine

from accord.errors import ListParseError
from accord.lists.parsers import parse_file
from accord.lists.parsers.base import ParseResult, Record
from accord.lists.parsers.uk import REQUIRED
from accord.lists.registry import get_source
from tests.conftest import require_shared

UK_XLSX = "lists/uk/ConList.xlsx"
AU_XLSX = "lists/au/regulation8_consolidated.xlsx"


@pytest.fixture(scope="module")
def uk() -> ParseResult:
    return parse_file(get_source("uk"), require_shared(UK_XLSX))


def _record(result: ParseResult, record_id: str) -> Record:
    found = [r for r in result.records if r.record_id == record_id]
    assert len(found) == 1, f"record {record_id}: {len(found)} found"
    return found[0]


# -- whole file ------------------------------------------------------------------------------
@pytest.mark.shared
def test_counts_and_publication_date(uk: ParseResult) -> None:
    assert uk.file_format == "uk_conlist"
    assert uk.counts() == {"individual": 3663, "entity": 1010, "vessel": 15}
    assert uk.published_at == datetime(2025, 4, 14, tzinfo=UTC)


@pytest.mark.shared
def test_schemas_follow_kinds(uk: ParseResult) -> None:
    schemas = {(r.kind, r.main.schema.name) for r in uk.records}
    assert schemas == {("individual", "Person"), ("entity", "Organization"), ("vessel", "Vessel")}
    assert all(r.entities[1].schema.name == "Sanction" for r in uk.records)


@pytest.mark.shared
def test_every_ship_has_its_imo_number(uk: ParseResult) -> None:
    ships = [r for r in uk.records if r.kind == "vessel"]
    assert all(len(r.main.get("imoNumber")) == 1 for r in ships)
    assert all(v.startswith("IMO") and len(v) == 10 for r in ships for v in r.main.get("imoNumber"))


# -- known records, field by field -----------------------------------------------------------
KNOWN: list[tuple[str, dict[str, list[str]], dict[str, list[str]]]] = [
    (
        # Global Human Rights designation with four low-quality spellings of the name.
        "15672",
        {
            "name": ["Mian Abdul HAQ"],
            "firstName": ["Mian"],
            "secondName": ["Abdul"],
            "lastName": ["HAQ"],
            "alias": ["Mian MITHOO", "Mian MITHU", "Mian MITTO", "Mian MITTU"],
            "nationality": ["pk"],
            "gender": ["male"],
            "title": ["Mr"],
            "address": ["Hafizabad Taluka Daharki, District Ghotki, Pakistan"],
        },
        {
            "program": ["Global Human Rights"],
            "listingDate": ["2022-12-09"],
            "authorityId": ["GHR0086"],
            "unscId": [],
        },
    ),
    (
        # Two passports in one cell: "(1) 223611 (2) C00146605".
        "13312",
        {
            "name": ["ABD AL-BASET AZZOUZ"],
            "alias": ["Abdelbassed AZOUZ", "Abdul Baset AZOUZ"],
            "weakAlias": ["AA"],
            "birthDate": ["1966-02-07"],
            "birthPlace": ["Doma, Libya"],
            "nationality": ["ly"],
            "passportNumber": ["223611", "C00146605"],
        },
        {
            "program": ["ISIL (Da'esh) and Al-Qaida"],
            "listingDate": ["2016-02-29"],
            "startDate": ["2016-03-07"],
            "authorityId": ["AQD0089"],
            "unscId": ["QDi.371"],
        },
    ),
    (
        # Two regimes, two UK refs and two UN refs; the UN date of birth is one day off.
        "6995",
        {
            "name": ["Hassan Dahir AWEYS"],
            "birthDate": ["1935"],
            "title": ["Colonel", "Sheikh"],
            "country": ["er", "so"],
        },
        {
            "program": ["ISIL (Da'esh) and Al-Qaida", "Somalia"],
            "listingDate": ["2001-11-09"],
            "authorityId": ["AQD0194", "SOM0003"],
            "unscId": ["QDi.042", "SOi.002"],
        },
    ),
    (
        "13560",
        {
            "name": ["CHU HYO'K"],
            "alias": ["Ju HYOK"],
            "birthDate": ["1986-11-23"],
            "passportNumber": ["836420186"],
            "gender": ["male"],
        },
        {"unscId": ["KPi.065"], "listingDate": ["2017-12-22"], "authorityId": ["DPR0209"]},
    ),
    (
        "13248",
        {
            "name": ["Tarak Ben Taher Ben Faleh OUNI HARZI"],
            "middleName": ["Ben Faleh"],
            "alias": ["طارق بن الطاھر بن الفالح العوني الحرزي"],
            "weakAlias": ["Abou Omar AL TOUNISI"],
            "birthDate": ["1982-05-03"],
            "passportNumber": ["Z050399"],
            "idNumber": ["04711809"],
        },
        {"unscId": ["QDi.354"], "listingDate": ["2015-04-10"]},
    ),
    (
        # A ship: its prose cites the owner's "UN Ref KPe.064", which is not its own.
        "13651",
        {
            "name": ["SAM JONG 2"],
            "imoNumber": ["IMO7408873"],
            "flag": ["kp"],
            "pastFlags": ["ru"],
            "type": ["Oil tanker"],
            "tonnage": ["1676"],
            "buildDate": ["1975"],
        },
        {
            "program": ["Democratic People's Republic of Korea"],
            "listingDate": ["2018-03-30"],
            "authorityId": ["DPR0100"],
            "unscId": [],
        },
    ),
    (
        # No "Primary name" row at all: the first "Primary name variation" becomes the name.
        "16601",
        {"name": ["33RD SCIENTIFIC RESEARCH AND TESTING INSTITUTE"]},
        {"program": ["Chemical Weapons"], "listingDate": ["2024-10-08"]},
    ),
]


@pytest.mark.shared
@pytest.mark.parametrize(("record_id", "main", "sanction"), KNOWN, ids=[k[0] for k in KNOWN])
def test_known_record(
    uk: ParseResult, record_id: str, main: dict[str, list[str]], sanction: dict[str, list[str]]
) -> None:
    record = _record(uk, record_id)
    assert record.main.id == f"uk-{record_id}"
    for prop, expected in main.items():
        assert sorted(record.main.get(prop)) == sorted(expected), prop
    for prop, expected in sanction.items():
        assert sorted(record.entities[1].get(prop)) == sorted(expected), prop


@pytest.mark.shared
def test_weak_alias_is_not_repeated_as_strong(uk: ParseResult) -> None:
    """OFSI gives some spellings both as good and as low-quality aliases of one record."""
    aweys = _record(uk, "6995").main
    assert "Sheikh AWEYS" in aweys.get("alias")
    assert "Sheikh AWEYS" not in aweys.get("weakAlias")


@pytest.mark.shared
def test_csv_form_gives_the_same_entities(uk: ParseResult, tmp_path: Path) -> None:
    workbook = python_calamine.CalamineWorkbook.from_path(str(require_shared(UK_XLSX)))
    path = tmp_path / "ConList.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(workbook.get_sheet_by_name("Data").to_python())
    from_csv = parse_file(get_source("uk"), path)
    assert from_csv.published_at == uk.published_at
    as_dicts = [e.to_dict() for r in uk.records for e in r.entities]
    assert [e.to_dict() for r in from_csv.records for e in r.entities] == as_dicts


# -- bad input -------------------------------------------------------------------------------
HEADER = [*REQUIRED, "Alias Quality", "UK Sanctions List Date Designated", "Last Updated"]


def _row(**values: str) -> list[str]:
    return [values.get(column, "") for column in HEADER]


def _write_xlsx(path: Path, rows: list[list[Any]], sheet: str = "Data") -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def _parse(path: Path) -> ParseResult:
    return parse_file(get_source("uk"), path)


def test_small_valid_workbook(tmp_path: Path) -> None:
    path = _write_xlsx(
        tmp_path / "ConList.xlsx",
        [
            ["Last Updated", "01/02/2025"],
            HEADER,
            _row(
                **{
                    "Name 6": "TEST",
                    "Group Type": "Entity",
                    "Alias Type": "Primary name",
                    "Group ID": "1",
                }
            ),
        ],
    )
    result = _parse(path)
    assert result.counts() == {"entity": 1}
    assert result.published_at == datetime(2025, 2, 1, tzinfo=UTC)


def test_missing_required_column(tmp_path: Path) -> None:
    header = [c for c in HEADER if c != "Group ID"]
    path = _write_xlsx(tmp_path / "ConList.xlsx", [["Last Updated", "01/02/2025"], header])
    with pytest.raises(ListParseError, match=r"missing required column.*'Group ID'") as err:
        _parse(path)
    assert str(path) in str(err.value)


def test_unknown_group_type_names_the_record(tmp_path: Path) -> None:
    row = _row(**{"Name 6": "X", "Group Type": "Aircraft", "Group ID": "99"})
    path = _write_xlsx(tmp_path / "ConList.xlsx", [["Last Updated", "01/02/2025"], HEADER, row])
    with pytest.raises(ListParseError, match="record 99: unknown Group Type 'Aircraft'"):
        _parse(path)


@pytest.mark.shared
def test_truncated_file(tmp_path: Path) -> None:
    data = require_shared(UK_XLSX).read_bytes()
    path = tmp_path / "ConList.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListParseError, match="cannot read as an XLSX workbook") as err:
        _parse(path)
    assert str(path) in str(err.value)


@pytest.mark.shared
def test_wrong_file_australian_list(tmp_path: Path) -> None:
    path = tmp_path / "ConList.xlsx"
    path.write_bytes(require_shared(AU_XLSX).read_bytes())
    with pytest.raises(ListParseError, match=r"no sheet 'Data'.*wrong file") as err:
        _parse(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("ConList.xlsx", b"", "cannot read as an XLSX workbook"),
        ("ConList.xlsx", b"\xff\xfe\x00\x81 not a workbook \xc3\x28", "cannot read as an XLSX"),
        ("ConList.csv", b"", "empty table"),
        ("ConList.csv", b"Last Updated,01/02/2025\nName 6\xff\xfe,Group ID\n", "not UTF-8"),
        ("ConList.csv", b"Last Updated,01/02/2025\nName 6,Group ID\n", "missing required"),
    ],
    ids=["empty-xlsx", "bad-bytes-xlsx", "empty-csv", "bad-encoding-csv", "csv-columns"],
)
def test_bad_input(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ListParseError, match=message) as err:
        _parse(path)
    assert str(path) in str(err.value)
