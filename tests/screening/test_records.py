"""Screening records and false-positive memory: recorded inputs, suppressed hits, invalidation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from accord.errors import InvalidInputError, NotFoundError
from accord.lists.ingest import ingest_file
from accord.screening import Query, records, service
from accord.screening.score import ALGORITHM_VERSION
from accord.screening.service import ScreenOptions, get_screener, screen_each
from accord.settings import Settings
from accord.store.db import Store
from tests.lists.ftm_factory import version_one, version_two


@pytest.fixture
def store(store_url: str) -> Store:
    return Store(store_url)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    service.clear_cache()
    return Settings(data_dir=tmp_path / "data")


def run(
    store: Store, settings: Settings, *parties: tuple[str | None, Query], record: bool = True
) -> list[records.Outcome]:
    screener = get_screener(store, settings)
    hits = screen_each(screener, [(q, ScreenOptions(0.5)) for _, q in parties])
    return records.finish(
        store,
        [(key, q, h) for (key, q), h in zip(parties, hits, strict=True)],
        versions=screener.versions,
        algorithm=ALGORITHM_VERSION,
        by="alice",
        source="test",
        record=record,
    )


IVAN = Query.of("Ivan Petrov", schema="Person")
MARIA = Query.of("Maria Silva", schema="Person")


def test_input_hash_is_canonical() -> None:
    same = Query.parse({"schema": "Person", "names": ["Ivan  Petrov"]})
    assert records.input_hash(IVAN) == records.input_hash(same)
    assert records.input_hash(IVAN) != records.input_hash(Query.of("Ivan Petrov"))
    assert len(records.input_hash(IVAN)) == 64


def test_screenings_are_recorded_with_versions_and_hits(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    (outcome,) = run(store, settings, ("c1", IVAN))
    assert outcome.record_id is not None
    (unrecorded,) = run(store, settings, (None, MARIA), record=False)
    assert unrecorded.record_id is None
    with store.reader() as session:
        found = records.list_records(session)
        assert records.list_records(session, datetime.now(UTC) + timedelta(hours=1)) == []
    assert [r.id for r in found] == [outcome.record_id]
    rec = found[0]
    assert rec.input_hash == records.input_hash(IVAN) and rec.party_key == "c1"
    assert rec.created_by == "alice" and rec.algorithm == ALGORITHM_VERSION
    assert set(rec.list_versions) == {"opensanctions"}
    assert rec.hits[0]["entity_id"] == "p1" and rec.hits[0]["explanation"]


def test_decision_suppresses_until_the_entity_changes(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    ivan_hash = records.input_hash(IVAN)
    run(store, settings, ("c1", IVAN))
    by_key = records.decide(store, "c1", "p1", by="bob", why="different birth date")
    assert by_key.input_hash == ivan_hash and by_key.list_id == "opensanctions"
    records.decide(store, records.input_hash(MARIA), "p3", by=None, why="other person")

    ivan, maria, other_key = run(store, settings, ("c1", IVAN), (None, MARIA), ("c9", IVAN))
    assert [h.entity_id for h in ivan.hits] == []
    assert [s.hit.entity_id for s in ivan.suppressed] == ["p1"]
    assert ivan.suppressed[0].decision.decided_by == "bob"
    assert [s.hit.entity_id for s in maria.suppressed] == ["p3"]
    assert maria.suppressed[0].decision.decided_by == "anonymous"
    assert [h.entity_id for h in other_key.hits] == ["p1"]  # the decision was for key c1
    with store.reader() as session:
        rec = records.list_records(session, limit=3)[-1]
    assert rec.party_key == "c1" and rec.hits == []
    assert rec.suppressed[0]["suppressed_by"]["reason"] == "different birth date"

    # The listed entity p1 is amended (new alias); p3 is unchanged.
    ingest_file(store, "opensanctions", version_two(tmp_path / "v2.json"))
    ivan, maria = run(store, settings, ("c1", IVAN), (None, MARIA))
    assert [h.entity_id for h in ivan.hits] == ["p1"] and ivan.suppressed == []
    assert maria.hits == [] and [s.hit.entity_id for s in maria.suppressed] == ["p3"]


def test_decision_lapses_when_the_party_input_changes(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    run(store, settings, ("c1", IVAN))
    records.decide(store, "c1", "p1", by="bob", why="not him")
    changed = Query.of("Ivan Petrov", schema="Person", birth_dates=["1970-01-02"])
    (outcome,) = run(store, settings, ("c1", changed))
    assert [h.entity_id for h in outcome.hits] == ["p1"] and outcome.suppressed == []


def test_bad_decisions_are_refused(store: Store, settings: Settings, tmp_path: Path) -> None:
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    with pytest.raises(NotFoundError, match="no recorded screening"):
        records.decide(store, "never-screened", "p1", by="bob", why="x")
    with pytest.raises(NotFoundError, match="not in any serving"):
        records.decide(store, records.input_hash(IVAN), "nope", by="bob", why="x")
    with pytest.raises(InvalidInputError, match="reason"):
        records.decide(store, records.input_hash(IVAN), "p1", by="bob", why="  ")
    with pytest.raises(InvalidInputError, match="not_a_match"):
        records.decide(store, records.input_hash(IVAN), "p1", by="b", why="x", decision="match")
