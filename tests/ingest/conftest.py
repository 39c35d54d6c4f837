"""Fixtures for ingest tests: a fresh data directory and a one-call ingest helper."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from accord.analytics.store import AnalyticsStore, analytics_root
from accord.ingest.base import IngestOptions, RunSummary
from accord.ingest.kinds import get_kind
from accord.ingest.parties import PartyScreener
from accord.ingest.pipeline import ingest
from accord.settings import Settings
from tests.conftest import shared_dir

Ingest = Callable[..., RunSummary]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", shared_dir=shared_dir())


@pytest.fixture
def run(settings: Settings) -> Ingest:
    """``run("ais", path, …, assume_timezone="UTC")``: ingest into the test's data directory."""

    def _run(
        kind: str, *paths: Path, screener: PartyScreener | None = None, **options: Any
    ) -> RunSummary:
        return ingest(
            get_kind(kind), list(paths), settings=settings, screener=screener,
            options=IngestOptions(**options),
        )  # fmt: skip

    return _run


@pytest.fixture
def store(settings: Settings) -> AnalyticsStore:
    return AnalyticsStore(analytics_root(settings))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rejects(summary_path: str | None) -> list[dict[str, str]]:
    import csv

    if summary_path is None:
        return []
    with Path(summary_path).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
