"""FollowTheMoney shapes: an FtM entity example as a query, a hit as a yente-style result."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from followthemoney import model

from accord.screening.explain import Hit
from accord.screening.index import EntityRecord
from accord.screening.query import InvalidQueryError, Query

NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "flag", "birthCountry")
IDENTIFIER_PROPS: dict[str, str] = {
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "leiCode": "lei",
    "passportNumber": "passport",
    "idNumber": "national_id",
    "registrationNumber": "registration",
    "taxNumber": "registration",
    "innCode": "registration",
    "ogrnCode": "registration",
    "swiftBic": "registration",
}
# The FtM property each identifier kind of a listed entity is shown under.
KIND_PROPS = {
    "imo": "imoNumber",
    "mmsi": "mmsi",
    "lei": "leiCode",
    "passport": "passportNumber",
    "national_id": "idNumber",
    "registration": "registrationNumber",
    "other": "idNumber",
}
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
IGNORED_PROPS = frozenset({"topics", "notes", "address", "position", "website", "email", "phone"})
NAME_PART_PROPS = ("firstName", "middleName", "lastName")
# Properties the score reads; any other property of the query's FtM schema is accepted and unused,
# as yente accepts it (``incorporationDate``, ``birthPlace``…). A property the schema does not
# have is refused with its name.
USED_PROPS = frozenset(
    {*NAME_PROPS, *COUNTRY_PROPS, *IDENTIFIER_PROPS, *NAME_PART_PROPS, "birthDate", "gender"}
)


def query_from_ftm(example: Any, field: str = "query") -> Query:
    """A query from ``{"schema": ..., "properties": {prop: [values]}}``.

    Every error names its field under ``field`` (``queries.k.properties.birthDate``).
    """
    if not isinstance(example, dict):
        raise InvalidQueryError(field, "expected an object with 'schema' and 'properties'")
    schema = example.get("schema", "Thing")
    props = example.get("properties", {})
    if not isinstance(props, dict):
        raise InvalidQueryError(f"{field}.properties", "expected an object of value lists")
    values: dict[str, list[str]] = {}
    for prop, raw in props.items():
        items = raw if isinstance(raw, list) else [raw]
        # yente takes a value or a list of values; numbers (a year of birth) read as text.
        if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in items):
            raise InvalidQueryError(f"{field}.properties.{prop}", "values must be strings")
        values[str(prop)] = [v if isinstance(v, str) else str(v) for v in items]
    known = model.get(schema) if isinstance(schema, str) else None
    unknown = [
        p
        for p in values
        if p not in USED_PROPS
        and p not in IGNORED_PROPS
        and (known is None or p not in known.properties)
    ]
    if unknown:
        raise InvalidQueryError(
            f"{field}.properties.{unknown[0]}",
            f"not a property of {schema if known is not None else 'the schema'}",
        )
    names = [v for p in NAME_PROPS for v in values.get(p, [])]
    if not names:
        parts = [values.get(p, []) for p in NAME_PART_PROPS]
        joined = " ".join(v[0] for v in parts if v)
        names = [joined] if joined.strip() else []
    if not names:
        raise InvalidQueryError(f"{field}.properties.name", "at least one name is required")
    data: dict[str, Any] = {
        "schema": schema,
        "names": names,
        "birth_dates": values.get("birthDate", []),
        "countries": [v for p in COUNTRY_PROPS for v in values.get(p, [])],
        "identifiers": [
            {"kind": kind, "value": v}
            for p, kind in IDENTIFIER_PROPS.items()
            for v in values.get(p, [])
        ],
    }
    if values.get("gender"):
        data["gender"] = values["gender"][0].lower()
    try:
        return Query.parse(data)
    except InvalidQueryError as exc:
        message = str(exc).removeprefix(f"{exc.field}: ")
        raise InvalidQueryError(f"{field}.{_ftm_field(exc.field)}", message) from None


def _ftm_field(field: str) -> str:
    mapping = {
        "schema": "schema",
        "names": "properties.name",
        "birth_dates": "properties.birthDate",
        "countries": "properties.nationality",
        "gender": "properties.gender",
        "identifiers": "properties.idNumber",
    }
    head = field.split(".")[0]
    return mapping.get(head, field)


def hit_result(hit: Hit, entity: EntityRecord) -> dict[str, Any]:
    """A hit as a yente ``/match`` result: an FtM entity with score, match and explanations."""
    schema = model.get(entity.schema) or model.get("Thing")
    assert schema is not None
    props: dict[str, list[str]] = {}

    def add(prop: str, value: str) -> None:
        if schema.get(prop) is not None and value not in props.setdefault(prop, []):
            props[prop].append(value)

    for name, prop in zip(entity.names, entity.name_props, strict=True):
        add(prop, name)
    for value in entity.birth_dates:
        add("birthDate", value)
    for value in entity.countries:
        add("nationality" if schema.get("nationality") else "country", value)
    for value in entity.genders:
        add("gender", value)
    for kind, value, _ in entity.identifiers:
        add(KIND_PROPS.get(kind, "idNumber"), value)
    for program in entity.programs:
        add("program", program)
    props = {k: v for k, v in props.items() if v}
    explanations: dict[str, Any] = {
        f.feature: {"score": f.contribution, "description": f.description, "detail": f.detail}
        for f in hit.features
    }
    listed = sorted(d for d in hit.listing.listing_dates if _FULL_DATE.match(d))
    return {
        "id": hit.entity_id,
        "caption": hit.caption,
        "schema": hit.schema_,
        "properties": props,
        "datasets": [hit.listing.list_id],
        "referents": [],
        "target": True,
        # yente's timestamps: first listed, and the publication of the serving list version.
        "first_seen": f"{listed[0]}T00:00:00" if listed else None,
        "last_seen": _timestamp(entity.published_at),
        "last_change": None,
        "score": round(hit.score, 4),
        "match": hit.match,
        "features": {f.feature: f.contribution for f in hit.features},
        "explanations": explanations,
        "explanation": hit.explanation,
        "listing": hit.listing.model_dump(mode="json"),
        "algorithm": hit.algorithm,
    }


def _timestamp(value: str | None) -> str | None:
    """An ISO timestamp without time zone, as yente gives them; None when unreadable."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when.replace(tzinfo=None).isoformat(timespec="seconds")
