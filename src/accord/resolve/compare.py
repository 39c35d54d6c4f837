"""Comparing two records: features, a score, and the rule that decides the link.

Declared as data, in the manner of nomenklatura's matchers: each feature is a small function
whose docstring is the text an analyst reads, with a weight; the score is their weighted sum,
clipped to 0–1. Whether a pair links is decided by the first matching rule of ``RULES``, which
keeps the issue's principle explicit: a shared identifier is a reason to look, not proof, so
every automatic link also needs agreeing names or an agreeing birth date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from accord.resolve.keys import DOC, IMO_KIND, REG, UNSC
from accord.resolve.names import NameForms, name_similarity
from accord.resolve.records import ResolveRecord

AUTO = "auto"
REVIEW = "review"

EXACT, NEAR, PARTIAL, CONFLICT, UNKNOWN = "exact", "near", "partial", "conflict", "unknown"


def compare_dates(left: list[str], right: list[str]) -> str:
    """How two sets of (possibly partial) birth dates relate.

    ``near`` is two full dates at most two days apart, or with day and month swapped: the
    one-day disagreements between lists (KPi.65) and the dd/mm confusions.
    """
    if not left or not right:
        return UNKNOWN
    full_l = {d for d in left if len(d) == 10}
    full_r = {d for d in right if len(d) == 10}
    if full_l & full_r:
        return EXACT
    for a in full_l:
        for b in full_r:
            if _near(a, b):
                return NEAR
    for a in left:
        for b in right:
            if a.startswith(b) or b.startswith(a):
                return PARTIAL
    return CONFLICT


def _near(a: str, b: str) -> bool:
    try:
        da, db = date.fromisoformat(a), date.fromisoformat(b)
    except ValueError:
        return False
    return abs((da - db).days) <= 2 or (
        da.year == db.year and (da.month, da.day) == (db.day, db.month)
    )


@dataclass
class Comparison:
    """The raw facts of one pair, from which features, score and rule are read."""

    family: str
    name: float
    name_pair: tuple[str, str]
    birth: str
    shared: dict[str, list[str]]
    unsc_mismatch: bool
    imo_mismatch: bool
    registration_mismatch: bool
    gender_mismatch: bool
    countries: str
    distinctive_name: bool
    name_words: int

    @property
    def identifier(self) -> bool:
        return bool(self.shared)


def compare(
    left: ResolveRecord,
    right: ResolveRecord,
    left_names: NameForms,
    right_names: NameForms,
    shared: tuple[str, ...] = (),
) -> Comparison:
    name, best_left, best_right = name_similarity(left_names, right_names)
    by_kind: dict[str, list[str]] = {}
    for item in shared:
        kind, _, value = item.partition(":")
        by_kind.setdefault(kind, []).append(value)
    lu, ru = left.identifiers.get(UNSC, set()), right.identifiers.get(UNSC, set())
    li, ri = left.identifiers.get(IMO_KIND, set()), right.identifiers.get(IMO_KIND, set())
    lr, rr = left.identifiers.get(REG, set()), right.identifiers.get(REG, set())
    lg, rg = set(left.facts.get("gender", [])), set(right.facts.get("gender", []))
    lc, rc = left.countries, right.countries
    return Comparison(
        family=left.family,
        name=round(name, 3),
        name_pair=(best_left, best_right),
        birth=compare_dates(left.birth_dates, right.birth_dates),
        shared=by_kind,
        unsc_mismatch=bool(lu and ru and not lu & ru),
        imo_mismatch=bool(li and ri and not li & ri),
        registration_mismatch=bool(lr and rr and not lr & rr),
        gender_mismatch=bool(lg and rg and not lg & rg),
        countries=UNKNOWN if not lc or not rc else ("agree" if lc & rc else CONFLICT),
        distinctive_name=len(best_left.split()) >= 2 and len(best_left.replace(" ", "")) >= 8,
        name_words=min(len(best_left.split()), len(best_right.split())),
    )


# -- features ------------------------------------------------------------------------------------
def unsc_match(c: Comparison) -> float:
    """Both records carry the same UN Security Council reference number."""
    return 1.0 if UNSC in c.shared else 0.0


def imo_match(c: Comparison) -> float:
    """Both carry the same IMO number (ship, or ship-owning company), check digit valid."""
    return 1.0 if IMO_KIND in c.shared else 0.0


def document_match(c: Comparison) -> float:
    """Both carry the same passport or national identity number."""
    return 1.0 if DOC in c.shared else 0.0


def registration_match(c: Comparison) -> float:
    """Both carry the same registration, tax, LEI, SWIFT, MMSI or serial number."""
    return 1.0 if REG in c.shared else 0.0


def name_agreement(c: Comparison) -> float:
    """How alike the closest pair of names is, from 0 at half-similar to 1 when identical."""
    return max(0.0, (c.name - 0.5) / 0.5)


def birth_date_agreement(c: Comparison) -> float:
    """Birth dates agree: the same day (1), within two days (0.6), or one contains the other."""
    return {EXACT: 1.0, NEAR: 0.6, PARTIAL: 0.3}.get(c.birth, 0.0)


def country_agreement(c: Comparison) -> float:
    """A nationality (people) or country (others) in common."""
    return 1.0 if c.countries == "agree" else 0.0


def birth_date_conflict(c: Comparison) -> float:
    """Both give birth dates and none of them fit together."""
    return 1.0 if c.birth == CONFLICT else 0.0


def unsc_mismatch(c: Comparison) -> float:
    """Both carry UN reference numbers and they differ."""
    return 1.0 if c.unsc_mismatch else 0.0


def imo_mismatch(c: Comparison) -> float:
    """Both carry IMO numbers and they differ."""
    return 1.0 if c.imo_mismatch else 0.0


def registration_mismatch(c: Comparison) -> float:
    """Both carry registration or tax numbers and none is the same: e.g. the OAO and the OOO
    of one name are two companies."""
    return 1.0 if c.registration_mismatch else 0.0


def gender_mismatch(c: Comparison) -> float:
    """The records give different genders."""
    return 1.0 if c.gender_mismatch else 0.0


FEATURES: list[tuple[Callable[[Comparison], float], float]] = [
    (unsc_match, 0.45),
    (imo_match, 0.45),
    (document_match, 0.35),
    (registration_match, 0.35),
    (name_agreement, 0.55),
    (birth_date_agreement, 0.30),
    (country_agreement, 0.10),
    (birth_date_conflict, -0.30),
    (unsc_mismatch, -0.30),
    (imo_mismatch, -0.50),
    (registration_mismatch, -0.30),
    (gender_mismatch, -0.40),
]


def features(c: Comparison) -> dict[str, float]:
    return {func.__name__: round(func(c), 3) for func, _ in FEATURES}


def score(c: Comparison) -> float:
    total = sum(func(c) * weight for func, weight in FEATURES)
    return round(min(1.0, max(0.0, total)), 3)


# -- rules ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    name: str
    decision: str
    text: str
    test: Callable[[Comparison], bool]
    families: frozenset[str] = field(
        default_factory=lambda: frozenset({"person", "organization", "vessel", "airplane"})
    )


# Name-similarity thresholds, measured on the real lists (docs/resolve.md): transliteration
# variants of one person sit at 0.75–0.85 (Qadhafi/Gaddafi 0.85, Tarak/Tariq 0.75), different
# people sharing a passport below 0.45 (RYU Jin / KIL Jong Hun 0.32).
NAMES_AGREE = 0.75
NAMES_NOT_CONTRADICTED = 0.5
NAMES_SAME_PERSON = 0.92
NAMES_SAME_ORGANIZATION = 0.95
NAMES_IDENTICAL = 0.97

RULES: list[Rule] = [
    Rule(
        "identifier+name",
        AUTO,
        "a shared identifier, and names that agree",
        lambda c: c.identifier and c.name >= NAMES_AGREE and not c.imo_mismatch,
    ),
    Rule(
        "identifier+birth date",
        AUTO,
        "a shared identifier, the same (or a one-day-off) birth date, names not contradicting",
        lambda c: c.identifier and c.birth in (EXACT, NEAR) and c.name >= NAMES_NOT_CONTRADICTED,
    ),
    Rule(
        "name+birth date",
        AUTO,
        "practically the same name and the same full birth date, nothing contradicting",
        lambda c: (
            c.name >= NAMES_SAME_PERSON
            and c.birth == EXACT
            and not (c.unsc_mismatch or c.gender_mismatch or c.registration_mismatch)
        ),
        frozenset({"person"}),
    ),
    Rule(
        "name+birth year",
        AUTO,
        "the same name of three or more words, birth years that agree, a nationality in common",
        # The UN gives many people a birth year only; the other lists copy it. 1,026 such pairs
        # on the real lists; 15 of 15 read by hand were one person (docs/resolve.md).
        lambda c: (
            c.name >= NAMES_IDENTICAL
            and c.name_words >= 3
            and c.birth == PARTIAL
            and c.countries == "agree"
            and not (c.unsc_mismatch or c.gender_mismatch or c.registration_mismatch)
        ),
        frozenset({"person"}),
    ),
    Rule(
        "name+country",
        AUTO,
        "the same distinctive organization name and a country in common",
        lambda c: (
            c.name >= NAMES_SAME_ORGANIZATION
            and c.distinctive_name
            and c.countries == "agree"
            and not (c.unsc_mismatch or c.registration_mismatch)
        ),
        frozenset({"organization"}),
    ),
    Rule(
        "identifier, names differ",
        REVIEW,
        "a shared identifier but names that do not agree: for an analyst to judge",
        lambda c: c.identifier,
    ),
    Rule(
        "name+partial birth date",
        REVIEW,
        "practically the same name, birth dates that only partly agree",
        lambda c: c.name >= NAMES_SAME_PERSON and c.birth in (NEAR, PARTIAL),
        frozenset({"person"}),
    ),
    Rule(
        "name only",
        REVIEW,
        "the same distinctive organization name, countries unknown or different",
        lambda c: c.name >= NAMES_SAME_ORGANIZATION and c.distinctive_name,
        frozenset({"organization"}),
    ),
]


def decide(c: Comparison) -> Rule | None:
    for rule in RULES:
        if c.family in rule.families and rule.test(c):
            return rule
    return None


def evidence(c: Comparison, rule: Rule) -> dict[str, Any]:
    """Why a link was made, in the form the links table keeps and the CLI shows."""
    return {
        "rule": rule.name,
        "why": rule.text,
        "identifiers": c.shared,
        "names": {"similarity": c.name, "closest": list(c.name_pair)},
        "birth_dates": c.birth,
        "countries": c.countries,
        "features": {k: v for k, v in features(c).items() if v},
    }
