"""Screening endpoints: ``POST /screen``, the yente-compatible ``POST /match/{dataset}``,
screening records, not-a-match decisions and stored party sets (``/screen/sets``).

Screenings are recorded unless ``?record=false``; the ``X-Accord-User`` header names who screens
or decides (default ``anonymous``). Hits an analyst decided are not a match come back under
``suppressed`` with the decision, and do not count toward ``limit``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Header, Query, Request, UploadFile
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from accord.api.deps import get_store
from accord.screening import records, sets
from accord.screening.engine import Screener
from accord.screening.ftm import hit_result, query_from_ftm
from accord.screening.query import Query as ScreenQuery
from accord.screening.score import ALGORITHM_VERSION, DEFAULT_THRESHOLD
from accord.screening.service import BatchRow, ScreenOptions, get_screener, hit_json, match_lists
from accord.settings import Settings
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
    """Screen a batch of parties; every hit carries its score and a plain-words explanation.

    Each result has up to ``limit`` hits that are not suppressed; ``suppressed_count`` says how
    many hits analysts' not-a-match decisions suppressed (listed under ``suppressed``).
    """
    items = [
        (
            item.key,
            item.query,
            ScreenOptions(
                body.threshold if item.threshold is None else item.threshold,
                body.limit if item.limit is None else item.limit,
                item.lists if item.lists is not None else body.lists,
            ),
        )
        for item in body.queries
    ]
    outcomes = records.screen_parties(
        store, screener, items, by=user or "", source="api", record=record
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
                "suppressed_count": len(o.suppressed),
                "suppressed": [s.as_json() for s in o.suppressed],
            }
            for o in outcomes
        ],
    }


class EntityExample(BaseModel):
    """An FtM entity example, as yente's ``/match`` takes it: a value or a list per property."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    schema_: str = Field("Thing", alias="schema")
    properties: dict[str, Any] = Field(default_factory=dict)


class MatchRequest(BaseModel):
    """yente's ``EntityMatchQuery``; ``weights`` and ``config`` are accepted and not used."""

    queries: dict[str, EntityExample] = Field(min_length=1, max_length=MAX_QUERIES)
    weights: dict[str, float] = Field(default_factory=dict, description="Accepted; ignored.")
    config: dict[str, Any] = Field(default_factory=dict, description="Accepted; ignored.")


@router.post("/match/{dataset}")
def match(
    dataset: str,
    body: MatchRequest,
    threshold: float = Query(DEFAULT_THRESHOLD, ge=0.0, le=1.0),
    limit: int = Query(5, ge=1, le=MAX_LIMIT),
    algorithm: str = Query(ALGORITHM_VERSION, max_length=100, description="Accepted; ignored."),
    include_dataset: list[str] = Query([], description="Only these lists or jurisdictions."),
    exclude_dataset: list[str] = Query([], description="Not these lists or jurisdictions."),
    screener: Screener = Depends(screener_dep),
    store: Store = Depends(get_store),
    record: bool = Query(True, description=RECORD_DOC),
    user: User = None,
) -> dict[str, Any]:
    """yente-compatible matching; ``dataset`` is a list id, a jurisdiction or ``default``.

    The request and response have yente's shape (``queries`` keyed by your ids; ``responses``
    keyed the same, with ``status``, ``results``, ``total`` and ``query``); Accord adds the
    plain-words ``explanation`` and ``listing`` per result, and per response the ``input_hash``
    and the hits suppressed by analysts' decisions (they do not count toward ``limit``).
    """
    lists = match_lists(screener, dataset, include_dataset, exclude_dataset)
    keys = list(body.queries)
    examples = [body.queries[k].model_dump(by_alias=True) for k in keys]
    opts = ScreenOptions(threshold, limit, lists)
    items = [
        (key, query_from_ftm(example, f"queries.{key}"), opts)
        for key, example in zip(keys, examples, strict=True)
    ]
    outcomes = records.screen_parties(
        store, screener, items, by=user or "", source="match", record=record
    )
    responses: dict[str, Any] = {}
    for key, example, outcome in zip(keys, examples, outcomes, strict=True):
        found = [(h, screener.entity(h.entity_id)) for h in outcome.hits]
        responses[key] = {
            "status": 200,
            "results": [hit_result(h, e) for h, e in found if e is not None],
            "total": {"value": len(outcome.hits), "relation": "eq"},
            "query": _echo(example),
            "input_hash": outcome.input_hash,
            "suppressed_count": len(outcome.suppressed),
            "suppressed": [s.as_json() for s in outcome.suppressed],
        }
    return {"responses": responses, "limit": limit, "matcher": {}, "algorithm": ALGORITHM_VERSION}


def _echo(example: dict[str, Any]) -> dict[str, Any]:
    """The query as yente echoes it: every property as a list of text values."""
    props = {
        prop: [v if isinstance(v, str) else str(v) for v in values]
        for prop, raw in example.get("properties", {}).items()
        for values in [raw if isinstance(raw, list) else [raw]]
    }
    return {**example, "properties": props}


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


@router.get("/screen/decisions")
def screen_decisions(
    party_key: str | None = Query(None, max_length=255, description="A key or input hash."),
    entity_id: str | None = Query(None, max_length=255),
    limit: int = Query(100, ge=1, le=10_000),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Recorded decisions, newest first, each with who, why, when and whether it still stands."""
    with store.reader() as session:
        found = records.list_decisions(
            session, party_key=party_key, entity_id=entity_id, limit=limit
        )
    return {"decisions": [d.as_json() for d in found], "total": len(found)}


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


# -- stored party sets: delta re-screening -------------------------------------------------------

MAX_SET_PARTIES = 100_000
SetName = Annotated[str, PathParam(min_length=1, max_length=sets.MAX_NAME)]


class SetPartyItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str | None = Field(None, max_length=255, description="Your key for the party.")
    query: ScreenQuery


class SetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parties: list[SetPartyItem] = Field(min_length=1, max_length=MAX_SET_PARTIES)
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0.0, le=1.0)
    limit: int = Field(10, ge=1, le=MAX_LIMIT)


class SetDecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    party_key: str = Field(
        min_length=1, max_length=255, description="The party's key in the set, or its input hash."
    )
    entity_id: str = Field(min_length=1, max_length=255)
    why: str = Field(min_length=1, max_length=10_000)
    by: str | None = Field(None, max_length=records.MAX_ACTOR, description="Else X-Accord-User.")


def _rejected(rows: list[BatchRow]) -> list[dict[str, Any]]:
    return [{"line": r.line, "key": r.key, "error": r.error} for r in rows]


@router.get("/screen/sets")
def list_sets(store: Store = Depends(get_store)) -> dict[str, Any]:
    """Every stored party set: parties, threshold, limit, runs, last run."""
    with store.reader() as session:
        found = sets.list_sets(session)
    return {"sets": [s.as_json() for s in found], "total": len(found)}


@router.put("/screen/sets/{name}")
def put_set(
    name: SetName, body: SetRequest, store: Store = Depends(get_store), user: User = None
) -> dict[str, Any]:
    """Create or replace a party set; a replaced set starts afresh (its next run is full)."""
    parties = [sets.SetParty(p.key, p.query) for p in body.parties]
    info = sets.add_set(
        store, name, parties, threshold=body.threshold, limit=body.limit, by=user, replace=True
    )
    return {**info.as_json(), "rejected": []}


@router.put("/screen/sets/{name}/file")
def put_set_file(
    name: SetName,
    request: Request,
    file: UploadFile = File(..., description="CSV, JSON lines or FtM JSON lines."),
    fmt: Literal["csv", "jsonl"] | None = Query(None, alias="format", description="Else by name."),
    threshold: float = Query(DEFAULT_THRESHOLD, ge=0.0, le=1.0),
    limit: int = Query(10, ge=1, le=MAX_LIMIT),
    store: Store = Depends(get_store),
    user: User = None,
) -> dict[str, Any]:
    """Create or replace a party set from a file, as ``accord screen batch`` reads it.

    Bad rows are skipped and listed under ``rejected`` with their line number and reason.
    """
    settings: Settings = request.app.state.settings
    parties, rejected = sets.read_upload(
        file.file, file.filename, settings.data_dir / "uploads", fmt
    )
    info = sets.add_set(
        store, name, parties, threshold=threshold, limit=limit, by=user, replace=True
    )
    return {**info.as_json(), "rejected": _rejected(rejected)}


@router.get("/screen/sets/{name}")
def get_set(name: SetName, store: Store = Depends(get_store)) -> dict[str, Any]:
    """One stored party set."""
    with store.reader() as session:
        return sets.get_set(session, name).as_json()


@router.post("/screen/sets/{name}/run")
def run_set(
    name: SetName, store: Store = Depends(get_store), screener: Screener = Depends(screener_dep)
) -> dict[str, Any]:
    """Re-screen a set against the list entities changed since its last run (first run: all).

    Reports the hits that are new, changed (the listed entity was amended), removed (delisted or
    no longer matching) and suppressed (new or changed, but decided not a match).
    """
    return sets.run_set(store, screener, name).as_json()


@router.post("/screen/sets/{name}/decisions", status_code=201)
def set_decision(
    name: SetName,
    body: SetDecisionRequest,
    store: Store = Depends(get_store),
    user: User = None,
) -> dict[str, Any]:
    """Record that a listed entity is not a match for a party of the set, with who and why."""
    decision = sets.decide(
        store, name, body.party_key, body.entity_id, by=body.by or user, why=body.why
    )
    return decision.as_json()


@router.get("/screen/sets/{name}/decisions")
def set_decisions(
    name: SetName,
    limit: int = Query(1_000, ge=1, le=10_000),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Decisions on the set's parties, newest first, and whether each still stands."""
    with store.reader() as session:
        found = sets.set_decisions(session, name, limit)
    return {"decisions": [d.as_json() for d in found], "total": len(found)}
