"""The declarative registry of list sources: one YAML file per list under ``sources/``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from accord.errors import NotFoundError

SOURCES_DIR = Path(__file__).with_name("sources")


class Download(BaseModel):
    """One official download of a list in one format."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: HttpUrl
    format: str = Field(description="Parser format id, see accord.lists.parsers.PARSERS")


class ListSource(BaseModel):
    """One official sanctions list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    jurisdiction: str = Field(
        description="ISO 3166 code of the listing jurisdiction, or 'UN'/'EU'."
    )
    authority: str
    info_url: HttpUrl | None = None
    downloads: tuple[Download, ...] = ()
    formats: tuple[str, ...] = Field(description="Parser formats this list can be read from.")
    offline: tuple[str, ...] = Field(
        default=(),
        description="Paths under the offline lists folder (../shared/data/lists), oldest first.",
    )
    core: bool = Field(default=True, description="One of the official lists every node loads.")


def load_source(path: Path) -> ListSource:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    source = ListSource.model_validate(data)
    if source.id != path.stem:
        raise ValueError(f"{path}: id {source.id!r} must equal the file name {path.stem!r}")
    return source


@lru_cache(maxsize=1)
def all_sources() -> dict[str, ListSource]:
    """Every registered list, by id, in file-name order."""
    return {s.id: s for s in (load_source(p) for p in sorted(SOURCES_DIR.glob("*.yaml")))}


def get_source(list_id: str) -> ListSource:
    try:
        return all_sources()[list_id]
    except KeyError:
        known = ", ".join(all_sources())
        raise NotFoundError(f"unknown list {list_id!r}; known lists: {known}") from None


def core_sources() -> list[ListSource]:
    return [s for s in all_sources().values() if s.core]
