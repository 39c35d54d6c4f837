"""Write a stream of Arrow batches into ``date=`` partition folders with bounded memory.

DuckDB's partitioned ``COPY`` keeps a full buffer for every partition it meets, and sorting a
run's rows by day first costs more than everything else of the commit (a year of declarations:
~4 s per 1M rows, spilling at DuckDB's memory limit). Here rows arrive in any order and are
buffered per partition up to a fixed budget for all partitions together. A partition whose rows
reach ``ROW_GROUP_ROWS`` is written out as one row group of its file. Past the budget, the
buffers of the partitions still below a row group are *spilled*: appended, as they are, to one
uncompressed Arrow IPC file per spill, with an index of which batches belong to which day (Arrow
IPC writes are memory copies; a Parquet row group costs milliseconds whatever its size). When a
partition's rows — spilled and buffered — make a row group, or at the end, they are read back
(only that partition's batches, by index) and written as one row group. So every partition of a
run becomes one file of full row groups, whatever the order of the input, and memory holds at
most the budget plus the row groups in flight.

The row groups are encoded, compressed and written by background threads, in the order they
were submitted per partition, while the caller slices the next batches out of DuckDB (Parquet
encoding releases the GIL). At most ``MAX_PENDING_ROWS`` rows wait for those threads.
"""

from __future__ import annotations

import shutil
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from accord.ingest.keys import DATE, NULL_PARTITION, RECORD_ID

#: Rows buffered over all partitions before the small buffers are spilled (~100 MB of trade rows).
BUDGET_ROWS = 256 * 1024
#: A partition's rows are written out as a row group as soon as there are this many.
ROW_GROUP_ROWS = 128 * 1024
#: Open files at most; the least recently written is closed beyond (a later write to its
#: partition starts a new file).
MAX_OPEN_FILES = 256
#: Rows without a date sort last, as DuckDB's ``ORDER BY … NULLS LAST`` puts them.
_NULL_DAY = np.iinfo(np.int32).max
#: Writes queued for the writer threads at most, and the rows they may hold together.
MAX_PENDING = 16
MAX_PENDING_ROWS = BUDGET_ROWS // 2
#: Writer threads; each partition (its file's row groups, then its closing) stays on one.
WRITER_THREADS = 2


#: Rows per batch of a spill file: the buffers are copied into batches this size, one at a time,
#: so a spill holds at most this many rows twice.
SPILL_BATCH_ROWS = 32 * 1024


class _Spill:
    """One spill: the buffered rows in day order, as Arrow IPC batches, and each day's slice.

    Each buffer is released once copied into its batch. Read back through a memory map opened per
    read (a slice is then zero-copy, and the pages are released with the row group that uses
    them)."""

    def __init__(self, path: Path, schema: pa.Schema, buffers: dict[int, list[pa.RecordBatch]]):
        self.path = path
        self.days: dict[int, tuple[int, int, int]] = {}
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
            group: list[pa.RecordBatch] = []
            rows = batches = 0
            for day in sorted(buffers):
                parts = buffers.pop(day)
                n = sum(len(p) for p in parts)
                if group and rows + n > SPILL_BATCH_ROWS:
                    writer.write_batch(pa.concat_batches(group))
                    group, rows, batches = [], 0, batches + 1
                self.days[day] = (batches, rows, n)
                group.extend(parts)
                rows += n
            if group:
                writer.write_batch(pa.concat_batches(group))

    def take(self, day: int) -> list[pa.RecordBatch]:
        where = self.days.pop(day, None)
        if where is None:
            return []
        index, offset, rows = where
        with pa.memory_map(str(self.path)) as source:
            batch = pa.ipc.open_file(source).get_batch(index)
        return [batch.slice(offset, rows)]

    @property
    def empty(self) -> bool:
        return not self.days

    def close(self) -> None:
        self.path.unlink(missing_ok=True)


class PartitionWriter:
    """Rows with a ``date`` column → ``<root>/date=YYYY-MM-DD/part-<run id>-<n>.parquet``.

    The files hold ``schema`` (the date lives in the folder name only, as Hive expects). They are
    written under a hidden temporary name in their final folder (readers glob ``*.parquet``;
    Spark skips dot files) and renamed by ``publish``, so a failed run leaves nothing readable.
    Spills go to ``spill_dir`` (default: a ``.spill-<run id>`` folder under ``root``), removed at
    the end.
    """

    def __init__(
        self, root: Path, schema: pa.Schema, run_id: str, *, spill_dir: Path | None = None
    ) -> None:
        self.root = root
        self.schema = schema
        self.run_id = run_id
        self.spill_dir = spill_dir or root / f".spill-{run_id}"
        self.buffers: dict[int, list[pa.RecordBatch]] = {}
        self.buffered: dict[int, int] = {}
        self.spilled: dict[int, int] = {}
        self.total = 0
        self.spills: list[_Spill] = []
        self.writers: OrderedDict[int, pq.ParquetWriter] = OrderedDict()
        self.files: list[Path] = []
        self._pools: list[ThreadPoolExecutor] = []
        self._pending: deque[tuple[Future[None], int]] = deque()
        self._pending_rows = 0
        self._spill_dir_made = False

    def write(self, batch: pa.RecordBatch) -> None:
        if batch.num_rows == 0:
            return
        days = pc.fill_null(batch.column(DATE).cast(pa.int32()), _NULL_DAY).to_numpy()
        data = batch.drop_columns([DATE]).cast(self.schema)
        if bool((np.diff(days) < 0).any()):
            # One sort per batch (none for sorted input); each partition is then a contiguous,
            # zero-copy slice. Columns without a value (unused roles, optional fields) are not
            # gathered: the gather of text columns is most of the cost.
            order = np.argsort(days, kind="stable")
            indices = pa.array(order)
            days = days[order]
            data = pa.RecordBatch.from_arrays(
                [c if c.null_count == len(c) else c.take(indices) for c in data.columns],
                schema=data.schema,
            )
        starts = np.flatnonzero(np.diff(days)) + 1
        bounds = [0, *starts.tolist(), len(days)]
        for start, end in pairwise(bounds):
            self._buffer(int(days[start]), data.slice(start, end - start))
        if self.total >= BUDGET_ROWS:
            self._spill()

    def _buffer(self, day: int, part: pa.RecordBatch) -> None:
        self.buffers.setdefault(day, []).append(part)
        self.buffered[day] = self.buffered.get(day, 0) + part.num_rows
        self.total += part.num_rows
        if self.buffered[day] + self.spilled.get(day, 0) >= ROW_GROUP_ROWS:
            self._emit(day)

    def _spill(self) -> None:
        """Every buffered row to a new IPC file, indexed by day (the buffers are all below a row
        group: a full one is written out at once)."""
        if not self._spill_dir_made:
            self.spill_dir.mkdir(parents=True, exist_ok=True)
            self._spill_dir_made = True
        path = self.spill_dir / f"{len(self.spills)}.arrow"
        for day, rows in self.buffered.items():
            self.spilled[day] = self.spilled.get(day, 0) + rows
        self.spills.append(_Spill(path, self.schema, self.buffers))  # empties the buffers
        self.buffers.clear()
        self.buffered.clear()
        self.total = 0

    def _emit(self, day: int, *, close: bool = False) -> None:
        """The day's spilled and buffered rows as one row group of its file."""
        parts: list[pa.RecordBatch] = []
        if self.spilled.pop(day, 0):
            for spill in self.spills:
                parts.extend(spill.take(day))
            self._release_spills()
        rows = self.buffered.pop(day, 0)
        self.total -= rows
        parts.extend(self.buffers.pop(day, []))
        if parts:
            writer = self.writers.get(day) or self._open(day)
            self.writers.move_to_end(day)
            self._submit(day, self._write_parts, writer, parts, rows=sum(len(p) for p in parts))
        if close and day in self.writers:
            self._submit(day, self.writers.pop(day).close)

    def _release_spills(self) -> None:
        while self.spills and self.spills[0].empty:
            self.spills.pop(0).close()

    def _write_parts(self, writer: pq.ParquetWriter, parts: list[pa.RecordBatch]) -> None:
        table = pa.Table.from_batches(parts, self.schema)
        writer.write_table(table, row_group_size=max(table.num_rows, 1))

    def _submit(self, day: int, fn: Callable[..., None], *args: object, rows: int = 0) -> None:
        """Run ``fn`` on the day's writer thread, after everything submitted for that day.

        Each day is bound to one thread, first in first out: a file's row groups are written in
        order, and it is closed after the last of them. Waits while ``MAX_PENDING_ROWS`` rows
        are in flight."""
        while self._pending and (
            self._pending_rows + rows > MAX_PENDING_ROWS or len(self._pending) >= MAX_PENDING
        ):
            self._pending_rows -= self._pending[0][1]
            self._pending.popleft()[0].result()
        if not self._pools:
            self._pools = [
                ThreadPoolExecutor(1, thread_name_prefix="partwrite") for _ in range(WRITER_THREADS)
            ]
        pool = self._pools[day % len(self._pools)]
        self._pending.append((pool.submit(fn, *args), rows))
        self._pending_rows += rows

    def _drain(self) -> None:
        """Wait for the background writes (raising the first failure), then stop the threads."""
        try:
            while self._pending:
                self._pending.popleft()[0].result()
        finally:
            for pool in self._pools:
                pool.shutdown(wait=True, cancel_futures=True)
            self._pools = []
            self._pending.clear()
            self._pending_rows = 0

    def _open(self, day: int) -> pq.ParquetWriter:
        if len(self.writers) >= MAX_OPEN_FILES:
            evicted, writer = self.writers.popitem(last=False)
            self._submit(evicted, writer.close)
        name = NULL_PARTITION if day == _NULL_DAY else str(np.datetime64(day, "D"))
        folder = self.root / f"{DATE}={name}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f".part-{self.run_id}-{len(self.files)}.parquet.tmp"
        self.files.append(path)
        # zstd level 1: within 15 % of the default level's size at under half its time. Record
        # ids are all distinct: a dictionary for them is built only to be abandoned.
        writer = pq.ParquetWriter(
            path, self.schema, compression="zstd", compression_level=1,
            use_dictionary=[c for c in self.schema.names if c != RECORD_ID],
        )  # fmt: skip
        self.writers[day] = writer
        return writer

    def close(self) -> None:
        """Write every partition's remaining rows and close its file (hidden until
        ``publish``)."""
        try:
            for day in sorted(set(self.buffers) | set(self.spilled)):
                self._emit(day, close=True)
            while self.writers:
                day, writer = self.writers.popitem(last=False)
                self._submit(day, writer.close)
            self._drain()
        finally:
            self._remove_spills()

    def _remove_spills(self) -> None:
        for spill in self.spills:
            spill.close()
        self.spills.clear()
        if self._spill_dir_made:
            shutil.rmtree(self.spill_dir, ignore_errors=True)
            self._spill_dir_made = False

    def publish(self) -> None:
        for path in self.files:
            path.rename(path.with_name(path.name[1:].removesuffix(".tmp")))

    def discard(self) -> None:
        with suppress(Exception):  # the files are removed below, whatever went wrong
            self._drain()
        for writer in self.writers.values():
            with suppress(Exception):
                writer.close()
        self.writers.clear()
        self._remove_spills()
        for path in self.files:
            path.unlink(missing_ok=True)
