"""The persisted screening index: built once, loaded from disk after, rebuilt on a new version."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.errors import NotFoundError
from accord.lists.ingest import ingest_file
from accord.screening import Query, Screener, service
from accord.screening.service import NoListsServingError, dataset_lists, get_screener
from accord.settings import Settings
from accord.store.db import Store
from tests.lists.ftm_factory import version_one, version_two


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'screen.db'}")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    service.clear_cache()
    return Settings(data_dir=tmp_path / "data")


def _names(screener: Screener, name: str) -> list[str]:
    return [h.caption for h in screener.screen(Query.of(name, schema="Person"))]


def test_no_list_serving_is_refused(store: Store, settings: Settings) -> None:
    with pytest.raises(NoListsServingError):
        get_screener(store, settings)


def test_index_built_once_then_loaded_then_rebuilt(
    store: Store, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    built: list[int] = []
    real_build = Screener.build

    def counting_build(entities: object) -> Screener:
        built.append(1)
        return real_build(entities)  # type: ignore[arg-type]

    monkeypatch.setattr(Screener, "build", staticmethod(counting_build))
    first = get_screener(store, settings)
    files = list((settings.data_dir / "screening").glob("index-*.bin"))
    assert len(built) == 1 and len(files) == 1
    assert "John Doe" in _names(first, "John Doe")
    # Same process: the cached screener, no reload.
    assert get_screener(store, settings) is first
    # A new process (empty cache): loaded from the file, not rebuilt.
    service.clear_cache()
    loaded = get_screener(store, settings)
    assert loaded is not first and len(built) == 1
    assert loaded.versions == first.versions
    assert "John Doe" in _names(loaded, "John Doe")
    # A new list version: a new index, the old file removed; the delisted party is gone.
    ingest_file(store, "opensanctions", version_two(tmp_path / "v2.json"))
    rebuilt = get_screener(store, settings)
    assert len(built) == 2 and rebuilt.versions != first.versions
    assert [f.name for f in (settings.data_dir / "screening").glob("index-*.bin")] != [
        files[0].name
    ]
    assert "John Doe" not in _names(rebuilt, "John Doe")
    assert "Chen Wei" in _names(rebuilt, "Chen Wei")


def test_corrupt_index_file_is_rebuilt(store: Store, settings: Settings, tmp_path: Path) -> None:
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    get_screener(store, settings)
    (path,) = (settings.data_dir / "screening").glob("index-*.bin")
    path.write_bytes(b"garbage")
    service.clear_cache()
    assert "Maria Silva" in _names(get_screener(store, settings), "Maria Silva")


def test_datasets(store: Store, settings: Settings, tmp_path: Path) -> None:
    ingest_file(store, "opensanctions", version_one(tmp_path / "v1.json"))
    screener = get_screener(store, settings)
    assert dataset_lists(screener, "default") is None
    assert dataset_lists(screener, "opensanctions") == ["opensanctions"]
    with pytest.raises(NotFoundError, match="no serving version"):
        dataset_lists(screener, "un")
    with pytest.raises(NotFoundError, match="unknown dataset"):
        dataset_lists(screener, "nowhere")
