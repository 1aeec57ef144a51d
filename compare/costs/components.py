"""Every cost component of every option, as a low–high range in the display currency.

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

from compare import schema
from compare.costs import travel
from compare.costs.money import fx_table, rate, span
from compare.dataset import Dataset
from compare.scenario import LodgingTier, Seat, Trip


class Status(enum.Enum):
    QUOTED = "quoted"
    PUBLISHED = "published"
    INCLUDED = "included"
    ESTIMATED = "estimated"
    ENTERED = "entered"
    UNKNOWN = "unknown"


KNOWN = {s.value for s in Status} - {Status.UNKNOWN.value}
SOURCED = {Status.QUOTED.value, Status.PUBLISHED.value, Status.ENTERED.value}
PACKAGE = "operation_package"
VARIANT = "variant_adjustment"
_IN_FILLED = (0.0, 0.0, "counted in the operation price, which is filled from comparable places")
EXTRA_LABELS = {PACKAGE: "Operation (published price)", VARIANT: "Operation variant (estimated difference)"}
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


def _high(row: dict, low: str, high: str) -> float:
    value = row[high]
    return row[low] if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _price_range(rows: list[dict], to_display: float, fx: dict[str, float]) -> tuple[float, float]:
    low = min(r["price_low"] * to_display / fx[r["currency"]] for r in rows)
    high = max(_high(r, "price_low", "price_high") * to_display / fx[r["currency"]] for r in rows)
    return float(low), float(high)


def _covered(rows: list[dict], operation: set[str]) -> set[str]:
    """Components every one of these prices covers (so none is counted twice).

    An operation price is taken to cover the operation itself (surgeon, anaesthesia,
    theatre, hospital nights) unless it says otherwise; implants and anything else only
    when the source says so, because "from" prices often leave implants out.
    """
    base = operation - {"implants"}
    sets = [(base | set(r["includes"])) - set(r["excludes"]) for r in rows]
    return set.intersection(*sets) if sets else set()


def provenance(rows: list[dict]) -> tuple[str | None, str | None, str | None]:
    """Joined source URLs, newest date and evidence levels of the rows behind a figure."""
    if not rows:
        return None, None, None
    urls = "; ".join(dict.fromkeys(r["source_url"] for r in rows if r.get("source_url")))
    dates = [r["as_of"] for r in rows if isinstance(r.get("as_of"), str)]
    evidence = "; ".join(dict.fromkeys(r["evidence"] for r in rows if r.get("evidence")))
    return urls or None, (max(dates) if dates else None), evidence or None


def _source(ds: Dataset, key: str) -> dict:
    """A travel.yaml or clinical.yaml source as a provenance row."""
    for block in (ds.travel, ds.clinical):
        src = block.sources.get(key) if block else None
        if src is not None:
            return {"source_url": src.url or src.citation, "as_of": src.as_of, "evidence": src.evidence}
    return {}


def _records(df: pd.DataFrame) -> list[dict]:
    return [] if df.empty else df.to_dict("records")


def _unit_component(cid: str, rows: list[dict], trip: Trip, st: Stay, to_display: float, fx) -> tuple:
    """(low, high, status, basis, rows used) of one destination unit-cost component."""
    travellers = 2 if trip.companion else 1
    if cid == "lodging":
        rows = [r for r in rows if r["tier"] == trip.lodging_tier.value]
    if not rows:
        return math.nan, math.nan, Status.UNKNOWN, "not reported for this destination", rows
    # Several rows for the same tier are alternative figures for one cost: take their
    # range. Different tiers (the patient's and the companion's visa) add up.
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
            n_lo, n_hi, what = st.recovery_low, st.recovery_high, "days after discharge"
        elif per == "person":
            n_lo = n_hi = travellers
            what = "travellers"
        else:
            n_lo = n_hi = 1
            what = ""
        if per == "session":
            bases.append(f"priced per session ({span(lo, hi)}); number of sessions not known")
            continue
        if what:
            estimated = True
            bases.append(f"{span(lo, hi)} per {per} × {span(n_lo, n_hi, 'g')} {what}")
            lo, hi = lo * n_lo, hi * n_hi
        if row["evidence"] == "computed_estimate":
            estimated = True
            bases.append(str(row["method"]))
        tier = row["tier"] if isinstance(row["tier"], str) else None
        prev_lo, prev_hi = by_tier.get(tier, (math.inf, -math.inf))
        by_tier[tier] = (min(prev_lo, lo), max(prev_hi, hi))
    if not by_tier:
        return math.nan, math.nan, Status.UNKNOWN, "; ".join(bases), rows
    low_sum = sum(lo for lo, _ in by_tier.values())
    high_sum = sum(hi for _, hi in by_tier.values())
    if len(rows) > len(by_tier):
        bases.append(f"range of {len(rows)} published figures")
    status = Status.ESTIMATED if estimated else Status.PUBLISHED
    return low_sum, high_sum, status, "; ".join(bases) or "published figure", rows


class _Builder:
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
                "label": spec.label if spec else EXTRA_LABELS.get(component, component),
                "phase": spec.phase.value if spec else "operation",
                "low": low,
                "high": high,
                "status": status.value,
                "basis": basis,
                "source_url": prov.get("source_url"),
                "as_of": prov.get("as_of"),
                "evidence": prov.get("evidence"),
                "fill_low": fill_low,
                "fill_high": fill_high,
                "fill_basis": fill_basis,
            }
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records(self.rows, columns=COMPONENT_COLUMNS)


def _prov(rows: list[dict]) -> dict:
    url, as_of, evidence = provenance(rows)
    return {"source_url": url, "as_of": as_of, "evidence": evidence}


def _package(b: _Builder, fid: str, country_label: str, chosen: list[dict], own: bool) -> tuple[float, float, set]:
    """The operation price row (and the variant adjustment); returns its range and what it covers."""
    trip, ds = b.trip, b.ds
    operation = {c for c, v in b.components.items() if v.phase is schema.Phase.OPERATION}
    if not chosen:
        b.add(fid, PACKAGE, math.nan, math.nan, Status.UNKNOWN, f"no published price for {country_label}")
        # The filled operation price stands for the operation itself: its parts are not filled again.
        for part in sorted(operation - {"implants"}):
            b.add(fid, part, math.nan, math.nan, Status.UNKNOWN, "no operation price", None, _IN_FILLED)
        return math.nan, math.nan, operation - {"implants"}
    low, high = _price_range(chosen, b.to_display, b.fx)
    covered = _covered(chosen, operation)
    specific = [r["procedure"] == trip.procedure for r in chosen]
    what = (
        "for this variant"
        if all(specific)
        else "price for unspecified variant"
        if not any(specific)
        else "some figures for this variant, some for an unspecified one"
    )
    scope = "this facility's published price" if own else f"{len(chosen)} published figure(s) for {country_label}"
    b.add(
        fid,
        PACKAGE,
        low,
        high,
        Status.QUOTED if own else Status.PUBLISHED,
        f"range of {scope} ({what}); covers: {', '.join(sorted(covered)) or 'not itemised'}",
        _prov(chosen),
    )
    adjustment = variant_factor(ds, trip.procedure) if not all(specific) else None
    if adjustment is not None:
        # Only the figures that name no variant are scaled; the range is taken again.
        f_low, f_high, why, source = adjustment
        scaled = [
            r
            if s
            else {**r, "price_low": r["price_low"] * f_low, "price_high": _high(r, "price_low", "price_high") * f_high}
            for r, s in zip(chosen, specific, strict=True)
        ]
        new_low, new_high = _price_range(scaled, b.to_display, b.fx)
        b.add(
            fid,
            VARIANT,
            new_low - low,
            new_high - high,
            Status.ESTIMATED,
            f"figures that name no variant scaled {why}",
            _source(ds, source),
        )
        low, high = new_low, new_high
    return low, high, covered


def variant_factor(ds: Dataset, procedure_id: str) -> tuple[float, float, str, str] | None:
    """(low, high) multiplier of an unspecified-variant price for this variant, with its basis.

    Uses ``clinical.yaml``'s ``variant_costs`` where the literature gives a relative cost;
    None where it gives none (the price then stays "for an unspecified variant").
    """
    procedure = ds.vocab["procedures"].get(procedure_id)
    costs = getattr(ds.clinical, "variant_costs", None) if ds.clinical else None
    if procedure is None or not costs:
        return None
    low = high = 1.0
    why, source = [], None
    for key, applies in (("extra_level", (procedure.levels or 1) > 1), ("open_vs_mis", procedure.approach == "open")):
        entry = costs.get(key)
        if applies and entry is not None:
            extra = (procedure.levels - 1) if key == "extra_level" else 1
            low *= entry.low**extra
            high *= entry.high**extra
            why.append(f"× {entry.low:g}–{entry.high:g} {entry.note or key}")
            source = source or entry.source
    if not why:
        return None
    return low, high, "; ".join(why), source or ""


def _implants(b: _Builder, fid: str, low: float, high: float, chosen: list[dict]) -> None:
    """Implants from their share of the total cost, where the price does not include them."""
    share = getattr(b.ds.clinical, "implants", None) if b.ds.clinical else None
    if share is None or not math.isfinite(low):
        b.add(fid, "implants", math.nan, math.nan, Status.UNKNOWN, "implants not itemised; no estimate possible")
        return
    ratio_low, ratio_high = share.low / (1 - share.low), share.high / (1 - share.high)
    excluded = all("implants" in r["excludes"] for r in chosen)
    lo = low * ratio_low if excluded else 0.0
    how = (
        "the price excludes implants"
        if excluded
        else "the price does not say whether implants are included (0 if they are)"
    )
    b.add(
        fid,
        "implants",
        lo,
        high * ratio_high,
        Status.ESTIMATED,
        f"{how}; implants taken as {share.low:.0%}–{share.high:.0%} of the total cost ({share.note}), "
        f"i.e. {ratio_low:.2f}–{ratio_high:.2f} × the price",
        _source(b.ds, share.source),
    )


def _flights(b: _Builder, fid: str, country: str, km: float) -> None:
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
    sources = [_source(b.ds, k) for k in dict.fromkeys(keys)]
    b.add(
        fid,
        "flights",
        low,
        high,
        Status.ESTIMATED,
        f"estimated for {km:,.0f} km one way: {fares.method}. {who}. Enter your fare to replace this estimate.",
        _prov(sources),
    )


def _lodging_and_meals(b: _Builder, fid: str, st: Stay, local: list[dict], pdm: pd.Series) -> None:
    trip, ds = b.trip, b.ds
    nights_low = st.recovery_low + (st.hospital_low if trip.companion else 0)
    nights_high = st.recovery_high + (st.hospital_high if trip.companion else 0)
    nights = f"{span(nights_low, nights_high, 'g')} nights" + (
        " (after discharge, plus the companion's nights while you are in hospital)" if trip.companion else ""
    )
    place = pdm["per_diem_place"]
    prov = _source(ds, ds.travel.per_diem.source) if ds.travel else {}
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
        hi = max(_high(r, "low", "high") * k for r, k in zip(tier_rows, f, strict=True))
        words = f"local {trip.lodging_tier.value} figure {span(lo, hi)} a night"
        if trip.lodging_tier is LodgingTier.MID and has_ceiling:
            # Both sourced figures are shown: the local one and the government ceiling.
            hi = max(hi, ceiling[1])
            words += f"; up to the {ceiling_words}"
        b.add(fid, "lodging", lo * nights_low, hi * nights_high, Status.ESTIMATED, f"{words} × {nights}", _prov(local))
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


def _visa(b: _Builder, fid: str, j: pd.Series, fee_rows: list[dict]) -> None:
    """The entry permit: free where the Passport Index says so, else the fees the data lists."""
    trip, ds = b.trip, b.ds
    need, label, warning = j["visa"], j["visa_label"], j["visa_warning"]
    prov = _source(ds, ds.travel.visas.source) if ds.travel else {}
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
            max(_high(r, "low", "high") * k for r, k in zip(rows, f, strict=True)),
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
    b.add(fid, "visa", lo, hi, Status.PUBLISHED, words, _prov(patient + companion))


def trip_components(ds: Dataset, trip: Trip, journeys: pd.DataFrame) -> pd.DataFrame:
    """One row per facility and cost component (plus the operation price) in the trip's currency.

    ``journeys`` is ``totals.journeys(ds, trip)``: distance, stay, visa and per diem per facility.
    Facility prices win over country ranges; components a price includes are ``included``.
    """
    b = _Builder(ds, trip)
    by_facility: dict[str, list[dict]] = {}
    by_country: dict[str, list[dict]] = {}
    for r in _records(ds.prices):
        if r["use"] != "estimate" or r["procedure"] not in (trip.procedure, "lumbar_fusion"):
            continue
        if isinstance(r["facility_id"], str):
            by_facility.setdefault(r["facility_id"], []).append(r)
        else:
            by_country.setdefault(r["country"], []).append(r)
    units: dict[tuple[str, str], list[dict]] = {}
    for r in _records(ds.destination_costs):
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
        low, high, covered = _package(b, fid, country_label, chosen, bool(own))
        for cid in b.components:
            if cid in covered:
                if math.isfinite(low):  # with no price at all, ``_package`` added these as unknown
                    b.add(fid, cid, 0.0, 0.0, Status.INCLUDED, "included in the operation price")
            elif cid == "implants":
                _implants(b, fid, low, high, chosen)
            elif cid == "flights":
                _flights(b, fid, country, j["distance_km"])
            elif cid == "lodging":
                _lodging_and_meals(b, fid, st, units.get((country, "lodging"), []), j)
            elif cid == "visa":
                _visa(b, fid, j, units.get((country, "visa"), []))
            elif cid not in special:
                key = (country, cid, st.key)
                if key not in memo:
                    memo[key] = _unit_component(cid, units.get((country, cid), []), trip, st, b.to_display, b.fx)
                lo, hi, status, basis, used = memo[key]
                b.add(fid, cid, lo, hi, status, basis, _prov(used))
    return b.frame()
