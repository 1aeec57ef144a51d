"""Check: cross-file rules and staleness, shared by the loader and by uploads.

Each check takes validated records and returns the ones that pass plus the problems it found,
so a user's upload is judged by exactly the rules the shipped data is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from compare.data import schema
from compare.problems import Problem, Severity

# A lumbar fusion trip costing more than this many US dollars is a data-entry error
# (the highest published US figure in the research is 150,000).
ABSURD_USD = 1_000_000
# An accreditation without evidence of being current for longer than this counts less.
ACCREDITATION_CURRENT_MONTHS = 36


def as_of_date(value: str | None) -> dt.date | None:
    """Latest day a partial date can mean ('2020' -> 2020-12-31), for staleness."""
    if not isinstance(value, str) or not value:
        return None
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date(*parts)


def months_old(value: str | None, today: dt.date | None = None) -> float | None:
    day = as_of_date(value)
    if day is None:
        return None
    today = today or dt.date.today()
    return (today - day).days / 30.4375


def stale_warnings(
    name: str, line_of, sources: Mapping[str, schema.Source], months: int, today: dt.date
) -> list[Problem]:
    out = []
    for key, src in sources.items():
        age = months_old(src.as_of, today)
        if age is not None and age > months:
            out.append(
                Problem(
                    name,
                    line_of(("sources", key, "as_of")),
                    f"sources.{key}.as_of",
                    f"stale: dated {src.as_of}, {age / 12:.1f} years old",
                    Severity.WARNING,
                )
            )
    return out


def usd(amount: float, currency: str, rates: Mapping[str, float]) -> float | None:
    rate = rates.get(currency)
    return None if rate is None else amount / rate


def check_money(rows, name, rates, low_field, high_field):
    """Quarantine rows in currencies without a rate, or absurdly large."""
    good, problems = [], []
    for line, row in rows:
        if row.currency not in rates:
            if getattr(row, "use", None) is schema.PriceUse.CONTEXT:
                # Context figures are shown in their own currency, never converted.
                problems.append(
                    Problem(
                        name,
                        line,
                        "currency",
                        f"no exchange rate for {row.currency}; shown unconverted",
                        Severity.WARNING,
                    )
                )
                good.append((line, row))
            else:
                problems.append(Problem(name, line, "currency", f"no exchange rate for {row.currency} in fx_rates.csv"))
            continue
        high = getattr(row, high_field) or getattr(row, low_field)
        amount_usd = usd(high, row.currency, rates)
        if amount_usd is not None and amount_usd > ABSURD_USD:
            problems.append(Problem(name, line, high_field, f"implausible amount: about {amount_usd:,.0f} USD"))
            continue
        good.append((line, row))
    return good, problems


def unique(rows, name, key="id"):
    seen: dict[str, int] = {}
    good, problems = [], []
    for line, row in rows:
        value = getattr(row, key)
        if value in seen:
            problems.append(Problem(name, line, key, f"duplicate {key} {value!r} (first on line {seen[value]})"))
            continue
        seen[value] = line
        good.append((line, row))
    return good, problems


def stale_row(name: str, line: int, as_of: str | None, months: int, today: dt.date) -> list[Problem]:
    """A warning when a CSV row's figure is older than the data's stale limit."""
    age = months_old(as_of, today)
    if age is None or age <= months:
        return []
    return [Problem(name, line, "as_of", f"stale: dated {as_of}, {age / 12:.1f} years old", Severity.WARNING)]


def check_prices(
    rows: list[tuple[int, schema.PriceRow]],
    name: str,
    *,
    rates: Mapping[str, float],
    facilities: Mapping[str, schema.Facility],
    known_ids: Mapping[str, object] | set[str] = frozenset(),
    months: int,
    today: dt.date,
) -> tuple[list[tuple[int, schema.PriceRow]], list[Problem]]:
    """Every rule a price row must pass beyond its own schema.

    Unique ids (also against ``known_ids``, the prices already loaded), a rate for its
    currency and a plausible size, a known facility in the stated country, a ``same_as``
    that names another row; stale figures are warned about (context rows excepted).
    """
    rows, problems = unique(rows, name)
    rows, found = check_money(rows, name, rates, "price_low", "price_high")
    problems += found
    ids = {row.id for _, row in rows} | set(known_ids)
    kept = []
    for line, row in rows:
        if row.id in known_ids:
            problems.append(Problem(name, line, "id", f"price id {row.id!r} already exists"))
        elif row.facility_id and row.facility_id not in facilities:
            problems.append(Problem(name, line, "facility_id", f"unknown facility {row.facility_id!r}"))
        elif row.facility_id and facilities[row.facility_id].country != row.country:
            problems.append(
                Problem(name, line, "country", f"{row.facility_id} is in {facilities[row.facility_id].country}")
            )
        elif row.same_as and (row.same_as not in ids or row.same_as == row.id):
            problems.append(Problem(name, line, "same_as", f"names no other price row: {row.same_as!r}"))
        else:
            kept.append((line, row))
            if row.use is not schema.PriceUse.CONTEXT:
                problems += stale_row(name, line, row.as_of, months, today)
    return kept, problems


def accreditation_current(verified_as_of: str | None, today: dt.date) -> bool:
    """Whether an accreditation was last seen current within ``ACCREDITATION_CURRENT_MONTHS``."""
    age = months_old(verified_as_of, today)
    return age is not None and age <= ACCREDITATION_CURRENT_MONTHS
