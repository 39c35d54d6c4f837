"""Field-level differences between two versions of a list, record by record.

A record is what the list publishes as one entry: its main entity plus its Sanction entity.
Sanction values appear as ``sanction.<property>`` fields, so a new program or a changed listing
date shows up as an amendment of the listed person, not as a separate row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from accord.lists.store import StoredEntity

ADDED, REMOVED, AMENDED = "added", "removed", "amended"


@dataclass(frozen=True)
class RecordView:
    """The flattened values of one record, ready to compare."""

    record_id: str
    entity_id: str
    schema: str
    caption: str
    values: dict[str, tuple[str, ...]]


@dataclass
class RecordChange:
    change: str
    record_id: str
    entity_id: str
    schema: str
    caption: str
    fields: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "entity_id": self.entity_id,
            "record_id": self.record_id,
            "schema": self.schema,
            "caption": self.caption,
            "fields": self.fields,
        }


def record_views(entities: Iterable[StoredEntity]) -> dict[str, RecordView]:
    """Group stored entities by record and flatten each record's values."""
    grouped: dict[str, list[StoredEntity]] = {}
    for stored in entities:
        grouped.setdefault(stored.record_id, []).append(stored)
    views: dict[str, RecordView] = {}
    for record_id, members in grouped.items():
        mains = [m for m in members if m.schema != "Sanction"] or members
        main = min(mains, key=lambda m: m.entity_id)
        values: dict[str, set[str]] = {}
        for member in members:
            prefix = "sanction." if member.schema == "Sanction" else ""
            if member is not main and not prefix:
                prefix = f"{member.schema.lower()}."
            for prop, vals in member.doc.get("properties", {}).items():
                if prefix == "sanction." and prop == "entity":
                    continue  # the link back to the main entity is structure, not content
                values.setdefault(prefix + prop, set()).update(vals)
        views[record_id] = RecordView(
            record_id=record_id,
            entity_id=main.entity_id,
            schema=main.schema,
            caption=main.caption,
            values={k: tuple(sorted(v)) for k, v in sorted(values.items())},
        )
    return views


def field_changes(
    old: dict[str, tuple[str, ...]], new: dict[str, tuple[str, ...]]
) -> dict[str, dict[str, list[str]]]:
    changes: dict[str, dict[str, list[str]]] = {}
    for prop in sorted(set(old) | set(new)):
        before, after = set(old.get(prop, ())), set(new.get(prop, ()))
        if before == after:
            continue
        entry: dict[str, list[str]] = {}
        if after - before:
            entry["added"] = sorted(after - before)
        if before - after:
            entry["removed"] = sorted(before - after)
        changes[prop] = entry
    return changes


def diff_records(old: dict[str, RecordView], new: dict[str, RecordView]) -> list[RecordChange]:
    """Records added, removed (delisted) and amended between two versions, in a stable order."""
    changes: list[RecordChange] = []
    for record_id in sorted(set(old) | set(new)):
        before, after = old.get(record_id), new.get(record_id)
        if before is None and after is not None:
            changes.append(
                RecordChange(
                    ADDED,
                    record_id,
                    after.entity_id,
                    after.schema,
                    after.caption,
                    field_changes({}, after.values),
                )
            )
        elif after is None and before is not None:
            changes.append(
                RecordChange(
                    REMOVED,
                    record_id,
                    before.entity_id,
                    before.schema,
                    before.caption,
                    field_changes(before.values, {}),
                )
            )
        elif before is not None and after is not None and before.values != after.values:
            changes.append(
                RecordChange(
                    AMENDED,
                    record_id,
                    after.entity_id,
                    after.schema,
                    after.caption,
                    field_changes(before.values, after.values),
                )
            )
    return changes


def summarize(changes: Iterable[RecordChange]) -> dict[str, int]:
    counts = {ADDED: 0, REMOVED: 0, AMENDED: 0}
    for change in changes:
        counts[change.change] += 1
    return counts
