"""Ownership and registries: FtM JSON lines and the three CSV templates."""

from __future__ import annotations

import json
from pathlib import Path

from accord.analytics.store import AnalyticsStore
from accord.settings import PROJECT_ROOT
from tests.ingest.conftest import Ingest, rejects, write

EXAMPLES = PROJECT_ROOT / "docs" / "examples"


def _entity(id_: str, schema: str, **props: list[str]) -> str:
    return json.dumps({"id": id_, "schema": schema, "properties": props})


def test_ftm_lines(run: Ingest, store: AnalyticsStore, tmp_path: Path) -> None:
    lines = [
        _entity("co-1", "Company", name=["Example Trading FZE"], jurisdiction=["ae"],
                registrationNumber=["FZE-1"], incorporationDate=["2021-06"]),
        _entity("pe-1", "Person", name=["Ivan Example"], nationality=["ru"]),
        _entity("own-1", "Ownership", owner=["pe-1"], asset=["co-1"], percentage=["75 %"],
                startDate=["2021"]),
        _entity("dir-1", "Directorship", director=["pe-1"], organization=["co-1"],
                role=["director"]),
        _entity("v-1", "Vessel", name=["EXAMPLE STAR"]),
        _entity("own-2", "Ownership", owner=["pe-1"]),
        '{"id": "x", "schema": "Company", "properties": ',
        _entity("x-2", "NoSuchSchema"),
    ]  # fmt: skip
    summary = run("registry", write(tmp_path / "e.ftm.json", "\n".join(lines) + "\n")).files[0]
    assert (summary.format, summary.accepted, summary.rejected) == ("ftm", 4, 4)
    reasons = [r["reason"] for r in rejects(summary.rejects_path)]
    assert reasons[:2] == ["schema Vessel is not a registry record",
                           "Ownership without owner or asset"]  # fmt: skip
    assert reasons[2].startswith("unexpected end of data") or "line 1" in reasons[2]
    assert reasons[3].startswith("not a FollowTheMoney entity")
    co = store.table("companies").order_by("entity_id").to_pyarrow().to_pylist()
    assert [(c["schema"], c["country"]) for c in co] == [("Company", "AE"), ("Person", "RU")]
    assert str(co[0]["incorporation_date"]) == "2021-06-01"  # partial date: its first day
    own = store.table("ownerships").to_pyarrow().to_pylist()[0]
    assert (own["owner_id"], own["asset_id"], own["share_pct"]) == ("pe-1", "co-1", 75.0)
    assert store.table("directorships").role.execute().tolist() == ["director"]


def test_csv_templates(run: Ingest, store: AnalyticsStore) -> None:
    files = [EXAMPLES / f"{n}.csv" for n in ("companies", "ownerships", "directorships")]
    run_summary = run("registry", *files)
    assert [f.accepted for f in run_summary.files] == [3, 2, 1]
    schemata = store.table("companies")["schema"].execute().tolist()
    assert sorted(schemata) == ["Company", "Company", "Person"]
    shares = store.table("ownerships").order_by("ownership_id").share_pct.execute().tolist()
    assert shares == [100.0, 51.0]


def test_share_out_of_range(run: Ingest, tmp_path: Path) -> None:
    path = write(tmp_path / "o.csv", "owner_id,asset_id,share_pct\na,b,50\na,c,150\n")
    summary = run("registry", path).files[0]
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert rejects(summary.rejects_path)[0]["reason"] == "share_pct: '150' is outside 0..100"
