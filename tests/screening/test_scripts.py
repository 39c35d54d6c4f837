"""Script tables read from other packages' data files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.screening import scripts
from accord.screening.normalize import analyze


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(scripts, "HANJA_CACHE_DIR", tmp_path / "cache")
    scripts._hanja_readings.cache_clear()
    yield tmp_path / "cache"
    scripts._hanja_readings.cache_clear()


def test_the_hanja_table_is_kept_once_read_and_read_back_the_same(cache_dir: Path) -> None:
    first = scripts._hanja_readings()
    assert set(first["金"][:2]) == {"김", "금"}  # read "Kim" as a surname, "Geum" otherwise
    (kept,) = cache_dir.glob("hanja-readings-*.marshal")
    scripts._hanja_readings.cache_clear()
    assert scripts._hanja_readings() == first
    assert not list(cache_dir.glob("*.tmp"))
    # A damaged copy is read past (and replaced), never trusted.
    kept.write_bytes(b"\x00garbage")
    scripts._hanja_readings.cache_clear()
    assert scripts._hanja_readings() == first
    assert kept.read_bytes() != b"\x00garbage"


def test_a_cache_that_cannot_be_written_is_no_error(cache_dir: Path) -> None:
    cache_dir.parent.mkdir(exist_ok=True)
    cache_dir.write_text("a file where the directory should be")
    assert "김" in scripts._hanja_readings()["金"]
    assert [f.method for f in analyze("金正恩", "person")].count("han-korean") >= 1


@pytest.mark.parametrize(
    ("text", "found"),
    [("Ivan Petrov", {"Latin"}), ("123 - 45", set()), ("Иван", {"Cyrillic"}),
     ("Ivan Иван 7", {"Latin", "Cyrillic"}), ("José", {"Latin"}), ("", set())],
)  # fmt: skip
def test_the_scripts_of_a_text_are_those_of_its_letters(text: str, found: set[str]) -> None:
    assert scripts.scripts_of(text) == found
