"""Record ids and partition dates, computed while staging, one Arrow batch at a time.

A record id is the md5 of the dataset name and its natural key as stable text; the partition date
is the first non-null ``date_from`` column (or the ingest day), truncated to its month for the
datasets partitioned by month. Both are computed in DuckDB over
each staged batch — md5 and ``printf`` run vectorised in C there, while pyarrow has no md5 — so
the commit only reads them back, a narrow column, instead of re-hashing every wide row.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future

import duckdb
import numpy as np
import pyarrow as pa

from accord.analytics.datasets import Dataset

#: The staged row's number within its dataset in the run: a unique handle for the commit's
#: de-duplication (``_file`` + ``_line`` need not be unique: a line may yield several rows).
ROW = "_row"
RECORD_ID = "record_id"
DATE = "date"
#: Hive's and Spark's name for the partition of a NULL value (DuckDB reads it back as NULL).
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def key_part(ds: Dataset, part: str) -> str:
    """A key column as stable text: floats and timestamps print the same across versions."""
    types = dict(ds.columns)
    if part not in types:
        return f"CAST(({part}) AS VARCHAR)"  # an SQL expression over the columns
    t = types[part]
    if pa.types.is_floating(t):
        return float_text(part)
    if pa.types.is_timestamp(t):
        return f"CAST(epoch_us({part}) AS VARCHAR)"
    if pa.types.is_list(t):
        return f"array_to_string({part}, ';')"
    return f"CAST({part} AS VARCHAR)"


def float_text(col: str) -> str:
    """``printf('%.7f', col)``, the id's text of a float, computed ~2x faster with the same output.

    A DECIMAL(18, 7) cast prints the same digits as ``printf`` wherever rounding to 7 decimals
    is not a near-tie (the cast rounds ``x * 1e7`` in binary floating point, ``printf`` the exact
    binary value: they agree unless that product lies within 1e-3 of a half) and the value is
    neither huge nor a negative that rounds to zero (``printf`` keeps the sign: ``-0.0000000``).
    Everything else — a handful of rows — goes through ``printf`` itself, so the ids stay the
    ones stored by earlier versions (``tests/ingest/test_keys.py`` compares both on millions of
    values).
    """
    scaled = f"({col}) * 1e7"
    exact = (
        f"abs({col}) < 1e6 AND abs({scaled} - floor({scaled}) - 0.5) > 1e-3 "
        f"AND NOT (signbit({col}) AND {col} > -1e-6)"
    )
    return (
        f"CASE WHEN {exact} THEN CAST(CAST({col} AS DECIMAL(18, 7)) AS VARCHAR) "
        f"ELSE printf('%.7f', {col}) END"
    )


def record_id_sql(ds: Dataset) -> str:
    parts = ", ".join(f"coalesce({key_part(ds, p)}, '')" for p in ds.key)
    return f"md5(concat_ws(chr(31), '{ds.name}', {parts}))"


def date_sql(ds: Dataset, ingest_day: str) -> str:
    if not ds.date_from:
        return f"DATE '{ingest_day}'"
    day = "coalesce(" + ", ".join(f"CAST({c} AS DATE)" for c in ds.date_from) + ")"
    if ds.partition == "month":
        return f"CAST(date_trunc('month', {day}) AS DATE)"
    return day


def new_connection(memory_limit: str = "256MB") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB session pinned to UTC (timestamps cast to dates in the session zone)."""
    con = duckdb.connect()
    con.execute(f"SET TimeZone = 'UTC'; SET memory_limit = '{memory_limit}'")
    return con


class Keyer:
    """Adds ``record_id``, ``date`` and ``_row`` to the rows a reader stages.

    Works on the run's DuckDB session ``con``, which the commit reuses afterwards (opening a
    session costs ~20 ms, a tenth of a small file's run). Batches may be keyed in several
    threads at once, each on a cursor of its own; they are then numbered in input order."""

    def __init__(
        self, ingest_day: str, con: duckdb.DuckDBPyConnection | Future[duckdb.DuckDBPyConnection]
    ) -> None:
        """``con``: the session, or its opening (a future), awaited at the first batch."""
        self.ingest_day = ingest_day
        self._con = con
        self.rows: dict[str, int] = {}
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()

    def add_keys(self, ds: Dataset, table: pa.Table) -> pa.Table:
        """``table`` with its record ids and partition dates (any thread)."""
        con = self._cursor()
        con.register("staged_batch", table)
        try:
            # A plain projection over one Arrow scan keeps the input's row order.
            keys = con.sql(
                f"SELECT {record_id_sql(ds)} AS {RECORD_ID}, "
                f"{date_sql(ds, self.ingest_day)} AS {DATE} FROM staged_batch"
            ).to_arrow_table()
        finally:
            con.unregister("staged_batch")
        return table.append_column(
            RECORD_ID, keys.column(RECORD_ID).cast(pa.string())
        ).append_column(DATE, keys.column(DATE).cast(pa.date32()))

    def number(self, ds: Dataset, table: pa.Table) -> pa.Table:
        """``table`` with its rows' numbers in ``ds`` within the run (called in input order)."""
        start = self.rows.get(ds.name, 0)
        self.rows[ds.name] = start + table.num_rows
        rows = pa.array(np.arange(start, start + table.num_rows, dtype=np.int64))
        return table.append_column(ROW, rows)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The run's session (once it is open)."""
        if isinstance(self._con, Future):
            self._con = self._con.result()
        return self._con

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the run's session (a DuckDB connection is not shared
        between threads; registrations are per cursor)."""
        con: duckdb.DuckDBPyConnection | None = getattr(self._local, "con", None)
        if con is None:
            with self._lock:
                con = self.con.cursor()
                self._cursors.append(con)
            con.execute("SET TimeZone = 'UTC'")
            self._local.con = con
        return con

    def close(self) -> None:
        """Close the keying cursors (the session itself stays open for the commit)."""
        with self._lock:
            for con in self._cursors:
                con.close()
            self._cursors.clear()
            self._local = threading.local()
