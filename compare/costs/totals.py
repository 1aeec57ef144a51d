"""Whole-trip totals: the documented total, the comparable total and how complete each is.

- The *documented* total adds what is published, quoted, estimated or entered; an unknown
  component is left out and named.
- The *comparable* total fills each unknown component with a labelled estimate from the
  same component elsewhere: the same country, else the same UN sub-region, else the same
  region, else the median over every country with a figure. So an option whose sources
  say little does not look cheap for it.
- *Completeness* is the share of the comparable total that is documented (sourced,
  estimated or entered) rather than filled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from compare import i18n, risk
from compare.costs import travel
from compare.costs.base import KNOWN, PACKAGE, SOURCED, Status
from compare.costs.components import trip_components
from compare.costs.money import fx_table, rate
from compare.data import Dataset
from compare.data.provenance import SOURCE_COLUMNS, provenance_of, source_record
from compare.i18n import _
from compare.scenario import MAX_FARE_USD, MAX_INSURANCE_USD, Trip


@dataclass(frozen=True)
class CostFrame:
    """Everything the whole-trip cost of one trip is made of: shared by every ranking of it."""

    trip: Trip
    components: pd.DataFrame  # one row per facility and component
    journeys: pd.DataFrame  # per facility: distance, haul, stay, visa, per diem place
    totals: pd.DataFrame  # per facility: documented and comparable totals, completeness, expected complications
    origin: dict
    passport: str
    risk: pd.DataFrame  # per facility and complication: probability × cost of treating it
    baseline: dict | None  # the operation's published price at home (``home_baseline``), if any


def origin_row(ds: Dataset, origin_id: str) -> pd.Series:
    match = ds.origins[ds.origins["id"] == origin_id] if not ds.origins.empty else ds.origins
    if not len(match):
        known = sorted(ds.origins["id"]) if not ds.origins.empty else []
        raise ValueError(f"unknown origin {origin_id!r}; choose one of {known}")
    return match.iloc[0]


def journeys(ds: Dataset, trip: Trip, origin: pd.Series, passport: str) -> pd.DataFrame:
    """Per facility: distance and flight hours, haul, hospital nights, recovery days, visa, per diem."""
    out = travel.distances(ds, origin)
    h_low, h_high, h_basis = travel.hospital_nights(ds, trip.procedure)
    out["hospital_low"], out["hospital_high"], out["hospital_basis"] = h_low, h_high, h_basis
    out = out.join(travel.recovery(ds, trip, out["flight_hours"]))
    out["passport"] = passport
    out = out.join(travel.visas(ds, passport, out["hospital_high"] + out["recovery_high"]))
    return out.join(travel.per_diem(ds))


def fill_unknown(ds: Dataset, components: pd.DataFrame) -> pd.DataFrame:
    """Fill each unknown component without a fill of its own from the same component elsewhere.

    Each country counts once (the median of its facilities), so a figure repeated for many
    facilities of one country does not outweigh the others. A zero (a visa not needed) is
    no figure for a cost that is needed, so it is left out of the pool.
    """
    out = components.copy()
    country = out["facility_id"].map(ds.facilities["country"])
    names = dict(zip(ds.facilities["country"], ds.facilities["country_name"], strict=False))
    regions = ds.travel.regions if ds.travel else {}
    levels = [
        ("country", lambda c: c),
        ("sub-region", lambda c: regions[c].subregion if c in regions else None),
        ("region", lambda c: regions[c].region if c in regions else None),
    ]
    status = out["status"]
    pool = out[status.isin(KNOWN) & (status != Status.INCLUDED.value) & ((out["low"] > 0) | (out["high"] > 0))]
    # component -> country -> (low, high): one figure per country
    medians = pool.groupby(["component", country[pool.index]])[["low", "high"]].median()
    per_component: dict[str, dict[str, tuple[float, float]]] = {}
    for (component, c), low, high in zip(medians.index, medians["low"], medians["high"], strict=True):
        per_component.setdefault(component, {})[c] = (low, high)
    need = (status == Status.UNKNOWN.value) & out["fill_low"].isna()
    memo: dict[tuple[str, str], tuple[float, float, str]] = {}

    def fill_for(component: str, c: str) -> tuple[float, float, str]:
        figures = per_component.get(component)
        if not figures:
            return math.nan, math.nan, _("not reported anywhere in the data: left out of every total")
        for level, group_of in levels:
            group = group_of(c)
            members = [x for x in figures if group is not None and group_of(x) == group]
            if members:
                low = float(np.median([figures[x][0] for x in members]))
                high = float(np.median([figures[x][1] for x in members]))
                named = ", ".join(sorted(names.get(x, x) for x in members))
                where = names.get(c, c) if level == "country" else f"{group} ({named})"
                return low, high, _("filled: median of the same component in {where}").format(where=where)
        low = float(np.median([v[0] for v in figures.values()]))
        high = float(np.median([v[1] for v in figures.values()]))
        return low, high, _("filled: median of the same component over {n} countries").format(n=len(figures))

    idx = out.index[need]
    keys = list(zip(out.loc[idx, "component"], country[idx], strict=True))
    for key in dict.fromkeys(keys):
        memo[key] = fill_for(*key)
    if keys:
        fill = pd.DataFrame([memo[k] for k in keys], index=idx, columns=["fill_low", "fill_high", "fill_basis"])
        out.loc[idx, ["fill_low", "fill_high", "fill_basis"]] = fill
    return out


def trip_totals(components: pd.DataFrame) -> pd.DataFrame:
    """Per facility: documented and comparable totals, completeness and what is unknown."""
    c = components
    known = c["status"].isin(KNOWN)
    unknown = c["status"] == Status.UNKNOWN.value
    filled = unknown & c["fill_low"].notna()
    doc = c[known].groupby("facility_id")[["low", "high"]].sum()
    fills = c[filled].groupby("facility_id")[["fill_low", "fill_high"]].sum()
    out = pd.DataFrame(index=pd.Index(c["facility_id"].unique()))
    out["documented_low"] = doc["low"].reindex(out.index).fillna(0.0)
    out["documented_high"] = doc["high"].reindex(out.index).fillna(0.0)
    out["comparable_low"] = out["documented_low"] + fills["fill_low"].reindex(out.index).fillna(0.0)
    out["comparable_high"] = out["documented_high"] + fills["fill_high"].reindex(out.index).fillna(0.0)
    mid_doc = (out["documented_low"] + out["documented_high"]) / 2
    mid_all = (out["comparable_low"] + out["comparable_high"]) / 2
    out["completeness"] = (mid_doc / mid_all).where(mid_all > 0)
    mid = (c["low"] + c["high"]) / 2
    sourced = mid.where(c["status"].isin(SOURCED)).groupby(c["facility_id"]).sum()
    out["share_sourced"] = (sourced.reindex(out.index) / mid_all).where(mid_all > 0)
    counts = c.pivot_table(index="facility_id", columns="status", values="component", aggfunc="count", fill_value=0)
    for s in Status:
        out[f"n_{s.value}"] = counts[s.value].reindex(out.index).fillna(0).astype(int) if s.value in counts else 0
    out["n_components"] = c[c["status"] != Status.INCLUDED.value].groupby("facility_id")["component"].count()
    out["n_unfilled"] = (unknown & ~filled).groupby(c["facility_id"]).sum().reindex(out.index).astype(int)
    operation = c[c["component"] == PACKAGE].set_index("facility_id")
    out["operation_status"] = operation["status"]
    out["operation_as_of"] = operation["as_of"]
    # Without the operation's price there is no documented trip total to speak of.
    out.loc[out["operation_status"] == Status.UNKNOWN.value, ["documented_low", "documented_high"]] = np.nan
    out["unknown_components"] = c[unknown].groupby("facility_id")["component"].agg(list).reindex(out.index)
    out["unknown_components"] = out["unknown_components"].map(lambda v: v if isinstance(v, list) else [])
    return out


def trip_problems(ds: Dataset, trip: Trip) -> dict[str, str]:
    """What in a trip the data cannot answer, by trip field: an unknown origin, currency or
    passport, or a fare above ``MAX_FARE_USD``. Empty when the trip can be costed."""
    problems: dict[str, str] = {}
    if ds.origins.empty or trip.origin not in set(ds.origins["id"]):
        known = sorted(ds.origins["id"]) if not ds.origins.empty else []
        problems["origin"] = _("unknown origin {origin}; choose one of {known}").format(
            origin=repr(trip.origin), known=known
        )
    rates = fx_table(ds)
    if trip.currency not in rates:
        problems["currency"] = _("no exchange rate for {currency}; choose one of {known}").format(
            currency=repr(trip.currency), known=sorted(rates)
        )
    if trip.passport is not None and ds.passports and trip.passport not in ds.passports:
        problems["passport"] = _("unknown passport {passport}: not in the Passport Index data").format(
            passport=repr(trip.passport)
        )
    if trip.currency in rates:
        fares = {"flight_fare": trip.flight_fare, **{f"fares.{k}": v for k, v in trip.fares.items()}}
        for name, amount in fares.items():
            if amount is not None and amount / rates[trip.currency] > MAX_FARE_USD:
                field = "flight_fare" if name == "flight_fare" else "fares"
                problems.setdefault(
                    field,
                    _("a return fare of {amount} {currency} is above {limit} USD; check the amount").format(
                        amount=i18n.number(amount), currency=trip.currency, limit=i18n.number(MAX_FARE_USD)
                    ),
                )
        insurance = trip.complication_insurance
        if insurance is not None and insurance / rates[trip.currency] > MAX_INSURANCE_USD:
            problems["complication_insurance"] = _(
                "an insurance quote of {amount} {currency} is above {limit} USD; check the amount"
            ).format(amount=i18n.number(insurance), currency=trip.currency, limit=i18n.number(MAX_INSURANCE_USD))
    return problems


def cost_frame(ds: Dataset, trip: Trip) -> CostFrame:
    """The whole-trip cost of every facility for one trip: components, journeys and totals.

    Raises ``ValueError`` with the first of ``trip_problems``.
    """
    problems = trip_problems(ds, trip)
    if problems:
        raise ValueError(next(iter(problems.values())))
    origin = origin_row(ds, trip.origin)
    passport = trip.passport or str(origin["country"])
    legs = journeys(ds, trip, origin, passport)
    components = fill_unknown(ds, trip_components(ds, trip, legs))
    risk_rows = risk.complication_costs(ds, trip, str(origin["country"]))
    totals = trip_totals(components).join(risk.risk_totals(risk_rows))
    # Without risk data (a folder with no valid risk.yaml) nothing is priced and nothing is named.
    totals["risk_unknown"] = totals["risk_unknown"].map(lambda v: v if isinstance(v, list) else [])
    baseline = home_baseline(ds, trip.currency, str(origin["country"]))
    return CostFrame(trip, components, legs, totals, origin.to_dict(), passport, risk_rows, baseline)


def home_baseline(ds: Dataset, currency: str, origin_country: str) -> dict | None:
    """The published price range of the operation in the origin country, if any."""
    p = ds.prices
    if p.empty:
        return None
    rows = p[(p["use"] == "baseline") & (p["country"] == origin_country)]
    fx = fx_table(ds)
    records = [r for r in rows.to_dict("records") if r["currency"] in fx]
    if not records:
        return None
    to_display = rate(ds, currency)
    low = min(r["price_low"] * to_display / fx[r["currency"]] for r in records)
    high = max(
        (r["price_high"] if not _blank(r["price_high"]) else r["price_low"]) * to_display / fx[r["currency"]]
        for r in records
    )
    return {"low": float(low), "high": float(high), "n_figures": len(records), **provenance_of(records)}


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def itemised(components: pd.DataFrame, currency: str) -> pd.DataFrame:
    """One facility's components for display: the amount or what fills it, and how it is known."""
    from compare.costs.money import format_range

    def amount(row) -> str:
        if row["status"] == Status.INCLUDED.value:
            return _("included")
        if row["status"] != Status.UNKNOWN.value:
            return format_range(row["low"], row["high"], currency)
        if pd.notna(row["fill_low"]):
            return _("not reported (filled: {amount})").format(
                amount=format_range(row["fill_low"], row["fill_high"], currency)
            )
        return _("not reported")

    out = components.assign(amount=components.apply(amount, axis=1) if len(components) else [])
    out["how"] = [
        b if not isinstance(f, str) else f"{b}. {f}" for b, f in zip(out["basis"], out["fill_basis"], strict=True)
    ]
    # For a one-link table cell: the first source and its evidence; ``sources`` holds them all.
    out["source_url"] = out["sources"].map(lambda ss: ss[0].reference if ss else None)
    out["evidence"] = out["sources"].map(lambda ss: ", ".join(dict.fromkeys(s.evidence for s in ss)) or None)
    out["n_sources"] = out["sources"].map(len)
    return out[
        ["component", "label", "phase", "amount", "status", "how", "evidence", "as_of", "source_url", "n_sources",
         "sources"]
    ]  # fmt: skip


def sources_table(frame: pd.DataFrame, label: str = "label") -> pd.DataFrame:
    """One row per line of ``frame`` (cost components or complications) and source behind it."""
    rows = [
        {"item": item, **source_record(src)}
        for item, sources in zip(frame[label], frame["sources"], strict=True)
        for src in sources
    ]
    return pd.DataFrame(rows, columns=["item", *SOURCE_COLUMNS])
