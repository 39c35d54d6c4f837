"""Lists: versions, serving state, entities per version and the change feed.

Revision ID: 0001_lists
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_lists"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("file_format", sa.String(32), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("entity_count", sa.Integer(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=False),
    )
    op.create_index("ix_list_versions_list_id", "list_versions", ["list_id"])
    op.create_table(
        "list_states",
        sa.Column("list_id", sa.String(64), primary_key=True),
        sa.Column(
            "current_version_id",
            sa.Integer(),
            sa.ForeignKey("list_versions.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("stale_reason", sa.Text(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "list_entities",
        sa.Column(
            "version_id",
            sa.Integer(),
            sa.ForeignKey("list_versions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("entity_id", sa.String(255), primary_key=True),
        sa.Column("record_id", sa.String(255), nullable=False),
        sa.Column("schema", sa.String(64), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(40), nullable=False),
        sa.Column("doc", sa.Text(), nullable=False),
    )
    op.create_index("ix_list_entities_entity_id", "list_entities", ["entity_id"])
    op.create_table(
        "list_changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(64), nullable=False),
        sa.Column(
            "version_id",
            sa.Integer(),
            sa.ForeignKey("list_versions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "previous_version_id",
            sa.Integer(),
            sa.ForeignKey("list_versions.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("record_id", sa.String(255), nullable=False),
        sa.Column("schema", sa.String(64), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_list_changes_detected_at", "list_changes", ["detected_at"])
    op.create_index("ix_list_changes_list_id", "list_changes", ["list_id", "version_id"])
    op.create_index("ix_list_changes_entity_id", "list_changes", ["entity_id"])


def downgrade() -> None:
    op.drop_table("list_changes")
    op.drop_table("list_entities")
    op.drop_table("list_states")
    op.drop_table("list_versions")
