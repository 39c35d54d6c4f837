"""Operational-store tables of the indicator engine: local threshold overrides and runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.models import Base


class IndicatorOverride(Base):
    """One local change of a parameter: who, when, why. The newest row per parameter is in
    force; a row with ``value`` null restores the catalogue default. Rows are never updated, so
    the table is the override history that is reported."""

    __tablename__ = "indicator_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    indicator_id: Mapped[str] = mapped_column(String(64))
    parameter: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text)
    default: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_indicator_overrides_param", "indicator_id", "parameter"),)


class IndicatorRun(Base):
    """One evaluation of one indicator over one window, with its alert counts."""

    __tablename__ = "indicator_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64))
    indicator_id: Mapped[str] = mapped_column(String(64))
    indicator_version: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    window_end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    parameters: Mapped[str] = mapped_column(Text)
    alerts: Mapped[int] = mapped_column(Integer)
    new_alerts: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seconds: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_indicator_runs_indicator", "indicator_id", "window_end"),)
