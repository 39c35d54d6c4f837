"""The free-text helpers the UK, Australian and Canadian parsers share.

The inputs are copied from the official files (UK ConList, DFAT list, SEMA XML).
"""

from __future__ import annotations

import pytest

from accord.lists.parsers.freetext import (
    find_dates,
    find_imo_numbers,
    find_passport_numbers,
    first_full_date,
    normalise_imo,
    split_numbered,
)
from accord.lists.parsers.tabular import cell_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00/00/1994", ["1994"]),
        ("00/05/1994", ["1994-05"]),
        ("05/1973", ["1973-05"]),
        ("27/05/1973", ["1973-05-27"]),
        (
            "a) Approximately 1955- 1958 b) Approximately 1945-1950",
            ["1955", "1958", "1945", "1950"],
        ),
        ("09/05/1982; alt DOB: 09/05/1981", ["1982-05-09", "1981-05-09"]),
        ("a) 1/01/1968 b) 23-Apr-68", ["1968-01-01", "1968-04-23"]),
        ("c. 1957 or 14 March 1942", ["1957", "1942-03-14"]),
        ("14. Jul 1966; 1967", ["1966-07-14", "1967"]),
        ("24 Jan.1973", ["1973-01-24"]),
        ("1972-08-10 or 1972-08-11", ["1972-08-10", "1972-08-11"]),
        ("a) 14 Apr. 1960 b) 01/05/1380 (Hijri Calendar)", ["1960-04-14"]),
        ("Approximately (30-35 years old)", []),
        ("31/02/1970", []),
        (None, []),
    ],
)
def test_find_dates(text: str | None, expected: list[str]) -> None:
    assert find_dates(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Listed by UN 1267 Committee on 25 January 2001 (amended on 20 December 2005)",
            "2001-01-25",
        ),
        (
            "Designated under the Autonomous Sanctions Regulations 2011 on 2 March 2012",
            "2012-03-02",
        ),
        ("Instrument 2022", None),
    ],
)
def test_first_full_date(text: str, expected: str | None) -> None:
    assert first_full_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(1) 223611 (2) C00146605", ["223611", "C00146605"]),
        ("(1) Mullah (2) Maulavi", ["Mullah", "Maulavi"]),
        ("a) Malaysia b) Indonesia", ["Malaysia", "Indonesia"]),
        ("a) 26/07/1956;   b) 26/06/1956", ["26/07/1956", "26/06/1956"]),
        ("a)1962 b)1963", ["1962", "1963"]),
        # Parentheses inside a value, and a stray "b)" without an "a)", do not split.
        ("Granite Tile Factory (Kyaikto)", ["Granite Tile Factory (Kyaikto)"]),
        ("paragraph 26(b) of resolution", ["paragraph 26(b) of resolution"]),
        ("", []),
    ],
)
def test_split_numbered(text: str, expected: list[str]) -> None:
    assert split_numbered(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Afghan passport number SE 011252. Reportedly deceased.", ["SE 011252"]),
        ("Passport No. D9004878", ["D9004878"]),
        (
            "Passport no.: Moroccan Passport H 236483   National identification no.: E-491591",
            ["H 236483"],
        ),
        (
            "Passport number 472410022 (expired 2017); 563410081 (expired 2018)",
            ["472410022", "563410081"],
        ),
        (
            "Tunisian passport number E590976, issued on 19 Jun. 1987 expired on 18 Jun 1992. "
            "Belgian nationality withdrawn on 26 Jan. 2009.",
            ["E590976"],
        ),
        ("Director of the Passport and Visa Department. Review of 1822 (2008).", []),
    ],
)
def test_find_passport_numbers(text: str, expected: list[str]) -> None:
    assert find_passport_numbers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IMO number: 5342883.", ["IMO5342883"]),
        ("International Maritime Organization (IMO) Ship No.5344160", ["IMO5344160"]),
        ("IMO Identification Number: 6016988 (Company)", ["IMO6016988"]),
        ("Company Identification No.1053001124483", []),
    ],
)
def test_find_imo_numbers(text: str, expected: list[str]) -> None:
    assert find_imo_numbers(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7408873", "IMO7408873"), ("IMO 7408873", "IMO7408873"), ("74088", None), (None, None)],
)
def test_normalise_imo(value: str | None, expected: str | None) -> None:
    assert normalise_imo(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(2.0, "2"), (1962.5, "1962.5"), (" 2a ", "2a"), (None, "")]
)
def test_cell_text(value: float | str | None, expected: str) -> None:
    assert cell_text(value) == expected
