"""Blocking: which record pairs are worth comparing, as one relational step.

Records become rows of a key table ``(entity_id, list_id, family, kind, key)``; candidate pairs
are a self-join of that table on equal keys, across lists, within one family. The SQL below is
the whole of blocking: it runs on DuckDB here and is written so that it runs unchanged as a
Splink blocking rule or a Spark SQL job over the same table (``docs/resolve.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from accord.resolve.keys import NAME_KIND
from accord.resolve.names import NameForms, phonetic_tokens
from accord.resolve.records import ResolveRecord

# A name key shared by more records than this ("MHMT" born 1965) says little and would make the
# comparison quadratic in the block; identifier keys are never capped.
MAX_NAME_BLOCK = 150
# People must share two name words (with the same birth year) to be compared on names alone;
# organizations one whole-name fingerprint.
MIN_PERSON_NAME_KEYS = 2

KEY_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("list_id", pa.string()),
        ("family", pa.string()),
        ("kind", pa.string()),
        ("key", pa.string()),
    ]
)

CANDIDATES_SQL = """
WITH sized AS (
    SELECT *, count(*) OVER (PARTITION BY family, kind, key) AS block_size FROM keys
)
SELECT
    l.entity_id AS left_id,
    r.entity_id AS right_id,
    list(DISTINCT l.kind || ':' || l.key ORDER BY l.kind || ':' || l.key)
        FILTER (WHERE l.kind <> 'name') AS shared
FROM sized AS l
JOIN sized AS r
  ON l.family = r.family AND l.kind = r.kind AND l.key = r.key
 AND l.list_id <> r.list_id AND l.entity_id < r.entity_id
WHERE l.kind <> 'name' OR l.block_size <= $max_block
GROUP BY l.entity_id, r.entity_id
HAVING bool_or(l.kind <> 'name')
    OR count(DISTINCT l.key) >= CASE WHEN any_value(l.family) = 'person' THEN $min_person ELSE 1 END
ORDER BY left_id, right_id
"""


@dataclass(frozen=True)
class Candidate:
    left_id: str
    right_id: str
    shared: tuple[str, ...]
    """Identifier keys both records carry, as "kind:value" ("doc:Z050399")."""


def name_keys(record: ResolveRecord, forms: NameForms) -> set[str]:
    """Name keys: word sound + birth year for people, whole-name fingerprints for organizations.

    Vessels and aircraft get none: their names repeat across unrelated craft, so only IMO
    numbers and registrations propose them.
    """
    if record.family == "person":
        years = {d[:4] for d in record.birth_dates if len(d) >= 4}
        return {f"{code}|{year}" for code in phonetic_tokens(forms) for year in years}
    if record.family == "organization":
        keys = {"fp|" + " ".join(sorted(name.split())) for name in forms.spaced}
        keys |= {"js|" + joined for joined in forms.joined if len(joined) >= 6}
        return keys
    return set()


def key_rows(
    records: Iterable[ResolveRecord], forms: dict[str, NameForms]
) -> Iterator[tuple[str, str, str, str, str]]:
    for record in records:
        base = (record.entity_id, record.list_id, record.family)
        for kind, keys in record.identifiers.items():
            for key in keys:
                yield (*base, kind, key)
        for key in name_keys(record, forms[record.entity_id]):
            yield (*base, NAME_KIND, key)


def key_table(records: Iterable[ResolveRecord], forms: dict[str, NameForms]) -> pa.Table:
    columns: list[list[str]] = [[], [], [], [], []]
    for row in key_rows(records, forms):
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return pa.Table.from_arrays([pa.array(c, pa.string()) for c in columns], schema=KEY_SCHEMA)


def candidate_pairs(keys: pa.Table, *, max_block: int = MAX_NAME_BLOCK) -> list[Candidate]:
    """Run the blocking SQL over a key table (in-process DuckDB)."""
    with duckdb.connect() as con:
        con.register("keys", keys)
        rows = con.execute(
            CANDIDATES_SQL, {"max_block": max_block, "min_person": MIN_PERSON_NAME_KEYS}
        ).fetchall()
    return [Candidate(left, right, tuple(shared or ())) for left, right, shared in rows]
