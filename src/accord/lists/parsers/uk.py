"""UK OFSI Consolidated List (``ConList.xlsx``, or the same table as ``ConList.csv``).

Row 1 holds "Last Updated" and the list's date, row 2 the header. Each row is one name
variant at one address, so rows are grouped by ``Group ID`` (the record id); a group's
rows are scattered through the sheet, not adjacent. ``Other Information`` carries tagged
segments such as ``(UN Ref):QDi.354`` that are read by tag only, because the prose around
them also cites the UN references of associates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from accord.lists.parsers.base import ListContext
from accord.lists.parsers.freetext import find_dates, first_full_date, normalise_imo, split_numbered
from accord.lists.parsers.tabular import Cell, Facts, cell_text, read_csv_rows, read_xlsx_rows

SHEET = "Data"
HEADER_ROW = 2
NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
ADDRESS_COLUMNS = (
    *(f"Address {i}" for i in range(1, 7)),
    "Post/Zip Code",
    "Country",
)
# Names, identifiers and the regime must be there; a renamed column would otherwise drop
# them silently. Descriptive columns OFSI has renamed before are read when present.
REQUIRED = (
    *NAME_COLUMNS,
    *ADDRESS_COLUMNS,
    "Title",
    "DOB",
    "Nationality",
    "Passport Number",
    "National Identification Number",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Group ID",
)

GROUP_TYPES = {
    "individual": ("individual", "Person"),
    "entity": ("entity", "Organization"),
    "ship": ("vessel", "Vessel"),
}

# The tags OFSI writes at the top level of Other Information. Nested labels such as
# "(Fax):" inside a phone segment are deliberately not listed: they belong to their segment.
_TAG = re.compile(
    r"\((UK Sanctions List Ref|UK Statement of Reasons|UN Ref|Gender|Phone number|"
    r"Email address|Website|Type of entity|Parent company|Subsidiaries|Business Reg No|"
    r"IMO number|Current owners|Flag of ship|Previous flags|Type of ship|Tonnage of ship|"
    r"Length of ship|Year built)\):"
)
_UN_REF = re.compile(r"[A-Z]{2}[ie]\.\d+")
# The references at the start of the UN Ref segment ("QDi.042 and SOi.002. Listed…").
_UN_REFS = re.compile(r"\s*(?:UN Ref\s*)?[A-Z]{2}[ie]\.\d+(?:\s*(?:and|,|&)\s*[A-Z]{2}[ie]\.\d+)*")
_UK_REF = re.compile(r"\b[A-Z]{3}\d{4}\b")
_PHONE_LABEL = re.compile(r"\((?:Fax|Tel|Phone)\):")

Row = dict[str, str]


def parse(path: Path, ctx: ListContext) -> None:
    if path.suffix.lower() == ".csv":
        table = read_csv_rows(path, ctx, header_row=HEADER_ROW, required=REQUIRED)
    else:
        table = read_xlsx_rows(path, ctx, sheet=SHEET, header_row=HEADER_ROW, required=REQUIRED)
    groups: dict[str, list[Row]] = {}
    for number, raw in table.rows:
        row = {name: cell_text(value) for name, value in raw.items()}
        group_id = row["Group ID"]
        if not group_id:
            raise ctx.error(f"row {number} has no Group ID")
        groups.setdefault(group_id, []).append(row)
    ctx.published_at = _published_at(ctx, table.preamble, groups)
    for group_id, rows in groups.items():
        _emit_group(ctx, group_id, rows)


def _published_at(
    ctx: ListContext, preamble: list[list[Cell]], groups: dict[str, list[Row]]
) -> datetime | None:
    """The "Last Updated" date above the header; else the newest row date, with a warning."""
    for line in preamble:
        cells = [c for c in line if cell_text(c)]
        if len(cells) >= 2 and cell_text(cells[0]).lower() == "last updated":
            value = cells[1]
            day = value if isinstance(value, date) else first_full_date(cell_text(value))
            if day:
                return _utc(day)
    rows_updated = [
        d for rows in groups.values() for r in rows if (d := first_full_date(r.get("Last Updated")))
    ]
    ctx.warnings.append("no 'Last Updated' date above the header; using the newest row date")
    return _utc(max(rows_updated)) if rows_updated else None


def _utc(day: str | date) -> datetime:
    value = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _emit_group(ctx: ListContext, group_id: str, rows: list[Row]) -> None:
    group_type = rows[0]["Group Type"].strip().lower()
    if group_type not in GROUP_TYPES:
        raise ctx.error(f"unknown Group Type {rows[0]['Group Type']!r}", group_id)
    if any(r["Group Type"].strip().lower() != group_type for r in rows):
        ctx.warnings.append(f"record {group_id}: rows disagree on Group Type; using the first")
    kind, schema = GROUP_TYPES[group_type]
    entity = ctx.make(schema, group_id)
    facts = Facts()
    _gather_names(ctx, facts, group_id, rows, is_person=schema == "Person")
    for row in rows:
        _gather_row_facts(facts, row)
    # Other Information is the same on every row of a group in the files seen; should it
    # ever differ, every version is kept and the first row's tags win.
    others = _unique(r["Other Information"] for r in rows)
    tags: dict[str, str] = {}
    for other in others:
        tags = _tagged_segments(other) | tags
    _gather_tagged_facts(facts, tags, is_person=schema == "Person")
    facts.put("notes", others)
    facts.apply(ctx, entity, group_id)

    uk_refs = _UK_REF.findall(tags.get("UK Sanctions List Ref", "").split(". ")[0])
    un_refs = _UN_REFS.match(tags.get("UN Ref", ""))
    designated = _earliest(r.get("UK Sanctions List Date Designated") for r in rows)
    listed_on = _earliest(r["Listed On"] for r in rows)
    sanction = ctx.sanction(
        entity,
        group_id,
        program=_unique(r["Regime"] for r in rows),
        listing_date=designated or listed_on,
        source_record_id=uk_refs[0] if uk_refs else None,
        unsc_id=_UN_REF.findall(un_refs.group(0)) if un_refs else None,
        reason=tags.get("UK Statement of Reasons"),
    )
    # "Listed On" is when the asset freeze first applied in the UK (often under an EU-era
    # regime); the designation date above is the current UK designation.
    ctx.add(sanction, "startDate", listed_on, record=group_id)
    ctx.add(sanction, "authorityId", uk_refs[1:], record=group_id)
    ctx.emit(group_id, kind, [entity, sanction])


def _full_name(row: Row) -> str:
    return " ".join(row[c] for c in NAME_COLUMNS if row[c])


def _gather_names(
    ctx: ListContext, facts: Facts, group_id: str, rows: list[Row], *, is_person: bool
) -> None:
    alias_types = [r["Alias Type"].strip().lower() for r in rows]
    primary = [r for r, t in zip(rows, alias_types, strict=True) if t == "primary name"]
    if not primary:
        # Two groups in the April 2025 file only have "Primary name variation" rows.
        variations = [r for r, t in zip(rows, alias_types, strict=True) if "primary" in t]
        primary = (variations or rows)[:1]
        ctx.warnings.append(
            f"record {group_id}: no 'Primary name' row; using {_full_name(primary[0])!r}"
        )
    for row in primary:
        facts.put("name", _full_name(row))
        if is_person:
            facts.put("firstName", row["Name 1"])
            facts.put("secondName", row["Name 2"])
            facts.put("middleName", [row["Name 3"], row["Name 4"], row["Name 5"]])
            facts.put("lastName", row["Name 6"])
    aliases: list[str] = []
    weak: list[str] = []
    for row, alias_type in zip(rows, alias_types, strict=True):
        aliases.append(row.get("Name Non-Latin Script", ""))
        name = _full_name(row)
        if any(row is p for p in primary) or not name:
            continue
        if alias_type == "fka":
            facts.put("previousName", name)
        elif row.get("Alias Quality", "").strip().lower() == "low quality":
            weak.append(name)
        else:
            # AKA, Primary name variation, "Name Non-Latin Script" and any new alias type.
            aliases.append(name)
    names = set(facts.get("name"))
    facts.put("alias", [a for a in aliases if a not in names])
    # A spelling OFSI also gives as a good alias (or as the name) is not a weak one.
    facts.put("weakAlias", [w for w in weak if w not in names and w not in aliases])


def _gather_row_facts(facts: Facts, row: Row) -> None:
    facts.put("title", split_numbered(row["Title"]))
    facts.put("birthDate", find_dates(row["DOB"]))
    towns = split_numbered(row.get("Town of Birth"))
    countries = split_numbered(row.get("Country of Birth"))
    if towns and len(towns) == len(countries):
        facts.put("birthPlace", [f"{t}, {c}" for t, c in zip(towns, countries, strict=True)])
    else:
        facts.put("birthPlace", towns or countries)
    facts.put("birthCountry", countries)
    facts.put("nationality", split_numbered(row["Nationality"]))
    facts.put("passportNumber", split_numbered(row["Passport Number"]))
    facts.put("idNumber", split_numbered(row["National Identification Number"]))
    for column in ("Passport Details", "National Identification Details"):
        if row.get(column):
            facts.put("notes", f"{column}: {row[column]}")
    facts.put("position", split_numbered(row.get("Position")))
    facts.put("address", ", ".join(row[c] for c in ADDRESS_COLUMNS if row[c]))
    facts.put("country", row["Country"])


def _tagged_segments(text: str) -> dict[str, str]:
    """``(Tag):value`` segments by tag; a repeated tag keeps its first value."""
    segments: dict[str, str] = {}
    matches = list(_TAG.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        segments.setdefault(match.group(1), text[match.end() : end].strip())
    return segments


def _gather_tagged_facts(facts: Facts, tags: dict[str, str], *, is_person: bool) -> None:
    gender = tags.get("Gender", "").split(" ")[0].strip(".").lower()
    facts.put("gender", gender if gender in ("male", "female") else None)
    phones = split_numbered(tags.get("Phone number"))
    facts.put("phone", [p.strip() for item in phones for p in _PHONE_LABEL.split(item)])
    facts.put("email", split_numbered(tags.get("Email address")))
    facts.put("website", split_numbered(tags.get("Website")))
    facts.put("registrationNumber", split_numbered(tags.get("Business Reg No")))
    if not is_person:
        facts.put("legalForm", tags.get("Type of entity"))
    imo = tags.get("IMO number")
    if imo:
        normalised = normalise_imo(imo)
        facts.put("imoNumber" if normalised else "idNumber", normalised or imo)
    facts.put("flag", tags.get("Flag of ship"))
    facts.put("pastFlags", split_numbered(tags.get("Previous flags")))
    facts.put("type", tags.get("Type of ship"))
    facts.put("tonnage", tags.get("Tonnage of ship"))
    facts.put("buildDate", find_dates(tags.get("Year built"))[:1])


def _earliest(values: Iterable[str | None]) -> str | None:
    dates = [d for v in values if (d := first_full_date(v))]
    return min(dates) if dates else None


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
