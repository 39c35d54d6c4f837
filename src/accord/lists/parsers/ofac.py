"""OFAC legacy exports: ``sdn.xml`` / ``consolidated.xml`` (one schema) and ``SDN.CSV``.

The XML is the complete form. SDN.CSV holds only the primary records: OFAC ships strong
aliases, addresses and overflow remarks in ADD.CSV, ALT.CSV and SDN_COMMENTS.CSV, so from
SDN.CSV alone a record has its name, vessel columns and whatever its remarks (cut at 1,000
characters) say. Both parsers give a record the same entity ids and property mapping.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from accord.lists.parsers.base import ListContext, iter_xml, open_binary
from accord.lists.parsers.ofac_fields import (
    IDENTIFIER_PROPS,
    KINDS,
    NOTE,
    PREVIOUS_REG,
    PROVISION,
    id_target,
    imo_number,
    ofac_dates,
    split_remark_id,
)

_DATE_PROPS = frozenset({"birthDate", "incorporationDate", "buildDate"})

_CSV_COLUMNS = 12
_CSV_REMARKS_MAX = 1000  # OFAC cuts SDN.CSV remarks here; the rest is in SDN_COMMENTS.CSV
_CSV_NULL = "-0-"
# Latin-1 decodes every byte, so bad input shows up as control characters, which no OFAC
# text contains. 0x1A (DOS end-of-file) is allowed only as the file's last byte.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_REMARK_ALIAS = re.compile(r"[afn]\.k\.a\. '(?P<name>.+)'")
_DIGITS_PHONE = re.compile(r"\d{8,15}")


class _Record:
    """One OFAC record being read: its main entity and Sanction, mapped alike from XML/CSV."""

    def __init__(
        self, ctx: ListContext, record_id: str, sdn_type: str, programs: Iterable[str]
    ) -> None:
        kind_schema = KINDS.get(sdn_type.strip().lower())
        if kind_schema is None:
            raise ctx.error(f"unknown SDN type {sdn_type!r}", record_id)
        self.ctx = ctx
        self.record_id = record_id
        self.kind, schema = kind_schema
        self.main = ctx.make(schema, record_id)
        self.sanction = ctx.sanction(self.main, record_id, program=list(programs))

    def emit(self) -> None:
        self.ctx.emit(self.record_id, self.kind, [self.main, self.sanction])

    def note(self, note: str) -> None:
        self.ctx.add(self.main, "notes", note, record=self.record_id)

    def names(self, first: str | None, last: str | None) -> None:
        self.put("name", _full_name(first, last))
        if self.kind == "individual":
            self.put("firstName", first)
            self.put("lastName", last)

    def put(self, prop: str, values: str | Iterable[str] | None, label: str = "") -> None:
        """Add values; what the schema has no property for, or FtM rejects, goes to notes."""
        if values is None:
            return
        label = label or prop
        for value in [values] if isinstance(values, str) else values:
            if not value:
                continue
            if prop not in self.main.schema.properties:
                if prop in IDENTIFIER_PROPS:
                    fallback = "idNumber" if "idNumber" in self.main.schema.properties else None
                    self.put(fallback or "registrationNumber", value)
                self.note(f"{label}: {value}")
                continue
            cleaned = value
            if prop == "phone" and _DIGITS_PHONE.fullmatch(value):
                # OFAC writes international numbers without the "+" (982188526300 is Tehran).
                cleaned = "+" + value
            before = len(self.ctx.warnings)
            self.ctx.add(self.main, prop, cleaned, record=self.record_id)
            if len(self.ctx.warnings) > before:
                # FtM rejected it (and said so in a warning); the official text is kept.
                self.note(f"{label}: {value}")

    def add_id(self, label: str, number: str, country: str | None) -> None:
        """One OFAC id (XML idList/id, or a CSV remark segment) into its property."""
        target = id_target(label)
        tidy = label.rstrip(" :-")
        # Ship-owner companies carry their IMO company number under "Company Number" or
        # "Identification Number"; the vessel label also holds a few national register ids.
        imo = imo_number(number, bare_digits=target == "imoNumber")
        if imo is not None:
            self.put("imoNumber", imo, tidy)
        elif target == "imoNumber":
            self.put("registrationNumber", number, tidy)
            self.note(f"{tidy}: {number}")
        elif target == PROVISION:
            provision = f"{tidy}: {number}"
            self.ctx.add(self.sanction, "provisions", provision, record=self.record_id)
            if tidy.startswith("Listing Date"):
                # The only listing dates the legacy format has (CMIC list, EO 14024 directives).
                dates = ofac_dates(number)
                self.ctx.add(self.sanction, "listingDate", dates, record=self.record_id)
        elif target == NOTE:
            self.note(f"{tidy}: {number}")
        elif target == PREVIOUS_REG:
            self.put("registrationNumber", number, tidy)
            self.note(f"{tidy}: {number}")
        elif target == "idNumber":
            # The kind (Cedula, C.U.R.P., SSN, wallet currency…) has no FtM property.
            self.put("idNumber", number, tidy)
            self.note(f"{tidy}: {number}" + (f" ({country})" if country else ""))
        elif target in _DATE_PROPS:
            self.put(target, ofac_dates(number), tidy)
        else:
            self.put(target, number, tidy)

    def vessel(self, fields: Mapping[str, str | None]) -> None:
        self.put("callSign", fields.get("callSign"), "Call sign")
        self.put("type", fields.get("vesselType"), "Vessel type")
        self.put("flag", fields.get("vesselFlag"), "Flag")
        self.put("tonnage", _number(fields.get("tonnage")), "Tonnage")
        grt = _number(fields.get("grossRegisteredTonnage"))
        self.put("grossRegisteredTonnage", grt, "GRT")
        owner = fields.get("vesselOwner")
        if owner:
            self.note(f"Owner: {owner}")


def _full_name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p)


def _number(value: str | None) -> str | None:
    return value.replace(",", "") if value else None


def _alias_prop(aka_type: str | None, category: str | None) -> str:
    # Quality first: a weak f.k.a. is still too weak to match on as a former name.
    if category == "weak":
        return "weakAlias"
    return "previousName" if aka_type == "f.k.a." else "alias"


# -- XML -------------------------------------------------------------------------------------
def parse_xml(path: Path, ctx: ListContext) -> None:
    """sdn.xml / consolidated.xml: one ``sdnEntry`` per record, keyed by its ``uid``."""
    expected: int | None = None
    for elem in iter_xml(path, ctx, ("publshInformation", "sdnEntry"), root_tags=["sdnList"]):
        if _local(elem) == "publshInformation":
            expected = _publish_info(ctx, _leaves(elem))
        else:
            _xml_record(ctx, elem).emit()
    if ctx.published_at is None:
        ctx.warnings.append("no readable Publish_Date: publication date unknown")
    if expected is not None and expected != len(ctx.records):
        ctx.warnings.append(
            f"Record_Count says {expected} entries but the file has {len(ctx.records)}"
        )


def _publish_info(ctx: ListContext, info: dict[str, str]) -> int | None:
    """``publshInformation`` (sic): the US-style Publish_Date; returns Record_Count."""
    raw_date = info.get("Publish_Date")
    if raw_date:
        try:
            ctx.published_at = datetime.strptime(raw_date, "%m/%d/%Y").replace(tzinfo=UTC)
        except ValueError:
            ctx.warnings.append(f"unreadable Publish_Date {raw_date!r}")
    count = info.get("Record_Count", "")
    return int(count) if count.isdigit() else None


# An entry is read in one pass over its children, by local name: this replaces strip_ns()
# and some 400,000 find() calls on the SDN list, a third of its parse time.
def _local(elem: etree._Element) -> str:
    tag = elem.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _leaves(elem: etree._Element) -> dict[str, str]:
    """The non-empty texts of an element's children, by local name."""
    found = {}
    for child in elem:
        value = (child.text or "").strip()
        if value:
            found[_local(child)] = value
    return found


def _xml_record(ctx: ListContext, entry: etree._Element) -> _Record:
    fields: dict[str, str] = {}
    groups: dict[str, list[dict[str, str]]] = {}
    programs: list[str] = []
    vessel: dict[str, str] = {}
    for child in entry:
        name = _local(child)
        if name == "programList":
            programs = [p for p in ((item.text or "").strip() for item in child) if p]
        elif name == "vesselInfo":
            vessel = _leaves(child)
        elif len(child):
            groups[name] = [_leaves(item) for item in child]
        elif child.text and child.text.strip():
            fields[name] = child.text.strip()
    uid = fields.get("uid")
    if uid is None:
        raise ctx.error("sdnEntry without uid")
    rec = _Record(ctx, uid, fields.get("sdnType", ""), programs)
    rec.names(fields.get("firstName"), fields.get("lastName"))
    rec.put("position", fields.get("title"), "Title")
    for aka in groups.get("akaList", []):
        prop = _alias_prop(aka.get("type"), aka.get("category"))
        rec.put(prop, _full_name(aka.get("firstName"), aka.get("lastName")), "a.k.a.")
    for item in groups.get("dateOfBirthList", []):
        rec.put("birthDate", ofac_dates(item.get("dateOfBirth")), "DOB")
    rec.put("birthPlace", _each(groups, "placeOfBirthList", "placeOfBirth"), "POB")
    rec.put("nationality", _each(groups, "nationalityList", "country"), "Nationality")
    rec.put("citizenship", _each(groups, "citizenshipList", "country"), "Citizenship")
    for address in groups.get("addressList", []):
        street = ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode")
        parts = [address[tag] for tag in street if tag in address]
        country = address.get("country")
        # An address that is only a country says no more than the country property.
        if parts:
            rec.put("address", ", ".join([*parts, country] if country else parts), "Address")
        rec.put("country", country, "Country")
    for item in groups.get("idList", []):
        label, number = item.get("idType"), item.get("idNumber")
        if label and number:
            rec.add_id(label, number, item.get("idCountry"))
    rec.vessel(vessel)
    rec.put("notes", fields.get("remarks"))
    return rec


def _each(groups: dict[str, list[dict[str, str]]], group: str, field: str) -> list[str]:
    return [item[field] for item in groups.get(group, []) if field in item]


# -- CSV -------------------------------------------------------------------------------------
def parse_csv(path: Path, ctx: ListContext) -> None:
    """SDN.CSV: no header; ent_num, name, type, program, title, call sign, vessel type,
    tonnage, GRT, flag, owner, remarks; "-0-" is empty. It carries no publication date."""
    content = _read_csv_text(path, ctx)
    reader = csv.reader(io.StringIO(content), strict=True)
    try:
        for row in reader:
            if row:
                _csv_record(ctx, row, reader.line_num).emit()
    except csv.Error as exc:
        raise ctx.error(f"malformed CSV at line {reader.line_num}: {exc}") from exc
    ctx.warnings.append("SDN.CSV carries no publication date")


def _read_csv_text(path: Path, ctx: ListContext) -> str:
    # 4 MB at most: read whole, so the encoding can be decided before any row is parsed.
    try:
        with open_binary(path) as fh:
            raw = fh.read()
    except (OSError, EOFError) as exc:
        raise ctx.error(f"cannot read file: {exc}") from exc
    if not raw.rstrip().endswith(b"\x1a"):
        # OFAC ends SDN.CSV with a DOS end-of-file byte: without it, a cut at a row boundary
        # would look complete. Only a warning, in case OFAC modernises the export.
        ctx.warnings.append("no end-of-file byte (0x1A): SDN.CSV may be truncated")
    raw = raw.rstrip().removesuffix(b"\x1a")
    if not raw.strip():
        raise ctx.error("empty file")
    # OFAC documents Latin-1 (the copy seen is plain ASCII); a UTF-8 export keeps its accents.
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError:
        content = raw.decode("latin-1")
    bad = _CONTROL_CHARS.search(content)
    if bad is not None:
        line = content.count("\n", 0, bad.start()) + 1
        raise ctx.error(
            f"invalid byte {ord(bad.group()):#04x} at line {line}: not an OFAC SDN.CSV text file"
        )
    return content


def _csv_record(ctx: ListContext, row: list[str], line: int) -> _Record:
    values = [None if v.strip() in ("", _CSV_NULL) else v.strip() for v in row]
    uid = values[0]
    if uid is None or not uid.isdigit():
        raise ctx.error(f"line {line}: first column {row[0][:40]!r} is not an OFAC ent_num")
    if len(values) != _CSV_COLUMNS:
        raise ctx.error(
            f"line {line}: {len(values)} columns, SDN.CSV rows have {_CSV_COLUMNS}", uid
        )
    _, name, sdn_type, program, title, call_sign, vtype, tonnage, grt, flag, owner, remarks = values
    programs = [p.strip("[] ") for p in re.split(r"\]\s*\[", program or "")]
    rec = _Record(ctx, uid, sdn_type or _CSV_NULL, [p for p in programs if p])
    if rec.kind == "individual" and name and ", " in name:
        last, first = name.split(", ", 1)
        rec.names(first, last)
    else:
        rec.names(None, name)
    rec.put("position", title, "Title")
    rec.vessel(
        {
            "callSign": call_sign,
            "vesselType": vtype,
            "tonnage": tonnage,
            "grossRegisteredTonnage": grt,
            "vesselFlag": flag,
            "vesselOwner": owner,
        }
    )
    if remarks:
        _csv_remarks(rec, remarks, title)
    return rec


def _csv_remarks(rec: _Record, remarks: str, title: str | None) -> None:
    """Remarks hold the facts of ADD/ALT-less records as '; '-separated, labelled segments."""
    truncated = len(remarks) >= _CSV_REMARKS_MAX and not remarks.endswith(".")
    segments = re.split(r";\s*", remarks.removesuffix("."))
    if truncated:
        # The cut segment cannot be trusted as a value (a half alias, half a wallet address).
        cut = segments.pop().strip()
        if cut:
            rec.note(f"{cut} [remarks cut at {_CSV_REMARKS_MAX} characters]")
        rec.ctx.warnings.append(
            f"record {rec.record_id}: remarks cut at {_CSV_REMARKS_MAX} characters "
            "(the rest is in SDN_COMMENTS.CSV)"
        )
    for segment in (s.strip() for s in segments):
        _csv_segment(rec, segment.removeprefix("alt. "), title)


def _csv_segment(rec: _Record, segment: str, title: str | None) -> None:
    alias = _REMARK_ALIAS.fullmatch(segment)
    if alias is not None:
        # Remarks carry only OFAC's weak aliases; the strong ones live in ALT.CSV.
        rec.put("weakAlias", alias.group("name"), "a.k.a.")
        return
    head, _, rest = segment.partition(" ")
    if head == "DOB":
        rec.put("birthDate", ofac_dates(rest), "DOB")
    elif head == "POB":
        rec.put("birthPlace", rest, "POB")
    elif head == "nationality":
        rec.put("nationality", rest, "Nationality")
    elif head == "citizen":
        rec.put("citizenship", rest, "Citizenship")
    elif segment and segment != title:
        found = split_remark_id(segment)
        if found is None:
            rec.note(segment)
        else:
            rec.add_id(*found)
