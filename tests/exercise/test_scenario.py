from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from accord.errors import InvalidInputError, NotFoundError
from accord.exercise.scenario import SCENARIO_DIR, load_scenario
from accord.exercise.schemes.finance import romanise
from accord.exercise.seeding import imo_number
from accord.ingest.columns import imo_check


@pytest.mark.parametrize("name", ["demo", "medium", "large"])
def test_shipped_scenarios_validate(name: str) -> None:
    sc = load_scenario(name)
    assert sc.schemes and sc.nodes
    assert load_scenario(SCENARIO_DIR / f"{name}.yaml") == sc


def test_scheme_past_the_end_is_refused(tmp_path: Path) -> None:
    text = (SCENARIO_DIR / "demo.yaml").read_text().replace("days: 21", "days: 5")
    (tmp_path / "bad.yaml").write_text(text)
    with pytest.raises(InvalidInputError, match="runs past"):
        load_scenario(tmp_path / "bad.yaml")


def test_unknown_scenario() -> None:
    with pytest.raises(NotFoundError, match="demo"):
        load_scenario("nope")


def test_scale_multiplies_background_only() -> None:
    sc = load_scenario("demo")
    assert sc.scaled(10).volume(sc.background.payments_per_day) == 800
    assert sc.scaled(10).schemes == sc.schemes


@pytest.mark.parametrize(
    ("system", "expected"),
    [
        ("en", "Aleksandr Ivanov"),
        ("de", "Aleksandr Iwanow"),
        ("fr", "Aleksandr Ivanov"),
        ("lv", "Aleksandrs Ivanovs"),
    ],
)
def test_romanise(system: str, expected: str) -> None:
    assert romanise("Александр Иванов", system) == expected


def test_imo_numbers_pass_the_ingest_check() -> None:
    numbers = [imo_number(b) for b in (900_000, 812_345, 999_998)]
    assert all(imo_check(pa.array(numbers, pa.int64())).to_pylist())
