"""Resolution: runs, proposed links, analyst judgements, cluster members and cluster ids.

Revision ID: 0002_resolution
Revises: 0001_lists
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_resolution"
down_revision = "0001_lists"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resolve_runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("versions", sa.Text(), nullable=False),
        sa.Column("stats", sa.Text(), nullable=False),
    )
    op.create_table(
        "resolve_links",
        sa.Column("left_id", sa.String(255), primary_key=True),
        sa.Column("right_id", sa.String(255), primary_key=True),
        sa.Column("left_list", sa.String(64), nullable=False),
        sa.Column("right_list", sa.String(64), nullable=False),
        sa.Column("family", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
    )
    op.create_index("ix_resolve_links_right_id", "resolve_links", ["right_id"])
    op.create_table(
        "resolve_judgements",
        sa.Column("left_id", sa.String(255), primary_key=True),
        sa.Column("right_id", sa.String(255), primary_key=True),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("judged_by", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("judged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_caption", sa.Text(), nullable=False),
        sa.Column("right_caption", sa.Text(), nullable=False),
    )
    op.create_table(
        "resolve_members",
        sa.Column("entity_id", sa.String(255), primary_key=True),
        sa.Column("cluster_id", sa.String(32), nullable=False),
        sa.Column("list_id", sa.String(64), nullable=False),
        sa.Column("jurisdiction", sa.String(16), nullable=False),
        sa.Column("schema", sa.String(64), nullable=False),
        sa.Column("family", sa.String(16), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("record_id", sa.String(255), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_date", sa.String(10), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
    )
    op.create_index("ix_resolve_members_cluster_id", "resolve_members", ["cluster_id"])
    op.create_table(
        "resolve_clusters",
        sa.Column("cluster_id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("list_count", sa.Integer(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("family", sa.String(16), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("merged_into", sa.String(32), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("resolve_clusters")
    op.drop_table("resolve_members")
    op.drop_table("resolve_judgements")
    op.drop_table("resolve_links")
    op.drop_table("resolve_runs")
