"""Credit transfers as ISO 20022 pacs.008.001.08 messages (one ``Document`` a line), as columns.

Each message is assembled with one Arrow string join over the table's columns: optional
elements (agents, ultimate debtor, postal address) become empty strings where their value is
missing. Rows never become Python dicts; this costs about a twentieth of formatting per row.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from accord.exercise.output import digits

NS = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"
_NULL = pa.scalar(None, pa.string())


def _raw(table: pa.Table, key: str) -> pa.Array:
    # A missing value reads "None", as an f-string of the row dict wrote it.
    return pc.fill_null(table[key].combine_chunks().cast(pa.string()), "None")


def _escaped(table: pa.Table, key: str, limit: int = 140) -> pa.Array:
    # Cut before escaping: a cut after could split an entity such as "&amp;".
    text = pc.utf8_slice_codeunits(_raw(table, key), 0, limit)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = pc.replace_substring(text, char, entity)
    return text


def _present(table: pa.Table, key: str) -> pa.Array:
    values = table[key].combine_chunks().cast(pa.string())
    return pc.fill_null(pc.not_equal(values, ""), False)


def _optional(present: pa.Array, *parts: pa.Array | str) -> pa.Array:
    """``parts`` joined where ``present``, else an empty string."""
    joined = pc.binary_join_element_wise(*parts, "")
    return pc.fill_null(pc.if_else(present, joined, _NULL), "")


def _agent(table: pa.Table, tag: str, key: str) -> pa.Array:
    bic = table[key].combine_chunks().cast(pa.string())
    return _optional(
        _present(table, key), f"<{tag}><FinInstnId><BICFI>", bic, f"</BICFI></FinInstnId></{tag}>"
    )


def _party(table: pa.Table, tag: str, p: str) -> list[pa.Array | str]:
    country = table[f"{p}_country"].combine_chunks().cast(pa.string())
    address = _optional(
        _present(table, f"{p}_country"),
        "<PstlAdr><Ctry>",
        country,
        "</Ctry><AdrLine>",
        _escaped(table, f"{p}_address", 70),
        "</AdrLine></PstlAdr>",
    )
    return [f"<{tag}><Nm>", _escaped(table, f"{p}_name"), "</Nm>", address, f"</{tag}>"]


def _amount(table: pa.Table) -> pa.Array:
    """Amounts with exactly two decimals (``1234.50``), from cents: no float formatting."""
    value = table["amount"].combine_chunks()
    amount = pc.cast(value, pa.float64()).to_numpy(zero_copy_only=False)
    cents = np.rint(amount * 100).astype(np.int64)
    whole = pc.cast(pa.array(cents // 100), pa.string())
    return pc.binary_join_element_wise(whole, digits(cents % 100, 2), ".")


def messages(table: pa.Table) -> list[str]:
    """One pacs.008 ``Document`` per transfer of ``table`` (payment template columns)."""
    if table.num_rows == 0:
        return []
    ultimate = _optional(
        _present(table, "ultimate_debtor_name"),
        "<UltmtDbtr><Nm>",
        _escaped(table, "ultimate_debtor_name"),
        "</Nm></UltmtDbtr>",
    )
    parts: list[pa.Array | str] = [
        f'<Document xmlns="{NS}"><FIToFICstmrCdtTrf><GrpHdr><MsgId>',
        _escaped(table, "msg_id"),
        "</MsgId><CreDtTm>",
        _raw(table, "created_at"),
        "</CreDtTm><NbOfTxs>1</NbOfTxs><SttlmInf><SttlmMtd>INDA</SttlmMtd></SttlmInf></GrpHdr>"
        "<CdtTrfTxInf><PmtId><EndToEndId>",
        _escaped(table, "end_to_end_id"),
        "</EndToEndId><UETR>",
        _raw(table, "uetr"),
        '</UETR></PmtId><IntrBkSttlmAmt Ccy="',
        _raw(table, "currency"),
        '">',
        _amount(table),
        "</IntrBkSttlmAmt><IntrBkSttlmDt>",
        _raw(table, "settlement_date"),
        "</IntrBkSttlmDt><ChrgBr>",
        _raw(table, "charge_bearer"),
        "</ChrgBr>",
        _agent(table, "IntrmyAgt1", "intermediary_agent1_bic"),
        _agent(table, "IntrmyAgt2", "intermediary_agent2_bic"),
        ultimate,
        *_party(table, "Dbtr", "debtor"),
        "<DbtrAcct><Id><Othr><Id>",
        _raw(table, "debtor_account"),
        "</Id></Othr></Id></DbtrAcct>",
        _agent(table, "DbtrAgt", "debtor_agent_bic"),
        _agent(table, "CdtrAgt", "creditor_agent_bic"),
        *_party(table, "Cdtr", "creditor"),
        "<CdtrAcct><Id><Othr><Id>",
        _raw(table, "creditor_account"),
        "</Id></Othr></Id></CdtrAcct><RmtInf><Ustrd>",
        _escaped(table, "remittance_info"),
        "</Ustrd></RmtInf></CdtTrfTxInf></FIToFICstmrCdtTrf></Document>",
    ]
    documents: list[str] = pc.binary_join_element_wise(*parts, "").to_pylist()
    return documents
