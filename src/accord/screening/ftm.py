"""FollowTheMoney shapes: an FtM entity example as a query, a hit as a yente-style result."""

from __future__ import annotations

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
IGNORED_PROPS = frozenset({"topics", "notes", "address", "position", "website", "email", "phone"})


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
        if not all(isinstance(v, str) for v in items):
            raise InvalidQueryError(f"{field}.properties.{prop}", "values must be strings")
        values[str(prop)] = items
    unknown = [
        p
        for p in values
        if p not in NAME_PROPS
        and p not in COUNTRY_PROPS
        and p not in IDENTIFIER_PROPS
        and p not in IGNORED_PROPS
        and p not in {"firstName", "lastName", "middleName", "birthDate", "gender"}
    ]
    if unknown:
        raise InvalidQueryError(f"{field}.properties.{unknown[0]}", "property not supported")
    names = [v for p in NAME_PROPS for v in values.get(p, [])]
    if not names:
        parts = [values.get(p, []) for p in ("firstName", "middleName", "lastName")]
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
    return {
        "id": hit.entity_id,
        "caption": hit.caption,
        "schema": hit.schema_,
        "properties": props,
        "datasets": [hit.listing.list_id],
        "target": True,
        "score": round(hit.score, 4),
        "match": hit.match,
        "explanations": explanations,
        "explanation": hit.explanation,
        "listing": hit.listing.model_dump(mode="json"),
        "algorithm": hit.algorithm,
    }
