"""Payments: background credit transfers, those settling trade, and their files.

Every node holding payments for a country sees each transfer that passes one of its banks (the
debtor's, the creditor's, or an intermediary). Most go to the payments CSV template; a share
(``XML_SHARE``) is written as ISO 20022 pacs.008.001.08 messages, valid against the XSD.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from accord.exercise import pacs008
from accord.exercise.output import Sinks, fixed_width, iso_dates, iso_times, pooled
from accord.exercise.population import World
from accord.exercise.scenario import Scenario
from accord.exercise.seeding import uuid4_chars
from accord.exercise.trade import Columns

XML_SHARE = 0.02
REMITTANCES = ["INVOICE", "PAYMENT FOR GOODS"]
INVOICE, FOR_GOODS = 0, 1
PAYMENT_COLUMNS = [
    "msg_id",
    "created_at",
    "end_to_end_id",
    "uetr",
    "settlement_date",
    "amount",
    "currency",
    "charge_bearer",
    "debtor_name",
    "debtor_address",
    "debtor_country",
    "debtor_account",
    "debtor_agent_bic",
    "creditor_name",
    "creditor_address",
    "creditor_country",
    "creditor_account",
    "creditor_agent_bic",
    "intermediary_agent1_bic",
    "intermediary_agent2_bic",
    "ultimate_debtor_name",
    "ultimate_debtor_country",
    "purpose",
    "remittance_info",
]


def payments(
    rng: np.random.Generator,
    day: int,
    debtor: np.ndarray,
    creditor: np.ndarray,
    amount: np.ndarray,
    cols: Columns,
    remittance: int,
    lag_days: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Transfers from company ``debtor[i]`` to ``creditor[i]`` settled on ``day`` (+ lag), as
    columns for ``render``; ``remittance`` indexes ``REMITTANCES``."""
    n = len(debtor)
    days = np.full(n, day) + (lag_days if lag_days is not None else 0)
    seconds = days * 86400 + rng.integers(8 * 3600, 18 * 3600, n)
    uetr = uuid4_chars(rng, n)
    # A few percent of transfers go through a correspondent (normal for cross-border payments).
    via = rng.random(n) < 0.15
    inter = rng.integers(0, len(cols.bic), n)
    return {
        "debtor": debtor,
        "creditor": creditor,
        "amount": np.round(amount, 2),
        "days": days,
        "seconds": seconds,
        "uetr": uetr,
        "via": via,
        "inter": inter,
        "remittance": np.full(n, remittance, np.int64),
    }


def background(
    rng: np.random.Generator, world: World, cols: Columns, day: int, n: int
) -> dict[str, np.ndarray]:
    """Transfers not tied to declarations: services, rent, intra-group (log-normal amounts)."""
    debtor = rng.integers(0, len(world.companies), n)
    creditor = rng.integers(0, len(world.companies), n)
    amount = rng.lognormal(np.log(8_000), 1.5, n) + 1
    return payments(rng, day, debtor, creditor, amount, cols, INVOICE)


def xml_pick(rng: np.random.Generator, n: int) -> np.ndarray:
    """Which of ``n`` transfers are written as pacs.008 rather than CSV rows."""
    return np.asarray(rng.random(n) < XML_SHARE)


def render(d: dict[str, np.ndarray], cols: Columns) -> pa.Table:
    """Drawn transfers (any number of days) as one table of payment columns."""
    n = len(d["debtor"])
    uetr = d["uetr"]
    table = {
        # The message and end-to-end ids are cut from the UETR, as some banks do.
        "msg_id": fixed_width(uetr[:, :18]),
        "created_at": iso_times(d["seconds"]),
        "end_to_end_id": fixed_width(uetr[:, 19:35]),
        "uetr": fixed_width(uetr),
        "settlement_date": iso_dates(d["days"]),
        "amount": d["amount"],
        "currency": pa.repeat(pa.scalar("EUR"), n),
        "charge_bearer": pa.repeat(pa.scalar("SHAR"), n),
    }
    for role in ("debtor", "creditor"):
        who = d[role]
        table[f"{role}_name"] = pooled(cols.name, who)
        table[f"{role}_address"] = pooled(cols.address, who)
        table[f"{role}_country"] = pooled(cols.country, who)
        table[f"{role}_account"] = pooled(cols.account, who)
        table[f"{role}_agent_bic"] = pooled(cols.bic, who)
    table["intermediary_agent1_bic"] = pooled(cols.bic, d["inter"], d["via"])
    table["remittance_info"] = pooled(pa.array(REMITTANCES), d["remittance"])
    return pa.table(table)


def write_payments(scenario: Scenario, sinks: Sinks, table: pa.Table, xml: np.ndarray) -> None:
    """Route transfers to every node whose country's banks they pass; those ``xml`` picks are
    written as pacs.008 messages, the others as CSV rows."""
    if table.num_rows == 0:
        return
    for c in PAYMENT_COLUMNS:
        if c not in table.column_names:
            table = table.append_column(c, pa.nulls(table.num_rows, pa.string()))
    bics = [
        pc.cast(table[c], pa.string())
        for c in (
            "debtor_agent_bic",
            "creditor_agent_bic",
            "intermediary_agent1_bic",
            "intermediary_agent2_bic",
        )
    ]
    countries = [pc.fill_null(pc.utf8_slice_codeunits(b, 4, 6), "") for b in bics]
    as_xml = pa.array(xml, pa.bool_())
    for node in scenario.nodes:
        seen = node.holds.get("payments")
        if not seen:
            continue
        mask = pa.repeat(pa.scalar(False), table.num_rows)
        for cc in countries:
            mask = pc.or_(
                mask, pc.is_in(cc, pa.array(seen)) if "*" not in seen else pc.not_equal(cc, "")
            )
        sinks.csv(node.id, "payments", "payments.csv", PAYMENT_COLUMNS).write(
            table.filter(pc.and_(mask, pc.invert(as_xml)))
        )
        documents = pacs008.messages(table.filter(pc.and_(mask, as_xml)))
        if documents:
            sink = sinks.text(
                node.id,
                "payments",
                "pacs008.xml",
                head='<?xml version="1.0" encoding="UTF-8"?>\n<Messages>\n',
                tail="</Messages>\n",
            )
            sink.write(documents)
