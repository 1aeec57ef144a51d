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


def format_money(value: float | None, currency: str) -> str:
    """``12,345 GBP``, or "not reported" for an unknown amount."""
    if value is None or pd.isna(value):
        return "not reported"
    return f"{value:,.0f} {currency}"


def format_range(low: float | None, high: float | None, currency: str) -> str:
    """``4,000–9,000 GBP``; one figure when both ends round alike; "not reported" when unknown."""
    if low is None or pd.isna(low):
        return "not reported"
    if high is None or pd.isna(high) or abs(high - low) < 0.5:
        return format_money(low, currency)
    return f"{low:,.0f}–{high:,.0f} {currency}"


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
        # routes.csv is not checked for repeated airport pairs; a repeat made ``map`` raise.
        table = table[~table.index.duplicated(keep="first")]
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


def _price_range(rows: list[dict], to_display: float, fx: dict[str, float]) -> tuple[float, float]:
    low = min(r["price_low"] * to_display / fx[r["currency"]] for r in rows)
    high = max(_high(r, "price_low", "price_high") * to_display / fx[r["currency"]] for r in rows)
    return float(low), float(high)


def _high(row: dict, low: str, high: str) -> float:
    value = row[high]
    return row[low] if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _covered(rows: list[dict], operation: set[str]) -> set[str]:
    """Components every one of these prices covers (so none is counted twice).

    An operation price is taken to cover the operation itself (surgeon, anaesthesia,
    theatre, hospital nights) unless it says otherwise; implants and anything else only
    when the source says so, because "from" prices often leave implants out.
    """
    base = operation - {"implants"}
    sets = [(base | set(r["includes"])) - set(r["excludes"]) for r in rows]
    return set.intersection(*sets) if sets else set()


def _provenance(rows: list[dict]) -> tuple[str, str | None, str]:
    urls = "; ".join(dict.fromkeys(r["source_url"] for r in rows))
    dates = [r["as_of"] for r in rows if isinstance(r["as_of"], str)]
    evidence = "; ".join(dict.fromkeys(r["evidence"] for r in rows))
    return urls, (max(dates) if dates else None), evidence


def _records(df: pd.DataFrame) -> list[dict]:
    return [] if df.empty else df.to_dict("records")


def _unit_component(cid: str, rows: list[dict], scenario: Scenario, st: Stay, to_display: float, fx) -> tuple:
    """(low, high, status, basis, rows used) of one destination component, or a missing marker."""
    travellers = 2 if scenario.companion else 1
    if cid == "lodging":
        rows = [r for r in rows if r["tier"] == scenario.lodging_tier]
    if cid == "visa":
        rows = [r for r in rows if r["tier"] in (("patient", "companion") if scenario.companion else ("patient",))]
    if not rows:
        return math.nan, math.nan, Status.MISSING, "not reported for this destination", rows
    # Several rows for the same tier are alternative figures for one cost: take
    # their range. Different tiers (the patient's and the companion's visa) add up.
    by_tier: dict[str | None, tuple[float, float]] = {}
    bases: list[str] = []
    estimated = False
    for row in rows:
        f = to_display / fx[row["currency"]]
        lo, hi = row["low"] * f, _high(row, "low", "high") * f
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
            continue
        if what:
            estimated = True
            bases.append(f"{lo:,.0f}–{hi:,.0f} per {per} × {n_lo:g}–{n_hi:g} {what}")
            lo, hi = lo * n_lo, hi * n_hi
        if row["evidence"] == "computed_estimate":
            estimated = True
            bases.append(str(row["method"]))
        tier = row["tier"] if isinstance(row["tier"], str) else None
        prev_lo, prev_hi = by_tier.get(tier, (math.inf, -math.inf))
        by_tier[tier] = (min(prev_lo, lo), max(prev_hi, hi))
    low_sum = sum(lo for lo, _ in by_tier.values()) if by_tier else math.nan
    high_sum = sum(hi for _, hi in by_tier.values()) if by_tier else math.nan
    if len(rows) > len(by_tier) and by_tier:
        bases.append(f"range of {len(rows)} published figures")
    if cid == "visa" and scenario.companion and "companion" not in {r["tier"] for r in rows}:
        bases.append("companion's visa fee not reported")
    if math.isnan(low_sum):
        return math.nan, math.nan, Status.MISSING, "; ".join(bases), rows
    status = Status.ESTIMATED if estimated else Status.PUBLISHED
    return low_sum, high_sum, status, "; ".join(bases) or "published figure", rows


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
    by_facility: dict[str, list[dict]] = {}
    by_country: dict[str, list[dict]] = {}
    for r in _records(ds.prices):
        if r["use"] != "estimate" or r["procedure"] not in (scenario.procedure, "lumbar_fusion"):
            continue
        if isinstance(r["facility_id"], str):
            by_facility.setdefault(r["facility_id"], []).append(r)
        else:
            by_country.setdefault(r["country"], []).append(r)
    units: dict[tuple[str, str], list[dict]] = {}
    for r in _records(ds.destination_costs):
        units.setdefault((r["country"], r["component"]), []).append(r)
    unit_memo: dict[tuple[str, str], tuple] = {}
    rows: list[dict] = []

    for fid, country, country_label in zip(
        ds.facilities.index, ds.facilities["country"], ds.facilities["country_name"], strict=True
    ):

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

        own = by_facility.get(fid, [])
        chosen, status = (own, Status.QUOTED) if own else (by_country.get(country, []), Status.PUBLISHED)
        covered: set[str] = set()
        if chosen:
            low, high = _price_range(chosen, to_display, fx)
            covered = _covered(chosen, operation)
            url, as_of, evidence = _provenance(chosen)
            specific = all(r["procedure"] == scenario.procedure for r in chosen)
            what = "this variant" if specific else "lumbar fusion, variant not stated"
            scope = (
                "this facility" if status is Status.QUOTED else f"{len(chosen)} published figure(s) for {country_label}"
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
            add(PACKAGE, math.nan, math.nan, Status.MISSING, f"no published price for {country_label}")

        for cid in components:
            if cid in covered:
                add(cid, 0.0, 0.0, Status.INCLUDED, "included in the operation price")
            elif cid == "flights":
                if scenario.flight_fare is not None:
                    fare = scenario.flight_fare * travellers
                    add(cid, fare, fare, Status.ENTERED, f"your fare × {travellers} traveller(s)")
                else:
                    add(cid, math.nan, math.nan, Status.MISSING, "no airfare data exists; enter your fare")
            else:
                key = (country, cid)
                if key not in unit_memo:
                    unit_memo[key] = _unit_component(cid, units.get(key, []), scenario, st, to_display, fx)
                low, high, status_, basis, used = unit_memo[key]
                url, as_of, evidence = _provenance(used) if used else (None, None, None)
                add(cid, low, high, status_, basis, url, as_of, evidence)
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
    records = [r for r in _records(rows) if r["currency"] in fx]
    if not records:
        return None
    low, high = _price_range(records, rate(ds, scenario.currency), fx)
    url, as_of, evidence = _provenance(records)
    return {
        "low": low,
        "high": high,
        "n_figures": len(records),
        "source_url": url,
        "as_of": as_of,
        "evidence": evidence,
    }
