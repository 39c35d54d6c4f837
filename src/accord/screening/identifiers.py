"""Identifiers of listed entities and queries, normalized and checked where a checksum exists."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rigour.ids import IMO, LEI

# FtM properties that carry identifiers, and the kind each becomes.
PROPERTY_KINDS: dict[str, str] = {
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "leiCode": "lei",
    "passportNumber": "passport",
    "idNumber": "national_id",
    "registrationNumber": "registration",
    "taxNumber": "registration",
    "innCode": "registration",
    "ogrnCode": "registration",
    "swiftBic": "registration",
}
KIND_WORDS = {
    "imo": "IMO number",
    "mmsi": "MMSI",
    "lei": "LEI code",
    "passport": "passport number",
    "national_id": "national identity number",
    "registration": "registration number",
    "other": "identifier",
}
# Identifiers that name exactly one thing once their checksum holds (a ship, a legal entity).
STRONG_KINDS = frozenset({"imo", "lei"})
_ALNUM = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True, slots=True)
class IdentifierValue:
    kind: str
    value: str
    checked: bool  # a checksum or format rule confirmed it


def normalize_identifier(kind: str, raw: str) -> IdentifierValue | None:
    """Upper-case alphanumerics; IMO and LEI check digits verified; None when unusable."""
    value = _ALNUM.sub("", raw.upper())
    if kind == "imo":
        digits = value.removeprefix("IMO")
        if len(digits) != 7 or not digits.isdigit():
            return None
        return IdentifierValue("imo", digits, bool(IMO.is_valid(f"IMO{digits}")))
    if kind == "mmsi":
        # MMSI has no check digit; a 9-digit number with a maritime country prefix (2–7) is
        # the most that can be verified.
        if len(value) != 9 or not value.isdigit():
            return None
        return IdentifierValue("mmsi", value, value[0] in "234567")
    if kind == "lei":
        if len(value) != 20:
            return None
        return IdentifierValue("lei", value, bool(LEI.is_valid(value)))
    # Short numbers ("123") collide across countries and document types: not evidence.
    if len(value) < 5 or value.isalpha():
        return None
    return IdentifierValue(kind, value, False)
