"""Entry point of the ``accord`` command.

Each command group lives in its own module, and importing them all (followthemoney, Ibis,
DuckDB, SQLAlchemy, FastAPI…) takes about 2 s: ``main`` imports only the group a command line
names, so ``accord screen …`` starts in a fraction of that. ``app`` (for tests and tools) has
every group.
"""

from __future__ import annotations

import importlib
import sys
from functools import cache

import typer

from accord import __version__
from accord.logging import configure_logging
from accord.settings import get_settings

GROUPS = {
    name: f"accord.cli.{name}"
    for name in ("lists", "db", "exercise", "indicators", "alerts", "resolve", "ingest", "screen")
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"accord {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug messages."),
) -> None:
    settings = get_settings()
    configure_logging("DEBUG" if verbose else settings.log_level, settings.log_json)


def build(only: str | None = None) -> typer.Typer:
    """The command with every group, or with only the group ``only``."""
    app = typer.Typer(
        name="accord",
        help="Accord: coordinated, multinational sanctions monitoring.",
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,
    )
    app.callback()(_root)
    for name, module in GROUPS.items():
        if only in (None, name):
            app.add_typer(importlib.import_module(module).app, name=name)
    if only is None:
        from accord.cli import serve

        serve.register(app)
    return app


@cache
def _full() -> typer.Typer:
    return build()


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return _full()
    raise AttributeError(name)


def main() -> None:
    words = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    build(words[0] if words and words[0] in GROUPS else None)()
