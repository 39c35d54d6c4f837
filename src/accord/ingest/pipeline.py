"""The ingest use case: read files of one kind, stage, commit, record in the manifest.

``ingest(kind, paths)`` is what the CLI and the API call. Per file it hashes the content (the
manifest makes re-ingesting the same file a no-op), streams it through the kind's reader into
staged Parquet, writes rejects as they come, then commits every staged file of the run at once
under the store's lock.
"""

from __future__ import annotations

import csv
import hashlib
import queue
import shutil
import threading
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import IO, TypeVar, cast

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from accord.analytics.datasets import Dataset
from accord.analytics.manifest import Manifest, ManifestEntry, file_id, store_lock
from accord.analytics.store import analytics_root
from accord.errors import AccordError, InvalidInputError
from accord.ingest.base import (
    LINE,
    Chunk,
    Deferred,
    FileSummary,
    IngestOptions,
    Kind,
    Progress,
    Reject,
    RunSummary,
)
from accord.ingest.commit import FILE, STAGED_SUFFIX, Committer, DirectWrite, new_run
from accord.ingest.keys import Keyer, new_connection
from accord.ingest.parties import NoScreening, PartyScreener
from accord.logging import get_logger
from accord.settings import Settings, get_settings

log = get_logger(__name__)
T = TypeVar("T")


def _warm_up() -> None:
    """Load once, with this module, what the first run would otherwise load on its own time.

    pyarrow imports pandas on the first table it builds (to check whether its input is a
    DataFrame) and its Acero engine on the first group-by: ~0.5 s that every process pays once.
    A long-lived process (the API) pays it at start; a one-shot CLI run pays it either way."""
    pa.table({"x": pa.array([0])}).group_by("x").aggregate([])


_warm_up()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


#: Items a reader may run ahead of the staging (each a 4 MB block of the file, parsed, or the
#: chunk made of it).
PREFETCH_CHUNKS = 2
#: Worker threads converting (where a reader leaves that to them) and keying chunks, while the
#: reader thread parses the next ones and the main thread appends the prepared chunks to the
#: staged files, in input order. Arrow's kernels and DuckDB release the GIL: on the reader
#: thread alone, parsing and converting were the bottleneck of staging.
KEY_THREADS = 2


def prefetched(chunks: Iterator[T], depth: int = PREFETCH_CHUNKS) -> Generator[T, None, None]:
    """``chunks``, produced by a reader thread while the caller works on the previous ones.

    Arrow's CSV parsing and compute kernels, DuckDB and Parquet release the GIL, so reading one
    item overlaps converting, keying and staging the last. The queue is bounded (memory stays
    flat); a reader's exception is raised here, in the caller's thread; closing the generator
    early stops the reader at its next item.
    """
    q: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, object]) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not put(("chunk", chunk)):
                    return
            put(("end", None))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            put(("error", exc))
        finally:
            close = getattr(chunks, "close", None)  # a generator: release its open file
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="ingest-reader", daemon=True)
    thread.start()
    try:
        while True:
            tag, item = q.get()
            if tag == "end":
                return
            if tag == "error":
                assert isinstance(item, BaseException)
                raise item
            yield cast(T, item)
    finally:
        stop.set()
        thread.join()


class RejectsFile:
    """``<data_dir>/rejects/<kind>/<file>.<file id>.rejects.csv``: line, reason, record."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._fh: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None
        path.unlink(missing_ok=True)  # a forced re-read replaces the old rejects

    def write(self, rejects: Sequence[Reject]) -> None:
        if not rejects:
            return
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.DictWriter(self._fh, fieldnames=["line", "reason", "record"])
            self._writer.writeheader()
        for r in rejects:
            self._writer.writerow({"line": r.line, "reason": r.reason, "record": r.record})
        self.count += len(rejects)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
            self._writer = None


class _Stager:
    """Typed rows of one input file, per dataset, appended to staged Parquet files."""

    def __init__(
        self,
        folder: Path,
        index: int,
        datasets: Sequence[Dataset],
        keyer: Keyer,
        direct: DirectWrite,
        file_id: str,
    ) -> None:
        self.folder = folder
        self.index = index
        self.keyer = keyer
        self.direct = direct
        self.file_id = file_id
        self.datasets = {d.name: d for d in datasets}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.paths: dict[str, Path] = {}
        #: Per dataset, the columns holding a value in some row (``Committer.commit_dataset``).
        self.present: dict[str, set[str]] = {}

    def keyed(self, name: str, table: pa.Table) -> pa.Table:
        """``table`` typed as staged, with its keys (any thread)."""
        ds = self.datasets[name]
        schema = ds.data_schema.append(pa.field(LINE, pa.int64()))
        table = table.select(schema.names).cast(schema)
        table = table.append_column(FILE, pa.repeat(pa.scalar(self.index, pa.int32()), len(table)))
        return self.keyer.add_keys(ds, table)

    def prepare(self, item: Chunk | Deferred) -> tuple[dict[str, pa.Table], list[Reject]]:
        """A reader's item converted (if the reader left that to a worker) and keyed: the
        work of a worker thread."""
        chunk = item() if callable(item) else item
        tables = {n: self.keyed(n, t) for n, t in chunk.tables.items() if t.num_rows}
        return tables, chunk.rejects

    def write(self, name: str, table: pa.Table) -> None:
        """Append a ``keyed`` table to the dataset's staged file (in input order)."""
        ds = self.datasets[name]
        self.present.setdefault(name, set()).update(
            c for c in ds.data_schema.names if table.column(c).null_count < table.num_rows
        )
        self.direct.write(ds, table, self.file_id)
        table = self.keyer.number(ds, table)
        if name not in self.writers:
            path = self.folder / name / f"f{self.index}{STAGED_SUFFIX}"
            path.parent.mkdir(parents=True, exist_ok=True)
            self.paths[name] = path
            # Read once, by the commit, and removed after the run: no statistics, no
            # compression (lz4 cost ~0.2 s per 1M positions), no dictionaries (building them
            # cost ~1 s per 1M declaration rows, for files that live seconds). Parquet rather
            # than Arrow IPC: DuckDB scans it in parallel with flat memory (a scan of IPC files
            # through pyarrow read ahead ~600 MB at 4M positions).
            self.writers[name] = pq.ParquetWriter(
                path, table.schema, compression="none", write_statistics=False,
                use_dictionary=False,
            )  # fmt: skip
        self.writers[name].write_table(table)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()

    def discard(self) -> None:
        self.close()
        for path in self.paths.values():
            path.unlink(missing_ok=True)
        self.paths.clear()


@dataclass
class _Pending:
    index: int
    path: Path
    sha256: str
    format: str
    rejects: RejectsFile
    summary: FileSummary
    present: dict[str, set[str]]


def reading(options: IngestOptions) -> str:
    """The options that change what a file yields, as the manifest records them."""
    parts = [
        f"format={options.format}" if options.format else "",
        f"assume_timezone={options.assume_timezone}" if options.assume_timezone else "",
    ]
    return ",".join(p for p in parts if p)


def with_defaults(options: IngestOptions, settings: Settings) -> IngestOptions:
    """Reference files default to their place in the shared data folder."""
    standards = settings.shared_dir / "data"
    return replace(
        options,
        xsd_dir=options.xsd_dir or standards / "standards" / "iso20022",
        hs_nomenclature=options.hs_nomenclature
        or standards / "hs_codes" / "hs2022_nomenclature.csv",
    )


def ingest(
    kind: Kind,
    paths: Sequence[Path],
    *,
    settings: Settings | None = None,
    screener: PartyScreener | None = None,
    options: IngestOptions | None = None,
    progress: Progress | None = None,
    names: Sequence[str] | None = None,
) -> RunSummary:
    """Ingest ``paths`` as ``kind``; returns per-file counts of accepted, duplicate, rejected.

    ``names`` (one per path) are what summaries, the manifest and rejects files call the files,
    when the paths are temporary copies (HTTP uploads).
    """
    settings = settings or get_settings()
    options = with_defaults(options or IngestOptions(), settings)
    screener = screener or NoScreening()
    advance: Progress = progress or (lambda _n: None)
    root = analytics_root(settings)
    run_id, staging, now = new_run(root)
    manifest = Manifest(root)
    summaries: list[FileSummary] = []
    pending: list[_Pending] = []
    seen: set[str] = set()
    # The DuckDB session opens (~30-45 ms, the first in a process) while the first file is
    # hashed and parsed; the keying workers wait for it at the first batch.
    opener = ThreadPoolExecutor(1, thread_name_prefix="ingest-duckdb")
    keyer = Keyer(now.date().isoformat(), opener.submit(new_connection, options.memory_limit))
    opener.shutdown(wait=False)
    direct = DirectWrite(root, staging, run_id, now)
    try:
        for index, path in enumerate(paths):
            name = names[index] if names else str(path)
            summary = _stage_file(
                kind, Path(path), name, index, staging, settings, options, manifest, seen,
                advance, keyer, direct,
            )  # fmt: skip
            summaries.append(summary if isinstance(summary, FileSummary) else summary.summary)
            if isinstance(summary, _Pending):
                pending.append(summary)
        run = RunSummary(run_id=run_id, files=summaries)
        if pending:
            _commit(kind, pending, root, staging, run, now, screener, options, keyer.con, direct)
        return run
    finally:
        direct.discard()  # what the commit did not take (a failure)
        keyer.close()
        try:
            keyer.con.close()  # raises if the session never opened
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _stage_file(
    kind: Kind,
    path: Path,
    name: str,
    index: int,
    staging: Path,
    settings: Settings,
    options: IngestOptions,
    manifest: Manifest,
    seen: set[str],
    advance: Progress,
    keyer: Keyer,
    direct: DirectWrite,
) -> FileSummary | _Pending:
    if not path.is_file():
        return FileSummary(name, kind.name, "", "", "failed", error="no such file")
    sha = sha256_file(path)
    fmt_name = ""
    try:
        fmt_name = options.format or kind.detect(path)
        fmt = kind.format(fmt_name)
    except InvalidInputError as exc:
        advance(path.stat().st_size)
        return FileSummary(name, kind.name, fmt_name, sha, "failed", error=str(exc))
    previous = None if options.force else manifest.find(sha, kind.name, reading(options))
    if previous is not None or sha in seen:
        advance(path.stat().st_size)
        summary = FileSummary(name, kind.name, fmt.name, sha, "already-ingested")
        if previous is not None:
            summary.duplicate = previous.accepted + previous.duplicate + previous.amended
            summary.rejected = previous.rejected
        return summary
    seen.add(sha)
    rejects_dir = settings.data_dir / "rejects" / kind.name
    rejects = RejectsFile(rejects_dir / f"{Path(name).name}.{file_id(sha)}.rejects.csv")
    summary = FileSummary(name, kind.name, fmt.name, sha, "ingested")
    stager = _Stager(staging, index, kind.datasets, keyer, direct, file_id(sha))
    try:
        # closing: whatever stops the loop also stops the reader thread, at once.
        with (
            ThreadPoolExecutor(KEY_THREADS, thread_name_prefix="ingest-keys") as pool,
            closing(prefetched(iter(fmt.reader(path, options, advance)))) as chunks,
        ):
            prepared: deque[Future[tuple[dict[str, pa.Table], list[Reject]]]] = deque()
            for item in chunks:
                prepared.append(pool.submit(stager.prepare, item))
                if len(prepared) > KEY_THREADS:
                    _write_prepared(stager, rejects, prepared.popleft())
            while prepared:
                _write_prepared(stager, rejects, prepared.popleft())
        stager.close()
    except AccordError as exc:
        # A file-level problem (wrong column set, unreadable container): nothing of it commits.
        stager.discard()
        direct.invalidate()  # it holds rows of this file
        rejects.write([Reject(None, str(exc), "")])
        rejects.close()
        summary.status, summary.error = "failed", str(exc)
        summary.rejects_path = str(rejects.path)
        log.warning("ingest.file_failed", path=str(path), error=str(exc))
        return summary
    return _Pending(index, path, sha, fmt.name, rejects, summary, stager.present)


def _write_prepared(
    stager: _Stager,
    rejects: RejectsFile,
    prepared: Future[tuple[dict[str, pa.Table], list[Reject]]],
) -> None:
    tables, chunk_rejects = prepared.result()
    for name, table in tables.items():
        stager.write(name, table)
    rejects.write(chunk_rejects)


def _commit(
    kind: Kind,
    pending: list[_Pending],
    root: Path,
    staging: Path,
    run: RunSummary,
    now: datetime,
    screener: PartyScreener,
    options: IngestOptions,
    con: duckdb.DuckDBPyConnection,
    direct: DirectWrite,
) -> None:
    file_ids = {p.index: file_id(p.sha256) for p in pending}
    with store_lock(root):
        committer = Committer(
            root, staging, run_id=run.run_id, file_ids=file_ids, now=now,
            screener=screener, memory_limit=options.memory_limit, con=con,
        )  # fmt: skip
        try:
            for ds in kind.datasets:
                staged = sorted((staging / ds.name).glob(f"f*{STAGED_SUFFIX}"))
                if staged:
                    present = set().union(*(p.present.get(ds.name, ()) for p in pending))
                    committer.commit_dataset(ds, staged, present, direct.take(ds))
            run.new_parties, run.parties_screened, run.screening_hits = committer.commit_parties()
            if isinstance(screener, NoScreening) and run.new_parties:
                run.screening_note = f"parties not screened: {screener.reason}"
            committer.publish()
        finally:
            committer.close()
        entries = []
        for p in pending:
            counts = committer.files[p.index]
            records = kind.records(kind.format(p.format))
            p.rejects.write(sorted(counts.conflicts, key=lambda r: r.line or 0))
            p.rejects.close()
            s = p.summary
            s.amended = sum(counts.amended.get(name, 0) for name in records)
            s.accepted = sum(counts.added.get(name, 0) for name in records) - s.amended
            s.duplicate = sum(counts.duplicates.get(name, 0) for name in records)
            s.rejected = p.rejects.count
            s.added = {k: v for k, v in counts.added.items() if v}
            s.rejects_path = str(p.rejects.path) if p.rejects.count else None
            entries.append(
                ManifestEntry(
                    sha256=p.sha256,
                    kind=kind.name,
                    path=s.path,
                    size=p.path.stat().st_size,
                    format=p.format,
                    run_id=run.run_id,
                    ingested_at=now.isoformat(),
                    accepted=s.accepted,
                    duplicate=s.duplicate,
                    rejected=s.rejected,
                    datasets=s.added,
                    options=reading(options),
                    amended=s.amended,
                )
            )
        Manifest(root).append(entries)
