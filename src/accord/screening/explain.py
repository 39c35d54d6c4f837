"""Screening hits and their explanations in plain words.

The text says which query name met which listed name and how (word alignment, the
transliteration used), what each feature added or took away, on which list, list version,
program and listing date it stands, and the algorithm and data versions. It never shows
internal ids: the entity id is a field for programs, not part of the text.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from accord.lists.registry import all_sources
from accord.screening.index import EntityRecord
from accord.screening.score import ALGORITHM_VERSION, Contribution, NameEvidence


class AlignedWord(BaseModel):
    model_config = ConfigDict(frozen=True)

    query: str
    listed: str
    similarity: float


class NameExplanation(BaseModel):
    model_config = ConfigDict(frozen=True)

    query_name: str
    listed_name: str
    query_reading: str
    listed_reading: str
    query_method: str
    listed_method: str
    alignment: tuple[AlignedWord, ...]
    similarity: float


class FeatureExplanation(BaseModel):
    model_config = ConfigDict(frozen=True)

    feature: str
    description: str
    detail: str
    contribution: float


class Listing(BaseModel):
    model_config = ConfigDict(frozen=True)

    list_id: str
    list_title: str
    list_version: int
    published: str | None
    record_reference: str
    programs: tuple[str, ...]
    listing_dates: tuple[str, ...]


class Hit(BaseModel):
    """One listed entity matched to a query, with its score and why."""

    model_config = ConfigDict(frozen=True)

    entity_id: str
    schema_: str
    caption: str
    score: float
    match: bool
    listing: Listing
    name: NameExplanation | None
    features: tuple[FeatureExplanation, ...]
    algorithm: str
    data_versions: dict[str, int]
    explanation: str


def list_title(list_id: str) -> str:
    source = all_sources().get(list_id)
    return source.title if source else list_id


def build_hit(
    entity: EntityRecord,
    score: float,
    threshold: float,
    name: NameEvidence | None,
    parts: list[Contribution],
    versions: dict[str, int],
) -> Hit:
    listing = Listing(
        list_id=entity.list_id,
        list_title=list_title(entity.list_id),
        list_version=entity.version_id,
        published=entity.published_at[:10] if entity.published_at else None,
        record_reference=entity.record_id,
        programs=tuple(entity.programs),
        listing_dates=tuple(entity.listing_dates),
    )
    name_ex = _name(name) if name else None
    features = tuple(
        FeatureExplanation(
            feature=c.feature.name,
            description=c.feature.description,
            detail=c.outcome.detail,
            contribution=round(c.points, 4),
        )
        for c in parts
    )
    text = _text(entity, score, listing, name_ex, features, versions)
    return Hit(
        entity_id=entity.id,
        schema_=entity.schema,
        caption=entity.caption,
        score=score,
        match=score >= threshold,
        listing=listing,
        name=name_ex,
        features=features,
        algorithm=ALGORITHM_VERSION,
        data_versions=versions,
        explanation=text,
    )


def _name(ev: NameEvidence) -> NameExplanation:
    return NameExplanation(
        query_name=ev.query_form.original,
        listed_name=ev.listed_form.original,
        query_reading=ev.query_form.text,
        listed_reading=ev.listed_form.text,
        query_method=ev.query_form.method_words,
        listed_method=ev.listed_form.method_words,
        alignment=tuple(
            AlignedWord(query=p.query, listed=p.listed, similarity=round(p.sim, 3))
            for p in ev.match.pairs
        ),
        similarity=round(ev.score, 4),
    )


def _words(name: NameExplanation) -> str:
    bits = []
    for a in name.alignment:
        if a.query and a.listed:
            how = "same word" if a.similarity >= 1.0 else f"similar, {a.similarity:.0%}"
            bits.append(f"{a.query} = {a.listed} ({how})")
        elif a.query:
            bits.append(f"{a.query} (query word not in the listed name)")
        else:
            bits.append(f"{a.listed} (listed word not in the query)")
    return "; ".join(bits)


def _text(
    entity: EntityRecord,
    score: float,
    listing: Listing,
    name: NameExplanation | None,
    features: tuple[FeatureExplanation, ...],
    versions: dict[str, int],
) -> str:
    lines = [f"{entity.caption} ({entity.schema}) scored {score:.2f}."]
    if name is not None:
        lines.append(
            f'The query name "{name.query_name}" met the listed name "{name.listed_name}".'
        )
        if name.query_method != "as written" or name.listed_method != "as written":
            lines.append(
                f'They were compared as "{name.query_reading}" ({name.query_method}) and '
                f'"{name.listed_reading}" ({name.listed_method}).'
            )
        lines.append(f"Word by word: {_words(name)}.")
    for f in features:
        sign = "+" if f.contribution >= 0 else "−"
        lines.append(f"{sign}{abs(f.contribution):.2f} {f.description} ({f.detail}).")
    when = listing.published or "an undated version"
    program = ", ".join(listing.programs) or "no program given"
    listed_on = ", ".join(listing.listing_dates) or "not given"
    lines.append(
        f"Listed on {listing.list_title} (version of {when}), program {program}, "
        f"listing date {listed_on}."
    )
    lines.append(_versions_line(tuple(sorted(versions.items()))))
    return " ".join(lines)


@lru_cache(maxsize=64)
def _versions_line(versions: tuple[tuple[str, int], ...]) -> str:
    """The same for every hit screened against the same list versions."""
    data = ", ".join(f"{list_title(k)} version {v}" for k, v in versions)
    return f"Algorithm {ALGORITHM_VERSION}; data: {data}."
