"""Fixtures of the resolution tests."""

from __future__ import annotations

import pytest

from accord.logging import configure_logging
from tests.resolve.world import ftm_lists


@pytest.fixture(autouse=True)
def _fresh_logging() -> None:
    """CLI tests leave logging bound to the runner's closed stream; library calls log too."""
    configure_logging()


__all__ = ["ftm_lists"]
