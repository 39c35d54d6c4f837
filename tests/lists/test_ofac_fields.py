"""OFAC value formats: dates, IMO numbers, and the id segments of SDN.CSV remarks."""

from __future__ import annotations

import pytest

from accord.lists.parsers.ofac_fields import id_target, imo_number, ofac_dates, split_remark_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10 Dec 1948", ["1948-12-10"]),
        ("1946", ["1946"]),
        ("Mar 1962", ["1962-03"]),
        ("circa 1951", ["1951"]),
        ("circa 07 Jul 1966", ["1966-07-07"]),
        ("1951 to 1953", ["1951", "1953"]),
        ("01 Jan 1961 to 31 Dec 1962", ["1961-01-01", "1962-12-31"]),
        ("Mar 1965 to Mar 1966", ["1965-03", "1966-03"]),
        ("31 Feb 1960", ["31 Feb 1960"]),  # kept as is: FtM rejects it with a warning
        ("", []),
    ],
)
def test_ofac_dates(raw: str, expected: list[str]) -> None:
    assert ofac_dates(raw) == expected


@pytest.mark.parametrize(
    ("raw", "bare", "expected"),
    [
        ("IMO 9187629", False, "IMO9187629"),
        ("9187629", False, None),
        ("9187629", True, "IMO9187629"),
        ("RS 150443", True, None),
    ],
)
def test_imo_number(raw: str, bare: bool, expected: str | None) -> None:
    assert imo_number(raw, bare_digits=bare) == expected


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ("Passport 1084010 (Egypt)", ("Passport", "1084010", "Egypt")),
        (
            "Passport G 649385 issued 08 Sep 2006 expires 17 Jul 2011",
            ("Passport", "G 649385", None),
        ),
        ("National ID No. D489833(9) (Hong Kong)", ("National ID No.", "D489833(9)", "Hong Kong")),
        (
            "Vessel Registration Identification IMO 9187629",
            ("Vessel Registration Identification", "IMO 9187629", None),
        ),
        (
            "Digital Currency Address - XBT 1986rYHckYbJ",
            ("Digital Currency Address - XBT", "1986rYHckYbJ", None),
        ),
        (
            "Listing Date (EO 14024 Directive 2): 24 Feb 2022",
            ("Listing Date (EO 14024 Directive 2):", "24 Feb 2022", None),
        ),
        ("Gender Male", ("Gender", "Male", None)),
        ("Passport issued 21 Jun 1992 in Amman, Jordan", None),  # prose, not a number
        ("Passport OR801168 and Kuwaiti National ID No. 281020505755", None),
        ("Member of the State Duma of the Federal Assembly", None),
    ],
)
def test_split_remark_id(segment: str, expected: tuple[str, str, str | None] | None) -> None:
    assert split_remark_id(segment) == expected


@pytest.mark.parametrize(
    ("label", "target"),
    [
        ("Passport", "passportNumber"),
        ("Tax ID No.", "taxNumber"),
        ("Cedula No.", "idNumber"),
        ("Some Future ID Kind", "idNumber"),  # unknown kinds are identifiers, never dropped
        ("Listing Date (EO 99999 Directive 9):", "@provision"),
        ("Executive Order 14024 Directive Information -", "@provision"),
        ("Aircraft Operator", "@note"),
    ],
)
def test_id_target(label: str, target: str) -> None:
    assert id_target(label) == target
