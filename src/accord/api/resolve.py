"""Resolution endpoints: run it, read links, judge pairs, harmonized entities, divergence."""

from __future__ import annotations

import csv
import io
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.api.deps import get_session, get_store
from accord.resolve import service
from accord.resolve.harmonized import HarmonizedView, harmonized_view
from accord.resolve.report import build_report
from accord.resolve.tables import ResolveLink
from accord.store.db import Store

router = APIRouter(tags=["resolve"])


class Judgement(BaseModel):
    left: str = Field(description="Entity id of one record.")
    right: str = Field(description="Entity id of the other record.")
    verdict: Literal["confirm", "reject"]
    by: str = Field(min_length=1, description="Who judges.")
    why: str = ""


@router.post("/resolve/run")
def run(store: Store = Depends(get_store)) -> dict[str, Any]:
    """Resolve the serving list versions now (about half a minute for all seven lists)."""
    return service.run_resolution(store).as_dict()


@router.get("/resolve/status")
def status(session: Session = Depends(get_session)) -> dict[str, Any]:
    """The newest run, its figures, and the lists that changed since."""
    st = service.resolution_status(session)
    return {
        "run": st.run_id,
        "finished_at": st.finished_at,
        "stale": st.stale,
        "stale_lists": st.stale_lists,
        "stats": st.stats,
    }


@router.get("/resolve/links")
def links(
    entity: str | None = None,
    decision: Literal["auto", "review"] | None = None,
    limit: int = Query(100, ge=1, le=100_000),
    session: Session = Depends(get_session),
) -> list[dict[str, Any]]:
    """Proposed links with their evidence (``decision=review``: the analysts' queue)."""
    stmt = select(ResolveLink).order_by(ResolveLink.score.desc(), ResolveLink.left_id)
    if entity:
        stmt = stmt.where((ResolveLink.left_id == entity) | (ResolveLink.right_id == entity))
    if decision:
        stmt = stmt.where(ResolveLink.decision == decision)
    return [
        {
            "left": lk.left_id,
            "right": lk.right_id,
            "decision": lk.decision,
            "rule": lk.rule,
            "score": lk.score,
            "evidence": orjson.loads(lk.evidence),
        }
        for lk in session.scalars(stmt.limit(limit))
    ]


@router.post("/resolve/judgements")
def judge(body: Judgement, store: Store = Depends(get_store)) -> service.JudgementOutcome:
    """Confirm or reject a pair; honoured by every later run, never re-proposed if rejected."""
    return service.judge(store, body.left, body.right, body.verdict, body.by, body.why)


@router.get("/harmonized/{ident}")
def harmonized(ident: str, session: Session = Depends(get_session)) -> HarmonizedView:
    """A harmonized entity (by its hz- id or any of its records' entity ids): every record,
    the listing status per jurisdiction with dates and programs, merged facts with sources."""
    return harmonized_view(session, ident)


@router.get("/divergence", response_model=None)
def divergence(
    on: list[str] | None = Query(None, description="Listed here (list or jurisdiction)."),
    not_on: list[str] | None = Query(None, description="…and not here."),
    type_: str | None = Query(None, alias="type", description="person, organization…"),
    by: Literal["jurisdiction", "list"] = "jurisdiction",
    part: str | None = Query(
        None, description="entities, patterns, pairs, programs, delisted or facts; all if unset"
    ),
    format_: Literal["json", "csv"] = Query("json", alias="format"),
    session: Session = Depends(get_session),
) -> dict[str, Any] | list[dict[str, Any]] | Response:
    """The divergence report over the newest resolution (``stale_lists`` names lists that
    changed since it ran; POST /resolve/run brings it up to date)."""
    report = build_report(session, by=by, on=on or (), not_on=not_on or (), family=type_)
    if part is None and format_ == "json":
        return report.as_dict()
    rows = report.rows(part or "entities")
    if format_ == "json":
        return rows
    buffer = io.StringIO()
    fields = list(dict.fromkeys(k for row in rows for k in row))
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    name = f"divergence-{part or 'entities'}.csv"
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
