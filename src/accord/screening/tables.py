"""Operational-store tables of screening: records of screenings, analysts' decisions, party sets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.models import Base


class ScreeningRecord(Base):
    """One screened party: what was asked, against which list versions, what was found, by whom."""

    __tablename__ = "screening_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    input_hash: Mapped[str] = mapped_column(String(64))
    party_key: Mapped[str | None] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(32))
    query: Mapped[str] = mapped_column(Text)
    list_versions: Mapped[str] = mapped_column(Text)
    algorithm: Mapped[str] = mapped_column(String(64))
    hit_count: Mapped[int] = mapped_column(Integer)
    suppressed_count: Mapped[int] = mapped_column(Integer)
    hits: Mapped[str] = mapped_column(Text)
    suppressed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(255))

    __table_args__ = (
        Index("ix_screening_records_created_at", "created_at"),
        Index("ix_screening_records_input_hash", "input_hash"),
        Index("ix_screening_records_party_key", "party_key"),
    )


class ScreeningDecision(Base):
    """An analyst's decision on a (party, listed entity) pair, valid while neither changes."""

    __tablename__ = "screening_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party_key: Mapped[str] = mapped_column(String(255))
    input_hash: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(255))
    list_id: Mapped[str] = mapped_column(String(64))
    entity_hash: Mapped[str] = mapped_column(String(40))
    decision: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_screening_decisions_pair", "party_key", "entity_id"),)


class ScreeningSet(Base):
    """A stored set of parties, re-screened against the list entities changed since its last run."""

    __tablename__ = "screening_sets"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    threshold: Mapped[float] = mapped_column(Float)
    limit: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(255))
    runs: Mapped[int] = mapped_column(Integer)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_change_id: Mapped[int | None] = mapped_column(Integer)
    list_versions: Mapped[str] = mapped_column(Text)


class ScreeningSetParty(Base):
    """One party of a set: its query, in input order."""

    __tablename__ = "screening_set_parties"

    set_name: Mapped[str] = mapped_column(
        ForeignKey("screening_sets.name", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_key: Mapped[str | None] = mapped_column(String(255))
    input_hash: Mapped[str] = mapped_column(String(64))
    query: Mapped[str] = mapped_column(Text)


class ScreeningSetHit(Base):
    """A hit of a set's party as of the set's last run, to tell new, changed and removed hits."""

    __tablename__ = "screening_set_hits"

    set_name: Mapped[str] = mapped_column(
        ForeignKey("screening_sets.name", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    hit: Mapped[str] = mapped_column(Text)
