"""Shared fixtures: where ../shared lives, temporary stores on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.settings import PROJECT_ROOT, in_ci


def shared_dir() -> Path:
    """``../shared`` beside the project, or ``ACCORD_SHARED_DIR``."""
    return Path(os.environ.get("ACCORD_SHARED_DIR", PROJECT_ROOT.parent / "shared"))


def require_shared(relpath: str) -> Path:
    """A file under ``../shared/data``; skip when absent, except under CI where it must exist."""
    path = shared_dir() / "data" / relpath
    if not path.exists():
        if in_ci():
            pytest.fail(f"CI=true but shared data file is missing: {path}")
        pytest.skip(f"shared data not found: {path} (set ACCORD_SHARED_DIR)")
    return path


@pytest.fixture
def shared_lists() -> Path:
    return require_shared("lists")


POSTGRES_URL = os.environ.get(
    "ACCORD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_available() -> str | None:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as exc:
        return str(exc).splitlines()[0]
    return None


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty operational store on SQLite and on PostgreSQL (its own schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'accord.db'}"
        return
    problem = _postgres_available()
    if problem:
        if in_ci():
            pytest.fail(f"CI=true but PostgreSQL is not reachable at {POSTGRES_URL}: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {problem}")
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
