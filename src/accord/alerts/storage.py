"""Alerts in the operational store: upsert by deterministic id, list, show."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.alerts.model import Alert
from accord.alerts.tables import AlertRow
from accord.errors import NotFoundError


def save(session: Session, alerts: Sequence[Alert], run_id: str) -> int:
    """Insert new alerts, refresh known ones (same id = same firing); returns how many were new."""
    now = datetime.now(UTC)
    ids = [a.alert_id for a in alerts]
    known: dict[str, AlertRow] = {}
    for chunk in range(0, len(ids), 500):
        q = select(AlertRow).where(AlertRow.alert_id.in_(ids[chunk : chunk + 500]))
        known.update({r.alert_id: r for r in session.scalars(q)})
    new = 0
    for a in alerts:
        row = known.get(a.alert_id)
        if row is None:
            row = AlertRow(alert_id=a.alert_id, first_seen_at=now)
            session.add(row)
            known[a.alert_id] = row
            new += 1
        row.indicator_id = a.indicator.id
        row.indicator_version = a.indicator.version
        row.severity = a.severity.value
        row.score = a.score
        row.subject_id = a.subjects[0].id
        row.window_start = a.window.start
        row.window_end = a.window.end
        row.jurisdiction = a.jurisdiction
        row.marking = a.marking
        row.updated_at = now
        row.run_id = run_id
        row.doc = a.model_dump_json()
    session.flush()
    return new


def list_alerts(
    session: Session,
    *,
    indicator_id: str | None = None,
    subject_id: str | None = None,
    severity: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Alert]:
    q = select(AlertRow).order_by(AlertRow.window_start.desc(), AlertRow.alert_id)
    if indicator_id:
        q = q.where(AlertRow.indicator_id == indicator_id)
    if subject_id:
        q = q.where(AlertRow.subject_id == subject_id)
    if severity:
        q = q.where(AlertRow.severity == severity)
    if since:
        q = q.where(AlertRow.window_start >= since)
    rows = session.scalars(q.limit(limit).offset(offset))
    return [Alert.model_validate_json(r.doc) for r in rows]


def count_alerts(session: Session, indicator_id: str | None = None) -> int:
    q = select(AlertRow.alert_id)
    if indicator_id:
        q = q.where(AlertRow.indicator_id == indicator_id)
    return len(session.scalars(q).all())


def get_alert(session: Session, alert_id: str) -> Alert:
    row = session.get(AlertRow, alert_id)
    if row is None:
        raise NotFoundError(f"no alert {alert_id!r}")
    return Alert.model_validate_json(row.doc)
