"""Writing the world: one folder per node, one file per data kind, streamed in large batches.

CSV files are written with pyarrow's CSV writer from columns, on one background thread: Arrow
formats numbers and quotes text without holding the GIL, so the main thread draws the next batch
meanwhile (on two cores that hides most of the formatting). One thread keeps every file's rows in
submission order (same seed, same bytes); a cap on rows in flight keeps memory flat.

Fixed-width text (timestamps, dates, UUIDs, zero-padded numbers) is built as a numpy byte matrix
and handed to Arrow as one string column (``fixed_width``): no per-row Python string, and about
five times cheaper than Arrow's strftime or joining looked-up parts.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

DAY_S = 86_400
#: Rows Arrow formats at a time: its default (1,024) costs ~10% more; far larger batches grow
#: the buffer every open writer keeps (64 Ki rows of declarations: ~45 MB a file).
CSV_BATCH_ROWS = 8192
#: Bytes of tables handed to the writer thread but not yet written; beyond this the producer
#: waits (two or three batches: enough to keep both threads busy, and memory flat).
MAX_BYTES_IN_FLIGHT = 64 << 20
_ZERO, _COLON = ord("0"), ord(":")


def fixed_width(chars: np.ndarray) -> pa.Array:
    """The rows of an ``(n, width)`` uint8 matrix of ASCII as one string column."""
    n, width = chars.shape
    if n * width >= 2**31:  # int32 offsets of pa.string()
        raise ValueError(f"{n} strings of {width} bytes: write them in smaller batches")
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(chars, dtype=np.uint8)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def put_digits(out: np.ndarray, start: int, values: np.ndarray, width: int) -> None:
    """Write ``values`` (non-negative ints) zero-padded to ``width`` digits at column ``start``."""
    v = values.astype(np.int64, copy=True)
    for col in range(start + width - 1, start - 1, -1):
        out[:, col] = _ZERO + v % 10
        v //= 10


def digits(values: np.ndarray, width: int) -> pa.Array:
    """Non-negative ints as zero-padded decimal text (``7`` → ``000000007``)."""
    out = np.empty((len(values), width), np.uint8)
    put_digits(out, 0, values, width)
    return fixed_width(out)


def _day_chars(first: int, last: int) -> np.ndarray:
    """``YYYY-MM-DDT`` for epoch days ``first..last``, one 11-byte item (``V11``) per day."""
    text = "".join(f"{np.datetime64(d, 'D')}T" for d in range(first, last + 1))
    return np.frombuffer(text.encode("ascii"), "V11")


@cache
def _time_of_day() -> np.ndarray:
    """``HH:MM:SSZ`` for every second of a day, one 9-byte item (``V9``) per second."""
    out = np.empty((DAY_S, 9), np.uint8)
    tod = np.arange(DAY_S)
    put_digits(out, 0, tod // 3600, 2)
    put_digits(out, 3, tod // 60 % 60, 2)
    put_digits(out, 6, tod % 60, 2)
    out[:, 2] = out[:, 5] = _COLON
    out[:, 8] = ord("Z")
    return out.reshape(-1).view("V9")


def iso_times(seconds: np.ndarray) -> pa.Array:
    """Epoch seconds as ISO 8601 UTC text (``2024-01-31T09:30:00Z``)."""
    if len(seconds) == 0:
        return pa.array([], pa.string())
    s = seconds.astype(np.int64)
    day = s // DAY_S
    first = int(day.min())
    # Two gathers of fixed-size byte items (the day, the time of day): a third of the cost of
    # computing the digits, a fifth of looking strings up in Arrow and joining them.
    out = np.empty(len(s), [("day", "V11"), ("time", "V9")])
    out["day"] = _day_chars(first, int(day.max()))[day - first]
    out["time"] = _time_of_day()[s - day * DAY_S]
    return fixed_width(out.view(np.uint8).reshape(-1, 20))


def iso_dates(days: np.ndarray) -> pa.Array:
    """Epoch days as ``YYYY-MM-DD``."""
    if len(days) == 0:
        return pa.array([], pa.string())
    d = days.astype(np.int64)
    first = int(d.min())
    chars = _day_chars(first, int(d.max())).view(np.uint8).reshape(-1, 11)
    return fixed_width(chars[d - first, :10])


def epoch_day(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def epoch_s(d: date) -> float:
    return datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()


def take_text(
    values: list[str] | pa.Array, index: np.ndarray, mask: np.ndarray | None = None
) -> pa.Array:
    """``values[index]`` as a string column, null where ``mask`` is false."""
    arr = values if isinstance(values, pa.Array) else pa.array(values, pa.string())
    idx = pa.array(index, mask=None if mask is None else ~mask)
    return pc.take(arr, idx)


def pooled(pool: pa.Array, index: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """``pool[index]`` (null where ``mask`` is false) as a dictionary column: no text is copied.

    Filtering per node then moves 4-byte indices instead of names and addresses, and the text is
    looked up once, on the writer thread, for the rows actually written.
    """
    indices = pa.array(index.astype(np.int32), mask=None if mask is None else ~mask)
    return pa.DictionaryArray.from_arrays(indices, pool)


def _plain(schema: pa.Schema) -> pa.Schema:
    """``schema`` with dictionary columns as their values' type (what a CSV file holds)."""
    return pa.schema(
        [f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f for f in schema]
    )


def _write(writer: pcsv.CSVWriter, table: pa.Table, schema: pa.Schema) -> None:
    # On the writer thread: decoding dictionaries and formatting numbers run without the GIL.
    writer.write_table(table.cast(schema))


class Batch:
    """Columns drawn piece by piece (a day, a node), concatenated when the batch is rendered."""

    def __init__(self) -> None:
        self._parts: list[dict[str, np.ndarray]] = []
        self.rows = 0

    def add(self, columns: dict[str, np.ndarray]) -> None:
        n = len(next(iter(columns.values())))
        if n:
            self._parts.append(columns)
            self.rows += n

    def pop(self) -> dict[str, np.ndarray]:
        """Everything added since the last ``pop``, one array per column."""
        parts, self._parts, self.rows = self._parts, [], 0
        if not parts:
            return {}
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


class _Writer:
    """One background thread running writes in submission order, with bounded bytes in flight."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="accord-exercise-csv")
        self._pending: deque[tuple[Future[None], int]] = deque()
        self._bytes = 0

    def submit(self, writer: pcsv.CSVWriter, table: pa.Table, schema: pa.Schema) -> None:
        size = table.nbytes
        self._pending.append((self._pool.submit(_write, writer, table, schema), size))
        self._bytes += size
        while self._pending and (self._bytes > MAX_BYTES_IN_FLIGHT or self._pending[0][0].done()):
            self._retire()

    def _retire(self) -> None:
        future, size = self._pending.popleft()
        self._bytes -= size
        future.result()  # re-raises a failed write here, in the generating thread

    def drain(self) -> None:
        while self._pending:
            self._retire()

    def shutdown(self) -> None:
        try:
            self.drain()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


class CsvSink:
    """One CSV file with a fixed column list, opened on the first batch."""

    def __init__(self, path: Path, columns: list[str], writer: _Writer) -> None:
        self.path = path
        self.columns = columns
        self.rows = 0
        self._thread = writer
        self._writer: pcsv.CSVWriter | None = None
        self._schema: pa.Schema | None = None

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        missing = [c for c in self.columns if c not in table.column_names]
        for c in missing:
            table = table.append_column(c, pa.nulls(table.num_rows, pa.string()))
        table = table.select(self.columns)
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._schema = _plain(table.schema)
            options = pcsv.WriteOptions(batch_size=CSV_BATCH_ROWS)
            self._writer = pcsv.CSVWriter(str(self.path), self._schema, write_options=options)
        assert self._schema is not None
        self._thread.submit(self._writer, table, self._schema)
        self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class TextSink:
    """A text file written line by line (NMEA, FtM JSON lines, XML)."""

    def __init__(self, path: Path, head: str = "", tail: str = "") -> None:
        self.path = path
        self.head, self.tail = head, tail
        self.rows = 0
        self._fh: IO[str] | None = None

    def write(self, lines: Iterable[str]) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20)
            self._fh.write(self.head)
        for line in lines:
            self._fh.write(line)
            self._fh.write("\n")
            self.rows += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.write(self.tail)
            self._fh.close()
            self._fh = None


class Sinks:
    """Every file of the world, keyed by (node, kind, file name)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[tuple[str, str, str], CsvSink | TextSink] = {}
        self._writer = _Writer()

    def csv(self, node: str, kind: str, name: str, columns: list[str]) -> CsvSink:
        key = (node, kind, name)
        if key not in self.files:
            self.files[key] = CsvSink(self.root / node / kind / name, columns, self._writer)
        sink = self.files[key]
        assert isinstance(sink, CsvSink)
        return sink

    def text(self, node: str, kind: str, name: str, head: str = "", tail: str = "") -> TextSink:
        key = (node, kind, name)
        if key not in self.files:
            self.files[key] = TextSink(self.root / node / kind / name, head, tail)
        sink = self.files[key]
        assert isinstance(sink, TextSink)
        return sink

    def flush(self) -> None:
        """Wait until every CSV batch handed over so far is written (phase timings stay honest)."""
        self._writer.drain()

    def close(self) -> dict[str, dict[str, list[str]]]:
        """Close every file; the manifest: node → kind → files (relative to the root)."""
        self._writer.shutdown()
        out: dict[str, dict[str, list[str]]] = {}
        for (node, kind, _name), sink in sorted(self.files.items()):
            sink.close()
            if sink.rows:
                rel = str(sink.path.relative_to(self.root))
                out.setdefault(node, {}).setdefault(kind, []).append(rel)
        return out
