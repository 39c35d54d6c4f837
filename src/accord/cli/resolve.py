"""``accord resolve``: cross-list resolution — run it, read its links, judge them."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.table import Table
from sqlalchemy import select

from accord.cli.common import console, err_console, handle_errors, open_store, progress
from accord.errors import InvalidInputError
from accord.resolve import service
from accord.resolve.tables import ResolveJudgement, ResolveLink
from accord.store.db import Store

app = typer.Typer(help="Link the same entity across lists; analysts confirm or reject links.")


def write_rows(rows: list[dict[str, Any]] | dict[str, Any], fmt: str, out: Path | None) -> None:
    """Rows (or one document) as JSON, rows as CSV, to a file or stdout (shared with
    `accord lists divergence`)."""
    if fmt == "json" or isinstance(rows, dict):
        data = orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n"
        if out:
            out.write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
        return
    fields = list(dict.fromkeys(k for row in rows for k in row))
    sink = out.open("w", newline="", encoding="utf-8") if out else sys.stdout
    try:
        writer = csv.DictWriter(sink, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    finally:
        if out:
            sink.close()


def run_with_progress(store: Store, list_ids: list[str] | None = None) -> service.RunSummary:
    with progress("resolving entities across lists"):
        return service.run_resolution(store, list_ids)


def print_summary(summary: service.RunSummary) -> None:
    console.print(
        f"[bold]Resolution run {summary.run_id}[/]: {summary.records:,} records, "
        f"{summary.candidates:,} candidate pairs, {summary.clusters:,} harmonized entities"
    )
    spans = ", ".join(f"{n:,} on {k} lists" for k, n in summary.spans.items())
    console.print(f"spanning several lists: {spans}")
    console.print(f"groups linked by identifiers alone: {summary.identifier_groups:,}")
    table = Table(title="Links")
    table.add_column("decision: rule")
    table.add_column("pairs", justify="right")
    for rule, n in summary.links.items():
        table.add_row(rule, f"{n:,}")
    for reason, n in summary.held.items():
        table.add_row(f"[yellow]held back[/]: {reason}", f"{n:,}")
    console.print(table)
    timing = ", ".join(f"{k} {v:.1f}s" for k, v in summary.seconds.items())
    console.print(f"time: {timing}")


@app.command("run")
@handle_errors
def run(
    lists: list[str] = typer.Argument(None, help="Only these lists (default: every serving list)."),
    fmt: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """Resolve the serving list versions: propose links, cluster, keep cluster ids stable."""
    summary = run_with_progress(open_store(), lists or None)
    if fmt == "json":
        write_rows(summary.as_dict(), "json", None)
        return
    print_summary(summary)


@app.command("status")
@handle_errors
def status(fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
    """The newest resolution run, and the lists that changed since (re-run when any did)."""
    with open_store().reader() as session:
        st = service.resolution_status(session)
    if fmt == "json":
        write_rows(
            [{"run": st.run_id, "stale_lists": st.stale_lists, "stats": st.stats}], "json", None
        )
        return
    if st.run_id is None:
        console.print("nothing resolved yet: run `accord resolve run`")
        return
    console.print(f"run {st.run_id}, finished {st.finished_at:%Y-%m-%d %H:%M} UTC")
    if st.stale_lists:
        console.print(f"[yellow]lists changed since:[/] {', '.join(st.stale_lists)}")
    spans = st.stats.get("spans", {})
    console.print("spanning several lists: " + ", ".join(f"{n:,} on {k}" for k, n in spans.items()))


@app.command("links")
@handle_errors
def links(
    entity: str | None = typer.Argument(None, help="Only links touching this record."),
    decision: str | None = typer.Option(None, help="auto or review (the analysts' queue)."),
    rule: str | None = typer.Option(None, help="Only links made by this rule."),
    limit: int = typer.Option(50, help="At most this many (0: all)."),
    fmt: str = typer.Option("table", "--format", help="table, json or csv"),
) -> None:
    """Proposed links with their evidence; `--decision review` is the queue to judge."""
    stmt = select(ResolveLink).order_by(ResolveLink.score.desc(), ResolveLink.left_id)
    if entity:
        stmt = stmt.where((ResolveLink.left_id == entity) | (ResolveLink.right_id == entity))
    if decision:
        stmt = stmt.where(ResolveLink.decision == decision)
    if rule:
        stmt = stmt.where(ResolveLink.rule == rule)
    if limit:
        stmt = stmt.limit(limit)
    with open_store().reader() as session:
        rows = [_link_row(lk) for lk in session.scalars(stmt)]
    if fmt in ("json", "csv"):
        write_rows(rows, fmt, None)
        return
    table = Table(show_lines=True)
    for col in ("left", "right", "decision", "rule", "score", "evidence"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            f"{r['left']}\n{r['left_name']}",
            f"{r['right']}\n{r['right_name']}",
            r["decision"],
            r["rule"],
            f"{r['score']:.2f}",
            r["why"],
        )
    console.print(table)
    console.print(f"{len(rows):,} links")


def _link_row(lk: ResolveLink) -> dict[str, Any]:
    ev: dict[str, Any] = orjson.loads(lk.evidence)
    names = ev.get("names", {})
    ids = "; ".join(f"{k} {', '.join(v)}" for k, v in ev.get("identifiers", {}).items())
    why = f"names {names.get('similarity', 0):.2f}, birth dates {ev.get('birth_dates')}"
    return {
        "left": lk.left_id,
        "right": lk.right_id,
        "left_name": (names.get("closest") or ["", ""])[0],
        "right_name": (names.get("closest") or ["", ""])[1],
        "decision": lk.decision,
        "rule": lk.rule,
        "score": lk.score,
        "why": f"shared {ids}; {why}" if ids else why,
    }


@app.command("judge")
@handle_errors
def judge(
    left: str,
    right: str,
    confirm: bool | None = typer.Option(
        None, "--confirm/--reject", help="Same entity (confirm) or not (reject)."
    ),
    by: str = typer.Option(..., "--by", help="Who judges."),
    why: str = typer.Option("", "--why", help="The reason, kept with the judgement."),
) -> None:
    """Confirm or reject a link; the judgement survives re-ingestion and every later run."""
    if confirm is None:
        raise InvalidInputError("say --confirm or --reject")
    verdict = service.CONFIRM if confirm else service.REJECT
    outcome = service.judge(open_store(), left, right, verdict, by, why)
    together = outcome.left_cluster == outcome.right_cluster
    console.print(
        f"{verdict}ed {outcome.left_id} ~ {outcome.right_id}: "
        + (
            f"now together in {outcome.left_cluster}"
            if together
            else f"apart: {outcome.left_cluster} and {outcome.right_cluster}"
        )
    )


@app.command("judgements")
@handle_errors
def judgements(fmt: str = typer.Option("table", "--format", help="table, json or csv")) -> None:
    """Every analyst judgement: who, when, why."""
    with open_store().reader() as session:
        rows = [
            {
                "left": j.left_id,
                "right": j.right_id,
                "verdict": j.verdict,
                "by": j.judged_by,
                "at": j.judged_at.isoformat(timespec="seconds"),
                "why": j.reason,
                "names": f"{j.left_caption} / {j.right_caption}",
            }
            for j in session.scalars(select(ResolveJudgement).order_by(ResolveJudgement.judged_at))
        ]
    if fmt in ("json", "csv"):
        write_rows(rows, fmt, None)
        return
    table = Table()
    for col in ("left", "right", "verdict", "by", "at", "why", "names"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            *(str(r[c]) for c in ("left", "right", "verdict", "by", "at", "why", "names"))
        )
    console.print(table)


@app.command("explain")
@handle_errors
def explain(left: str, right: str) -> None:
    """Compare two records now: every feature, the score and the rule that would decide."""
    with open_store().reader() as session:
        result = service.explain_pair(session, left, right)
    sys.stdout.buffer.write(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
    if result["decision"] == "never":
        err_console.print(f"[yellow]{result['why']}[/]")
