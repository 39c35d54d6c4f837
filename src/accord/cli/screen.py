"""``accord screen``: screen one name, or a file of parties, against the serving lists.

Every screening is recorded (input hash, list versions, algorithm, hits, who) unless
``--no-record``, as over HTTP. Hits an analyst decided are not a match are shown as suppressed and
do not count toward ``--limit``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import IO, Any

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
from accord.errors import InvalidInputError
from accord.screening import records, sets
from accord.screening.batch import count_lines, read_batch
from accord.screening.explain import Hit
from accord.screening.query import Query
from accord.screening.score import DEFAULT_THRESHOLD
from accord.screening.service import BatchResult, ScreenOptions, get_screener, hit_json
from accord.settings import get_settings

app = typer.Typer(help="Screen names against the serving sanctions lists, with explanations.")

CSV_COLUMNS = (
    "line", "key", "query_name", "rank", "score", "match", "entity_id", "caption", "list",
    "list_version", "programs", "explanation", "error", "suppressed",
)  # fmt: skip

RECORD_HELP = (
    "Store each screening (input hash, list versions, algorithm, hits, who) for audit; "
    "on by default, --no-record to skip."
)
BY_HELP = "Who screens or decides (default: anonymous)."


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
    key: str | None = typer.Option(None, "--key", help="Your key for the party (for decisions)."),
    record: bool = typer.Option(True, "--record/--no-record", help=RECORD_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
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
    store = open_store(settings)
    screener = get_screener(store, settings)
    opts = ScreenOptions(threshold, limit, lists or None)
    (outcome,) = records.screen_parties(
        store, screener, [(key, query, opts)], by=by or "", source="cli", record=record,
        field="query",
    )  # fmt: skip
    if fmt == "json":
        payload = {
            "key": key,
            "input_hash": outcome.input_hash,
            "record_id": outcome.record_id,
            "query": query.model_dump(mode="json", by_alias=True),
            "hits": [hit_json(h) for h in outcome.hits],
            "suppressed_count": len(outcome.suppressed),
            "suppressed": [s.as_json() for s in outcome.suppressed],
        }
        typer.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())
        return
    _print_hits(query, outcome.hits)
    for sup in outcome.suppressed:
        d = sup.decision
        console.print(
            f"[yellow]suppressed[/] {sup.hit.caption} ({sup.hit.entity_id}, score "
            f"{sup.hit.score:.2f}): not a match per {d.decided_by} on "
            f"{d.created_at:%Y-%m-%d}: {d.reason}",
            highlight=False,
        )
    err_console.print(
        f"input hash {outcome.input_hash}"
        + (f"; recorded as #{outcome.record_id}" if outcome.record_id else ""),
        highlight=False,
    )


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
    record: bool = typer.Option(True, "--record/--no-record", help=RECORD_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """Screen every row of a file; bad rows are reported with their line number and skipped."""
    if fmt not in ("csv", "jsonl"):
        raise InvalidInputError(f"--format {fmt!r}: use csv or jsonl")
    rows = read_batch(input_path)
    settings = get_settings()
    store = open_store(settings)
    screener = get_screener(store, settings)
    opts = ScreenOptions(threshold, limit, lists or None)
    total = count_lines(input_path)
    screened = rejected = with_hits = suppressed = 0
    out: IO[str] = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        writer = _Writer(out, fmt)
        with progress("screening", total=total) as advance:
            results = records.screen_stream(
                store, screener, rows, opts, by=by or "", record=record, workers=workers
            )
            for result, outcome in results:
                if result.row.error is not None:
                    rejected += 1
                    err_console.print(
                        f"[yellow]line {result.row.line}:[/] {result.row.error}", highlight=False
                    )
                else:
                    screened += 1
                    with_hits += bool(outcome and outcome.hits)
                    suppressed += len(outcome.suppressed) if outcome else 0
                writer.write(result, outcome)
                advance(1)
    finally:
        if output:
            out.close()
    err_console.print(
        f"screened {screened:,} parties, {with_hits:,} with hits ({suppressed:,} hits suppressed "
        f"by decisions); {rejected:,} rows rejected"
        + ("; recorded" if record and screened else ""),
        highlight=False,
    )


class _Writer:
    def __init__(self, out: IO[str], fmt: str) -> None:
        self.out = out
        self.fmt = fmt
        self.csv = csv.writer(out) if fmt == "csv" else None
        if self.csv is not None:
            self.csv.writerow(CSV_COLUMNS)

    def write(self, result: BatchResult, outcome: records.Outcome | None) -> None:
        row = result.row
        hits = outcome.hits if outcome else []
        suppressed = outcome.suppressed if outcome else []
        query_name = row.query.names[0] if row.query else ""
        if self.csv is None:
            data: dict[str, Any] = {"line": row.line, "key": row.key}
            if row.error is not None:
                data["error"] = row.error
            else:
                data["query"] = (
                    row.query.model_dump(mode="json", by_alias=True) if row.query else None
                )
                data["input_hash"] = outcome.input_hash if outcome else None
                data["hits"] = [hit_json(h) for h in hits]
                data["suppressed"] = [s.as_json() for s in suppressed]
            self.out.write(orjson.dumps(data).decode() + "\n")
            return
        head = [row.line, row.key or "", query_name]
        marked = [(h, "") for h in hits] + [
            (s.hit, f"not a match per {s.decision.decided_by}: {s.decision.reason}")
            for s in suppressed
        ]
        if row.error is not None or not marked:
            self.csv.writerow([*head, "", "", "", "", "", "", "", "", "", row.error or "", ""])
        for rank, (hit, why_suppressed) in enumerate(marked, start=1):
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
                    why_suppressed,
                ]
            )


@app.command("records")
@handle_errors
def list_records(
    since: str | None = typer.Option(None, "--since", help="ISO date/time or a span such as 7d."),
    limit: int = typer.Option(100, "--limit", min=1, max=10_000),
    fmt: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """Recorded screenings, newest first: input hash, list versions, hits, who and when."""
    if fmt not in ("table", "json"):
        raise InvalidInputError(f"--format {fmt!r}: use table or json")
    when = parse_since(since) if since else None
    with open_store().reader() as session:
        found = records.list_records(session, when, limit)
    if fmt == "json":
        typer.echo(orjson.dumps([r.as_json() for r in found], option=orjson.OPT_INDENT_2).decode())
        return
    table = Table(title="Screening records")
    for col in ("#", "when", "by", "source", "key", "input hash", "hits", "suppressed", "top hit"):
        table.add_column(col, overflow="fold")
    for r in found:
        table.add_row(
            str(r.id),
            r.created_at.isoformat(timespec="seconds"),
            r.created_by,
            r.source,
            r.party_key or "-",
            r.input_hash[:16],
            str(len(r.hits)),
            str(len(r.suppressed)),
            str(r.hits[0]["caption"]) if r.hits else "-",
        )
    console.print(table)


@app.command("decide")
@handle_errors
def decide(
    party_key: str = typer.Argument(..., help="The party's input hash, or your key for it."),
    entity_id: str = typer.Argument(..., help="The listed entity the decision is about."),
    not_a_match: bool = typer.Option(False, "--not-a-match", help="The hit is a false positive."),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    why: str = typer.Option(..., "--why", help="The reason, kept with the decision."),
    fmt: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """Record that a listed entity is not a match for a party; later screenings suppress it."""
    if not not_a_match:
        raise InvalidInputError("say what was decided: --not-a-match")
    decision = records.decide(open_store(), party_key, entity_id, by=by, why=why)
    if fmt == "json":
        typer.echo(orjson.dumps(decision.as_json(), option=orjson.OPT_INDENT_2).decode())
        return
    console.print(
        f"decision #{decision.id}: {entity_id} is not a match for party {party_key} "
        f"(input hash {decision.input_hash[:16]}…, entity hash {decision.entity_hash[:12]}); "
        "it stays suppressed until either changes.",
        highlight=False,
    )


@app.command("decisions")
@handle_errors
def list_decisions(
    party_key: str | None = typer.Option(None, "--party", help="A party key or input hash."),
    entity_id: str | None = typer.Option(None, "--entity", help="A listed entity id."),
    limit: int = typer.Option(100, "--limit", min=1, max=10_000),
    fmt: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """Recorded not-a-match decisions, newest first: who, why, and whether each still stands."""
    if fmt not in ("table", "json"):
        raise InvalidInputError(f"--format {fmt!r}: use table or json")
    with open_store().reader() as session:
        found = records.list_decisions(
            session, party_key=party_key, entity_id=entity_id, limit=limit
        )
    _print_decisions(found, fmt, "Not-a-match decisions")


def _print_decisions(found: list[records.DecisionStatus], fmt: str, title: str) -> None:
    if fmt == "json":
        typer.echo(orjson.dumps([d.as_json() for d in found], option=orjson.OPT_INDENT_2).decode())
        return
    table = Table(title=title)
    for col in ("#", "when", "by", "party", "entity", "why", "stands"):
        table.add_column(col, overflow="fold")
    for status in found:
        d = status.decision
        table.add_row(
            str(d.id),
            d.created_at.isoformat(timespec="seconds"),
            d.decided_by,
            d.party_key,
            d.entity_id,
            d.reason,
            "yes" if status.standing else "no (the listed entity changed)",
        )
    console.print(table)


sets_app = typer.Typer(help="Stored party sets, re-screened against what changed in the lists.")
app.add_typer(sets_app, name="sets")


@sets_app.command("add")
@handle_errors
def sets_add(
    set_name: str = typer.Argument(..., metavar="NAME"),
    input_path: Path = typer.Argument(..., metavar="FILE", help="CSV, JSON lines or FtM lines."),
    threshold: float = typer.Option(DEFAULT_THRESHOLD, "--threshold", min=0.0, max=1.0),
    limit: int = typer.Option(5, "--limit", min=1, max=100),
    replace: bool = typer.Option(
        False, "--replace", help="Replace a set of that name; its next run is a full one."
    ),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """Store a set of parties (as `screen batch` reads them); bad rows are reported and skipped."""
    parties, rejected = sets.split_rows(read_batch(input_path))
    for row in rejected:
        err_console.print(f"[yellow]line {row.line}:[/] {row.error}", highlight=False)
    info = sets.add_set(
        open_store(), set_name, parties, threshold=threshold, limit=limit, by=by, replace=replace
    )
    console.print(
        f"set {info.name!r}: {info.parties:,} parties stored, {len(rejected):,} rows rejected",
        highlight=False,
    )


@sets_app.command("list")
@handle_errors
def sets_list(fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
    """Every stored set: parties, options, runs, when it last ran."""
    if fmt not in ("table", "json"):
        raise InvalidInputError(f"--format {fmt!r}: use table or json")
    with open_store().reader() as session:
        found = sets.list_sets(session)
    if fmt == "json":
        typer.echo(orjson.dumps([s.as_json() for s in found], option=orjson.OPT_INDENT_2).decode())
        return
    table = Table(title="Screening sets")
    for col in ("set", "parties", "threshold", "limit", "runs", "last run"):
        table.add_column(col)
    for s in found:
        last = s.last_run_at.isoformat(timespec="seconds") if s.last_run_at else "never"
        table.add_row(
            s.name, f"{s.parties:,}", f"{s.threshold:.2f}", str(s.limit), str(s.runs), last
        )
    console.print(table)


@sets_app.command("run")
@handle_errors
def sets_run(
    set_name: str = typer.Argument(..., metavar="NAME"),
    fmt: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """Re-screen a set against the list entities changed since its last run (first run: all)."""
    if fmt not in ("table", "json"):
        raise InvalidInputError(f"--format {fmt!r}: use table or json")
    settings = get_settings()
    store = open_store(settings)
    run = sets.run_set(store, get_screener(store, settings), set_name)
    if fmt == "json":
        typer.echo(orjson.dumps(run.as_json(), option=orjson.OPT_INDENT_2).decode())
        return
    scope = "every listed entity" if run.full else f"{run.entities_changed:,} changed entities"
    console.print(
        f"set {run.name!r}: {run.parties:,} parties against {scope}: {run.count('new')} new, "
        f"{run.count('changed')} changed, {run.count('removed')} removed hits; "
        f"{run.count('suppressed')} suppressed by not-a-match decisions",
        highlight=False,
    )
    if run.changes:
        table = Table()
        for col in ("change", "party", "listed", "entity", "score"):
            table.add_column(col, overflow="fold")
        for c in run.changes:
            old = f"{c.previous_score:.2f}" if c.previous_score is not None else "-"
            new = f"{c.score:.2f}" if c.score is not None else "-"
            score = new if c.previous_score is None else f"{old} → {new}"
            party = f"{c.key}: {c.query_name}" if c.key else c.query_name
            table.add_row(c.change, party, c.caption, c.entity_id, score)
        console.print(table)


@sets_app.command("decide")
@handle_errors
def sets_decide(
    set_name: str = typer.Argument(..., metavar="NAME"),
    party_key: str = typer.Argument(..., help="The party's key in the set, or its input hash."),
    entity_id: str = typer.Argument(..., help="The listed entity the decision is about."),
    not_a_match: bool = typer.Option(False, "--not-a-match", help="The hit is a false positive."),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    why: str = typer.Option(..., "--why", help="The reason, kept with the decision."),
) -> None:
    """Record that a listed entity is not a match for a party of the set; runs suppress it."""
    if not not_a_match:
        raise InvalidInputError("say what was decided: --not-a-match")
    decision = sets.decide(open_store(), set_name, party_key, entity_id, by=by, why=why)
    console.print(
        f"decision #{decision.id}: {entity_id} is not a match for party {party_key} of set "
        f"{set_name!r}; it stays suppressed until either changes.",
        highlight=False,
    )


@sets_app.command("decisions")
@handle_errors
def sets_decisions(
    set_name: str = typer.Argument(..., metavar="NAME"),
    fmt: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """Decisions on the set's parties, newest first, and whether each still stands."""
    if fmt not in ("table", "json"):
        raise InvalidInputError(f"--format {fmt!r}: use table or json")
    with open_store().reader() as session:
        found = sets.set_decisions(session, set_name)
    _print_decisions(found, fmt, f"Decisions on set {set_name!r}")
