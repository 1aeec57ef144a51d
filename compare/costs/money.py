"""Money in the display currency: exchange rates with their date, and one formatter."""

from __future__ import annotations

from compare import i18n
from compare.data import Dataset
from compare.i18n import _


def format_money(value: float | None, currency: str) -> str:
    """``$12,345`` in the current language's format, or "not reported" for an unknown amount."""
    return i18n.money(value, currency)


def span(low: float, high: float, fmt: str = ",.0f") -> str:
    """``4,000–9,000`` in the current language's format, or one figure when both ends print alike.

    ``fmt`` is a Python format: ``",.0f"``, ``".1f"`` (that many decimals) or ``"g"`` (as many as needed).
    """
    a, b = i18n.number(low, fmt), i18n.number(high, fmt)
    return a if a == b else f"{a}–{b}"


def format_range(low: float | None, high: float | None, currency: str) -> str:
    """``$4,000–$9,000``; one figure when both ends round alike; "not reported" when unknown."""
    return i18n.money_range(low, high, currency)


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
    """The rate behind converted figures, with its date: '1 USD = 0.7451 GBP (rate of Apr 13, 2026)'."""
    code = currency.strip().upper()
    if code == "USD" or ds.fx.empty:
        return _("amounts in US dollars; other currencies converted at dated rates (fx_rates.csv)")
    row = ds.fx[ds.fx["currency"] == code]
    if row.empty:
        return _("no exchange rate for {currency}").format(currency=code)
    units, as_of = float(row["units_per_usd"].iloc[0]), row["as_of"].iloc[0]
    four = float(f"{units:.4g}")  # four significant digits
    return _("1 USD = {units} {currency} (rate of {date}; fx_rates.csv)").format(
        units=i18n.number(four, "g"), currency=code, date=i18n.date(as_of) if as_of else _("unknown date")
    )
