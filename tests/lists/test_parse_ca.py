"""Canada SEMA parser on the real (April 2020) ``sema-lmes.xml``.

Expected values were read by hand from the shared file; ../shared/data/lists/SOURCES.md
gives its provenance and verified record counts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.errors import ListParseError
from accord.lists.parsers import parse_file
from accord.lists.parsers.base import ParseResult, Record
from accord.lists.parsers.ca import build_record_id
from accord.lists.registry import get_source
from tests.conftest import require_shared

CA_XML = "lists/ca/sema-lmes.xml"
UN_XML = "lists/un/un_consolidated.xml"


@pytest.fixture(scope="module")
def ca() -> ParseResult:
    return parse_file(get_source("ca"), require_shared(CA_XML))


def _record(result: ParseResult, record_id: str) -> Record:
    found = [r for r in result.records if r.record_id == record_id]
    assert len(found) == 1, f"record {record_id}: {len(found)} found"
    return found[0]


# -- whole file ------------------------------------------------------------------------------
@pytest.mark.shared
def test_counts_and_publication_date(ca: ParseResult) -> None:
    assert ca.file_format == "ca_sema_xml"
    assert ca.counts() == {"individual": 985, "entity": 384}
    assert ca.published_at is None  # the file carries no date


@pytest.mark.shared
def test_schemas_follow_kinds(ca: ParseResult) -> None:
    schemas = {(r.kind, r.main.schema.name) for r in ca.records}
    assert schemas == {("individual", "Person"), ("entity", "Organization")}


# -- known records, field by field -----------------------------------------------------------
KNOWN: list[tuple[str, dict[str, list[str]], dict[str, list[str]]]] = [
    (
        "burma-1-1",
        {"name": ["Air Bagan"], "alias": ["Air Bagan Holdings Pte. Ltd.", "Air Bagan Limited"]},
        {"program": ["Burma / Birmanie"], "provisions": ["Schedule 1"]},
    ),
    (
        "burma-2-4",
        {
            "name": ["Aung Thet Mann"],
            "firstName": ["Aung Thet"],
            "lastName": ["Mann"],
            "alias": ["Shwe Mann Ko Ko"],
            "birthDate": ["1977-06-19"],
        },
        {"program": ["Burma / Birmanie"], "provisions": ["Schedule 2"]},
    ),
    (
        # English and French names in one element.
        "iran-1-36",
        {
            "name": ["IRGC Air Force (and IRGC Air Force Missile Command)"],
            "alias": [
                "Force aérienne du CGRI (et Centre de contrôle des missiles de la force "
                "aérienne du CGRI)"
            ],
        },
        {"program": ["Iran"], "authorityId": ["iran-1-36"]},
    ),
    (
        # Schedule "N/A": no schedule part in the id, no provisions.
        "venezuela-1",
        {"name": ["Nicolás MADURO MOROS"], "firstName": ["Nicolás"]},
        {"program": ["Venezuela"], "provisions": []},
    ),
    (
        # Only a last name, with a bilingual title.
        "syria-2-74",
        {"name": ["Nazih"], "title": ["Major General", "major-général"]},
        {"program": ["Syria / Syrie"]},
    ),
    (
        # "1972-08-10 or 1972-08-11"
        "jvcfor-1-54",
        {"name": ["Mansour Othman ABAHUSSAIN"], "birthDate": ["1972-08-10", "1972-08-11"]},
        {"provisions": ["Schedule 1"]},
    ),
    (
        # A nickname alone is a weak alias; a full other name is a strong one.
        "russia-1-43",
        {"name": ["Igor GIRKIN"], "alias": ["Igor STRELKOV"], "weakAlias": []},
        {"program": ["Russia / Russie"]},
    ),
    (
        # Aliases that are a variant of one name part ("Aleksei", "SALIAIEV") are weak.
        "russia-1-112",
        {
            "name": ["Aleksey Mikhailovich SALYAEV"],
            "alias": ["Oleksii SALYAYEV"],
            "weakAlias": ["Aleksei", "SALIAIEV"],
            "birthDate": ["1975-12-04"],
        },
        {"program": ["Russia / Russie"], "provisions": ["Schedule 1"]},
    ),
    (
        "russia-1p2-27",
        {"name": ["United Shipbuilding Corporation"]},
        {"program": ["Russia / Russie"], "provisions": ["Schedule 1, Part 2"]},
    ),
]


@pytest.mark.shared
@pytest.mark.parametrize(("record_id", "main", "sanction"), KNOWN, ids=[k[0] for k in KNOWN])
def test_known_record(
    ca: ParseResult, record_id: str, main: dict[str, list[str]], sanction: dict[str, list[str]]
) -> None:
    record = _record(ca, record_id)
    assert record.main.id == f"ca-{record_id}"
    for prop, expected in main.items():
        assert sorted(record.main.get(prop)) == sorted(expected), prop
    for prop, expected in sanction.items():
        assert sorted(record.entities[1].get(prop)) == sorted(expected), prop


@pytest.mark.parametrize(
    ("country", "schedule", "item", "expected"),
    [
        ("Syria / Syrie", "2", "74", "syria-2-74"),
        ("Russia / Russie", "1, Part 2", "27", "russia-1p2-27"),
        ("Russia / Russie", "1, Part 1", "27", "russia-1-27"),
        ("South Sudan / Soudan du sud", "", "1", "south_sudan-1"),
        (
            "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR) / x",
            "1",
            "5",
            "jvcfor-1-5",
        ),
    ],
)
def test_build_record_id(country: str, schedule: str, item: str, expected: str) -> None:
    assert build_record_id(country, schedule, item) == expected


# -- newer export spelling, and bad input ----------------------------------------------------
def _xml(*records: str) -> bytes:
    body = "".join(f"<record>{r}</record>" for r in records)
    return f'<?xml version="1.0" encoding="UTF-8"?><data-set>{body}</data-set>'.encode()


def _parse(path: Path) -> ParseResult:
    return parse_file(get_source("ca"), path)


def test_ship_in_newer_export(tmp_path: Path) -> None:
    path = tmp_path / "sema-lmes.xml"
    path.write_bytes(
        _xml(
            "<Country>Russia / Russie</Country><EntityOrShip>OCEAN STAR</EntityOrShip>"
            "<ShipIMONumber>9198575</ShipIMONumber><Schedule>1, Part 1</Schedule>"
            "<Item>3</Item><DateOfListing>2024-02-24</DateOfListing>"
        )
    )
    result = _parse(path)
    assert result.counts() == {"vessel": 1}
    vessel = result.records[0]
    assert vessel.record_id == "russia-1-3"
    assert vessel.main.schema.name == "Vessel"
    assert vessel.main.get("imoNumber") == ["IMO9198575"]
    assert vessel.entities[1].get("listingDate") == ["2024-02-24"]


@pytest.mark.shared
def test_truncated_file(tmp_path: Path) -> None:
    data = require_shared(CA_XML).read_bytes()
    path = tmp_path / "sema-lmes.xml"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListParseError, match="malformed XML at line") as err:
        _parse(path)
    assert str(path) in str(err.value)


@pytest.mark.shared
def test_wrong_file_un_list(tmp_path: Path) -> None:
    path = tmp_path / "sema-lmes.xml"
    path.write_bytes(require_shared(UN_XML).read_bytes())
    with pytest.raises(ListParseError, match="root element <CONSOLIDATED_LIST>") as err:
        _parse(path)
    assert str(path) in str(err.value)


@pytest.mark.shared
def test_bad_encoding(tmp_path: Path) -> None:
    data = require_shared(CA_XML).read_bytes().replace(b"Air Bagan", b"Air \xff\xfeBagan", 1)
    path = tmp_path / "sema-lmes.xml"
    path.write_bytes(data)
    with pytest.raises(ListParseError, match="malformed XML") as err:
        _parse(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "malformed XML|empty file"),
        (_xml("<Country>Iran</Country><Entity>X</Entity>"), "record #1 has no Country or Item"),
        (_xml("<Country>Iran</Country><Item>4</Item>"), "record iran-4: record has no name"),
        (b'<?xml version="1.0"?><data-set/>', "no records found"),
    ],
    ids=["empty", "no-item", "no-name", "no-records"],
)
def test_bad_input(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "sema-lmes.xml"
    path.write_bytes(data)
    with pytest.raises(ListParseError, match=message) as err:
        _parse(path)
    assert str(path) in str(err.value)
