"""Listed entities straight from the official files, for tests, evaluation and benchmarks.

The list store serves ``ListedEntity`` objects in production; this reads the same shape from
the offline copies in ``shared/data/lists`` by calling the list parsers directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from accord.lists.model import ListedEntity, Provenance
from accord.lists.parsers import parse_file
from accord.lists.registry import core_sources, get_source

MATCHABLE = frozenset(
    {"Person", "Organization", "Company", "PublicBody", "LegalEntity", "Vessel", "Airplane"}
)


def default_lists() -> list[str]:
    """The seven official lists every node loads."""
    return [s.id for s in core_sources() if s.offline]


def read_list(lists_dir: Path, list_id: str) -> Iterator[ListedEntity]:
    """Every matchable entity of the oldest offline copy of ``list_id``, with its sanctions."""
    source = get_source(list_id)
    path = lists_dir / source.offline[0]
    result = parse_file(source, path)
    published = result.published_at
    # A stand-in version number until the list store assigns one: the publication date.
    version = int(published.strftime("%Y%m%d")) if published else 0
    for record in result.records:
        main = record.entities[0]
        if main.schema.name not in MATCHABLE:
            continue
        sanctions = [e for e in record.entities[1:] if e.schema.name == "Sanction"]
        prov = Provenance(list_id, version, published, record.record_id)
        yield ListedEntity(main, prov, sanctions)


def read_lists(lists_dir: Path, list_ids: Iterable[str] | None = None) -> list[ListedEntity]:
    out: list[ListedEntity] = []
    for list_id in list_ids or default_lists():
        out.extend(read_list(lists_dir, list_id))
    return out
