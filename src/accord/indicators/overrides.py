"""Local threshold overrides: a node changes an agreed default, recording who, when and why."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.errors import InvalidInputError
from accord.indicators.catalogue import get_indicator
from accord.indicators.model import Indicator, Parameter, ParamValue
from accord.indicators.tables import IndicatorOverride


@dataclass(frozen=True)
class OverrideView:
    indicator_id: str
    parameter: str
    value: ParamValue | None
    default: ParamValue
    author: str
    reason: str
    created_at: datetime


def parse_value(param: Parameter, raw: str) -> ParamValue:
    """A value typed like the parameter's default (``a,b`` for a list of codes)."""
    default = param.value
    try:
        if isinstance(default, bool):
            return raw.strip().lower() in ("1", "true", "yes")
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError:
        raise InvalidInputError(f"{raw!r} is not a number") from None
    if isinstance(default, list):
        return [v.strip().upper() for v in raw.split(",") if v.strip()]
    return raw


def set_override(
    session: Session, indicator_id: str, parameter: str, raw: str | None, author: str, reason: str
) -> OverrideView:
    """Record an override (``raw`` None restores the default). Who and why are mandatory."""
    ind = get_indicator(indicator_id)
    if parameter not in ind.parameters:
        known = ", ".join(ind.parameters) or "none"
        raise InvalidInputError(f"{indicator_id} has no parameter {parameter!r} (has: {known})")
    if not author.strip() or not reason.strip():
        raise InvalidInputError("an override needs who (author) and why (reason)")
    param = ind.parameters[parameter]
    value = None if raw is None else parse_value(param, raw)
    row = IndicatorOverride(
        indicator_id=indicator_id,
        parameter=parameter,
        value=None if value is None else json.dumps(value),
        default=json.dumps(param.value),
        author=author,
        reason=reason,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return _view(row)


def _view(row: IndicatorOverride) -> OverrideView:
    return OverrideView(
        indicator_id=row.indicator_id,
        parameter=row.parameter,
        value=None if row.value is None else json.loads(row.value),
        default=json.loads(row.default),
        author=row.author,
        reason=row.reason,
        created_at=row.created_at,
    )


def history(session: Session, indicator_id: str | None = None) -> list[OverrideView]:
    """Every override ever recorded (the report), oldest first."""
    q = select(IndicatorOverride).order_by(IndicatorOverride.id)
    if indicator_id:
        q = q.where(IndicatorOverride.indicator_id == indicator_id)
    return [_view(r) for r in session.scalars(q)]


def in_force(session: Session, indicator_id: str) -> dict[str, OverrideView]:
    """The newest override per parameter, where it sets a value (not a restore)."""
    latest: dict[str, OverrideView] = {}
    for v in history(session, indicator_id):
        latest[v.parameter] = v
    return {k: v for k, v in latest.items() if v.value is not None}


def effective(session: Session, ind: Indicator) -> tuple[dict[str, ParamValue], list[str]]:
    """Parameters in force for ``ind`` and the names of those overridden locally."""
    params = ind.defaults()
    overridden = in_force(session, ind.id)
    for name, view in overridden.items():
        if name in params and view.value is not None:
            params[name] = view.value
    return params, sorted(overridden)
