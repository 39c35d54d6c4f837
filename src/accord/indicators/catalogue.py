"""The shared indicator catalogue: one YAML file per indicator under ``catalogue/``."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from accord.errors import InvalidInputError, NotFoundError
from accord.indicators.model import Domain, Indicator

CATALOGUE_DIR = Path(__file__).with_name("catalogue")


def load_indicator(path: Path) -> Indicator:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    try:
        indicator = Indicator.model_validate(data)
    except ValueError as exc:
        raise InvalidInputError(f"{path.name}: {exc}") from exc
    # The file name is the id, so a reviewer finds an indicator's file without searching.
    if indicator.id != path.stem:
        raise InvalidInputError(f"{path}: id {indicator.id!r} must equal the file name")
    return indicator


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Indicator]:
    """Every indicator by id, in file-name order."""
    return {i.id: i for i in (load_indicator(p) for p in sorted(CATALOGUE_DIR.glob("*.yaml")))}


def get_indicator(indicator_id: str) -> Indicator:
    try:
        return catalogue()[indicator_id]
    except KeyError:
        known = ", ".join(catalogue())
        raise NotFoundError(f"unknown indicator {indicator_id!r}; known: {known}") from None


def select(ids: list[str] | None = None, domain: Domain | None = None) -> list[Indicator]:
    """The indicators named (or all), optionally of one domain."""
    chosen = [get_indicator(i) for i in ids] if ids else list(catalogue().values())
    return [i for i in chosen if domain is None or i.domain == domain]


def json_schema() -> dict[str, Any]:
    """The JSON Schema every catalogue file conforms to (published with the docs)."""
    schema = Indicator.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://accord.example/schemas/indicator.json"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
