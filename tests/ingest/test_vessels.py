"""Vessel registry: the GUR list and the Equasis company file, history, IMO checks."""

from __future__ import annotations

import csv
from pathlib import Path

from accord.analytics.store import AnalyticsStore
from accord.settings import PROJECT_ROOT
from tests.conftest import require_shared
from tests.ingest.conftest import Ingest, rejects, write


def test_gur_list(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("vessels/gur_shadow_fleet_imo_names.csv")
    summary = run("vessels", path).files[0]
    # SOURCES.md: 757 rows, 757 unique IMO numbers, all pass the check digit.
    assert (summary.accepted, summary.rejected) == (757, 0)
    t = store.table("vessel_registry")
    assert t.imo.nunique().execute() == 757
    assert t.filter(t.imo == 9282041).name.execute().tolist() == ["ABHRA"]
    # Six names are carried by two vessels each: same name, different IMO, different party.
    names = t.group_by("name").aggregate(n=t.count(), parties=t.vessel_party_id.nunique())
    twice = names.filter(names.n > 1).execute()
    assert len(twice) == 6 and (twice.parties == 2).all()


def test_equasis_companies(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("vessels/shadow_fleet_equasis_companies.csv")
    summary = run("vessels", path).files[0]
    assert (summary.accepted, summary.rejected) == (365, 0)
    t = store.table("vessel_registry")
    # SOURCES.md: 336 distinct owners, 292 commercial managers, 199 ISM managers of which one is
    # "UNKNOWN" (74 vessels), stored as missing.
    assert t.owner_name.nunique().execute() == 336
    assert t.manager_name.nunique().execute() == 292
    assert t.ism_manager_name.nunique().execute() == 198
    assert t.ism_manager_name.isnull().sum().execute() == 74
    by_country = dict(t.group_by("owner_country").aggregate(n=t.count()).execute().values.tolist())
    assert {c: by_country[c] for c in ("AE", "CN", "RU", "IN", "TR")} == {
        "AE": 75, "CN": 67, "RU": 39, "IN": 27, "TR": 17}  # fmt: skip
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    for code, name in (("SC", "Seychelles"), ("MH", "Marshall Islands")):
        assert by_country[code] == sum(r["owner_address"].rstrip(". ").endswith(name) for r in rows)
    neo = t.filter(t.imo == 9282041).to_pyarrow().to_pylist()[0]
    assert (neo["owner_name"], neo["owner_company_imo"], neo["owner_country"]) == (
        "NEO SHIPPING INC", "6499774", "MH")  # fmt: skip
    assert neo["owner_party_id"] == neo["manager_party_id"]  # one company in both roles


def test_history_and_check_digits(run: Ingest, store: AnalyticsStore, tmp_path: Path) -> None:
    example = PROJECT_ROOT / "docs" / "examples" / "vessels.csv"
    assert run("vessels", example).files[0].accepted == 2  # two states of one vessel
    t = store.table("vessel_registry")
    states = t.filter(t.imo == 9282041).order_by("valid_from").to_pyarrow().to_pylist()
    assert [(s["name"], s["flag"]) for s in states] == [("EXAMPLE STAR", "PA"),
                                                        ("EXAMPLE STAR II", "GA")]  # fmt: skip
    bad = write(tmp_path / "v.csv", "IMO,Ship Name\n9282041,ABHRA\n9282042,FAKE\n928204,SHORT\n")
    summary = run("vessels", bad).files[0]
    assert (summary.accepted, summary.rejected) == (1, 2)
    assert [r["reason"] for r in rejects(summary.rejects_path)] == [
        "imo: '9282042' fails the IMO check digit",
        "imo: '928204' is not a 7-digit IMO number",
    ]
