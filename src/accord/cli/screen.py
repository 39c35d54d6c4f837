"""``accord screen``: screen one name, or a file of parties, against the serving lists."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import IO, Any

import orjson
import typer
from rich.table import Table

from accord.cli.common import console, err_console, handle_errors, open_store, progress
from accord.errors import InvalidInputError
from accord.screening.batch import count_lines, read_batch
from accord.screening.explain import Hit
from accord.screening.query import Query
from accord.screening.score import DEFAULT_THRESHOLD
from accord.screening.service import (
    BatchResult,
    ScreenOptions,
    get_screener,
    hit_json,
    screen_each,
    screen_stream,
)
from accord.settings import get_settings

app = typer.Typer(help="Screen names against the serving sanctions lists, with explanations.")

CSV_COLUMNS = (
    "line", "key", "query_name", "rank", "score", "match", "entity_id", "caption", "list",
    "list_version", "programs", "explanation", "error",
)  # fmt: skip


def _identifier(value: str) -> dict[str, str]:
    kind, sep, ident = value.partition(":")
    if not sep or not ident.strip():
        raise InvalidInputError(f"--id {value!r}: expected KIND:VALUE, e.g. imo:9187629")
    return {"kind": kind.strip().lower(), "value": ident.strip()}


@app.command("name")
@handle_errors
def name(
    names: list[str] = typer.Argument(..., help="The name (more than one: aliases of one party)."),
    schema: str = typer.Option("Thing", "--schema", help="Person, Organization, Vessel…"),
    birth_dates: list[str] = typer.Option([], "--birth-date", help="YYYY, YYYY-MM or YYYY-MM-DD."),
    countries: list[str] = typer.Option([], "--country", help="Nationality or country."),
    ids: list[str] = typer.Option([], "--id", help="An identifier as KIND:VALUE (imo:9187629)."),
    lists: list[str] = typer.Option([], "--list", help="Only these lists (default: all)."),
    threshold: float = typer.Option(DEFAULT_THRESHOLD, "--threshold", min=0.0, max=1.0),
    limit: int = typer.Option(5, "--limit", min=1, max=100),
    fmt: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """Screen one party: best listed matches with their score and why."""
    if fmt not in ("table", "json"):
        raise InvalidInputError(f"--format {fmt!r}: use table or json")
    query = Query.parse(
        {
            "schema": schema,
            "names": names,
            "birth_dates": birth_dates,
            "countries": countries,
            "identifiers": [_identifier(i) for i in ids],
        }
    )
    settings = get_settings()
    screener = get_screener(open_store(settings), settings)
    opts = ScreenOptions(threshold, limit, lists or None)
    hits = screen_each(screener, [(query, opts)], field="query")[0]
    if fmt == "json":
        payload = {
            "query": query.model_dump(mode="json", by_alias=True),
            "hits": [hit_json(h) for h in hits],
        }
        typer.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())
        return
    _print_hits(query, hits)


def _print_hits(query: Query, hits: list[Hit]) -> None:
    if not hits:
        console.print(f"No listed party scores above the threshold for {query.names[0]!r}.")
        return
    table = Table(title=f"Screening {query.names[0]!r}", show_lines=True)
    for col in ("score", "listed name", "list", "program", "why"):
        table.add_column(col, overflow="fold")
    for hit in hits:
        why = hit.explanation.replace(". ", ".\n")
        table.add_row(
            f"{hit.score:.2f}",
            f"{hit.caption}\n({hit.schema_})",
            f"{hit.listing.list_title}\nversion {hit.listing.list_version}",
            ", ".join(hit.listing.programs) or "-",
            why,
        )
    console.print(table)


@app.command("batch")
@handle_errors
def batch(
    input_path: Path = typer.Argument(..., metavar="INPUT", help="CSV, JSON lines or FtM lines."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Default: standard output."),
    fmt: str = typer.Option("csv", "--format", help="Output: csv or jsonl."),
    lists: list[str] = typer.Option([], "--list", help="Only these lists (default: all)."),
    threshold: float = typer.Option(DEFAULT_THRESHOLD, "--threshold", min=0.0, max=1.0),
    limit: int = typer.Option(5, "--limit", min=1, max=100),
    workers: int | None = typer.Option(None, "--workers", min=1, help="Default: CPU count."),
) -> None:
    """Screen every row of a file; bad rows are reported with their line number and skipped."""
    if fmt not in ("csv", "jsonl"):
        raise InvalidInputError(f"--format {fmt!r}: use csv or jsonl")
    rows = read_batch(input_path)
    settings = get_settings()
    screener = get_screener(open_store(settings), settings)
    opts = ScreenOptions(threshold, limit, lists or None)
    total = count_lines(input_path)
    screened = rejected = with_hits = 0
    out: IO[str] = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        writer = _Writer(out, fmt)
        with progress("screening", total=total) as advance:
            for result in screen_stream(screener, rows, opts, workers):
                if result.row.error is not None:
                    rejected += 1
                    err_console.print(
                        f"[yellow]line {result.row.line}:[/] {result.row.error}", highlight=False
                    )
                else:
                    screened += 1
                    with_hits += bool(result.hits)
                writer.write(result)
                advance(1)
    finally:
        if output:
            out.close()
    err_console.print(
        f"screened {screened:,} parties, {with_hits:,} with hits; {rejected:,} rows rejected",
        highlight=False,
    )


class _Writer:
    def __init__(self, out: IO[str], fmt: str) -> None:
        self.out = out
        self.fmt = fmt
        self.csv = csv.writer(out) if fmt == "csv" else None
        if self.csv is not None:
            self.csv.writerow(CSV_COLUMNS)

    def write(self, result: BatchResult) -> None:
        row = result.row
        query_name = row.query.names[0] if row.query else ""
        if self.csv is None:
            data: dict[str, Any] = {"line": row.line, "key": row.key}
            if row.error is not None:
                data["error"] = row.error
            else:
                data["query"] = (
                    row.query.model_dump(mode="json", by_alias=True) if row.query else None
                )
                data["hits"] = [hit_json(h) for h in result.hits]
            self.out.write(orjson.dumps(data).decode() + "\n")
            return
        head = [row.line, row.key or "", query_name]
        if row.error is not None or not result.hits:
            self.csv.writerow([*head, "", "", "", "", "", "", "", "", "", row.error or ""])
        for rank, hit in enumerate(result.hits, start=1):
            self.csv.writerow(
                [
                    *head,
                    rank,
                    f"{hit.score:.4f}",
                    hit.match,
                    hit.entity_id,
                    hit.caption,
                    hit.listing.list_id,
                    hit.listing.list_version,
                    "; ".join(hit.listing.programs),
                    hit.explanation,
                    "",
                ]
            )
