"""Whole-trip cost: every component as a low–high range in the display currency.

Each component carries a status:

- ``quoted``     a figure for this facility;
- ``published``  a country-level published figure;
- ``estimated``  computed here from published unit costs (the ``method`` says how);
- ``entered``    typed in by the user (flight fares);
- ``included``   covered by the operation price, so not counted again;
- ``missing``    no source gives it: not counted, and shown as "not reported".
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from compare import schema
from compare.dataset import Dataset
from compare.scenario import Scenario

# Flight time is not known from any source: it is estimated from distance with an
# assumed average block speed plus a fixed allowance for taxi, climb and descent.
BLOCK_SPEED_KMH = 800.0
FLIGHT_OVERHEAD_H = 1.0
FLIGHT_HOURS_METHOD = (
    f"great-circle km ÷ {BLOCK_SPEED_KMH:.0f} km/h + {FLIGHT_OVERHEAD_H:.0f} h; an estimate, not a schedule"
)
EARTH_RADIUS_KM = 6371.0088


class Status(enum.Enum):
    QUOTED = "quoted"
    PUBLISHED = "published"
    ESTIMATED = "estimated"
    ENTERED = "entered"
    INCLUDED = "included"
    MISSING = "missing"


COUNTED = {Status.QUOTED, Status.PUBLISHED, Status.ESTIMATED, Status.ENTERED}
PACKAGE = "operation_package"
COMPONENT_COLUMNS = [
    "facility_id",
    "component",
    "label",
    "phase",
    "low",
    "high",
    "status",
    "basis",
    "source_url",
    "as_of",
    "evidence",
]


@dataclass(frozen=True)
class Stay:
    """Nights in hospital and days in the country after discharge, as ranges."""

    hospital_low: float
    hospital_high: float
    recovery_low: float
    recovery_high: float
    basis: str


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (vectorized) with the mean Earth radius."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def flight_hours(km):
    return np.asarray(km, dtype=float) / BLOCK_SPEED_KMH + FLIGHT_OVERHEAD_H


def rate(ds: Dataset, currency: str) -> float:
    """Units of ``currency`` per US dollar (raises for an unknown currency)."""
    match = ds.fx.loc[ds.fx["currency"] == currency, "units_per_usd"] if not ds.fx.empty else []
    if len(match) == 0:
        raise ValueError(f"no exchange rate for {currency!r}; choose one of {sorted(ds.fx['currency'])}")
    return float(match.iloc[0])


def stay(ds: Dataset, scenario: Scenario) -> Stay:
    """Hospital nights for the approach, and recovery days before flying home."""
    procedure = ds.vocab["procedures"].get(scenario.procedure)
    approach = procedure.approach if procedure and procedure.approach else "open"
    nights = ds.clinical.hospital_nights.get(approach) if ds.clinical else None
    h_low, h_high = (nights.low, nights.high) if nights else (math.nan, math.nan)
    if scenario.recovery_days is not None:
        r_low = r_high = float(scenario.recovery_days)
        basis = f"{scenario.recovery_days} recovery days (your choice)"
    else:
        rule = next((r for r in ds.clinical.safe_to_fly if r.haul == "any"), None) if ds.clinical else None
        if rule is None:
            r_low = r_high = math.nan
            basis = "no safe-to-fly guidance in the data"
        else:
            r_low, r_high = rule.weeks_low * 7, rule.weeks_high * 7
            basis = (
                f"{r_low:.0f}–{r_high:.0f} recovery days: the general minimum before flying "
                f"after fusion ({rule.weeks_low:g}–{rule.weeks_high:g} weeks); long-haul "
                "guidance is longer, so set your own"
            )
    return Stay(h_low, h_high, r_low, r_high, basis)


def distances(ds: Dataset, origin: pd.Series) -> pd.DataFrame:
    """Distance and estimated flight hours from the origin to every facility."""
    fac = ds.facilities
    routes = ds.routes
    km = pd.Series(np.nan, index=fac.index, dtype=float)
    basis = pd.Series("not reported (facility location unknown)", index=fac.index, dtype=object)
    if not routes.empty:
        table = routes[routes["origin_airport"] == origin["airport"]].set_index("dest_airport")["great_circle_km"]
        hit = fac["airport"].map(table)
        km = km.where(hit.isna(), hit)
        basis = basis.where(hit.isna(), "great-circle km between airports (routes.csv)")
    need = km.isna() & fac["lat"].notna()
    if need.any():
        km[need] = haversine_km(
            origin["lat"], origin["lon"], fac.loc[need, "lat"].astype(float), fac.loc[need, "lon"].astype(float)
        )
        basis[need] = "great-circle km between city centres (haversine)"
    return pd.DataFrame({"distance_km": km, "flight_hours": flight_hours(km), "distance_basis": basis})


def _price_range(rows: pd.DataFrame, factor: pd.Series) -> tuple[float, float]:
    low = (rows["price_low"] * factor).min()
    high = (rows["price_high"].fillna(rows["price_low"]) * factor).max()
    return float(low), float(high)


def _covered(rows: pd.DataFrame, operation: set[str]) -> set[str]:
    """Components every one of these prices covers (so none is counted twice)."""
    sets = [set(inc) if len(inc) else set(operation) for inc in rows["includes"]]
    covered = set.intersection(*sets) if sets else set()
    for exc in rows["excludes"]:
        covered -= set(exc)
    return covered


def _provenance(rows: pd.DataFrame) -> tuple[str, str | None, str]:
    urls = "; ".join(dict.fromkeys(rows["source_url"]))
    dates = [d for d in rows["as_of"] if isinstance(d, str)]
    evidence = "; ".join(dict.fromkeys(rows["evidence"]))
    return urls, (max(dates) if dates else None), evidence


def trip_components(ds: Dataset, scenario: Scenario) -> pd.DataFrame:
    """One row per facility and cost component, in the scenario's currency.

    Facility quotes win over country-level ranges; components a price includes are
    marked ``included`` and not counted again.
    """
    to_display = rate(ds, scenario.currency)
    fx = dict(zip(ds.fx["currency"], ds.fx["units_per_usd"], strict=True))
    components = ds.vocab["cost_components"]
    operation = {c for c, v in components.items() if v.phase is schema.Phase.OPERATION}
    travellers = 2 if scenario.companion else 1
    st = stay(ds, scenario)
    prices = ds.prices
    if not prices.empty:
        prices = prices[(prices["use"] == "estimate") & prices["procedure"].isin([scenario.procedure, "lumbar_fusion"])]
        factor_all = to_display / prices["currency"].map(fx)
    unit = ds.destination_costs
    rows: list[dict] = []

    for fid, fac in ds.facilities.iterrows():

        def add(component, low, high, status, basis, src=None, as_of=None, evidence=None, *, fid=fid):
            label = components[component].label if component in components else "Operation (published price)"
            phase = components[component].phase.value if component in components else "operation"
            rows.append(
                {
                    "facility_id": fid,
                    "component": component,
                    "label": label,
                    "phase": phase,
                    "low": low,
                    "high": high,
                    "status": status.value,
                    "basis": basis,
                    "source_url": src,
                    "as_of": as_of,
                    "evidence": evidence,
                }
            )

        covered: set[str] = set()
        if not prices.empty:
            own = prices[prices["facility_id"] == fid]
            country = prices[prices["facility_id"].isna() & (prices["country"] == fac["country"])]
            chosen, status = (own, Status.QUOTED) if len(own) else (country, Status.PUBLISHED)
        else:
            chosen, status = pd.DataFrame(), Status.MISSING
        if len(chosen):
            low, high = _price_range(chosen, factor_all.loc[chosen.index])
            covered = _covered(chosen, operation)
            url, as_of, evidence = _provenance(chosen)
            specific = (chosen["procedure"] == scenario.procedure).all()
            what = "this variant" if specific else "lumbar fusion, variant not stated"
            scope = (
                "this facility"
                if status is Status.QUOTED
                else f"{len(chosen)} published figure(s) for {fac['country_name']}"
            )
            add(
                PACKAGE,
                low,
                high,
                status,
                f"range of {scope} ({what}); covers: {', '.join(sorted(covered)) or 'not itemised'}",
                url,
                as_of,
                evidence,
            )
        else:
            add(PACKAGE, math.nan, math.nan, Status.MISSING, f"no published price for {fac['country_name']}")

        here = unit[unit["country"] == fac["country"]] if not unit.empty else unit
        for cid, _comp in components.items():
            if cid in covered:
                add(cid, 0.0, 0.0, Status.INCLUDED, "included in the operation price")
                continue
            if cid == "flights":
                if scenario.flight_fare is not None:
                    fare = scenario.flight_fare * travellers
                    add(cid, fare, fare, Status.ENTERED, f"your fare × {travellers} traveller(s)")
                else:
                    add(cid, math.nan, math.nan, Status.MISSING, "no airfare data exists; enter your fare")
                continue
            candidates = here[here["component"] == cid] if len(here) else here
            if cid == "lodging":
                candidates = candidates[candidates["tier"] == scenario.lodging_tier] if len(candidates) else candidates
            if cid == "visa" and len(candidates):
                candidates = candidates[
                    candidates["tier"].isin(["patient", "companion"] if scenario.companion else ["patient"])
                ]
            if not len(candidates):
                add(cid, math.nan, math.nan, Status.MISSING, "not reported for this destination")
                continue
            low_sum = high_sum = 0.0
            bases = []
            estimated = False
            for _, row in candidates.iterrows():
                f = to_display / fx[row["currency"]]
                lo = row["low"] * f
                hi = (row["high"] if not pd.isna(row["high"]) else row["low"]) * f
                per = row["per"]
                if per == "night" and cid == "hospital_stay":
                    n_lo, n_hi, what = st.hospital_low, st.hospital_high, "hospital nights"
                elif per in ("night", "day"):
                    n_lo, n_hi, what = st.recovery_low, st.recovery_high, "recovery days"
                elif per == "person" and cid != "visa":
                    n_lo = n_hi = travellers
                    what = "travellers"
                else:
                    n_lo = n_hi = 1
                    what = ""
                if per == "session":
                    bases.append(f"priced per session ({lo:,.0f}–{hi:,.0f}); number of sessions not known")
                    lo = hi = math.nan
                elif what:
                    estimated = True
                    bases.append(f"{lo:,.0f}–{hi:,.0f} per {per} × {n_lo:g}–{n_hi:g} {what}")
                    lo, hi = lo * n_lo, hi * n_hi
                if row["evidence"] == "computed_estimate":
                    estimated = True
                    bases.append(str(row["method"]))
                low_sum += lo
                high_sum += hi
            url, as_of, evidence = _provenance(candidates)
            if cid == "visa" and scenario.companion and "companion" not in set(candidates["tier"]):
                bases.append("companion's visa fee not reported")
            if math.isnan(low_sum):
                add(cid, math.nan, math.nan, Status.MISSING, "; ".join(bases), url, as_of, evidence)
            else:
                add(
                    cid,
                    low_sum,
                    high_sum,
                    Status.ESTIMATED if estimated else Status.PUBLISHED,
                    "; ".join(bases) or "published figure",
                    url,
                    as_of,
                    evidence,
                )
    return pd.DataFrame.from_records(rows, columns=COMPONENT_COLUMNS)


def trip_totals(components: pd.DataFrame) -> pd.DataFrame:
    """Per facility: total low/high of counted components and how they were known."""
    counted = components[components["status"].isin([s.value for s in COUNTED])]
    totals = counted.groupby("facility_id").agg(total_low=("low", "sum"), total_high=("high", "sum"))
    status = components.pivot_table(
        index="facility_id", columns="status", values="component", aggfunc="count", fill_value=0
    )
    for s in Status:
        if s.value not in status:
            status[s.value] = 0
    measured = components[components["status"] != Status.INCLUDED.value]
    n = measured.groupby("facility_id")["component"].count()
    out = pd.DataFrame(index=components["facility_id"].unique())
    out = out.join(totals).join(status[[s.value for s in Status]].add_prefix("n_"))
    out["n_components"] = n
    quoted_value = counted.assign(mid=(counted["low"] + counted["high"]) / 2)
    share = (
        quoted_value[quoted_value["status"].isin(["quoted", "published", "entered"])]
        .groupby("facility_id")["mid"]
        .sum()
    )
    out["share_sourced"] = (share / ((out["total_low"] + out["total_high"]) / 2)).reindex(out.index).fillna(0.0)
    operation = components[components["component"] == PACKAGE].set_index("facility_id")
    out["operation_status"] = operation["status"]
    out["operation_as_of"] = operation["as_of"]
    out[["total_low", "total_high"]] = out[["total_low", "total_high"]].fillna(0.0)
    out.loc[out["operation_status"] == Status.MISSING.value, ["total_low", "total_high"]] = np.nan
    out["missing_components"] = (
        components[components["status"] == "missing"].groupby("facility_id")["component"].agg(list).reindex(out.index)
    )
    return out


def home_baseline(ds: Dataset, scenario: Scenario, origin_country: str) -> dict | None:
    """The published price range of the operation in the origin country, if any."""
    p = ds.prices
    if p.empty:
        return None
    rows = p[(p["use"] == "baseline") & (p["country"] == origin_country)]
    if not len(rows):
        return None
    fx = dict(zip(ds.fx["currency"], ds.fx["units_per_usd"], strict=True))
    factor = rate(ds, scenario.currency) / rows["currency"].map(fx)
    low, high = _price_range(rows, factor)
    url, as_of, evidence = _provenance(rows)
    return {"low": low, "high": high, "n_figures": len(rows), "source_url": url, "as_of": as_of, "evidence": evidence}
