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
from typing import TYPE_CHECKING, Protocol

from accord.analytics.datasets import PartyRole

if TYPE_CHECKING:
    from accord.settings import Settings
    from accord.store.db import Store


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
    """One party matched to a listed entity (``accord.ingest.screening`` fills these in).

    The commit adds ``screened_at`` (the run's time) when it stores the hit in ``party_hits``.
    """

    party_id: str
    entity_id: str
    score: float
    explanation: str = ""
    listed_name: str | None = None
    list_id: str | None = None
    list_version: int | None = None
    #: ``{list id: version id}`` of every list screened against, as JSON.
    list_versions: str | None = None
    algorithm: str | None = None


class PartyScreener(Protocol):
    """Screens parties against the harmonized lists; called with every party not seen before."""

    def screen_parties(self, parties: Sequence[Party]) -> Sequence[ScreeningHit]: ...


class NoScreening:
    """Screens nothing, finds nothing: when no list serves, or no screener is injected.

    ``reason`` says why, for the run's summary."""

    def __init__(self, reason: str = "no screener") -> None:
        self.reason = reason

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


def norm_name_sql(role: PartyRole, table: str = "") -> str:
    """The SQL expression of a role's normalised name, as its party id hashes it."""
    return _norm_name(party_columns(role, table)["name"])


def party_id_sql(role: PartyRole, table: str = "", *, norm_name: str | None = None) -> str:
    """The SQL expression of a role's party id; NULL when the record has no such party.

    ``norm_name``: an expression holding ``norm_name_sql(role, table)`` already computed (the
    commit normalises each distinct name once, not once per name and country)."""
    f = party_columns(role, table)
    parts = [
        norm_name or _norm_name(f["name"]),
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


def default_screener(settings: Settings | None = None, store: Store | None = None) -> PartyScreener:
    """The screener the CLI and the API inject: the screening engine over the serving list
    versions (``accord.ingest.screening``), or ``NoScreening`` with a logged notice when no list
    serves. ``store`` is the operational store holding the lists (opened from ``settings``
    when not given)."""
    from accord.ingest.screening import list_screener

    return list_screener(settings, store)
