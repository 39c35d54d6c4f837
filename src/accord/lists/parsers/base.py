"""What every list parser shares: the parse result, the entity-building context, file opening.

A parser is a function ``parse(path, ctx) -> None`` that reads one official file and calls
``ctx.emit(...)`` once per published record. It raises ``ListParseError`` (via ``ctx.error``)
naming the file and record when the file is not what its format promises; nothing is stored
unless the whole file parses.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, cast

from followthemoney import model
from followthemoney.proxy import EntityProxy
from lxml import etree

from accord.errors import ListParseError
from accord.lists.registry import ListSource

# The record kinds every list is counted by (the lists' own words map onto these).
KINDS = ("individual", "entity", "vessel", "aircraft")

# FtM entity references accept only ids of [A-Za-z0-9.-] that start and end alphanumeric;
# any other id is silently dropped from Sanction.entity and every other link.
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
_ISO_PREFIX = re.compile(r"\d{4}(?:-\d{2})?")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Record:
    """One published record: its main entity first, then its Sanction and other entities."""

    record_id: str
    kind: str
    entities: list[EntityProxy]

    @property
    def main(self) -> EntityProxy:
        return self.entities[0]


@dataclass
class ParseResult:
    list_id: str
    file_format: str
    published_at: datetime | None
    records: list[Record]
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counted = Counter(r.kind for r in self.records)
        return {k: counted[k] for k in KINDS if counted[k]} | {
            k: v for k, v in counted.items() if k not in KINDS
        }

    @property
    def entity_count(self) -> int:
        return sum(len(r.entities) for r in self.records)


class ListContext:
    """Builds FtM entities for one parse of one file, and collects records and warnings."""

    def __init__(self, source: ListSource, path: Path, file_format: str) -> None:
        self.source = source
        self.path = path
        self.file_format = file_format
        self.published_at: datetime | None = None
        self.records: list[Record] = []
        self.warnings: list[str] = []
        self._seen: set[str] = set()

    # -- identity -------------------------------------------------------------------------
    def entity_id(self, record_id: str, *parts: str) -> str:
        """A stable, readable id: the same record gets the same id in every list version."""
        safe = (_ID_UNSAFE.sub("-", p.strip()).strip(".-") for p in (record_id, *parts) if p)
        tail = "-".join(p for p in safe if p)
        return f"{self.source.id.replace('_', '-')}-{tail}"

    def make(self, schema: str, record_id: str, *parts: str) -> EntityProxy:
        entity = model.make_entity(schema)
        entity.id = self.entity_id(record_id, *parts)
        return entity

    # -- values ---------------------------------------------------------------------------
    def add(
        self,
        entity: EntityProxy,
        prop: str,
        values: str | date | datetime | Iterable[str | None] | None,
        *,
        record: str | None = None,
    ) -> None:
        """Add values; a value FtM rejects (bad IMO check digit, bad date…) is kept as a warning."""
        if values is None:
            return
        if isinstance(values, str | date | datetime):
            values = [values.isoformat() if isinstance(values, date | datetime) else values]
        prop_obj = entity.schema.get(prop)
        if prop_obj is None:
            raise self.error(f"schema {entity.schema.name} has no property {prop!r}", record)
        for value in values:
            if value is None:
                continue
            text = str(value).strip()
            if not text:
                continue
            cleaned = prop_obj.type.clean(text, proxy=entity)
            if cleaned is None:
                self.warnings.append(
                    f"record {record or entity.id}: {prop} value {text!r} rejected by FtM "
                    f"({prop_obj.type.name} validation)"
                )
                continue
            entity.unsafe_add(prop_obj, cleaned, cleaned=True)

    def sanction(
        self,
        entity: EntityProxy,
        record_id: str,
        *,
        program: str | Iterable[str | None] | None = None,
        authority: str | None = None,
        listing_date: str | date | None = None,
        source_record_id: str | None = None,
        unsc_id: str | Iterable[str | None] | None = None,
        reason: str | Iterable[str | None] | None = None,
        suffix: str = "",
    ) -> EntityProxy:
        """The Sanction entity of a record: program, authority, listing date, source record id."""
        sanction = self.make("Sanction", record_id, "sanction", suffix)
        sanction.add("entity", entity.id)
        self.add(sanction, "authority", authority or self.source.authority, record=record_id)
        self.add(sanction, "country", self.source.jurisdiction.lower(), record=record_id)
        self.add(sanction, "program", program, record=record_id)
        self.add(sanction, "listingDate", listing_date, record=record_id)
        self.add(sanction, "authorityId", source_record_id or record_id, record=record_id)
        self.add(sanction, "unscId", unsc_id, record=record_id)
        self.add(sanction, "reason", reason, record=record_id)
        return sanction

    # -- records ----------------------------------------------------------------------------
    def emit(self, record_id: str, kind: str, entities: list[EntityProxy]) -> None:
        if not entities:
            raise self.error("record produced no entity", record_id)
        for entity in entities:
            entity_id = str(entity.id)
            if entity_id in self._seen:
                raise self.error(f"duplicate entity id {entity_id}", record_id)
            self._seen.add(entity_id)
        main = entities[0]
        if not main.get("name"):
            raise self.error("record has no name", record_id)
        self.records.append(Record(record_id=record_id, kind=kind, entities=entities))

    def error(self, message: str, record: str | None = None) -> ListParseError:
        return ListParseError(str(self.path), message, record)

    def result(self) -> ParseResult:
        if not self.records:
            raise self.error(f"no records found: is this really a {self.file_format} file?")
        return ParseResult(
            list_id=self.source.id,
            file_format=self.file_format,
            published_at=self.published_at,
            records=self.records,
            warnings=self.warnings,
        )


Parser = Callable[[Path, ListContext], None]


# -- file helpers ---------------------------------------------------------------------------
def open_binary(path: Path) -> IO[bytes]:
    """Open a file, transparently un-gzipping ``*.gz`` (the shared copies of the big XMLs)."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def iter_xml(
    path: Path, ctx: ListContext, tag: str | tuple[str, ...], *, root_tags: Iterable[str]
) -> Iterator[etree._Element]:
    """Stream the ``tag`` elements of an XML file, checking the root element first.

    ``tag`` may be a tuple of names when a list mixes record elements (UN INDIVIDUAL/ENTITY).

    Namespaces are stripped from tags so parsers can use plain names. A truncated or
    malformed file raises ``ListParseError`` with the line number.
    """
    allowed = set(root_tags)
    wanted = [tag] if isinstance(tag, str) else list(tag)
    try:
        root = _root_name(path)
        if root is None:
            raise ctx.error("empty file")
        if root not in allowed:
            raise ctx.error(
                f"root element <{root}> is not one of {sorted(allowed)}: "
                f"wrong file for format {ctx.file_format}"
            )
        with open_binary(path) as fh:
            # lxml filters by tag in C: Python only sees the record elements.
            for _event, elem in etree.iterparse(
                fh,
                events=("end",),
                tag=[f"{{*}}{name}" for name in wanted],
                huge_tree=True,
                recover=False,
                remove_comments=True,
            ):
                yield elem
                # Free what has been read: memory stays flat on big lists.
                elem.clear()
                parent = elem.getparent()
                while parent is not None and elem.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        if exc.lineno is None or (exc.lineno <= 1 and "empty" in str(exc.msg).lower()):
            raise ctx.error("empty file") from exc
        raise ctx.error(f"malformed XML at line {exc.lineno}: {exc.msg}") from exc
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ctx.error(f"cannot read file: {exc}") from exc


def _root_name(path: Path) -> str | None:
    """The local name of the document element, read without parsing the rest."""
    with open_binary(path) as fh:
        for _event, elem in etree.iterparse(fh, events=("start",), huge_tree=True):
            return etree.QName(elem).localname
    return None


def strip_ns(elem: etree._Element) -> None:
    """Rewrite an element subtree's tags without namespaces (small subtrees only)."""
    for node in elem.iter():
        if isinstance(node.tag, str):
            node.tag = etree.QName(node).localname


def text(elem: Any, path: str) -> str | None:
    """Stripped text at ``path`` under ``elem`` (namespace-free tags), or None."""
    found = elem.find(path)
    if found is None or found.text is None:
        return None
    value: str = found.text.strip()
    return value or None


def texts(elem: Any, path: str) -> list[str]:
    return [t.strip() for t in (n.text for n in elem.findall(path)) if t and t.strip()]


def parse_date(value: str | None) -> str | None:
    """Dates to ISO 8601 prefixes (full or partial): '1970', '1970-05', '1970-05-13'."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    # Fast path for the ISO forms most lists use: strptime and its exceptions are slow.
    if _ISO_PREFIX.fullmatch(value):
        return value
    if _ISO_DAY.match(value):
        try:
            return date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            pass
    for fmt, width in (("%Y-%m-%d", 10), ("%d/%m/%Y", 10), ("%d %b %Y", 11), ("%d %B %Y", 0)):
        try:
            parsed = datetime.strptime(value[:width] if width else value, fmt)
        except ValueError:
            continue
        return parsed.date().isoformat()
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", value)
    if match:
        return value
    return None
