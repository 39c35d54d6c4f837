"""``accord exercise score``: alerts against the ground truth, per scheme, per node and overall.

Alerts are read in the standard alert schema (``docs/alert-schema.md``,
``accord.alerts.model.Alert``) through one adapter, ``read_alert``. An alert matches a scheme
when one of its subjects names one of the scheme's actors (listed entity id, MMSI, IMO, exact
name) and its time window overlaps the scheme's window (plus ``SLACK``). Time to detect is
simulated time: the end of the first matching alert's window minus the scheme's start. Reports
carry a ``label`` (``isolated``, ``coordinated``) so two runs of one scenario compare with
``compare``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError

from accord.alerts.model import SCHEMA_VERSION
from accord.alerts.model import Alert as AlertDoc
from accord.errors import InvalidInputError
from accord.exercise.truth import GroundTruth, SchemeTruth

SLACK = timedelta(days=7)
#: Subject identifiers that can name a scheme actor (``Actor.mmsi``/``imo`` in the truth). A
#: track id is a node-local name of a transponder, so it is not read: the MMSI beside it is.
_IDENTIFIERS = ("mmsi", "imo")


class Alert(BaseModel):
    """What scoring reads of one alert in the standard schema."""

    id: str
    indicator: str
    node: str | None
    jurisdiction: str | None = None
    subjects: set[str]
    start: datetime | None
    end: datetime | None

    @property
    def key(self) -> tuple[str | None, str]:
        # Alert ids are deterministic (indicator, subjects, start), so two nodes raising the same
        # firing share an id: per node they are two alerts, within one node one.
        return (self.node, self.id)


def read_alert(raw: Mapping[str, Any] | AlertDoc, node: str | None = None) -> Alert:
    """The one adapter from the standard alert schema to what scoring reads.

    ``node`` names the node whose store the alert came from; ``provenance.node`` wins when the
    alert carries it. ``jurisdiction`` is the *indicator's* owning jurisdiction (often
    ``shared``), not the node, so it is kept apart and never used to attribute a detection.
    """
    try:
        doc = raw if isinstance(raw, AlertDoc) else AlertDoc.model_validate(raw)
    except ValidationError as exc:
        # A file in another shape must fail loudly: read leniently it would score as "nothing
        # detected" and look like a result.
        ident = raw.get("alert_id") if isinstance(raw, Mapping) else None
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInputError(
            f"alert {ident or '?'} is not in the alert schema {SCHEMA_VERSION}: "
            f"{exc.error_count()} error(s), first: {where}: {first['msg']}"
        ) from exc
    subjects: set[str] = set()
    for s in doc.subjects:
        if s.entity_id:
            subjects.add(f"entity:{s.entity_id}")
        if s.party_id:
            subjects.add(f"party:{s.party_id}")
        if s.name:
            subjects.add(f"name:{s.name.casefold()}")
        for key in _IDENTIFIERS:
            value = s.identifiers.get(key, "").strip()
            if value:
                # Identifiers are strings in the schema, integers in the truth: compare digits.
                subjects.add(f"{key}:{int(value) if value.isdigit() else value}")
    return Alert(
        id=doc.alert_id,
        indicator=doc.indicator.id,
        node=doc.provenance.node or node,
        jurisdiction=doc.jurisdiction,
        subjects=subjects,
        start=doc.window.start,
        end=doc.window.end,
    )


def _matches(alert: Alert, scheme: SchemeTruth, ids: set[str]) -> bool:
    if not alert.subjects & ids:
        return False
    lo, hi = scheme.start - SLACK, scheme.end + SLACK
    a_start = alert.start or alert.end
    a_end = alert.end or alert.start
    if a_start is None or a_end is None:
        return True
    return a_start <= hi and a_end >= lo


class SchemeScore(BaseModel):
    id: str
    type: str
    detected: bool
    alerts: int
    actors_found: float  # share of the scheme's actors named by a matching alert
    time_to_detect_hours: float | None
    detected_by: dict[str, list[str]]  # node -> indicators
    nodes_holding: list[str]


class IndicatorScore(BaseModel):
    """One indicator's alerts: how many, how many on a scheme, which schemes they found."""

    alerts: int
    true: int
    schemes: list[str]

    @property
    def false(self) -> int:
        return self.alerts - self.true


class Report(BaseModel):
    label: str
    scenario: str
    schemes: list[SchemeScore]
    alerts: int
    true_alerts: int
    precision: float | None
    recall: float
    by_node: dict[str, dict[str, int]]
    by_indicator: dict[str, IndicatorScore] = {}


def score(truth: GroundTruth, alerts: list[Alert], label: str = "isolated") -> Report:
    # The same alert read twice (one export concatenated twice, a rerun's upsert exported again)
    # is one alert: counting it twice would move precision.
    unique = list({a.key: a for a in alerts}.values())
    matched: set[tuple[str | None, str]] = set()
    scores = []
    by_node: dict[str, dict[str, int]] = {}
    by_indicator: dict[str, IndicatorScore] = {}
    for a in unique:
        by_node.setdefault(a.node or "?", {"alerts": 0, "true": 0})["alerts"] += 1
        by_indicator.setdefault(a.indicator, IndicatorScore(alerts=0, true=0, schemes=[]))
        by_indicator[a.indicator].alerts += 1
    for scheme in truth.schemes:
        ids = scheme.identifiers()
        hits = [a for a in unique if _matches(a, scheme, ids)]
        matched |= {a.key for a in hits}
        detected_by: dict[str, set[str]] = {}
        for a in hits:
            detected_by.setdefault(a.node or "?", set()).add(a.indicator)
        for indicator in sorted({a.indicator for a in hits}):
            by_indicator[indicator].schemes.append(scheme.id)
        named = {s for a in hits for s in a.subjects}
        found = [act for act in scheme.actors if _actor_ids(act.model_dump()) & named]
        ends = [a.end for a in hits if a.end is not None]
        ttd = (min(ends) - scheme.start).total_seconds() / 3600 if ends else None
        scores.append(
            SchemeScore(
                id=scheme.id,
                type=scheme.type,
                detected=bool(hits),
                alerts=len(hits),
                actors_found=len(found) / len(scheme.actors) if scheme.actors else 0.0,
                time_to_detect_hours=ttd,
                detected_by={k: sorted(v) for k, v in sorted(detected_by.items())},
                nodes_holding=scheme.nodes,
            )
        )
    for a in unique:
        if a.key in matched:
            by_node[a.node or "?"]["true"] += 1
            by_indicator[a.indicator].true += 1
    n = len(unique)
    return Report(
        label=label,
        scenario=truth.scenario,
        schemes=scores,
        alerts=n,
        true_alerts=len(matched),
        precision=len(matched) / n if n else None,
        recall=sum(s.detected for s in scores) / len(scores) if scores else 0.0,
        by_node=by_node,
        by_indicator=dict(sorted(by_indicator.items())),
    )


def _actor_ids(actor: dict[str, Any]) -> set[str]:
    out = {f"name:{str(actor['name']).casefold()}"}
    for key, kind in (("entity_id", "entity"), ("mmsi", "mmsi"), ("imo", "imo")):
        if actor.get(key):
            out.add(f"{kind}:{actor[key]}")
    return out


def compare(a: Report, b: Report) -> list[dict[str, Any]]:
    """Per scheme, two runs side by side (e.g. isolated vs coordinated): detection and delay."""
    other = {s.id: s for s in b.schemes}
    rows = []
    for s in a.schemes:
        t = other.get(s.id)
        rows.append(
            {
                "scheme": s.id,
                f"{a.label}_detected": s.detected,
                f"{b.label}_detected": bool(t and t.detected),
                f"{a.label}_hours": s.time_to_detect_hours,
                f"{b.label}_hours": t.time_to_detect_hours if t else None,
            }
        )
    return rows
