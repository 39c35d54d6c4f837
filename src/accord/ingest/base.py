"""What every reader shares: chunks of typed rows plus rejects, options, kinds, summaries."""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal, cast

import pyarrow as pa

from accord.analytics.datasets import Dataset

#: Called with a number of bytes of input consumed since the last call.
Progress = Callable[[int], None]

#: The column each reader adds to its rows: the line (or record number) the row came from.
LINE = "_line"


@dataclass(frozen=True)
class Reject:
    """A record that was not accepted: where it was, why, and the record as read."""

    line: int | None
    reason: str
    record: str


@dataclass
class Chunk:
    """One batch from a reader: rows per dataset (data columns + ``_line``) and the rejects."""

    tables: dict[str, pa.Table] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)


@dataclass(frozen=True)
class IngestOptions:
    #: Zone for timestamps written without one, for formats that do not define their zone.
    assume_timezone: str | None = None
    #: Re-read files already in the manifest (their records then count as duplicates).
    force: bool = False
    #: Skip format detection and read every file with this format of the kind.
    format: str | None = None
    #: Rows per batch for the readers that batch by rows.
    batch_rows: int = 100_000
    #: DuckDB memory limit for the commit (it spills to disk beyond it).
    memory_limit: str = "256MB"
    #: Folder of the ISO 20022 XSDs (the pipeline defaults it to the shared data folder's).
    xsd_dir: Path | None = None
    #: The HS 2022 nomenclature CSV (the pipeline defaults it to the shared data folder's).
    hs_nomenclature: Path | None = None


#: The rest of a chunk's work (converting a parsed batch), which a reader may leave to the
#: pipeline: it runs on a worker thread while the reader parses the next batch.
Deferred = Callable[[], Chunk]
Reader = Callable[[Path, IngestOptions, Progress], Iterator[Chunk | Deferred]]


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    reader: Reader
    #: The datasets whose rows are this format's records (counted as accepted or duplicate);
    #: empty: the kind's first dataset. Other datasets it fills are derived (counted as added).
    records: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    """One kind of data (``accord ingest KIND``): the datasets it fills and its input formats."""

    name: str
    description: str
    #: Every dataset its formats fill; the first holds the records unless a format says otherwise.
    datasets: tuple[Dataset, ...]
    formats: tuple[Format, ...]
    detect: Callable[[Path], str]

    def records(self, fmt: Format) -> tuple[str, ...]:
        return fmt.records or (self.datasets[0].name,)

    def format(self, name: str) -> Format:
        for fmt in self.formats:
            if fmt.name == name:
                return fmt
        from accord.errors import InvalidInputError

        known = ", ".join(f.name for f in self.formats)
        raise InvalidInputError(f"{self.name}: unknown format {name!r} (known: {known})")


Status = Literal["ingested", "already-ingested", "failed"]


@dataclass
class FileSummary:
    path: str
    kind: str
    format: str
    sha256: str
    status: Status
    #: New records.
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    #: Records that amend a stored one (same key, other content): stored as its new version.
    amended: int = 0
    #: Rows added per dataset, derived datasets included.
    added: dict[str, int] = field(default_factory=dict)
    rejects_path: str | None = None
    error: str | None = None


@dataclass
class RunSummary:
    run_id: str
    files: list[FileSummary]
    new_parties: int = 0
    #: New parties screened against the serving lists, and the hits stored in ``party_hits``.
    parties_screened: int = 0
    screening_hits: int = 0
    #: Why the new parties were not screened (no list serving), when they were not.
    screening_note: str | None = None

    @property
    def accepted(self) -> int:
        return sum(f.accepted for f in self.files)

    @property
    def duplicate(self) -> int:
        return sum(f.duplicate for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def amended(self) -> int:
        return sum(f.amended for f in self.files)

    @property
    def failed(self) -> list[FileSummary]:
        return [f for f in self.files if f.status == "failed"]


class _Counting(io.RawIOBase):
    """A read-only binary file that reports how many bytes were read (for progress bars)."""

    def __init__(self, raw: IO[bytes], progress: Progress) -> None:
        self._raw = raw
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        if n:
            self._progress(n)
        return int(n or 0)

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_input(path: Path, progress: Progress) -> IO[bytes]:
    """Open an input file for streaming, gunzipping ``*.gz``; progress counts bytes on disk."""
    counted = io.BufferedReader(_Counting(path.open("rb", buffering=0), progress), 1 << 20)
    if path.suffix == ".gz":
        return cast(IO[bytes], gzip.GzipFile(fileobj=counted, mode="rb"))
    return counted


def peek(path: Path, n: int = 4096) -> bytes:
    """The first bytes of a file (decompressed), for format detection."""
    with open_input(path, lambda _n: None) as fh:
        return fh.read(n)
