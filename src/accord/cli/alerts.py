"""``accord alerts``: list, show, schema."""

from __future__ import annotations

import typer
from rich.table import Table

from accord.alerts import storage
from accord.alerts.model import json_schema_text
from accord.cli.common import console, handle_errors, open_store, parse_since

app = typer.Typer(help="Alerts in the standard alert schema.")


@app.command("list")
@handle_errors
def list_cmd(
    indicator: str | None = typer.Option(None, "--indicator", "-i"),
    subject: str | None = typer.Option(None, help="Subject id (track id for vessels)."),
    severity: str | None = typer.Option(None),
    since: str | None = typer.Option(None, help="Alerts whose window starts after (ISO or 7d)."),
    limit: int = typer.Option(50, min=1, max=10_000),
    json_out: bool = typer.Option(False, "--json", help="JSON lines in the alert schema."),
) -> None:
    """List alerts, newest first."""
    store = open_store()
    with store.reader() as session:
        alerts = storage.list_alerts(
            session,
            indicator_id=indicator,
            subject_id=subject,
            severity=severity,
            since=parse_since(since) if since else None,
            limit=limit,
        )
    if json_out:
        for a in alerts:
            typer.echo(a.model_dump_json())
        return
    table = Table(title="Alerts")
    for col in ("alert", "indicator", "severity", "score", "subjects", "start", "end"):
        table.add_column(col)
    for a in alerts:
        table.add_row(
            a.alert_id[:12],
            a.indicator.id,
            a.severity.value,
            f"{a.score:.2f}",
            ", ".join(s.name or s.id for s in a.subjects),
            f"{a.window.start:%Y-%m-%d %H:%M}",
            f"{a.window.end:%Y-%m-%d %H:%M}",
        )
    console.print(table)


@app.command("show")
@handle_errors
def show(alert_id: str) -> None:
    """Print one alert as JSON (the standard alert schema)."""
    store = open_store()
    with store.reader() as session:
        alert = storage.get_alert(session, alert_id)
    typer.echo(alert.model_dump_json(indent=2))


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of alerts."""
    typer.echo(json_schema_text(), nl=False)
