"""Operational-store tables of alerts: one row per alert id, the document as JSON."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.models import Base


class AlertRow(Base):
    """One alert. ``doc`` is the alert in the standard schema; the columns are for filtering."""

    __tablename__ = "alerts"

    alert_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    indicator_id: Mapped[str] = mapped_column(String(64))
    indicator_version: Mapped[int] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    subject_id: Mapped[str] = mapped_column(String(255))
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    window_end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    jurisdiction: Mapped[str] = mapped_column(String(16))
    marking: Mapped[str] = mapped_column(String(32))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    run_id: Mapped[str] = mapped_column(String(64))
    doc: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index("ix_alerts_indicator", "indicator_id", "window_start"),
        Index("ix_alerts_subject", "subject_id"),
        Index("ix_alerts_window_start", "window_start"),
    )
