"""The operational store: SQLAlchemy 2 models and Alembic migrations (SQLite WAL or PostgreSQL)."""
