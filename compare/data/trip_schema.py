"""Schemas of the trip model's own files: ``travel.yaml`` (fares, haul, regions, open data)
and ``risk.yaml`` (complications, treatment costs, advice, the continuity-of-care pack).

The shared field types and the base ``Model`` are in ``compare.data.schema``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from compare.data.schema import (
    Country,
    Currency,
    Model,
    Money,
    Name,
    Note,
    PartialDate,
    Slug,
    Source,
    SourcedRange,
    Text,
)

# ---- travel model (travel.yaml) -------------------------------------------------------


class FareLine(Model):
    """One-way economy fare in USD as ``fixed + per_km × great-circle km``, from one source."""

    fixed: float = Field(ge=0, le=10_000, allow_inf_nan=False)
    per_km: float = Field(gt=0, le=10, allow_inf_nan=False)
    source: Slug
    note: Text | None = None


class SeatCost(Model):
    """What a seat costs against economy: ``fare × factor + add_per_leg`` (USD), low and high."""

    factor_low: float = Field(default=1.0, ge=1, le=20)
    factor_high: float = Field(default=1.0, ge=1, le=20)
    add_per_leg_low: float = Field(default=0.0, ge=0, le=10_000)
    add_per_leg_high: float = Field(default=0.0, ge=0, le=10_000)
    source: Slug | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SeatCost:
        if self.factor_high < self.factor_low or self.add_per_leg_high < self.add_per_leg_low:
            raise ValueError("low is above high")
        return self


class Fares(Model):
    method: Text
    as_of: PartialDate = Field(...)
    low: FareLine
    high: FareLine
    seat: dict[Literal["economy", "extra_legroom", "business"], SeatCost]
    seat_note: Text | None = None

    @model_validator(mode="after")
    def _complete(self) -> Fares:
        missing = sorted({"economy", "extra_legroom", "business"} - set(self.seat))
        if missing:
            raise ValueError(f"seat needs entries for {missing}")
        return self


class Haul(Model):
    long_from_hours: float = Field(gt=0, le=24)
    source: Slug
    note: Text | None = None


class OpenDataSet(Model):
    file: Annotated[str, Field(pattern=r"^open_data/[A-Za-z0-9_.-]+\.csv$")]
    source: Slug


class Region(Model):
    subregion: Name
    region: Name


class Travel(Model):
    sources: dict[Slug, Source]
    per_diem: OpenDataSet
    visas: OpenDataSet
    haul: Haul
    fares: Fares
    regions: dict[Country, Region]
    regions_source: Slug

    @model_validator(mode="after")
    def _sources_exist(self) -> Travel:
        cited = {self.per_diem.source, self.visas.source, self.haul.source, self.regions_source}
        cited |= {self.fares.low.source, self.fares.high.source}
        cited |= {s.source for s in self.fares.seat.values() if s.source}
        missing = sorted(cited - set(self.sources))
        if missing:
            raise ValueError(f"cites sources not listed under 'sources': {missing}")
        return self


# ---- the risk side (risk.yaml) --------------------------------------------------------


class TreatmentCost(SourcedRange):
    """What treating a complication costs in one country, from one source."""

    country: Country
    low: Money
    high: Money
    currency: Currency


class Probability(SourcedRange):
    """A probability range (0–1); ``source`` gives the low end, ``high_source`` the high end if another."""

    low: float = Field(ge=0, le=1, allow_inf_nan=False)
    high: float = Field(ge=0, le=1, allow_inf_nan=False)
    high_source: Slug | None = None


class Complication(Model):
    id: Slug
    label: Name
    probability: Probability  # for patients operated at home (or not separated)
    abroad: Probability | None = None  # where a study reports a rate for patients operated abroad
    treatment: list[TreatmentCost] = []


class ContinuityStep(Model):
    """One line of the continuity-of-care pack: when to do it, what, and who says so."""

    when: Literal["before_booking", "before_leaving", "back_home", "emergency"]
    text: Text
    source: Slug


class Risk(Model):
    sources: dict[Slug, Source]
    complications: list[Complication] = Field(min_length=1)
    # Plain-language advice shown with the figures, each citing a source:
    # second_opinion (shown when the operation was not recommended at home) and
    # insurance_gap (what ordinary travel insurance leaves out).
    advice: dict[Literal["second_opinion", "insurance_gap"], Note] = {}
    continuity: list[ContinuityStep] = []

    @model_validator(mode="after")
    def _sources_exist(self) -> Risk:
        cited = set()
        for c in self.complications:
            for p in (c.probability, c.abroad):
                if p is not None:
                    cited |= {p.source} | ({p.high_source} if p.high_source else set())
            cited |= {t.source for t in c.treatment}
        cited |= {n.source for n in self.advice.values() if n.source}
        cited |= {step.source for step in self.continuity}
        missing = sorted(cited - set(self.sources))
        if missing:
            raise ValueError(f"cites sources not listed under 'sources': {missing}")
        ids = [c.id for c in self.complications]
        if len(ids) != len(set(ids)):
            raise ValueError("complication ids must be unique")
        return self
