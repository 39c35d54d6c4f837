"""HTTP: alerts in the standard schema, and the track positions an alert links to."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from accord.alerts import storage
from accord.alerts.model import Alert, json_schema
from accord.analytics.store import AnalyticsStore, analytics_root
from accord.api.deps import get_session
from accord.errors import NotFoundError
from accord.indicators.engine import track_positions

router = APIRouter(tags=["alerts"])


@router.get("/alerts")
def alerts_index(
    indicator: str | None = None,
    subject: str | None = None,
    severity: str | None = None,
    since: datetime | None = None,
    limit: int = Query(100, ge=1, le=10_000),
    offset: int = Query(0, ge=0),
    session: Session = Depends(get_session),
) -> list[Alert]:
    return storage.list_alerts(
        session,
        indicator_id=indicator,
        subject_id=subject,
        severity=severity,
        since=since,
        limit=limit,
        offset=offset,
    )


@router.get("/alerts/schema")
def alerts_schema() -> dict[str, Any]:
    return json_schema()


@router.get("/alerts/{alert_id}")
def alert(alert_id: str, session: Session = Depends(get_session)) -> Alert:
    return storage.get_alert(session, alert_id)


@router.get("/alerts/{alert_id}/track/{track_id}")
def alert_track(
    alert_id: str, track_id: str, request: Request, session: Session = Depends(get_session)
) -> list[dict[str, Any]]:
    """Positions of one subject's track from 12 h before to 12 h after the alert's window."""
    a = storage.get_alert(session, alert_id)
    if track_id not in {s.id for s in a.subjects}:
        raise NotFoundError(f"{track_id!r} is not a subject of alert {alert_id}")
    analytics = AnalyticsStore(analytics_root(request.app.state.settings))
    pad = timedelta(hours=12)
    return track_positions(analytics, track_id, a.window.start - pad, a.window.end + pad)
