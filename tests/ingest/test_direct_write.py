"""Files written while staging (``DirectWrite``): published when every staged row is accepted,
otherwise left to the commit; never holding rows of a failed file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pytest

from accord.analytics.datasets import Dataset
from accord.analytics.store import AnalyticsStore, analytics_root
from accord.errors import InvalidInputError
from accord.ingest import commit, csvread
from accord.ingest.ais_csv import read_ais_csv
from accord.ingest.base import Chunk, Deferred, Format, IngestOptions, Progress
from accord.ingest.kinds import get_kind
from accord.ingest.pipeline import ingest
from accord.settings import Settings
from tests.conftest import require_shared
from tests.ingest.conftest import write

HEAD = "timestamp,lat,lon,mmsi\n"


def _commit_writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The datasets the commit writes itself (rather than publishing the direct files)."""
    written: list[str] = []
    real = commit.Committer._write

    def spy(self: commit.Committer, ds: Dataset, *args: object, **kw: object) -> None:
        written.append(ds.name)
        real(self, ds, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(commit.Committer, "_write", spy)
    return written


def _stored(settings: Settings, name: str) -> pa.Table:
    table = AnalyticsStore(analytics_root(settings)).table(name).to_pyarrow()
    return table.drop_columns(["ingested_at"]).sort_by("record_id")


def _hidden_files(settings: Settings) -> list[Path]:
    return list((settings.data_dir / "analytics").rglob(".part-*"))


def test_direct_files_hold_what_the_commit_would_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = require_shared("ais/marinecadastre_20230111_sample.csv")
    direct = Settings(data_dir=tmp_path / "direct", shared_dir=tmp_path)
    written = _commit_writes(monkeypatch)
    assert ingest(get_kind("ais"), [path], settings=direct).files[0].rejected == 0
    assert "positions" not in written and "vessel_static" in written  # parties: the commit's

    monkeypatch.setattr(commit.DirectWrite, "eligible", staticmethod(lambda ds: False))
    through_commit = Settings(data_dir=tmp_path / "commit", shared_dir=tmp_path)
    ingest(get_kind("ais"), [path], settings=through_commit)
    assert "positions" in written
    expected = _stored(through_commit, "positions")
    assert expected.num_rows == 1000  # the sample's rows, all positions
    assert _stored(direct, "positions").equals(expected)


def test_rows_repeated_or_stored_fall_back_to_the_commit(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = _commit_writes(monkeypatch)
    a = "2025-03-01T00:00:00Z,10,10,352000001\n"
    b = "2025-03-01T00:01:00Z,10.5,10,352000001\n"
    c = "2025-03-02T00:02:00Z,11,10,352000001\n"
    first = write(tmp_path / "1.csv", HEAD + a + b + a)  # a repeated within the file
    s1 = ingest(get_kind("ais"), [first], settings=settings).files[0]
    assert (s1.accepted, s1.duplicate) == (2, 1)
    assert written.count("positions") == 1
    second = write(tmp_path / "2.csv", HEAD + b + c)  # b already stored
    s2 = ingest(get_kind("ais"), [second], settings=settings).files[0]
    assert (s2.accepted, s2.duplicate) == (1, 1)
    assert written.count("positions") == 2
    assert _stored(settings, "positions").num_rows == 3
    assert _hidden_files(settings) == []
    third = write(tmp_path / "3.csv", HEAD + c.replace("02:00", "03:00"))  # all new: direct
    assert ingest(get_kind("ais"), [third], settings=settings).files[0].accepted == 1
    assert written.count("positions") == 2
    assert _stored(settings, "positions").num_rows == 4


def test_a_failed_file_leaves_its_rows_out_of_the_direct_files(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second file fails after some of its chunks were staged (and written directly): none
    of its rows may be published; the first file's rows are stored once."""
    monkeypatch.setattr(csvread, "BLOCK_SIZE", 1024)

    def failing(path: Path, options: IngestOptions, progress: Progress) -> Iterator[Deferred]:
        for n, item in enumerate(read_ais_csv(path, options, progress)):
            assert callable(item)
            if path.name == "bad.csv" and n == 3:

                def fail() -> Chunk:
                    raise InvalidInputError("bad.csv: cut off")

                yield fail
                return
            yield item

    rows = [f"2025-03-01T00:{m:02d}:{s:02d}Z,10.{m},10.{s},35200000{m % 7}" for m in range(60)
            for s in range(0, 60, 10)]  # fmt: skip
    good = write(tmp_path / "good.csv", HEAD + "\n".join(rows[:200]) + "\n")
    bad = write(tmp_path / "bad.csv", HEAD + "\n".join(rows[200:]) + "\n")
    kind = get_kind("ais")
    kind = replace(kind, formats=(Format("csv", "test", failing),), detect=lambda _p: "csv")
    run = ingest(kind, [good, bad], settings=settings)
    assert [f.status for f in run.files] == ["ingested", "failed"]
    assert run.files[0].accepted == 200
    stored = _stored(settings, "positions")
    assert stored.num_rows == 200
    assert set(stored["source_line"].to_pylist()) == set(range(2, 202))
    assert _hidden_files(settings) == []
