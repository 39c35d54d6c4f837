"""The benchmark harness: measured figures with their targets, timed in a child process.

Each benchmark module ``bench/bench_<name>.py`` defines ``run(shared: Path, workdir: Path) ->
list[Result]``. The harness runs each module in its own process so peak memory (ru_maxrss) is
that benchmark's own, then prints a table and writes ``bench/results/<name>.json``.
"""

from __future__ import annotations

import importlib
import os
import resource
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass
class Result:
    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timer() -> Iterator[list[float]]:
    """``with timer() as t: …`` then ``t[0]`` holds the elapsed seconds."""
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)


def shared_dir() -> Path:
    root = Path(__file__).resolve().parents[1]
    return Path(os.environ.get("ACCORD_SHARED_DIR", root.parent / "shared"))


def run_module(name: str, queue: Any) -> None:
    """Child-process entry point (importable, so the spawn start method can find it)."""
    module = importlib.import_module(f"bench.{name}")
    with tempfile.TemporaryDirectory(prefix=f"accord-{name}-") as tmp:
        results: list[Result] = module.run(shared_dir(), Path(tmp))
    queue.put([r.as_dict() for r in results])
