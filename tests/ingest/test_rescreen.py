"""Re-screening stored parties against the current serving list versions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from accord.analytics.store import AnalyticsStore
from accord.ingest.parties import Party, ScreeningHit
from accord.ingest.rescreen import rescreen_parties
from accord.settings import Settings
from tests.ingest.conftest import Ingest, write

HEAD = "tx_id,settlement_date,amount,currency,debtor_name,debtor_country,creditor_name\n"


class Lists:
    """A screener over given list versions: flags every party named 'Sanctioned'."""

    algorithm = "test-1"

    def __init__(self, versions: str) -> None:
        self.list_versions = versions
        self.seen: list[str] = []

    def screen_parties(self, parties: Sequence[Party]) -> Sequence[ScreeningHit]:
        self.seen.extend(p.name or "" for p in parties)
        return [ScreeningHit(p.party_id, "NK-test", 0.97, "name", list_versions=self.list_versions)
                for p in parties if p.name and "Sanctioned" in p.name]  # fmt: skip


def test_parties_stored_without_lists_are_screened_later(
    run: Ingest, store: AnalyticsStore, settings: Settings, tmp_path: Path
) -> None:
    path = write(tmp_path / "p.csv", HEAD + "T1,2025-01-02,1,EUR,Alpha GmbH,DE,Sanctioned LLC\n")
    first = run("payments", path)  # no screener: no list serving yet
    assert first.new_parties == 2 and first.parties_screened == 0
    assert store.table("party_hits").count().execute() == 0

    lists = Lists('{"un": 1}')
    summary = rescreen_parties(settings, screener=lists)
    assert (summary.parties, summary.stale, summary.screened, summary.hits) == (2, 2, 2, 1)
    assert sorted(lists.seen) == ["Alpha GmbH", "Sanctioned LLC"]
    hit = store.table("party_hits").to_pyarrow().to_pylist()
    assert [(h["entity_id"], h["list_versions"]) for h in hit] == [("NK-test", '{"un": 1}')]
    screenings = store.table("party_screenings").to_pyarrow().to_pylist()
    assert sorted(s["hits"] for s in screenings) == [0, 1]
    assert {s["list_versions"] for s in screenings} == {'{"un": 1}'}

    # Same versions again: nothing is stale.
    lists.seen.clear()
    again = rescreen_parties(settings, screener=lists)
    assert (again.stale, again.hits, lists.seen) == (0, 0, [])

    # A new list version: every party is screened again; the known match is not stored twice.
    newer = Lists('{"un": 2}')
    after = rescreen_parties(settings, screener=newer)
    assert (after.stale, after.hits) == (2, 0)
    assert store.table("party_hits").count().execute() == 1
    assert store.table("party_screenings").count().execute() == 4


def test_parties_screened_at_ingestion_are_not_screened_again(
    run: Ingest, settings: Settings, tmp_path: Path
) -> None:
    lists = Lists('{"un": 1}')
    path = write(tmp_path / "p.csv", HEAD + "T1,2025-01-02,1,EUR,Alpha GmbH,DE,Beta Ltd\n")
    run("payments", path, screener=lists)
    assert sorted(lists.seen) == ["Alpha GmbH", "Beta Ltd"]
    lists.seen.clear()
    assert rescreen_parties(settings, screener=lists).stale == 0
    assert rescreen_parties(settings, screener=lists, force=True).stale == 2


def test_no_list_serving_screens_nothing(run: Ingest, settings: Settings, tmp_path: Path) -> None:
    run("payments", write(tmp_path / "p.csv", HEAD + "T1,2025-01-02,1,EUR,A,DE,B\n"))
    summary = rescreen_parties(settings)  # the default screener: no list is loaded here
    assert summary.stale == 0 and summary.note and "no sanctions list is serving" in summary.note
