"""Coverage of a dataset: how many places, prices and facts it has, how current, and from whom.

``coverage`` counts; ``compare validate --summary`` prints them next to the targets the data
is held to, so a thin or ageing dataset shows itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from compare.data.check import accreditation_current
from compare.data.load import Dataset
from compare.data.provenance import distinct, from_columns

# Prices for the operation itself (not context or home baselines).
OPERATION = "estimate"


@dataclass(frozen=True)
class Count:
    """One line of the summary: a count, optionally a share of a whole and a target."""

    key: str
    label: str
    value: float
    of: int | None = None
    target: float | None = None  # a count, or a share (0-1) when ``of`` is given

    @property
    def share(self) -> float | None:
        return self.value / self.of if self.of else None

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return ((self.share or 0.0) if self.of is not None else self.value) >= self.target

    def text(self) -> str:
        shown = f"{self.value:,.0f}"
        if self.of is not None:
            shown += f" of {self.of:,} ({(self.share or 0):.0%})"
        if self.target is not None:
            goal = f"{self.target:.0%}" if self.of is not None else f"{self.target:,.0f}"
            shown += f"  target {goal}: {'met' if self.met else 'NOT MET'}"
        return shown


def _with(fac: pd.DataFrame, column: str) -> int:
    def known(v) -> bool:
        if isinstance(v, list):
            return bool(v)
        return v is not None and not (isinstance(v, float) and pd.isna(v))

    return int(fac[column].map(known).sum()) if not fac.empty else 0


def all_sources(ds: Dataset) -> list:
    """Every distinct source the data cites (facility files, destinations, prices, unit costs)."""
    found = [s for r in ds.facility_records.values() for s in r.sources.values()]
    found += [s for d in ds.destinations.values() for s in d.sources.values()]
    for block in (ds.clinical, ds.travel, ds.risk):
        if block is not None:
            found += list(block.sources.values())
    for table in (ds.prices, ds.destination_costs):
        if not table.empty:
            found += [from_columns(r) for r in table.to_dict("records")]
    return distinct(found)


def coverage(ds: Dataset, today: dt.date | None = None) -> list[Count]:
    """The counts the data is held to, with their targets."""
    today = today or dt.date.today()
    fac = ds.facilities
    n = len(fac)
    prices = ds.prices
    if prices.empty:
        priced = set()
    else:
        own = prices[(prices["use"] == OPERATION) & prices["facility_id"].notna() & prices["same_as"].isna()]
        priced = set(own["facility_id"])
    accs = [a for r in ds.facility_records.values() for a in r.accreditations]
    facts = ds.facts
    dated = facts[~facts["undated"]] if not facts.empty else facts
    techniques = fac["techniques"].map(len) if n else pd.Series(dtype=int)
    counts = [
        Count("facilities", "Facilities", n, target=150),
        Count("countries", "Countries", fac["country"].nunique() if n else 0, target=30),
        Count("facility_prices", "Facilities with their own operation price", len(priced), target=60),
        Count("price_rows", "Operation price rows (copies excluded)", _price_rows(prices)),
        Count("accreditations", "Accreditations", len(accs)),
        Count(
            "accreditations_current",
            "  verified in the last 36 months",
            sum(accreditation_current(a.verified_as_of, today) for a in accs),
            of=len(accs),
        ),
        Count("techniques", "Facilities with a sourced technique", int((techniques > 0).sum()), of=n, target=0.6),
        Count("languages", "Facilities with sourced languages", _with(fac, "languages"), of=n, target=0.5),
        Count("volume", "Facilities with annual spine volume", _with(fac, "annual_spine_surgeries"), of=n),
        Count("surgeons", "Facilities with a spine-surgeon count", _with(fac, "spine_surgeons"), of=n),
        Count("robots", "Facilities with a spine robot", int(fac["robotic"].sum()) if n else 0, of=n),
        Count("office", "Facilities with an international office stated", _with(fac, "international_office"), of=n),
        Count("facts", "Facts", len(facts)),
        Count("undated", "  undated", int(facts["undated"].sum()) if len(facts) else 0, of=len(facts)),
        Count(
            "stale",
            "  dated but older than the stale limit",
            int(dated["stale"].sum()) if len(dated) else 0,
            of=len(dated),
        ),  # fmt: skip
    ]
    for technique in ("mis_tlif", "alif", "llif", "olif", "endoscopic_fusion"):
        has = int(fac["techniques"].map(lambda t, x=technique: x in t).sum()) if n else 0
        counts.append(Count(f"technique_{technique}", f"  {technique}", has, of=n))
    sources = all_sources(ds)
    counts.append(Count("sources", "Distinct sources", len(sources)))
    kinds = ds.vocab.get("source_kinds", {})
    for kind in kinds:
        counts.append(Count(f"sources_{kind}", f"  {kinds[kind].label}", sum(s.kind == kind for s in sources),
                            of=len(sources)))  # fmt: skip
    return counts


def _price_rows(prices: pd.DataFrame) -> int:
    if prices.empty:
        return 0
    return int(((prices["use"] == OPERATION) & prices["same_as"].isna()).sum())


def unmet(counts: list[Count]) -> list[Count]:
    return [c for c in counts if c.met is False]
