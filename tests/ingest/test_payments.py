"""Payments: the real pacs.008 and MT103 samples, the CSV template, and bad messages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from accord.analytics.store import AnalyticsStore
from tests.conftest import require_shared
from tests.ingest.conftest import Ingest, rejects, write

NS8 = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"


def _payment(store: AnalyticsStore) -> dict[str, object]:
    rows = store.table("payments").to_pyarrow().to_pylist()
    assert len(rows) == 1
    return rows[0]


def test_pacs008_sample(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("payments/pacs.008.001.08_sample.xml")
    summary = run("payments", path, assume_timezone="UTC").files[0]
    assert (summary.format, summary.accepted, summary.rejected) == ("pacs.008", 1, 0)
    p = _payment(store)
    # SOURCES.md: 1 CdtTrfTxInf; 1000.00 EUR; UETR present; DEUTDEFF → COBADEFF.
    assert (p["amount"], p["currency"]) == (Decimal("1000.00"), "EUR")
    assert p["uetr"] == "910f23a7-c670-4823-92d0-9eb172d4df49"
    assert (p["debtor_agent_bic"], p["creditor_agent_bic"]) == ("DEUTDEFF", "COBADEFF")
    assert (p["debtor_name"], p["creditor_name"]) == ("Debtor Corp", "Creditor Ltd")
    assert (p["msg_id"], p["tx_id"], p["end_to_end_id"]) == ("MSG-CORE-TEST", "TX-CORE", "E2E-CORE")
    assert p["settlement_date"] == date(2026, 1, 15)
    assert p["created_at"] == datetime(2026, 1, 15, 10, 30, tzinfo=UTC)
    assert p["format"] == "pacs.008.001.08"


def test_pacs008_creation_time_without_zone_is_rejected(run: Ingest) -> None:
    path = require_shared("payments/pacs.008.001.08_sample.xml")
    summary = run("payments", path).files[0]
    assert (summary.accepted, summary.rejected) == (0, 1)
    assert "has no time zone" in rejects(summary.rejects_path)[0]["reason"]


def test_pacs008_synthetic_standard_sample(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("standards/iso20022/sample-pacs.008.001.08-synthetic.xml")
    assert run("payments", path).files[0].accepted == 1
    p = _payment(store)
    assert (p["debtor_country"], p["creditor_country"]) == ("AE", "TR")
    assert (p["debtor_account"], p["purpose"]) == ("0000000001", "GDDS")
    assert p["remittance_info"] == "INV 2025-0042 machine tool spare parts"
    assert p["instructed_agent_bic"] == "BBBBXXYYXXX"


def test_mt103_sample(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("payments/mt103_sample.txt")
    summary = run("payments", path).files[0]
    assert (summary.format, summary.accepted) == ("mt103", 1)
    p = _payment(store)
    # SOURCES.md: EUR 100,000 value 2006-10-28.
    assert (p["amount"], p["currency"], p["settlement_date"]) == (
        Decimal(100000), "EUR", date(2006, 10, 28))  # fmt: skip
    assert p["debtor_name"] == "AGENTES DE BOLSA FOO AGENCIA"
    assert p["debtor_address"] == "AV XXXXX 123 BIS 9 PL, 12345 BARCELONA"
    assert (p["creditor_account"], p["creditor_name"]) == (
        "ES0123456789012345671234", "FOO AGENTES DE BOLSA ASOC")  # fmt: skip
    assert (p["debtor_agent_bic"], p["creditor_agent_bic"]) == ("FOOAESMMXXX", "BICFOOYYXXX")
    assert p["charge_bearer"] == "DEBT"  # :71A:OUR


def _doc(msg_id: str, amount: str = "10.00", cre: str = "2025-01-14T09:30:00Z",
         ns: str = NS8) -> str:  # fmt: skip
    return (
        f'<Document xmlns="{ns}"><FIToFICstmrCdtTrf><GrpHdr><MsgId>{msg_id}</MsgId>'
        f"<CreDtTm>{cre}</CreDtTm><NbOfTxs>1</NbOfTxs><SttlmInf><SttlmMtd>INDA</SttlmMtd>"
        "</SttlmInf></GrpHdr><CdtTrfTxInf><PmtId><EndToEndId>E</EndToEndId></PmtId>"
        f'<IntrBkSttlmAmt Ccy="USD">{amount}</IntrBkSttlmAmt><IntrBkSttlmDt>2025-01-14'
        "</IntrBkSttlmDt><ChrgBr>SHAR</ChrgBr><Dbtr><Nm>Payer</Nm></Dbtr><DbtrAgt><FinInstnId>"
        "<BICFI>AAAAXXYYXXX</BICFI></FinInstnId></DbtrAgt><CdtrAgt><FinInstnId><BICFI>"
        "BBBBXXYYXXX</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>Payee</Nm></Cdtr></CdtTrfTxInf>"
        "</FIToFICstmrCdtTrf></Document>"
    )


def test_bulk_file_with_bad_messages(run: Ingest, store: AnalyticsStore, tmp_path: Path) -> None:
    body = "\n".join([
        _doc("M1"), _doc("M2", amount="abc"), _doc("M3", cre="2025-01-14T09:30:00"),
        _doc("M4", ns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.07"),
        _doc("M5", ns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.10"), _doc("M6"),
    ])  # fmt: skip
    path = write(tmp_path / "bulk.xml", f"<?xml version='1.0'?>\n<Batch>\n{body}\n</Batch>\n")
    summary = run("payments", path).files[0]
    assert (summary.accepted, summary.rejected) == (2, 4)
    reasons = [r["reason"] for r in rejects(summary.rejects_path)]
    assert reasons[0].startswith("XSD: Element '{" + NS8 + "}IntrBkSttlmAmt': 'abc'")
    assert "has no time zone" in reasons[1]
    assert reasons[2] == "pacs.008.001.07 is not supported (.08 and later)"
    assert reasons[3].startswith("no XSD for pacs.008.001.10")
    assert sorted(store.table("payments").msg_id.execute()) == ["M1", "M6"]


def test_malformed_xml_keeps_what_came_before(run: Ingest, tmp_path: Path) -> None:
    path = write(tmp_path / "cut.xml", f"<Batch>\n{_doc('M1')}\n{_doc('M2')[:150]}")
    summary = run("payments", path).files[0]
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert rejects(summary.rejects_path)[0]["reason"].startswith("XML not well-formed")


def test_mt103_missing_fields(run: Ingest, tmp_path: Path) -> None:
    good = require_shared("payments/mt103_sample.txt").read_text()
    broken = good.replace(":32A:061028EUR100000,\n", "")
    path = write(tmp_path / "two.fin", good + "\n" + broken)
    summary = run("payments", path, format="mt103").files[0]
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert rejects(summary.rejects_path)[0]["reason"] == "missing mandatory fields: :32A:"


def test_csv_template_duplicate_ids(run: Ingest, store: AnalyticsStore, tmp_path: Path) -> None:
    head = "tx_id,settlement_date,amount,currency,debtor_name,creditor_name,debtor_agent_bic\n"
    rows = [
        "T1,2025-01-02,100.00,EUR,A Ltd,B Ltd,AAAADEFF",
        "T1,2025-01-02,100.00,EUR,A Ltd,B Ltd,AAAADEFF",  # the same record again
        "T1,2025-01-02,999.00,EUR,A Ltd,B Ltd,AAAADEFF",  # same id, other amount: conflict
        "T2,2025-01-02,5,EUR,A Ltd,C Ltd,NOTABIC1234X",  # malformed BIC
        ",2025-01-02,5,EUR,A Ltd,C Ltd,",  # no id at all
    ]
    path = write(tmp_path / "p.csv", head + "\n".join(rows) + "\n")
    summary = run("payments", path).files[0]
    assert (summary.accepted, summary.duplicate, summary.rejected) == (1, 1, 3)
    reasons = {r["line"]: r["reason"] for r in rejects(summary.rejects_path)}
    assert reasons["4"].startswith("duplicate id") and "line 2" in reasons["4"]
    assert reasons["5"] == "debtor_agent_bic: 'NOTABIC1234X' is not a BIC"
    assert reasons["6"] == "one of uetr, tx_id, end_to_end_id, msg_id is required"
    assert store.table("payments").amount.execute().tolist() == [Decimal("100")]


@pytest.mark.parametrize("name", ["pacs.008.001.08_sample.xml", "mt103_sample.txt"])
def test_detection(run: Ingest, name: str) -> None:
    path = require_shared(f"payments/{name}")
    fmt = run("payments", path, assume_timezone="UTC").files[0].format
    assert fmt == ("pacs.008" if name.endswith(".xml") else "mt103")
