"""Entry point of the ``accord`` command."""

from __future__ import annotations

import typer

from accord import __version__
from accord.cli import alerts as alerts_cli
from accord.cli import db as db_cli
from accord.cli import exercise as exercise_cli
from accord.cli import indicators as indicators_cli
from accord.cli import ingest as ingest_cli
from accord.cli import lists as lists_cli
from accord.cli import resolve as resolve_cli
from accord.cli import screen as screen_cli
from accord.cli import serve as serve_cli
from accord.logging import configure_logging
from accord.settings import get_settings

app = typer.Typer(
    name="accord",
    help="Accord: coordinated, multinational sanctions monitoring.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(lists_cli.app, name="lists")
app.add_typer(db_cli.app, name="db")
app.add_typer(exercise_cli.app, name="exercise")
app.add_typer(indicators_cli.app, name="indicators")
app.add_typer(alerts_cli.app, name="alerts")
app.add_typer(resolve_cli.app, name="resolve")
app.add_typer(ingest_cli.app, name="ingest")
app.add_typer(screen_cli.app, name="screen")
serve_cli.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"accord {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug messages."),
) -> None:
    settings = get_settings()
    configure_logging("DEBUG" if verbose else settings.log_level, settings.log_json)


def main() -> None:
    app()
