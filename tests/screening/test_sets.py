"""Delta re-screening: a stored party set re-screened against the entities changed since."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest

from accord.errors import InvalidInputError, NotFoundError
from accord.lists.ingest import ingest_file
from accord.screening import Query, records, service, sets
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


def test_decisions_suppress_hits_in_set_runs(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    sets.add_set(store, "clients", PARTIES, threshold=0.7, limit=5)
    run(store, settings)
    decision = sets.decide(store, "clients", "c1", "p1", by="bob", why="other birth date")
    assert decision.input_hash == records.input_hash(PARTIES[0].query)
    assert decision.party_key == "c1" and decision.decided_by == "bob"
    with store.reader() as session:
        (listed,) = sets.set_decisions(session, "clients")
    assert listed.standing and listed.decision.reason == "other birth date"

    # Replaced, the set starts afresh; the decision belongs to the party, so it still holds.
    info = sets.add_set(store, "clients", PARTIES, threshold=0.7, limit=5, replace=True)
    assert info.runs == 0
    fresh = run(store, settings)
    assert fresh.full and changes(fresh) == {
        ("suppressed", "c1", "p1"),
        ("new", "c2", "p2"),
        ("new", "c3", "p3"),
    }
    suppressed = next(c for c in fresh.changes if c.change == "suppressed")
    assert suppressed.suppressed_by is not None
    assert suppressed.suppressed_by["decided_by"] == "bob"
    assert fresh.as_json()["suppressed"] == 1

    # p1 is amended: the decision lapses and the hit comes back as changed.
    ingest_file(store, "opensanctions", version_two(tmp_path / "v2.json"))
    delta = run(store, settings)
    assert ("changed", "c1", "p1") in changes(delta)
    assert "suppressed" not in {c.change for c in delta.changes}
    with store.reader() as session:
        (listed,) = sets.set_decisions(session, "clients")
    assert not listed.standing


def test_set_decision_errors(store: Store, settings: Settings, tmp_path: Path) -> None:
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    twice = [PARTIES[0], sets.SetParty("c1", Query.of("Ivan Petrovich", schema="Person"))]
    sets.add_set(store, "dup", twice)
    with pytest.raises(NotFoundError, match="no screening set"):
        sets.decide(store, "nope", "c1", "p1", by=None, why="x")
    with pytest.raises(NotFoundError, match="no party"):
        sets.decide(store, "dup", "c9", "p1", by=None, why="x")
    with pytest.raises(InvalidInputError, match="party_key: 2 parties"):
        sets.decide(store, "dup", "c1", "p1", by=None, why="x")
    ihash = records.input_hash(PARTIES[0].query)
    assert sets.decide(store, "dup", ihash, "p1", by=None, why="x").input_hash == ihash
    with pytest.raises(NotFoundError, match="not in any serving"):
        sets.decide(store, "dup", ihash, "p9", by=None, why="x")
    with pytest.raises(InvalidInputError, match=r"^why:"):
        sets.decide(store, "dup", ihash, "p1", by=None, why="  ")
    with store.reader() as session, pytest.raises(NotFoundError):
        sets.get_set(session, "nope")
    with pytest.raises(InvalidInputError, match=r"^name:"):
        sets.add_set(store, "  ", PARTIES)
    with pytest.raises(InvalidInputError, match=r"^threshold:"):
        sets.add_set(store, "x", PARTIES, threshold=1.5)


def test_read_upload_reports_bad_rows_and_unreadable_files(tmp_path: Path) -> None:
    good = b"key,name,schema\nc1,Ivan Petrov,Person\nc2,   ,Person\nc3,Ali\x07Hassan,Person\n"
    parties, rejected = sets.read_upload(io.BytesIO(good), "../../clients.csv", tmp_path / "up")
    assert [p.key for p in parties] == ["c1"]
    assert [(r.line, r.key) for r in rejected] == [(3, "c2"), (4, "c3")]
    assert "names" in (rejected[0].error or "") and "control" in (rejected[1].error or "")
    assert list((tmp_path / "up").iterdir()) == []  # the copy is removed
    with pytest.raises(InvalidInputError) as info:
        sets.read_upload(io.BytesIO(b"party\nIvan\n"), "clients.csv", tmp_path / "up")
    message = str(info.value)
    assert message.startswith("file: clients.csv: ") and "no 'name' column" in message
    lines = b'{"key": "k", "names": ["Ivan Petrov"]}\n{not json\n'
    parties, rejected = sets.read_upload(io.BytesIO(lines), "parties.jsonl", tmp_path / "up")
    assert [p.key for p in parties] == ["k"] and rejected[0].line == 2


def test_cli_set_decisions_and_replace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    from typer.testing import CliRunner

    from accord.cli.main import app
    from accord.settings import get_settings

    runner = CliRunner()
    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.delenv("ACCORD_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        v1 = str(version_one(tmp_path / "v1.json"))
        assert runner.invoke(app, ["lists", "fetch", "opensanctions", "--from", v1]).exit_code == 0
        src = tmp_path / "clients.csv"
        src.write_text("key,name,schema\nc1,Ivan Petrov,Person\nc2,John Doe,Person\n")
        add = ["screen", "sets", "add", "clients", str(src)]
        assert runner.invoke(app, add).exit_code == 0
        again = runner.invoke(app, add)
        assert again.exit_code == 1 and "exists already" in again.output
        assert runner.invoke(app, ["screen", "sets", "run", "clients"]).exit_code == 0
        decide = ["screen", "sets", "decide", "clients", "c1", "p1", "--not-a-match"]
        result = runner.invoke(app, [*decide, "--why", "other DOB", "--by", "bob"])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["screen", "sets", "decisions", "clients", "--format", "json"])
        assert result.exit_code == 0, result.output
        (listed,) = orjson.loads(result.stdout)
        assert listed["decided_by"] == "bob" and listed["standing"] is True
        result = runner.invoke(app, ["screen", "decisions", "--party", "c1"])
        assert result.exit_code == 0 and "other DOB" in result.output
        assert runner.invoke(app, [*add, "--replace"]).exit_code == 0
        result = runner.invoke(app, ["screen", "sets", "run", "clients", "--format", "json"])
        run = orjson.loads(result.stdout)
        assert (run["new"], run["suppressed"]) == (1, 1)
        result = runner.invoke(app, ["screen", "sets", "decide", "nope", "c1", "p1", "--why", "x"])
        assert result.exit_code == 1 and "--not-a-match" in result.output
    finally:
        get_settings.cache_clear()
