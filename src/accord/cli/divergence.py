"""Presenting the divergence report and the harmonized view (``accord lists divergence|show``)."""

from __future__ import annotations

from rich.table import Table

from accord.cli.common import console, err_console
from accord.cli.resolve import run_with_progress
from accord.resolve.harmonized import HarmonizedView
from accord.resolve.report import DivergenceReport
from accord.resolve.service import resolution_status
from accord.store.db import Store


def ensure_resolved(store: Store, refresh: bool | None) -> None:
    """Resolve first when nothing is resolved or a list changed (unless --no-refresh)."""
    with store.reader() as session:
        status = resolution_status(session)
    if refresh is False or (refresh is None and not status.stale):
        if status.stale_lists and status.run_id is not None:
            err_console.print(
                f"[yellow]note:[/] lists changed since resolution run {status.run_id}: "
                f"{', '.join(status.stale_lists)} (`accord resolve run` updates it)"
            )
        return
    err_console.print("resolving entities across lists first (about half a minute)…")
    run_with_progress(store)


def _sources_line(report: DivergenceReport) -> str:
    parts = [f"{s['place']} ({s['list']}, {s['published'] or 'undated'})" for s in report.sources]
    return "Lists compared: " + "; ".join(parts)


def print_summary(report: DivergenceReport, limit: int) -> None:
    console.print(_sources_line(report), highlight=False)
    console.print("[dim]Lists published on different dates differ partly for that reason alone.[/]")
    matrix = Table(title="Of the entities listed on <row>, how many are also listed on <column>")
    matrix.add_column("listed on")
    matrix.add_column("entities", justify="right")
    for place in report.places:
        matrix.add_column(f"also {place}", justify="right")
    for place in report.places:
        cells = {r["other"]: r for r in report.pairs if r["on"] == place}
        total = next((r["on_a"] for r in cells.values()), 0)
        matrix.add_row(
            place,
            f"{total:,}",
            *(f"{cells[o]['also_on_b']:,}" if o in cells else "—" for o in report.places),
        )
    console.print(matrix)
    patterns = Table(title="Harmonized entities listed in several places, by where they are listed")
    patterns.add_column("listed", overflow="fold")
    patterns.add_column("entities", justify="right")
    for row in report.patterns[:limit]:
        patterns.add_row(row["pattern"], f"{row['entities']:,}")
    console.print(patterns)
    if report.delisted:
        print_rows(report, "delisted", limit, "Delisted in one place, still listed elsewhere")
    counts: dict[tuple[str, str], int] = {}
    for f in report.facts:
        counts[(f.fact, f.severity)] = counts.get((f.fact, f.severity), 0) + 1
    facts = Table(title="Facts that differ between places (entities listed in two or more)")
    for col in ("fact", "conflict", "variant"):
        facts.add_column(col, justify="right" if col != "fact" else "left")
    for fact in sorted({k[0] for k in counts}):
        facts.add_row(
            fact, f"{counts.get((fact, 'conflict'), 0):,}", f"{counts.get((fact, 'variant'), 0):,}"
        )
    console.print(facts)
    first = report.places[0] if report.places else "UN"
    other = report.places[2] if len(report.places) > 2 else first
    console.print(
        "Next: the entities behind a figure, e.g. individuals listed by the "
        f"{first} but not by the {other}:\n"
        f"  accord lists divergence --on {first} --not-on {other} --type person\n"
        "  accord lists divergence --part facts --fact birthDate      (facts that differ)\n"
        "  accord lists show ENTITY-OR-CLUSTER-ID                      (one harmonized entity)",
        highlight=False,
    )


PART_TITLES = {
    "entities": "Harmonized entities",
    "patterns": "Presence patterns",
    "pairs": "Counts by place pair",
    "programs": "Counts by program",
    "delisted": "Delisted in one place, still listed elsewhere",
    "facts": "Facts that differ",
}


def print_rows(report: DivergenceReport, part: str, limit: int, title: str | None = None) -> None:
    rows = report.rows(part)
    shown = rows[:limit] if limit else rows
    table = Table(title=title or PART_TITLES.get(part, part), show_lines=part == "facts")
    columns = list(dict.fromkeys(k for row in shown for k in row)) or ["(none)"]
    if part == "entities":
        columns = [c for c in columns if c != "records"]
    for col in columns:
        table.add_column(col.replace("_", " "), overflow="fold")
    for row in shown:
        table.add_row(
            *(
                f"{v:,}" if isinstance(v, int) else str(v or "")
                for v in (row.get(c) for c in columns)
            )
        )
    console.print(table)
    more = f" (first {len(shown):,} shown; --limit 0 for all)" if len(shown) < len(rows) else ""
    console.print(f"{len(rows):,} rows{more}")


def print_harmonized(view: HarmonizedView) -> None:
    moved = f" (was {view.redirected_from})" if view.redirected_from else ""
    places = sorted({s.place for s in view.statuses if s.status == "listed"})
    console.print(
        f"\n[bold]Harmonized entity {view.cluster_id}{moved}[/]: {view.caption} ({view.family}), "
        f"{len(view.statuses)} records, listed on {', '.join(places) or 'no list now'}",
        highlight=False,
    )
    status = Table(title="Listing status by jurisdiction")
    for col in ("jurisdiction", "list", "record", "status", "listed on", "programs"):
        status.add_column(col, overflow="fold")
    for s in sorted(view.statuses, key=lambda s: (s.place, s.list_id)):
        state = s.status if s.status == "listed" else f"[yellow]delisted {s.status_date or ''}[/]"
        status.add_row(
            s.place,
            s.list_id,
            s.entity_id,
            state,
            ", ".join(s.listing_dates),
            ", ".join(s.programs),
        )
    console.print(status)
    facts = Table(title="Merged facts and where each comes from")
    for col in ("fact", "value", "from"):
        facts.add_column(col, overflow="fold")
    for f in view.facts:
        facts.add_row(f.fact, f.value, "\n".join(f.sources))
    console.print(facts)
    if view.links:
        links = Table(title="Why these records are linked (or kept apart)")
        for col in ("pair", "decision", "rule", "score", "judged by"):
            links.add_column(col, overflow="fold")
        for lk in view.links:
            links.add_row(
                f"{lk.left_id} ~ {lk.right_id}",
                lk.verdict or lk.decision,
                lk.rule,
                f"{lk.score:.2f}",
                lk.judged_by or "",
            )
        console.print(links)
