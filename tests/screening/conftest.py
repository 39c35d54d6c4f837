"""Screening fixtures: a small hand-made index for the known failure cases, and the real lists."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model

from accord.lists.model import ListedEntity, Provenance
from accord.screening import Screener
from tests.conftest import require_shared

PUBLISHED = datetime(2024, 5, 6, tzinfo=UTC)


def listed(
    list_id: str, record: str, schema: str, program: str = "TEST", **props: Any
) -> ListedEntity:
    """A listed entity with the given FtM properties and one Sanction."""
    entity = model.make_entity(schema)
    entity.id = f"{list_id}-{record}"
    for prop, values in props.items():
        entity.add(prop, values)
    sanction = model.make_entity("Sanction")
    sanction.id = f"{entity.id}-sanction"
    sanction.add("entity", entity.id)
    sanction.add("program", program)
    sanction.add("listingDate", "2011-02-26")
    return ListedEntity(entity, Provenance(list_id, 20240506, PUBLISHED, record), [sanction])


SMALL_LIST = [
    listed("ofac_sdn", "7716", "Person", "LIBYA2", name="Muammar QADHAFI",
           alias=["Moammar QADHAFI", "Muammar GADDAFI"], birthDate="1942", gender="male",
           nationality="ly"),
    listed("un", "KPi.033", "Person", "DPRK", name="Jong Un KIM", birthDate="1984-01-08",
           nationality="kp"),
    listed("eu", "EU.1", "Person", "RUSSIA", name="Vladimir Vladimirovich PUTIN",
           birthDate="1952-10-07", nationality="ru", gender="male"),
    listed("uk", "RUS0001", "Person", "RUSSIA", name="Vladimir Petrovich PUTILIN",
           birthDate="1961-02-04"),
    listed("ofac_sdn", "V1", "Vessel", "IRAN", name="SEA STAR 2", imoNumber="IMO9123453"),
    listed("ofac_sdn", "V2", "Vessel", "IRAN", name="OCEAN PEARL", imoNumber="IMO9187629"),
    listed("ofac_sdn", "C1", "Company", "SDGT", name="XYZ Company"),
    listed("ofac_cons", "C2", "Company", "UKRAINE", name="LUKOIL OIL COMPANY",
           alias=["Lukoil OAO"]),
    listed("eu", "C3", "Company", "RUSSIA", name="OOO ROMASHKA"),
    listed("au", "P5", "Person", "SYRIA", name="Mohammad Dib ZEITOUN", birthDate="1951-05-20"),
    listed("uk", "P6", "Person", "ISIL", name="John SMITH", birthDate="1955"),
    listed("un", "P7", "Person", "DPRK", name="RI Song Chol", passportNumber="563410081"),
]  # fmt: skip


@pytest.fixture(scope="session")
def small_screener() -> Screener:
    return Screener.build(SMALL_LIST)


@pytest.fixture(scope="session")
def real_screener(tmp_path_factory: pytest.TempPathFactory) -> Screener:
    """All seven official lists from ../shared, built once per test session and reloaded."""
    from accord.screening.listdata import read_lists

    lists_dir = require_shared("lists")
    path: Path = tmp_path_factory.mktemp("screening") / "index.bin"
    Screener.build(read_lists(lists_dir)).save(path)
    return Screener.load(path)
