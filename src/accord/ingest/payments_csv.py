"""The payments CSV template: one row per credit transfer, pacs.008's fields flattened."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from accord.analytics.datasets import PAYMENTS
from accord.ingest.base import Chunk, Deferred, IngestOptions, Progress
from accord.ingest.template import Col, Template, read_template, require_one_of


def _party(prefix: str, who: str) -> tuple[Col, ...]:
    return (
        Col(f"{prefix}_name", "text", doc=f"{who}'s name"),
        Col(f"{prefix}_address", "text", doc=f"{who}'s address, one line"),
        Col(f"{prefix}_country", "country", doc=f"{who}'s country (ISO 3166 alpha-2)"),
        Col(f"{prefix}_account", "code", doc=f"{who}'s account (IBAN or other number)"),
    )


PAYMENTS_TEMPLATE = Template(
    name="payments",
    dataset=PAYMENTS,
    columns=(
        Col("msg_id", "text", doc="message id (pacs.008 GrpHdr/MsgId, MT103 :20:)"),
        Col("created_at", "timestamp", doc="message creation time, ISO 8601 with zone"),
        Col("instr_id", "text", doc="instruction id"),
        Col("end_to_end_id", "text", doc="end-to-end id"),
        Col("tx_id", "text", doc="transaction id"),
        Col("uetr", "text", doc="unique end-to-end transaction reference (UUID)"),
        Col("settlement_date", "date", required=True, doc="interbank settlement date"),
        Col("amount", "money", required=True, doc="settled amount, dot decimal separator"),
        Col("currency", "code", required=True, doc="ISO 4217 currency code"),
        Col("charge_bearer", "code", doc="DEBT, CRED, SHAR or SLEV"),
        *_party("debtor", "payer"),
        Col("debtor_agent_bic", "bic", doc="payer's bank (BIC)"),
        *_party("creditor", "payee"),
        Col("creditor_agent_bic", "bic", doc="payee's bank (BIC)"),
        Col("instructing_agent_bic", "bic", doc="bank that sent this message (BIC)"),
        Col("instructed_agent_bic", "bic", doc="bank that received it (BIC)"),
        Col("intermediary_agent1_bic", "bic", doc="first intermediary bank (BIC)"),
        Col("intermediary_agent2_bic", "bic", doc="second intermediary bank (BIC)"),
        Col("intermediary_agent3_bic", "bic", doc="third intermediary bank (BIC)"),
        Col("ultimate_debtor_name", "text", doc="ultimate payer's name"),
        Col("ultimate_debtor_country", "country", doc="ultimate payer's country"),
        Col("ultimate_creditor_name", "text", doc="ultimate payee's name"),
        Col("ultimate_creditor_country", "country", doc="ultimate payee's country"),
        Col("purpose", "text", doc="purpose code or text"),
        Col("remittance_info", "text", doc="remittance information"),
    ),
    constants={"format": "csv"},
    checks=(require_one_of("uetr", "tx_id", "end_to_end_id", "msg_id"),),
)


def read_payments_csv(
    path: Path, options: IngestOptions, progress: Progress
) -> Iterator[Chunk | Deferred]:
    return read_template(PAYMENTS_TEMPLATE, path, options, progress)
