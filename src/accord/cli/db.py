"""``accord db``: the operational store's schema."""

from __future__ import annotations

import typer

from accord.cli.common import console, handle_errors
from accord.settings import get_settings
from accord.store.db import current_revision, head_revision, make_engine, migrate

app = typer.Typer(help="The operational store (SQLite by default, PostgreSQL by URL).")


@app.command("upgrade")
@handle_errors
def upgrade() -> None:
    """Apply every pending migration."""
    settings = get_settings()
    settings.ensure_dirs()
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    console.print(f"store at revision {current_revision(engine)}")


@app.command("status")
@handle_errors
def status() -> None:
    """Show the store URL and whether its schema is current."""
    settings = get_settings()
    engine = make_engine(settings.sqlalchemy_url)
    current, head = current_revision(engine), head_revision(engine)
    console.print(f"store: {engine.url.render_as_string(hide_password=True)}")
    console.print(f"revision: {current or 'empty'} (newest: {head})")
