"""EU Financial Sanctions Files, XML 1.1 (namespace ``http://eu.europa.ec/fpi/fsd/export``).

One ``sanctionEntity`` per record, identified by its ``logicalId``. Facts are attributes of
child elements (``nameAlias``, ``birthdate``, ``identification``…). ``nameAlias`` carries no
primary-name flag and the first alias is often a nickname, so the main name is chosen here.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from followthemoney.proxy import EntityProxy
from lxml import etree

from accord.lists.parsers.base import ListContext, iter_xml, parse_date, strip_ns

ROOT = "export"
_KINDS = {"person": ("Person", "individual"), "enterprise": ("Organization", "entity")}
_GENDER = {"M": "male", "F": "female"}
# identificationTypeCode → FtM property; kinds not listed go to idNumber with a note.
_ID_PROPS = {
    "passport": "passportNumber",
    "id": "idNumber",
    "regnumber": "registrationNumber",
    "fiscalcode": "taxNumber",
    "imo": "imoNumber",
    "swiftbic": "swiftBic",
}
_ID_FLAGS = {
    "diplomatic": "diplomatic",
    "knownExpired": "known expired",
    "knownFalse": "known false",
    "reportedLost": "reported lost",
    "revokedByIssuer": "revoked by issuer",
}
_CONTACTS = {"PHONE": "phone", "EMAIL": "email", "WEB": "website"}
_UNKNOWN_COUNTRY = "00"
# nameAlias remarks that grade an alias; only these few words, so other remarks stay notes.
_WEAK_REMARK = re.compile(r"^\W*low quality (?:alias|a\.k\.a\.)\W*$", re.IGNORECASE)
_STRONG_REMARK = re.compile(r"^\W*(?:good|high) quality (?:alias|a\.k\.a\.)\W*$", re.IGNORECASE)
_FORMER_REMARK = re.compile(
    r"^\W*(?:formerly known as|former name|maiden name|anciennement connue? sous le nom d\W*)\W*$",
    re.IGNORECASE,
)
# The language-neutral ("") and English aliases are the ones the EU writes first in Latin
# script; the other language versions are translations or transliterations of them.
_MAIN_LANGUAGES = ("", "EN")


def parse(path: Path, ctx: ListContext) -> None:
    seen: set[str] = set()
    for elem in iter_xml(path, ctx, "sanctionEntity", root_tags=(ROOT,)):
        if ctx.published_at is None:
            ctx.published_at = _published_at(elem, ctx)
        strip_ns(elem)
        record_id = _attr(elem, "logicalId")
        if not record_id:
            raise ctx.error(f"<sanctionEntity> without logicalId (line {elem.sourceline})")
        if record_id in seen:
            record_id = _repeated_id(ctx, elem, record_id, seen)
        seen.add(record_id)
        _record(ctx, elem, record_id)


def _repeated_id(ctx: ListContext, elem: etree._Element, logical_id: str, seen: set[str]) -> str:
    """A record id for a logicalId published twice (one person under two regimes).

    The EU repeats a few sanctionEntity elements with the same logicalId and
    euReferenceNumber but another programme (AFG and TAQA). Both are published records, so
    the later one is kept apart, named after its programme to stay stable between versions.
    """
    regulation = elem.find("regulation")
    programme = _attr(regulation, "programme") if regulation is not None else None
    candidate = f"{logical_id}-{programme or 'repeat'}"
    number = 2
    while candidate in seen:
        candidate = f"{logical_id}-{programme or 'repeat'}-{number}"
        number += 1
    ctx.warnings.append(
        f"record {logical_id}: logicalId published again (programme {programme}); "
        f"kept as record {candidate}"
    )
    return candidate


def _published_at(elem: etree._Element, ctx: ListContext) -> datetime:
    root = elem
    while (parent := root.getparent()) is not None:
        root = parent
    raw = root.get("generationDate")
    try:
        stamp = datetime.fromisoformat(raw or "")
    except ValueError:
        raise ctx.error(f"root generationDate {raw!r} is not an ISO timestamp") from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _attr(elem: etree._Element, name: str) -> str | None:
    value = elem.get(name)
    if value is None:
        return None
    return value.strip() or None


def _text(elem: etree._Element, tag: str) -> str | None:
    value = elem.findtext(tag)
    return (value.strip() or None) if value else None


def _join(*parts: str | None) -> str | None:
    return ", ".join(p for p in parts if p) or None


def _country(elem: etree._Element) -> tuple[str | None, str | None]:
    """ISO code (lower case) and description, with the EU's "00"/"UNKNOWN" dropped."""
    code = _attr(elem, "countryIso2Code")
    if not code or code == _UNKNOWN_COUNTRY:
        return None, None
    return code.lower(), _attr(elem, "countryDescription")


def _record(ctx: ListContext, elem: etree._Element, rid: str) -> None:
    subject = elem.find("subjectType")
    code = _attr(subject, "code") if subject is not None else None
    schema, kind = _KINDS.get(code or "", ("Organization", "entity"))
    if code not in _KINDS:
        ctx.warnings.append(f"record {rid}: subjectType {code!r} read as an organisation")
    main = ctx.make(schema, rid)
    _names(ctx, main, elem, rid)
    for birth in elem.iterfind("birthdate"):
        _birth(ctx, main, birth, rid)
    for citizenship in elem.iterfind("citizenship"):
        iso, _ = _country(citizenship)
        ctx.add(main, "nationality" if schema == "Person" else "country", iso, record=rid)
        region = _attr(citizenship, "region")
        ctx.add(main, "notes", f"Citizenship region: {region}" if region else None, record=rid)
        ctx.add(main, "notes", _text(citizenship, "remark"), record=rid)
    for address in elem.iterfind("address"):
        _address(ctx, main, address, rid)
    for ident in elem.iterfind("identification"):
        _identification(ctx, main, ident, rid)
    ctx.add(main, "notes", [r.text for r in elem.iterfind("remark")], record=rid)

    regulation = elem.find("regulation")
    sanction = ctx.sanction(
        main,
        rid,
        program=_attr(regulation, "programme") if regulation is not None else None,
        listing_date=_listing_date(elem),
        source_record_id=_attr(elem, "euReferenceNumber"),
        unsc_id=_attr(elem, "unitedNationId"),
    )
    ctx.add(sanction, "summary", _attr(elem, "designationDetails"), record=rid)
    if regulation is not None:
        ctx.add(sanction, "sourceUrl", _text(regulation, "publicationUrl"), record=rid)
    ctx.emit(rid, kind, [main, sanction])


def _listing_date(elem: etree._Element) -> str | None:
    """designationDate; else the earliest regulation that published any part of the record.

    The single ``regulation`` element is often the latest amendment, while every fact's
    ``regulationSummary`` names the act that introduced it, the oldest being the listing.
    """
    designated = parse_date(_attr(elem, "designationDate"))
    if designated:
        return designated
    dates = [
        parse_date(_attr(node, "publicationDate"))
        for node in elem.iter("regulation", "regulationSummary")
    ]
    return min((d for d in dates if d), default=None)


def _is_latin(text: str) -> bool:
    return text.isascii() or all(
        not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text
    )


def _name(alias: etree._Element, key: str) -> str | None:
    """A name attribute with the EU's doubled spaces collapsed ("Iran  Communications")."""
    return " ".join((alias.get(key) or "").split()) or None


def _name_rank(alias: etree._Element, is_person: bool) -> tuple[int, ...]:
    """Prefer current (not weak, not former), Latin-script names; then the registered name.

    Persons: a structured alias (first/last name given) is the registered name, whatever
    its language ("Jimmy Cherizier", not "Barbeque"); then language-neutral or English, then
    the most words ("Aslan Avgazarovich Byutukaev", not "Amir Khazmat"). Organisations:
    language-neutral or English, then multi-word, since one-word names are mostly acronyms
    ("HQN", "ACB"). Among equals the EU's own order decides.
    """
    whole = _name(alias, "wholeName") or ""
    main_language = (_attr(alias, "nameLanguage") or "").upper() in _MAIN_LANGUAGES
    words = len(whole.split())
    structured = bool(_attr(alias, "firstName") or _attr(alias, "lastName"))
    first = (_alias_prop(alias) == "alias", _is_latin(whole))
    if is_person:
        return (*first, structured, main_language, words)
    return (*first, main_language, words > 1)


def _names(ctx: ListContext, main: EntityProxy, elem: etree._Element, rid: str) -> None:
    aliases = [a for a in elem.iterfind("nameAlias") if _name(a, "wholeName")]
    if not aliases:
        return  # emit() reports the record as nameless
    # max() keeps the first of equally ranked aliases, so ties follow the file order.
    is_person = main.schema.is_a("Person")
    best = max(aliases, key=lambda alias: _name_rank(alias, is_person))
    ctx.add(main, "name", _name(best, "wholeName"), record=rid)
    if is_person:
        ctx.add(main, "firstName", _name(best, "firstName"), record=rid)
        ctx.add(main, "middleName", _name(best, "middleName"), record=rid)
        ctx.add(main, "lastName", _name(best, "lastName"), record=rid)
    for alias in aliases:
        if alias is not best:
            ctx.add(main, _alias_prop(alias), _name(alias, "wholeName"), record=rid)
        function, title = _attr(alias, "function"), _attr(alias, "title")
        if is_person:
            ctx.add(main, "position", function, record=rid)
            ctx.add(main, "title", title, record=rid)
            ctx.add(main, "gender", _GENDER.get(_attr(alias, "gender") or ""), record=rid)
        else:
            # Organisations have no position/title; the EU uses function for a description.
            ctx.add(main, "notes", _join(title, function), record=rid)
        remark = _text(alias, "remark")
        if remark and not any(
            p.match(remark) for p in (_WEAK_REMARK, _STRONG_REMARK, _FORMER_REMARK)
        ):
            ctx.add(main, "notes", remark, record=rid)


def _alias_prop(alias: etree._Element) -> str:
    """alias, or weakAlias for strong="false" and "low quality alias" remarks, or
    previousName for "formerly known as" / "maiden name" remarks."""
    remark = _text(alias, "remark") or ""
    if alias.get("strong") == "false" or _WEAK_REMARK.match(remark):
        return "weakAlias"
    if _FORMER_REMARK.match(remark):
        return "previousName"
    return "alias"


def _birth(ctx: ListContext, main: EntityProxy, birth: etree._Element, rid: str) -> None:
    full = parse_date(_attr(birth, "birthdate"))
    partial = _partial_date(*(_attr(birth, k) for k in ("year", "monthOfYear", "dayOfMonth")))
    calendar = _attr(birth, "calendarType") or "GREGORIAN"
    dates = [full, _attr(birth, "yearRangeFrom"), _attr(birth, "yearRangeTo")]
    if calendar == "GREGORIAN":
        dates.append(partial)
    elif partial:
        # "year 1343" in the Iranian Hijri calendar is about 1964: never store it as Gregorian.
        ctx.add(main, "notes", f"Date of birth {partial} ({calendar.lower()} calendar)", record=rid)
    iso, country = _country(birth)
    place = _join(*(_attr(birth, k) for k in ("place", "city", "region", "zipCode")), country)
    remark = _text(birth, "remark")
    if main.schema.is_a("Person"):
        ctx.add(main, "birthDate", [parse_date(d) for d in dates], record=rid)
        ctx.add(main, "birthPlace", place, record=rid)
        ctx.add(main, "birthCountry", iso, record=rid)
    else:
        # The EU gives birth details for persons only; on anything else keep them as text.
        remark = _join(*(d for d in dates if d), place, remark)
    if remark:
        where = _join(full or partial, place)
        ctx.add(main, "notes", f"Birth ({where}): {remark}" if where else remark, record=rid)


def _partial_date(year: str | None, month: str | None, day: str | None) -> str | None:
    """Year, year-month or full ISO date from the separate year/month/day attributes."""
    if not year or not year.isdigit():
        return None
    if not month or not month.isdigit():
        return year
    if not day or not day.isdigit():
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _address(ctx: ListContext, main: EntityProxy, address: etree._Element, rid: str) -> None:
    iso, country = _country(address)
    ctx.add(main, "country", iso, record=rid)
    po_box = _attr(address, "poBox")
    if po_box and "box" not in po_box.lower():
        po_box = f"P.O. Box {po_box}"
    local = [_attr(address, "street"), po_box] + [
        _attr(address, k) for k in ("place", "city", "region", "zipCode")
    ]
    # An address that only names a country is kept as the country, not as an address text.
    full = _join(*local, country) if any(local) else None
    ctx.add(main, "address", full, record=rid)
    for contact in address.iterfind("contactInfo"):
        key, value = (_attr(contact, "key") or "").upper(), _attr(contact, "value")
        if value:
            _contact(
                ctx, main, _CONTACTS.get(key), f"{key.title() or 'Contact'}: {value}", value, rid
            )
    remark = _text(address, "remark")
    if remark:
        where = full or country
        ctx.add(main, "notes", f"Address {where}: {remark}" if where else remark, record=rid)


def _contact(
    ctx: ListContext, main: EntityProxy, prop: str | None, label: str, value: str, rid: str
) -> None:
    """Phones, e-mails, websites; a value FtM cannot validate (local phone numbers without
    a country code, several numbers in one field, fax numbers) is kept in the notes."""
    prop_obj = main.schema.get(prop) if prop else None
    if prop_obj is not None and prop_obj.type.clean(value, proxy=main) is not None:
        ctx.add(main, prop_obj.name, value, record=rid)
    else:
        ctx.add(main, "notes", label, record=rid)


def _identification(ctx: ListContext, main: EntityProxy, ident: etree._Element, rid: str) -> None:
    number = _attr(ident, "number")
    code = (_attr(ident, "identificationTypeCode") or "").lower()
    described = _attr(ident, "identificationTypeDescription") or code or "Identification"
    prop = _ID_PROPS.get(code, "idNumber")
    if main.schema.get(prop) is None:
        prop = "idNumber"  # e.g. a person's IMO number, an organisation's passport
    if number and code == "imo":
        digits = re.sub(r"\D", "", number)
        number = f"IMO{digits}" if len(digits) == 7 else number
    ctx.add(main, prop, number, record=rid)
    _, country = _country(ident)
    facts = [label for flag, label in _ID_FLAGS.items() if ident.get(flag) == "true"]
    for key, label in (
        ("issueDate", "issued on"),
        ("validFrom", "valid from"),
        ("validTo", "valid to"),
        ("issuedBy", "issued by"),
        ("nameOnDocument", "name on document"),
        ("region", "region"),
    ):
        value = _attr(ident, key)
        if value:
            facts.append(f"{label} {value}")
    facts.append(_text(ident, "remark") or "")
    facts = [f for f in facts if f]
    # The document kind is only kept in the notes when no FtM property names it.
    if facts or code not in _ID_PROPS:
        head = " ".join(p for p in (described, number, f"({country})" if country else None) if p)
        ctx.add(main, "notes", f"{head}: {'; '.join(facts)}" if facts else head, record=rid)
