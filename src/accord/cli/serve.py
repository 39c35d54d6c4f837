"""``accord serve`` and ``accord demo`` (what ``make run`` runs)."""

from __future__ import annotations

import typer

from accord.cli.common import console, err_console, handle_errors, open_store
from accord.errors import AccordError
from accord.lists.ingest import IngestOutcome, fetch_list
from accord.lists.registry import core_sources
from accord.settings import get_settings


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("demo")(demo)


@handle_errors
def serve(
    host: str | None = typer.Option(None, help="Default: ACCORD_API_HOST or 127.0.0.1"),
    port: int | None = typer.Option(None, help="Default: ACCORD_API_PORT or 8000"),
) -> None:
    """Serve the HTTP API (OpenAPI at /docs)."""
    import uvicorn

    from accord.api.app import create_app

    settings = get_settings()
    uvicorn.run(
        create_app(settings), host=host or settings.api_host, port=port or settings.api_port
    )


@handle_errors
def demo(
    serve_api: bool = typer.Option(True, "--serve/--no-serve", help="Serve the API afterwards."),
) -> None:
    """Load every core list it can reach (official URLs, else the offline copies), then serve."""
    # One quick try at each official URL: an offline machine falls back to the copies at once.
    settings = get_settings().model_copy(update={"http_retries": 0, "http_timeout": 20.0})
    store = open_store(settings)
    mirror = settings.lists_data_dir
    console.print(f"data directory: {settings.data_dir}")
    outcomes: list[IngestOutcome] = []
    for source in core_sources():
        try:
            outcomes.extend(fetch_list(store, settings, source.id))
            continue
        except AccordError as exc:
            err_console.print(f"[yellow]{source.id}: official download failed[/] ({exc})")
        if not mirror.is_dir():
            err_console.print(f"[red]{source.id}: no offline copy[/] (looked in {mirror})")
            continue
        try:
            outcomes.extend(fetch_list(store, settings, source.id, from_path=mirror))
        except AccordError as exc:
            err_console.print(f"[red]{source.id}: {exc}[/]")
    from accord.cli.lists import _print_outcomes, status

    _print_outcomes(outcomes)
    status(fmt="table")
    if serve_api:
        serve(host=None, port=None)
