"""Run every benchmark (or those named on the command line) and print one table."""

from __future__ import annotations

import importlib
import json
import multiprocessing as mp
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.harness import Result, shared_dir

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"


def _run_module(name: str, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    module = importlib.import_module(f"bench.{name}")
    with tempfile.TemporaryDirectory(prefix=f"accord-{name}-") as tmp:
        results: list[Result] = module.run(shared_dir(), Path(tmp))
    queue.put([r.as_dict() for r in results])


def main(argv: list[str]) -> int:
    names = sorted(p.stem for p in BENCH_DIR.glob("bench_*.py"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    RESULTS_DIR.mkdir(exist_ok=True)
    table = Table(title=f"Accord benchmarks ({platform.node()}, {mp.cpu_count()} cores)")
    for col in ("benchmark", "measure", "value", "unit", "target", "ok", "note"):
        table.add_column(col)
    failed = False
    ctx = mp.get_context("spawn")
    for name in names:
        queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
        proc = ctx.Process(target=_run_module, args=(name, queue))
        proc.start()
        proc.join()
        if proc.exitcode != 0:
            table.add_row(name, "(crashed)", "", "", "", "no", f"exit code {proc.exitcode}")
            failed = True
            continue
        rows = queue.get()
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        (RESULTS_DIR / f"{name}.json").write_text(
            json.dumps({"run_at": stamp, "machine": platform.platform(), "results": rows}, indent=2)
        )
        for row in rows:
            ok = row["ok"]
            failed |= ok is False
            value = row["value"]
            shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
            mark = "" if ok is None else ("yes" if ok else "NO")
            table.add_row(name, row["name"], shown, row["unit"], row["target"], mark, row["note"])
    Console().print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
