"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from accord.api.deps import get_session, get_store
from accord.lists.queries import list_statuses

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request, session: Session = Depends(get_session)) -> JSONResponse:
    """Ready when the store schema is current and at least one list serves.

    Stale lists are reported (with the reason) but do not make the node unready: the last good
    version keeps serving.
    """
    store = get_store(request)
    schema_ok = store.is_ready()
    statuses = list_statuses(session)
    serving = [s for s in statuses if s.serving_version is not None]
    body: dict[str, Any] = {
        "status": "ready" if schema_ok and serving else "not ready",
        "schema_current": schema_ok,
        "lists_serving": len(serving),
        "stale": {s.list_id: s.stale_reason for s in statuses if s.stale},
        "not_loaded": [s.list_id for s in statuses if s.serving_version is None],
    }
    return JSONResponse(status_code=200 if body["status"] == "ready" else 503, content=body)
