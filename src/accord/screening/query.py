"""A screening query: who or what to look for, with the facts the caller knows about it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from accord.errors import InvalidInputError
from accord.screening.normalize import Kind, analyze, clean_text, has_control_chars

MAX_NAME_LENGTH = 400
MAX_VALUES = 20

Schema = Literal[
    "Person", "Organization", "Company", "PublicBody", "LegalEntity", "Vessel", "Airplane", "Thing"
]
IdentifierKind = Literal["imo", "mmsi", "lei", "passport", "national_id", "registration", "other"]

# Which schemata of listed entities a query schema may match.
SCHEMA_KIND: dict[str, Kind] = {
    "Person": "person",
    "Organization": "org",
    "Company": "org",
    "PublicBody": "org",
    "LegalEntity": "any",
    "Vessel": "vessel",
    "Airplane": "vessel",
    "Thing": "any",
}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class InvalidQueryError(InvalidInputError):
    """A query value is not acceptable; ``field`` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class Identifier(BaseModel):
    """An identifier of the queried party: a vessel's IMO number, a passport number…"""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: IdentifierKind
    value: str = Field(min_length=1, max_length=64)


class Query(BaseModel):
    """One party to screen. Only ``names`` is required; every other fact sharpens the score."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: Schema = Field(default="Thing", alias="schema")
    names: tuple[str, ...] = Field(min_length=1, max_length=MAX_VALUES)
    birth_dates: tuple[str, ...] = Field(default=(), max_length=MAX_VALUES)
    countries: tuple[str, ...] = Field(default=(), max_length=MAX_VALUES)
    gender: Literal["male", "female", "other"] | None = None
    identifiers: tuple[Identifier, ...] = Field(default=(), max_length=MAX_VALUES)

    @field_validator("names")
    @classmethod
    def _names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        out: list[str] = []
        for name in names:
            if len(name) > MAX_NAME_LENGTH:
                raise ValueError(
                    f"a name is {len(name):,} characters; the limit is {MAX_NAME_LENGTH}"
                )
            if has_control_chars(name):
                raise ValueError(f"name {name[:40]!r} contains control characters")
            cleaned = clean_text(name)
            if not cleaned:
                raise ValueError("a name is empty or only whitespace")
            if not analyze(cleaned, "any"):
                raise ValueError(f"name {cleaned!r} has no letters or digits to compare")
            out.append(cleaned)
        return tuple(dict.fromkeys(out))

    @field_validator("birth_dates")
    @classmethod
    def _dates(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            match = _DATE.match(value.strip())
            if match is None:
                raise ValueError(f"{value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
            year, month, day = (int(g) if g else None for g in match.groups())
            try:
                date(year or 1, month or 1, day or 1)
            except ValueError as exc:
                raise ValueError(f"{value!r} is not a real date: {exc}") from None
            if not 1850 <= (year or 0) <= date.today().year:
                raise ValueError(f"{value!r}: the year is out of range")
        return tuple(v.strip() for v in values)

    @field_validator("countries")
    @classmethod
    def _countries(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for value in values:
            from followthemoney import registry  # ~1 s to import: only when a country is given

            code = registry.country.clean(value)
            if code is None:
                raise ValueError(f"{value!r} is not a country code or name")
            out.append(str(code))
        return tuple(out)

    @property
    def kind(self) -> Kind:
        return SCHEMA_KIND[self.schema_]

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Query:
        """Validate ``data``; a bad value raises ``InvalidQueryError`` naming its field."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise _to_domain(exc) from None

    @classmethod
    def of(cls, *names: str, **facts: Any) -> Query:
        """Convenience: ``Query.of("Kim Jong Un", schema="Person", birth_dates=["1984"])``."""
        return cls.parse({"names": list(names), **facts})


def _to_domain(exc: ValidationError) -> InvalidQueryError:
    first = exc.errors()[0]
    loc = [str(p) for p in first["loc"] if not isinstance(p, int)]
    field = ".".join(loc) or "query"
    message = str(first["msg"]).removeprefix("Value error, ")
    return InvalidQueryError(field, message)
