"""A scenario fully determines a ranking; it saves to and loads from YAML.

It has three parts, each the input of one stage of the engine:

- ``trip``: where from, in what currency, which operation, who travels and how — all the
  whole-trip cost depends on (the cost frame is cached on it alone);
- ``filters``: hard constraints;
- ``preferences``: weights, method, missing-data policy and the cost basis.

Version 1 files (one flat mapping) are still read: their fields move to their part.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from compare.criteria import DEFAULT_WEIGHTS, IDS
from compare.data import safeyaml
from compare.i18n import _
from compare.problems import DataError, Problem

SCENARIO_VERSION = 2
MAX_FARE_USD = 50_000  # a return fare above this is a typing error, not a fare
MAX_INSURANCE_USD = 100_000  # likewise a complication insurance quote
MAX_STAY_DAYS = 365


class Method(enum.Enum):
    WSM = "wsm"
    TOPSIS = "topsis"


class MissingPolicy(enum.Enum):
    """What a criterion value the sources do not report counts as."""

    WORST = "worst"
    MEDIAN = "median"
    EXCLUDE = "exclude"


class CostBasis(enum.Enum):
    """Which whole-trip total the cost criterion compares."""

    COMPARABLE = "comparable"  # unknown components filled with labelled estimates from elsewhere
    DOCUMENTED = "documented"  # only what is sourced, estimated or entered; unknown parts left out


class CostCriterion(enum.Enum):
    """What the cost criterion weighs: the trip, or the trip plus the expected cost of complications."""

    TRIP = "trip"
    RISK_ADJUSTED = "risk_adjusted"


class Seat(enum.Enum):
    """The patient's seat; a companion is priced in economy."""

    ECONOMY = "economy"
    EXTRA_LEGROOM = "extra_legroom"
    BUSINESS = "business"


class LodgingTier(enum.Enum):
    BUDGET = "budget"
    MID = "mid"
    PREMIUM = "premium"


Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


class Trip(BaseModel):
    """Everything the whole-trip cost depends on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    origin: str = "new-york"
    currency: str = "USD"
    passport: str | None = None  # ISO 3166-1 alpha-2; None: the origin's country
    procedure: str = "fusion_1l_mis"
    companion: bool = False
    seat: Seat = Seat.ECONOMY
    lodging_tier: LodgingTier = LodgingTier.MID
    recovery_days: Annotated[int, Field(ge=0, le=MAX_STAY_DAYS)] | None = None
    flight_fare: Money | None = None  # return fare per traveller, display currency, every destination
    fares: dict[str, Money] = {}  # per destination country (ISO2): wins over flight_fare
    complication_insurance: Money | None = None  # a quote the user entered, display currency
    abroad_rates: bool = True  # complication rates reported for patients operated abroad, where known
    recommended_at_home: Literal["yes", "no", "not_asked"] = "not_asked"

    @field_validator("origin", mode="before")
    @classmethod
    def _lower(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("currency", "passport", mode="before")
    @classmethod
    def _codes(cls, v: Any) -> Any:
        return _upper(v) or None if isinstance(v, str) else v

    @field_validator("fares", mode="before")
    @classmethod
    def _fare_countries(cls, v: Any) -> Any:
        return {_upper(k): x for k, x in v.items()} if isinstance(v, dict) else v

    def fare_for(self, country: str) -> float | None:
        """The fare the user entered for a destination country, if any."""
        return self.fares.get(country, self.flight_fare)


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
    hide_thin: bool = False  # hide options whose score rests mostly on unknowns

    @field_validator("countries", mode="before")
    @classmethod
    def _upper_countries(cls, v: Any) -> Any:
        return [_upper(c) for c in v] if isinstance(v, list) else v


class Preferences(BaseModel):
    """How options are weighed against each other."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weights: dict[str, Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]] = dict(DEFAULT_WEIGHTS)
    method: Method = Method.WSM
    missing: MissingPolicy = MissingPolicy.WORST
    cost_basis: CostBasis = CostBasis.COMPARABLE
    cost_criterion: CostCriterion = CostCriterion.TRIP
    wanted: list[str] = []

    @field_validator("weights")
    @classmethod
    def _known_criteria(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(IDS))
        if unknown:
            raise ValueError(f"unknown criteria {unknown}; known: {list(IDS)}")
        full = {k: float(v.get(k, 0.0)) for k in IDS}
        if sum(full.values()) <= 0:
            raise ValueError(_("at least one weight must be above 0"))
        return full


PARTS = {"trip": Trip, "filters": Filters, "preferences": Preferences}


class Scenario(BaseModel):
    """Everything a ranking depends on, apart from the data (pinned by ``data_hash``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[2] = SCENARIO_VERSION
    trip: Trip = Trip()
    filters: Filters = Filters()
    preferences: Preferences = Preferences()
    data_hash: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_flat(cls, data: Any) -> Any:
        """Version 1 (and keyword) fields move to their part: ``Scenario(origin="london")`` works."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if data.get("version") == 1:
            data["version"] = SCENARIO_VERSION
        for part, model in PARTS.items():
            moved = {k: data.pop(k) for k in list(data) if k in model.model_fields and k not in cls.model_fields}
            if moved:
                current = data.get(part) or {}
                if isinstance(current, BaseModel):
                    current = current.model_dump()
                if isinstance(current, dict):
                    data[part] = {**current, **moved}
        return data

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
    flat = doc.data.get("version") == 1 or not any(part in doc.data for part in PARTS)
    try:
        return Scenario.model_validate(doc.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            path = tuple(err["loc"])
            # A version 1 file names its fields without the part they moved to.
            file_path = path[1:] if flat and len(path) > 1 and path[0] in PARTS else path
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown field"
            problems.append(Problem(name, doc.line_of(file_path), ".".join(map(str, path)) or "(document)", message))
        raise DataError(problems) from None


def with_changes(scenario: Scenario, **changes: Any) -> Scenario:
    """A validated copy with some fields changed (flat names, as in version 1, or whole parts)."""
    return Scenario.model_validate({**scenario.model_dump(), **changes})
