"""The evaluation cases: which identifier links count, and what counts as a non-listed name."""

from __future__ import annotations

from accord.screening.evaluation import (
    _romanized_keys,
    link_pairs,
    name_key,
    non_listed_cases,
)
from tests.screening.conftest import listed


def test_identifier_links_need_a_similar_name_and_birth_year() -> None:
    items = [
        # One passport number on two different people (as in the official files).
        listed("eu", "1", "Person", name="Munir ADANOV", passportNumber="0000092405",
               birthDate="1951"),
        listed("uk", "2", "Person", name="Tarif AL AKHRAS", passportNumber="0000092405",
               birthDate="1951-06-02"),
        # The same person spelt two ways, but born in years that do not agree.
        listed("au", "3", "Person", name="Mohamed KOSHLAF", passportNumber="C17HLRL3",
               birthDate="1985"),
        listed("un", "4", "Person", name="Mohammed KASHLAF", passportNumber="C17HLRL3",
               birthDate="1970"),
        # A spelling variant with a compatible (missing) birth year: kept.
        listed("ofac_sdn", "5", "Person", name="Muammar QADHAFI", passportNumber="B012345"),
        listed("eu", "6", "Person", name="Muammar GADDAFI", passportNumber="B012345"),
    ]  # fmt: skip
    assert link_pairs(items) == {(4, 5)}


def test_romanized_namesakes_are_not_non_listed_names() -> None:
    assert name_key("Kim Yong Su") in _romanized_keys("김영수")
    assert _romanized_keys("Kim Yong Su") == set()
    items = [
        listed("un", "1", "Person", name="Kim Yong Su"),
        listed("un", "2", "Person", name="김영수"),
    ]
    cases = non_listed_cases(items, per_locale=100)
    names = {name_key(c.query["names"][0]) for c in cases}
    assert "kim su yong" not in names
    assert not any("김영수" in c.query["names"][0] for c in cases)
