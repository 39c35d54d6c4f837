"""Delta re-screening: a stored party set re-screened against the entities changed since."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.errors import InvalidInputError, NotFoundError
from accord.lists.ingest import ingest_file
from accord.screening import Query, service, sets
from accord.screening.service import get_screener
from accord.settings import Settings
from accord.store.db import Store
from tests.lists.ftm_factory import version_one, version_two

PARTIES = [
    sets.SetParty("c1", Query.of("Ivan Petrov", schema="Person")),
    sets.SetParty("c2", Query.of("John Doe", schema="Person")),
    sets.SetParty("c3", Query.of("Maria Silva", schema="Person")),
    sets.SetParty("c4", Query.of("Chen Wei", schema="Person")),
]


@pytest.fixture
def store(store_url: str) -> Store:
    return Store(store_url)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    service.clear_cache()
    return Settings(data_dir=tmp_path / "data")


def run(store: Store, settings: Settings) -> sets.SetRun:
    return sets.run_set(store, get_screener(store, settings), "clients")


def changes(result: sets.SetRun) -> set[tuple[str, str | None, str]]:
    return {(c.change, c.key, c.entity_id) for c in result.changes}


def test_first_run_full_then_only_what_changed(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    info = sets.add_set(store, "clients", PARTIES, threshold=0.7, limit=5, by="ana")
    assert info.parties == 4
    first = run(store, settings)
    assert first.full
    assert changes(first) == {("new", "c1", "p1"), ("new", "c2", "p2"), ("new", "c3", "p3")}

    quiet = run(store, settings)  # nothing changed in the lists
    assert not quiet.full and quiet.entities_changed == 0 and quiet.changes == []

    # v2: p2 delisted, p1 amended, p4 added, p3 unchanged.
    ingest_file(store, "opensanctions", version_two(tmp_path / "v2.json"))
    delta = run(store, settings)
    assert not delta.full and "p3" not in {c.entity_id for c in delta.changes}
    assert changes(delta) == {
        ("changed", "c1", "p1"),
        ("removed", "c2", "p2"),
        ("new", "c4", "p4"),
    }
    removed = next(c for c in delta.changes if c.change == "removed")
    assert removed.caption == "John Doe" and removed.previous_score is not None
    assert run(store, settings).changes == []
    with store.reader() as session:
        (listed,) = sets.list_sets(session)
    assert listed.runs == 4 and listed.created_by == "ana" and listed.parties == 4


def test_set_errors(store: Store, settings: Settings, tmp_path: Path) -> None:
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    sets.add_set(store, "clients", PARTIES)
    with pytest.raises(InvalidInputError, match="exists"):
        sets.add_set(store, "clients", PARTIES)
    with pytest.raises(InvalidInputError, match="no party"):
        sets.add_set(store, "empty", [])
    with pytest.raises(NotFoundError):
        sets.run_set(store, get_screener(store, settings), "nope")
