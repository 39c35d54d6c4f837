"""Run every benchmark (or those named on the command line) and print one table."""

from __future__ import annotations

import json
import multiprocessing as mp
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.harness import run_module

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"


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
        proc = ctx.Process(target=run_module, args=(name, queue))
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
    Console(width=None if sys.stdout.isatty() else 160).print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
