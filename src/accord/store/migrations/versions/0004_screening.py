"""Screening records, analysts' screening decisions and party sets for delta re-screening.

Revision ID: 0004_screening
Revises: 0003_alerts_indicators
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_screening"
down_revision = "0003_alerts_indicators"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screening_records",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("party_key", sa.String(255), nullable=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("list_versions", sa.Text(), nullable=False),
        sa.Column("algorithm", sa.String(64), nullable=False),
        sa.Column("hit_count", sa.Integer(), nullable=False),
        sa.Column("suppressed_count", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Text(), nullable=False),
        sa.Column("suppressed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
    )
    op.create_index("ix_screening_records_created_at", "screening_records", ["created_at"])
    op.create_index("ix_screening_records_input_hash", "screening_records", ["input_hash"])
    op.create_index("ix_screening_records_party_key", "screening_records", ["party_key"])
    op.create_table(
        "screening_decisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("party_key", sa.String(255), nullable=False),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("list_id", sa.String(64), nullable=False),
        sa.Column("entity_hash", sa.String(40), nullable=False),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_screening_decisions_pair", "screening_decisions", ["party_key", "entity_id"]
    )
    op.create_table(
        "screening_sets",
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("limit", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_change_id", sa.Integer(), nullable=True),
        sa.Column("list_versions", sa.Text(), nullable=False),
    )
    op.create_table(
        "screening_set_parties",
        sa.Column(
            "set_name",
            sa.String(128),
            sa.ForeignKey("screening_sets.name", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("party_key", sa.String(255), nullable=True),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
    )
    op.create_table(
        "screening_set_hits",
        sa.Column(
            "set_name",
            sa.String(128),
            sa.ForeignKey("screening_sets.name", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("entity_id", sa.String(255), primary_key=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("hit", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("screening_set_hits")
    op.drop_table("screening_set_parties")
    op.drop_table("screening_sets")
    op.drop_table("screening_decisions")
    op.drop_table("screening_records")
