"""``accord ingest KIND PATH…``: monitored data into the analytical store.

One sub-command per kind (``accord ingest ais day.nm4 …``), built from the kinds' declarations.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import orjson
import typer
from rich.table import Table

from accord.analytics.store import AnalyticsStore, analytics_root
from accord.cli.common import console, handle_errors, progress
from accord.ingest.base import IngestOptions, Kind, RunSummary
from accord.ingest.kinds import KINDS
from accord.ingest.parties import default_screener
from accord.ingest.pipeline import ingest
from accord.settings import get_settings

app = typer.Typer(
    help="Ingest payments, trade, AIS, licences and registries into the analytical store.",
    no_args_is_help=True,
)


def _show(run: RunSummary, as_json: bool) -> None:
    if as_json:
        body = {**asdict(run), "accepted": run.accepted, "duplicate": run.duplicate,
                "amended": run.amended, "rejected": run.rejected}  # fmt: skip
        sys.stdout.write(orjson.dumps(body, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    table = Table(title=f"ingest run {run.run_id}")
    counts = ("accepted", "duplicate", "amended", "rejected")
    for col in ("file", "format", "status", *counts, "rejects / error"):
        table.add_column(col, justify="right" if col in counts else "left")
    for f in run.files:
        table.add_row(
            Path(f.path).name, f.format, f.status, f"{f.accepted:,}", f"{f.duplicate:,}",
            f"{f.amended:,}", f"{f.rejected:,}", f.error or f.rejects_path or "",
        )  # fmt: skip
    console.print(table)
    screening = (
        run.screening_note
        or f"screened {run.parties_screened:,}, screening hits {run.screening_hits:,}"
    )
    console.print(
        f"accepted {run.accepted:,} · duplicate {run.duplicate:,} · amended {run.amended:,}"
        f" · rejected {run.rejected:,}"
        f" · new parties {run.new_parties:,} ({screening})"
    )


def _command(kind: Kind) -> Callable[..., None]:
    formats = ", ".join(f.name for f in kind.formats)

    @handle_errors
    def command(
        paths: list[Path] = typer.Argument(..., help="Files to ingest (.gz is read as is)."),
        fmt: str | None = typer.Option(None, "--format", help=f"Skip detection: {formats}."),
        assume_timezone: str | None = typer.Option(
            None, help="Zone of timestamps written without one (e.g. UTC, Europe/Riga)."
        ),
        force: bool = typer.Option(False, help="Re-read files already ingested."),
        xsd_dir: Path | None = typer.Option(None, help="Folder of the ISO 20022 XSDs."),
        hs_nomenclature: Path | None = typer.Option(None, help="HS 2022 nomenclature CSV."),
        strict: bool = typer.Option(False, help="Exit 2 when any record was rejected."),
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    ) -> None:
        options = IngestOptions(
            assume_timezone=assume_timezone, force=force, format=fmt, xsd_dir=xsd_dir,
            hs_nomenclature=hs_nomenclature,
        )  # fmt: skip
        settings = get_settings()
        total = sum(p.stat().st_size for p in paths if p.is_file())
        with progress(f"ingest {kind.name}", total=total) as advance:
            run = ingest(kind, paths, settings=settings, screener=default_screener(settings),
                         options=options, progress=advance)  # fmt: skip
        _show(run, as_json)
        if run.failed:
            raise typer.Exit(1)
        if strict and run.rejected:
            raise typer.Exit(2)

    command.__doc__ = f"{kind.description} Formats: {formats}."
    return command


for _kind in KINDS.values():
    app.command(_kind.name)(_command(_kind))


@app.command("datasets")
@handle_errors
def datasets() -> None:
    """Rows per dataset in the analytical store."""
    store = AnalyticsStore(analytics_root(get_settings()))
    table = Table(title=f"analytical store {store.root}")
    table.add_column("dataset")
    table.add_column("rows", justify="right")
    for name, rows in store.counts().items():
        table.add_row(name, f"{rows:,}")
    console.print(table)


@app.command("rescreen")
@handle_errors
def rescreen(
    force: bool = typer.Option(False, help="Screen every stored party again."),
) -> None:
    """Screen stored parties against the current serving list versions."""
    from accord.ingest.rescreen import rescreen_parties

    s = rescreen_parties(get_settings(), force=force)
    console.print(
        s.note
        or f"{s.parties:,} parties · {s.stale:,} screened against {s.list_versions}"
        f" · {s.hits:,} new hits"
    )
