"""Screening records and false-positive memory: recorded inputs, suppressed hits, invalidation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from accord.errors import InvalidInputError, NotFoundError
from accord.lists.ingest import ingest_file
from accord.screening import Query, records, service
from accord.screening.score import ALGORITHM_VERSION
from accord.screening.service import BatchRow, ScreenOptions, get_screener, screen_each
from accord.settings import Settings
from accord.store.db import Store
from tests.lists.ftm_factory import person, version_one, version_two, write_list


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


def twins(path: Path) -> Path:
    """Two listed people of the same name, so a limit of one has a choice to make."""
    return write_list(
        path,
        [
            person("pa", "Ivan Petrov", birthDate=["1970-01-02"]),
            person("pb", "Ivan Petrov", birthDate=["1981-05-05"]),
            person("pc", "Maria Silva"),
        ],
    )


def test_suppressed_hits_do_not_take_limit_slots(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    ingest_file(store, "opensanctions", twins(tmp_path / "twins.json"))
    screener = get_screener(store, settings)
    one = ScreenOptions(0.5, limit=1)

    def screen(key: str) -> records.Outcome:
        (outcome,) = records.screen_parties(
            store, screener, [(key, IVAN, one)], by="alice", source="test", record=True
        )
        return outcome

    first = screen("c1")
    assert len(first.hits) == 1 and first.suppressed == []
    top = first.hits[0].entity_id
    other = ({"pa", "pb"} - {top}).pop()
    records.decide(store, "c1", top, by="bob", why="another Ivan Petrov")

    again = screen("c1")
    assert [h.entity_id for h in again.hits] == [other]  # the suppressed hit took no slot
    assert [s.hit.entity_id for s in again.suppressed] == [top]
    with store.reader() as session:
        assert records.decision_counts(session, [("c1", records.input_hash(IVAN))]) == [1]
        assert records.list_records(session, limit=1)[0].suppressed[0]["entity_id"] == top

    # The same through a batch stream, where a chunk asks for more hits for every row.
    rows = [BatchRow(1, "c1", IVAN), BatchRow(2, "c2", IVAN), BatchRow(3, None, None, "bad")]
    streamed = list(
        records.screen_stream(store, screener, rows, one, by="carol", record=False, workers=1)
    )
    c1, c2, bad = (outcome for _, outcome in streamed)
    assert c1 is not None and [h.entity_id for h in c1.hits] == [other]
    assert [s.hit.entity_id for s in c1.suppressed] == [top]
    assert c2 is not None and [h.entity_id for h in c2.hits] == [top] and c2.suppressed == []
    assert bad is None


def test_decisions_are_listed_with_whether_they_stand(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    run(store, settings, ("c1", IVAN), (None, MARIA))
    records.decide(store, "c1", "p1", by="bob", why="different birth date")
    records.decide(store, records.input_hash(MARIA), "p3", by="eve", why="namesake")
    with store.reader() as session:
        listed = records.list_decisions(session)
        assert [(d.decision.entity_id, d.standing) for d in listed] == [("p3", True), ("p1", True)]
        assert [d.decision.decided_by for d in records.list_decisions(session, party_key="c1")] == [
            "bob"
        ]
        assert records.list_decisions(session, entity_id="nope") == []
    ingest_file(store, "opensanctions", version_two(tmp_path / "v2.json"))  # p1 amended
    with store.reader() as session:
        stands = {d.decision.entity_id: d.standing for d in records.list_decisions(session)}
    assert stands == {"p1": False, "p3": True}
