"""Tables of the operational store. Changes here need a migration under ``migrations/versions``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ListVersion(Base):
    """One ingested publication of one list."""

    __tablename__ = "list_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_id: Mapped[str] = mapped_column(String(64), index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(Text)
    file_format: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    record_count: Mapped[int] = mapped_column(Integer)
    entity_count: Mapped[int] = mapped_column(Integer)
    counts: Mapped[str] = mapped_column(Text, default="{}")
    warnings: Mapped[str] = mapped_column(Text, default="[]")


class ListState(Base):
    """Which version of a list is serving, and whether the list is stale."""

    __tablename__ = "list_states"

    list_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("list_versions.id", ondelete="SET NULL")
    )
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
    stale_reason: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ListEntity(Base):
    """One FtM entity of one list version, as a JSON document with its source record id."""

    __tablename__ = "list_entities"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("list_versions.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(255))
    schema: Mapped[str] = mapped_column(String(64))
    caption: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(40))
    doc: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_list_entities_entity_id", "entity_id"),)


class ListChange(Base):
    """One entry of the change feed: a record added, removed (delisted) or amended."""

    __tablename__ = "list_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_id: Mapped[str] = mapped_column(String(64))
    version_id: Mapped[int] = mapped_column(ForeignKey("list_versions.id", ondelete="CASCADE"))
    previous_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("list_versions.id", ondelete="SET NULL")
    )
    entity_id: Mapped[str] = mapped_column(String(255))
    record_id: Mapped[str] = mapped_column(String(255))
    schema: Mapped[str] = mapped_column(String(64))
    caption: Mapped[str] = mapped_column(Text)
    change: Mapped[str] = mapped_column(String(16))
    fields: Mapped[str] = mapped_column(Text, default="{}")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_list_changes_detected_at", "detected_at"),
        Index("ix_list_changes_list_id", "list_id", "version_id"),
        Index("ix_list_changes_entity_id", "entity_id"),
    )
