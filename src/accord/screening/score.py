"""The score: main evidence (names, strong identifiers) plus qualifiers, declared as data.

Each feature is a small function whose docstring is the text shown to the analyst. The score is
the best main feature times its weight, plus the sum of the qualifiers' contributions, clipped
to [0, 1]. A name alone reaches at most ``NAME_WEIGHT``: only corroborating facts (birth date,
nationality, an identifier) take a hit to 1.0, so identical names without them still rank.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accord.screening.identifiers import KIND_WORDS, STRONG_KINDS, normalize_identifier
from accord.screening.index import EntityRecord
from accord.screening.names import NameMatch
from accord.screening.normalize import NameForm
from accord.screening.query import Query

# 2: vowel-aware abjad comparison, syllabic readings, middle names, names within a name.
# 3: two words joined align with one word, syllables compared without transliteration boost,
#    listed words missing at the ends cost 0.25 of their weight (0.3 before).
# 4: among equally similar word pairs, the alignment takes the nearest positions first; a query
#    romanized from the Arabic script does not pay for a Latin article ("al-", "as-") unmatched.
# 5: a remark on a person's birth written after the name ("…, born 1 Jan. 1953") is cut off;
#    Arabic-script text with ض, ذ, ث or a word-initial و also gets the Persian reading ("رضا" is
#    "rza" as well as "rda"); a joined "Abd al-" ("عبدالغفار") is "abd" and the name; the Urdu
#    and Pashto letters ICU leaves untouched (ہ, ھ, ڑ, ں…) read as the Arabic letters they are.
ALGORITHM_VERSION = "accord-screen-5"
NAME_WEIGHT = 0.9
DEFAULT_THRESHOLD = 0.7


@dataclass(frozen=True, slots=True)
class NameEvidence:
    """The best pair of names and how they were compared."""

    query_form: NameForm
    listed_form: NameForm
    match: NameMatch
    score: float
    weak_alias: bool
    info: float  # identifying weight of the matched query tokens


@dataclass(frozen=True, slots=True)
class Context:
    query: Query
    entity: EntityRecord
    name: NameEvidence | None


@dataclass(frozen=True, slots=True)
class Outcome:
    value: float  # the feature's own measure in [-1, 1]
    detail: str  # plain words; "" when the feature does not apply


NO = Outcome(0.0, "")
FeatureFn = Callable[[Context], Outcome]


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    weight: float
    fn: FeatureFn
    main: bool

    @property
    def description(self) -> str:
        return (self.fn.__doc__ or self.name).strip().splitlines()[0]


# --- main features ------------------------------------------------------------------------------
def name_match(ctx: Context) -> Outcome:
    """How closely the best pair of names agrees, word by word."""
    ev = ctx.name
    if ev is None:
        return NO
    return Outcome(ev.score, f"{ev.query_form.original!r} met {ev.listed_form.original!r}")


def strong_identifier_match(ctx: Context) -> Outcome:
    """The query and the listed entity share an IMO number or LEI code with a valid check digit."""
    for kind, value in _shared(ctx):
        if kind in STRONG_KINDS:
            return Outcome(1.0, f"same {KIND_WORDS[kind]} {value} (check digit valid)")
    return NO


# --- qualifiers ---------------------------------------------------------------------------------
def identifier_match(ctx: Context) -> Outcome:
    """An identifier (passport, national id, registration, IMO, MMSI, LEI) is the same."""
    shared = _shared(ctx)
    if not shared:
        return NO
    kind, value = shared[0]
    return Outcome(1.0, f"same {KIND_WORDS[kind]} {value}")


def identifier_conflict(ctx: Context) -> Outcome:
    """Both sides give an IMO number or LEI code, and none of them agree: a different thing."""
    listed = {(k, v) for k, v, checked in ctx.entity.identifiers if k in STRONG_KINDS and checked}
    query = _query_identifiers(ctx.query)
    for kind in STRONG_KINDS:
        q = {v for k, v in query if k == kind}
        mine = {v for k, v in listed if k == kind}
        if q and mine and not q & mine:
            return Outcome(-1.0, f"{KIND_WORDS[kind]} {', '.join(sorted(q))} is not listed")
    return NO


def birth_date(ctx: Context) -> Outcome:
    """Birth dates agree (raises the score) or clearly conflict (lowers it)."""
    q_dates, l_dates = ctx.query.birth_dates, ctx.entity.birth_dates
    if not q_dates or not l_dates:
        return NO
    best: tuple[float, str] | None = None
    for q in q_dates:
        for listed in l_dates:
            got = _compare_dates(q, listed)
            if best is None or got[0] > best[0]:
                best = got
    assert best is not None
    return Outcome(*best)


def _compare_dates(q: str, listed: str) -> tuple[float, str]:
    if q == listed and len(q) == 10:
        return 1.0, f"born {q} on both sides"
    if q.startswith(listed) or listed.startswith(q):
        return 0.5, f"birth date {q} fits the listed {listed}"
    year_gap = abs(int(q[:4]) - int(listed[:4]))
    if year_gap == 0:
        return 0.0, f"same birth year, different day: {q} / listed {listed}"
    if year_gap == 1:
        return -0.3, f"birth years one apart: {q} / listed {listed}"
    return -1.0, f"born {q}, listed person born {listed}"


def country(ctx: Context) -> Outcome:
    """Nationality or country of the query and of the listed entity agree or differ."""
    q, listed = set(ctx.query.countries), set(ctx.entity.countries)
    if not q or not listed:
        return NO
    if q & listed:
        return Outcome(1.0, f"country {', '.join(sorted(q & listed))} on both sides")
    return Outcome(
        -1.0, f"query country {', '.join(sorted(q))}, listed {', '.join(sorted(listed))}"
    )


def gender(ctx: Context) -> Outcome:
    """The query and the listed person have a different gender."""
    if ctx.query.gender is None or not ctx.entity.genders:
        return NO
    if ctx.query.gender in ctx.entity.genders:
        return NO
    return Outcome(-1.0, f"query {ctx.query.gender}, listed {', '.join(ctx.entity.genders)}")


def common_name(ctx: Context) -> Outcome:
    """The names agree only on words that are very common on the lists, which identify little."""
    ev = ctx.name
    if ev is None or ev.info >= 1.0 or ctx.query.birth_dates or ctx.query.identifiers:
        return NO
    return Outcome(-(1.0 - ev.info), "the matching words are frequent in listed names")


def weak_alias(ctx: Context) -> Outcome:
    """The name met is one the list itself calls a weak or low-quality alias."""
    ev = ctx.name
    if ev is None or not ev.weak_alias:
        return NO
    return Outcome(-1.0, f"{ev.listed_form.original!r} is a weak alias on the list")


FEATURES: tuple[Feature, ...] = (
    Feature("name_match", NAME_WEIGHT, name_match, main=True),
    Feature("strong_identifier_match", 0.95, strong_identifier_match, main=True),
    Feature("identifier_match", 0.10, identifier_match, main=False),
    Feature("identifier_conflict", 0.30, identifier_conflict, main=False),
    Feature("birth_date", 0.30, birth_date, main=False),
    Feature("country", 0.06, country, main=False),
    Feature("gender", 0.15, gender, main=False),
    Feature("common_name", 0.12, common_name, main=False),
    Feature("weak_alias", 0.08, weak_alias, main=False),
)
# Positive contributions birth date can make: +0.30 × 1.0 would be far too much for a matching
# date (it is weak evidence), so agreement is capped here and conflicts keep the full weight.
DOB_AGREEMENT_CAP = 0.06


@dataclass(frozen=True, slots=True)
class Contribution:
    feature: Feature
    outcome: Outcome
    points: float


def score(ctx: Context) -> tuple[float, list[Contribution]]:
    """The final score and each feature's contribution (only those that applied)."""
    parts: list[Contribution] = []
    main_best = 0.0
    extra = 0.0
    for feat in FEATURES:
        out = feat.fn(ctx)
        if not out.detail:
            continue
        points = out.value * feat.weight
        if feat.name == "birth_date" and points > 0:
            points = min(points, DOB_AGREEMENT_CAP * out.value)
        if feat.main:
            main_best = max(main_best, points)
        else:
            extra += points
        parts.append(Contribution(feat, out, points))
    total = min(1.0, max(0.0, main_best + extra))
    return round(total, 4), parts


def max_boost(query: Query) -> float:
    """The most qualifiers can add for this query: bounds which candidates can still pass."""
    boost = 0.0
    if query.birth_dates:
        boost += DOB_AGREEMENT_CAP
    if query.countries:
        boost += 0.06
    if query.identifiers:
        boost += 0.10
    return boost


def _query_identifiers(query: Query) -> set[tuple[str, str]]:
    out = set()
    for ident in query.identifiers:
        norm = normalize_identifier(ident.kind, ident.value)
        if norm is not None and (norm.kind not in STRONG_KINDS or norm.checked):
            out.add((norm.kind, norm.value))
    return out


def _shared(ctx: Context) -> list[tuple[str, str]]:
    query = _query_identifiers(ctx.query)
    if not query:
        return []
    listed = {
        (k, v) for k, v, checked in ctx.entity.identifiers if k not in STRONG_KINDS or checked
    }
    # Passport and id numbers are compared across kinds: lists file them inconsistently.
    soft = {v for k, v in listed if k not in STRONG_KINDS}
    shared = [(k, v) for k, v in sorted(query) if (k, v) in listed]
    shared += [(k, v) for k, v in sorted(query) if k not in STRONG_KINDS and v in soft]
    return list(dict.fromkeys(shared))
