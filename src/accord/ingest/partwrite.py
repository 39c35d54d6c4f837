"""Write a stream of Arrow batches into ``date=`` partition folders with bounded memory.

DuckDB's partitioned ``COPY`` keeps a full buffer for every partition it meets (and its Parquet
writer costs ~3x pyarrow's per row), and sorting a run's rows by day first costs more than
everything else of the commit. Here rows arrive in any order and are buffered per partition up to
a fixed budget for all partitions together. A partition whose rows reach ``ROW_GROUP_ROWS`` is
written out as one row group of its file. Past the budget, partitions holding at least
``MIN_ROW_GROUP_ROWS`` are written out as (smaller) row groups too — a few coarse partitions never
spill — and the buffers of the rest are *spilled*: each day's rows as one record batch of an
uncompressed Arrow IPC file, with an index of which batch is which day (an IPC write is a memory
copy; a Parquet row group costs milliseconds whatever its size). When a partition's rows —
spilled and buffered — make a row group, or at the end, its batches are read back (only those,
through one reader per spill file kept open: the read costs that day's bytes, where re-opening a
memory map per read cost ~2 ms) and written as one row group. So every
partition of a run becomes one file of full row groups, whatever the order of the input, and
memory holds at most the budget plus the row groups in flight.

The row groups are encoded, compressed and written by background threads, in the order they
were submitted per partition, while the caller slices the next batches out of DuckDB (Parquet
encoding releases the GIL). At most ``MAX_PENDING_ROWS`` rows wait for those threads. Each file
picks its dictionary-encoded columns from its first row group: text columns whose values repeat
(countries, codes, names seen many times); near-unique ones (record ids, declaration numbers,
party ids of a day) are written plain, since building a dictionary only to abandon it costs
~30 % of the encoding. Only the columns that are not text carry min/max statistics (dates,
times, numbers: what queries prune row groups by): text arrives in no order, so a row group's
range of countries, codes or names spans nearly all of them and prunes nothing, while computing
those ranges cost ~10 % of the encoding.
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

from accord.ingest.keys import DATE, NULL_PARTITION

#: Rows buffered over all partitions before the small buffers are spilled (~100 MB of trade rows).
BUDGET_ROWS = 256 * 1024
#: A partition's rows are written out as a row group as soon as there are this many.
ROW_GROUP_ROWS = 128 * 1024
#: Past the budget, a partition with at least this many rows buffered is written out as a row
#: group rather than spilled.
MIN_ROW_GROUP_ROWS = 16 * 1024
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
#: Rows of a file's first row group sampled to choose its dictionary-encoded columns; a column
#: is dictionary-encoded when at most this share of the sampled values are distinct.
DICTIONARY_SAMPLE = 4096
DICTIONARY_RATIO = 0.5


class _Spill:
    """One spill: each day's buffered rows as one Arrow IPC record batch, and its number.

    Each buffer is released once written. Read back through one reader kept open (reads of a
    regular file, not a memory map: the pages read are released with the row group that uses
    them)."""

    def __init__(self, path: Path, schema: pa.Schema, buffers: dict[int, list[pa.RecordBatch]]):
        self.path = path
        self.days: dict[int, int] = {}
        self._source: pa.NativeFile | None = None
        self._reader: pa.ipc.RecordBatchFileReader | None = None
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
            for n, day in enumerate(sorted(buffers)):
                parts = buffers.pop(day)
                writer.write_batch(parts[0] if len(parts) == 1 else pa.concat_batches(parts))
                self.days[day] = n

    def take(self, day: int) -> list[pa.RecordBatch]:
        number = self.days.pop(day, None)
        if number is None:
            return []
        if self._reader is None:
            self._source = pa.OSFile(str(self.path), "rb")
            self._reader = pa.ipc.open_file(self._source)
        return [self._reader.get_batch(number)]

    @property
    def empty(self) -> bool:
        return not self.days

    def close(self) -> None:
        self._reader = None
        if self._source is not None:
            self._source.close()
            self._source = None
        self.path.unlink(missing_ok=True)


class _File:
    """One partition file; opened by the writer thread with its first row group (which decides
    the dictionary-encoded columns)."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.schema = schema
        self.writer: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        if self.writer is None:
            # zstd level 1: within 15 % of the default level's size at under half its time.
            self.writer = pq.ParquetWriter(
                self.path, self.schema, compression="zstd", compression_level=1,
                use_dictionary=_dictionary_columns(table),
                write_statistics=[f.name for f in self.schema if not _is_text(f.type)],
            )  # fmt: skip
        self.writer.write_table(table, row_group_size=max(table.num_rows, 1))

    def close(self) -> None:
        if self.writer is None:  # no rows: still a valid (empty) file
            self.writer = pq.ParquetWriter(self.path, self.schema)
        self.writer.close()


def _is_text(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_list(t))


def _dictionary_columns(table: pa.Table) -> list[str]:
    sample = table.slice(0, DICTIONARY_SAMPLE)
    out = []
    for field, column in zip(sample.schema, sample.columns, strict=True):
        if not _is_text(field.type):
            continue
        valid = len(column) - column.null_count
        if pa.types.is_list(field.type) or valid == 0:
            out.append(field.name)
            continue
        distinct = pc.count_distinct(column).as_py()
        if distinct <= valid * DICTIONARY_RATIO:
            out.append(field.name)
    return out


class PartitionWriter:
    """Rows with a ``date`` column → ``<root>/date=YYYY-MM-DD/part-<run id>-<n>.parquet``.

    The files hold ``schema`` (the date lives in the folder name only, as Hive expects). They are
    written under a hidden temporary name in their final folder (readers glob ``*.parquet``;
    Spark skips dot files) and renamed by ``publish``, so a failed run leaves nothing readable.
    Spills go to ``spill_dir`` (default: a ``.spill-<run id>`` folder under ``root``), removed at
    the end.
    """

    def __init__(
        self,
        root: Path,
        schema: pa.Schema,
        run_id: str,
        *,
        spill_dir: Path | None = None,
        row_group_rows: int | None = None,
    ) -> None:
        """``row_group_rows``: the row group size (default ``ROW_GROUP_ROWS``); the rows waiting
        for the writer threads are bounded to the same number (default ``MAX_PENDING_ROWS``)."""
        self.root = root
        self.schema = schema
        self.run_id = run_id
        self.row_group_rows = row_group_rows or ROW_GROUP_ROWS
        self.max_pending_rows = row_group_rows or MAX_PENDING_ROWS
        self.spill_dir = spill_dir or root / f".spill-{run_id}"
        self.buffers: dict[int, list[pa.RecordBatch]] = {}
        self.buffered: dict[int, int] = {}
        self.spilled: dict[int, int] = {}
        self.total = 0
        self.spills: list[_Spill] = []
        self.writers: OrderedDict[int, _File] = OrderedDict()
        self.files: list[Path] = []
        self._pools: list[ThreadPoolExecutor] = []
        self._pending: deque[tuple[Future[None], int]] = deque()
        self._pending_rows = 0
        self._spill_dir_made = False

    def write(self, batch: pa.RecordBatch) -> None:
        """Buffer ``batch``: the schema's columns (a column it lacks is empty in every row) and
        ``date``."""
        if batch.num_rows == 0:
            return
        days = pc.fill_null(batch.column(DATE).cast(pa.int32()), _NULL_DAY).to_numpy()
        given = set(batch.schema.names)
        data = pa.RecordBatch.from_arrays(
            [
                batch.column(f.name).cast(f.type)
                if f.name in given
                else pa.nulls(len(batch), f.type)
                for f in self.schema
            ],
            schema=self.schema,
        )
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
        # Input in time order (positions, messages) has left the days before this batch's
        # first: their rows go to the writer threads now, not at ``finish`` (a later row of
        # such a day gets a row group of its own).
        for day in [d for d, n in self.buffered.items() if d < days[0] and n >= MIN_ROW_GROUP_ROWS]:
            self._emit(day)
        if self.total >= BUDGET_ROWS:
            self._spill()

    def _buffer(self, day: int, part: pa.RecordBatch) -> None:
        self.buffers.setdefault(day, []).append(part)
        self.buffered[day] = self.buffered.get(day, 0) + part.num_rows
        self.total += part.num_rows
        if self.buffered[day] + self.spilled.get(day, 0) >= self.row_group_rows:
            self._emit(day)

    def _spill(self) -> None:
        """Over budget: the partitions with enough rows for a row group are written out, every
        other buffered row goes to a new IPC file, indexed by day."""
        for day in [d for d, n in self.buffered.items() if n >= MIN_ROW_GROUP_ROWS]:
            self._emit(day)
        if not self.buffers:
            return
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
            file = self.writers.get(day) or self._open(day)
            self.writers.move_to_end(day)
            self._submit(day, self._write_parts, file, parts, rows=sum(len(p) for p in parts))
        if close and day in self.writers:
            self._submit(day, self.writers.pop(day).close)

    def _release_spills(self) -> None:
        while self.spills and self.spills[0].empty:
            self.spills.pop(0).close()

    def _write_parts(self, file: _File, parts: list[pa.RecordBatch]) -> None:
        file.write(pa.Table.from_batches(parts, self.schema))

    def _submit(self, day: int, fn: Callable[..., None], *args: object, rows: int = 0) -> None:
        """Run ``fn`` on the day's writer thread, after everything submitted for that day.

        Each day is bound to one thread, first in first out: a file's row groups are written in
        order, and it is closed after the last of them. Waits while ``max_pending_rows`` rows
        are in flight."""
        while self._pending and (
            self._pending_rows + rows > self.max_pending_rows or len(self._pending) >= MAX_PENDING
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

    def _open(self, day: int) -> _File:
        if len(self.writers) >= MAX_OPEN_FILES:
            evicted, file = self.writers.popitem(last=False)
            self._submit(evicted, file.close)
        name = NULL_PARTITION if day == _NULL_DAY else str(np.datetime64(day, "D"))
        folder = self.root / f"{DATE}={name}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f".part-{self.run_id}-{len(self.files)}.parquet.tmp"
        self.files.append(path)
        file = _File(path, self.schema)
        self.writers[day] = file
        return file

    def close(self) -> None:
        """Write every partition's remaining rows and close its file (hidden until
        ``publish``)."""
        self.finish()
        self.wait()

    def finish(self) -> None:
        """Hand every partition's remaining rows and the closing of its file to the writer
        threads, without waiting for them (``wait``): the caller goes on with other work while
        they encode."""
        try:
            for day in sorted(set(self.buffers) | set(self.spilled)):
                self._emit(day, close=True)
            while self.writers:
                day, file = self.writers.popitem(last=False)
                self._submit(day, file.close)
        except BaseException:
            self._remove_spills()
            raise

    def wait(self) -> None:
        """Wait for the writer threads to finish (raising the first failure)."""
        try:
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
        """Make the written files visible (after ``close``, or ``finish`` and ``wait``)."""
        for path in self.files:
            path.rename(path.with_name(path.name[1:].removesuffix(".tmp")))

    def discard(self) -> None:
        with suppress(Exception):  # the files are removed below, whatever went wrong
            self._drain()
        for file in self.writers.values():
            with suppress(Exception):
                file.close()
        self.writers.clear()
        self._remove_spills()
        for path in self.files:
            path.unlink(missing_ok=True)
