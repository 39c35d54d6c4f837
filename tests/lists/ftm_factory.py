"""Small FtM JSON-lines lists written by the tests themselves (synthetic, not copies of lists)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson


def person(eid: str, name: str, **props: list[str]) -> dict[str, Any]:
    return {"id": eid, "schema": "Person", "properties": {"name": [name], **props}}


def sanction(eid: str, target: str, program: str) -> dict[str, Any]:
    return {
        "id": eid,
        "schema": "Sanction",
        "properties": {"entity": [target], "program": [program], "authority": ["Test"]},
    }


def write_list(path: Path, entities: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entities))
    return path


def version_one(path: Path) -> Path:
    return write_list(
        path,
        [
            person("p1", "Ivan Petrov", birthDate=["1970-01-02"]),
            sanction("s1", "p1", "UKRAINE-EO13660"),
            person("p2", "John Doe"),
            person("p3", "Maria Silva", nationality=["br"]),
        ],
    )


def version_two(path: Path) -> Path:
    """p2 delisted, p1 amended (new alias, new program), p4 added, p3 unchanged."""
    return write_list(
        path,
        [
            person("p1", "Ivan Petrov", birthDate=["1970-01-02"], alias=["Ivan Petroff"]),
            sanction("s1", "p1", "RUSSIA-EO14024"),
            person("p3", "Maria Silva", nationality=["br"]),
            person("p4", "Chen Wei"),
        ],
    )
