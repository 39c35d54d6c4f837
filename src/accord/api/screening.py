"""Screening endpoints: ``POST /screen``, the yente-compatible ``POST /match/{dataset}``,
``GET /screen/records`` and ``POST /screen/decisions``.

Screenings are recorded unless ``?record=false``; the ``X-Accord-User`` header names who screens
or decides (default ``anonymous``). Hits an analyst decided are not a match come back under
``suppressed`` with the decision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from accord.api.deps import get_store
from accord.screening import records
from accord.screening.engine import Screener
from accord.screening.ftm import hit_result, query_from_ftm
from accord.screening.query import Query as ScreenQuery
from accord.screening.score import ALGORITHM_VERSION, DEFAULT_THRESHOLD
from accord.screening.service import (
    ScreenOptions,
    dataset_lists,
    get_screener,
    hit_json,
    screen_each,
)
from accord.store.db import Store

router = APIRouter(tags=["screening"])

MAX_QUERIES = 1_000
MAX_LIMIT = 100


def screener_dep(request: Request, store: Store = Depends(get_store)) -> Screener:
    return get_screener(store, request.app.state.settings)


User = Annotated[str | None, Header(alias="X-Accord-User", max_length=records.MAX_ACTOR)]
RECORD_DOC = "Store each screening (on by default)."


class ScreenItem(BaseModel):
    """One query with its own options (each falls back to the request's)."""

    model_config = ConfigDict(extra="forbid")

    key: str | None = Field(None, max_length=200, description="Echoed in the result.")
    query: ScreenQuery
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    limit: int | None = Field(None, ge=1, le=MAX_LIMIT)
    lists: list[str] | None = Field(None, min_length=1, max_length=50)


class ScreenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    queries: list[ScreenItem] = Field(min_length=1, max_length=MAX_QUERIES)
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0.0, le=1.0)
    limit: int = Field(10, ge=1, le=MAX_LIMIT)
    lists: list[str] | None = Field(None, min_length=1, max_length=50)


@router.post("/screen")
def screen(
    body: ScreenRequest,
    screener: Screener = Depends(screener_dep),
    store: Store = Depends(get_store),
    record: bool = Query(True, description=RECORD_DOC),
    user: User = None,
) -> dict[str, Any]:
    """Screen a batch of parties; every hit carries its score and a plain-words explanation."""
    items = [
        (
            item.query,
            ScreenOptions(
                body.threshold if item.threshold is None else item.threshold,
                body.limit if item.limit is None else item.limit,
                item.lists if item.lists is not None else body.lists,
            ),
        )
        for item in body.queries
    ]
    results = screen_each(screener, items)
    outcomes = records.finish(
        store,
        [(item.key, item.query, hits) for item, hits in zip(body.queries, results, strict=True)],
        versions=screener.versions,
        algorithm=ALGORITHM_VERSION,
        by=user or "",
        source="api",
        record=record,
    )
    return {
        "algorithm": ALGORITHM_VERSION,
        "data_versions": screener.versions,
        "results": [
            {
                "key": o.key,
                "input_hash": o.input_hash,
                "record_id": o.record_id,
                "total": len(o.hits),
                "hits": [hit_json(h) for h in o.hits],
                "suppressed": [s.as_json() for s in o.suppressed],
            }
            for o in outcomes
        ],
    }


class EntityExample(BaseModel):
    """An FtM entity example, as yente's ``/match`` takes it."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    schema_: str = Field("Thing", alias="schema")
    properties: dict[str, list[str]] = Field(default_factory=dict)


class MatchRequest(BaseModel):
    queries: dict[str, EntityExample] = Field(min_length=1, max_length=MAX_QUERIES)


@router.post("/match/{dataset}")
def match(
    dataset: str,
    body: MatchRequest,
    threshold: float = Query(DEFAULT_THRESHOLD, ge=0.0, le=1.0),
    limit: int = Query(5, ge=1, le=MAX_LIMIT),
    algorithm: str = Query(ALGORITHM_VERSION, max_length=100, description="Accepted; ignored."),
    screener: Screener = Depends(screener_dep),
    store: Store = Depends(get_store),
    record: bool = Query(True, description=RECORD_DOC),
    user: User = None,
) -> dict[str, Any]:
    """yente-compatible matching; ``dataset`` is a list id, a jurisdiction or ``default``."""
    lists = dataset_lists(screener, dataset)
    keys = list(body.queries)
    examples = [body.queries[k].model_dump(by_alias=True) for k in keys]
    queries = [query_from_ftm(ex, f"queries.{k}") for k, ex in zip(keys, examples, strict=True)]
    opts = ScreenOptions(threshold, limit, lists)
    results = screen_each(screener, [(q, opts) for q in queries])
    outcomes = records.finish(
        store,
        list(zip(keys, queries, results, strict=True)),
        versions=screener.versions,
        algorithm=ALGORITHM_VERSION,
        by=user or "",
        source="match",
        record=record,
    )
    responses: dict[str, Any] = {}
    for key, example, outcome in zip(keys, examples, outcomes, strict=True):
        found = [(h, screener.entity(h.entity_id)) for h in outcome.hits]
        responses[key] = {
            "status": 200,
            "results": [hit_result(h, e) for h, e in found if e is not None],
            "total": {"value": len(outcome.hits), "relation": "eq"},
            "query": example,
            "input_hash": outcome.input_hash,
            "suppressed": [s.as_json() for s in outcome.suppressed],
        }
    return {"responses": responses, "limit": limit, "algorithm": ALGORITHM_VERSION}


@router.get("/screen/records")
def screen_records(
    since: datetime | None = Query(None, description="ISO date/time; newest first."),
    limit: int = Query(100, ge=1, le=1_000),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Recorded screenings: input hash, list versions, algorithm, hits, who and when."""
    with store.reader() as session:
        found = records.list_records(session, since, limit)
    return {"records": [r.as_json() for r in found], "total": len(found)}


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    party_key: str = Field(min_length=1, max_length=255, description="Input hash or your key.")
    entity_id: str = Field(min_length=1, max_length=255)
    decision: str = Field(records.NOT_A_MATCH, description="Only not_a_match.")
    why: str = Field(min_length=1, max_length=10_000)
    by: str | None = Field(None, max_length=records.MAX_ACTOR, description="Else X-Accord-User.")


@router.post("/screen/decisions", status_code=201)
def screen_decision(
    body: DecisionRequest, store: Store = Depends(get_store), user: User = None
) -> dict[str, Any]:
    """Record that a listed entity is not a match for a party, until either of them changes."""
    decision = records.decide(
        store, body.party_key, body.entity_id, by=body.by or user, why=body.why,
        decision=body.decision,
    )  # fmt: skip
    return decision.as_json()
