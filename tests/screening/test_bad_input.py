"""Bad input gives a clear error naming the field, never a crash."""

from __future__ import annotations

from typing import Any

import pytest

from accord.errors import InvalidInputError
from accord.screening import InvalidQueryError, Query, Screener


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"names": []}, "names"),
        ({"names": [""]}, "names"),
        ({"names": ["   \t "]}, "names"),
        ({"names": ["x" * 10_000]}, "names"),
        ({"names": ["Ali\x00Hassan"]}, "names"),
        ({"names": ["Ali\x1b[31mHassan"]}, "names"),
        ({"names": ["---"]}, "names"),
        ({"names": ["Ali"], "birth_dates": ["1984-02-30"]}, "birth_dates"),
        ({"names": ["Ali"], "birth_dates": ["yesterday"]}, "birth_dates"),
        ({"names": ["Ali"], "birth_dates": ["0001"]}, "birth_dates"),
        ({"names": ["Ali"], "countries": ["Atlantis"]}, "countries"),
        ({"names": ["Ali"], "schema": "Spaceship"}, "schema"),
        ({"names": ["Ali"], "gender": "x"}, "gender"),
        ({"names": ["Ali"], "identifiers": [{"kind": "imo", "value": ""}]}, "identifiers.value"),
        ({"names": ["Ali"], "colour": "red"}, "colour"),
    ],
)
def test_invalid_query_names_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidQueryError) as info:
        Query.parse(data)
    assert info.value.field == field
    assert isinstance(info.value, InvalidInputError)
    assert str(info.value).startswith(f"{field}:")


@pytest.mark.parametrize(
    "name", ["Mohammed Алиев 金正恩", "Οργάνωση Abu Nidal", "ＡＢＣ　Ｃｏｍｐａｎｙ", "😀 Ali"]
)
def test_mixed_scripts_and_odd_characters_are_screened(small_screener: Screener, name: str) -> None:
    hits = small_screener.screen(Query.of(name), threshold=0.0)
    assert all(0.0 <= h.score <= 1.0 for h in hits)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lists": ["atlantis"]}, "lists"),
        ({"lists": []}, "lists"),
        ({"threshold": 1.5}, "threshold"),
        ({"limit": 0}, "limit"),
    ],
)
def test_invalid_screen_options(
    small_screener: Screener, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidQueryError) as info:
        small_screener.screen(Query.of("Ali Hassan"), **kwargs)
    assert info.value.field == field
