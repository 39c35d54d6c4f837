"""Regression guard: the committed judged pairs, scored against the real lists.

``judged_pairs.jsonl`` holds a few hundred cases sampled from the evaluation families (see
``accord.screening.evaluation``) with their expected outcome; a sample was checked by hand.
The floors sit a little under the measured values so noise does not fail CI, while a real
regression does. No timing is asserted here (the benchmark measures speed).
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from accord.screening import DEFAULT_THRESHOLD, Screener
from accord.screening.evaluation import Case, evaluate

JUDGED = Path(__file__).with_name("judged_pairs.jsonl")

# family: (minimum share of expected matches found, maximum share of negatives alerted)
FLOORS = {
    "variant": (0.90, None),
    "cross_script": (0.87, None),
    "hard_negative": (None, 0.05),
    "non_listed": (None, 0.08),
}


def load_judged() -> list[Case]:
    return [Case.from_json(orjson.loads(line)) for line in JUDGED.read_bytes().splitlines()]


def test_judged_file_is_well_formed() -> None:
    cases = load_judged()
    assert 300 <= len(cases) <= 1000
    assert {c.family for c in cases} == set(FLOORS)
    assert all(c.match == (c.family in ("variant", "cross_script")) for c in cases)


@pytest.mark.shared
@pytest.mark.slow
def test_judged_pairs_meet_the_floors(real_screener: Screener) -> None:
    results = evaluate(real_screener, load_judged(), DEFAULT_THRESHOLD, check_retrieval=False)
    report = {f: round(t.alerts / t.total, 3) for f, t in results.items()}
    for family, (recall_floor, alert_ceiling) in FLOORS.items():
        rate = report[family]
        if recall_floor is not None:
            assert rate >= recall_floor, f"{family} recall {rate} < {recall_floor}: {report}"
        if alert_ceiling is not None:
            assert rate <= alert_ceiling, f"{family} alert rate {rate} > {alert_ceiling}: {report}"
