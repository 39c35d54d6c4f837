"""The ingest use case: idempotency, rejects files, parties and the screening hook."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from accord.analytics.store import AnalyticsStore
from accord.ingest.parties import Party, ScreeningHit
from accord.settings import PROJECT_ROOT, Settings
from tests.conftest import require_shared
from tests.ingest.conftest import Ingest, rejects, write

EXAMPLES = PROJECT_ROOT / "docs" / "examples"
HEAD = "tx_id,settlement_date,amount,currency,debtor_name,debtor_country,creditor_name\n"


class Recorder:
    """A screener that records what it is given and flags every party named 'Sanctioned'."""

    def __init__(self) -> None:
        self.calls: list[list[Party]] = []

    def screen_parties(self, parties: Sequence[Party]) -> Sequence[ScreeningHit]:
        self.calls.append(list(parties))
        return [ScreeningHit(p.party_id, "NK-test", 0.97, "name")
                for p in parties if p.name and "Sanctioned" in p.name]  # fmt: skip


def test_same_file_twice_adds_nothing(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("ais/nmea_tagblock_20211101.nm4")
    first = run("ais", path).files[0]
    again = run("ais", path).files[0]
    assert again.status == "already-ingested"
    assert (again.accepted, again.duplicate) == (0, first.accepted + first.duplicate)
    forced = run("ais", path, force=True).files[0]
    assert (forced.status, forced.accepted, forced.duplicate) == ("ingested", 0, 979)
    assert store.table("ais_messages").count().execute() == 979
    assert len(store.manifest()) == 2  # the forced re-read is recorded too


def test_overlapping_files_count_duplicates(run: Ingest, store: AnalyticsStore,
                                            tmp_path: Path) -> None:  # fmt: skip
    a = write(tmp_path / "a.csv", HEAD + "T1,2025-01-02,1,EUR,A,DE,B\nT2,2025-01-03,2,EUR,A,DE,C\n")
    b = write(tmp_path / "b.csv", HEAD + "T2,2025-01-03,2,EUR,A,DE,C\nT3,2025-01-04,3,EUR,A,DE,D\n")
    run("payments", a)
    summary = run("payments", b).files[0]
    assert (summary.accepted, summary.duplicate, summary.rejected) == (1, 1, 0)
    assert sorted(store.table("payments").tx_id.execute()) == ["T1", "T2", "T3"]
    # Partitioned by settlement date, one folder per day.
    folders = sorted(p.name for p in store.path("payments").iterdir())
    assert folders == ["date=2025-01-02", "date=2025-01-03", "date=2025-01-04"]


def test_one_run_many_files(run: Ingest) -> None:
    a = require_shared("payments/mt103_sample.txt")
    b = require_shared("standards/iso20022/sample-pacs.008.001.08-synthetic.xml")
    summary = run("payments", a, b, a)
    assert [(f.format, f.status, f.accepted) for f in summary.files] == [
        ("mt103", "ingested", 1),
        ("pacs.008", "ingested", 1),
        ("mt103", "already-ingested", 0),
    ]


def test_screener_sees_every_new_party_once(run: Ingest, store: AnalyticsStore,
                                            tmp_path: Path) -> None:  # fmt: skip
    screener = Recorder()
    rows = [
        "T1,2025-01-02,1,EUR,Alpha GmbH,DE,Sanctioned Trading LLC",
        "T2,2025-01-02,1,EUR,alpha  gmbh.,de,Beta Ltd",
    ]  # the same payer, spelt otherwise
    path = write(tmp_path / "p.csv", HEAD + "\n".join(rows) + "\n")
    summary = run("payments", path, screener=screener)
    seen = [p for call in screener.calls for p in call]
    assert sorted(p.name or "" for p in seen) == ["Alpha GmbH", "Beta Ltd",
                                                  "Sanctioned Trading LLC"]  # fmt: skip
    assert (summary.new_parties, summary.screening_hits) == (3, 1)
    parties = store.table("parties").to_pyarrow().to_pylist()
    assert {p["party_id"] for p in parties} == {p.party_id for p in seen}
    pay = store.table("payments").order_by("tx_id").to_pyarrow().to_pylist()
    assert pay[0]["debtor_party_id"] == pay[1]["debtor_party_id"]
    hit = store.table("party_hits").to_pyarrow().to_pylist()[0]
    assert hit["party_id"] == pay[0]["creditor_party_id"] and hit["score"] == 0.97
    # Known parties are not screened again; a new one is.
    more = write(tmp_path / "q.csv", HEAD + "T3,2025-01-03,1,EUR,Alpha GmbH,DE,Gamma AG\n")
    screener.calls.clear()
    run("payments", more, screener=screener)
    assert [p.name for call in screener.calls for p in call] == ["Gamma AG"]


def test_party_ids_span_kinds(run: Ingest, store: AnalyticsStore, tmp_path: Path) -> None:
    require_shared("hs_codes/hs2022_nomenclature.csv")
    run("trade", EXAMPLES / "trade.csv")
    path = write(tmp_path / "p.csv", HEAD + "T1,2025-01-02,1,EUR,EXAMPLE TRADING FZE,AE,X\n")
    run("payments", path)
    payer = store.table("payments").debtor_party_id.execute()[0]
    decl = store.table("trade_declarations")
    importers = decl.filter(decl.declaration_id == "EX-DEC-0001").importer_party_id.execute()
    assert set(importers) == {payer}


def test_party_columns_filled_in_one_file_of_a_run(run: Ingest, store: AnalyticsStore,
                                                    tmp_path: Path) -> None:  # fmt: skip
    """The stagers of a run's files say which party columns hold values; the commit takes
    every file's columns, not only the first's."""
    head = "tx_id,settlement_date,amount,currency,debtor_name,debtor_country,creditor_name\n"
    a = write(tmp_path / "a.csv", head + "T1,2025-01-02,1,EUR,,,\n")
    b = write(tmp_path / "b.csv", head + "T2,2025-01-02,2,EUR,Alpha GmbH,DE,Beta LLC\n")
    assert run("payments", a, b).new_parties == 2
    t = store.table("payments").order_by("tx_id").to_pyarrow()
    assert t["debtor_party_id"].to_pylist()[0] is None
    assert t["creditor_party_id"].to_pylist()[0] is None
    assert None not in t["debtor_party_id"].to_pylist()[1:] + t["creditor_party_id"].to_pylist()[1:]


def test_failed_file_stores_nothing(run: Ingest, settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "tx_id,amount\nT1,1\n")
    summary = run("payments", path).files[0]
    assert summary.status == "failed"
    assert "missing columns: settlement_date, currency" in (summary.error or "")
    assert not (settings.data_dir / "analytics" / "payments").exists()
    assert rejects(summary.rejects_path)[0]["reason"] == summary.error
    assert run("payments", path).files[0].status == "failed"  # not in the manifest: retried


def test_staging_is_cleaned(run: Ingest, settings: Settings) -> None:
    run("ais", require_shared("ais/pyais_mixed.txt"))
    assert list((settings.data_dir / "analytics" / "_staging").iterdir()) == []


def test_party_fields_follow_the_parties_dataset() -> None:
    """The commit builds ``Party`` objects positionally from the dataset's columns."""
    import dataclasses

    from accord.analytics.datasets import PARTIES

    assert [f.name for f in dataclasses.fields(Party)] == PARTIES.content_columns
