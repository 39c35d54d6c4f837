"""The catalogue files: valid, named by id, implemented, sourced, and matching the JSON Schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from accord.indicators.catalogue import CATALOGUE_DIR, catalogue, json_schema, json_schema_text
from accord.indicators.evaluation import evaluators

FILES = sorted(CATALOGUE_DIR.glob("*.yaml"))
SCHEMA_FILE = Path(CATALOGUE_DIR.parent / "schema" / "indicator.json")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_conforms_to_published_schema(path: Path) -> None:
    jsonschema.validate(yaml.safe_load(path.read_text()), json_schema())


def test_every_indicator_is_implemented() -> None:
    assert {i.evaluator for i in catalogue().values()} <= set(evaluators())


def test_every_parameter_cites_its_source() -> None:
    for ind in catalogue().values():
        assert all(p.source.strip() for p in ind.parameters.values()), ind.id


def test_published_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text() == json_schema_text()
