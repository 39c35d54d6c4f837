"""SWIFT FIN MT103 (single customer credit transfer), one or many messages per file.

Parsed by hand: no maintained Python library parses FIN; the block and tag grammar is small.
Mapping to the payment columns follows the MT-to-pacs.008 translation rules (SR 2023):
:20: → msg_id/instr_id, block 3 {121:} → uetr, :32A: → settlement date, currency, amount,
:50a: → debtor, :52a: → debtor agent, :56a: → intermediary agent 1, :57a: → creditor agent,
:59a: → creditor, :70: → remittance, :71A: → charge bearer, :26T:/:77B: → purpose.
Block 1 names the sender (input) or receiver (output); the sender of an output message sits in
block 2's MIR. FIN times are the sender's local times, so no creation time is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from accord.ingest.base import Chunk, IngestOptions, Progress, Reject, open_input
from accord.ingest.payments_iso import _chunk

TAG = re.compile(r"^:(\d{2}[A-Z]?):(.*)$")
BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")
CHARGES = {"OUR": "DEBT", "SHA": "SHAR", "BEN": "CRED"}
MANDATORY = ("20", "23B", "32A", "50", "59", "71A")


def _bic_from_lt(lt: str) -> str | None:
    """A 12-character logical terminal (BIC8 + terminal letter + branch) → BIC11."""
    return lt[:8] + lt[9:12] if len(lt) == 12 else None


def _blocks(text: str) -> dict[str, str]:
    blocks: dict[str, str] = {}
    for m in re.finditer(r"\{([1-5]):", text):
        key = m.group(1)
        start, depth, i = m.end(), 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        blocks.setdefault(key, text[start : i - 1])
    return blocks


def _fields(block4: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in block4.replace("\r", "").split("\n"):
        if line.startswith("-") and not line.strip("-"):
            break
        m = TAG.match(line)
        if m:
            current = [m.group(2)]
            fields[m.group(1)] = current
        elif current is not None and line:
            current.append(line)
    return fields


def _field(fields: dict[str, list[str]], base: str) -> tuple[str, list[str]] | None:
    for option in ("", "A", "B", "D", "F", "K"):
        if base + option in fields:
            return option, fields[base + option]
    return None


def _party(fields: dict[str, list[str]], base: str) -> dict[str, str | None]:
    """Ordering customer / beneficiary: account, name, address, country (option F only)."""
    found = _field(fields, base)
    if found is None:
        return {"name": None, "address": None, "country": None, "account": None}
    option, lines = found
    account = lines[0][1:].strip() if lines and lines[0].startswith("/") else None
    rest = lines[1:] if account is not None else lines
    if option == "F":
        by_no: dict[str, list[str]] = {}
        for line in rest:
            no, _, value = line.partition("/")
            by_no.setdefault(no, []).append(value)
        town = by_no.get("3", [""])[0]
        return {
            "name": " ".join(by_no.get("1", [])) or None,
            "address": ", ".join([*by_no.get("2", []), town.partition("/")[2]]).strip(", ") or None,
            "country": town.partition("/")[0] or None,
            "account": account,
        }
    if option == "A":  # identified by a BIC, which then stands for the name
        return {"name": rest[0] if rest else None, "address": None, "country": None,
                "account": account}  # fmt: skip
    return {"name": rest[0] if rest else None, "address": ", ".join(rest[1:]) or None,
            "country": None, "account": account}  # fmt: skip


def _agent(fields: dict[str, list[str]], base: str) -> str | None:
    found = _field(fields, base)
    if found is None:
        return None
    for line in found[1]:
        if BIC.match(line.strip()):
            return line.strip()
    return None


def _parse(text: str) -> dict[str, Any]:
    blocks = _blocks(text)
    b2 = blocks.get("2", "")
    if not b2[1:4] == "103":
        raise ValueError(f"not an MT103 (block 2: {b2[:4]!r})")
    fields = _fields(blocks.get("4", ""))
    missing = [t for t in MANDATORY if _field(fields, t) is None]
    if missing:
        raise ValueError(f"missing mandatory fields: {', '.join(':' + t + ':' for t in missing)}")
    m = re.match(r"^(\d{6})([A-Z]{3})([\d,]+)$", fields["32A"][0].strip())
    if not m or m.group(3).count(",") != 1:
        raise ValueError(f":32A: '{fields['32A'][0]}' is not YYMMDD + currency + amount")
    value_date: date = datetime.strptime(m.group(1), "%y%m%d").date()
    amount = m.group(3).replace(",", ".").rstrip(".")
    lt1 = blocks.get("1", "")[3:15]
    if b2.startswith("O"):  # output: block 1 = receiver, MIR (after the input time) = sender
        sender, receiver = _bic_from_lt(b2[14:26]), _bic_from_lt(lt1)
    else:
        sender, receiver = _bic_from_lt(lt1), _bic_from_lt(b2[4:16])
    uetr = re.search(r"\{121:([0-9a-fA-F-]{36})\}", blocks.get("3", ""))
    debtor, creditor = _party(fields, "50"), _party(fields, "59")
    purpose = fields.get("26T", [None])[0] or " ".join(fields.get("77B", [])) or None
    return {
        "format": "mt103", "msg_id": fields["20"][0].strip(), "created_at": None,
        "instr_id": fields["20"][0].strip(), "end_to_end_id": None, "tx_id": None,
        "uetr": uetr.group(1).lower() if uetr else None, "settlement_date": value_date,
        "amount": amount, "currency": m.group(2),
        "charge_bearer": CHARGES.get(fields["71A"][0].strip(), fields["71A"][0].strip()),
        **{f"debtor_{k}": v for k, v in debtor.items()},
        "debtor_agent_bic": _agent(fields, "52"),
        **{f"creditor_{k}": v for k, v in creditor.items()},
        "creditor_agent_bic": _agent(fields, "57"),
        "instructing_agent_bic": sender, "instructed_agent_bic": receiver,
        "intermediary_agent1_bic": _agent(fields, "56"), "intermediary_agent2_bic": None,
        "intermediary_agent3_bic": None, "ultimate_debtor_name": None,
        "ultimate_debtor_country": None, "ultimate_creditor_name": None,
        "ultimate_creditor_country": None, "purpose": purpose,
        "remittance_info": " ".join(fields.get("70", [])) or None,
    }  # fmt: skip


def _messages(path: Path, progress: Progress) -> Iterator[tuple[int, str]]:
    """(first line, text) of each message: a message starts where a line starts with ``{1:``."""
    start, buf = 0, list[str]()
    with open_input(path, progress) as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.decode("latin-1")  # FIN is a subset of ASCII; never fail on bytes
            if line.lstrip().startswith("{1:") and buf:
                yield start, "".join(buf)
                buf = []
            if not buf:
                start = number
            buf.append(line)
    if "".join(buf).strip():
        yield start, "".join(buf)


def read_mt103(path: Path, options: IngestOptions, progress: Progress) -> Iterator[Chunk]:
    rows: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    for line, text in _messages(path, progress):
        try:
            row = _parse(text)
            row["_line"] = line
            rows.append(row)
        except ValueError as exc:
            rejects.append(Reject(line, str(exc), text.strip()[:20_000]))
        if len(rows) + len(rejects) >= options.batch_rows:
            yield _chunk(rows, rejects)
            rows, rejects = [], []
    yield _chunk(rows, rejects)
