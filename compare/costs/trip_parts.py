"""The travel parts of the trip: flights, lodging and meals, and the visa."""

from __future__ import annotations

import math

import pandas as pd

from compare.costs import travel
from compare.costs.base import Builder, Status, Stay, high_of, source_of
from compare.costs.money import span
from compare.data.provenance import provenance_of
from compare.scenario import LodgingTier, Seat


def flights(b: Builder, fid: str, country: str, km: float) -> None:
    trip = b.trip
    travellers = 2 if trip.companion else 1
    entered = trip.fare_for(country)
    if entered is not None:  # checked against MAX_FARE_USD by ``totals.trip_problems``
        total = entered * travellers
        b.add(fid, "flights", total, total, Status.ENTERED, f"your fare {entered:,.0f} × {travellers} traveller(s)")
        return
    patient = travel.fare_usd(b.ds, km, trip.seat)
    companion = travel.fare_usd(b.ds, km, Seat.ECONOMY) if trip.companion else (0.0, 0.0, "")
    if patient is None or companion is None:
        b.add(
            fid, "flights", math.nan, math.nan, Status.UNKNOWN, "no distance to estimate a fare from; enter your fare"
        )
        return
    fares = b.ds.travel.fares
    low, high = b.money(patient[0] + companion[0]), b.money(patient[1] + companion[1])
    who = f"patient ({travel.SEAT_LABELS[trip.seat]}): {patient[2]}"
    if trip.companion:
        who += f"; companion (economy): {companion[2]}"
    keys = [fares.low.source, fares.high.source]
    if trip.seat is not Seat.ECONOMY and fares.seat[trip.seat.value].source:
        keys.append(fares.seat[trip.seat.value].source)
    sources = [source_of(b.ds, k) for k in dict.fromkeys(keys)]
    b.add(
        fid,
        "flights",
        low,
        high,
        Status.ESTIMATED,
        f"estimated for {km:,.0f} km one way: {fares.method}. {who}. Enter your fare to replace this estimate.",
        provenance_of(sources),
    )


def lodging_and_meals(b: Builder, fid: str, st: Stay, local: list[dict], pdm: pd.Series) -> None:
    trip, ds = b.trip, b.ds
    nights_low = st.recovery_low + (st.hospital_low if trip.companion else 0)
    nights_high = st.recovery_high + (st.hospital_high if trip.companion else 0)
    nights = f"{span(nights_low, nights_high, 'g')} nights" + (
        " (after discharge, plus the companion's nights while you are in hospital)" if trip.companion else ""
    )
    place = pdm["per_diem_place"]
    prov = source_of(ds, ds.travel.per_diem.source) if ds.travel else {}
    has_ceiling = isinstance(place, str) and math.isfinite(pdm["lodging_usd_low"])
    ceiling = (
        (b.money(pdm["lodging_usd_low"]), b.money(pdm["lodging_usd_high"])) if has_ceiling else (math.nan, math.nan)
    )
    ceiling_words = (
        f"U.S. State Department lodging ceiling for {place}, {span(*ceiling)} a night (a mid-to-upper hotel)"
        if has_ceiling
        else ""
    )
    tier_rows = [r for r in local if r["tier"] == trip.lodging_tier.value]
    if tier_rows:
        f = [b.to_display / b.fx[r["currency"]] for r in tier_rows]
        lo = min(r["low"] * k for r, k in zip(tier_rows, f, strict=True))
        hi = max(high_of(r, "low", "high") * k for r, k in zip(tier_rows, f, strict=True))
        words = f"local {trip.lodging_tier.value} figure {span(lo, hi)} a night"
        if trip.lodging_tier is LodgingTier.MID and has_ceiling:
            # Both sourced figures are shown: the local one and the government ceiling.
            hi = max(hi, ceiling[1])
            words += f"; up to the {ceiling_words}"
        b.add(
            fid,
            "lodging",
            lo * nights_low,
            hi * nights_high,
            Status.ESTIMATED,
            f"{words} × {nights}",
            provenance_of(local),
        )
    elif trip.lodging_tier is LodgingTier.MID and has_ceiling:
        b.add(
            fid,
            "lodging",
            ceiling[0] * nights_low,
            ceiling[1] * nights_high,
            Status.ESTIMATED,
            f"{ceiling_words} × {nights}; one room, shared with a companion",
            prov,
        )
    else:
        fill = None
        if has_ceiling:
            bound = "an upper bound" if trip.lodging_tier is LodgingTier.BUDGET else "a lower bound"
            fill = (
                ceiling[0] * nights_low,
                ceiling[1] * nights_high,
                f"no {trip.lodging_tier.value} figure here: filled with the {ceiling_words}, {bound} "
                f"for {trip.lodging_tier.value} lodging, × {nights}",
            )
        b.add(
            fid,
            "lodging",
            math.nan,
            math.nan,
            Status.UNKNOWN,
            f"no {trip.lodging_tier.value} lodging figure for this destination",
            prov if fill else None,
            fill,
        )
    if not (isinstance(place, str) and math.isfinite(pdm["meals_usd_low"])):
        b.add(fid, "meals", math.nan, math.nan, Status.UNKNOWN, "no meals allowance for this destination")
        return
    days_low = st.recovery_low + (st.recovery_low + st.hospital_low if trip.companion else 0)
    days_high = st.recovery_high + (st.recovery_high + st.hospital_high if trip.companion else 0)
    m_lo, m_hi = b.money(pdm["meals_usd_low"]), b.money(pdm["meals_usd_high"])
    b.add(
        fid,
        "meals",
        m_lo * days_low,
        m_hi * days_high,
        Status.ESTIMATED,
        f"U.S. State Department meals & incidentals allowance for {place}, {span(m_lo, m_hi)} a day "
        f"(includes incidentals such as tips) × {span(days_low, days_high, 'g')} traveller-days outside hospital",
        prov,
    )


def visa(b: Builder, fid: str, j: pd.Series, fee_rows: list[dict]) -> None:
    """The entry permit: free where the Passport Index says so, else the fees the data lists."""
    trip, ds = b.trip, b.ds
    need, label, warning = j["visa"], j["visa_label"], j["visa_warning"]
    prov = source_of(ds, ds.travel.visas.source) if ds.travel else {}
    if need in ("own country", "visa free") and not isinstance(warning, str):
        b.add(fid, "visa", 0.0, 0.0, Status.PUBLISHED, f"{label} for a {j['passport']} passport: no fee", prov)
        return
    why = warning if isinstance(warning, str) else f"{label} for a {j['passport']} passport"
    patient = [r for r in fee_rows if r["tier"] in (None, "patient")]
    if need in ("not reported", "no admission") or not patient:
        b.add(fid, "visa", math.nan, math.nan, Status.UNKNOWN, f"{why}; fee not reported", prov)
        return

    def fee_range(rows: list[dict]) -> tuple[float, float]:
        f = [b.to_display / b.fx[r["currency"]] for r in rows]
        return (
            min(r["low"] * k for r, k in zip(rows, f, strict=True)),
            max(high_of(r, "low", "high") * k for r, k in zip(rows, f, strict=True)),
        )

    lo, hi = fee_range(patient)
    words = f"{why}; fees the data lists for this country's permits: {span(lo, hi)}"
    companion = [r for r in fee_rows if r["tier"] == "companion"]
    if trip.companion:
        c_lo, c_hi = fee_range(companion) if companion else (lo, hi)
        words += (
            f"; companion's permit {span(c_lo, c_hi)}"
            if companion
            else " × 2 travellers (the companion taken to hold the same passport)"
        )
        lo, hi = lo + c_lo, hi + c_hi
    b.add(fid, "visa", lo, hi, Status.PUBLISHED, words, provenance_of(patient + companion))
