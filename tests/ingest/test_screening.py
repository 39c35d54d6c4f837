"""Ingested parties screened against the serving lists: hits stored once, notice without lists."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from accord.analytics.store import AnalyticsStore
from accord.ingest.base import IngestOptions, RunSummary
from accord.ingest.kinds import get_kind
from accord.ingest.parties import NoScreening, Party, default_screener
from accord.ingest.pipeline import ingest
from accord.ingest.screening import ListScreener, party_query
from accord.lists.ingest import ingest_file
from accord.screening import service
from accord.settings import Settings
from accord.store.db import Store
from tests.ingest.conftest import write
from tests.lists.ftm_factory import sanction, write_list

HEAD = "tx_id,settlement_date,amount,currency,debtor_name,debtor_country,creditor_name\n"
ROWS = "T1,2025-01-02,1,EUR,Alpha GmbH,DE,Volga Maritime Holdings\n"


@pytest.fixture
def lists_store(settings: Settings) -> Store:
    service.clear_cache()
    settings.ensure_dirs()
    return Store(settings.sqlalchemy_url)


def _load_list(store: Store, tmp_path: Path) -> None:
    company = {
        "id": "c1",
        "schema": "Company",
        "properties": {"name": ["Volga Maritime Holdings"], "jurisdiction": ["ru"]},
    }
    vessel = {
        "id": "v1",
        "schema": "Vessel",
        "properties": {"name": ["Sea Star"], "imoNumber": ["IMO9123453"]},
    }
    path = write_list(
        tmp_path / "list.json", [company, sanction("s1", "c1", "RUSSIA-EO14024"), vessel]
    )
    ingest_file(store, "opensanctions", path)


def _ingest(settings: Settings, store: Store, path: Path) -> RunSummary:
    return ingest(
        get_kind("payments"), [path], settings=settings,
        screener=default_screener(settings, store), options=IngestOptions(),
    )  # fmt: skip


def test_listed_party_is_stored_as_a_hit_once(
    settings: Settings, lists_store: Store, store: AnalyticsStore, tmp_path: Path
) -> None:
    _load_list(lists_store, tmp_path)
    screener = default_screener(settings, lists_store)
    assert isinstance(screener, ListScreener)
    path = write(tmp_path / "p.csv", HEAD + ROWS)
    run = ingest(get_kind("payments"), [path], settings=settings, screener=screener)
    assert (run.new_parties, run.parties_screened, run.screening_hits) == (2, 2, 1)
    assert run.screening_note is None
    hits = store.table("party_hits").to_pyarrow().to_pylist()
    assert len(hits) == 1
    hit = hits[0]
    payment = store.table("payments").to_pyarrow().to_pylist()[0]
    assert hit["party_id"] == payment["creditor_party_id"]
    assert hit["entity_id"] == "c1" and hit["list_id"] == "opensanctions"
    assert hit["listed_name"] == "Volga Maritime Holdings"
    assert hit["score"] >= 0.9 and "Volga Maritime Holdings" in hit["explanation"]
    assert json.loads(hit["list_versions"]) == {"opensanctions": hit["list_version"]}
    assert hit["algorithm"] and hit["screened_at"] is not None
    # The same file again, and another file with the same parties: nothing new is screened.
    assert _ingest(settings, lists_store, path).screening_hits == 0
    again = write(tmp_path / "q.csv", HEAD + ROWS.replace("T1", "T2"))
    run2 = ingest(get_kind("payments"), [again], settings=settings,
                  screener=default_screener(settings, lists_store))  # fmt: skip
    assert (run2.new_parties, run2.parties_screened, run2.screening_hits) == (0, 0, 0)
    assert store.table("party_hits").count().execute() == 1


def test_no_list_serving_ingests_without_screening(
    settings: Settings,
    lists_store: Store,
    store: AnalyticsStore,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="accord.ingest.screening"):
        screener = default_screener(settings, lists_store)
    assert isinstance(screener, NoScreening)
    assert "will not be screened" in caplog.text
    path = write(tmp_path / "p.csv", HEAD + ROWS)
    run = ingest(get_kind("payments"), [path], settings=settings, screener=screener)
    assert run.files[0].accepted == 1
    assert (run.new_parties, run.parties_screened, run.screening_hits) == (2, 0, 0)
    assert run.screening_note is not None and "no sanctions list is serving" in run.screening_note
    assert "party_hits" not in store.counts() or store.counts()["party_hits"] == 0


def _party(role: str, **fields: str | None) -> Party:
    base: dict[str, str | None] = dict.fromkeys(
        ("name", "country", "address", "account", "bic", "imo", "registration")
    )
    return Party(party_id="x", dataset="d", role=role, **{**base, **fields})


def test_party_queries() -> None:
    vessel = party_query(_party("vessel", name="SEA STAR", imo="9123453"))
    assert vessel is not None and vessel.schema_ == "Vessel"
    assert [(i.kind, i.value) for i in vessel.identifiers] == [("imo", "9123453")]
    bank = party_query(_party("debtor_agent", name="Bank X", bic="DEUTDEFF", country="de"))
    assert bank is not None and bank.schema_ == "Organization" and bank.countries == ("de",)
    payer = party_query(_party("debtor", name="Alpha GmbH", country="Atlantis"))
    assert payer is not None and payer.schema_ == "LegalEntity" and payer.countries == ()
    assert party_query(_party("debtor", account="DE89370400440532013000")) is None
    by_imo = party_query(_party("vessel", imo="9123453"))
    assert by_imo is not None and by_imo.names == ("9123453",)


def test_vessel_found_by_imo(settings: Settings, lists_store: Store, tmp_path: Path) -> None:
    _load_list(lists_store, tmp_path)
    screener = default_screener(settings, lists_store)
    hits = screener.screen_parties([_party("vessel", name="SEA STAR", imo="9123453")])
    assert [h.entity_id for h in hits] == ["v1"]
