"""ISO 20022 pacs.008 (FIToFICustomerCreditTransfer), version .001.08 and later.

Each ``Document`` in the file — alone, or many inside any wrapper element (a bulk file, a
``BizMsgEnvlp``…) — is validated against the XSD of its own namespace, found in the XSD folder
(``pacs.008.001.NN.xsd``), with lxml (libxml2: ~10 µs per message, where xmlschema's pure-Python
validator would cap throughput far below 5,000 messages/s). Then one row per ``CdtTrfTxInf``.

Time rule: ``CreDtTm`` is ISODateTime; ISO 20022 allows it without an offset (local time), so a
zone-less value is rejected unless ``--assume-timezone`` names the zone. Settlement dates are dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
from lxml import etree

from accord.analytics.datasets import PAYMENTS
from accord.errors import InvalidInputError
from accord.ingest.base import LINE, Chunk, IngestOptions, Progress, Reject, open_input

NS_PREFIX = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001."
MIN_VERSION = 8
MAX_RECORD = 20_000  # characters of a rejected message kept in the rejects file


@lru_cache(maxsize=16)
def _schema(xsd_dir: Path, version: str) -> etree.XMLSchema | None:
    path = xsd_dir / f"pacs.008.001.{version}.xsd"
    if not path.exists():
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(path), parser))


class _Doc:
    """The elements under one element, by path of local names ("Dbtr/PstlAdr/Ctry"), in
    document order: one walk of the subtree instead of an ElementPath search per field (the
    searches cost ~3 µs each, ~40 per transaction). Only the document's own namespace counts.
    """

    def __init__(self, ns: str, el: Any) -> None:
        self.prefix = "{" + ns + "}"
        self.paths: dict[str, list[Any]] = {}
        self._walk(el, "")

    def _walk(self, el: Any, base: str) -> None:
        cut = len(self.prefix)
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or not tag.startswith(self.prefix):
                continue
            key = base + tag[cut:]
            self.paths.setdefault(key, []).append(child)
            if len(child):
                self._walk(child, key + "/")

    def el(self, path: str) -> Any:
        found = self.paths.get(path)
        return found[0] if found else None

    def text(self, path: str) -> str | None:
        found = self.el(path)
        if found is None or found.text is None:
            return None
        return " ".join(found.text.split()) or None

    def all_text(self, path: str) -> list[str]:
        return [t.text.strip() for t in self.paths.get(path, ()) if t.text and t.text.strip()]

    def address(self, party: str) -> str | None:
        if self.el(f"{party}/PstlAdr") is None:
            return None
        adr = f"{party}/PstlAdr/"
        parts = [self.text(adr + t) for t in ("StrtNm", "BldgNb", "PstCd", "TwnNm", "CtrySubDvsn")]
        lines = self.all_text(adr + "AdrLine")
        return ", ".join([*lines, *(p for p in parts if p)]) or None

    def country(self, party: str) -> str | None:
        return self.text(f"{party}/PstlAdr/Ctry") or self.text(f"{party}/CtryOfRes")

    def account(self, acct: str) -> str | None:
        return self.text(f"{acct}/Id/IBAN") or self.text(f"{acct}/Id/Othr/Id")

    def bic(self, agent: str) -> str | None:
        return self.text(f"{agent}/FinInstnId/BICFI")


def _timestamp(value: str | None, zone: str | None) -> datetime:
    """ISO 8601 to UTC; raises ValueError for a zone-less value when no zone is given."""
    ts = datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    if ts is None:
        raise ValueError("empty timestamp")
    if ts.tzinfo is None:
        if zone is None:
            raise ValueError(f"CreDtTm '{value}' has no time zone (give --assume-timezone)")
        ts = ts.replace(tzinfo=ZoneInfo(zone))
    return ts.astimezone(UTC)


def _rows(doc: Any, ns: str, zone: str | None) -> list[dict[str, Any]]:
    q = "{" + ns + "}"
    root = doc.find(q + "FIToFICstmrCdtTrf")
    hdr_el = root.find(q + "GrpHdr")
    hdr = _Doc(ns, hdr_el if hdr_el is not None else ())
    cre = hdr.text("CreDtTm")
    created = _timestamp(cre, zone) if cre else None
    out = []
    for tx_el in root.findall(q + "CdtTrfTxInf"):
        tx = _Doc(ns, tx_el)
        amount = tx.el("IntrBkSttlmAmt")
        sttlm = tx.text("IntrBkSttlmDt") or hdr.text("IntrBkSttlmDt")
        remittance = tx.all_text("RmtInf/Ustrd") + tx.all_text("RmtInf/Strd/AddtlRmtInf")
        out.append({
            "format": ns.rsplit(":", 1)[-1], "msg_id": hdr.text("MsgId"),
            "created_at": created, "instr_id": tx.text("PmtId/InstrId"),
            "end_to_end_id": tx.text("PmtId/EndToEndId"), "tx_id": tx.text("PmtId/TxId"),
            "uetr": tx.text("PmtId/UETR"),
            "settlement_date": datetime.strptime(sttlm, "%Y-%m-%d").date() if sttlm else None,
            "amount": amount.text.strip() if amount is not None else None,
            "currency": amount.get("Ccy") if amount is not None else None,
            "charge_bearer": tx.text("ChrgBr"),
            "debtor_name": tx.text("Dbtr/Nm"), "debtor_address": tx.address("Dbtr"),
            "debtor_country": tx.country("Dbtr"), "debtor_account": tx.account("DbtrAcct"),
            "debtor_agent_bic": tx.bic("DbtrAgt"),
            "creditor_name": tx.text("Cdtr/Nm"), "creditor_address": tx.address("Cdtr"),
            "creditor_country": tx.country("Cdtr"), "creditor_account": tx.account("CdtrAcct"),
            "creditor_agent_bic": tx.bic("CdtrAgt"),
            "instructing_agent_bic": tx.bic("InstgAgt") or hdr.bic("InstgAgt"),
            "instructed_agent_bic": tx.bic("InstdAgt") or hdr.bic("InstdAgt"),
            **{f"intermediary_agent{i}_bic": tx.bic(f"IntrmyAgt{i}") for i in (1, 2, 3)},
            "ultimate_debtor_name": tx.text("UltmtDbtr/Nm"),
            "ultimate_debtor_country": tx.country("UltmtDbtr"),
            "ultimate_creditor_name": tx.text("UltmtCdtr/Nm"),
            "ultimate_creditor_country": tx.country("UltmtCdtr"),
            "purpose": tx.text("Purp/Cd") or tx.text("Purp/Prtry"),
            "remittance_info": "; ".join(remittance) or None,
            LINE: tx_el.sourceline,
        })  # fmt: skip
    return out


def _record(doc: Any) -> str:
    return etree.tostring(doc, encoding="unicode")[:MAX_RECORD]


def _chunk(rows: list[dict[str, Any]], rejects: list[Reject]) -> Chunk:
    schema = PAYMENTS.data_schema.append(pa.field(LINE, pa.int64()))
    amount = PAYMENTS.data_schema.field("amount").type
    text_schema = schema.set(schema.get_field_index("amount"), pa.field("amount", pa.string()))
    table = pa.Table.from_pylist(rows, schema=text_schema)
    table = table.set_column(
        table.schema.get_field_index("amount"), "amount", table["amount"].cast(amount)
    )
    return Chunk(tables={PAYMENTS.name: table}, rejects=rejects)


def read_pacs008(path: Path, options: IngestOptions, progress: Progress) -> Iterator[Chunk]:
    folder = options.xsd_dir
    if folder is None or not folder.is_dir():
        raise InvalidInputError(f"ISO 20022 XSD folder not found: {folder} (set --xsd-dir)")
    rows: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    with open_input(path, progress) as fh:
        events = etree.iterparse(
            fh, events=("end",), tag="{*}Document", resolve_entities=False, no_network=True,
            remove_blank_text=True,
        )  # fmt: skip
        try:
            for _event, doc in events:
                _one(doc, folder, options, rows, rejects)
                # Free what was parsed so far: memory stays flat however many messages follow.
                doc.clear()
                parent = doc.getparent()
                if parent is not None:
                    while doc.getprevious() is not None:
                        del parent[0]
                if len(rows) + len(rejects) >= options.batch_rows:
                    yield _chunk(rows, rejects)
                    rows, rejects = [], []
        except etree.XMLSyntaxError as exc:
            line = exc.lineno if exc.lineno else None
            rejects.append(Reject(line, f"XML not well-formed, the rest of the file is "
                                  f"unreadable: {exc.msg}", ""))  # fmt: skip
    yield _chunk(rows, rejects)


def _one(
    doc: Any, folder: Path, options: IngestOptions, rows: list[dict[str, Any]],
    rejects: list[Reject],
) -> None:  # fmt: skip
    ns = etree.QName(doc).namespace or ""
    line = doc.sourceline
    if not ns.startswith(NS_PREFIX):
        rejects.append(Reject(line, f"not a pacs.008 message (namespace {ns!r})", _record(doc)))
        return
    version = ns[len(NS_PREFIX) :]
    if not version.isdigit() or int(version) < MIN_VERSION:
        rejects.append(Reject(line, f"pacs.008.001.{version} is not supported (.08 and later)",
                              _record(doc)))  # fmt: skip
        return
    schema = _schema(folder, version)
    if schema is None:
        rejects.append(Reject(line, f"no XSD for pacs.008.001.{version} in {folder}", _record(doc)))
        return
    if not schema.validate(doc):
        log: Any = schema.error_log  # lxml-stubs lacks ``last_error``
        err = log.last_error
        where = f" (line {err.line})" if err is not None and err.line else ""
        message = err.message if err is not None else "invalid"
        rejects.append(Reject(line, f"XSD: {message}{where}", _record(doc)))
        return
    try:
        rows.extend(_rows(doc, ns, options.assume_timezone))
    except ValueError as exc:
        rejects.append(Reject(line, str(exc), _record(doc)))
