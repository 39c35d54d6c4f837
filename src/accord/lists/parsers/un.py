"""UN Security Council Consolidated List (``CONSOLIDATED_LIST`` XML, scsanctions.un.org).

One ``INDIVIDUAL`` or ``ENTITY`` element per record; ``DATAID`` is the stable record id and
``REFERENCE_NUMBER`` the UN reference (``QDi.354``). The file mixes structured fields with
prose: document numbers such as "Afghan passport number OA296623", document kinds in
English, Spanish and French, and company IMO numbers written only inside ``COMMENTS1``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from followthemoney.proxy import EntityProxy
from lxml import etree

from accord.lists.parsers.base import ListContext, iter_xml, parse_date, strip_ns

ROOT = "CONSOLIDATED_LIST"

# UN alias QUALITY values: "Good" and "a.k.a." are strong, "Low" is weak, "f.k.a." former.
_QUALITY_PROP = {"good": "alias", "a.k.a.": "alias", "low": "weakAlias", "f.k.a.": "previousName"}
# An alias note saying the record used to carry this name makes it a former name.
_PREVIOUSLY = re.compile(r"\b(?:previously|formerly) listed as\b", re.IGNORECASE)
# Document kinds are written in English, Spanish ("Número de pasaporte") and French
# ("Numéro de passeport"); all spell "pas…port".
_PASSPORT = re.compile(r"pas+[ae]?port", re.IGNORECASE)
_TAX = re.compile(r"fiscal code|tax", re.IGNORECASE)
# "IMO number: 5571322", "(IMO) Number: 1790183", "Company Number IMO 5434358".
_IMO = re.compile(r"\bIMO\)?\s*(?:(?i:number|no\.?)\s*)?:?\s*(\d{7})\b")
# Words that introduce the actual number inside a prose document number.
_NUMBER_WORD = re.compile(r"(?i:\b(?:number|no)\b\.?\s*:?|:)\s*(?=\S*\d)")
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
# Capitalised month names only, so the verb "may" in a note is not read as May.
_MONTH = re.compile(
    r"\b(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_GENDER = {"male": "male", "female": "female"}
# "Gender: male", "Gender [Male]" in COMMENTS1 of records without a GENDER element.
_GENDER_COMMENT = re.compile(r"\bGender\s*[:\[]\s*(male|female)\b", re.IGNORECASE)
# "حسن غول (Hassan Ghul; Hassan Gul)", "Amir Khazmat (original script: Амир Хазмат)".
_ALIAS_WITH_VARIANTS = re.compile(
    r"^(?P<outer>[^()]+?)\s*\((?:original script:\s*)?(?P<inner>[^()]+)\)\W*$"
)
_NAME_PARTS = {
    "FIRST_NAME": "firstName",
    "SECOND_NAME": "secondName",
    "THIRD_NAME": "middleName",
    "FOURTH_NAME": "middleName",
}


def parse(path: Path, ctx: ListContext) -> None:
    for elem in iter_xml(path, ctx, ("INDIVIDUAL", "ENTITY"), root_tags=(ROOT,)):
        if ctx.published_at is None:
            ctx.published_at = _published_at(elem, ctx)
        strip_ns(elem)
        record_id = _clean(elem.findtext("DATAID"))
        if not record_id:
            raise ctx.error(f"<{elem.tag}> without DATAID (line {elem.sourceline})")
        if elem.tag == "INDIVIDUAL":
            main = ctx.make("Person", record_id)
            _individual(ctx, main, elem, record_id)
            kind = "individual"
        else:
            main = ctx.make("Organization", record_id)
            ctx.add(main, "name", _clean(elem.findtext("FIRST_NAME")), record=record_id)
            _entity(ctx, main, elem, record_id)
            kind = "entity"
        sanction = ctx.sanction(
            main,
            record_id,
            program=_clean(elem.findtext("UN_LIST_TYPE")),
            listing_date=parse_date(elem.findtext("LISTED_ON")),
            unsc_id=_clean(elem.findtext("REFERENCE_NUMBER")),
        )
        updated = [d for d in (parse_date(v) for v in _values(elem, "LAST_DAY_UPDATED")) if d]
        if updated:
            ctx.add(sanction, "modifiedAt", max(updated), record=record_id)
        ctx.emit(record_id, kind, [main, sanction])


def _published_at(elem: etree._Element, ctx: ListContext) -> datetime:
    root = elem
    while (parent := root.getparent()) is not None:
        root = parent
    raw = root.get("dateGenerated")
    try:
        stamp = datetime.fromisoformat(raw or "")
    except ValueError:
        raise ctx.error(f"root dateGenerated {raw!r} is not an ISO timestamp") from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _clean(value: str | None) -> str | None:
    """Collapse the hard line wraps and indentation the UN export puts inside values."""
    if value is None:
        return None
    return " ".join(value.split()) or None


def _values(elem: etree._Element, tag: str) -> list[str]:
    return [v for v in (_clean(n.text) for n in elem.iterfind(f"{tag}/VALUE")) if v]


def _join(*parts: str | None) -> str | None:
    return ", ".join(p for p in parts if p) or None


def _common(ctx: ListContext, main: EntityProxy, elem: etree._Element, rid: str) -> None:
    """Aliases, addresses and comments: shared by individuals and entities."""
    ctx.add(main, "alias", _clean(elem.findtext("NAME_ORIGINAL_SCRIPT")), record=rid)
    for alias in elem.iterfind("*"):
        if not alias.tag.endswith("_ALIAS"):
            continue
        name = _clean(alias.findtext("ALIAS_NAME"))
        note = _clean(alias.findtext("NOTE"))
        if name:
            quality = (_clean(alias.findtext("QUALITY")) or "good").lower()
            prop = _QUALITY_PROP.get(quality, "alias")
            if note and _PREVIOUSLY.search(note):
                prop = "previousName"
            elif note:
                ctx.add(main, "notes", f"Alias {name}: {note}", record=rid)
            ctx.add(main, prop, _alias_names(name), record=rid)
        if main.schema.is_a("Person"):
            # Older entries hang extra dates and places of birth on (sometimes empty) aliases.
            ctx.add(main, "birthDate", parse_date(alias.findtext("DATE_OF_BIRTH")), record=rid)
            place = _join(
                _clean(alias.findtext("CITY_OF_BIRTH")), _clean(alias.findtext("COUNTRY_OF_BIRTH"))
            )
            ctx.add(main, "birthPlace", place, record=rid)
    for address in elem.iterfind("*"):
        if address.tag.endswith("_ADDRESS"):
            _address(ctx, main, address, rid)
    ctx.add(main, "notes", _clean(elem.findtext("COMMENTS1")), record=rid)


def _alias_names(name: str) -> list[str]:
    """One alias, or several when the UN packs spellings into one: "X (Y; Z)" or a name
    followed by the same name in another script. Acronyms and remarks in brackets
    ("(AQMI)", "(birth name)") stay part of the name."""
    match = _ALIAS_WITH_VARIANTS.match(name)
    if not match:
        return [name]
    outer, inner = match["outer"].strip(), match["inner"].strip()
    if ";" not in inner and _is_latin(outer) == _is_latin(inner):
        return [name]
    return [outer, *(part.strip() for part in inner.split(";") if part.strip())]


def _is_latin(text: str) -> bool:
    return text.isascii() or all(
        not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text
    )


def _address(ctx: ListContext, main: EntityProxy, address: etree._Element, rid: str) -> None:
    country = _clean(address.findtext("COUNTRY"))
    local = [
        _clean(address.findtext(tag)) for tag in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE")
    ]
    ctx.add(main, "country", country, record=rid)
    # An address that only names a country is kept as the country, not as an address text.
    full = _join(*local, country) if any(local) else None
    ctx.add(main, "address", full, record=rid)
    note = _clean(address.findtext("NOTE"))
    if note:
        where = full or country
        ctx.add(
            main, "notes", f"Address {where}: {note}" if where else f"Address: {note}", record=rid
        )


def _entity(ctx: ListContext, main: EntityProxy, elem: etree._Element, rid: str) -> None:
    _common(ctx, main, elem, rid)
    # Company IMO numbers (DPRK ship owners) exist only in the free-text comments.
    for match in _IMO.finditer(elem.findtext("COMMENTS1") or ""):
        ctx.add(main, "imoNumber", f"IMO{match.group(1)}", record=rid)


def _individual(ctx: ListContext, main: EntityProxy, elem: etree._Element, rid: str) -> None:
    # The UN numbers name parts without saying which is the family name, so they are mapped
    # by position only; the full name keeps the UN's order.
    parts = {tag: _clean(elem.findtext(tag)) for tag in _NAME_PARTS}
    ctx.add(main, "name", " ".join(p for p in parts.values() if p), record=rid)
    for tag, prop in _NAME_PARTS.items():
        ctx.add(main, prop, parts[tag], record=rid)
    ctx.add(main, "title", _values(elem, "TITLE"), record=rid)
    ctx.add(main, "position", _values(elem, "DESIGNATION"), record=rid)
    ctx.add(main, "nationality", _values(elem, "NATIONALITY"), record=rid)
    gender = (_clean(elem.findtext("GENDER")) or "").lower()
    if not gender:
        stated = _GENDER_COMMENT.search(elem.findtext("COMMENTS1") or "")
        gender = stated.group(1).lower() if stated else ""
    ctx.add(main, "gender", _GENDER.get(gender), record=rid)
    _common(ctx, main, elem, rid)
    for dob in elem.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        _birth_date(ctx, main, dob, rid)
    for pob in elem.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        tags = ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")
        ctx.add(main, "birthPlace", _join(*(_clean(pob.findtext(t)) for t in tags)), record=rid)
        ctx.add(main, "birthCountry", _clean(pob.findtext("COUNTRY")), record=rid)
        note = _clean(pob.findtext("NOTE"))
        if note:
            ctx.add(main, "notes", f"Place of birth: {note}", record=rid)
    for doc in elem.iterfind("INDIVIDUAL_DOCUMENT"):
        _document(ctx, main, doc, rid)


def _birth_date(ctx: ListContext, main: EntityProxy, dob: etree._Element, rid: str) -> None:
    """EXACT dates, years, BETWEEN ranges (both ends) and month names written in the note."""
    dates = [parse_date(dob.findtext(tag)) for tag in ("DATE", "FROM_YEAR", "TO_YEAR")]
    year = _clean(dob.findtext("YEAR"))
    note = _clean(dob.findtext("NOTE"))
    if note:
        # "Nov. 1973", "Between Aug. and Sep. 1977", or just "Sep." beside YEAR 1958. Numeric
        # notes are left alone: "24/06/1402 (Hijri Calendar)" is not a Gregorian date.
        years = _YEAR.findall(note) or ([year] if year else [])
        months = [_MONTHS.index(m.lower()[:3]) + 1 for m in _MONTH.findall(note)]
        if len(years) == 1 and months:
            dates.extend(f"{years[0]}-{m:02d}" for m in months)
            year = None
        elif not year and len(years) == 1:
            year = years[0]
        ctx.add(main, "notes", f"Date of birth: {note}", record=rid)
    dates.append(parse_date(year))
    ctx.add(main, "birthDate", dates, record=rid)


def _document(ctx: ListContext, main: EntityProxy, doc: etree._Element, rid: str) -> None:
    kind = _clean(doc.findtext("TYPE_OF_DOCUMENT"))
    detail = _clean(doc.findtext("TYPE_OF_DOCUMENT2"))
    raw = _clean(doc.findtext("NUMBER"))
    if raw is None and detail and re.search(r"\d", detail):
        # "Residential card number 665": the number was typed into the second kind field.
        raw, detail = detail, None
    kinds = f"{kind or ''} {detail or ''}"
    # One label for the three languages, so repeated translations give one note.
    label = "Passport" if kind and _PASSPORT.search(kind) else kind
    if detail and detail.lower() != (label or "").lower():
        label = f"{label} / {detail}" if label else detail
    facts = []
    number = _document_number(raw) if raw else None
    if raw and number:
        if number != raw:
            facts.append(f"as written: {raw}")
        if _PASSPORT.search(kinds) or _PASSPORT.search(raw):
            prop = "passportNumber"
        elif _TAX.search(kinds):
            prop = "taxNumber"
        else:
            prop = "idNumber"
        ctx.add(main, prop, number, record=rid)
    issued_on = _clean(doc.findtext("DATE_OF_ISSUE"))
    if issued_on:
        facts.append(f"issued on {issued_on}")
    issued_in = _join(
        _clean(doc.findtext("CITY_OF_ISSUE")), _clean(doc.findtext("COUNTRY_OF_ISSUE"))
    )
    if issued_in:
        facts.append(f"issued in {issued_in}")
    country = _clean(doc.findtext("ISSUING_COUNTRY"))
    if country:
        facts.append(f"issuing country {country}")
    note = _clean(doc.findtext("NOTE"))
    if note:
        facts.append(note)
    # Issue dates, places, expiry and the specific document kind have no FtM property on a
    # Person: keep them as text beside the number.
    head = " ".join(p for p in (label or "Document", number) if p)
    if facts:
        ctx.add(main, "notes", f"{head}: {'; '.join(facts)}", record=rid)
    elif detail and number:
        ctx.add(main, "notes", head, record=rid)


def _document_number(raw: str) -> str:
    """The number inside "Afghan passport number SE 012820" or "563210184 (Expires 2018)".

    Cross-list passport matching needs "SE 012820" alone; the caller keeps the original text
    in the notes whenever this changes it.
    """
    text = _TRAILING_PAREN.sub("", raw) or raw
    head, sep, tail = text.partition(", ")
    if sep and re.search(r"\d", head) and not re.search(r"\d", tail):
        text = head  # "R00005943, South Sudan"
    if not re.search(r"[A-Za-z]{3}", text) or (" " not in text and ":" not in text):
        return text
    marker = _NUMBER_WORD.search(text)
    if marker:
        return text[marker.end() :].strip()
    tokens = text.split()
    start = next((i for i, tok in enumerate(tokens) if re.search(r"\d", tok)), 0)
    # Keep a short series prefix written apart from the digits: "A 0139243", "SE 012820".
    if start > 0 and re.fullmatch(r"[A-Z]{1,3}", tokens[start - 1]):
        start -= 1
    return " ".join(tokens[start:])
