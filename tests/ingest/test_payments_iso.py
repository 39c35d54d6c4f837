"""pacs.008 field extraction, read straight from the reader: every column of a full message,
the rules of the walk (first element, all of a repeated one, other namespaces left out), and
the dates (offsets to UTC; settlement dates read as ``strptime`` reads them)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from accord.ingest.base import IngestOptions, Reject
from accord.ingest.payments_iso import _date, _Doc, _paths, read_pacs008
from tests.conftest import require_shared
from tests.ingest.conftest import write

NS8 = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"
NS13 = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.13"


def _agent(tag: str, bic: str) -> str:
    return f"<{tag}><FinInstnId><BICFI>{bic}</BICFI></FinInstnId></{tag}>"


#: One transaction with every field the reader takes, with line breaks, tabs, a no-break space,
#: a comment and a CDATA section in its text; a second ``CdtTrfTxInf`` follows on its own line.
FULL_TX = (
    "<CdtTrfTxInf><PmtId><InstrId>I-1</InstrId><EndToEndId>E-1</EndToEndId><TxId>T-1</TxId>"
    "<UETR>910f23a7-c670-4823-92d0-9eb172d4df49</UETR></PmtId>"
    '<IntrBkSttlmAmt Ccy="EUR"> 1234.5 </IntrBkSttlmAmt><IntrBkSttlmDt>2024-02-29</IntrBkSttlmDt>'
    "<ChrgBr>DEBT</ChrgBr>"
    + _agent("InstgAgt", "INSGDEFFXXX") + _agent("InstdAgt", "INSDDEFFXXX")
    + _agent("IntrmyAgt1", "INTADEFFXXX") + _agent("IntrmyAgt2", "INTBDEFFXXX")
    + _agent("IntrmyAgt3", "INTCDEFFXXX")
    + "<UltmtDbtr><Nm>Ultimate\n\tDebtor</Nm><CtryOfRes>KZ</CtryOfRes></UltmtDbtr>"
    "<Dbtr><Nm>  Debtor\u00a0Co  <!-- a comment ends .text -->Ltd</Nm><PstlAdr>"
    "<StrtNm>Main St</StrtNm><BldgNb>12</BldgNb><PstCd>10115</PstCd><TwnNm>Berlin</TwnNm>"
    "<CtrySubDvsn>BE</CtrySubDvsn><Ctry>DE</Ctry><AdrLine>c/o Desk 4</AdrLine>"
    "<AdrLine> Floor 2 </AdrLine></PstlAdr><CtryOfRes>AE</CtryOfRes></Dbtr>"
    "<DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>"
    + _agent("DbtrAgt", "DEUTDEFF")
    + _agent("CdtrAgt", "COBADEFF")
    + "<Cdtr><Nm><![CDATA[Creditor & <Sons>]]></Nm><PstlAdr><AdrLine>Line only</AdrLine>"
    "</PstlAdr><CtryOfRes>TR</CtryOfRes></Cdtr>"
    "<CdtrAcct><Id><Othr><Id> ACC 7 </Id></Othr></Id></CdtrAcct>"
    "<UltmtCdtr><Nm>Ultimate Creditor</Nm><PstlAdr><Ctry>AM</Ctry></PstlAdr></UltmtCdtr>"
    "<Purp><Prtry>TRADE</Prtry></Purp>"
    "<RmtInf><Ustrd>INV 1</Ustrd><Ustrd>  </Ustrd><Strd><AddtlRmtInf>part A</AddtlRmtInf></Strd>"
    "<Strd><AddtlRmtInf>part B</AddtlRmtInf><AddtlRmtInf>part C</AddtlRmtInf></Strd></RmtInf>"
    # Another namespace's content is not the message's: this Dbtr must not be read.
    '<SplmtryData><Envlp><x:Extra xmlns:x="urn:example:other">'
    f'<Dbtr xmlns="{NS8}"><Nm>Hidden</Nm></Dbtr></x:Extra></Envlp></SplmtryData>'
    "</CdtTrfTxInf>"
)  # fmt: skip
SECOND_TX = (
    "<CdtTrfTxInf><PmtId><EndToEndId>E-2</EndToEndId></PmtId>"
    '<IntrBkSttlmAmt Ccy="USD">7</IntrBkSttlmAmt><ChrgBr>SHAR</ChrgBr>'
    "<Dbtr><Nm>D2</Nm></Dbtr>" + _agent("DbtrAgt", "AAAAXXYYXXX")
    + _agent("CdtrAgt", "BBBBXXYYXXX") + "<Cdtr><Nm>C2</Nm></Cdtr></CdtTrfTxInf>"
)  # fmt: skip


def _message(txs: str, cre: str = "2025-01-14T09:30:00+05:30", ns: str = NS8,
             hdr_extra: str = "") -> str:  # fmt: skip
    return (
        f'<Document xmlns="{ns}"><FIToFICstmrCdtTrf><GrpHdr><MsgId>MSG-1</MsgId>'
        f"<CreDtTm>{cre}</CreDtTm><NbOfTxs>2</NbOfTxs><IntrBkSttlmDt>2025-01-15</IntrBkSttlmDt>"
        "<SttlmInf><SttlmMtd>INDA</SttlmMtd></SttlmInf>"
        + _agent("InstgAgt", "HDRGDEFFXXX") + _agent("InstdAgt", "HDRDDEFFXXX")
        + f"{hdr_extra}</GrpHdr>{txs}</FIToFICstmrCdtTrf></Document>"
    )  # fmt: skip


def _read(tmp_path: Path, *messages: str, zone: str | None = None,
          batch_rows: int = 100_000) -> tuple[list[dict[str, Any]], list[Reject]]:  # fmt: skip
    xsd = require_shared("standards/iso20022")
    body = "\n".join(messages)
    path = write(tmp_path / "bulk.xml", f"<?xml version='1.0'?>\n<Batch>\n{body}\n</Batch>\n")
    options = IngestOptions(xsd_dir=xsd, assume_timezone=zone, batch_rows=batch_rows)
    rows: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    for chunk in read_pacs008(path, options, lambda _n: None):
        rows += chunk.tables["payments"].to_pylist() if "payments" in chunk.tables else []
        rejects += chunk.rejects
    return rows, rejects


FULL_ROW = {
    "format": "pacs.008.001.08", "msg_id": "MSG-1",
    "created_at": datetime(2025, 1, 14, 4, 0, tzinfo=UTC),  # 09:30 at +05:30, stored in UTC
    "instr_id": "I-1", "end_to_end_id": "E-1", "tx_id": "T-1",
    "uetr": "910f23a7-c670-4823-92d0-9eb172d4df49",
    "settlement_date": date(2024, 2, 29), "amount": Decimal("1234.5"), "currency": "EUR",
    "charge_bearer": "DEBT",
    "debtor_name": "Debtor Co",  # the text before the comment, whitespace collapsed
    "debtor_address": "c/o Desk 4, Floor 2, Main St, 12, 10115, Berlin, BE",
    "debtor_country": "DE", "debtor_account": "DE89370400440532013000",
    "debtor_agent_bic": "DEUTDEFF",
    "creditor_name": "Creditor & <Sons>", "creditor_address": "Line only",
    "creditor_country": "TR", "creditor_account": "ACC 7", "creditor_agent_bic": "COBADEFF",
    "instructing_agent_bic": "INSGDEFFXXX", "instructed_agent_bic": "INSDDEFFXXX",
    "intermediary_agent1_bic": "INTADEFFXXX", "intermediary_agent2_bic": "INTBDEFFXXX",
    "intermediary_agent3_bic": "INTCDEFFXXX",
    "ultimate_debtor_name": "Ultimate Debtor", "ultimate_debtor_country": "KZ",
    "ultimate_creditor_name": "Ultimate Creditor", "ultimate_creditor_country": "AM",
    "purpose": "TRADE", "remittance_info": "INV 1; part A; part B; part C",
    "_line": 3,
}  # fmt: skip


@pytest.mark.parametrize("ns", [NS8, NS13])
def test_every_field_of_a_full_message(tmp_path: Path, ns: str) -> None:
    rows, rejects = _read(tmp_path, _message(FULL_TX.replace(NS8, ns) + "\n" + SECOND_TX, ns=ns))
    assert rejects == []
    assert rows[0] == {**FULL_ROW, "format": ns.rsplit(":", 1)[-1]}
    # The second transaction has none of the optional fields: the header's date and agents.
    assert rows[1] == {
        **dict.fromkeys(FULL_ROW), "format": ns.rsplit(":", 1)[-1], "msg_id": "MSG-1",
        "created_at": FULL_ROW["created_at"], "end_to_end_id": "E-2",
        "settlement_date": date(2025, 1, 15), "amount": Decimal(7), "currency": "USD",
        "charge_bearer": "SHAR", "debtor_name": "D2", "debtor_agent_bic": "AAAAXXYYXXX",
        "creditor_name": "C2", "creditor_agent_bic": "BBBBXXYYXXX",
        "instructing_agent_bic": "HDRGDEFFXXX", "instructed_agent_bic": "HDRDDEFFXXX",
        "_line": 5,  # the first one's UltmtDbtr/Nm holds a line break
    }  # fmt: skip


@pytest.mark.parametrize(
    ("cre", "utc"),
    [
        ("2025-01-14T09:30:00Z", datetime(2025, 1, 14, 9, 30, tzinfo=UTC)),
        ("2025-01-14T09:30:00-08:00", datetime(2025, 1, 14, 17, 30, tzinfo=UTC)),
        ("2025-01-14T00:30:00+14:00", datetime(2025, 1, 13, 10, 30, tzinfo=UTC)),
        ("2025-01-14T09:30:00-00:00", datetime(2025, 1, 14, 9, 30, tzinfo=UTC)),
        ("2025-01-14T09:30:00.123456+01:00", datetime(2025, 1, 14, 8, 30, 0, 123456, tzinfo=UTC)),
    ],
)
def test_creation_times_with_offsets_are_stored_in_utc(
    tmp_path: Path, cre: str, utc: datetime
) -> None:
    rows, _ = _read(tmp_path, _message(SECOND_TX, cre=cre))
    assert rows[0]["created_at"] == utc


def test_zone_less_creation_time(tmp_path: Path) -> None:
    message = _message(SECOND_TX, cre="2025-01-14T09:30:00")
    rows, rejects = _read(tmp_path, message)
    assert rows == []
    assert rejects[0].reason == (
        "CreDtTm '2025-01-14T09:30:00' has no time zone (give --assume-timezone)"
    )
    rows, _ = _read(tmp_path, message, zone="Asia/Dubai")
    assert rows[0]["created_at"] == datetime(2025, 1, 14, 5, 30, tzinfo=UTC)


def test_creation_time_out_of_range_in_utc_is_a_reject(tmp_path: Path) -> None:
    """Valid per the XSD, but before year 1 once in UTC: that message is rejected, the file
    goes on (it used to abort the whole file with an OverflowError)."""
    bad = _message(SECOND_TX, cre="0001-01-01T00:00:00+01:00")
    rows, rejects = _read(tmp_path, bad)
    assert rows == []
    assert rejects[0].reason == "CreDtTm '0001-01-01T00:00:00+01:00' is out of range in UTC"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        # xs:date allows a zone and years of five digits; the reader never did.
        ("2025-01-14Z", "unconverted data remains: Z"),
        ("2025-01-14+02:00", "unconverted data remains: +02:00"),
        ("12025-01-14", "time data '12025-01-14' does not match format '%Y-%m-%d'"),
    ],
)
def test_settlement_dates_the_xsd_allows_but_the_reader_refuses(
    tmp_path: Path, value: str, reason: str
) -> None:
    tx = FULL_TX.replace("<IntrBkSttlmDt>2024-02-29</IntrBkSttlmDt>",
                         f"<IntrBkSttlmDt>{value}</IntrBkSttlmDt>")  # fmt: skip
    rows, rejects = _read(tmp_path, _message(tx), _message(SECOND_TX))
    assert [r.reason for r in rejects] == [reason]
    assert [r["end_to_end_id"] for r in rows] == ["E-2"]


@pytest.mark.parametrize(
    "value",
    [
        "2025-01-14", "2024-02-29", "0001-01-01", "9999-12-31",  # read alike
        "2025-02-29", "2025-13-01", "2025-00-10", "0000-01-01",  # no such date
        "20250114", "2025-W03-2", "2025W032", "2025-014",  # ISO forms strptime refuses
        "2025-1-14", "2025-01-4", " 2025-01-14", "2025-01-14 ",  # forms only strptime reads
        "٢٠٢٥-٠١-١٤", "2025-01-14Z", "12025-01-14", "-2025-01-14", "",  # Arabic-Indic digits
    ],
)  # fmt: skip
def test_settlement_date_reads_as_strptime_did(value: str) -> None:
    try:
        expected: date | str = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        expected = f"ValueError: {exc}"
    try:
        got: date | str = _date(value)
    except ValueError as exc:
        got = f"ValueError: {exc}"
    assert got == expected


def test_reading_a_path_that_is_not_walked_is_an_error() -> None:
    from lxml import etree

    tx = etree.fromstring(f'<CdtTrfTxInf xmlns="{NS8}"><ChrgBr>SHAR</ChrgBr></CdtTrfTxInf>')
    doc = _Doc(tx, _paths(NS8)[1])
    assert doc.text["ChrgBr"] == "SHAR"
    assert doc.text["PmtId/TxId"] is None
    with pytest.raises(KeyError):
        doc.text["PmtId/ClrSysRef"]  # not among the paths walked: a silent None would hide it


def test_rows_and_rejects_keep_their_order_across_batches(tmp_path: Path) -> None:
    messages = [
        _message(SECOND_TX.replace("E-2", f"E-{i}"), cre="2025-01-14T09:30:00" if i % 3 else
                 "2025-01-14T09:30:00Z")
        for i in range(7)
    ]  # fmt: skip
    rows, rejects = _read(tmp_path, *messages, batch_rows=2)
    assert [r["end_to_end_id"] for r in rows] == ["E-0", "E-3", "E-6"]
    assert [r["_line"] for r in rows] == [3, 6, 9]
    assert [r.line for r in rejects] == [4, 5, 7, 8]
