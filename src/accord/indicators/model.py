"""The indicator catalogue's model: one YAML file per indicator, validated by these classes.

The JSON Schema published for catalogue files (``accord indicators schema``, docs) is generated
from ``Indicator``, so the YAML files, the validation and the published contract cannot drift.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

#: A parameter value: a number, a flag, a code, or a list of codes (e.g. country codes).
ParamValue = float | int | bool | str | list[str]


class Domain(StrEnum):
    vessel = "vessel"
    trade = "trade"
    finance = "finance"
    ownership = "ownership"
    screening = "screening"


class Severity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


SEVERITY_RANK = {Severity.low: 1, Severity.medium: 2, Severity.high: 3, Severity.critical: 4}


class Source(BaseModel):
    """The advisory, method or paper an indicator or threshold comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    publisher: str
    url: HttpUrl | None = None
    ref: str | None = Field(default=None, description="Section, file or parameter name cited.")


class Parameter(BaseModel):
    """One tunable parameter with the default the partners agreed on, and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: ParamValue
    unit: str = Field(description="Unit of the value: hours, nm, km, knots, count, iso2, …")
    description: str
    source: str = Field(description="Why this default: the cited method and parameter.")


class Indicator(BaseModel):
    """One declared red flag of the shared catalogue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z]+\.[a-z][a-z0-9_]*$", description="domain.name")
    version: int = Field(ge=1, description="Bumped whenever the logic or a default changes.")
    title: str
    red_flag: str = Field(description="The red flag it represents, in plain words.")
    domain: Domain
    sources: tuple[Source, ...] = Field(min_length=1)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    severity: Severity
    escalation_tier: int = Field(ge=1, le=4, description="Suggested tier of the protocol (1-4).")
    jurisdiction: str = Field(description="Owning jurisdiction: ISO 3166 code, 'EU' or 'shared'.")
    marking: str = Field(default="TLP:AMBER", description="Default handling marking of alerts.")
    evaluator: str = Field(description="Registered evaluator that implements the logic.")
    subject: str = Field(default="vessel", description="What the alerts are about.")

    @model_validator(mode="after")
    def _domain_prefix(self) -> Indicator:
        if not self.id.startswith(f"{self.domain.value}."):
            raise ValueError(f"id {self.id!r} must start with its domain {self.domain.value!r}.")
        return self

    def defaults(self) -> dict[str, ParamValue]:
        return {name: p.value for name, p in self.parameters.items()}
