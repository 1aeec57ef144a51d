"""A scenario fully determines a ranking; it saves to and loads from YAML."""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from compare import safeyaml
from compare.criteria import DEFAULT_WEIGHTS, IDS
from compare.problems import DataError, Problem

SCENARIO_VERSION = 1


class Method(enum.Enum):
    WSM = "wsm"
    TOPSIS = "topsis"


class MissingPolicy(enum.Enum):
    """What a criterion value the sources do not report counts as."""

    WORST = "worst"
    MEDIAN = "median"
    EXCLUDE = "exclude"


class Filters(BaseModel):
    """Hard constraints: an option failing any of them is not ranked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    countries: list[str] = []
    accreditation: str | None = None  # "international" or a body id
    techniques: list[str] = []
    min_volume: Annotated[int, Field(ge=0)] | None = None
    languages: list[str] = []
    budget: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    max_flight_hours: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    max_price_age_months: Annotated[int, Field(gt=0)] | None = None


class Scenario(BaseModel):
    """Everything a ranking depends on, apart from the data (pinned by ``data_hash``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = SCENARIO_VERSION
    origin: str = "new-york"
    currency: str = "USD"
    procedure: str = "fusion_1l_mis"
    companion: bool = False
    lodging_tier: Literal["budget", "mid", "premium"] = "mid"
    recovery_days: Annotated[int, Field(ge=0, le=180)] | None = None
    flight_fare: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    wanted: list[str] = []
    filters: Filters = Filters()
    weights: dict[str, Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]] = dict(DEFAULT_WEIGHTS)
    method: Method = Method.WSM
    missing: MissingPolicy = MissingPolicy.WORST
    data_hash: str | None = None

    @field_validator("weights")
    @classmethod
    def _known_criteria(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(IDS))
        if unknown:
            raise ValueError(f"unknown criteria {unknown}; known: {list(IDS)}")
        full = {k: float(v.get(k, 0.0)) for k in IDS}
        if sum(full.values()) <= 0:
            raise ValueError("at least one weight must be above 0")
        return full

    def to_yaml(self) -> str:
        data = self.model_dump(mode="json")
        return "# Spinal fusion abroad: comparison scenario\n" + yaml.safe_dump(
            data, sort_keys=False, allow_unicode=True
        )


def scenario_from_yaml(raw: bytes | str, name: str = "scenario.yaml") -> Scenario:
    """Parse a scenario file with the same bounds as any upload; ``DataError`` on faults."""
    from pydantic import ValidationError

    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    doc = safeyaml.parse(safeyaml.decode(text.encode("utf-8"), name, max_bytes=64 * 1024), name)
    if not isinstance(doc.data, dict):
        raise DataError([Problem(name, 1, "(document)", "expected a mapping of scenario fields")])
    try:
        return Scenario.model_validate(doc.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            path = tuple(err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown field"
            problems.append(Problem(name, doc.line_of(path), ".".join(map(str, path)) or "(document)", message))
        raise DataError(problems) from None


def with_changes(scenario: Scenario, **changes: Any) -> Scenario:
    """A validated copy with some fields changed."""
    return Scenario.model_validate({**scenario.model_dump(), **changes})
