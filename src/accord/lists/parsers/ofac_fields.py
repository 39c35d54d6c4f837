"""OFAC field vocabulary shared by the XML and CSV parsers.

OFAC's legacy exports carry almost every fact as an ``idType``/``idNumber`` pair in the XML
and as a ``<idType> <number> (<country>)`` remark segment in the CSV, so both formats map
those labels through the same table and a record gets the same properties from either.
"""

from __future__ import annotations

import re
from datetime import datetime

from accord.lists.parsers.base import parse_date

# sdnType (XML) or SDN_Type column (CSV, where "-0-" means entity) -> (kind, FtM schema).
# OFAC never says whether an entity is a company, so entities stay Organization.
KINDS: dict[str, tuple[str, str]] = {
    "individual": ("individual", "Person"),
    "entity": ("entity", "Organization"),
    "-0-": ("entity", "Organization"),
    "vessel": ("vessel", "Vessel"),
    "aircraft": ("aircraft", "Airplane"),
}

# Targets that are not plain FtM properties of the main entity.
PROVISION = "@provision"  # a restriction or directive: goes to the Sanction's provisions
NOTE = "@note"  # descriptive, not an identifier: kept as "label: value" in notes
PREVIOUS_REG = "@previous-registration"  # a former tail number: still an identifier

# OFAC idType label -> FtM property (or one of the targets above). Identifier kinds FtM has
# no property for go to idNumber with their kind in notes; so do labels OFAC adds later.
ID_TYPES: dict[str, str] = {
    "Passport": "passportNumber",
    "Diplomatic Passport": "passportNumber",
    "British National Overseas Passport": "passportNumber",
    "Stateless Person Passport": "passportNumber",
    "Tax ID No.": "taxNumber",
    "R.F.C.": "taxNumber",
    "RFC": "taxNumber",
    "NIT #": "taxNumber",
    "RUC #": "taxNumber",
    "RIF #": "taxNumber",
    "RTN": "taxNumber",
    "V.A.T. Number": "taxNumber",
    "C.U.I.T.": "taxNumber",
    "C.I.F.": "taxNumber",
    "N.I.F.": "taxNumber",
    "US FEIN": "taxNumber",
    "Italian Fiscal Code": "taxNumber",
    "Fiscal Code": "taxNumber",
    "Romanian Tax Registration": "taxNumber",
    "Paraguayan tax identification number": "taxNumber",
    "Numero Unico de Identificacao Tributaria (NUIT)": "taxNumber",
    "Registration Number": "registrationNumber",
    "Registration ID": "registrationNumber",
    "Business Registration Number": "registrationNumber",
    "Business Registration Document #": "registrationNumber",
    "Business Number": "registrationNumber",
    "Company Number": "registrationNumber",
    "UK Company Number": "registrationNumber",
    "Commercial Registry Number": "registrationNumber",
    "C.R. No.": "registrationNumber",
    "C.I.N.": "registrationNumber",
    "Romanian C.R.": "registrationNumber",
    "Certificate of Incorporation Number": "registrationNumber",
    "Chamber of Commerce Number": "registrationNumber",
    "Istanbul Chamber of Comm. No.": "registrationNumber",
    "Dubai Chamber of Commerce Membership No.": "registrationNumber",
    "Registration Certificate Number (Dubai)": "registrationNumber",
    "Central Registration System Number": "registrationNumber",
    "Economic Register Number (CBLS)": "registrationNumber",
    "Enterprise Number": "registrationNumber",
    "Branch Unit Number": "registrationNumber",
    "Folio Mercantil No.": "registrationNumber",
    "Matricula Mercantil No": "registrationNumber",
    "Public Registration Number": "registrationNumber",
    "Registered Charity No.": "registrationNumber",
    "Trade License No.": "registrationNumber",
    "Unified Social Credit Code (USCC)": "registrationNumber",
    "United Social Credit Code Certificate (USCCC)": "registrationNumber",
    "Russian State Individual Business Registration Number Pattern (OGRNIP)": (
        "registrationNumber"
    ),
    "Legal Entity Number": "leiCode",
    "D-U-N-S Number": "dunsCode",
    "SWIFT/BIC": "swiftBic",
    "Email Address": "email",
    "Website": "website",
    "Phone Number": "phone",
    "Gender": "gender",
    "Organization Established Date": "incorporationDate",
    "Organization Type:": "sector",
    "Registration Country": "jurisdiction",
    "Nationality of Registration": "country",
    "Issuer Name": "alias",  # CMIC list: the listed company's own names as a securities issuer
    "Target Type": NOTE,
    "Aircraft Operator": NOTE,
    "Vessel Registration Identification": "imoNumber",
    "MMSI": "mmsi",
    "Other Vessel Call Sign": "callSign",
    "Other Vessel Flag": "flag",
    "Former Vessel Flag": "pastFlags",
    "Other Vessel Type": "type",
    "Vessel Year of Build": "buildDate",
    "Aircraft Model": "model",
    "Aircraft Manufacture Date": "buildDate",
    "Aircraft Manufacturer's Serial Number (MSN)": "serialNumber",
    "Aircraft Serial Identification": "serialNumber",
    # The construction number (c/n) is the airframe's manufacturer serial for these types.
    "Aircraft Construction Number (also called L/N or S/N or F/N)": "serialNumber",
    "Aircraft Tail Number": "registrationNumber",
    "Previous Aircraft Tail Number": PREVIOUS_REG,
    # The Mode S code is the aircraft's ICAO 24-bit transponder address.
    "Aircraft Mode S Transponder Code": "icaoCode",
    "Secondary sanctions risk:": PROVISION,
    "Additional Sanctions Information -": PROVISION,
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:": (
        PROVISION
    ),
    "CAATSA Section 235 Information:": PROVISION,
    "IFCA Determination -": PROVISION,
    "PEESA Information:": PROVISION,
    "Executive Order 13662 Directive Determination -": PROVISION,
    "Executive Order 13846 information:": PROVISION,
    "Executive Order 14014 Directive Information:": PROVISION,
    "Executive Order 14024 Directive Information -": PROVISION,
    "Executive Order 14024 Directive Information": PROVISION,
}

# Identifier kinds FtM has no property for. Listed (not just defaulted) because the CSV
# recognises an id segment in free-text remarks only by a known label.
_ID_NUMBER_LABELS = (
    "Identification Number",
    "National ID No.",
    "National Foreign ID Number",
    "Personal ID Card",
    "Citizen's Card Number",
    "Cedula No.",
    "C.U.R.P.",
    "C.U.I.",
    "C.U.I.P.",
    "D.N.I.",
    "N.I.E.",
    "I.F.E.",
    "LE Number",
    "SSN",
    "CNP (Personal Numerical Code)",
    "Numero de Identidad",
    "Turkish Identification Number",
    "Tazkira National ID Card",
    "Kenyan ID No.",
    "Bosnian Personal ID No.",
    "Moroccan Personal ID No.",
    "UAE Identification",
    "Birth Certificate Number",
    "Credencial electoral",
    "Electoral Registry No.",
    "Cartilla de Servicio Militar Nacional",
    "Military Registration Number",
    "Driver's License No.",
    "Pilot License Number",
    "Seafarer's Identification Document",
    "Travel Document Number",
    "Refugee ID Card",
    "Stateless Person ID Card",
    "Residency Number",
    "Romanian Permanent Resident",
    "Immigration No.",
    "Public Security and Immigration No.",
    "VisaNumberID",
    "Chinese Commercial Code",
    "Serial No.",
    "File Number",
    "License",
    "Tourism License No.",
    "Afghan Money Service Provider License Number",
    "MSB Registration Number",
    "Permit Number",
    "SRE Permit No.",
    "Government Gazette Number",
    "Organization Code",
    "BIK (RU)",
    "Trademark number",
    "UN/LOCODE",
    "ISIN",
    "Equity Ticker",
    "MICEX Code",
)
ID_TYPES.update((label, "idNumber") for label in _ID_NUMBER_LABELS)

# Properties holding identifiers: on a schema without them (a Vessel has no passportNumber)
# a value moves to idNumber or registrationNumber instead of being dropped.
IDENTIFIER_PROPS = frozenset(
    {
        "passportNumber",
        "idNumber",
        "taxNumber",
        "registrationNumber",
        "leiCode",
        "dunsCode",
        "swiftBic",
        "imoNumber",
        "mmsi",
        "callSign",
        "serialNumber",
        "icaoCode",
    }
)

# Directive dates and other sanction terms OFAC keeps adding under new, dated labels.
_PROVISION_LABEL = re.compile(
    r"(?:Listing Date|Effective Date|Purchase/Sales For Divestment Date) \([^)]*\):?"
    r"|Executive Order \d+ [A-Za-z ]+?(?::| -)"
)

# The CSV has no separate id list: remark segments start with the same labels. Longest
# first, because Python's regex alternation takes the first branch that matches.
_ID_LABEL_IN_REMARK = re.compile(
    r"(?P<label>"
    + "|".join(re.escape(k) for k in sorted(ID_TYPES, key=len, reverse=True))
    + r"|Digital Currency Address - [A-Za-z0-9]+"
    + r"|"
    + _PROVISION_LABEL.pattern
    + r") (?P<value>.+)"
)
_PROSE = re.compile(r"^(?:issued|expires|No\.)|\b(?:and|or|were)\b")
_ID_TAIL = re.compile(
    r"(?P<number>.+?)(?: \((?P<country>[^()]+)\))?(?: issued [^;]+?)?(?: expires [^;]+)?"
)


def id_target(label: str) -> str:
    """Where the value of an OFAC id label goes (see ID_TYPES); unknown kinds -> idNumber."""
    target = ID_TYPES.get(label)
    if target is not None:
        return target
    if _PROVISION_LABEL.fullmatch(label):
        return PROVISION
    return "idNumber"


def split_remark_id(segment: str) -> tuple[str, str, str | None] | None:
    """A CSV remark segment that is an id: (label, number, country), else None."""
    match = _ID_LABEL_IN_REMARK.fullmatch(segment)
    if match is None:
        return None
    label, value = match.group("label"), match.group("value").strip()
    if id_target(label) not in IDENTIFIER_PROPS:
        return label, value, None
    tail = _ID_TAIL.fullmatch(value)
    number, country = (tail.group("number"), tail.group("country")) if tail else (value, None)
    # Remarks also hold prose about documents ("Passport issued 21 Jun 1992 in Amman",
    # "Passport OR801168 and Kuwaiti National ID No. …"): that is not a number.
    if _PROSE.search(number):
        return None
    return label, number, country


_DAY_MONTH_YEAR = re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4}")
_MONTH_YEAR = re.compile(r"[A-Z][a-z]{2} \d{4}")
_YEAR = re.compile(r"\d{4}")
_IMO = re.compile(r"IMO ?(?P<digits>\d{7})")
_SEVEN_DIGITS = re.compile(r"\d{7}")


def ofac_dates(value: str | None) -> list[str]:
    """OFAC dates to ISO prefixes: '10 Dec 1948', 'Mar 1962', 'circa 1951', ranges' ends.

    A value that cannot be read is returned as is, so FtM rejects it with a warning
    rather than the date vanishing silently.
    """
    if not value:
        return []
    dates = []
    for part in re.split(r"\s+to\s+", value.strip().removeprefix("circa ").strip()):
        # Matched before strptime: a failed strptime is slow, and these are 30k values.
        iso: str | None = part if _YEAR.fullmatch(part) else None
        try:
            if _DAY_MONTH_YEAR.fullmatch(part):
                iso = datetime.strptime(part, "%d %b %Y").date().isoformat()
            elif _MONTH_YEAR.fullmatch(part):
                iso = datetime.strptime(part, "%b %Y").strftime("%Y-%m")
        except ValueError:
            iso = None
        dates.append(iso or parse_date(part) or part)
    return dates


def imo_number(value: str, *, bare_digits: bool = False) -> str | None:
    """'IMO 9187629' -> 'IMO9187629'; with ``bare_digits`` also '9187629'. Else None."""
    match = _IMO.fullmatch(value)
    if match is not None:
        return "IMO" + match.group("digits")
    if bare_digits and _SEVEN_DIGITS.fullmatch(value):
        return "IMO" + value
    return None
