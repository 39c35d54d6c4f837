"""The published alert JSON Schema is the model's, and stored alerts conform to it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema

import accord.alerts
from accord.alerts.model import SCHEMA_VERSION, alert_id, json_schema_text

SCHEMA = Path(accord.alerts.__file__).parent / "schema" / f"alert-{SCHEMA_VERSION}.json"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "alert-schema.md"


def test_published_schema_is_current() -> None:
    assert SCHEMA.read_text() == json_schema_text()


def test_docs_name_every_top_level_field() -> None:
    fields = json.loads(SCHEMA.read_text())["properties"]
    text = DOCS.read_text()
    assert [f for f in fields if f"`{f}`" not in text] == []


def test_alert_id_is_deterministic_and_order_free() -> None:
    t = datetime(2024, 1, 1, tzinfo=UTC)
    assert alert_id("vessel.encounter", 1, ["a", "b"], t) == alert_id(
        "vessel.encounter", 1, ["b", "a"], t
    )
    assert alert_id("vessel.encounter", 1, ["a"], t) != alert_id("vessel.encounter", 2, ["a"], t)


def test_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA.read_text()))
