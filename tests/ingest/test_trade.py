"""Trade: declarations (CSV and Excel), HS validation, and the real trade-flow statistics."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from accord.analytics.store import AnalyticsStore
from accord.settings import PROJECT_ROOT
from tests.conftest import require_shared
from tests.ingest.conftest import Ingest, rejects, write

EXAMPLE = PROJECT_ROOT / "docs" / "examples" / "trade.csv"
HEAD = "declaration_id,declaration_date,flow,hs_code,exporter_name,exporter_country,vessel_imo\n"


def test_example_declarations(run: Ingest, store: AnalyticsStore) -> None:
    require_shared("hs_codes/hs2022_nomenclature.csv")
    summary = run("trade", EXAMPLE).files[0]
    assert (summary.accepted, summary.rejected) == (3, 0)
    t = store.table("trade_declarations").order_by(["declaration_id", "item_no"]).to_pyarrow()
    rows = t.to_pylist()
    assert [r["item_no"] for r in rows] == [1, 2, 1]  # the empty item_no defaults to 1
    assert rows[0]["hs_code"] == "85423190" and rows[0]["vessel_imo"] == 9282041
    assert rows[2]["transit_countries"] == ["GE", "AZ"]
    assert rows[2]["flow"] == "transit"
    # Exporter and consignee of the same name and country are one party.
    assert rows[2]["exporter_party_id"] == rows[0]["consignee_party_id"]


@pytest.mark.parametrize(
    ("hs", "reason"),
    [
        ("12345", "is not an HS code of 6 to 10 digits"),
        ("85423112345", "is not an HS code of 6 to 10 digits"),
        ("010110", "is not in the HS 2022 nomenclature"),  # HS 2007, split up in 2012
        ("854200", "is not in the HS 2022 nomenclature"),  # a heading padded, not a subheading
        ("", "hs_code: required value missing"),
    ],
)
def test_invalid_hs_codes(run: Ingest, tmp_path: Path, hs: str, reason: str) -> None:
    require_shared("hs_codes/hs2022_nomenclature.csv")
    rows = ["D1,2025-01-01,export,8542.31,A,DE,", f"D2,2025-01-01,export,{hs},A,DE,"]
    summary = run("trade", write(tmp_path / "d.csv", HEAD + "\n".join(rows) + "\n")).files[0]
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert reason in rejects(summary.rejects_path)[0]["reason"]


def test_a_batch_without_any_hs_code(run: Ingest, tmp_path: Path) -> None:
    """Every row lacks its (required) HS code: every row is a reject, none crashes the file."""
    require_shared("hs_codes/hs2022_nomenclature.csv")
    rows = [f"D{i},2025-01-01,export,,A,DE," for i in range(3)]
    summary = run("trade", write(tmp_path / "d.csv", HEAD + "\n".join(rows) + "\n")).files[0]
    assert (summary.accepted, summary.rejected, summary.error) == (0, 3, None)
    assert all("hs_code" in r["reason"] for r in rejects(summary.rejects_path))


@pytest.mark.parametrize(
    "codes",
    [
        ["854231", "010110", "854110"],  # six digits each
        ["85423190", "01011000", "854110"],  # national extensions: checked on their first six
    ],
)
def test_plain_digit_hs_codes(run: Ingest, store: AnalyticsStore, tmp_path: Path,
                              codes: list[str]) -> None:  # fmt: skip
    """Codes written as plain digits only (no dots or spaces) are checked the same way."""
    require_shared("hs_codes/hs2022_nomenclature.csv")
    rows = [f"D{i},2025-01-01,export,{hs},A,DE," for i, hs in enumerate(codes)]
    summary = run("trade", write(tmp_path / "d.csv", HEAD + "\n".join(rows) + "\n")).files[0]
    assert (summary.accepted, summary.rejected) == (2, 1)
    [reject] = rejects(summary.rejects_path)
    assert reject["line"] == "3"
    assert reject["reason"] == f"hs_code: '{codes[1]}' is not in the HS 2022 nomenclature"
    stored = store.table("trade_declarations").order_by("declaration_id").hs_code.execute()
    assert list(stored) == [codes[0], codes[2]]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("D2,2025-02-30,export,854231,A,DE,", "declaration_date: '2025-02-30' is not a date"),
        ("D2,2025-01-01,smuggle,854231,A,DE,", "flow: 'smuggle' is not one of"),
        ("D2,2025-01-01,export,854231,A,Germany,", "exporter_country: 'GERMANY' is not an ISO"),
        ("D2,2025-01-01,export,854231,A,DE,9282042", "vessel_imo: '9282042' fails the IMO check"),
        ("D1,2025-01-01,import,854231,A,DE,", "duplicate id (declaration_id, item_no) with"),
    ],
)
def test_bad_declarations(run: Ingest, tmp_path: Path, row: str, reason: str) -> None:
    require_shared("hs_codes/hs2022_nomenclature.csv")
    path = write(tmp_path / "d.csv", HEAD + "D1,2025-01-01,export,854231,A,DE,\n" + row + "\n")
    summary = run("trade", path).files[0]
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert reason in rejects(summary.rejects_path)[0]["reason"]


def test_excel_reads_the_same_columns(run: Ingest, store: AnalyticsStore, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    require_shared("hs_codes/hs2022_nomenclature.csv")
    with EXAMPLE.open(encoding="utf-8") as fh:
        table = list(csv.reader(fh))
    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate(table):
        # Excel users type numbers as numbers: the reader must turn them back into codes.
        sheet.append([int(v) if r and v.isdigit() else v for v in row])
    book.save(tmp_path / "declarations.xlsx")
    summary = run("trade", tmp_path / "declarations.xlsx").files[0]
    assert (summary.format, summary.accepted, summary.rejected) == ("xlsx", 3, 0)
    assert sorted(store.table("trade_declarations").hs_code.execute()) == [
        "847130", "854231", "85423190"]  # fmt: skip


def _distinct(path: Path, key: list[str]) -> int:
    with path.open(encoding="utf-8-sig") as fh:
        return len({tuple(r[k] for k in key) for r in csv.DictReader(fh)})


FLOW_FILES = [
    # (file, rows per SOURCES.md, columns of its natural key)
    ("eurostat_comext_eu_trade_monthly_totals.csv", 14_092,
     ["reporter", "partner", "product", "flow", "stat_procedure", "period_yyyymm"]),
    ("eurostat_comext_eu27_exports_annual_by_partner.csv", 3_407,
     ["reporter", "partner", "product", "flow", "stat_procedure", "period"]),
    ("national_imports_yearly_armenia.csv", 573, ["PARTNER", "FLOW", "STAT_PROCEDURE", "PERIOD"]),
    ("national_imports_yearly_kazakhstan.csv", 437,
     ["PARTNER", "FLOW", "STAT_PROCEDURE", "PERIOD"]),
    ("national_imports_yearly_kyrgyz.csv", 688, ["PARTNER", "FLOW", "STAT_PROCEDURE", "PERIOD"]),
    ("national_imports_yearly_uzbek.csv", 1_175, ["PARTNER", "FLOW", "STAT_PROCEDURE", "PERIOD"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "rows", "key"), FLOW_FILES)
def test_trade_flow_files(run: Ingest, name: str, rows: int, key: list[str]) -> None:
    path = require_shared(f"trade/{name}")
    summary = run("trade-flows", path).files[0]
    assert summary.accepted + summary.duplicate + summary.rejected == rows
    # Rows repeated verbatim across the concatenated upstream exports are duplicates.
    assert (summary.accepted, summary.rejected) == (_distinct(path, key), 0)


def test_trade_flow_values(run: Ingest, store: AnalyticsStore) -> None:
    monthly = require_shared("trade/eurostat_comext_eu_trade_monthly_totals.csv")
    comtrade = require_shared("trade/comtrade_plus_api_response_CHN_2010_total.json")
    run("trade-flows", monthly, comtrade)
    t = store.table("trade_flows")
    hr = t.filter((t.reporter == "Croatia") & (t.partner == "Armenia") & (t.period == "2024-08"))
    row = hr.to_pyarrow().to_pylist()[0]
    assert (row["value"], row["reporter_country"], row["partner_country"], row["freq"]) == (
        62592.0, "HR", "AM", "M")  # fmt: skip
    cn = t.filter(t.source == "comtrade").to_pyarrow().to_pylist()
    records = json.loads(comtrade.read_text())["data"]
    assert len(cn) == len(records) == 4
    arg = next(r for r in cn if r["partner_country"] == "AR" and r["flow"] == "import")
    src = next(r for r in records if r["partnerISO"] == "ARG" and r["flowCode"] == "M")
    assert (arg["value"], arg["currency"], arg["period"]) == (src["primaryValue"], "USD", "2010")


def test_trade_flow_french_labels(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("trade/eurostat_comext_eu27_exports_annual_by_partner.csv")
    run("trade-flows", path)
    t = store.table("trade_flows")
    # One upstream export is in French ("EXPORTATION", "Union européenne - 27 pays …").
    assert t.flow.nunique().execute() == 1
    assert t.filter(t.reporter.startswith("Union européenne")).count().execute() > 0
