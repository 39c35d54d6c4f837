"""EU Financial Sanctions Files (XML 1.1) parser, on the real May 2024 file in ../shared.

Expected values were read by hand from the XML (see ../shared/data/lists/SOURCES.md for its
provenance and verified counts).
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from accord.errors import ListParseError
from accord.lists.parsers import parse_file
from accord.lists.parsers.base import ParseResult, Record
from accord.lists.registry import get_source
from tests.conftest import require_shared

pytestmark = pytest.mark.shared

EU_XML = "lists/eu/20240513-FULL-1_1(xsd).xml.gz"
UN_XML = "lists/un/un_consolidated.xml"

Parsed = tuple[ParseResult, dict[str, Record]]


@pytest.fixture(scope="module")
def parsed() -> Parsed:
    """The 20 MB file is parsed once for the whole module."""
    result = parse_file(get_source("eu"), require_shared(EU_XML))
    return result, {r.record_id: r for r in result.records}


def test_counts_and_published_date(parsed: Parsed) -> None:
    result, by_id = parsed
    assert result.counts() == {"individual": 3755, "entity": 1056}
    assert len(by_id) == 4811
    assert result.published_at == datetime(
        2024, 5, 13, 17, 44, 28, 283000, tzinfo=timezone(timedelta(hours=2))
    )
    people = [r.main for r in result.records if r.kind == "individual"]
    companies = [r.main for r in result.records if r.kind == "entity"]
    assert sum(len(p.get("passportNumber")) for p in people) == 496
    assert sum(len(c.get("imoNumber")) for c in companies) == 17
    assert sum(1 for r in result.records if r.entities[1].get("unscId")) == 82
    assert all(r.entities[1].get("listingDate") for r in result.records)


# (logicalId, kind, main entity properties, Sanction properties). An empty list asserts that
# the property is absent.
KNOWN: list[Any] = [
    pytest.param(
        "13",
        "individual",
        {
            "name": ["Saddam Hussein Al-Tikriti"],
            "firstName": ["Saddam"],
            "lastName": ["Hussein Al-Tikriti"],
            "alias": ["Abu Ali", "Abou Ali"],
            "gender": ["male"],
            "birthDate": ["1937-04-28"],
            "birthPlace": ["al-Awja, near Tikrit, IRAQ"],
            "nationality": ["iq"],
            "notes": ["UNSC RESOLUTION 1483"],
        },
        # No designationDate: the listing date is the 2003 regulation's publication.
        {"program": ["IRQ"], "listingDate": ["2003-07-08"], "authorityId": ["EU.27.28"]},
        id="saddam-no-designation-date",
    ),
    pytest.param(
        "1068",
        "individual",
        {
            # "Joe" comes first but is a "low quality alias"; the structured name wins.
            "name": ["Yazid Sufaat"],
            "firstName": ["Yazid"],
            "lastName": ["Sufaat"],
            "alias": [],
            "weakAlias": ["Joe", "Abu Zufar"],
            "birthDate": ["1964-01-20"],
            "nationality": ["my"],
            "passportNumber": ["A 10472263"],
            "idNumber": ["640120-01-5529"],
            "address": ["Taman Bukit Ampang, State of Selangor, MALAYSIA"],
        },
        {"program": ["TAQA"], "listingDate": ["2003-09-09"], "authorityId": ["EU.4055.25"]},
        id="sufaat-nickname-first",
    ),
    pytest.param(
        "146021",
        "individual",
        # First alias "Barbeque"; the structured "Jimmy Cherizier" is only given in French.
        {"name": ["Jimmy Cherizier"], "firstName": ["Jimmy"]},
        {},
        id="cherizier-structured-name-any-language",
    ),
    pytest.param(
        "125568",
        "individual",
        {
            "name": ["Aleh Leanidavich SLIZHEUSKI"],
            "middleName": ["Leanidavich"],
            "alias": [
                "Олег Леонидович СЛИЖЕВСКИЙ",
                "Oleg Leonidovich SLIZHEVSKI",
                "Oleg Leonidovitj SLIZJEVSKIJ",
                "Aleh Leanidavitj SLIZJEUSKI",
                "Алег Леанiдавiч СЛIЖЭЎСКI",
            ],
            "birthDate": ["1972-08-16"],
            "birthPlace": ["Grodno/, BELARUS", "Hrodna, BELARUS"],
            "gender": ["male"],
        },
        {"program": ["BLR"], "listingDate": ["2020-10-02"]},
        id="slizheuski-cyrillic-first",
    ),
    pytest.param(
        "127388",
        "individual",
        # Year 1343 is in the Iranian Hijri calendar: only the Gregorian years are dates.
        {"name": ["Gholamreza SOLEIMANI"], "birthDate": ["1964", "1965"], "nationality": ["ir"]},
        {"program": ["IRN"], "listingDate": ["2021-04-12"]},
        id="soleimani-hijri-year",
    ),
    pytest.param(
        "107840",
        "entity",
        {
            "name": ["Chongchongang Shipping Co LTD"],
            "alias": ["Chongchongang Shipping Company", "Chong Chon Gang Shipping Co. Ltd."],
            "imoNumber": ["IMO5342883"],
            "country": ["kp"],
        },
        {"program": ["PRK"], "listingDate": ["2016-03-02"]},
        id="chongchongang-imo",
    ),
    pytest.param(
        "160086",
        "entity",
        {
            "name": ["JSC Krymtelecom"],
            "registrationNumber": ["1189112039291"],
            "address": ["str. Kalinina, 13, Simferopol, Crimea, 295051, UKRAINE"],
            "country": ["ua"],
        },
        {"program": ["UKR"], "listingDate": ["2023-12-18"], "authorityId": ["EU.10976.86"]},
        id="krymtelecom-cyrillic-first-regnumber",
    ),
    pytest.param(
        "120128",
        "entity",
        {"name": ["South Asian Chapter of ISIL"]},
        {"program": ["TAQA"], "unscId": ["QDe.161"], "listingDate": ["2019-05-14"]},
        id="isil-k-un-reference",
    ),
    # The EU publishes logicalId 547 twice (AFG and TAQA regimes): both records are kept.
    pytest.param(
        "547",
        "individual",
        {"name": ["Sayed Esmatullah Asem"], "birthDate": ["1967"], "title": ["Maulavi"]},
        {"program": ["AFG"], "listingDate": ["2001-02-23"], "authorityId": ["EU.334.4"]},
        id="asem-afg",
    ),
    pytest.param(
        "547-TAQA",
        "individual",
        {"name": ["Sayed Esmatullah Asem"], "alias": ["Asem, Sayed Esmatullah", "Esmatullah Asem"]},
        {"program": ["TAQA"], "listingDate": ["2007-08-18"], "authorityId": ["EU.334.4"]},
        id="asem-taqa-repeated-logical-id",
    ),
]


@pytest.mark.parametrize(("record_id", "kind", "main", "sanction"), KNOWN)
def test_known_record(
    parsed: Parsed,
    record_id: str,
    kind: str,
    main: dict[str, list[str]],
    sanction: dict[str, list[str]],
) -> None:
    _, by_id = parsed
    record = by_id[record_id]
    assert record.kind == kind
    assert record.main.schema.name == ("Person" if kind == "individual" else "Organization")
    assert record.main.id == f"eu-{record_id}"
    for prop, expected in main.items():
        assert sorted(record.main.get(prop)) == sorted(expected), prop
    sanction_entity = record.entities[1]
    assert sanction_entity.schema.name == "Sanction"
    assert sanction_entity.get("entity") == [record.main.id]
    for prop, expected in sanction.items():
        assert sorted(sanction_entity.get(prop)) == sorted(expected), prop


def test_repeated_logical_ids_are_reported(parsed: Parsed) -> None:
    result, by_id = parsed
    assert {"547-TAQA", "593-TAQA", "120128-UNLI"} <= set(by_id)
    assert [w for w in result.warnings if "published again" in w] == [
        "record 547: logicalId published again (programme TAQA); kept as record 547-TAQA",
        "record 593: logicalId published again (programme TAQA); kept as record 593-TAQA",
        "record 120128: logicalId published again (programme UNLI); kept as record 120128-UNLI",
    ]


def test_identification_details_kept_in_notes(parsed: Parsed) -> None:
    _, by_id = parsed
    # The "other" kind has no FtM property: the number is an idNumber, its kind a note.
    expected = "Other identification number 640120-01-5529 (MALAYSIA): National identification No."
    assert expected in by_id["1068"].main.get("notes")
    assert "Date of birth 1343 (islamic calendar)" in by_id["127388"].main.get("notes")


# -- bad input --------------------------------------------------------------------------------
def _xml() -> bytes:
    return gzip.decompress(require_shared(EU_XML).read_bytes())


def _truncated_gzip(src: Path) -> bytes:
    data = src.read_bytes()
    return data[: len(data) // 2]


def _truncated_xml(_src: Path) -> bytes:
    data = _xml()
    return data[: len(data) // 2]


def _bad_encoding(_src: Path) -> bytes:
    return _xml().replace(b'wholeName="Saddam Hussein', b'wholeName="Sa\xff\xfeam Hussein', 1)


def _empty(_src: Path) -> bytes:
    return b""


def _un_file(_src: Path) -> bytes:
    return require_shared(UN_XML).read_bytes()


def _nameless_record(_src: Path) -> bytes:
    data = _xml()
    start = data.index(b'logicalId="13">')
    end = data.index(b"</sanctionEntity>", start)
    record = data[start:end].replace(b"<nameAlias ", b"<nameAliasGone ")
    record = record.replace(b"</nameAlias>", b"</nameAliasGone>")
    return data[:start] + record + data[end:]


@pytest.mark.parametrize(
    ("breaker", "message", "record"),
    [
        (_truncated_gzip, "cannot read file", None),
        (_truncated_xml, "malformed XML at line", None),
        (_bad_encoding, "malformed XML at line", None),
        (_empty, "no element found", None),
        (_un_file, "root element <CONSOLIDATED_LIST>", None),
        (_nameless_record, "record has no name", "13"),
    ],
    ids=["truncated-gzip", "truncated-xml", "bad-encoding", "empty", "un-file-as-eu", "nameless"],
)
def test_bad_input_raises_list_parse_error(
    tmp_path: Path,
    breaker: Callable[[Path], bytes],
    message: str,
    record: str | None,
) -> None:
    bad = tmp_path / "20240513-FULL-1_1(xsd).xml.gz"
    bad.write_bytes(breaker(require_shared(EU_XML)))
    with pytest.raises(ListParseError) as caught:
        parse_file(get_source("eu"), bad)
    assert str(bad) in str(caught.value)
    assert message in str(caught.value)
    assert caught.value.record == record
