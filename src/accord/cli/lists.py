"""``accord lists``: fetch, status, versions, diff, change feed, show, find, export."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.table import Table

from accord.cli.common import (
    console,
    err_console,
    handle_errors,
    open_store,
    parse_since,
    progress,
)
from accord.errors import AccordError, InvalidInputError
from accord.lists import queries
from accord.lists.diff import RecordChange, summarize
from accord.lists.export import export_lines
from accord.lists.ingest import IngestOutcome, fetch_list, ingest_file
from accord.lists.registry import all_sources, core_sources, get_source
from accord.settings import get_settings

app = typer.Typer(help="Official sanctions lists: fetch, versions, diffs, the change feed.")

FORMATS = ("table", "json")


def _date(value: datetime | None) -> str:
    return value.date().isoformat() if value else "-"


def _print_outcomes(outcomes: list[IngestOutcome]) -> None:
    table = Table(title="List ingestion")
    for col in ("list", "status", "published", "records", "by kind", "changes", "warnings", "s"):
        table.add_column(col)
    for o in outcomes:
        kinds = ", ".join(f"{k} {v:,}" for k, v in o.counts.items())
        changes = ", ".join(f"{k} {v:,}" for k, v in o.changes.items() if v) or "-"
        table.add_row(
            o.list_id,
            o.status if not o.error else f"[red]failed[/]: {o.error}",
            _date(o.published_at),
            f"{o.records:,}",
            kinds,
            changes,
            str(o.warnings),
            f"{o.seconds:.1f}",
        )
    console.print(table)


@app.command("sources")
def sources() -> None:
    """The registry of list sources: jurisdiction, authority, formats, official downloads."""
    table = Table(title="List sources")
    for col in ("id", "jurisdiction", "title", "formats", "download"):
        table.add_column(col, overflow="fold")
    for s in all_sources().values():
        table.add_row(s.id, s.jurisdiction, s.title, ", ".join(s.formats), str(s.downloads[0].url))
    console.print(table)


@app.command("fetch")
@handle_errors
def fetch(
    lists: list[str] = typer.Argument(None, help="List ids (default: every core list)."),
    from_path: Path | None = typer.Option(
        None, "--from", help="A list file (one list) or a mirror folder like ../shared/data/lists."
    ),
    file_format: str | None = typer.Option(None, "--format", help="Parser format of --from FILE."),
) -> None:
    """Download lists from their official URLs (or read --from PATH) and store new versions."""
    settings = get_settings()
    store = open_store(settings)
    ids = lists or [s.id for s in core_sources()]
    for list_id in ids:
        get_source(list_id)
    if from_path is not None and from_path.is_file() and len(ids) != 1:
        raise InvalidInputError(f"--from {from_path} is one file: name exactly one list")
    outcomes: list[IngestOutcome] = []
    failed = False
    with progress("fetching lists", total=len(ids)) as advance:
        for list_id in ids:
            try:
                if from_path is not None and from_path.is_file():
                    outcomes.append(ingest_file(store, list_id, from_path, file_format=file_format))
                else:
                    outcomes.extend(fetch_list(store, settings, list_id, from_path=from_path))
            except AccordError as exc:
                failed = True
                outcomes.append(
                    IngestOutcome(list_id=list_id, status="failed", source="", error=str(exc))
                )
            advance(1)
    _print_outcomes(outcomes)
    if failed:
        err_console.print("[yellow]failed lists keep serving their last good version[/]")
        raise typer.Exit(1)


@app.command("status")
@handle_errors
def status(fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
    """Which version of each list is serving, and which lists are stale (and why)."""
    with open_store().reader() as session:
        rows = queries.list_statuses(session)
    if fmt == "json":
        _json([_status_dict(r) for r in rows])
        return
    table = Table(title="Lists")
    for col in ("list", "jurisdiction", "state", "version", "published", "records", "reason"):
        table.add_column(col, overflow="fold")
    for r in rows:
        color = {"ok": "green", "stale": "yellow"}.get(r.state, "red")
        table.add_row(
            r.list_id,
            r.jurisdiction,
            f"[{color}]{r.state}[/]",
            str(r.serving_version or "-"),
            _date(r.published_at),
            f"{r.records:,}",
            r.stale_reason or "",
        )
    console.print(table)


def _status_dict(r: queries.ListStatus) -> dict[str, Any]:
    return {
        "list": r.list_id,
        "state": r.state,
        "serving_version": r.serving_version,
        "published_at": r.published_at,
        "ingested_at": r.ingested_at,
        "records": r.records,
        "counts": r.counts,
        "stale": r.stale,
        "stale_reason": r.stale_reason,
    }


@app.command("versions")
@handle_errors
def versions_cmd(list_id: str) -> None:
    """Every stored version of one list."""
    get_source(list_id)
    from accord.lists.store import as_utc, current_version, versions

    with open_store().reader() as session:
        rows = versions(session, list_id)
        serving = current_version(session, list_id)
    table = Table(title=f"Versions of {list_id}")
    for col in ("version", "published", "ingested", "records", "sha256", "source", "serving"):
        table.add_column(col, overflow="fold")
    for v in rows:
        table.add_row(
            str(v.id),
            _date(as_utc(v.published_at)),
            str(as_utc(v.ingested_at))[:19],
            f"{v.record_count:,}",
            v.sha256[:12],
            v.source,
            "yes" if serving and serving.id == v.id else "",
        )
    console.print(table)


@app.command("diff")
@handle_errors
def diff(
    list_id: str,
    from_version: int | None = typer.Option(None, "--from", help="Older version id."),
    to_version: int | None = typer.Option(None, "--to", help="Newer version id."),
    fmt: str = typer.Option("table", "--format", help="table or json"),
    change: str | None = typer.Option(None, help="Only added, removed or amended."),
) -> None:
    """Records added, removed (delisted) and amended between two versions, field by field."""
    get_source(list_id)
    with open_store().reader() as session:
        old, new = queries.resolve_versions(session, list_id, from_version, to_version)
        changes = queries.diff_versions(session, old.id, new.id)
    if change:
        changes = [c for c in changes if c.change == change]
    if fmt == "json":
        _json(
            {
                "list": list_id,
                "from": old.id,
                "to": new.id,
                "changes": [c.as_dict() for c in changes],
            }
        )
        return
    counts = summarize(changes)
    console.print(
        f"[bold]{list_id}[/]: version {old.id} ({_date(old.published_at)}) → {new.id} "
        f"({_date(new.published_at)}): " + ", ".join(f"{v:,} {k}" for k, v in counts.items())
    )
    _print_changes(changes)


def _print_changes(changes: list[RecordChange]) -> None:
    table = Table(show_lines=True)
    for col in ("change", "entity", "name", "fields"):
        table.add_column(col, overflow="fold")
    for c in changes:
        table.add_row(c.change, c.entity_id, c.caption, _fields_text(c.fields, c.change))
    console.print(table)


def _fields_text(fields: dict[str, dict[str, list[str]]], change: str) -> str:
    if change != "amended":
        return f"{len(fields)} fields"
    lines = []
    for prop, delta in fields.items():
        parts = [f"+{v}" for v in delta.get("added", [])] + [
            f"-{v}" for v in delta.get("removed", [])
        ]
        lines.append(f"{prop}: " + "; ".join(parts))
    return "\n".join(lines)


@app.command("changes")
@handle_errors
def changes(
    since: str = typer.Option(..., help="ISO date/time, or a span back from now such as 7d."),
    lists: list[str] = typer.Option(None, "--list", help="Only these lists."),
    change: str | None = typer.Option(None, help="Only added, removed or amended."),
    limit: int | None = typer.Option(None, help="At most this many entries."),
    fmt: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """The change feed: what changed in any list since T."""
    when = parse_since(since)
    with open_store().reader() as session:
        entries = queries.changes_since(session, when, list_ids=lists, change=change, limit=limit)
    if fmt == "json":
        _json([e.__dict__ for e in entries])
        return
    table = Table(title=f"Changes since {when.isoformat(timespec='seconds')}")
    for col in ("published", "list", "change", "entity", "name", "fields"):
        table.add_column(col, overflow="fold")
    for e in entries:
        table.add_row(
            _date(e.published_at or e.detected_at),
            e.list_id,
            e.change,
            e.entity_id,
            e.caption,
            _fields_text(e.fields, e.change),
        )
    console.print(table)
    console.print(f"{len(entries):,} changes")


@app.command("show")
@handle_errors
def show(
    entity_id: str, fmt: str = typer.Option("table", "--format", help="table or json")
) -> None:
    """An entity with all its values and where each came from; with its harmonized entity
    (every list's record of it) once resolved. Also takes a harmonized entity id (hz-…)."""
    from accord.cli.divergence import print_harmonized
    from accord.resolve.harmonized import harmonized_or_none

    with open_store().reader() as session:
        harmonized = harmonized_or_none(session, entity_id)
        # Cluster ids are minted as "hz-…"; list entity ids start with their list's id.
        is_cluster = harmonized is not None and entity_id.startswith("hz-")
        view = None if is_cluster else queries.show_entity(session, entity_id)
    if fmt == "json":
        _json({**view.__dict__, "harmonized": harmonized} if view else harmonized)
        return
    if view is not None:
        _print_entity(view)
    if harmonized is not None and (view is None or len(harmonized.statuses) > 1):
        print_harmonized(harmonized)


def _print_entity(view: queries.EntityView) -> None:
    source = view.provenance.describe(view.list_title)
    state = "" if view.serving else " [yellow](not in the serving version: delisted or older)[/]"
    console.print(f"[bold]{view.caption}[/] ({view.schema}, {view.entity_id}){state}")
    table = Table(show_header=True)
    for col in ("property", "value", "source"):
        table.add_column(col, overflow="fold")
    for group, values in [("", view.values)] + [("sanction ", s) for s in view.sanctions]:
        for v in values:
            for value in v.values:
                table.add_row(group + v.label, value, source)
    console.print(table)


@app.command("divergence")
@handle_errors
def divergence(
    on: list[str] = typer.Option(None, "--on", help="Listed here (list or jurisdiction: UN, uk…)."),
    not_on: list[str] = typer.Option(None, "--not-on", help="…and not listed here."),
    kind: str | None = typer.Option(
        None, "--type", help="person, organization, vessel or airplane."
    ),
    part: str | None = typer.Option(
        None,
        "--part",
        help="summary, entities, patterns, pairs, programs, delisted or facts "
        "(default: entities when filtering, else summary).",
    ),
    facts: list[str] = typer.Option(
        None, "--fact", help="With --part facts: birthDate, nationality, document, name."
    ),
    by: str = typer.Option(
        "jurisdiction", "--by", help="jurisdiction or list (OFAC's two lists apart)."
    ),
    fmt: str = typer.Option("table", "--format", help="table, json or csv"),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write json/csv here."),
    limit: int = typer.Option(40, help="Rows shown in tables (0: all)."),
    refresh: bool | None = typer.Option(
        None, "--refresh/--no-refresh", help="Re-resolve first (default: when lists changed)."
    ),
) -> None:
    """Harmonized entities listed in some places and not others, delistings, differing facts."""
    from accord.cli.divergence import ensure_resolved, print_rows, print_summary
    from accord.cli.resolve import write_rows
    from accord.resolve.divergence import FACTS
    from accord.resolve.report import build_report

    if fmt not in ("table", "json", "csv"):
        raise InvalidInputError(f"--format {fmt!r}: use table, json or csv")
    store = open_store()
    ensure_resolved(store, refresh)
    with store.reader() as session:
        report = build_report(
            session, by=by, on=on or (), not_on=not_on or (), family=kind, facts=facts or FACTS
        )
    filtering = bool(on or not_on or kind)
    chosen = part or ("entities" if filtering else "summary")
    if fmt == "json" and chosen == "summary":
        write_rows(report.as_dict(), "json", out)
    elif fmt in ("json", "csv"):
        if chosen == "summary":
            raise InvalidInputError("--format csv needs a --part (entities, patterns, pairs…)")
        write_rows(report.rows(chosen), fmt, out)
    elif chosen == "summary":
        print_summary(report, limit or 1_000_000)
    else:
        print_rows(report, chosen, limit)
    if out:
        err_console.print(f"written to {out}")


@app.command("find")
@handle_errors
def find(text: str, limit: int = typer.Option(20)) -> None:
    """Find listed entities whose name or id contains TEXT (a plain search, not screening)."""
    with open_store().reader() as session:
        rows = queries.find_entities(session, text, limit)
    table = Table()
    for col in ("entity", "list", "schema", "name"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


@app.command("export")
@handle_errors
def export(
    out: Path | None = typer.Option(None, "--out", "-o", help="File; default stdout."),
) -> None:
    """Export every serving list version as FtM JSON lines (OpenSanctions' format)."""
    count = 0
    with open_store().reader() as session:
        sink = out.open("wb") if out else sys.stdout.buffer
        try:
            for line in export_lines(session):
                sink.write(line)
                count += 1
        finally:
            if out:
                sink.close()
    err_console.print(f"exported {count:,} entities")


def _json(value: Any) -> None:
    sys.stdout.buffer.write(
        orjson.dumps(value, default=_default, option=orjson.OPT_INDENT_2) + b"\n"
    )


def _default(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return value.__dict__
    raise TypeError(f"cannot serialize {type(value).__name__}")


# Re-exported for tests.
__all__ = ["app", "ingest_file", "parse_since"]
