"""The risk side of the trip: the expected cost of complications, as a labelled estimate.

For each complication in ``data/risk.yaml`` (surgical-site infection, reoperation or
revision, non-union): probability × the cost of treating it, summed, as a low–high range
(low probability × low cost to high × high). The probability is the one reported for
patients operated abroad where a study gives one (the scenario can switch to the general
rate). The cost is the one published for the patient's home country where a source
exists, else for the destination, else it stays unknown and is named — never guessed.
"""

from __future__ import annotations

import math

import pandas as pd

from compare.costs.money import fx_table, rate, span
from compare.data import Dataset
from compare.data.provenance import provenance_of
from compare.i18n import _
from compare.scenario import Trip

COLUMNS = [
    "facility_id",
    "complication",
    "label",
    "p_low",
    "p_high",
    "cost_low",
    "cost_high",
    "low",
    "high",
    "status",
    "basis",
    "sources",
    "as_of",
]


def _cite(ds: Dataset, *keys: str) -> dict:
    """The risk.yaml sources behind a figure, as a provenance (``sources``, newest ``as_of``)."""
    found = [ds.risk.sources[k] for k in keys if ds.risk and k in ds.risk.sources]
    return provenance_of([{"sources": (src,)} for src in found])


def complication_costs(ds: Dataset, trip: Trip, origin_country: str) -> pd.DataFrame:
    """One row per facility and complication: probability, cost of treatment, expected cost."""
    if ds.risk is None or ds.facilities.empty:
        return pd.DataFrame(columns=COLUMNS)
    to_display, fx = rate(ds, trip.currency), fx_table(ds)
    rows = []
    for c in ds.risk.complications:
        by_country: dict[str, list] = {}
        for t in c.treatment:
            if t.currency in fx:
                by_country.setdefault(t.country, []).append(t)
        for fid, country in ds.facilities["country"].items():
            # A facility in the patient's own country is not a trip abroad.
            abroad = trip.abroad_rates and c.abroad is not None and country != origin_country
            p = c.abroad if abroad else c.probability
            which = (
                _("reported for patients operated abroad") if abroad else _("reported for patients operated at home")
            )
            where, costs = next(
                ((w, by_country[k]) for w, k in (("home", origin_country), ("abroad", country)) if k in by_country),
                (None, []),
            )
            cited = _cite(ds, *(k for k in (p.source, p.high_source) if k))
            label = _(c.label)
            percent = span(100 * p.low, 100 * p.high, ".1f")
            probability = (
                _("{complication}: {percent} % ({which}; {note})").format(
                    complication=label.lower(), percent=percent, which=which, note=p.note
                )
                if p.note
                else _("{complication}: {percent} % ({which})").format(
                    complication=label.lower(), percent=percent, which=which
                )
            )
            row = {"facility_id": fid, "complication": c.id, "label": label, "p_low": p.low, "p_high": p.high}
            if not costs:
                rows.append(
                    {
                        **row,
                        **dict.fromkeys(("cost_low", "cost_high", "low", "high"), math.nan),
                        "status": "unknown",
                        "basis": _(
                            "{probability}; no source gives the cost of treating it in {home} or {abroad}"
                        ).format(probability=probability, home=origin_country, abroad=country),
                        **cited,
                    }
                )
                continue
            lo = min(t.low * to_display / fx[t.currency] for t in costs)
            hi = max(t.high * to_display / fx[t.currency] for t in costs)
            rows.append(
                {
                    **row,
                    "cost_low": lo,
                    "cost_high": hi,
                    "low": p.low * lo,
                    "high": p.high * hi,
                    "status": "estimated",
                    "basis": (
                        _("{probability} × cost of treating it at home ({country}) {amount} {currency}")
                        if where == "home"
                        else _("{probability} × cost of treating it abroad ({country}) {amount} {currency}")
                    ).format(
                        probability=probability, country=costs[0].country, amount=span(lo, hi), currency=trip.currency
                    ),
                    **provenance_of([cited, _cite(ds, *(t.source for t in costs))]),
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def risk_totals(rows: pd.DataFrame) -> pd.DataFrame:
    """Per facility: the expected cost of the complications whose cost is known, and which are not."""
    known = rows[rows["status"] == "estimated"]
    out = pd.DataFrame(index=pd.Index(rows["facility_id"].unique()))
    sums = known.groupby("facility_id")[["low", "high"]].sum()
    out["expected_low"] = sums["low"].reindex(out.index)
    out["expected_high"] = sums["high"].reindex(out.index)
    unknown = rows[rows["status"] == "unknown"].groupby("facility_id")["label"].agg(list)
    out["risk_unknown"] = unknown.reindex(out.index).map(lambda v: v if isinstance(v, list) else [])
    return out
