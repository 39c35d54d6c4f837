"""HTTP: the indicator catalogue, its JSON Schema and the local overrides."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from accord.api.deps import get_session
from accord.indicators import overrides
from accord.indicators.catalogue import catalogue, get_indicator, json_schema
from accord.indicators.model import Indicator

router = APIRouter(tags=["indicators"])


@router.get("/indicators")
def indicators_index() -> list[Indicator]:
    return list(catalogue().values())


@router.get("/indicators/schema")
def indicators_schema() -> dict[str, Any]:
    return json_schema()


@router.get("/indicators/overrides")
def overrides_report(session: Session = Depends(get_session)) -> list[dict[str, Any]]:
    return [v.__dict__ for v in overrides.history(session)]


@router.get("/indicators/{indicator_id}")
def indicator(indicator_id: str, session: Session = Depends(get_session)) -> dict[str, Any]:
    ind = get_indicator(indicator_id)
    params, overridden = overrides.effective(session, ind)
    return {"indicator": ind, "parameters_in_force": params, "overridden": overridden}
