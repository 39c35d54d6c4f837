"""Identifier normalization and blocking keys.

Every value that can link two records becomes a ``(kind, key)`` row. Identifier kinds link by
themselves as candidates (the comparison still demands agreeing names or birth dates); name
kinds only nominate pairs for comparison.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rigour.ids.imo import IMO

# Key kinds. "doc" holds passport and national id numbers together because lists disagree on
# which of the two a number is (the UN calls a number a passport that OFAC files as an ID).
UNSC = "unsc"
IMO_KIND = "imo"
DOC = "doc"
REG = "reg"
IDENTIFIER_KINDS = (UNSC, IMO_KIND, DOC, REG)
NAME_KIND = "name"

# Which FtM properties feed which identifier kind.
DOC_PROPS = ("passportNumber", "idNumber")
REG_PROPS = (
    "registrationNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "leiCode",
    "swiftBic",
    "mmsi",
    "serialNumber",
)

# UN reference numbers: two letters of the regime, i (individual) or e (entity), a number.
# The EU writes "QDi.43" where the UN writes "QDi.043"; some files drop the dot.
_UNSC = re.compile(r"^\s*([A-Za-z]{2})\s*([iIeE])\s*\.?\s*0*(\d{1,4})\s*$")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
# Document numbers shorter than this collide across countries too often to propose pairs.
MIN_DOC_LENGTH = 6


def unsc_key(value: str) -> str | None:
    """'QDi.43', 'qdi 043', 'QDi.043' → 'QDi.043' (the UN's own zero-padded form)."""
    match = _UNSC.match(value)
    if match is None:
        return None
    regime, kind, number = match.groups()
    return f"{regime.upper()}{kind.lower()}.{int(number):03d}"


def imo_key(value: str, family: str) -> str | None:
    """A seven-digit IMO number whose check digit is valid for the record's kind.

    Ship numbers and company numbers (ship owners, managers) use different check digits, so a
    vessel's number is checked as a ship's and an organization's as a company's: a number that
    fails its own scheme is a typo or the wrong kind of number and links nothing.
    """
    digits = re.sub(r"\D", "", value)
    if len(digits) != 7:
        return None
    valid = IMO.is_valid_vessel(digits) if family == "vessel" else IMO.is_valid_company(digits)
    return f"IMO{digits}" if valid else None


def document_key(value: str) -> str | None:
    """Upper-case letters and digits of a document number; None for short or placeholder ones."""
    key = _NOT_ALNUM.sub("", value.upper())
    if len(key) < MIN_DOC_LENGTH or not any(c.isdigit() for c in key):
        return None
    if len(set(key)) == 1 or not key.strip("0"):
        return None  # "000000", "111111": placeholders, not numbers
    return key


def registration_key(value: str) -> str | None:
    """Registration and tax numbers without their labels: the UK writes "INN7704366170" and
    "OGRN1167700061540" where OFAC and the EU write the bare numbers."""
    key = document_key(value)
    if key is None:
        return None
    digits = re.sub(r"\D", "", key)
    return digits if len(digits) >= 7 else key


def identifier_keys(
    family: str,
    unsc_ids: Iterable[str],
    props: dict[str, list[str]],
) -> dict[str, set[str]]:
    """Every identifier key of one record, by kind."""
    out: dict[str, set[str]] = {kind: set() for kind in IDENTIFIER_KINDS}
    for value in unsc_ids:
        key = unsc_key(value)
        if key:
            out[UNSC].add(key)
    for value in props.get("imoNumber", []):
        key = imo_key(value, family)
        if key:
            out[IMO_KIND].add(key)
    for prop in DOC_PROPS:
        for value in props.get(prop, []):
            key = document_key(value)
            if key:
                out[DOC].add(key)
    for prop in REG_PROPS:
        for value in props.get(prop, []):
            key = registration_key(value)
            if key:
                out[REG].add(f"{prop}:{key}" if prop in ("mmsi", "serialNumber") else key)
    return {kind: keys for kind, keys in out.items() if keys}
