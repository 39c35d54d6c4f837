"""Tables of cross-list resolution. Changes here need a migration (``0002_resolution``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.models import Base


class ResolveRun(Base):
    """One resolution over the serving list versions named in ``versions``."""

    __tablename__ = "resolve_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    versions: Mapped[str] = mapped_column(Text, default="{}")
    """JSON: list id → serving version id the run read."""
    stats: Mapped[str] = mapped_column(Text, default="{}")


class ResolveLink(Base):
    """A proposed link between two records of different lists (the newest run's proposals)."""

    __tablename__ = "resolve_links"

    left_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    right_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    left_list: Mapped[str] = mapped_column(String(64))
    right_list: Mapped[str] = mapped_column(String(64))
    family: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    rule: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    """auto (applied unless rejected) or review (waits for an analyst)."""
    evidence: Mapped[str] = mapped_column(Text, default="{}")
    run_id: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_resolve_links_right_id", "right_id"),)


class ResolveJudgement(Base):
    """An analyst's verdict on a pair; it outlives runs and list versions (ids are stable)."""

    __tablename__ = "resolve_judgements"

    left_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    right_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(16))
    judged_by: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text, default="")
    judged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    left_caption: Mapped[str] = mapped_column(Text, default="")
    right_caption: Mapped[str] = mapped_column(Text, default="")


class ResolveMember(Base):
    """A record in its cluster, with the facts the reports read (as of the newest run)."""

    __tablename__ = "resolve_members"

    entity_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    cluster_id: Mapped[str] = mapped_column(String(32))
    list_id: Mapped[str] = mapped_column(String(64))
    jurisdiction: Mapped[str] = mapped_column(String(16))
    schema: Mapped[str] = mapped_column(String(64))
    family: Mapped[str] = mapped_column(String(16))
    caption: Mapped[str] = mapped_column(Text)
    record_id: Mapped[str] = mapped_column(String(255))
    version_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    status_date: Mapped[str | None] = mapped_column(String(10))
    facts: Mapped[str] = mapped_column(Text, default="{}")

    __table_args__ = (Index("ix_resolve_members_cluster_id", "cluster_id"),)


class ResolveCluster(Base):
    """A harmonized entity id: issued once, kept while its members stay, retired with a pointer."""

    __tablename__ = "resolve_clusters"

    cluster_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    size: Mapped[int] = mapped_column(Integer, default=0)
    list_count: Mapped[int] = mapped_column(Integer, default=0)
    caption: Mapped[str] = mapped_column(Text, default="")
    family: Mapped[str] = mapped_column(String(16), default="")
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    merged_into: Mapped[str | None] = mapped_column(String(32))
