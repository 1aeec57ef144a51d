"""Every cost component of every option: the operation, the destination's unit costs and the
travel parts, one row each, as a low–high range in the display currency (statuses: ``base``).
"""

from __future__ import annotations

import math

import pandas as pd

from compare.costs import operation, trip_parts
from compare.costs.base import (
    INSURANCE,
    Builder,
    Status,
    Stay,
    high_of,
    records,
)
from compare.costs.money import span
from compare.data import Dataset
from compare.data.provenance import provenance_of
from compare.i18n import _, ngettext
from compare.scenario import Trip

# How a unit cost was multiplied out, by what it is priced per and what it is multiplied by:
# one whole clause each, so a translation can order its words. ``per`` comes from the data
# (night, day, person); an unforeseen one keeps its English word.
UNIT_BASES = {
    ("night", "hospital nights"): lambda: _("{amount} per night × {n} hospital nights"),
    ("night", "days after discharge"): lambda: _("{amount} per night × {n} days after discharge"),
    ("day", "days after discharge"): lambda: _("{amount} per day × {n} days after discharge"),
    ("person", "travellers"): lambda: _("{amount} per person × {n} travellers"),
}


def _unit_basis(per: str, what: str) -> str:
    make = UNIT_BASES.get((per, what))
    return make() if make else f"{{amount}} per {per} × {{n}} {what}"


def _unit_component(cid: str, rows: list[dict], trip: Trip, st: Stay, to_display: float, fx) -> tuple:
    """(low, high, status, basis, rows used) of one destination unit-cost component."""
    travellers = 2 if trip.companion else 1
    if cid == "lodging":
        rows = [r for r in rows if r["tier"] == trip.lodging_tier.value]
    if not rows:
        return math.nan, math.nan, Status.UNKNOWN, _("not reported for this destination"), rows
    # Several rows for the same tier are alternative figures for one cost: take their
    # range. Different tiers (the patient's and the companion's visa) add up.
    by_tier: dict[str | None, tuple[float, float]] = {}
    bases: list[str] = []
    estimated = False
    for row in rows:
        f = to_display / fx[row["currency"]]
        lo, hi = row["low"] * f, high_of(row, "low", "high") * f
        per = row["per"]
        if per == "night" and cid == "hospital_stay":
            n_lo, n_hi, what = st.hospital_low, st.hospital_high, "hospital nights"
        elif per in ("night", "day"):
            n_lo, n_hi, what = st.recovery_low, st.recovery_high, "days after discharge"
        elif per == "person":
            n_lo = n_hi = travellers
            what = "travellers"
        else:
            n_lo = n_hi = 1
            what = ""
        if per == "session":
            bases.append(_("priced per session ({amount}); number of sessions not known").format(amount=span(lo, hi)))
            continue
        if what:
            estimated = True
            bases.append(_unit_basis(per, what).format(amount=span(lo, hi), n=span(n_lo, n_hi, "g")))
            lo, hi = lo * n_lo, hi * n_hi
        if row["evidence"] == "computed_estimate":
            estimated = True
            bases.append(str(row["method"]))
        tier = row["tier"] if isinstance(row["tier"], str) else None
        prev_lo, prev_hi = by_tier.get(tier, (math.inf, -math.inf))
        by_tier[tier] = (min(prev_lo, lo), max(prev_hi, hi))
    if not by_tier:
        return math.nan, math.nan, Status.UNKNOWN, "; ".join(bases), rows
    low_sum = sum(lo for lo, _hi in by_tier.values())
    high_sum = sum(hi for _lo, hi in by_tier.values())
    if len(rows) > len(by_tier):
        bases.append(
            ngettext("range of {n} published figures", "range of {n} published figures", len(rows)).format(n=len(rows))
        )
    status = Status.ESTIMATED if estimated else Status.PUBLISHED
    return low_sum, high_sum, status, "; ".join(bases) or _("published figure"), rows


def trip_components(ds: Dataset, trip: Trip, journeys: pd.DataFrame) -> pd.DataFrame:
    """One row per facility and cost component (plus the operation price) in the trip's currency.

    ``journeys`` is ``totals.journeys(ds, trip)``: distance, stay, visa and per diem per facility.
    Facility prices win over country ranges; components a price includes are ``included``.
    """
    b = Builder(ds, trip)
    by_facility: dict[str, list[dict]] = {}
    by_country: dict[str, list[dict]] = {}
    for r in records(ds.prices):
        if r["use"] != "estimate" or r["procedure"] not in (trip.procedure, "lumbar_fusion"):
            continue
        if isinstance(r.get("same_as"), str):
            continue  # a copy of another row's figure: the original already counts, once
        if isinstance(r["facility_id"], str):
            by_facility.setdefault(r["facility_id"], []).append(r)
        else:
            by_country.setdefault(r["country"], []).append(r)
    units: dict[tuple[str, str], list[dict]] = {}
    for r in records(ds.destination_costs):
        units.setdefault((r["country"], r["component"]), []).append(r)
    memo: dict[tuple, tuple] = {}
    special = {"implants", "flights", "lodging", "meals", "visa"}

    for fid, country, country_label in zip(
        ds.facilities.index, ds.facilities["country"], ds.facilities["country_name"], strict=True
    ):
        j = journeys.loc[fid]
        st = Stay(j["hospital_low"], j["hospital_high"], j["recovery_low"], j["recovery_high"])
        own = by_facility.get(fid, [])
        chosen = own or by_country.get(country, [])
        low, high, covered = operation.package(b, fid, country_label, chosen, bool(own))
        if trip.complication_insurance is not None:
            amount = trip.complication_insurance
            b.add(fid, INSURANCE, amount, amount, Status.ENTERED, _("your quote for complication insurance"))
        for cid in b.components:
            if cid in covered:
                if math.isfinite(low):  # with no price at all, ``_package`` added these as unknown
                    b.add(fid, cid, 0.0, 0.0, Status.INCLUDED, _("included in the operation price"))
            elif cid == "implants":
                operation.implants(b, fid, low, high, chosen)
            elif cid == "flights":
                trip_parts.flights(b, fid, country, j["distance_km"])
            elif cid == "lodging":
                trip_parts.lodging_and_meals(b, fid, st, units.get((country, "lodging"), []), j)
            elif cid == "visa":
                trip_parts.visa(b, fid, j, units.get((country, "visa"), []))
            elif cid not in special:
                key = (country, cid, st.key)
                if key not in memo:
                    memo[key] = _unit_component(cid, units.get((country, cid), []), trip, st, b.to_display, b.fx)
                lo, hi, status, basis, used = memo[key]
                b.add(fid, cid, lo, hi, status, basis, provenance_of(used))
    return b.frame()
