"""What every cost component is made of: its status, the row builder and provenance helpers.

Each component has a status:

- ``quoted``     a price for this facility (its own, or a quote that names it);
- ``published``  a published figure for the country, or a published unit cost;
- ``included``   covered by the operation price, so not counted again;
- ``estimated``  computed here, naming its method and inputs (fares from distance, hotel
  and meals from the U.S. per diem table, implants from their share of the cost);
- ``entered``    typed in by the user (a fare);
- ``unknown``    no source gives it. It is never counted as zero: the comparable total
  fills it with a labelled estimate from the same component elsewhere (see ``totals``).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import pandas as pd

from compare.costs.money import fx_table, rate
from compare.data import Dataset
from compare.i18n import N_, _
from compare.scenario import Trip


class Status(enum.Enum):
    QUOTED = "quoted"
    PUBLISHED = "published"
    INCLUDED = "included"
    ESTIMATED = "estimated"
    ENTERED = "entered"
    UNKNOWN = "unknown"


# How a figure is known, in words (tables, legends, the report); "filled" marks a comparable fill.
STATUS_WORDS = {
    Status.QUOTED.value: N_("quoted"),
    Status.PUBLISHED.value: N_("published"),
    Status.INCLUDED.value: N_("included"),
    Status.ESTIMATED.value: N_("estimated"),
    Status.ENTERED.value: N_("entered"),
    Status.UNKNOWN.value: N_("unknown"),
    "filled": N_("filled"),
}


def status_word(status: str) -> str:
    """A status id in the current language (an id it does not know, as it is)."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


KNOWN = {s.value for s in Status} - {Status.UNKNOWN.value}
SOURCED = {Status.QUOTED.value, Status.PUBLISHED.value, Status.ENTERED.value}
PACKAGE = "operation_package"
VARIANT = "variant_adjustment"
IN_FILLED = (0.0, 0.0, N_("counted in the operation price, which is filled from comparable places"))
INSURANCE = "complication_insurance"
EXTRA_LABELS = {
    PACKAGE: N_("Operation (published price)"),
    VARIANT: N_("Operation variant (estimated difference)"),
    INSURANCE: N_("Complication insurance (your quote)"),
}
COMPONENT_COLUMNS = [
    "facility_id",
    "component",
    "label",
    "phase",
    "low",
    "high",
    "status",
    "basis",
    "sources",
    "as_of",
    "fill_low",
    "fill_high",
    "fill_basis",
]


@dataclass(frozen=True)
class Stay:
    """Nights in hospital and days in the country after discharge, as ranges."""

    hospital_low: float
    hospital_high: float
    recovery_low: float
    recovery_high: float

    @property
    def key(self) -> tuple[float, ...]:
        return (self.hospital_low, self.hospital_high, self.recovery_low, self.recovery_high)


def high_of(row: dict, low: str, high: str) -> float:
    value = row[high]
    return row[low] if value is None or (isinstance(value, float) and math.isnan(value)) else value


def price_range(rows: list[dict], to_display: float, fx: dict[str, float]) -> tuple[float, float]:
    low = min(r["price_low"] * to_display / fx[r["currency"]] for r in rows)
    high = max(high_of(r, "price_low", "price_high") * to_display / fx[r["currency"]] for r in rows)
    return float(low), float(high)


def covered_by(rows: list[dict], operation: set[str]) -> set[str]:
    """Components every one of these prices covers (so none is counted twice).

    An operation price is taken to cover the operation itself (surgeon, anaesthesia,
    theatre, hospital nights) unless it says otherwise; implants and anything else only
    when the source says so, because "from" prices often leave implants out.
    """
    base = operation - {"implants"}
    sets = [(base | set(r["includes"])) - set(r["excludes"]) for r in rows]
    return set.intersection(*sets) if sets else set()


def source_of(ds: Dataset, key: str) -> dict:
    """A travel.yaml or clinical.yaml source as a provenance (see ``provenance_of``)."""
    for block in (ds.travel, ds.clinical):
        src = block.sources.get(key) if block else None
        if src is not None:
            return {"sources": (src,), "as_of": src.as_of}
    return {}


def records(df: pd.DataFrame) -> list[dict]:
    return [] if df.empty else df.to_dict("records")


class Builder:
    """Collects component rows for one trip; one ``add`` per component of each facility."""

    def __init__(self, ds: Dataset, trip: Trip):
        self.ds = ds
        self.trip = trip
        self.to_display = rate(ds, trip.currency)
        self.fx = fx_table(ds)
        self.components = ds.vocab["cost_components"]
        self.rows: list[dict] = []

    def money(self, usd: float) -> float:
        return usd * self.to_display

    def add(self, fid, component, low, high, status, basis, prov=None, fill=None):
        spec = self.components.get(component)
        prov = prov or {}
        fill_low, fill_high, fill_basis = fill or (math.nan, math.nan, None)
        self.rows.append(
            {
                "facility_id": fid,
                "component": component,
                "label": _(spec.label)
                if spec
                else _(EXTRA_LABELS[component])
                if component in EXTRA_LABELS
                else component,
                "phase": spec.phase.value if spec else "operation",
                "low": low,
                "high": high,
                "status": status.value,
                "basis": basis,
                "sources": prov.get("sources", ()),
                "as_of": prov.get("as_of"),
                "fill_low": fill_low,
                "fill_high": fill_high,
                "fill_basis": fill_basis,
            }
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records(self.rows, columns=COMPONENT_COLUMNS)
