"""Export control: licences and denials from their templates, and bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.analytics.store import AnalyticsStore
from accord.settings import PROJECT_ROOT
from tests.conftest import require_shared
from tests.ingest.conftest import Ingest, rejects, write

EXAMPLES = PROJECT_ROOT / "docs" / "examples"
HEAD = "licence_id,exporter_name,destination_country,hs_code,control_entry,valid_from,valid_to\n"


def test_examples(run: Ingest, store: AnalyticsStore) -> None:
    require_shared("hs_codes/hs2022_nomenclature.csv")
    assert run("licences", EXAMPLES / "licences.csv").files[0].accepted == 2
    assert run("denials", EXAMPLES / "denials.csv").files[0].accepted == 1
    lic = store.table("licences").order_by("item_no").to_pyarrow().to_pylist()
    assert [(r["hs_code"], r["control_entry"]) for r in lic] == [("854231", "3A001"),
                                                                 (None, "5A002.a")]  # fmt: skip
    assert lic[0]["end_user_party_id"] == lic[1]["end_user_party_id"] is not None
    den = store.table("denials").to_pyarrow().to_pylist()[0]
    assert (den["denied_party_name"], den["control_entry"]) == ("Sample Machinery LLC", "2B001")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("L2,A,IN,,,2025-01-01,", "one of hs_code, control_entry is required"),
        ("L2,A,IN,,3Z999,2025-01-01,", "control_entry: '3Z999' is not a control-list entry"),
        ("L2,A,IN,854231,,2025-01-01,2024-12-31", "valid_to is before valid_from"),
        ("L2,,IN,854231,,2025-01-01,", "exporter_name: required value missing"),
        ("L2,A,IN,854231,,2025-01-01T00:00:00Z,", "valid_from: '2025-01-01T00:00:00Z' is not a"),
    ],
)
def test_bad_licences(run: Ingest, tmp_path: Path, row: str, reason: str) -> None:
    require_shared("hs_codes/hs2022_nomenclature.csv")
    path = write(tmp_path / "l.csv", HEAD + "L1,A,IN,854231,3A001,2025-01-01,\n" + row + "\n")
    summary = run("licences", path).files[0]
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert rejects(summary.rejects_path)[0]["reason"].startswith(reason)


def test_unknown_column_fails_the_file(run: Ingest, tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", HEAD.strip() + ",colour\nL1,A,IN,854231,,2025-01-01,,red\n")
    summary = run("licences", path).files[0]
    assert summary.status == "failed"
    assert summary.error == "l.csv: wrong column set (unknown columns: colour)"
