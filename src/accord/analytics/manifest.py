"""The manifest of ingested files: one JSON line per file, keyed by the file's sha256.

A JSON-lines file rather than a table in the operational store: the analytical store must be
movable as a folder (to a Spark cluster, to a partner for an exercise) with its own provenance,
and it is written only under the store's lock, so appends never interleave.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import orjson


@dataclass(frozen=True)
class ManifestEntry:
    sha256: str
    kind: str
    path: str
    size: int
    format: str
    run_id: str
    ingested_at: str
    accepted: int
    duplicate: int
    rejected: int
    datasets: dict[str, int] = field(default_factory=dict)
    #: The reading options that change what a file yields (e.g. an assumed time zone).
    options: str = ""
    #: Records that amended a stored record (entries written before amendments have none).
    amended: int = 0

    @property
    def file_id(self) -> str:
        return file_id(self.sha256)


def file_id(sha256: str) -> str:
    """The short file id stored in every record's ``source_file`` (64 bits of the sha256)."""
    return sha256[:16]


class Manifest:
    def __init__(self, root: Path) -> None:
        self.path = root / "_manifest.jsonl"

    def entries(self) -> list[ManifestEntry]:
        if not self.path.exists():
            return []
        with self.path.open("rb") as fh:
            return [ManifestEntry(**orjson.loads(line)) for line in fh if line.strip()]

    def find(self, sha256: str, kind: str, options: str = "") -> ManifestEntry | None:
        """The entry of this file read as this kind with these options (a file re-read with,
        say, a time zone it lacked is a new ingestion, not a repeat)."""
        for entry in self.entries():
            if (entry.sha256, entry.kind, entry.options) == (sha256, kind, options):
                return entry
        return None

    def append(self, entries: list[ManifestEntry]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as fh:
            for entry in entries:
                fh.write(orjson.dumps(asdict(entry)) + b"\n")


@contextmanager
def store_lock(root: Path) -> Iterator[None]:
    """Serialise commits to the store: the anti-join and the write must see a stable dataset."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
