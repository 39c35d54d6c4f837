"""One demo world per test session (generation is the slow part), written from real shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.exercise.generate import WorldSummary, generate_world
from accord.exercise.scenario import load_scenario
from tests.conftest import require_shared, shared_dir


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> WorldSummary:
    require_shared("hs_codes/hs2022_nomenclature.csv")
    out = tmp_path_factory.mktemp("world")
    return generate_world(load_scenario("demo").scaled(0.5), out, shared_dir())


@pytest.fixture
def world_dir(demo_world: WorldSummary) -> Path:
    return demo_world.out
