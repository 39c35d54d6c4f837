"""Pulling structured values out of the free text some lists use for dates and identifiers.

The spreadsheet lists (UK OFSI, Australia DFAT) and the Canadian SEMA XML write dates of
birth, numbered alternatives and even passport and IMO numbers as prose. These helpers
are deliberately conservative: they return what clearly looks like a value and leave the
rest to the record's ``notes``, which always keep the original text.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_MON = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"

# Alternatives are tried left to right at each position, so the most specific forms come
# first: a year inside "12 Apr. 1960" must not also be read as a bare year.
_DATE = re.compile(
    rf"""
    \b(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})(?:-(?P<id>\d{{1,2}}))?\b
  | \b(?P<nd>\d{{1,2}})[/.-](?P<nm>\d{{1,2}})[/.-](?P<ny>\d{{4}})\b
  | \b(?P<sm>\d{{1,2}})/(?P<sy>\d{{4}})\b
  | \b(?P<td>\d{{1,2}})(?:st|nd|rd|th)?[\s.-]*(?P<tm>{_MON})\.?[\s,.-]*(?P<ty>\d{{4}}|\d{{2}})\b
  | \b(?P<um>{_MON})\.?\s+(?P<ud>\d{{1,2}}),?\s+(?P<uy>\d{{4}})\b
  | \b(?P<my>{_MON})\.?[\s,]*(?P<yy>\d{{4}})\b
  | \b(?P<year>\d{{4}})\b
    """,
    re.IGNORECASE | re.VERBOSE,
)

# Years outside this window are not birth or listing dates (Hijri years such as 1380 are
# written next to the Gregorian ones in some records; the Gregorian one is kept).
_MIN_YEAR, _MAX_YEAR = 1850, 2100


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        # Two-digit years only occur in dates of birth ("23-Apr-68"): never in the future.
        this_year = date.today().year
        value += 2000 if 2000 + value <= this_year else 1900
    return value


def _iso(year: int, month: int = 0, day: int = 0) -> str | None:
    """ISO prefix for a date whose unknown parts are 0; None for impossible dates."""
    if not _MIN_YEAR <= year <= _MAX_YEAR or not 0 <= month <= 12:
        return None
    if month == 0:
        return f"{year:04d}"
    if day == 0:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _month(text: str) -> int:
    return _MONTHS[text[:3].lower()]


def _match_date(m: re.Match[str]) -> tuple[str | None, bool]:
    """The ISO form of one match, and whether it names a full day."""
    if m["iy"]:
        value = _iso(int(m["iy"]), int(m["im"]), int(m["id"] or 0))
    elif m["ny"]:
        value = _iso(int(m["ny"]), int(m["nm"]), int(m["nd"]))
    elif m["sy"]:
        value = _iso(int(m["sy"]), int(m["sm"]))
    elif m["ty"]:
        value = _iso(_year(m["ty"]), _month(m["tm"]), int(m["td"]))
    elif m["uy"]:
        value = _iso(int(m["uy"]), _month(m["um"]), int(m["ud"]))
    elif m["yy"]:
        value = _iso(int(m["yy"]), _month(m["my"]))
    else:
        value = _iso(int(m["year"]))
    return value, value is not None and len(value) == 10


def find_dates(text: str | None) -> list[str]:
    """Every date written in ``text``, as ISO prefixes, in order and without repeats.

    Understands ``dd/mm/yyyy`` (``00`` for unknown parts), ``mm/yyyy``, ``yyyy-mm-dd``,
    ``d Mon. yyyy``, ``Month d, yyyy``, ``Mon yyyy`` and bare years, so ranges ("Between
    1963 and 1968") and alternatives ("a) 1964; b) 1965") give every year they name.
    """
    if not text:
        return []
    found: list[str] = []
    for m in _DATE.finditer(text):
        value, _ = _match_date(m)
        if value and value not in found:
            found.append(value)
    return found


def first_full_date(text: str | None) -> str | None:
    """The first complete day written in ``text`` ("Listed on 25 January 2001 (amended…)")."""
    if not text:
        return None
    for m in _DATE.finditer(text):
        value, full = _match_date(m)
        if full:
            return value
    return None


# "(1) x (2) y" (UK) and "a) x b) y" (Australia) enumerations. A marker only counts where a
# word could start, so "(Kyaikto)" or "Ola)" never split a value.
_MARKER = re.compile(r"(?<![^\s;,.:])\(?(\d{1,2}|[a-z])\)", re.IGNORECASE)


def _next_marker(label: str) -> str:
    return str(int(label) + 1) if label.isdigit() else chr(ord(label.lower()) + 1)


def split_numbered(text: str | None) -> list[str]:
    """Split an enumerated value into its items; a value without markers is one item.

    Markers are only honoured in sequence from ``1``/``a``, so a stray "b)" inside prose
    does not cut it.
    """
    if not text:
        return []
    cuts: list[tuple[int, int]] = []
    expected: tuple[str, ...] = ("1", "a")
    for m in _MARKER.finditer(text):
        label = m.group(1).lower()
        if label in expected:
            cuts.append((m.start(), m.end()))
            expected = (_next_marker(label),)
    if not cuts:
        items = [text]
    else:
        items = [text[: cuts[0][0]]]
        for (_, end), (start, _) in zip(cuts, [*cuts[1:], (len(text), 0)], strict=True):
            items.append(text[end:start])
    cleaned = (item.strip().strip(";,").strip() for item in items)
    return [item for item in cleaned if item]


_IMO = re.compile(r"\bIMO\b\)?[^0-9]{0,40}?(?<!\d)(\d{7})(?!\d)")


def normalise_imo(value: str | None) -> str | None:
    """ "IMO 7408873", "7408873" → "IMO7408873"; None unless it has exactly seven digits."""
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    return f"IMO{digits}" if len(digits) == 7 else None


def find_imo_numbers(text: str | None) -> list[str]:
    """IMO numbers cited in prose ("IMO number: 5342883", "(IMO) Ship No.5344160")."""
    if not text:
        return []
    found: list[str] = []
    for m in _IMO.finditer(text):
        imo = f"IMO{m.group(1)}"
        if imo not in found:
            found.append(imo)
    return found


# The text after the word "passport" up to where another fact starts: a new sentence, a new
# line or another identifier kind.
_PASSPORT = re.compile(r"passport", re.IGNORECASE)
_PASSPORT_LABEL = re.compile(
    r"(?:\s*(?:numbers?|nos?|num|information|details)\b\.?|\s*[#:])*", re.IGNORECASE
)
_PASSPORT_END = re.compile(
    r"\n|\.\s+(?=[A-Z])|national\s+id|identi(?:fication|ty)|\bID\b|passport", re.IGNORECASE
)
_DOCUMENT_NUMBER = re.compile(r"(?<![\w-])(?:[A-Z]{1,3}[ -]?)?\d[A-Z0-9-]*(?![\w-])")
_NUMERIC_DATE = re.compile(r"\d{1,2}-\d{1,2}-\d{2,4}")


def find_passport_numbers(text: str | None) -> list[str]:
    """Passport numbers cited in prose ("Afghan passport number SE 011252, issued…").

    A candidate has at least five digits, which leaves out years, days and resolution
    numbers that share the sentence.
    """
    if not text:
        return []
    found: list[str] = []
    for m in _PASSPORT.finditer(text):
        # The label ("Passport No.:") is skipped first: its full stop is not a sentence end.
        label = _PASSPORT_LABEL.match(text, m.end())
        rest = text[label.end() if label else m.end() :]
        stop = _PASSPORT_END.search(rest)
        window = rest[: stop.start()] if stop else rest
        for number in _DOCUMENT_NUMBER.findall(window):
            number = number.strip("-")
            digits = sum(c.isdigit() for c in number)
            if digits < 5 or _NUMERIC_DATE.fullmatch(number) or number in found:
                continue
            found.append(number)
    return found
