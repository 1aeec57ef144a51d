"""The travel parts of the trip: flights, lodging and meals, and the visa."""

from __future__ import annotations

import math

import pandas as pd

from compare import i18n
from compare.costs import travel
from compare.costs.base import Builder, Status, Stay, high_of, source_of
from compare.costs.money import span
from compare.data.provenance import provenance_of
from compare.i18n import _, ngettext
from compare.scenario import LodgingTier, Seat

# Whole clauses per lodging tier, so a translation need not glue the tier's name into a sentence.
LOCAL_FIGURE = {
    LodgingTier.BUDGET: lambda: _("local budget figure {amount} a night"),
    LodgingTier.MID: lambda: _("local mid figure {amount} a night"),
    LodgingTier.PREMIUM: lambda: _("local premium figure {amount} a night"),
}
NO_TIER = {
    LodgingTier.BUDGET: lambda: _("no budget lodging figure for this destination"),
    LodgingTier.MID: lambda: _("no mid lodging figure for this destination"),
    LodgingTier.PREMIUM: lambda: _("no premium lodging figure for this destination"),
}
NO_TIER_FILLED = {
    LodgingTier.BUDGET: lambda: _(
        "no budget figure here: filled with the {ceiling}, an upper bound for budget lodging, × {nights}"
    ),
    LodgingTier.MID: lambda: _(
        "no mid figure here: filled with the {ceiling}, a lower bound for mid lodging, × {nights}"
    ),
    LodgingTier.PREMIUM: lambda: _(
        "no premium figure here: filled with the {ceiling}, a lower bound for premium lodging, × {nights}"
    ),
}


def flights(b: Builder, fid: str, country: str, km: float) -> None:
    trip = b.trip
    travellers = 2 if trip.companion else 1
    entered = trip.fare_for(country)
    if entered is not None:  # checked against MAX_FARE_USD by ``totals.trip_problems``
        total = entered * travellers
        basis = ngettext(
            "your fare {fare} × {n} traveller(s)", "your fare {fare} × {n} traveller(s)", travellers
        ).format(fare=i18n.number(entered), n=travellers)
        b.add(fid, "flights", total, total, Status.ENTERED, basis)
        return
    patient = travel.fare_usd(b.ds, km, trip.seat)
    companion = travel.fare_usd(b.ds, km, Seat.ECONOMY) if trip.companion else (0.0, 0.0, "")
    if patient is None or companion is None:
        b.add(
            fid,
            "flights",
            math.nan,
            math.nan,
            Status.UNKNOWN,
            _("no distance to estimate a fare from; enter your fare"),
        )
        return
    fares = b.ds.travel.fares
    low, high = b.money(patient[0] + companion[0]), b.money(patient[1] + companion[1])
    who = _("patient ({seat}): {fare}").format(seat=_(travel.SEAT_LABELS[trip.seat]), fare=patient[2])
    if trip.companion:
        who += "; " + _("companion (economy): {fare}").format(fare=companion[2])
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
        _("estimated for {km} km one way: {method}. {who}. Enter your fare to replace this estimate.").format(
            km=i18n.number(km), method=fares.method, who=who
        ),
        provenance_of(sources),
    )


def lodging_and_meals(b: Builder, fid: str, st: Stay, local: list[dict], pdm: pd.Series) -> None:
    trip, ds = b.trip, b.ds
    nights_low = st.recovery_low + (st.hospital_low if trip.companion else 0)
    nights_high = st.recovery_high + (st.hospital_high if trip.companion else 0)
    nights = (
        _("{n} nights (after discharge, plus the companion's nights while you are in hospital)")
        if trip.companion
        else _("{n} nights")
    ).format(n=span(nights_low, nights_high, "g"))
    place = pdm["per_diem_place"]
    prov = source_of(ds, ds.travel.per_diem.source) if ds.travel else {}
    has_ceiling = isinstance(place, str) and math.isfinite(pdm["lodging_usd_low"])
    ceiling = (
        (b.money(pdm["lodging_usd_low"]), b.money(pdm["lodging_usd_high"])) if has_ceiling else (math.nan, math.nan)
    )
    ceiling_words = (
        _("U.S. State Department lodging ceiling for {place}, {amount} a night (a mid-to-upper hotel)").format(
            place=place, amount=span(*ceiling)
        )
        if has_ceiling
        else ""
    )
    tier_rows = [r for r in local if r["tier"] == trip.lodging_tier.value]
    if tier_rows:
        f = [b.to_display / b.fx[r["currency"]] for r in tier_rows]
        lo = min(r["low"] * k for r, k in zip(tier_rows, f, strict=True))
        hi = max(high_of(r, "low", "high") * k for r, k in zip(tier_rows, f, strict=True))
        words = LOCAL_FIGURE[trip.lodging_tier]().format(amount=span(lo, hi))
        if trip.lodging_tier is LodgingTier.MID and has_ceiling:
            # Both sourced figures are shown: the local one and the government ceiling.
            hi = max(hi, ceiling[1])
            words = _("{local}; up to the {ceiling}").format(local=words, ceiling=ceiling_words)
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
            _("{ceiling} × {nights}; one room, shared with a companion").format(ceiling=ceiling_words, nights=nights),
            prov,
        )
    else:
        fill = None
        if has_ceiling:
            fill = (
                ceiling[0] * nights_low,
                ceiling[1] * nights_high,
                NO_TIER_FILLED[trip.lodging_tier]().format(ceiling=ceiling_words, nights=nights),
            )
        b.add(
            fid,
            "lodging",
            math.nan,
            math.nan,
            Status.UNKNOWN,
            NO_TIER[trip.lodging_tier](),
            prov if fill else None,
            fill,
        )
    if not (isinstance(place, str) and math.isfinite(pdm["meals_usd_low"])):
        b.add(fid, "meals", math.nan, math.nan, Status.UNKNOWN, _("no meals allowance for this destination"))
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
        _(
            "U.S. State Department meals & incidentals allowance for {place}, {amount} a day "
            "(includes incidentals such as tips) × {n} traveller-days outside hospital"
        ).format(place=place, amount=span(m_lo, m_hi), n=span(days_low, days_high, "g")),
        prov,
    )


def visa(b: Builder, fid: str, j: pd.Series, fee_rows: list[dict]) -> None:
    """The entry permit: free where the Passport Index says so, else the fees the data lists."""
    trip, ds = b.trip, b.ds
    need, label, warning = j["visa"], j["visa_label"], j["visa_warning"]
    prov = source_of(ds, ds.travel.visas.source) if ds.travel else {}
    if need in ("own country", "visa free") and not isinstance(warning, str):
        basis = _("{visa} for a {passport} passport: no fee").format(visa=label, passport=j["passport"])
        b.add(fid, "visa", 0.0, 0.0, Status.PUBLISHED, basis, prov)
        return
    why = (
        warning
        if isinstance(warning, str)
        else _("{visa} for a {passport} passport").format(visa=label, passport=j["passport"])
    )
    patient = [r for r in fee_rows if r["tier"] in (None, "patient")]
    if need in ("not reported", "no admission") or not patient:
        b.add(fid, "visa", math.nan, math.nan, Status.UNKNOWN, _("{why}; fee not reported").format(why=why), prov)
        return

    def fee_range(rows: list[dict]) -> tuple[float, float]:
        f = [b.to_display / b.fx[r["currency"]] for r in rows]
        return (
            min(r["low"] * k for r, k in zip(rows, f, strict=True)),
            max(high_of(r, "low", "high") * k for r, k in zip(rows, f, strict=True)),
        )

    lo, hi = fee_range(patient)
    words = _("{why}; fees the data lists for this country's permits: {amount}").format(why=why, amount=span(lo, hi))
    companion = [r for r in fee_rows if r["tier"] == "companion"]
    if trip.companion:
        c_lo, c_hi = fee_range(companion) if companion else (lo, hi)
        words += (
            "; " + _("companion's permit {amount}").format(amount=span(c_lo, c_hi))
            if companion
            else " " + _("× 2 travellers (the companion taken to hold the same passport)")
        )
        lo, hi = lo + c_lo, hi + c_hi
    b.add(fid, "visa", lo, hi, Status.PUBLISHED, words, provenance_of(patient + companion))
