"""Commit a run's staged rows into the store: de-duplication, parties, screening, Parquet.

Readers stage typed rows as Parquet with their record id and partition date already computed
(``accord.ingest.keys``). The commit then works on narrow columns wherever it can: finding the
ids repeated within the run, and those already stored, reads only ``record_id`` (and the row
handles), never the wide rows; only the repeated ids' rows are compared field by field. The
accepted rows are then streamed once — staged Parquet → DuckDB (party ids joined in) → Arrow
batches → ``PartitionWriter`` — so memory is bounded by DuckDB's limit and the writer's budget,
not by the size of the run.

Per staged row the outcome is one of:
* accepted — first row with its record id in this run and absent from the dataset;
* amended — first row with its record id in this run, the id stored, but the content differs
  from the current stored version (only for datasets whose key identifies the content): the row
  is stored as the new current version, the old one stays, and ``amendments`` says which it
  superseded;
* duplicate — its record id is already in the dataset with the same content (or came from this
  very file before), or an earlier row of the run has it with the same content;
* rejected — an earlier row of the run has the same id but different content (only for datasets
  whose natural key must identify content, e.g. a declaration id).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import orjson
import pyarrow as pa

from accord.analytics.datasets import (
    AMENDMENTS,
    PARTIES,
    PARTY_HITS,
    PARTY_SCREENINGS,
    Dataset,
    PartyRole,
)
from accord.ingest.base import LINE, Reject
from accord.ingest.keys import DATE, NULL_PARTITION, ROW, new_connection, record_id_sql
from accord.ingest.parties import (
    NoScreening,
    Party,
    PartyScreener,
    ScreeningHit,
    norm_name_sql,
    party_columns,
    party_id_sql,
)
from accord.ingest.partwrite import PartitionWriter

FILE = "_file"
#: Staged files (``accord.ingest.pipeline``).
STAGED_SUFFIX = ".parquet"
SCREEN_BATCH = 10_000
#: Rows per Arrow batch streamed out of DuckDB into the partition writer.
STREAM_BATCH = 128 * 1024
#: Row group size of the files ``DirectWrite`` writes while staging.
DIRECT_ROW_GROUP_ROWS = 64 * 1024


@dataclass
class FileCounts:
    added: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, int] = field(default_factory=dict)
    #: Rows that amend a stored record (also counted in ``added``: the new version is stored).
    amended: dict[str, int] = field(default_factory=dict)
    conflicts: list[Reject] = field(default_factory=list)


def _q(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _parquet(paths: Sequence[Path]) -> str:
    return f"read_parquet([{', '.join(_q(p) for p in paths)}])"


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def _all_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{DATE}=*/*.parquet"))


def _partition_files(folder: Path, dates: Sequence[object]) -> list[Path]:
    """The existing files of the partitions a run touches (pruning done here, explicitly)."""
    out: list[Path] = []
    for d in dates:
        sub = folder / f"{DATE}={NULL_PARTITION if d is None else d}"
        if sub.exists():
            out.extend(sorted(sub.glob("*.parquet")))
    return out


class DirectWrite:
    """The final files of the datasets whose accepted rows need nothing from the commit (no
    party ids, no amendments: positions, AIS messages, trade flows), written while staging.

    Staged chunks go, in the file's order, to these datasets' partition writers as well, whose
    threads encode them while the next chunks are read. If the commit then finds every staged row
    accepted (no id repeated within the run or already stored: the usual case), the files are
    published as they are and the commit's own pass over the dataset is skipped; otherwise they
    are discarded and the commit writes the accepted rows itself. Taken out of play for the whole
    run by a failed file (whose rows it may hold)."""

    def __init__(self, root: Path, workdir: Path, run_id: str, now: datetime) -> None:
        self.root = root
        self.workdir = workdir
        self.run_id = run_id
        self.now = now
        self.writers: dict[str, PartitionWriter] = {}
        self.valid = True

    @staticmethod
    def eligible(ds: Dataset) -> bool:
        return not ds.parties and not ds.amendable

    def write(self, ds: Dataset, table: pa.Table, file_id: str) -> None:
        """Rows of a staged chunk (data columns, ``_line``, ``record_id``, ``date``)."""
        if not self.valid or not self.eligible(ds):
            return
        writer = self.writers.get(ds.name)
        if writer is None:
            # Half the usual row groups and rows in flight: these buffers come on top of the
            # staging's own (at 4M positions, the usual sizes cost ~25 MB more at the peak).
            writer = self.writers[ds.name] = PartitionWriter(
                self.root / ds.name, ds.schema, self.run_id,
                spill_dir=self.workdir / "spill" / f"{ds.name}-direct",
                row_group_rows=DIRECT_ROW_GROUP_ROWS,
            )  # fmt: skip
        n = table.num_rows
        columns = {c: table.column(c) for c in ds.content_columns}
        columns |= {
            "record_id": table.column("record_id"),
            "source_file": pa.repeat(pa.scalar(file_id), n),
            "source_line": table.column(LINE),
            "ingested_at": pa.repeat(pa.scalar(self.now, pa.timestamp("us", "UTC")), n),
            DATE: table.column(DATE),
        }
        for batch in pa.table(columns).to_batches():
            writer.write(batch)

    def take(self, ds: Dataset) -> PartitionWriter | None:
        """The dataset's writer, for the commit to publish or discard (None: not written)."""
        return self.writers.pop(ds.name, None) if self.valid else None

    def invalidate(self) -> None:
        self.valid = False
        self.discard()

    def discard(self) -> None:
        for writer in self.writers.values():
            writer.discard()
        self.writers.clear()


class Committer:
    def __init__(
        self,
        root: Path,
        workdir: Path,
        *,
        run_id: str,
        file_ids: dict[int, str],
        now: datetime,
        screener: PartyScreener,
        memory_limit: str = "512MB",
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> None:
        self.root = root
        self.workdir = workdir
        self.run_id = run_id
        self.now = now
        self.screener = screener
        self.files: dict[int, FileCounts] = {i: FileCounts() for i in file_ids}
        self.writers: list[PartitionWriter] = []
        # In memory, spilling to ``temp_directory`` beyond the limit: a database file would
        # write every intermediate table to disk twice (WAL and checkpoint) for nothing. ``con``:
        # the session the run staged with, opened with ``memory_limit`` (closed with the
        # committer).
        self.con = con or new_connection(memory_limit)
        self.con.execute(
            f"SET temp_directory = {_q(workdir / 'duckdb_tmp')}; "
            "SET preserve_insertion_order = false"
        )
        self.con.execute(f"CREATE TABLE files ({FILE} INTEGER, file_id VARCHAR)")
        self.con.executemany("INSERT INTO files VALUES (?, ?)", list(file_ids.items()))
        self.con.execute(
            "CREATE TABLE seen_parties (party_id VARCHAR, name VARCHAR, country VARCHAR, "
            "address VARCHAR, account VARCHAR, bic VARCHAR, imo VARCHAR, registration VARCHAR, "
            f"dataset VARCHAR, role VARCHAR, {FILE} INTEGER, {LINE} BIGINT)"
        )

    def close(self) -> None:
        """End the session; files of a commit that did not reach ``publish`` are removed."""
        for writer in self.writers:
            writer.discard()
        self.con.close()

    # --- one dataset -------------------------------------------------------------------------

    def commit_dataset(
        self,
        ds: Dataset,
        staged: list[Path],
        present: set[str],
        direct: PartitionWriter | None = None,
    ) -> None:
        """Commit the ``staged`` rows of ``ds``; ``present``: the columns holding a value in some
        staged row (the stager sees them: a null count is free in Arrow, a scan is not);
        ``direct``: the dataset's files written while staging (``DirectWrite``), published if
        every staged row is accepted, discarded otherwise.

        A party column empty in every row contributes nothing to a party (NULL either way):
        leaving it out of the grouping and the join keys changes no id, and a role whose columns
        are all empty (a template's unused roles) needs no lookup and no join at all."""
        con = self.con
        # A view: each statement below reads only the staged columns it names.
        con.execute(f"CREATE OR REPLACE VIEW s AS SELECT * FROM {_parquet(staged)}")
        # Ids repeated within the run (usually none), then their rows ranked by first sight.
        con.execute(
            "CREATE OR REPLACE TABLE ranked AS SELECT "
            f"{ROW}, {FILE}, row_number() OVER (PARTITION BY record_id "
            f"ORDER BY {FILE}, {LINE}, {ROW}) AS _rn FROM s WHERE record_id IN "
            "(SELECT record_id FROM s GROUP BY record_id HAVING count(*) > 1)"
        )
        self._conflicts(ds)
        dates = [row[0] for row in con.execute(f"SELECT DISTINCT {DATE} FROM s").fetchall()]
        folder = self.root / ds.name
        # A correction may move a record to another day (an amended declaration date): where
        # records can be amended, every partition is searched for the stored id.
        existing = _all_files(folder) if ds.amendable else _partition_files(folder, dates)
        stored = "false"
        amending = False
        con.execute(f"CREATE OR REPLACE TABLE amended ({ROW} BIGINT, {FILE} INTEGER)")
        if existing:
            con.execute(
                f"CREATE OR REPLACE TABLE e AS SELECT DISTINCT record_id FROM {_parquet(existing)}"
                " WHERE record_id IN (SELECT record_id FROM s)"
            )
            stored = "record_id IN (SELECT record_id FROM e)"
            if ds.amendable and _count(con, "e"):
                amending = self._amendments(ds, existing)
        not_amended = f" AND {ROW} NOT IN (SELECT {ROW} FROM amended)" if amending else ""
        # Every row not accepted, with whether it is a conflict (rejected) or a duplicate.
        con.execute(
            f"CREATE OR REPLACE TABLE dropped AS SELECT {ROW}, {FILE}, "
            f"{ROW} IN (SELECT {ROW} FROM conflicts) AS _bad FROM ranked WHERE _rn > 1 "
            f"UNION ALL SELECT {ROW}, {FILE}, false FROM s WHERE {stored}{not_amended} "
            f"AND {ROW} NOT IN (SELECT {ROW} FROM ranked WHERE _rn > 1)"
        )
        # The accepted rows (all of them, in the common case, without an anti-join).
        any_dropped = _count(con, "dropped") > 0
        kept = f" ANTI JOIN dropped USING ({ROW})" if any_dropped else ""
        con.execute(f"CREATE OR REPLACE VIEW a AS SELECT * FROM s{kept}")
        for file, total, dropped, dup in con.execute(
            f"SELECT {FILE}, t.n, coalesce(d.n, 0), coalesce(d.dup, 0) FROM "
            f"(SELECT {FILE}, count(*) AS n FROM s GROUP BY {FILE}) t LEFT JOIN "
            f"(SELECT {FILE}, count(*) AS n, count(*) FILTER (NOT _bad) AS dup FROM dropped "
            f"GROUP BY {FILE}) d USING ({FILE})"
        ).fetchall():
            counts = self.files[file]
            counts.added[ds.name] = counts.added.get(ds.name, 0) + total - dropped
            counts.duplicates[ds.name] = counts.duplicates.get(ds.name, 0) + dup
        if amending:
            for file, n in con.execute(
                f"SELECT {FILE}, count(*) FROM amended GROUP BY {FILE}"
            ).fetchall():
                counts = self.files[file]
                counts.amended[ds.name] = counts.amended.get(ds.name, 0) + n
        if direct is not None:
            if not any_dropped and not amending:
                direct.finish()  # every staged row is accepted: these are the files
                self.writers.append(direct)
                return
            direct.discard()
        party_joins = ""
        party_ids = []
        for role in ds.parties:
            join = self._party_lookup(ds, role, present)
            party_joins += join
            if join:
                party_ids.append(f"p_{role.role}.party_id AS {role.id_column}")
        # A column empty in every row is not read (the partition writer fills it in): a scan of
        # the 17 empty columns of a typical declaration file cost ~0.1 s of CPU per 1M rows.
        content = [f"a.{c}" for c in ds.content_columns if c in present]
        columns = [*content, *party_ids]
        self._write(ds, f"SELECT {{cols}} FROM a JOIN files USING ({FILE}){party_joins}",
                    columns, prefix="a.")  # fmt: skip
        if amending:
            self._store_amendments(ds)

    def _amendments(self, ds: Dataset, existing: list[Path]) -> bool:
        """Find the staged rows that amend a stored record (table ``amended``); any?

        A row amends when it is the run's first with its record id, the id is stored, no stored
        version of it came from the same file (a re-read file repeats itself, it does not
        amend), and its content differs from the current stored version — the latest one not
        superseded by an earlier amendment. Only the few stored rows whose ids recur are read
        in full."""
        con = self.con
        cols = ds.content_columns
        con.execute(
            "CREATE OR REPLACE TABLE cur AS SELECT record_id, source_file, source_line, "
            f"ingested_at, {', '.join(cols)} FROM {_parquet(existing)} "
            "WHERE record_id IN (SELECT record_id FROM e)"
        )
        con.execute("CREATE OR REPLACE TABLE versions AS SELECT DISTINCT record_id, source_file "
                    "FROM cur")  # fmt: skip
        superseded = _all_files(self.root / AMENDMENTS.name)
        if superseded:
            con.execute(
                "CREATE OR REPLACE TABLE cur AS SELECT * FROM cur ANTI JOIN (SELECT "
                "amended_record_id AS record_id, superseded_file AS source_file FROM "
                f"{_parquet(superseded)} WHERE dataset = '{ds.name}') "
                "USING (record_id, source_file)"
            )
        con.execute(
            "CREATE OR REPLACE TABLE cur AS SELECT * FROM cur QUALIFY row_number() OVER "
            "(PARTITION BY record_id ORDER BY ingested_at DESC, source_file DESC) = 1"
        )
        differ = " OR ".join(f"n.{c} IS DISTINCT FROM c.{c}" for c in cols)
        changed = ", ".join(f"CASE WHEN n.{c} IS DISTINCT FROM c.{c} THEN '{c}' END" for c in cols)
        con.execute(
            f"CREATE OR REPLACE TABLE amended AS SELECT n.{ROW}, n.{FILE}, n.{LINE}, "
            f"n.record_id, list_filter([{changed}], lambda x: x IS NOT NULL) AS changed, "
            "c.source_file AS superseded_file, c.source_line AS superseded_line, "
            "c.ingested_at AS superseded_ingested_at "
            f"FROM s n JOIN files f ON n.{FILE} = f.{FILE} JOIN cur c ON n.record_id = c.record_id "
            f"WHERE n.{ROW} NOT IN (SELECT {ROW} FROM ranked WHERE _rn > 1) "
            "AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.record_id = n.record_id "
            f"AND v.source_file = f.file_id) AND ({differ})"
        )
        return _count(con, "amended") > 0

    def _store_amendments(self, ds: Dataset) -> None:
        """One ``amendments`` row per superseded version (dated the day of the run)."""
        con = self.con
        con.execute(
            f"CREATE OR REPLACE TABLE amendment_rows AS SELECT '{ds.name}' AS dataset, "
            "record_id AS amended_record_id, superseded_file, superseded_line, "
            f"superseded_ingested_at, changed, {FILE}, {LINE}, "
            f"DATE '{self.now.date().isoformat()}' AS {DATE} FROM amended"
        )
        con.execute(
            "CREATE OR REPLACE TABLE amendment_rows AS SELECT *, "
            f"{record_id_sql(AMENDMENTS)} AS record_id FROM amendment_rows"
        )
        for file, n in con.execute(
            f"SELECT {FILE}, count(*) FROM amendment_rows GROUP BY {FILE}"
        ).fetchall():
            counts = self.files[file]
            counts.added[AMENDMENTS.name] = counts.added.get(AMENDMENTS.name, 0) + n
        self._write(
            AMENDMENTS, f"SELECT {{cols}} FROM amendment_rows JOIN files USING ({FILE})",
            AMENDMENTS.content_columns,
        )  # fmt: skip

    def _party_lookup(self, ds: Dataset, role: PartyRole, present: set[str]) -> str:
        """One role's parties, each distinct tuple once: normalising and hashing every row would
        cost ~2 µs a row per role, and records repeat their parties many times over.

        Only the ``present`` columns are read (the others are NULL in every row). Returns the
        join that attaches the party id to the accepted rows, or "" when the role has no party
        in any row."""
        raw = {k: v for k, v in role.model_dump().items() if k != "role" and v and v in present}
        if not raw:
            return ""
        alias = PartyRole(role=role.role, **{k: f"c_{k}" for k in raw})
        some = " OR ".join(f"{c} IS NOT NULL" for c in raw.values())
        select = ", ".join(f"{c} AS c_{k}" for k, c in raw.items())
        table = f"p_{role.role}"
        tuples = (
            f"SELECT {select}, min({FILE}) AS {FILE}, min({LINE}) AS {LINE} FROM a "
            f"WHERE {some} GROUP BY ALL"
        )
        if "name" in raw:
            # Each distinct name normalised once (a name recurs with many countries, addresses).
            self.con.execute(
                f"CREATE OR REPLACE TABLE {table} AS WITH g AS ({tuples}), n AS (SELECT c_name "
                f"AS _name, {norm_name_sql(alias)} AS _norm FROM (SELECT DISTINCT c_name FROM g)) "
                f"SELECT g.*, {party_id_sql(alias, 'g', norm_name='n._norm')} AS party_id "
                "FROM g LEFT JOIN n ON g.c_name IS NOT DISTINCT FROM n._name"
            )
        else:
            self.con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT *, {party_id_sql(alias)} AS party_id "
                f"FROM ({tuples})"
            )
        f = party_columns(alias)
        self.con.execute(
            f"INSERT INTO seen_parties SELECT party_id, {f['name']}, {f['country']}, "
            f"{f['address']}, {f['account']}, {f['bic']}, {f['imo']}, {f['registration']}, "
            f"'{ds.name}', '{role.role}', {FILE}, {LINE} FROM {table} WHERE party_id IS NOT NULL"
        )
        on = " AND ".join(f"a.{c} IS NOT DISTINCT FROM {table}.c_{k}" for k, c in raw.items())
        return f" LEFT JOIN {table} ON {on}"

    def _conflicts(self, ds: Dataset) -> None:
        """Rows repeating an earlier row's record id with other content, when that is an error.

        Only the ranked rows (ids repeated within the run) are read in full and compared."""
        con = self.con
        cols = ds.content_columns
        con.execute(f"CREATE OR REPLACE TABLE conflicts ({ROW} BIGINT)")
        if not ds.conflicts_are_errors or not _count(con, "ranked"):
            return
        differ = " OR ".join(f"d.{c} IS DISTINCT FROM f.{c}" for c in cols)
        con.execute(
            "CREATE OR REPLACE TABLE conflicts AS WITH c AS (SELECT s.*, ranked._rn FROM s "
            f"JOIN ranked USING ({ROW})) SELECT d.{ROW}, d.{FILE}, d.{LINE}, "
            f"f.{FILE} AS first_file, f.{LINE} AS first_line, "
            + ", ".join(f"d.{c}" for c in cols)
            + " FROM c d JOIN c f ON d.record_id = f.record_id AND f._rn = 1 "
            f"WHERE d._rn > 1 AND ({differ})"
        )
        result = con.execute("SELECT * FROM conflicts")
        names = [c[0] for c in result.description or ()]
        key = ", ".join(ds.key)
        for row in result.fetchall():
            values = dict(zip(names, row, strict=True))
            where = f"line {values['first_line']}"
            if values["first_file"] != values[FILE]:
                where += " of an earlier file in this run"
            record = orjson.dumps({c: values[c] for c in cols}, default=str).decode()
            self.files[values[FILE]].conflicts.append(
                Reject(
                    values[LINE], f"duplicate id ({key}) with different content: {where}", record
                )
            )

    def _write(self, ds: Dataset, select: str, columns: list[str], prefix: str = "") -> None:
        """Stream the selected rows into the dataset's date partitions (hidden until published).

        The rows come in whatever order DuckDB produces them: no sort (sorting wide rows by day
        cost more than the rest of the commit, and spilled at the memory limit). The partition
        writer gathers each day's rows itself, spilling to the run's work folder beyond its
        budget, and writes each partition once, as one file."""
        cols = ", ".join(
            [*columns, f"{prefix}record_id", "file_id AS source_file",
             f"{prefix}{LINE} AS source_line",
             f"TIMESTAMPTZ '{self.now.isoformat()}' AS ingested_at", f"{prefix}{DATE}"]
        )  # fmt: skip
        writer = PartitionWriter(
            self.root / ds.name, ds.schema, self.run_id,
            spill_dir=self.workdir / "spill" / f"{ds.name}-{len(self.writers)}",
        )  # fmt: skip
        self.writers.append(writer)
        for batch in self.con.sql(select.format(cols=cols)).to_arrow_reader(STREAM_BATCH):
            writer.write(batch)
        # The last row groups are encoded while the commit goes on (``publish`` waits).
        writer.finish()

    def publish(self) -> None:
        """Make every file the run wrote visible, once all are written (renames: the data is
        already in place)."""
        for writer in self.writers:
            writer.wait()
        for writer in self.writers:
            writer.publish()
        self.writers.clear()

    # --- parties across the run ----------------------------------------------------------------

    def commit_parties(self) -> tuple[int, int, int]:
        """Store the run's new parties, hand each to the screener once, store its hits.

        Returns the number of new parties, of those screened, and of hits."""
        con = self.con
        # Each party once, at its first sighting, keyed in the same statement. Only the parties
        # seen more than once are ranked (a window over every party cost twice the whole).
        con.execute(
            "CREATE OR REPLACE TABLE new_parties AS WITH repeated AS (SELECT party_id FROM "
            "seen_parties GROUP BY party_id HAVING count(*) > 1), first AS (SELECT * FROM "
            "seen_parties ANTI JOIN repeated USING (party_id) UNION ALL (SELECT * FROM "
            "seen_parties SEMI JOIN repeated USING (party_id) QUALIFY row_number() OVER "
            f"(PARTITION BY party_id ORDER BY {FILE}, {LINE}) = 1)) "
            f"SELECT *, {record_id_sql(PARTIES)} AS record_id, "
            f"DATE '{self.now.date().isoformat()}' AS {DATE} FROM first"
        )
        existing = sorted((self.root / PARTIES.name).glob(f"{DATE}=*/*.parquet"))
        if existing:
            con.execute(
                f"DELETE FROM new_parties WHERE party_id IN (SELECT party_id FROM "
                f"{_parquet(existing)})"
            )
        self._write(
            PARTIES, f"SELECT {{cols}} FROM new_parties JOIN files USING ({FILE})",
            PARTIES.content_columns,
        )  # fmt: skip
        n_new = _count(con, "new_parties")
        if isinstance(self.screener, NoScreening) or not n_new:
            # Nothing would look at the parties: building a Python object per party (~5 µs
            # each, hundreds of thousands per large file) would be pure cost.
            return n_new, 0, 0
        skipped_before = int(getattr(self.screener, "skipped", 0))
        hits: list[ScreeningHit] = []
        names = PARTIES.content_columns
        result = con.execute(f"SELECT {', '.join(names)} FROM new_parties ORDER BY {FILE}, {LINE}")
        while batch := result.fetchmany(SCREEN_BATCH):
            # columns in Party's field order
            hits.extend(self.screener.screen_parties([Party(*row) for row in batch]))
        stored = self._store_hits(hits) if hits else 0
        # A screener may report parties it had nothing to screen with (no name, no identifier).
        skipped = int(getattr(self.screener, "skipped", 0)) - skipped_before
        self.store_screenings(f"SELECT party_id, {FILE}, {LINE} FROM new_parties", hits)
        return n_new, n_new - skipped, stored

    def store_screenings(self, parties: str, hits: Sequence[ScreeningHit]) -> None:
        """Record that the parties of the ``parties`` query (``party_id``, ``_file``, ``_line``)
        were screened against the screener's list versions (``party_screenings``), when the
        screener says which versions those are."""
        versions = getattr(self.screener, "list_versions", None)
        if not versions:
            return
        per_party: dict[str, int] = {}
        for h in hits:
            per_party[h.party_id] = per_party.get(h.party_id, 0) + 1
        counts = pa.table(
            {
                "party_id": pa.array(list(per_party), pa.string()),
                "n": pa.array(list(per_party.values()), pa.int64()),
            }
        )
        con = self.con
        con.register("hit_counts", counts)
        try:
            con.execute(
                "CREATE OR REPLACE TABLE screened AS SELECT p.party_id, "
                "CAST(? AS VARCHAR) AS list_versions, CAST(? AS VARCHAR) AS algorithm, "
                f"TIMESTAMPTZ '{self.now.isoformat()}' AS screened_at, "
                f"coalesce(h.n, 0)::BIGINT AS hits, p.{FILE}, p.{LINE}, "
                f"DATE '{self.now.date().isoformat()}' AS {DATE} "
                f"FROM ({parties}) p LEFT JOIN hit_counts h USING (party_id)",
                [versions, str(getattr(self.screener, "algorithm", "") or "")],
            )
        finally:
            con.unregister("hit_counts")
        con.execute(
            "CREATE OR REPLACE TABLE screened AS SELECT *, "
            f"{record_id_sql(PARTY_SCREENINGS)} AS record_id FROM screened"
        )
        self._write(
            PARTY_SCREENINGS, f"SELECT {{cols}} FROM screened LEFT JOIN files USING ({FILE})",
            PARTY_SCREENINGS.content_columns,
        )  # fmt: skip

    def store_hits(self, hits: list[ScreeningHit]) -> int:
        """Store screening hits in ``party_hits`` (one per party and entity); how many."""
        return self._store_hits(hits) if hits else 0

    def _store_hits(self, hits: list[ScreeningHit]) -> int:
        table = pa.table(
            {
                "party_id": pa.array([h.party_id for h in hits], pa.string()),
                "entity_id": pa.array([h.entity_id for h in hits], pa.string()),
                "listed_name": pa.array([h.listed_name for h in hits], pa.string()),
                "list_id": pa.array([h.list_id for h in hits], pa.string()),
                "list_version": pa.array([h.list_version for h in hits], pa.int64()),
                "score": pa.array([h.score for h in hits], pa.float64()),
                "explanation": pa.array([h.explanation for h in hits], pa.string()),
                "list_versions": pa.array([h.list_versions for h in hits], pa.string()),
                "algorithm": pa.array([h.algorithm for h in hits], pa.string()),
            }
        )
        self.con.register("hits_in", table)
        # One row per party and entity (a screener may name an entity twice for one party).
        self.con.execute(
            "CREATE OR REPLACE TABLE hits AS SELECT *, "
            f"TIMESTAMPTZ '{self.now.isoformat()}' AS screened_at, "
            f"{record_id_sql(PARTY_HITS)} AS record_id, "
            f"DATE '{self.now.date().isoformat()}' AS {DATE}, "
            f"(SELECT min({FILE}) FROM files) AS {FILE}, "
            f"CAST(NULL AS BIGINT) AS {LINE} FROM hits_in "
            "QUALIFY row_number() OVER (PARTITION BY party_id, entity_id ORDER BY score DESC) = 1"
        )
        self._write(
            PARTY_HITS, f"SELECT {{cols}} FROM hits LEFT JOIN files USING ({FILE})",
            PARTY_HITS.content_columns,
        )  # fmt: skip
        return _count(self.con, "hits")


def new_run(root: Path, label: str = "") -> tuple[str, Path, datetime]:
    """A run id (UTC second, optional label, random suffix), its empty staging folder under
    ``root/_staging`` and the run's time."""
    now = datetime.now(UTC).replace(microsecond=0)
    run_id = "-".join(p for p in (now.strftime("%Y%m%dT%H%M%S"), label, secrets.token_hex(3)) if p)
    staging = root / "_staging" / run_id
    staging.mkdir(parents=True)
    return run_id, staging, now
