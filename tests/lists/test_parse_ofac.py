"""OFAC parsers on the real May 2024 SDN (XML and CSV) and Consolidated (non-SDN) files.

Expected values were read by hand from the shared files; ../shared/data/lists/SOURCES.md
gives their provenance and verified record counts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from accord.errors import ListParseError
from accord.lists.parsers import parse_file
from accord.lists.parsers.base import ParseResult, Record
from accord.lists.registry import get_source
from tests.conftest import require_shared

SDN_XML = "lists/ofac_sdn/sdn.xml.gz"
SDN_CSV = "lists/ofac_sdn/sdn.csv"
CONS_XML = "lists/ofac_cons/consolidated.xml"
UN_XML = "lists/un/un_consolidated.xml"


# Each file is parsed once per module; the tests only read the results.
@pytest.fixture(scope="module")
def sdn_xml() -> ParseResult:
    return parse_file(get_source("ofac_sdn"), require_shared(SDN_XML))


@pytest.fixture(scope="module")
def sdn_csv() -> ParseResult:
    return parse_file(get_source("ofac_sdn"), require_shared(SDN_CSV))


@pytest.fixture(scope="module")
def cons_xml() -> ParseResult:
    return parse_file(get_source("ofac_cons"), require_shared(CONS_XML))


def _record(result: ParseResult, record_id: str) -> Record:
    found = [r for r in result.records if r.record_id == record_id]
    assert len(found) == 1, f"record {record_id}: {len(found)} found"
    return found[0]


# -- whole files -----------------------------------------------------------------------------
@pytest.mark.shared
@pytest.mark.parametrize(
    ("fixture", "file_format", "counts", "published"),
    [
        (
            "sdn_xml",
            "ofac_xml",
            {"individual": 6855, "entity": 6884, "vessel": 851, "aircraft": 376},
            datetime(2024, 5, 7, tzinfo=UTC),
        ),
        (
            "sdn_csv",
            "ofac_csv",
            {"individual": 6854, "entity": 6884, "vessel": 851, "aircraft": 376},
            None,  # SDN.CSV has no date in it
        ),
        (
            "cons_xml",
            "ofac_xml",
            {"individual": 79, "entity": 364},
            datetime(2024, 5, 6, tzinfo=UTC),
        ),
    ],
)
def test_counts_and_publication_date(
    request: pytest.FixtureRequest,
    fixture: str,
    file_format: str,
    counts: dict[str, int],
    published: datetime | None,
) -> None:
    result: ParseResult = request.getfixturevalue(fixture)
    assert result.file_format == file_format
    assert result.counts() == counts
    assert result.published_at == published
    # One main entity and one Sanction per record, linked (FtM drops links to invalid ids).
    assert result.entity_count == 2 * len(result.records)
    assert all(r.entities[1].get("entity") == [r.main.id] for r in result.records)


@pytest.mark.shared
def test_xml_and_csv_give_a_record_the_same_entity_ids(
    sdn_xml: ParseResult, sdn_csv: ParseResult
) -> None:
    xml_ids = {e.id for r in sdn_xml.records for e in r.entities}
    csv_ids = {e.id for r in sdn_csv.records for e in r.entities}
    # The CSV is four days older: one individual was added in between.
    assert len(csv_ids - xml_ids) == 0
    assert len(xml_ids - csv_ids) == 2


@pytest.mark.shared
def test_csv_reports_cut_remarks(sdn_csv: ParseResult) -> None:
    cut = [w for w in sdn_csv.warnings if "remarks cut at 1000 characters" in w]
    assert len(cut) == 16
    assert "SDN.CSV carries no publication date" in sdn_csv.warnings
    assert not any("end-of-file" in w for w in sdn_csv.warnings)  # the 0x1A byte is there


# -- known records, field by field -----------------------------------------------------------
HARZI = "Tariq Bin-Al-Tahar Bin Al Falih Al-'Awni AL-HARZI"
DPRK_RISK = (
    "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210"
)
DPRK_FI = (
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: "
    "North Korea Sanctions Regulations section 510.214"
)
SANCTION_PROPS = {"program", "provisions", "listingDate"}
KNOWN: dict[tuple[str, str], dict[str, list[str]]] = {
    # Saadi Qadhafi (UN LYi.015): spelling variants as strong a.k.a.s, two DOBs.
    ("sdn_xml", "12629"): {
        "schema": ["Person"],
        "name": ["Saadi GADDAFI"],
        "firstName": ["Saadi"],
        "lastName": ["GADDAFI"],
        "birthDate": ["1973-05-25", "1973-05-27"],
        "birthPlace": ["Tripoli, Libya"],
        "passportNumber": ["010433", "014797"],
        "program": ["LIBYA2"],
    },
    # Tariq al-Harzi (UN QDi.354): a weak a.k.a., "alt." DOBs, a year-only DOB.
    ("sdn_xml", "17293"): {
        "name": [HARZI],
        "weakAlias": ["HOUDOUD, Abu Omar"],
        "birthDate": ["1981", "1982-03-05", "1982-05-03"],
        "passportNumber": ["Z-050399"],
        "program": ["SDGT"],
    },
    # CHU Hyo'k (UN KPi.065): gender and sanctions-risk tags come as ids.
    ("sdn_xml", "23014"): {
        "name": ["Hyo'k CHU"],
        "alias": ["Hyok JU"],
        "birthDate": ["1986-11-23"],
        "nationality": ["kp"],
        "gender": ["male"],
        "passportNumber": ["836420186"],
        "address": ["Vladivostok, Russia"],
        "program": ["DPRK4"],
        "provisions": [DPRK_RISK, DPRK_FI],
    },
    # A ship owner: the IMO company number hides under "Company Number".
    ("sdn_xml", "23705"): {
        "schema": ["Organization"],
        "imoNumber": ["IMO5571322"],
        "registrationNumber": [],
        "alias": ["CHON MYONG SHIPPING COMPANY LIMITED"],
    },
    # A tanker: vesselInfo, plus IMO, MMSI and former flags from the id list.
    ("sdn_xml", "15036"): {
        "schema": ["Vessel"],
        "imoNumber": ["IMO9187629"],
        "mmsi": ["572469210"],
        "flag": ["ir"],
        "pastFlags": ["mt", "tv", "tz"],
        "previousName": ["ABADAN", "SHONA"],
        "weakAlias": ["ALPHA"],
        "callSign": ["T2EU4"],
        "tonnage": ["99144"],
        "grossRegisteredTonnage": ["56068"],
        "provisions": ["Additional Sanctions Information: Subject to Secondary Sanctions"],
    },
    # An aircraft: model, serial numbers and build year are all "ids" in OFAC.
    ("sdn_xml", "15431"): {
        "schema": ["Airplane"],
        "serialNumber": ["1023409321", "8401"],
        "model": ["IL76-TD"],
        "buildDate": ["1992"],
    },
    # Strong vs weak a.k.a.; addresses joined with ", ".
    ("sdn_xml", "306"): {
        "alias": ["NATIONAL BANK OF CUBA"],
        "weakAlias": ["BNC"],
        "country": ["ch", "es", "jp", "pa"],
        "address": [
            "Avenida de Concha Espina 8, Madrid, E-28036, Spain",
            "Dai-Ichi Bldg. 6th Floor, 10-2 Nihombashi, 2-chome, Chuo-ku, Tokyo, 103, Japan",
            "Federico Boyd Avenue & 51 Street, Panama City, Panama",
            "Zweierstrasse 35, Zurich, CH-8022, Switzerland",
        ],
    },
    # SDN.CSV: the same records, rebuilt from "LAST, First" names and the remarks.
    ("sdn_csv", "17293"): {
        "name": [HARZI],
        "lastName": ["AL-HARZI"],
        "birthDate": ["1981", "1982-03-05", "1982-05-03"],
        "birthPlace": ["Tunis, Tunisia"],
        "passportNumber": ["Z-050399"],
        "weakAlias": ["HOUDOUD, Abu Omar"],
    },
    ("sdn_csv", "23014"): {
        "name": ["Hyo'k CHU"],
        "nationality": ["kp"],
        "gender": ["male"],
        "passportNumber": ["836420186"],
        "position": [
            "Foreign Trade Bank of the Democratic People's Republic of Korea representative"
        ],
        "provisions": [DPRK_RISK, DPRK_FI],
    },
    ("sdn_csv", "23705"): {"imoNumber": ["IMO5571322"]},
    ("sdn_csv", "4238"): {
        "schema": ["Vessel"],
        "callSign": ["CL2192"],
        "type": ["Tug"],
        "flag": ["cu"],
        "grossRegisteredTonnage": ["212"],
        "notes": ["Owner: Samir de Navegacion S.A."],
    },
    ("sdn_csv", "15036"): {"imoNumber": ["IMO9187629"], "mmsi": ["572469210"]},
    ("sdn_csv", "15431"): {"model": ["IL76-TD"], "program": ["SDGT"]},
    ("sdn_csv", "306"): {"weakAlias": ["BNC"], "alias": []},
    # Consolidated (non-SDN): an NS-PLC individual, a CMIC company, an SSI company.
    ("cons_xml", "9639"): {
        "name": ["Ismail Abdul Salah HANIYA"],
        "alias": ["Ismaeel HANIYYA", "Ismail HANIYA"],
        "birthDate": ["1962"],
        "birthPlace": ["Shati"],
        "program": ["NS-PLC"],
    },
    ("cons_xml", "30882"): {
        "registrationNumber": ["9111000071093019X7"],
        "program": ["CMIC-EO13959"],
        "listingDate": ["2021-06-03"],
        # The strong a.k.a.s, then the CMIC "Issuer Name"s.
        "alias": [
            "CHINA TELECOM",
            "CHINA TELECOM CO., LTD",
            "CHINA TELECOM CORP LTD",
            "China Telecom Co., Ltd",
            "China Telecom Corp Ltd",
            "China Telecom Corporation Limited",
            "China Telecom Corporation Limited.Co.Ltd",
        ],
    },
    ("cons_xml", "20006"): {
        "registrationNumber": ["1027714019772"],
        "taxNumber": ["7714283773"],
        "idNumber": ["59709936"],
        "previousName": ["AKTSIONERNOE OBSHCHESTVO MEZHDUNARODNAYA UPRAVLYAYUSHCHAYA KOMPANIYA"],
        "address": ["d. 13/2 ul. Begovaya, Moscow, 125284, Russia"],
        "program": ["UKRAINE-EO13662"],
    },
}


@pytest.mark.shared
@pytest.mark.parametrize(
    ("fixture", "record_id", "prop", "expected"),
    [(f, rid, prop, values) for (f, rid), props in KNOWN.items() for prop, values in props.items()],
)
def test_known_record(
    request: pytest.FixtureRequest, fixture: str, record_id: str, prop: str, expected: list[str]
) -> None:
    record = _record(request.getfixturevalue(fixture), record_id)
    main, sanction = record.entities
    if prop == "schema":
        assert [main.schema.name] == expected
    elif prop in SANCTION_PROPS:
        assert sorted(sanction.get(prop)) == sorted(expected)
    else:
        assert sorted(main.get(prop, quiet=True)) == sorted(expected)
    assert sanction.get("entity") == [main.id]
    assert sanction.get("authorityId") == [record_id]


@pytest.mark.shared
def test_unmapped_id_kinds_keep_number_and_kind(cons_xml: ParseResult) -> None:
    main = _record(cons_xml, "20006").main
    assert "Government Gazette Number: 59709936 (Russia)" in main.get("notes")


# -- bad input: always ListParseError naming the file ------------------------------------------
def _expect_error(list_id: str, path: Path, fmt: str, *needles: str) -> ListParseError:
    with pytest.raises(ListParseError) as caught:
        parse_file(get_source(list_id), path, fmt)
    message = str(caught.value)
    assert str(path) in message
    for needle in needles:
        assert needle in message
    return caught.value


@pytest.mark.shared
@pytest.mark.parametrize(
    ("list_id", "relpath", "fmt", "needle"),
    [
        ("ofac_sdn", SDN_XML, "ofac_xml", "cannot read file: Compressed file ended"),
        ("ofac_cons", CONS_XML, "ofac_xml", "malformed XML at line"),
        ("ofac_sdn", SDN_CSV, "ofac_csv", "malformed CSV at line 8078"),
    ],
)
def test_truncated(tmp_path: Path, list_id: str, relpath: str, fmt: str, needle: str) -> None:
    data = require_shared(relpath).read_bytes()
    cut = tmp_path / Path(relpath).name
    cut.write_bytes(data[: len(data) // 2])
    _expect_error(list_id, cut, fmt, needle)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("list_id", "relpath", "fmt", "needle"),
    [
        ("ofac_sdn", UN_XML, "ofac_xml", "root element <CONSOLIDATED_LIST>"),
        ("ofac_cons", "lists/eu/20240513-FULL-1_1(xsd).xml.gz", "ofac_xml", "<export>"),
        ("ofac_sdn", UN_XML, "ofac_csv", "not an OFAC ent_num"),
        ("ofac_sdn", SDN_XML, "ofac_csv", "not an OFAC ent_num"),
        ("ofac_sdn", SDN_CSV, "ofac_xml", "malformed XML"),
    ],
)
def test_wrong_format(list_id: str, relpath: str, fmt: str, needle: str) -> None:
    _expect_error(list_id, require_shared(relpath), fmt, needle)


ENTRY = (
    "<sdnEntry><uid>{uid}</uid><lastName>{name}</lastName><sdnType>{kind}</sdnType>"
    "<programList><program>SDGT</program></programList></sdnEntry>"
)
ROW = '{uid},"{name}","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1970."\r\n'


def _xml(*entries: str) -> bytes:
    return (
        '<?xml version="1.0" standalone="yes"?>\n<sdnList xmlns="https://sanctionslistservice.'
        'ofac.treas.gov/api/PublicationPreview/exports/XML"><publshInformation><Publish_Date>'
        "05/07/2024</Publish_Date><Record_Count>2</Record_Count></publshInformation>"
        + "".join(entries)
        + "</sdnList>"
    ).encode()


def test_small_valid_files_parse(tmp_path: Path) -> None:
    """The minimal files the error tests below start from are themselves valid."""
    xml = tmp_path / "sdn.xml"
    xml.write_bytes(_xml(ENTRY.format(uid=1, name="ONE", kind="Entity")))
    result = parse_file(get_source("ofac_sdn"), xml)
    assert result.counts() == {"entity": 1}
    assert any("Record_Count says 2" in w for w in result.warnings)
    csv_file = tmp_path / "sdn.csv"
    csv_file.write_bytes(ROW.format(uid=1, name="ONE, Jos\xe9").encode("latin-1") + b"\x1a")
    result = parse_file(get_source("ofac_sdn"), csv_file)
    person = result.records[0].main
    assert person.get("firstName") == ["José"] and person.get("birthDate") == ["1970"]
    assert not any("end-of-file" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("name", "content", "fmt", "needles"),
    [
        ("sdn.xml", b"", "ofac_xml", ()),
        ("sdn.csv", b"", "ofac_csv", ("empty file",)),
        ("sdn.csv", b"\x1a", "ofac_csv", ("empty file",)),
        # Invalid UTF-8 inside an XML declared as UTF-8.
        (
            "sdn.xml",
            _xml(ENTRY.format(uid=1, name="BAD", kind="Entity")).replace(b"BAD", b"BAD \xff\xfe"),
            "ofac_xml",
            ("malformed XML",),
        ),
        # UTF-16 or binary bytes in the CSV.
        ("sdn.csv", ROW.format(uid=1, name="ONE").encode("utf-16"), "ofac_csv", ("invalid byte",)),
        (
            "sdn.csv",
            ROW.format(uid=1, name="ONE \x81\x9d").encode("latin-1"),
            "ofac_csv",
            ("invalid byte 0x81 at line 1",),
        ),
        # A row missing its last (Remarks) column.
        (
            "sdn.csv",
            ROW.format(uid=7, name="ONE") + '8,"TWO","individual","SDGT",-0- ,-0- ,-0- ,'
            "-0- ,-0- ,-0- ,-0- \r\n",
            "ofac_csv",
            ("record 8", "line 2", "11 columns"),
        ),
        # Unknown record type, and an entry without its uid.
        (
            "sdn.xml",
            _xml(ENTRY.format(uid=5, name="X", kind="Ship")),
            "ofac_xml",
            ("record 5", "unknown SDN type 'Ship'"),
        ),
        (
            "sdn.xml",
            _xml(ENTRY.format(uid="", name="X", kind="Entity")),
            "ofac_xml",
            ("sdnEntry without uid",),
        ),
        (
            "sdn.xml",
            _xml(ENTRY.format(uid=6, name="", kind="Entity")),
            "ofac_xml",
            ("record 6", "no name"),
        ),
    ],
)
def test_bad_input(
    tmp_path: Path, name: str, content: bytes | str, fmt: str, needles: tuple[str, ...]
) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1") if isinstance(content, str) else content)
    _expect_error("ofac_sdn", path, fmt, *needles)
