"""Alembic environment: the engine comes from ``accord.store.db.alembic_config``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from accord.store.tables import Base

config = context.config
engine: Engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
