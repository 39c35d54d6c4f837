"""Record ids, party ids and partition dates, computed while staging, one Arrow batch at a time.

A record id is the md5 of the dataset name and its natural key as stable text; the partition date
is the first non-null ``date_from`` column (or the ingest day), truncated to its month for the
datasets partitioned by month; each party role's id is that of ``accord.ingest.parties``. All are
computed in DuckDB over each staged batch — md5 and ``printf`` run vectorised in C there, while
pyarrow has no md5 — so the commit reads them back instead of re-hashing or joining wide rows.

A party name is normalised once per distinct value of the batch (names recur: Unicode
normalisation and the regex cost ~0.5 µs a row), then its id hashed on every row.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from accord.analytics.datasets import Dataset, PartyRole
from accord.ingest.parties import norm_name_sql, party_hash_sql, party_id_parts

#: The staged row's number within its dataset in the run: a unique handle for the commit's
#: de-duplication (``_file`` + ``_line`` need not be unique: a line may yield several rows).
ROW = "_row"
RECORD_ID = "record_id"
#: Normalised party names remembered across batches at most (the memo restarts beyond).
NAME_MEMO = 100_000
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
    """Adds ``record_id``, ``date``, ``_row`` and each party role's id to the rows a reader
    stages."""

    def __init__(self, ingest_day: str) -> None:
        self.ingest_day = ingest_day
        self.con = new_connection()
        self.rows: dict[str, int] = {}
        #: Party names normalised so far (role-independent), and their normal forms.
        self.names = pa.array([], pa.string())
        self.norms = pa.array([], pa.string())

    def add_keys(self, ds: Dataset, table: pa.Table) -> pa.Table:
        selects = [
            f"{record_id_sql(ds)} AS {RECORD_ID}",
            f"{date_sql(ds, self.ingest_day)} AS {DATE}",
        ]
        # Roles with no name or identifier in the batch have no party: NULL, without hashing.
        parties = [r for r in ds.parties if _identified(r, table)]
        batch = table
        fields: list[str] = []  # each normalised field computed once (the hash names it twice)
        for role in parties:
            norm = None
            if role.name:
                norm = f"_norm_{role.role}"
                batch = batch.append_column(norm, self._normalised_names(table.column(role.name)))
            parts: list[str | None] = []
            for i, part in enumerate(party_id_parts(role, norm_name=norm)):
                if part is not None:
                    fields.append(f"{part} AS _{role.role}_{i}")
                parts.append(None if part is None else f"_{role.role}_{i}")
            selects.append(f"{party_hash_sql(parts)} AS {role.id_column}")
        source = f"(SELECT *, {', '.join(fields)} FROM staged_batch)" if fields else "staged_batch"
        self.con.register("staged_batch", batch)
        try:
            # A plain projection over one Arrow scan keeps the input's row order.
            keys = self.con.sql(f"SELECT {', '.join(selects)} FROM {source}").to_arrow_table()
        finally:
            self.con.unregister("staged_batch")
        start = self.rows.get(ds.name, 0)
        self.rows[ds.name] = start + table.num_rows
        rows = pa.array(np.arange(start, start + table.num_rows, dtype=np.int64))
        table = (
            table.append_column(RECORD_ID, keys.column(RECORD_ID).cast(pa.string()))
            .append_column(DATE, keys.column(DATE).cast(pa.date32()))
            .append_column(ROW, rows)
        )
        for role in ds.parties:
            ids = (
                keys.column(role.id_column).cast(pa.string())
                if role in parties
                else pa.nulls(table.num_rows, pa.string())
            )
            table = table.append_column(role.id_column, ids)
        return table

    def _normalised_names(self, names: pa.ChunkedArray) -> pa.Array:
        """Each row's name as its party id normalises it: each distinct name of the batch looked
        up in the names normalised before, and only those not found normalised (in DuckDB)."""
        encoded = pc.dictionary_encode(names.combine_chunks())
        distinct = encoded.dictionary
        if len(self.names) + len(distinct) > NAME_MEMO:
            self.names, self.norms = pa.array([], pa.string()), pa.array([], pa.string())
        known = pc.index_in(distinct, value_set=self.names)
        if known.null_count:
            missing = pc.is_null(known)
            new = distinct.filter(missing)
            self.con.register("new_names", pa.table({"name": new}))
            try:
                role = PartyRole(role="any", name="name")
                sql = f"SELECT {norm_name_sql(role)} FROM new_names"
                norms = self.con.sql(sql).to_arrow_table().column(0)
            finally:
                self.con.unregister("new_names")
            # The new names take the memo's next positions, in their order in ``distinct``.
            positions = pc.fill_null(known, -1).to_numpy(zero_copy_only=False).copy()
            flags = missing.to_numpy(zero_copy_only=False)
            positions[flags] = len(self.names) + np.arange(len(new))
            known = pa.array(positions)
            self.names = pa.concat_arrays([self.names, new.cast(pa.string())])
            self.norms = pa.concat_arrays([self.norms, norms.combine_chunks().cast(pa.string())])
        return pc.take(pc.take(self.norms, known), encoded.indices)

    def close(self) -> None:
        self.con.close()


def _identified(role: PartyRole, table: pa.Table) -> bool:
    """Does some row hold a value the role's party id hashes (a name or an identifier)?"""
    columns = (role.name, role.account, role.bic, role.imo, role.registration)
    return any(c and table.column(c).null_count < table.num_rows for c in columns)
