"""A small synthetic world of lists for resolution tests, written as FtM JSON lines.

The records imitate the traps of the real lists (spellings, a passport number shared by two
people, one-day birth-date disagreements, padded UN references) without copying them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from accord.lists import ingest
from accord.lists.ingest import ingest_file
from accord.lists.registry import ListSource, get_source
from accord.store.db import Store


def thing(eid: str, schema: str, name: str, **props: list[str]) -> dict[str, Any]:
    return {"id": eid, "schema": schema, "properties": {"name": [name], **props}}


def sanction(target: str, program: str, unsc: str | None = None) -> dict[str, Any]:
    props = {"entity": [target], "program": [program], "authority": ["Test"]}
    if unsc:
        props["unscId"] = [unsc]
    return {"id": f"{target}-sanction", "schema": "Sanction", "properties": props}


WORLD: dict[str, list[dict[str, Any]]] = {
    "un": [
        thing(
            "un-1", "Person", "SAADI QADHAFI", passportNumber=["014797"], birthDate=["1973-05-27"]
        ),
        sanction("un-1", "Libya", "LYi.015"),
        thing("un-2", "Person", "RYU JIN", passportNumber=["563410081"], birthDate=["1965-08-07"]),
        sanction("un-2", "DPRK", "KPi.027"),
        thing("un-3", "Organization", "CHONMYONG SHIPPING CO", imoNumber=["IMO5571322"]),
        sanction("un-3", "DPRK", "KPe.099"),
        thing(
            "un-4", "Person", "CHU HYO’K", passportNumber=["836420186"], birthDate=["1986-11-22"]
        ),
        sanction("un-4", "DPRK", "KPi.065"),
    ],
    "eu": [
        thing(
            "eu-1", "Person", "Saadi QADHAFI", passportNumber=["014797"], birthDate=["1973-05-27"]
        ),
        sanction("eu-1", "LBY", "LYi.15"),
        thing("eu-2", "Person", "Jin Ryu", passportNumber=["563410081"], birthDate=["1965-08-07"]),
        sanction("eu-2", "PRK"),
        # The same passport number and birth date as RYU Jin on a different person.
        thing(
            "eu-3", "Person", "Jong Hun KIL", passportNumber=["563410081"], birthDate=["1965-08-07"]
        ),
        sanction("eu-3", "PRK"),
        thing(
            "eu-4", "Organization", "CHON MYONG SHIPPING COMPANY LIMITED", imoNumber=["IMO5571322"]
        ),
        sanction("eu-4", "PRK"),
    ],
    "ofac_sdn": [
        thing(
            "ofac-1", "Person", "Saadi GADDAFI", passportNumber=["014797"], birthDate=["1973-05-27"]
        ),
        sanction("ofac-1", "LIBYA3"),
        # A vessel named like the company, and a company named like the person: never merged.
        thing("ofac-2", "Vessel", "CHONMYONG SHIPPING CO", imoNumber=["IMO9146730"]),
        sanction("ofac-2", "DPRK3"),
        thing("ofac-3", "Organization", "RYU JIN", registrationNumber=["563410081"]),
        sanction("ofac-3", "DPRK3"),
    ],
    "uk": [
        thing(
            "uk-4", "Person", "CHU HYO'K", passportNumber=["836420186"], birthDate=["1986-11-23"]
        ),
        sanction("uk-4", "Democratic People's Republic of Korea", "KPi.065"),
        thing("uk-5", "Vessel", "SEA STAR", imoNumber=["IMO9146730"]),
        sanction("uk-5", "Russia"),
    ],
}


def write(path: Path, entities: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entities))
    return path


@pytest.fixture
def ftm_lists(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Let the official list ids read FtM JSON lines, so tests can write tiny lists."""

    def as_ftm(list_id: str) -> ListSource:
        return get_source(list_id).model_copy(update={"formats": ("ftm_jsonl",)})

    monkeypatch.setattr(ingest, "get_source", as_ftm)
    yield


def load_world(store: Store, folder: Path, world: dict[str, list[dict[str, Any]]] = WORLD) -> None:
    for list_id, entities in world.items():
        ingest_file(store, list_id, write(folder / f"{list_id}.json", entities))
