"""FtM JSON lines (OpenSanctions' ``entities.ftm.json``, or Accord's own export) as a list source.

Each named entity becomes a record; Sanction entities join the record of the entity they
sanction, so programs and listing dates stay attached. Entity ids are kept as published because
other entities refer to them.
"""

from __future__ import annotations

from pathlib import Path

import orjson
from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy

from accord.lists.parsers.base import ListContext, Record, open_binary

_KINDS = {"Person": "individual", "Vessel": "vessel", "Airplane": "aircraft"}


def _kind(entity: EntityProxy) -> str:
    if entity.schema.name in _KINDS:
        return _KINDS[entity.schema.name]
    return "entity" if entity.schema.is_a("LegalEntity") else "other"


def parse(path: Path, ctx: ListContext) -> None:
    mains: dict[str, list[EntityProxy]] = {}
    sanctions: list[EntityProxy] = []
    others: list[EntityProxy] = []
    try:
        with open_binary(path) as fh:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    data = orjson.loads(line)
                    entity = model.get_proxy(data, cleaned=False)
                except (orjson.JSONDecodeError, InvalidData, TypeError, KeyError) as exc:
                    raise ctx.error(f"line {lineno}: not an FtM entity: {exc}") from exc
                if not entity.id:
                    raise ctx.error(f"line {lineno}: entity has no id")
                if entity.schema.name == "Sanction":
                    sanctions.append(entity)
                elif entity.schema.matchable and entity.get("name"):
                    mains[str(entity.id)] = [entity]
                else:
                    others.append(entity)
    except (OSError, EOFError) as exc:
        raise ctx.error(f"cannot read file: {exc}") from exc
    for sanction in sanctions:
        targets = [t for t in sanction.get("entity") if t in mains]
        if targets:
            mains[targets[0]].append(sanction)
        else:
            others.append(sanction)
    for entity_id, entities in mains.items():
        ctx.emit(entity_id, _kind(entities[0]), entities)
    # Relationship and detail entities (ownership, addresses…) are kept as records of their own;
    # they carry no name, so they bypass emit()'s name check deliberately.
    for entity in others:
        ctx.records.append(Record(record_id=str(entity.id), kind="other", entities=[entity]))
