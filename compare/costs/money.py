"""Money in the display currency: exchange rates with their date, and one formatter."""

from __future__ import annotations

import pandas as pd

from compare.data import Dataset


def format_money(value: float | None, currency: str) -> str:
    """``12,345 GBP``, or "not reported" for an unknown amount."""
    if value is None or pd.isna(value):
        return "not reported"
    return f"{value:,.0f} {currency}"


def span(low: float, high: float, fmt: str = ",.0f") -> str:
    """``4,000–9,000``, or one figure when both ends print alike."""
    a, b = format(low, fmt), format(high, fmt)
    return a if a == b else f"{a}–{b}"


def format_range(low: float | None, high: float | None, currency: str) -> str:
    """``4,000–9,000 GBP``; one figure when both ends round alike; "not reported" when unknown."""
    if low is None or pd.isna(low):
        return "not reported"
    if high is None or pd.isna(high) or abs(high - low) < 0.5:
        return format_money(low, currency)
    return f"{low:,.0f}–{high:,.0f} {currency}"


def fx_table(ds: Dataset) -> dict[str, float]:
    """Units of each currency per US dollar."""
    return dict(zip(ds.fx["currency"], ds.fx["units_per_usd"], strict=True)) if not ds.fx.empty else {}


def rate(ds: Dataset, currency: str) -> float:
    """Units of ``currency`` (any case) per US dollar; ``ValueError`` for an unknown currency."""
    code = currency.strip().upper()
    rates = fx_table(ds)
    if code not in rates:
        raise ValueError(f"no exchange rate for {currency!r}; choose one of {sorted(rates)}")
    return float(rates[code])


def rate_note(ds: Dataset, currency: str) -> str:
    """The rate behind converted figures, with its date: '1 USD = 0.7451 GBP (rate of 2026-04-13)'."""
    code = currency.strip().upper()
    if code == "USD" or ds.fx.empty:
        return "amounts in US dollars; other currencies converted at dated rates (fx_rates.csv)"
    row = ds.fx[ds.fx["currency"] == code]
    if row.empty:
        return f"no exchange rate for {code}"
    units, as_of = float(row["units_per_usd"].iloc[0]), row["as_of"].iloc[0]
    return f"1 USD = {units:,.4g} {code} (rate of {as_of or 'unknown date'}; fx_rates.csv)"
