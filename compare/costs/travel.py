"""The journey to each facility: distance and flight time, the stay, the visa, local prices.

Everything here is per facility because it follows the route: a long-haul flight home
means a longer wait before flying, a different passport a different visa, a different
city a different hotel ceiling.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from compare import i18n
from compare.data import Dataset, opendata
from compare.i18n import N_, _
from compare.scenario import Seat, Trip

# Flight time is not known from any source: it is estimated from distance with an
# assumed average block speed plus a fixed allowance for taxi, climb and descent.
BLOCK_SPEED_KMH = 800.0
FLIGHT_OVERHEAD_H = 1.0
# Written out (not formatted from the constants) so it can be marked for translation;
# tests/test_i18n.py checks it still names them.
FLIGHT_HOURS_METHOD = N_("great-circle km ÷ 800 km/h + 1 h; an estimate, not a schedule")
EARTH_RADIUS_KM = 6371.0088
SEAT_LABELS = {
    Seat.ECONOMY: N_("economy"),
    Seat.EXTRA_LEGROOM: N_("extra legroom (premium economy)"),
    Seat.BUSINESS: N_("business"),
}
# What the Passport Index says, in plain words.
VISA_WORDS = {
    "own country": N_("no visa (your own country)"),
    "visa free": N_("visa free"),
    "visa on arrival": N_("visa on arrival"),
    "eta": N_("electronic travel authorisation (ETA) before departure"),
    "e-visa": N_("e-visa before departure"),
    "visa required": N_("visa required (apply at an embassy or consulate)"),
    "no admission": N_("not admitted with this passport"),
    "not reported": N_("not reported"),
}


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (vectorized) with the mean Earth radius."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def flight_hours(km):
    return np.asarray(km, dtype=float) / BLOCK_SPEED_KMH + FLIGHT_OVERHEAD_H


def distances(ds: Dataset, origin: pd.Series) -> pd.DataFrame:
    """Distance and estimated flight hours from the origin to every facility."""
    fac = ds.facilities
    routes = ds.routes
    km = pd.Series(np.nan, index=fac.index, dtype=float)
    basis = pd.Series(_("not reported (facility location unknown)"), index=fac.index, dtype=object)
    if not routes.empty:
        table = routes[routes["origin_airport"] == origin["airport"]].set_index("dest_airport")["great_circle_km"]
        # routes.csv is not checked for repeated airport pairs; a repeat made ``map`` raise.
        table = table[~table.index.duplicated(keep="first")]
        hit = fac["airport"].map(table)
        km = km.where(hit.isna(), hit)
        basis = basis.where(hit.isna(), _("great-circle km between airports (routes.csv)"))
    need = km.isna() & fac["lat"].notna()
    if need.any():
        km[need] = haversine_km(
            origin["lat"], origin["lon"], fac.loc[need, "lat"].astype(float), fac.loc[need, "lon"].astype(float)
        )
        basis[need] = _("great-circle km between city centres (haversine)")
    return pd.DataFrame({"distance_km": km, "flight_hours": flight_hours(km), "distance_basis": basis})


# ---- the stay -------------------------------------------------------------------------


def hospital_nights(ds: Dataset, procedure_id: str) -> tuple[float, float, str]:
    """Nights in hospital for the procedure's approach, with the basis."""
    procedure = ds.vocab["procedures"].get(procedure_id)
    approach = procedure.approach if procedure and procedure.approach else "open"
    nights = ds.clinical.hospital_nights.get(approach) if ds.clinical else None
    if nights is None:
        return math.nan, math.nan, _("hospital nights not reported")
    words = (
        _("{n} hospital nights after minimally invasive fusion")
        if approach == "mis"
        else _("{n} hospital nights after open fusion")
    ).format(n=f"{i18n.number(nights.low, 'g')}–{i18n.number(nights.high, 'g')}")
    how = f"; {nights.method}" if nights.method else ""
    return nights.low, nights.high, words + how


def _fly_rules(ds: Dataset) -> dict[str, tuple[float, float, str]]:
    """Safe-to-fly guidance by haul: (lowest days, highest days, what each source says).

    Where several sources give guidance for the same haul, the range spans all of them.
    """
    if ds.clinical is None:
        return {}
    out: dict[str, tuple[float, float, str]] = {}
    for rule in ds.clinical.safe_to_fly:
        src = ds.clinical.sources.get(rule.source)
        who = (src.title or src.url or rule.source) if src else rule.source
        weeks = (
            i18n.number(rule.weeks_low, "g")
            if rule.weeks_low == rule.weeks_high
            else f"{i18n.number(rule.weeks_low, 'g')}–{i18n.number(rule.weeks_high, 'g')}"
        )
        text = _("{n} weeks ({source})").format(n=weeks, source=who)
        low, high = rule.weeks_low * 7, rule.weeks_high * 7
        if rule.haul in out:
            prev = out[rule.haul]
            low, high, text = min(prev[0], low), max(prev[1], high), f"{prev[2]}; {text}"
        out[rule.haul] = (low, high, text)
    return out


HAUL_WORDS = {"short": N_("short flights"), "long": N_("long-haul flights"), "any": N_("any flight (minimum)")}
# "<haul> home (about ...)": a whole sentence start per haul, so it can be translated as one.
HAUL_HOME = {
    "short": N_("Short flights home (about {hours} h; long haul from {limit} h): {rule}."),
    "long": N_("Long-haul flights home (about {hours} h; long haul from {limit} h): {rule}."),
    "any": N_("Any flight (minimum) home (about {hours} h; long haul from {limit} h): {rule}."),
}


def recovery(ds: Dataset, trip: Trip, hours: pd.Series) -> pd.DataFrame:
    """Days in the country after discharge, by the haul of each facility's flight home.

    The sources disagree, so every rule is shown in the basis; the default is the rule for
    the route's haul (long from ``travel.haul.long_from_hours``), never the shortest.
    """
    rules = _fly_rules(ds)
    limit = ds.travel.haul.long_from_hours if ds.travel else math.nan
    haul = pd.Series("unknown", index=hours.index, dtype=object)
    known = hours.notna() & np.isfinite(limit)
    haul[known & (hours >= limit)] = "long"
    haul[known & (hours < limit)] = "short"
    all_rules = "; ".join(f"{_(HAUL_WORDS[h])}: {rule[2]}" for h, rule in rules.items())
    low = pd.Series(math.nan, index=hours.index)
    high = pd.Series(math.nan, index=hours.index)
    basis = pd.Series("", index=hours.index, dtype=object)
    if trip.recovery_days is not None:
        low[:] = high[:] = float(trip.recovery_days)
        basis[:] = _("{n} days after discharge (your choice). Guidance: {rules}").format(
            n=trip.recovery_days, rules=all_rules
        )
        return pd.DataFrame({"haul": haul, "recovery_low": low, "recovery_high": high, "stay_basis": basis})
    for fid in hours.index:
        h = haul[fid]
        rule = rules.get(h)
        if rule is None:  # haul unknown or no rule for it: the whole spread of the guidance
            lows = [r[0] for r in rules.values()] or [math.nan]
            highs = [r[1] for r in rules.values()] or [math.nan]
            low[fid], high[fid] = min(lows), max(highs)
            why = (
                _("flight time unknown")
                if h == "unknown"
                else _("no guidance for short flights")
                if h == "short"
                else _("no guidance for long flights")
                if h == "long"
                else f"no guidance for {h} flights"
            )
            basis[fid] = _("{why}: the whole range of the guidance. {rules}").format(why=why, rules=all_rules)
            continue
        low[fid], high[fid] = rule[0], rule[1]
        others = "; ".join(f"{_(HAUL_WORDS[k])}: {r[2]}" for k, r in rules.items() if k != h)
        head = _(HAUL_HOME[h]).format(hours=i18n.number(hours[fid]), limit=i18n.number(limit, "g"), rule=rule[2])
        basis[fid] = (
            head
            + " "
            + _("Other guidance: {others}. The sources disagree: confirm with your surgeon.").format(
                others=others or _("none")
            )
        )
    return pd.DataFrame({"haul": haul, "recovery_low": low, "recovery_high": high, "stay_basis": basis})


# ---- visas ----------------------------------------------------------------------------


def visas(ds: Dataset, passport: str, stay_high: pd.Series) -> pd.DataFrame:
    """What the passport needs for each facility's country, and a warning when the stay is longer."""
    fac = ds.facilities
    rules = ds.visa_rules
    need = pd.Series("not reported", index=fac.index, dtype=object)
    days = pd.Series(math.nan, index=fac.index)
    warning = pd.Series(None, index=fac.index, dtype=object)
    for fid, country in fac["country"].items():
        key = (passport, country)
        if rules.empty or key not in rules.index:
            need[fid] = "not reported"
            continue
        rule = rules.loc[key]
        need[fid] = rule["requirement"]
        days[fid] = rule["days"] if rule["days"] is not None else math.nan
        if need[fid] == "visa free" and np.isfinite(days[fid]) and stay_high[fid] > days[fid]:
            warning[fid] = _(
                "your stay of up to {stay} days is longer than the {free} visa-free days: "
                "a longer-stay (often medical) visa is needed"
            ).format(stay=i18n.number(stay_high[fid]), free=i18n.number(days[fid]))
        elif need[fid] == "no admission":
            warning[fid] = _("the Passport Index says holders of a {passport} passport are not admitted").format(
                passport=passport
            )
    label = [
        _("visa free {n} days").format(n=i18n.number(d))
        if n == "visa free" and np.isfinite(d)
        else _(VISA_WORDS[n])
        if n in VISA_WORDS
        else n
        for n, d in zip(need, days, strict=True)
    ]
    return pd.DataFrame({"visa": need, "visa_days": days, "visa_label": label, "visa_warning": warning})


# ---- local prices from the per diem table ------------------------------------------------


def per_diem(ds: Dataset) -> pd.DataFrame:
    """The per diem row for each facility's city, else its country's '[Other]' row (and says so).

    Lodging and meals are USD per night; seasons give a low–high range.
    """
    fac = ds.facilities
    columns = ["per_diem_place", "lodging_usd_low", "lodging_usd_high", "meals_usd_low", "meals_usd_high"]
    table = ds.per_diem
    if table.empty:
        return pd.DataFrame({c: None if c == "per_diem_place" else math.nan for c in columns}, index=fac.index)
    ranges = table.groupby(["country", "key"]).agg(
        location=("location", "first"),
        lodging_low=("lodging", "min"),
        lodging_high=("lodging", "max"),
        meals_low=("meals", "min"),
        meals_high=("meals", "max"),
    )
    places = ranges.to_dict("index")
    only = ranges.reset_index().groupby("country").filter(lambda g: len(g) == 1).set_index("country")["key"]
    other = opendata.fold(opendata.OTHER)
    rows = []
    for country, city in zip(fac["country"], fac["city"], strict=True):
        hit = places.get((country, opendata.fold(city))) if isinstance(city, str) else None
        place = city
        if hit is None and (country, other) in places:
            hit = places[(country, other)]
            place = (
                _("the rest of the country ('[Other]' row; {city} is not listed)").format(city=city)
                if city
                else _("the rest of the country ('[Other]' row; the city is not listed)")
            )
        elif hit is None and country in only.index:  # a city state such as Singapore
            hit = places[(country, only[country])]
            place = hit["location"]
        if hit is None:
            rows.append((None, math.nan, math.nan, math.nan, math.nan))
        else:
            rows.append((place, hit["lodging_low"], hit["lodging_high"], hit["meals_low"], hit["meals_high"]))
    return pd.DataFrame(rows, columns=columns, index=fac.index)


# ---- airfares ---------------------------------------------------------------------------


def fare_usd(ds: Dataset, km: float, seat: Seat) -> tuple[float, float, str] | None:
    """Estimated return fare per traveller in USD for a one-way great-circle distance, or None."""
    if ds.travel is None or not np.isfinite(km):
        return None
    fares = ds.travel.fares
    cost = fares.seat[seat.value]
    one_way = (fares.low.fixed + fares.low.per_km * km, fares.high.fixed + fares.high.per_km * km)
    low = 2 * (one_way[0] * cost.factor_low + cost.add_per_leg_low)
    high = 2 * (one_way[1] * cost.factor_high + cost.add_per_leg_high)
    words = _("economy {amount} USD return").format(
        amount=f"{i18n.number(2 * one_way[0])}–{i18n.number(2 * one_way[1])}"
    )
    if seat is not Seat.ECONOMY:
        words += f"; {_(SEAT_LABELS[seat])}: {cost.note}"
    return low, high, words
