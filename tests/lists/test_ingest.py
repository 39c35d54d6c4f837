"""List versions: atomic ingestion, the serving pointer, staleness, the change feed, export."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select

from accord.errors import AccordError, ListParseError
from accord.lists import queries
from accord.lists.export import export_lines
from accord.lists.ingest import ingest_file
from accord.lists.store import current_version, iter_listed_entities
from accord.store.db import Store
from accord.store.models import ListEntity, ListVersion
from tests.lists.ftm_factory import version_one, version_two, write_list

LIST = "opensanctions"


@pytest.fixture
def store(store_url: str) -> Store:
    return Store(store_url)


def _counts(store: Store) -> tuple[int, int]:
    with store.reader() as s:
        versions = s.scalar(select(func.count()).select_from(ListVersion)) or 0
        entities = s.scalar(select(func.count()).select_from(ListEntity)) or 0
    return versions, entities


def test_first_version_serves_and_feeds_additions(store: Store, tmp_path: Path) -> None:
    outcome = ingest_file(store, LIST, version_one(tmp_path / "v1.json"))
    assert outcome.status == "ingested"
    assert outcome.records == 3 and outcome.entities == 4
    assert outcome.changes == {"added": 3, "removed": 0, "amended": 0}
    with store.reader() as s:
        assert current_version(s, LIST) is not None
        listed = {e.id: e for e in iter_listed_entities(s)}
    assert set(listed) == {"p1", "p2", "p3"}
    assert listed["p1"].programs == ["UKRAINE-EO13660"]


def test_same_file_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = version_one(tmp_path / "v1.json")
    ingest_file(store, LIST, path)
    before = _counts(store)
    assert ingest_file(store, LIST, path).status == "unchanged"
    assert _counts(store) == before


def test_second_version_diff_field_by_field(store: Store, tmp_path: Path) -> None:
    v1 = ingest_file(store, LIST, version_one(tmp_path / "v1.json"))
    v2 = ingest_file(store, LIST, version_two(tmp_path / "v2.json"))
    assert v2.changes == {"added": 1, "removed": 1, "amended": 1}
    with store.reader() as s:
        assert v1.version_id is not None and v2.version_id is not None
        changes = {c.entity_id: c for c in queries.diff_versions(s, v1.version_id, v2.version_id)}
        feed = queries.changes_since(s, datetime(2000, 1, 1, tzinfo=UTC), change="removed")
    assert changes["p2"].change == "removed"
    assert changes["p4"].change == "added"
    amended = changes["p1"].fields
    assert amended["alias"] == {"added": ["Ivan Petroff"]}
    assert amended["sanction.program"] == {
        "added": ["RUSSIA-EO14024"],
        "removed": ["UKRAINE-EO13660"],
    }
    assert "p3" not in changes
    assert [(e.entity_id, e.caption) for e in feed] == [("p2", "John Doe")]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("truncated.json", b'{"id": "p1", "schema": "Person", "properties": {"name": ["Iv'),
        ("empty.json", b""),
        ("binary.json", b"\xff\xfe\x00garbage\x00\n"),
        ("wrong.json", b'{"hello": "world"}\n'),
    ],
)
def test_bad_file_keeps_last_good_version(
    store: Store, tmp_path: Path, name: str, content: bytes
) -> None:
    good = ingest_file(store, LIST, version_one(tmp_path / "v1.json"))
    before = _counts(store)
    bad = tmp_path / name
    bad.write_bytes(content)
    with pytest.raises(ListParseError) as err:
        ingest_file(store, LIST, bad)
    assert name in str(err.value)
    assert _counts(store) == before
    with store.reader() as s:
        status = {r.list_id: r for r in queries.list_statuses(s)}[LIST]
    assert status.serving_version == good.version_id
    assert status.stale and name in (status.stale_reason or "")
    # the next good ingestion clears the stale mark
    ingest_file(store, LIST, version_two(tmp_path / "v2.json"))
    with store.reader() as s:
        assert not {r.list_id: r for r in queries.list_statuses(s)}[LIST].stale


def test_failure_while_storing_rolls_back(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = ingest_file(store, LIST, version_one(tmp_path / "v1.json"))
    before = _counts(store)

    def explode(*_args: object) -> None:
        raise RuntimeError("disk full")

    # The diff runs after the new entities were inserted in the same transaction.
    monkeypatch.setattr("accord.lists.ingest.diff_records", explode)
    with pytest.raises(AccordError, match="disk full"):
        ingest_file(store, LIST, version_two(tmp_path / "v2.json"))
    assert _counts(store) == before
    with store.reader() as s:
        version = current_version(s, LIST)
    assert version is not None and version.id == good.version_id


def test_export_round_trips_through_import(store: Store, tmp_path: Path) -> None:
    ingest_file(store, LIST, version_two(tmp_path / "v2.json"))
    with store.reader() as s:
        lines = list(export_lines(s))
    exported = [orjson.loads(line) for line in lines]
    assert {e["id"] for e in exported} == {"p1", "s1", "p3", "p4"}
    p1 = next(e for e in exported if e["id"] == "p1")
    assert p1["datasets"] == [LIST] and p1["target"] is True and p1["first_seen"]
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    again = ingest_file(other, LIST, write_list(tmp_path / "export.json", exported))
    assert again.records == 3 and again.entities == 4
    with other.reader() as s:
        reimported = {e.id: e.entity.to_dict()["properties"] for e in iter_listed_entities(s)}
    assert reimported["p1"] == p1["properties"]


def test_unknown_list_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(AccordError, match="unknown list 'nope'"):
        ingest_file(store, "nope", version_one(tmp_path / "v1.json"))
