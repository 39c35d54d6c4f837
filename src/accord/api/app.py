"""The FastAPI application: routers per domain, domain errors mapped to HTTP codes in one place."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from accord import __version__
from accord.api import alerts, health, indicators, ingest, lists
from accord.api import resolve as resolve_api
from accord.api import screening as screening_api
from accord.errors import AccordError
from accord.settings import Settings, get_settings
from accord.store.db import Store


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    settings = settings or get_settings()
    if store is None:
        settings.ensure_dirs()
        store = Store(settings.sqlalchemy_url)
    app = FastAPI(
        title="Accord",
        version=__version__,
        description="Coordinated, multinational sanctions monitoring.",
    )
    app.state.settings = settings
    app.state.store = store

    @app.exception_handler(AccordError)
    async def _domain_error(_request: Request, exc: AccordError) -> JSONResponse:
        body: dict[str, Any] = {"detail": str(exc), "error": type(exc).__name__}
        return JSONResponse(status_code=exc.http_status, content=body)

    app.include_router(health.router)
    app.include_router(lists.router)
    app.include_router(indicators.router)
    app.include_router(alerts.router)
    app.include_router(ingest.router)
    app.include_router(resolve_api.router)
    app.include_router(screening_api.router)
    return app
