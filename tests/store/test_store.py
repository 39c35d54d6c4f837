"""The operational store migrates on SQLite and PostgreSQL, and the models match the migrations."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from accord.store.db import Store, current_revision, head_revision
from accord.store.tables import Base


def test_migrates_to_head_and_is_idempotent(store_url: str) -> None:
    store = Store(store_url)
    assert store.is_ready()
    assert current_revision(store.engine) == head_revision(store.engine)
    Store(store_url).dispose()  # a second start migrates nothing and does not fail
    names = set(sa.inspect(store.engine).get_table_names())
    assert {"list_versions", "list_states", "list_entities", "list_changes"} <= names
    store.dispose()


def test_models_match_migrations(store_url: str) -> None:
    store = Store(store_url)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_sqlite_uses_wal(tmp_path: object) -> None:
    store = Store(f"sqlite:///{tmp_path}/wal.db")
    with store.engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    store.dispose()
    assert mode == "wal"


def test_transaction_rolls_back_whole(store_url: str) -> None:
    from accord.store.models import ListState

    store = Store(store_url)
    try:
        with store.session() as session:
            session.add(ListState(list_id="x", stale=False))
            session.flush()
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with store.reader() as session:
        assert session.get(ListState, "x") is None
    store.dispose()
