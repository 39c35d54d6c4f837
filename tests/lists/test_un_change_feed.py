"""The change feed on real data: the UN lists of 2024-05-15 and 2026-02-27.

The expected entries were checked by hand against the two XML files:
- DATAID 111800 (YASSINE CHEKKOURI) is in the 2024 file and not in the 2026 file;
- DATAID 110327 (YAS AIR, UN list type Iran) appears only in the 2026 file;
- DATAID 110554 (ABDUL LATIF MANSUR) gains a second INDIVIDUAL_PLACE_OF_BIRTH in 2026
  (Garda Saray District, Paktia Province) beside Zurmat District.
Totals: 875 records in 2024, 1,003 in 2026 = 875 - 13 removed + 141 added.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accord.lists import queries
from accord.lists.ingest import fetch_list
from accord.settings import Settings
from accord.store.db import Store
from tests.conftest import require_shared


@pytest.fixture(scope="module")
def un_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    lists = require_shared("lists")
    require_shared("lists/un/2026-02-27/UN_consolidated.xml")
    tmp = tmp_path_factory.mktemp("un")
    store = Store(f"sqlite:///{tmp / 'un.db'}")
    outcomes = fetch_list(store, Settings(data_dir=tmp), "un", from_path=lists)
    assert [o.records for o in outcomes] == [875, 1003]
    assert outcomes[1].changes == {"added": 141, "removed": 13, "amended": 100}
    return store


def _feed(store: Store) -> dict[str, queries.FeedEntry]:
    with store.reader() as s:
        entries = queries.changes_since(s, datetime(2025, 1, 1, tzinfo=UTC), list_ids=["un"])
    return {e.entity_id: e for e in entries}


@pytest.mark.parametrize(
    ("entity_id", "change", "field", "delta"),
    [
        ("un-111800", "removed", "name", {"removed": ["YASSINE CHEKKOURI"]}),
        ("un-111800", "removed", "birthDate", {"removed": ["1966-10-06"]}),
        ("un-110327", "added", "name", {"added": ["YAS AIR"]}),
        ("un-110327", "added", "sanction.program", {"added": ["Iran"]}),
        (
            "un-110554",
            "amended",
            "birthPlace",
            {"added": ["Garda Saray District, Paktia Province, Afghanistan"]},
        ),
    ],
)
def test_known_changes(
    un_store: Store, entity_id: str, change: str, field: str, delta: object
) -> None:
    entry = _feed(un_store)[entity_id]
    assert entry.change == change
    assert entry.fields[field] == delta


def test_feed_since_filters_by_publication(un_store: Store) -> None:
    assert len(_feed(un_store)) == 254
    with un_store.reader() as s:
        everything = queries.changes_since(s, datetime(2000, 1, 1, tzinfo=UTC), list_ids=["un"])
        later = queries.changes_since(s, datetime(2026, 3, 1, tzinfo=UTC))
    assert len(everything) == 875 + 254  # the first version's additions count too
    assert later == []


def test_diff_between_versions_matches_feed(un_store: Store) -> None:
    with un_store.reader() as s:
        old, new = queries.resolve_versions(s, "un", None, None)
        changes = queries.diff_versions(s, old.id, new.id)
    assert len(changes) == 254
    assert {c.entity_id for c in changes} == set(_feed(un_store))
