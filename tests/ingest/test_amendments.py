"""Corrections: a stored record re-sent with other content amends it; an exact repeat does not."""

from __future__ import annotations

from pathlib import Path

from accord.analytics.manifest import file_id
from accord.analytics.store import AnalyticsStore
from accord.ingest.pipeline import sha256_file
from tests.conftest import require_shared
from tests.ingest.conftest import Ingest, write

HEAD = "tx_id,settlement_date,amount,currency,debtor_name,debtor_country,creditor_name\n"


def _amounts(store: AnalyticsStore, *, history: bool = False) -> list[tuple[str, str]]:
    t = store.table("payments", history=history)
    rows = t.select("tx_id", "amount").to_pyarrow().to_pylist()
    return sorted((r["tx_id"], f"{r['amount']:.2f}") for r in rows)


def test_corrected_payment_amends_the_stored_one(
    run: Ingest, store: AnalyticsStore, tmp_path: Path
) -> None:
    a = write(tmp_path / "a.csv", HEAD + "T1,2025-01-02,1,EUR,A,DE,B\nT2,2025-01-03,2,EUR,A,DE,C\n")
    b = write(
        tmp_path / "b.csv",
        HEAD + "T1,2025-01-02,1,EUR,A,DE,B\n"  # same content: a duplicate
        "T2,2025-01-03,20,EUR,A,DE,C\n"  # corrected amount: an amendment
        "T3,2025-01-04,3,EUR,A,DE,D\n",  # new
    )
    run("payments", a)
    summary = run("payments", b)
    f = summary.files[0]
    assert (f.accepted, f.duplicate, f.amended, f.rejected) == (1, 1, 1, 0)
    assert summary.amended == 1
    assert f.added == {"payments": 2, "amendments": 1}
    # Current versions by default; the history keeps the superseded one.
    assert _amounts(store) == [("T1", "1.00"), ("T2", "20.00"), ("T3", "3.00")]
    assert _amounts(store, history=True) == [
        ("T1", "1.00"), ("T2", "2.00"), ("T2", "20.00"), ("T3", "3.00"),
    ]  # fmt: skip
    (amendment,) = store.table("amendments").to_pyarrow().to_pylist()
    assert amendment["dataset"] == "payments"
    assert amendment["changed"] == ["amount"]
    assert amendment["superseded_file"] == file_id(sha256_file(a))
    assert amendment["superseded_line"] == 3
    assert amendment["source_file"] == file_id(sha256_file(b)) and amendment["source_line"] == 3
    # The manifest records the amendment; the file again is already ingested, all duplicates.
    assert store.manifest()[-1].amended == 1
    again = run("payments", b).files[0]
    assert (again.status, again.duplicate) == ("already-ingested", 3)
    forced = run("payments", b, force=True).files[0]
    assert (forced.accepted, forced.duplicate, forced.amended) == (0, 3, 0)
    # Re-reading the first file re-sends nothing new either: its version came from that file.
    old = run("payments", a, force=True).files[0]
    assert (old.accepted, old.duplicate, old.amended) == (0, 2, 0)
    assert _amounts(store)[1] == ("T2", "20.00")


def test_a_second_correction_supersedes_the_first(
    run: Ingest, store: AnalyticsStore, tmp_path: Path
) -> None:
    for name, amount in [("a", "2"), ("b", "20"), ("c", "2.0")]:  # c reverts b
        path = write(tmp_path / f"{name}.csv", HEAD + f"T2,2025-01-03,{amount},EUR,A,DE,C\n")
        f = run("payments", path).files[0]
        assert (f.accepted, f.amended) == ((1, 0) if name == "a" else (0, 1))
    assert _amounts(store) == [("T2", "2.00")]
    assert len(_amounts(store, history=True)) == 3
    assert store.table("amendments").count().execute() == 2
    # Sending the current content once more is a duplicate.
    same = write(tmp_path / "d.csv", HEAD + "T2,2025-01-03,2.00,EUR,A,DE,C\n")
    f = run("payments", same).files[0]
    assert (f.accepted, f.duplicate, f.amended) == (0, 1, 0)


def test_amended_declaration_may_move_to_another_partition(
    run: Ingest, store: AnalyticsStore, tmp_path: Path
) -> None:
    """Declarations are partitioned by month (the partition named by its first day)."""
    require_shared("hs_codes/hs2022_nomenclature.csv")
    head = "declaration_id,declaration_date,flow,hs_code,value\n"
    run("trade", write(tmp_path / "a.csv", head + "D1,2025-01-02,export,847130,100\n"))
    f = run("trade", write(tmp_path / "b.csv", head + "D1,2025-02-05,export,847130,100\n"))
    assert (f.files[0].accepted, f.files[0].amended) == (0, 1)
    t = store.table("trade_declarations").to_pyarrow().to_pylist()
    assert [(r["declaration_id"], str(r["declaration_date"]), str(r["date"])) for r in t] == [
        ("D1", "2025-02-05", "2025-02-01")
    ]
    assert store.table("trade_declarations", history=True).count().execute() == 2
    changed = store.table("amendments").changed.execute().tolist()
    assert [list(c) for c in changed] == [["declaration_date"]]


def test_observations_are_not_amended(run: Ingest, store: AnalyticsStore, tmp_path: Path) -> None:
    """Positions: the same report heard with another speed is a repeat, not a correction."""
    head = "timestamp,lat,lon,mmsi,sog\n"
    run("ais", write(tmp_path / "a.csv", head + "2025-01-02T00:00:00Z,1.5,2.5,219000001,10\n"))
    f = run("ais", write(tmp_path / "b.csv", head + "2025-01-02T00:00:00Z,1.5,2.5,219000001,11\n"))
    assert (f.files[0].duplicate, f.files[0].amended) == (1, 0)
    assert store.table("positions").count().execute() == 1
