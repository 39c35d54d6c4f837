"""UN Security Council Consolidated List parser, on the two real UN files in ../shared.

Expected values were read by hand from the XML files (see ../shared/data/lists/SOURCES.md for
their provenance and verified counts).
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from accord.errors import ListParseError
from accord.lists.parsers import parse_file
from accord.lists.parsers.base import ParseResult, Record
from accord.lists.parsers.un import _alias_names, _document_number
from accord.lists.registry import get_source
from tests.conftest import require_shared

UN_2024 = "lists/un/un_consolidated.xml"
UN_2026 = "lists/un/2026-02-27/UN_consolidated.xml"
EU_XML = "lists/eu/20240513-FULL-1_1(xsd).xml.gz"

Parsed = tuple[ParseResult, dict[str, Record]]


@pytest.fixture(scope="module")
def parsed() -> Callable[[str], Parsed]:
    """Each file is parsed once per test session, on first use."""
    cache: dict[str, Parsed] = {}

    def get(relpath: str) -> Parsed:
        if relpath not in cache:
            result = parse_file(get_source("un"), require_shared(relpath))
            cache[relpath] = (result, {r.record_id: r for r in result.records})
        return cache[relpath]

    return get


@pytest.mark.shared
@pytest.mark.parametrize(
    ("relpath", "published", "counts"),
    [
        (
            UN_2024,
            datetime(2024, 5, 15, 0, 0, 3, 12000, tzinfo=UTC),
            {"individual": 682, "entity": 193},
        ),
        (
            UN_2026,
            datetime(2026, 2, 27, 0, 0, 9, 554000, tzinfo=UTC),
            {"individual": 730, "entity": 273},
        ),
    ],
)
def test_counts_and_published_date(
    parsed: Callable[[str], Parsed], relpath: str, published: datetime, counts: dict[str, int]
) -> None:
    result, by_id = parsed(relpath)
    assert result.counts() == counts
    assert len(by_id) == sum(counts.values())
    assert result.published_at == published
    assert result.published_at.tzinfo is not None
    # Every record names its program, listing date and UN reference.
    for record in result.records:
        sanction = record.entities[1]
        assert sanction.get("program") and sanction.get("listingDate"), record.record_id
        assert sanction.get("unscId"), record.record_id


# (file, DATAID, kind, main entity properties, Sanction properties). An empty list asserts
# that the property is absent.
KNOWN: list[Any] = [
    pytest.param(
        UN_2024,
        "110447",
        "individual",
        {
            "name": ["MUHAMMAD TAHER ANWARI"],
            "firstName": ["MUHAMMAD"],
            "secondName": ["TAHER"],
            "middleName": ["ANWARI"],
            "title": ["Mullah"],
            "alias": [
                "محمد طاهر أنوري",
                "Mohammad Taher Anwari",
                "Muhammad Tahir Anwari",
                "Mohammad Tahre Anwari",
            ],
            "weakAlias": ["Haji Mudir"],
            "birthDate": ["1961"],
            "birthPlace": ["Zurmat District, Paktia Province, Afghanistan"],
            "nationality": ["af"],
            "passportNumber": [],
        },
        {"program": ["Taliban"], "listingDate": ["2001-02-23"], "unscId": ["TAi.005"]},
        id="TAi.005-approximate-year-low-alias",
    ),
    pytest.param(
        UN_2024,
        "6908641",
        "individual",
        {
            "name": ["CHU HYO’K"],
            "alias": ["Ju Hyok"],
            "birthDate": ["1986-11-22"],
            "nationality": ["kp"],
            "gender": ["male"],  # only stated as "Gender: male" in COMMENTS1
            "passportNumber": ["836420186"],
        },
        {"program": ["DPRK"], "listingDate": ["2017-12-22"], "unscId": ["KPi.065"]},
        id="KPi.065-gender-from-comments",
    ),
    pytest.param(
        UN_2024,
        "6908454",
        "individual",
        {
            "name": ["TARAK BEN TAHER BEN FALEH OUNI HARZI"],
            "weakAlias": ["Abou Omar Al Tounisi"],
            "birthDate": ["1982-05-03"],
            "birthPlace": ["Tunis, Tunisia"],
            "passportNumber": ["Z050399"],
            "idNumber": ["04711809"],
            "address": ["18 Mediterranean Street, Ariana, Tunisia"],
            "country": ["tn", "sy", "iq", "ly"],
        },
        {"program": ["Al-Qaida"], "listingDate": ["2015-04-10"], "unscId": ["QDi.354"]},
        id="QDi.354-passport-and-national-id",
    ),
    pytest.param(
        UN_2024,
        "690745",
        "individual",
        {
            "name": ["KIM KWANG-IL"],
            "birthDate": ["1969-09-01"],
            # Listed three times: "Passport", "Número de pasaporte", "Numéro de passeport".
            "passportNumber": ["PS381420397"],
            "idNumber": [],
        },
        {"program": ["DPRK"], "unscId": ["KPi.009"]},
        id="KPi.009-spanish-french-passport",
    ),
    pytest.param(
        UN_2024,
        "111211",
        "individual",
        # NUMBER is "Afghan passport number OA296623".
        {"name": ["SHAHABUDDIN DELAWAR"], "passportNumber": ["OA296623"]},
        {"unscId": ["TAi.113"]},
        id="TAi.113-passport-number-in-prose",
    ),
    pytest.param(
        UN_2024,
        "2983746",
        "individual",
        {
            # "Between Aug. and Sep. 1977" in the date note; 1976 from a second entry.
            "birthDate": ["1976", "1977-08", "1977-09"],
            "nationality": ["pk", "sa"],
            # "حسن غول (Hassan Ghul; Hassan Gul; Hasan Gul)" is split into its spellings.
            "alias": [
                "مصطفى حجي محمد خان",
                "حسن غول",
                "Hassan Ghul",
                "Hassan Gul",
                "Hasan Gul",
                "Khalid Mahmud",
            ],
        },
        {"unscId": ["QDi.306"], "listingDate": ["2012-03-14"]},
        id="QDi.306-month-range-and-packed-aliases",
    ),
    pytest.param(
        UN_2024,
        "6908670",
        "entity",
        {
            "name": ["CHONMYONG SHIPPING CO"],
            "alias": ["CHON MYONG SHIPPING COMPANY LIMITED"],
            "imoNumber": ["IMO5571322"],
            "country": ["kp"],
            "address": [
                "Kalrimgil 2-dong, Mangyongdae-guyok, Pyongyang, "
                "Democratic People's Republic of Korea",
                "Saemaul 2-dong, Pyongchon-guyok, Pyongyang, Democratic People's Republic of Korea",
            ],
        },
        # The file writes "KPe.056 " with a trailing space.
        {"program": ["DPRK"], "listingDate": ["2018-03-30"], "unscId": ["KPe.056"]},
        id="KPe.056-imo-from-comments",
    ),
    pytest.param(
        UN_2024,
        "6908046",
        "entity",
        {
            "name": ["OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)"],
            # "International Maritime Organization (IMO) Number: 1790183."
            "imoNumber": ["IMO1790183"],
        },
        {"unscId": ["KPe.020"], "listingDate": ["2014-07-28"]},
        id="KPe.020-imo-spelled-out",
    ),
    pytest.param(
        UN_2026,
        "6907993",
        "individual",
        {
            "name": ["ERIC BADEGE"],
            "gender": ["male"],
            "birthDate": ["1971"],
            "nationality": ["cd"],
            "country": ["rw"],
            "address": [],
        },
        {"program": ["DRC"], "listingDate": ["2012-12-31"], "unscId": ["CDi.001"]},
        id="2026-CDi.001",
    ),
]


@pytest.mark.shared
@pytest.mark.parametrize(("relpath", "record_id", "kind", "main", "sanction"), KNOWN)
def test_known_record(
    parsed: Callable[[str], Parsed],
    relpath: str,
    record_id: str,
    kind: str,
    main: dict[str, list[str]],
    sanction: dict[str, list[str]],
) -> None:
    _, by_id = parsed(relpath)
    record = by_id[record_id]
    assert record.kind == kind
    assert record.main.schema.name == ("Person" if kind == "individual" else "Organization")
    assert record.main.id == f"un-{record_id}"
    for prop, expected in main.items():
        assert sorted(record.main.get(prop)) == sorted(expected), prop
    sanction_entity = record.entities[1]
    assert sanction_entity.schema.name == "Sanction"
    assert sanction_entity.get("entity") == [record.main.id]
    for prop, expected in sanction.items():
        assert sorted(sanction_entity.get(prop)) == sorted(expected), prop


@pytest.mark.shared
def test_document_details_kept_in_notes(parsed: Callable[[str], Parsed]) -> None:
    _, by_id = parsed(UN_2024)
    notes = by_id["111211"].main.get("notes")
    assert "Passport OA296623: as written: Afghan passport number OA296623" in notes
    harzi = by_id["6908454"].main.get("notes")
    assert (
        "Passport Z050399: issued on 2003-12-09; issuing country Tunisia; "
        "expired on 8 Dec. 2008" in harzi
    )


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("Afghan passport number SE 012820", "SE 012820"),
        ("German travel document (“Reiseausweis”) A 0139243", "A 0139243"),
        ("Provisional passport No.: 28642163", "28642163"),
        ("563210184 (Expires 18 Jun. 2018)", "563210184"),
        ("R00005943, South Sudan", "R00005943"),
        ("Libya B/002210", "B/002210"),
        ("D 001206", "D 001206"),
        ("AAISO40158", "AAISO40158"),
    ],
)
def test_document_number_out_of_prose(raw: str, number: str) -> None:
    assert _document_number(raw) == number


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Amir Khazmat (original script: Амир Хазмат)", ["Amir Khazmat", "Амир Хазмат"]),
        ("أبو شيماء (Abu-Shaima; Abu- Shayma)", ["أبو شيماء", "Abu-Shaima", "Abu- Shayma"]),
        ("Al Qaïda au Maghreb islamique (AQMI)", ["Al Qaïda au Maghreb islamique (AQMI)"]),
        ("Encep Nurjaman (birth name)", ["Encep Nurjaman (birth name)"]),
    ],
)
def test_packed_alias_split(raw: str, names: list[str]) -> None:
    assert _alias_names(raw) == names


# -- bad input --------------------------------------------------------------------------------
def _truncated(src: Path) -> bytes:
    data = src.read_bytes()
    return data[: len(data) // 2]


def _bad_encoding(src: Path) -> bytes:
    data = src.read_bytes()
    # Invalid UTF-8 inside the first record's name.
    return data.replace(b"<FIRST_NAME>MUHAMMAD<", b"<FIRST_NAME>MU\xff\xfeAD<", 1)


def _empty(_src: Path) -> bytes:
    return b""


def _eu_file(_src: Path) -> bytes:
    return gzip.decompress(require_shared(EU_XML).read_bytes())


def _nameless_record(src: Path) -> bytes:
    data = src.read_bytes()
    start = data.index(b"<DATAID>110447</DATAID>")
    for tag in (b"FIRST_NAME", b"SECOND_NAME", b"THIRD_NAME"):
        begin = data.index(b"<" + tag + b">", start)
        end = data.index(b"</" + tag + b">", begin) + len(tag) + 3
        data = data[:begin] + data[end:]
    return data


@pytest.mark.shared
@pytest.mark.parametrize(
    ("breaker", "message", "record"),
    [
        (_truncated, "malformed XML at line", None),
        (_bad_encoding, "malformed XML at line", None),
        (_empty, "no element found", None),
        (_eu_file, "root element <export>", None),
        (_nameless_record, "record has no name", "110447"),
    ],
    ids=["truncated", "bad-encoding", "empty", "eu-file-as-un", "nameless-record"],
)
def test_bad_input_raises_list_parse_error(
    tmp_path: Path,
    breaker: Callable[[Path], bytes],
    message: str,
    record: str | None,
) -> None:
    bad = tmp_path / "consolidated.xml"
    bad.write_bytes(breaker(require_shared(UN_2024)))
    with pytest.raises(ListParseError) as caught:
        parse_file(get_source("un"), bad)
    assert str(bad) in str(caught.value)
    assert message in str(caught.value)
    assert caught.value.record == record
