"""``accord indicators``: list, show, schema, run, override, overrides."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import typer
from rich.table import Table

from accord.analytics.store import AnalyticsStore, analytics_root
from accord.cli.common import console, handle_errors, open_store, parse_since
from accord.indicators import overrides
from accord.indicators.catalogue import get_indicator, json_schema_text
from accord.indicators.catalogue import select as select_indicators
from accord.indicators.engine import run_indicators
from accord.indicators.evaluation import Window
from accord.indicators.model import Domain
from accord.settings import get_settings

app = typer.Typer(help="The shared indicator catalogue, its engine and local threshold overrides.")


@app.command("list")
@handle_errors
def list_cmd(
    domain: Domain | None = typer.Option(None, help="Only indicators of this domain."),
) -> None:
    """List the catalogue: id, version, severity, tier, title."""
    table = Table(title="Indicator catalogue")
    for col in ("id", "v", "severity", "tier", "jurisdiction", "title"):
        table.add_column(col)
    for i in select_indicators(None, domain):
        table.add_row(
            i.id, str(i.version), i.severity.value, str(i.escalation_tier), i.jurisdiction, i.title
        )
    console.print(table)


@app.command("show")
@handle_errors
def show(indicator_id: str) -> None:
    """Show one indicator: red flag, sources, parameters with defaults and local overrides."""
    ind = get_indicator(indicator_id)
    store = open_store()
    with store.reader() as session:
        params, overridden = overrides.effective(session, ind)
        history = overrides.history(session, ind.id)
    console.print(f"[bold]{ind.id}[/] v{ind.version} — {ind.title}")
    console.print(ind.red_flag)
    for s in ind.sources:
        console.print(f"  source: {s.publisher}: {s.title}" + (f" ({s.ref})" if s.ref else ""))
    table = Table(title="Parameters")
    for col in ("parameter", "in force", "default", "unit", "source"):
        table.add_column(col)
    for name, p in ind.parameters.items():
        mark = " [yellow](local)[/]" if name in overridden else ""
        table.add_row(name, f"{params[name]}{mark}", str(p.value), p.unit, p.source)
    console.print(table)
    for h in history:
        console.print(
            f"  override {h.created_at:%Y-%m-%d %H:%M} {h.parameter}={h.value} "
            f"by {h.author}: {h.reason}"
        )


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of catalogue files."""
    typer.echo(json_schema_text(), nl=False)


@app.command("run")
@handle_errors
def run(
    indicator: list[str] = typer.Option(None, "--indicator", "-i", help="Indicator ids (all)."),
    start: str | None = typer.Option(None, help="Window start (ISO date/time or span: 7d)."),
    end: str | None = typer.Option(None, help="Window end (default: now)."),
    since_last: bool = typer.Option(
        False, "--since-last", help="Continue from each indicator's previous window end."
    ),
) -> None:
    """Evaluate indicators over a window and store their alerts (reruns add no duplicates)."""
    until = parse_since(end) if end else datetime.now(UTC)
    window = None if since_last else Window(parse_since(start or "1d"), until)
    settings = get_settings()
    analytics = AnalyticsStore(analytics_root(settings))
    results = run_indicators(
        open_store(),
        analytics,
        window,
        ids=indicator or None,
        since_last_until=until,
        node_id=settings.node_id,
    )
    table = Table(title="Indicator run")
    for col in ("indicator", "window", "alerts", "new", "seconds", "overridden"):
        table.add_column(col)
    for r in results:
        table.add_row(
            f"{r.indicator_id} v{r.version}",
            f"{r.window.start:%Y-%m-%d %H:%M} → {r.window.end:%Y-%m-%d %H:%M}",
            str(r.alerts),
            str(r.new_alerts),
            f"{r.seconds:.2f}",
            ", ".join(r.overridden) or "-",
        )
    console.print(table)


@app.command("override")
@handle_errors
def override(
    indicator_id: str,
    parameter: str,
    value: str | None = typer.Argument(None, help="New value; omit with --reset."),
    author: str = typer.Option(..., "--by", help="Who changes the threshold."),
    reason: str = typer.Option(..., "--why", help="Why (kept in the override report)."),
    reset: bool = typer.Option(False, "--reset", help="Restore the catalogue default."),
) -> None:
    """Override a threshold locally, recording who, when and why."""
    if value is None and not reset:
        raise typer.BadParameter("give a value, or --reset")
    store = open_store()
    with store.session() as session:
        view = overrides.set_override(
            session, indicator_id, parameter, None if reset else value, author, reason
        )
    shown = "default" if view.value is None else view.value
    console.print(f"{indicator_id}.{parameter} = {shown} (default {view.default}) by {author}")


@app.command("overrides")
@handle_errors
def overrides_report(
    indicator_id: str | None = typer.Argument(None),
    json_out: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
) -> None:
    """Report every local override ever recorded: who, when, why, value and default."""
    store = open_store()
    with store.reader() as session:
        rows = overrides.history(session, indicator_id)
    if json_out:
        for r in rows:
            typer.echo(orjson.dumps(r.__dict__, default=str).decode())
        return
    table = Table(title="Local threshold overrides")
    for col in ("when", "indicator", "parameter", "value", "default", "by", "why"):
        table.add_column(col)
    for r in rows:
        shown = "(reset)" if r.value is None else str(r.value)
        table.add_row(
            f"{r.created_at:%Y-%m-%d %H:%M}",
            r.indicator_id,
            r.parameter,
            shown,
            str(r.default),
            r.author,
            r.reason,
        )
    console.print(table)
