"""Write a stream of Arrow batches into ``date=`` partition folders with bounded memory.

DuckDB's partitioned ``COPY`` keeps a full buffer for every partition it meets: a year of
declarations (366 partitions) held most of the run in memory. Here rows are buffered per
partition only up to a fixed budget for all partitions together; past it every buffer is flushed
as a row group of that partition's open file. When the input arrives in date order (the commit
sorts runs that touch many days), a partition is complete as soon as a later day shows up: it is
written and closed at once, so every partition of the run becomes one file of full row groups.

Each Parquet row group costs a few milliseconds whatever its size (per-column encoders,
statistics, compressor), so few, large row groups matter more than anything else here. The
row groups are encoded, compressed and written by one background thread, in the order they were
flushed, while the caller slices the next batches out of DuckDB (Parquet encoding releases the
GIL; a year of declarations is 366 small files). At most ``MAX_PENDING_ROWS`` rows wait for that
thread, on top of the buffers, which keeps the memory bounded.
"""

from __future__ import annotations

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

#: Rows buffered over all partitions before everything is flushed (~100 MB of trade rows).
BUDGET_ROWS = 256 * 1024
#: A partition's buffer is written out as soon as it holds this many rows.
ROW_GROUP_ROWS = 128 * 1024
#: Open files at most; the least recently written is closed beyond (a later write to its
#: partition starts a new file).
MAX_OPEN_FILES = 256
#: Rows without a date sort last, as DuckDB's ``ORDER BY … NULLS LAST`` puts them.
_NULL_DAY = np.iinfo(np.int32).max
#: Writes queued for the writer thread at most, and the rows they may hold together.
MAX_PENDING = 16
MAX_PENDING_ROWS = BUDGET_ROWS // 2
#: Writer threads; each partition (its file's row groups, then its closing) stays on one.
WRITER_THREADS = 2


class PartitionWriter:
    """Rows with a ``date`` column → ``<root>/date=YYYY-MM-DD/part-<run id>-<n>.parquet``.

    The files hold ``schema`` (the date lives in the folder name only, as Hive expects). They are
    written under a hidden temporary name in their final folder (readers glob ``*.parquet``;
    Spark skips dot files) and renamed by ``publish``, so a failed run leaves nothing readable.
    """

    def __init__(self, root: Path, schema: pa.Schema, run_id: str, *, ordered: bool) -> None:
        self.root = root
        self.schema = schema
        self.run_id = run_id
        self.ordered = ordered
        self.buffers: dict[int, list[pa.RecordBatch]] = {}
        self.buffered: dict[int, int] = {}
        self.total = 0
        self.writers: OrderedDict[int, pq.ParquetWriter] = OrderedDict()
        self.files: list[Path] = []
        self._pools: list[ThreadPoolExecutor] = []
        self._pending: deque[tuple[Future[None], int]] = deque()
        self._pending_rows = 0

    def write(self, batch: pa.RecordBatch) -> None:
        if batch.num_rows == 0:
            return
        days = pc.fill_null(batch.column(DATE).cast(pa.int32()), _NULL_DAY).to_numpy()
        data = batch.drop_columns([DATE]).cast(self.schema)
        if bool((np.diff(days) < 0).any()):
            # One sort per batch (none for sorted input, which the commit sends when it matters);
            # each partition is then a contiguous, zero-copy slice.
            order = np.argsort(days, kind="stable")
            days, data = days[order], data.take(pa.array(order))
        starts = np.flatnonzero(np.diff(days)) + 1
        bounds = [0, *starts.tolist(), len(days)]
        for start, end in pairwise(bounds):
            self._buffer(int(days[start]), data.slice(start, end - start))
        if self.ordered:
            for day in [d for d in self.buffers if d < days[-1]]:
                self._flush(day, close=True)
        if self.total >= BUDGET_ROWS:
            for day in list(self.buffers):
                self._flush(day)

    def _buffer(self, day: int, part: pa.RecordBatch) -> None:
        self.buffers.setdefault(day, []).append(part)
        self.buffered[day] = self.buffered.get(day, 0) + part.num_rows
        self.total += part.num_rows
        if self.buffered[day] >= ROW_GROUP_ROWS:
            self._flush(day)

    def _flush(self, day: int, *, close: bool = False) -> None:
        parts = self.buffers.pop(day, [])
        rows = self.buffered.pop(day, 0)
        self.total -= rows
        if parts:
            writer = self.writers.get(day) or self._open(day)
            self.writers.move_to_end(day)
            self._submit(day, self._write_parts, writer, parts, rows=rows)
        if close and day in self.writers:
            self._submit(day, self.writers.pop(day).close)

    def _write_parts(self, writer: pq.ParquetWriter, parts: list[pa.RecordBatch]) -> None:
        writer.write_table(pa.Table.from_batches(parts, self.schema))

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
        """Wait for the background writes (raising the first failure), then stop the thread."""
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
        """Flush and close everything (the files stay hidden until ``publish``)."""
        for day in list(self.buffers):
            self._flush(day)
        while self.writers:
            day, writer = self.writers.popitem(last=False)
            self._submit(day, writer.close)
        self._drain()

    def publish(self) -> None:
        for path in self.files:
            path.rename(path.with_name(path.name[1:].removesuffix(".tmp")))

    def discard(self) -> None:
        with suppress(Exception):  # the files are removed below, whatever went wrong
            self._drain()
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()
        for path in self.files:
            path.unlink(missing_ok=True)
