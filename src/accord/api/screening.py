"""Screening endpoints: ``POST /screen`` and the yente-compatible ``POST /match/{dataset}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from accord.api.deps import get_store
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
def screen(body: ScreenRequest, screener: Screener = Depends(screener_dep)) -> dict[str, Any]:
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
    return {
        "algorithm": ALGORITHM_VERSION,
        "data_versions": screener.versions,
        "results": [
            {"key": item.key, "total": len(hits), "hits": [hit_json(h) for h in hits]}
            for item, hits in zip(body.queries, results, strict=True)
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
) -> dict[str, Any]:
    """yente-compatible matching; ``dataset`` is a list id, a jurisdiction or ``default``."""
    lists = dataset_lists(screener, dataset)
    keys = list(body.queries)
    examples = [body.queries[k].model_dump(by_alias=True) for k in keys]
    queries = [query_from_ftm(ex, f"queries.{k}") for k, ex in zip(keys, examples, strict=True)]
    opts = ScreenOptions(threshold, limit, lists)
    results = screen_each(screener, [(q, opts) for q in queries])
    responses: dict[str, Any] = {}
    for key, example, hits in zip(keys, examples, results, strict=True):
        found = [(h, screener.entity(h.entity_id)) for h in hits]
        responses[key] = {
            "status": 200,
            "results": [hit_result(h, e) for h, e in found if e is not None],
            "total": {"value": len(hits), "relation": "eq"},
            "query": example,
        }
    return {"responses": responses, "limit": limit, "algorithm": ALGORITHM_VERSION}
