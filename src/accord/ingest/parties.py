"""Parties seen in ingested records: stable ids, and the hook that screens every new one.

A party id is the md5 of the party's normalised name, country and role-independent identifiers
(account/IBAN, BIC, IMO, registration number), so the same payer seen in a payment and, as a
consignee, in a declaration gets one id. The id is computed in SQL (DuckDB) over whole batches,
because readers emit hundreds of thousands of rows a second and a per-row Python hash would be
the bottleneck.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from accord.analytics.datasets import PartyRole


@dataclass(frozen=True)
class Party:
    party_id: str
    name: str | None
    country: str | None
    address: str | None
    account: str | None
    bic: str | None
    imo: str | None
    registration: str | None
    dataset: str
    role: str


@dataclass(frozen=True)
class ScreeningHit:
    """One party matched to a listed entity (the screening engine fills these in)."""

    party_id: str
    entity_id: str
    score: float
    explanation: str = ""


class PartyScreener(Protocol):
    """Screens parties against the harmonized lists; called with every party not seen before."""

    def screen_parties(self, parties: Sequence[Party]) -> Sequence[ScreeningHit]: ...


class NoScreening:
    """The default until a screening engine is injected: screens nothing, finds nothing."""

    def screen_parties(self, parties: Sequence[Party]) -> Sequence[ScreeningHit]:
        return []


# Normalisation for ids only (not for matching): NFC, lower case, accents stripped, every run of
# non-letters/digits collapsed to one space. It must never change, or every party id changes.
def _norm_name(col: str) -> str:
    return (
        f"nullif(trim(regexp_replace(strip_accents(lower(nfc_normalize({col}))), "
        f"'[^\\p{{L}}\\p{{N}}]+', ' ', 'g')), '')"
    )


def _norm_code(col: str) -> str:
    return f"nullif(upper(regexp_replace({col}, '[^0-9A-Za-z]+', '', 'g')), '')"


def _norm_bic(col: str) -> str:
    # DEUTDEFF and DEUTDEFFXXX name the same institution (XXX = primary office).
    code = _norm_code(col)
    return (
        f"CASE WHEN length({code}) = 11 AND {code} LIKE '%XXX' THEN left({code}, 8) ELSE {code} END"
    )


_NULL = "CAST(NULL AS VARCHAR)"


def party_columns(role: PartyRole, table: str = "") -> dict[str, str]:
    """SQL expressions for one role's normalised party fields (NULL where the role has none)."""
    prefix = f"{table}." if table else ""

    def col(name: str | None) -> str:
        return f"CAST({prefix}{name} AS VARCHAR)" if name else _NULL

    return {
        "name": f"nullif(trim({col(role.name)}), '')",
        "country": f"upper(nullif(trim({col(role.country)}), ''))",
        "address": f"nullif(trim({col(role.address)}), '')",
        "account": _norm_code(col(role.account)),
        "bic": _norm_bic(col(role.bic)),
        "imo": _norm_code(col(role.imo)),
        "registration": _norm_code(col(role.registration)),
    }


def party_id_sql(role: PartyRole, table: str = "") -> str:
    """The SQL expression of a role's party id; NULL when the record has no such party."""
    f = party_columns(role, table)
    parts = [
        _norm_name(f["name"]),
        f["country"],
        f["account"],
        f["bic"],
        f["imo"],
        f["registration"],
    ]
    identifying = [parts[0], f["account"], f["bic"], f["imo"], f["registration"]]
    present = " OR ".join(f"{p} IS NOT NULL" for p in identifying)
    joined = ", ".join(f"coalesce({p}, '')" for p in parts)
    return f"CASE WHEN {present} THEN md5(concat_ws(chr(31), {joined})) END"


def default_screener() -> PartyScreener:
    """The screener the CLI and the API inject.

    The screening engine plugs in here (an adapter with ``screen_parties``); until it exists,
    ingestion records parties and screens nothing.
    """
    return NoScreening()
