"""Canada Consolidated Autonomous Sanctions List (``sema-lmes.xml``: ``data-set/record``).

Records have no id of their own: each is item N of a schedule of one country's SEMA
regulations (or of the JVCFOR). The record id is built from those three fields, e.g.
``syria-2-74`` or ``russia-1p2-27``, so it stays the same while Canada keeps the item.
The file carries no date, so ``published_at`` stays None.

``Country`` names the regulations (the "Ukraine" schedule lists Russian officials, the
JVCFOR is no country at all), so it becomes the Sanction's ``program``, not the target's
``country``; the schedule becomes its ``provisions``.

Newer exports rename some elements (``EntityOrShip``, ``ShipIMONumber``, ``TitleOrShip``,
``DateOfBirthOrShipBuildDate``, ``DateOfListing``); both spellings are read.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from accord.lists.parsers.base import ListContext, iter_xml, strip_ns, text
from accord.lists.parsers.freetext import find_dates, first_full_date, normalise_imo

_SPACES = re.compile(r"\s+")
_ABBREVIATION = re.compile(r"\(([A-Z]{3,})\)")
_NUMBER = re.compile(r"\d+")


def parse(path: Path, ctx: ListContext) -> None:
    for position, record in enumerate(
        iter_xml(path, ctx, "record", root_tags=["data-set"]), start=1
    ):
        strip_ns(record)
        _parse_record(ctx, record, position)


def _clean(value: str | None) -> str:
    """Whitespace runs (tabs, no-break spaces) collapsed; the spelling is kept."""
    return _SPACES.sub(" ", value).strip() if value else ""


def _field(record: etree._Element, *tags: str) -> str:
    for tag in tags:
        value = _clean(text(record, tag))
        if value:
            return value
    return ""


def build_record_id(country: str, schedule: str, item: str) -> str:
    """``<country>-<schedule>-<item>``; Part 1 of a schedule is written as the bare schedule
    so "1" and "1, Part 1" (the newer spelling) give the same id."""
    english = country.split(" / ")[0]
    abbreviation = _ABBREVIATION.search(english)
    key = abbreviation.group(1) if abbreviation else english
    parts = [re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")]
    numbers = _NUMBER.findall(schedule)
    if numbers:
        parts.append(numbers[0] if numbers[1:2] in ([], ["1"]) else f"{numbers[0]}p{numbers[1]}")
    parts.append(item)
    return "-".join(parts)


def _bilingual(name: str) -> list[str]:
    """ "Iranian Army/Armée iranienne" → both names; "GORT/ORTAS" or "Hmaw Bi/Pyi/Ywama" stay."""
    halves = name.split("/")
    if len(halves) == 2 and all(" " in h.strip() for h in halves):
        return [h.strip() for h in halves]
    return [name]


def _aliases(value: str) -> list[str]:
    return [a.strip().strip("()").strip() for a in value.split(",") if a.strip().strip("()")]


def _parse_record(ctx: ListContext, record: etree._Element, position: int) -> None:
    country = _field(record, "Country")
    item = _field(record, "Item")
    if not country or not item:
        raise ctx.error(f"record #{position} has no Country or Item to identify it")
    schedule = _field(record, "Schedule")
    if schedule.upper() in ("N/A", "NA"):
        schedule = ""
    record_id = build_record_id(country, schedule, item)

    last, given = _field(record, "LastName"), _field(record, "GivenName")
    organisation = _field(record, "Entity", "EntityOrShip")
    ship = _field(record, "ShipName")
    imo = _field(record, "ShipIMONumber", "IMONumber", "IMO")
    title = _field(record, "Title", "TitleOrShip")
    if last or given:
        kind, schema, names = "individual", "Person", [" ".join(p for p in (given, last) if p)]
    elif ship or imo:
        # Newer exports put a ship's name in EntityOrShip (or TitleOrShip) next to its IMO.
        kind, schema, names = "vessel", "Vessel", [ship or organisation or title]
    else:
        kind, schema, names = "entity", "Organization", _bilingual(organisation)
    entity = ctx.make(schema, record_id)
    ctx.add(entity, "name", names[0], record=record_id)
    ctx.add(entity, "alias", names[1:], record=record_id)

    aliases = _aliases(_field(record, "Aliases"))
    if schema == "Person":
        ctx.add(entity, "firstName", given, record=record_id)
        ctx.add(entity, "lastName", last, record=record_id)
        ctx.add(entity, "title", [t.strip() for t in title.split("/")], record=record_id)
        # Canada gives variant spellings of one name part ("Andrei" for Andrey, "ERYGIN" for
        # YERYGIN) or a nickname ("Givi"): one word alone is too weak to match on.
        ctx.add(entity, "alias", [a for a in aliases if " " in a], record=record_id)
        ctx.add(entity, "weakAlias", [a for a in aliases if " " not in a], record=record_id)
    else:
        ctx.add(entity, "alias", [n for a in aliases for n in _bilingual(a)], record=record_id)

    born = _field(record, "DateOfBirth", "DateOfBirthOrShipBuildDate")
    if schema == "Organization":
        # Not seen for entities; kept as written rather than guessed to be a founding date.
        ctx.add(entity, "notes", f"Date: {born}" if born else None, record=record_id)
    else:
        date_prop = "buildDate" if schema == "Vessel" else "birthDate"
        ctx.add(entity, date_prop, find_dates(born), record=record_id)
    if imo:
        normalised = normalise_imo(imo)
        prop = "imoNumber" if normalised else "registrationNumber"
        ctx.add(entity, prop, normalised or imo, record=record_id)

    sanction = ctx.sanction(
        entity,
        record_id,
        program=country,
        listing_date=first_full_date(_field(record, "DateOfListing")),
    )
    # The schedule says which measures apply (Schedule 1 Part 1 asset freeze, Part 2…).
    ctx.add(sanction, "provisions", f"Schedule {schedule}" if schedule else None, record=record_id)
    ctx.emit(record_id, kind, [entity, sanction])
