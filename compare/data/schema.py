"""Schemas for every curated file, as pydantic models.

Each model checks one record (a facility file, a CSV row, a vocabulary entry) against the
vocabularies in the validation context. Shared scalar types are in ``types``, the one
provenance model (``Source``) in ``provenance``.
"""

from __future__ import annotations

import enum
import math
from typing import Annotated, Any, Literal

import pycountry
from pydantic import BaseModel, BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from compare.data.provenance import Provenanced, Source, SourceKind
from compare.data.types import (
    AccreditationBodyId,
    Count,
    Country,
    Currency,
    EvidenceLevelId,
    Model,
    Money,
    Name,
    OptionalMoney,
    PartialDate,
    ProcedureId,
    Slug,
    SourceKindId,
    Text,
    Url,
    blank_to_none,
    country_code,
    vocab_of,
)

__all__ = [
    "Source",
    "SourceKind",
    "Provenanced",
    "Count",
    "Country",
    "Currency",
    "Money",
    "Name",
    "OptionalMoney",
    "PartialDate",
    "Slug",
    "Text",
    "Url",
    "country_code",
]


# ---- vocabularies -------------------------------------------------------------------


class EvidenceLevel(Model):
    id: Slug
    label: Name
    confidence: float = Field(ge=0, le=1)
    description: Text


# What an accreditation certifies. Only ``hospital`` speaks for the whole hospital's care;
# the others are shown but not scored as hospital accreditation.
SCOPES = (
    "hospital",
    "spine_centre",
    "medical_travel",
    "person_centred_care",
    "laboratory",
    "nursing",
    "quality_system",
)


class AccreditationBody(Model):
    id: Slug
    name: Name
    international: bool
    scope: Literal[SCOPES]
    url: Url = None


class Technique(Model):
    id: Slug
    label: Name
    kind: Literal["technique", "technology"]
    minimally_invasive: bool
    fusion: bool = False


class Procedure(Model):
    id: Slug
    label: Name
    levels: int | None = Field(default=None, ge=1, le=5)
    approach: Literal["open", "mis"] | None = None


class Phase(enum.Enum):
    PRE_OP = "pre_op"
    OPERATION = "operation"
    POST_OP = "post_op"
    TRAVEL = "travel"


class CostComponent(Model):
    id: Slug
    label: Name
    phase: Phase


# ---- facility facts -----------------------------------------------------------------


class Cited(Model):
    """Base for a fact that points at a key of the file's ``sources``."""

    source: Slug
    note: Text | None = None
    as_of: PartialDate = None


class BoolFact(Cited):
    value: bool = Field(strict=True)


class CountFact(Cited):
    value: Count
    year: int | None = Field(default=None, ge=1900, le=2100)
    period: Text | None = Field(default=None, max_length=80)


class Accreditation(Cited):
    """An accreditation, with when it was first granted and when it was last seen current.

    ``verified_as_of`` is the date of the newest evidence that it is still current (the
    accreditor's own list where one was found, else the newest dated source); it must be
    written, as null when the only evidence is undated.
    """

    body: AccreditationBodyId
    since: int | None = Field(default=None, ge=1900, le=2100)
    verified_as_of: PartialDate = Field(...)


class Recognition(Cited):
    name: Name
    year: int | None = Field(default=None, ge=1900, le=2100)


def _technique_kind(v: str, info: ValidationInfo, kind: str) -> str:
    known = vocab_of(info, "techniques")
    if known and v not in known:
        raise ValueError(f"unknown {kind} {v!r} (see data/vocab/techniques.yaml)")
    if known and known[v].kind != kind:
        raise ValueError(f"{v!r} is a {known[v].kind}, listed under the wrong heading")
    return v


class TechniqueRef(Cited):
    id: str

    @field_validator("id")
    @classmethod
    def _known(cls, v: str, info: ValidationInfo) -> str:
        return _technique_kind(v, info, "technique")


class TechnologyRef(Cited):
    id: str
    model: Name | None = None
    since: int | None = Field(default=None, ge=1900, le=2100)

    @field_validator("id")
    @classmethod
    def _known(cls, v: str, info: ValidationInfo) -> str:
        return _technique_kind(v, info, "technology")


class Languages(Cited):
    value: list[str] = Field(min_length=0, max_length=60)

    @field_validator("value")
    @classmethod
    def _iso639(cls, v: list[str]) -> list[str]:
        bad = [code for code in v if not pycountry.languages.get(alpha_2=code)]
        if bad:
            raise ValueError(f"unknown language codes {bad} (use ISO 639-1, e.g. 'en')")
        return v


class Outcome(Cited):
    metric: Slug
    value: float = Field(allow_inf_nan=False)
    unit: Name
    period: str | None = None


class Location(Model):
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    airport: str = Field(pattern=r"^[A-Z]{3}$")
    source: Slug


class SpineProgramme(Model):
    dedicated_spine_hospital: BoolFact | None = None
    annual_spine_surgeries: CountFact | None = None
    cumulative_surgeries: CountFact | None = None
    spine_surgeons: CountFact | None = None
    beds: CountFact | None = None
    international_patients_per_year: CountFact | None = None


class Facility(Model):
    """One facility file, ``data/facilities/<iso2>/<id>.yaml``."""

    id: Slug
    name: Name
    country: Country
    city: Name | None
    district: Name | None = None
    summary: Text
    location: Location | None
    sources: dict[Slug, Source] = Field(min_length=1)
    accreditations: list[Accreditation] = []
    recognitions: list[Recognition] = []
    spine_programme: SpineProgramme = SpineProgramme()
    techniques: list[TechniqueRef] = []
    technologies: list[TechnologyRef] = []
    languages: Languages | None = None
    international_office: BoolFact | None = None
    outcomes: list[Outcome] = []

    @model_validator(mode="after")
    def _sources_exist(self) -> Facility:
        missing = sorted({ref for ref in _source_refs(self) if ref not in self.sources})
        if missing:
            raise ValueError(f"cites sources not listed under 'sources': {missing}")
        return self


def _source_refs(model: BaseModel) -> list[str]:
    """Every ``source`` key cited anywhere inside a facility."""
    refs: list[str] = []
    for _name, value in model:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, Cited | Location):
                refs.append(item.source)
            if isinstance(item, SpineProgramme):
                refs.extend(_source_refs(item))
    return refs


# ---- CSV rows -----------------------------------------------------------------------


def _split_components(value: Any) -> Any:
    if value is None or isinstance(value, list):
        return value or []
    return [part.strip() for part in str(value).split(";") if part.strip()]


Components = Annotated[list[str], BeforeValidator(_split_components)]


def _check_components(values: list[str], info: ValidationInfo) -> list[str]:
    known = vocab_of(info, "cost_components")
    bad = [v for v in values if known and v not in known]
    if bad:
        raise ValueError(f"unknown cost components {bad} (see data/vocab/cost_components.yaml)")
    return values


class PriceUse(enum.Enum):
    ESTIMATE = "estimate"
    BASELINE = "baseline"
    CONTEXT = "context"


class PriceRow(Provenanced):
    """A published price for the operation, country-level or for one facility."""

    id: Slug
    country: Country
    facility_id: Annotated[str | None, BeforeValidator(blank_to_none)] = None
    procedure: ProcedureId
    use: PriceUse
    price_low: Money
    price_high: OptionalMoney = None
    currency: Currency
    includes: Components = []
    excludes: Components = []
    # The id of an earlier row whose figure this one repeats (same original source): it is
    # shown, but counts once.
    same_as: Annotated[Slug | None, BeforeValidator(blank_to_none)] = None

    _components = field_validator("includes", "excludes")(_check_components)

    @model_validator(mode="after")
    def _range(self) -> PriceRow:
        if self.price_high is not None and self.price_high < self.price_low:
            raise ValueError(f"price_low {self.price_low:g} is above price_high {self.price_high:g}")
        if set(self.includes) & set(self.excludes):
            raise ValueError("a component is both included and excluded")
        return self


class Per(enum.Enum):
    NIGHT = "night"
    DAY = "day"
    TRIP = "trip"
    PERSON = "person"
    SESSION = "session"


class DestinationCostRow(Provenanced):
    """A unit cost in a destination country (lodging per night, visa per person, ...)."""

    id: Slug
    country: Country
    component: str
    tier: Annotated[
        Literal["budget", "mid", "premium", "patient", "companion"] | None,
        BeforeValidator(blank_to_none),
    ] = None
    per: Per
    low: Money
    high: OptionalMoney = None
    currency: Currency
    method: Annotated[Text | None, BeforeValidator(blank_to_none)] = None

    @field_validator("component")
    @classmethod
    def _component_known(cls, v: str, info: ValidationInfo) -> str:
        return _check_components([v], info)[0]

    @model_validator(mode="after")
    def _consistent(self) -> DestinationCostRow:
        if self.high is not None and self.high < self.low:
            raise ValueError(f"low {self.low:g} is above high {self.high:g}")
        if self.evidence == "computed_estimate" and not self.method:
            raise ValueError("a computed estimate must name its method")
        return self


class OriginRow(Model):
    id: Slug
    city: Name
    country: Country
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    airport: str = Field(pattern=r"^[A-Z]{3}$")
    currency: Currency
    source: Text
    source_kind: SourceKindId


class RouteRow(Model):
    origin_airport: str = Field(pattern=r"^[A-Z]{3}$")
    dest_airport: str = Field(pattern=r"^[A-Z]{3}$")
    great_circle_km: float = Field(gt=0, le=20_100, allow_inf_nan=False)
    nonstop_2014: Annotated[Literal["yes", "no"] | None, BeforeValidator(blank_to_none)] = None
    method: Text
    source: Text
    source_kind: SourceKindId


class FxRow(Model):
    currency: Currency
    units_per_usd: float = Field(gt=0, allow_inf_nan=False)
    as_of: PartialDate = Field(...)
    source: Text
    source_kind: SourceKindId
    evidence: EvidenceLevelId


# ---- other YAML files ---------------------------------------------------------------


class Note(Model):
    text: Text
    source: Slug | None = None


class Visa(Model):
    patient: Text | None = None
    companion: Text | None = None
    source: Slug | None = None


class Destination(Model):
    currency: Currency
    visa: Visa = Visa()
    notes: list[Note] = []
    sources: dict[Slug, Source] = {}

    @model_validator(mode="after")
    def _sources_exist(self) -> Destination:
        refs = {n.source for n in self.notes if n.source} | ({self.visa.source} if self.visa.source else set())
        missing = sorted(refs - set(self.sources))
        if missing:
            raise ValueError(f"cites sources not listed under 'sources': {missing}")
        return self


class SourcedRange(Model):
    """A low–high figure from one cited source (a key of the file's ``sources``)."""

    low: float = Field(ge=0, le=1_000_000, allow_inf_nan=False)
    high: float = Field(ge=0, le=1_000_000, allow_inf_nan=False)
    source: Slug
    note: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SourcedRange:
        if self.high < self.low:
            raise ValueError(f"low {self.low:g} is above high {self.high:g}")
        return self


class NightsRange(Model):
    low: float = Field(ge=0, le=60, allow_inf_nan=False)
    high: float = Field(ge=0, le=60, allow_inf_nan=False)
    source: Slug
    evidence: EvidenceLevelId | None = None
    method: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> NightsRange:
        if self.high < self.low:
            raise ValueError("low is above high")
        if self.evidence == "computed_estimate" and not self.method:
            raise ValueError("a computed estimate must name its method")
        return self


class FlyRule(Model):
    haul: Literal["short", "long", "any"]
    weeks_low: float = Field(ge=0, le=52)
    weeks_high: float = Field(ge=0, le=52)
    note: Text | None = None
    source: Slug


class Clinical(Model):
    sources: dict[Slug, Source]
    hospital_nights: dict[Literal["open", "mis"], NightsRange]
    safe_to_fly: list[FlyRule] = Field(min_length=1)
    # Share of the total cost of the operation that implants make up (0-1).
    implants: SourcedRange | None = None
    # Relative cost of a variant against a price that names none: a multiplier range.
    variant_costs: dict[Literal["extra_level", "open_vs_mis"], SourcedRange] = {}

    @property
    def cited(self) -> set[str]:
        refs = {r.source for r in self.safe_to_fly} | {n.source for n in self.hospital_nights.values()}
        refs |= {v.source for v in self.variant_costs.values()}
        return refs | ({self.implants.source} if self.implants else set())

    @model_validator(mode="after")
    def _implant_share(self) -> Clinical:
        if self.implants and not (0 <= self.implants.low <= self.implants.high < 1):
            raise ValueError("implants: the share of the total cost must be from 0 to below 1")
        return self


class Metadata(Model):
    title: Name
    description: Text
    license: Text
    retrieved: PartialDate
    stale_after_months: int = Field(default=24, ge=1, le=240)
    disclaimer: Text


def is_finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)
