"""The reader thread, the conversion and keying workers and the background partition writer:
order, errors, bounded work."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from accord.analytics.store import AnalyticsStore, analytics_root
from accord.errors import InvalidInputError
from accord.ingest import csvread, partwrite
from accord.ingest.base import (
    Chunk,
    Deferred,
    Format,
    IngestOptions,
    Kind,
    Progress,
    Reader,
    Reject,
)
from accord.ingest.keys import DATE
from accord.ingest.kinds import get_kind
from accord.ingest.partwrite import PartitionWriter
from accord.ingest.payments_csv import read_payments_csv
from accord.ingest.pipeline import ingest, prefetched
from accord.settings import Settings
from tests.ingest.conftest import rejects


def _chunks(n: int, fail_at: int | None = None) -> Iterator[Chunk]:
    for i in range(n):
        if i == fail_at:
            raise ValueError(f"broken at {i}")
        yield Chunk(tables={}, rejects=[Reject(i, "r", "")])


def test_prefetched_keeps_order() -> None:
    lines = [c.rejects[0].line for c in prefetched(_chunks(20))]
    assert lines == list(range(20))


def test_prefetched_raises_the_readers_error_in_the_caller() -> None:
    seen = []
    with pytest.raises(ValueError, match="broken at 3"):
        for chunk in prefetched(_chunks(10, fail_at=3)):
            seen.append(chunk.rejects[0].line)
    assert seen == [0, 1, 2]


def test_prefetched_stops_the_reader_when_the_caller_stops() -> None:
    produced = []

    def endless() -> Iterator[Chunk]:
        i = 0
        while True:
            produced.append(i)
            yield Chunk(tables={}, rejects=[])
            i += 1

    before = threading.active_count()
    stream = prefetched(endless(), depth=2)
    next(stream)
    stream.close()  # joins the reader thread
    assert threading.active_count() == before
    assert len(produced) <= 5


def _batch(days: list[int], start: int) -> pa.RecordBatch:
    return pa.record_batch(
        {
            "record_id": pa.array([f"r{start + i}" for i in range(len(days))]),
            "v": pa.array(range(start, start + len(days)), pa.int64()),
            DATE: pa.array([date.fromordinal(date(2024, 1, 1).toordinal() + d) for d in days]),
        }
    )


@pytest.mark.parametrize("ordered", [True, False])
def test_partition_writer_one_file_per_day(
    tmp_path: Path, ordered: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(partwrite, "MAX_PENDING", 2)  # the caller waits for the writer thread
    schema = pa.schema([("record_id", pa.string()), ("v", pa.int64())])
    writer = PartitionWriter(tmp_path, schema, "run")
    days = [d // 7 for d in range(70)]  # 10 days, in order, spread over several batches
    for start in range(0, 70, 9):
        part = days[start : start + 9]
        writer.write(_batch(part if ordered else part[::-1], start))
    writer.close()
    writer.publish()
    files = sorted(tmp_path.glob("date=*/*.parquet"))
    assert len(files) == 10
    values = sorted(v for f in files for v in pq.read_table(f)["v"].to_pylist())
    assert values == list(range(70))
    assert not list(tmp_path.glob("date=*/.*.tmp"))


def test_partition_writer_hands_over_the_days_time_ordered_input_has_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows in time order: a day's rows are encoded once the input has moved past it, not at the
    end; a late row of that day gets a row group of its own in the same file."""
    monkeypatch.setattr(partwrite, "MIN_ROW_GROUP_ROWS", 5)
    schema = pa.schema([("record_id", pa.string()), ("v", pa.int64())])
    writer = PartitionWriter(tmp_path, schema, "run")
    day = (date(2024, 1, 1) - date(1970, 1, 1)).days  # day numbers of 2024-01-01 on
    writer.write(_batch([0] * 2, 0))
    writer.write(_batch([1] * 6, 2))  # day 0 has too few rows for a row group of its own: waits
    assert set(writer.buffered) == {day, day + 1}
    writer.write(_batch([2] * 6, 8))
    assert set(writer.buffered) == {day, day + 2}  # day 1 handed to a writer thread
    writer.write(_batch([1], 14))  # late
    writer.close()
    writer.publish()
    files = sorted(tmp_path.glob("date=*/*.parquet"))
    assert len(files) == 3
    day1 = pq.ParquetFile(files[1])
    assert day1.metadata.num_row_groups == 2
    assert sorted(day1.read()["v"].to_pylist()) == [2, 3, 4, 5, 6, 7, 14]


def test_partition_writer_keeps_statistics_for_numbers_not_text(tmp_path: Path) -> None:
    """Row groups are pruned by their numbers' and dates' ranges; text ranges prune nothing."""
    schema = pa.schema([("country", pa.string()), ("v", pa.int64())])
    writer = PartitionWriter(tmp_path, schema, "run")
    writer.write(
        pa.record_batch(
            {
                "country": pa.array(["DE", "DE", "DE", "AE"]),  # repeated: dictionary-encoded
                "v": pa.array([10, 12, 11, 11], pa.int64()),
                DATE: pa.array([date(2024, 1, 1)] * 4),
            }
        )
    )
    writer.close()
    writer.publish()
    (file,) = tmp_path.glob("date=*/*.parquet")
    group = pq.ParquetFile(file).metadata.row_group(0)
    number = group.column(schema.get_field_index("v")).statistics
    assert (number.min, number.max) == (10, 12)
    assert group.column(schema.get_field_index("country")).statistics is None


def test_partition_writer_fills_in_columns_a_batch_lacks(tmp_path: Path) -> None:
    schema = pa.schema([("record_id", pa.string()), ("v", pa.int64())])
    writer = PartitionWriter(tmp_path, schema, "run")
    writer.write(_batch([0, 0], 0).drop_columns(["v"]))
    writer.close()
    writer.publish()
    (file,) = tmp_path.glob("date=*/*.parquet")
    table = pq.read_table(file)
    assert table.schema.equals(schema)
    assert table.to_pydict() == {"record_id": ["r0", "r1"], "v": [None, None]}


def test_partition_writer_discard_removes_background_files(tmp_path: Path) -> None:
    schema = pa.schema([("record_id", pa.string()), ("v", pa.int64())])
    writer = PartitionWriter(tmp_path, schema, "run")
    writer.write(_batch([0, 0, 1, 1, 2], 0))
    writer.write(_batch([3, 4], 5))
    writer.discard()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_partition_writer_spills_unordered_rows_into_one_file_per_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows of 30 days in random order, budget far below the input: spilled, then gathered."""
    import random

    monkeypatch.setattr(partwrite, "BUDGET_ROWS", 40)
    monkeypatch.setattr(partwrite, "ROW_GROUP_ROWS", 25)
    monkeypatch.setattr(partwrite, "MAX_PENDING_ROWS", 30)
    monkeypatch.setattr(partwrite, "MIN_ROW_GROUP_ROWS", 25)  # no early, smaller row groups
    schema = pa.schema([("record_id", pa.string()), ("v", pa.int64())])
    spill = tmp_path / "spill"
    writer = PartitionWriter(tmp_path / "store", schema, "run", spill_dir=spill)
    days = [d % 30 for d in range(600)]  # 20 rows per day: below a row group, spilled
    days[:60] = [0] * 60  # day 0 has 78 rows: written as row groups as they fill
    random.Random(5).shuffle(days)
    for start in range(0, 600, 17):
        writer.write(_batch(days[start : start + 17], start))
    assert writer.spills  # the budget was exceeded: rows went to IPC spills
    writer.close()
    writer.publish()
    assert not spill.exists()
    files = sorted((tmp_path / "store").glob("date=*/*.parquet"))
    assert len(files) == 30  # one file per day, whatever the order of the input
    got: dict[str, list[int]] = {}
    for f in files:
        got.setdefault(f.parent.name, []).extend(pq.read_table(f)["v"].to_pylist())
    assert sorted(v for vs in got.values() for v in vs) == list(range(600))
    first = date(2024, 1, 1).toordinal()
    for name, values in got.items():
        day = date.fromisoformat(name.removeprefix("date=")).toordinal() - first
        assert {days[v] for v in values} == {day}
    day0 = pq.ParquetFile(tmp_path / "store" / "date=2024-01-01" / files[0].name)
    assert day0.metadata.num_rows == days.count(0) == 78
    assert day0.metadata.num_row_groups >= 2


def test_partition_writer_writes_coarse_partitions_out_instead_of_spilling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over budget, partitions with enough rows become (smaller) row groups: no spill file."""
    monkeypatch.setattr(partwrite, "BUDGET_ROWS", 40)
    monkeypatch.setattr(partwrite, "ROW_GROUP_ROWS", 100)
    monkeypatch.setattr(partwrite, "MIN_ROW_GROUP_ROWS", 10)
    schema = pa.schema([("record_id", pa.string()), ("v", pa.int64())])
    spill = tmp_path / "spill"
    writer = PartitionWriter(tmp_path / "store", schema, "run", spill_dir=spill)
    days = [d % 2 for d in range(200)]  # two partitions, interleaved
    for start in range(0, 200, 16):
        writer.write(_batch(days[start : start + 16], start))
        assert writer.total <= 40 + 16
    assert not writer.spills and not spill.exists()
    writer.close()
    writer.publish()
    files = sorted((tmp_path / "store").glob("date=*/*.parquet"))
    assert len(files) == 2
    for f in files:
        meta = pq.ParquetFile(f).metadata
        assert meta.num_rows == 100
        assert meta.num_row_groups > 1
    assert sorted(v for f in files for v in pq.read_table(f)["v"].to_pylist()) == list(range(200))


# --- conversion and keying on worker threads ------------------------------------------------


def _slow_first(reader: Reader, delay: float) -> Reader:
    """``reader``, its first chunk's conversion delayed: the later chunks finish first."""

    def read(path: Path, options: IngestOptions, progress: Progress) -> Iterator[Chunk | Deferred]:
        for n, item in enumerate(reader(path, options, progress)):
            if n == 0:
                assert callable(item), "the template reader leaves converting to the workers"

                def slow(item: Deferred = item) -> Chunk:
                    time.sleep(delay)
                    return item()

                yield slow
            else:
                yield item

    return read


def _payments_kind(reader: Reader) -> Kind:
    kind = get_kind("payments")
    return replace(kind, formats=(Format("csv", "test", reader),), detect=lambda _p: "csv")


def test_chunks_converted_out_of_order_are_staged_in_order(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers finish the later chunks first; rows, rejects and the run's first-sight rule
    still follow the file's order."""
    monkeypatch.setattr(csvread, "BLOCK_SIZE", 2048)  # many chunks
    lines = ["tx_id,settlement_date,amount,currency,debtor_name"]
    for i in range(600):
        amount = "lots" if i % 97 == 5 else i + 1  # a reject now and then
        lines.append(f"T{i},2024-03-0{1 + i % 3},{amount},EUR,Debtor {i}")
    lines.append("T3,2024-03-01,999,EUR,Other")  # T3 again, other content: rejected
    path = tmp_path / "p.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kind = _payments_kind(_slow_first(read_payments_csv, 0.3))
    summary = ingest(kind, [path], settings=settings).files[0]
    assert summary.status == "ingested"
    bad = rejects(summary.rejects_path)
    assert [int(r["line"]) for r in bad] == sorted(int(r["line"]) for r in bad)
    assert [int(r["line"]) for r in bad][-1] == 602
    assert "line 5" in bad[-1]["reason"]  # the first T3 (line 5) is the one kept
    assert len(bad) == 1 + sum(1 for i in range(600) if i % 97 == 5)
    assert summary.accepted == 600 - (len(bad) - 1)
    stored = AnalyticsStore(analytics_root(settings)).table("payments").to_pyarrow()
    amounts = dict(zip(stored["tx_id"].to_pylist(), stored["amount"].to_pylist(), strict=True))
    assert amounts["T3"] == 4


def test_an_error_in_a_workers_conversion_fails_the_file(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvread, "BLOCK_SIZE", 2048)

    def broken(path: Path, options: IngestOptions, progress: Progress) -> Iterator[Deferred]:
        for n, item in enumerate(read_payments_csv(path, options, progress)):
            if n == 3:

                def fail() -> Chunk:
                    raise InvalidInputError(f"{path.name}: unreadable part")

                yield fail
            else:
                assert callable(item)
                yield item

    lines = ["tx_id,settlement_date,amount,currency"]
    lines += [f"T{i},2024-03-01,{i + 1},EUR" for i in range(600)]
    path = tmp_path / "p.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = ingest(_payments_kind(broken), [path], settings=settings).files[0]
    assert summary.status == "failed"
    assert summary.error == "p.csv: unreadable part"
    assert not (settings.data_dir / "analytics" / "payments").exists()
    assert list((settings.data_dir / "analytics" / "_staging").iterdir()) == []


def test_the_commit_publishes_only_files_written_to_the_end(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dataset's files are encoded while the commit goes on with the next dataset; publishing
    waits for them."""
    real_write = partwrite._File.write

    def slow_write(self: partwrite._File, table: pa.Table) -> None:
        time.sleep(0.3)
        real_write(self, table)

    monkeypatch.setattr(partwrite._File, "write", slow_write)
    lines = ["tx_id,settlement_date,amount,currency,debtor_name"]
    lines += [f"T{i},2024-03-0{1 + i % 3},{i + 1},EUR,Debtor {i}" for i in range(50)]
    path = tmp_path / "p.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = ingest(get_kind("payments"), [path], settings=settings).files[0]
    assert summary.accepted == 50
    store = AnalyticsStore(analytics_root(settings))
    assert store.table("payments").count().to_pyarrow().as_py() == 50
    assert store.table("parties").count().to_pyarrow().as_py() == 50


def test_a_session_that_fails_to_open_fails_the_run_cleanly(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DuckDB session opens while the first file is hashed and parsed: its failure reaches
    the caller, and nothing is staged or stored."""
    from accord.ingest import pipeline

    def broken(memory_limit: str = "") -> None:
        raise duckdb.OutOfMemoryException("cannot allocate the session")

    monkeypatch.setattr(pipeline, "new_connection", broken)
    path = tmp_path / "p.csv"
    path.write_text("timestamp,lat,lon,mmsi\n2025-03-01T00:00:00Z,10,10,352000001\n")
    with pytest.raises(duckdb.OutOfMemoryException, match="cannot allocate the session"):
        ingest(get_kind("ais"), [path], settings=settings)
    assert list((settings.data_dir / "analytics" / "_staging").iterdir()) == []
    assert not (settings.data_dir / "analytics" / "positions").exists()
