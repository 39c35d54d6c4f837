"""Fixtures of the resolution tests."""

from __future__ import annotations

from tests.resolve.world import ftm_lists

__all__ = ["ftm_lists"]
