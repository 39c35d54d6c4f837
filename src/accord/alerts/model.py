"""The standard alert schema (versioned): one firing of an indicator on subjects, with evidence.

The JSON Schema published in ``schema/alert-<version>.json`` and in ``docs/alert-schema.md`` is
generated from ``Alert``; a test keeps the committed file equal to the generated one, so a change
to this model without a new schema version fails the build.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from accord.indicators.model import Severity

SCHEMA_VERSION: Literal["1.0"] = "1.0"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndicatorRef(_Strict):
    id: str
    version: int


class Subject(_Strict):
    """Who the alert is about: an entity (vessel, company…) with its identifiers and party id."""

    role: str = Field(description="primary, counterpart, …")
    kind: str = Field(description="vessel, company, person, party …")
    id: str = Field(description="Stable id of the subject in Accord (track id for vessels).")
    name: str | None = None
    party_id: str | None = Field(default=None, description="Party id from ingestion, if any.")
    entity_id: str | None = Field(default=None, description="Listed entity id, if matched.")
    identifiers: dict[str, str] = Field(default_factory=dict, description="mmsi, imo, …")


class Link(_Strict):
    rel: str = Field(description="track, document, list_entity …")
    href: str
    title: str | None = None


class EvidenceRecord(_Strict):
    dataset: str
    record_id: str
    ts: datetime | None = None


class Evidence(_Strict):
    metrics: dict[str, Any] = Field(description="The measured values that fired.")
    thresholds: dict[str, Any] = Field(description="The parameters in force, overrides included.")
    overridden: list[str] = Field(default_factory=list, description="Locally overridden params.")
    location: tuple[float, float] | None = Field(default=None, description="(lat, lon)")
    records: list[EvidenceRecord] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)


class TimeWindow(_Strict):
    start: datetime
    end: datetime


class Provenance(_Strict):
    datasets: list[str]
    backend: str
    run_id: str
    evaluated_window: TimeWindow
    generated_at: datetime
    node: str | None = None


class Alert(_Strict):
    schema_version: Literal["1.0"] = SCHEMA_VERSION
    alert_id: str = Field(description="Deterministic: hash of indicator, version, subjects, start.")
    indicator: IndicatorRef
    title: str
    subjects: list[Subject] = Field(min_length=1)
    evidence: Evidence
    score: float = Field(ge=0.0, le=1.0)
    severity: Severity
    escalation_tier: int = Field(ge=1, le=4)
    window: TimeWindow = Field(description="When the behaviour happened.")
    jurisdiction: str
    provenance: Provenance
    marking: str = Field(description="Handling marking (TLP or national scheme).")


def alert_id(indicator_id: str, version: int, subject_ids: list[str], start: datetime) -> str:
    """The same firing always gets the same id, so a rerun over a window upserts, never adds."""
    key = json.dumps([indicator_id, version, sorted(subject_ids), start.isoformat()])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def json_schema() -> dict[str, Any]:
    schema = Alert.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://accord.example/schemas/alert-{SCHEMA_VERSION}.json"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
