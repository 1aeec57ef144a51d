"""Hard constraints, applied in order, with a count of what each one removed."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from compare import i18n
from compare.data import months_old
from compare.i18n import _, ngettext
from compare.scenario import Filters

Rule = Callable[[pd.DataFrame], pd.Series]


def _has_all(wanted: list[str]) -> Rule:
    def rule(df: pd.DataFrame) -> pd.Series:
        offered = [set(a) | set(b) for a, b in zip(df["techniques"], df["technologies"], strict=True)]
        return pd.Series([set(wanted) <= s for s in offered], index=df.index, dtype=bool)

    return rule


def rules(filters: Filters) -> list[tuple[str, str, Rule]]:
    """(key, plain-language label, mask function) for every active filter."""
    out: list[tuple[str, str, Rule]] = []
    if filters.countries:
        out.append(
            (
                "countries",
                _("in {countries}").format(countries=", ".join(filters.countries)),
                lambda df: df["country"].isin(filters.countries),
            )
        )
    if filters.accreditation == "international":
        out.append(
            (
                "accreditation",
                _("international accreditation"),
                lambda df: df["has_international_accreditation"].astype(bool),
            )
        )
    elif filters.accreditation:
        body = filters.accreditation
        out.append(
            (
                "accreditation",
                _("accredited by {body}").format(body=body),
                lambda df: df["accreditations"].map(lambda a: body in a),
            )
        )
    if filters.techniques:
        out.append(
            (
                "techniques",
                _("offers {techniques}").format(techniques=", ".join(filters.techniques)),
                _has_all(filters.techniques),
            )
        )
    if filters.min_volume is not None:
        out.append(
            (
                "min_volume",
                _("≥ {n} spine operations a year (reported)").format(n=i18n.number(filters.min_volume)),
                lambda df: df["annual_spine_surgeries"].fillna(-1) >= filters.min_volume,
            )
        )
    if filters.languages:
        langs = set(filters.languages)
        out.append(
            (
                "languages",
                _("speaks {languages}").format(languages=", ".join(filters.languages)),
                lambda df: df["languages"].map(lambda v: bool(langs & set(v or []))),
            )
        )
    if filters.budget is not None:
        out.append(
            (
                "budget",
                _("whole trip up to {amount} (high estimate)").format(amount=i18n.number(filters.budget)),
                lambda df: df["total_high"] <= filters.budget,
            )
        )
    if filters.max_flight_hours is not None:
        out.append(
            (
                "max_flight_hours",
                _("≤ {hours} h estimated flight").format(hours=i18n.number(filters.max_flight_hours, "g")),
                lambda df: df["flight_hours"] <= filters.max_flight_hours,
            )
        )
    if filters.max_price_age_months is not None:
        limit = filters.max_price_age_months
        out.append(
            (
                "max_price_age_months",
                ngettext("price dated within {n} months", "price dated within {n} months", limit).format(n=limit),
                lambda df: df["operation_as_of"].map(lambda d: (months_old(d) or float("inf")) <= limit),
            )
        )
    if filters.hide_thin:
        out.append(("hide_thin", _("enough data to rank"), lambda df: ~df["thin_data"].astype(bool)))
    return out


def apply_filters(df: pd.DataFrame, filters: Filters) -> tuple[pd.DataFrame, list[dict]]:
    """Keep the rows passing every filter; report how many each filter removed, in order."""
    report = []
    for key, label, rule in rules(filters):
        mask = rule(df).fillna(False).astype(bool)
        report.append({"filter": key, "label": label, "removed": int((~mask).sum()), "remaining": int(mask.sum())})
        df = df[mask]
    return df, report


def explain_empty(report: list[dict], total: int) -> str:
    """A plain sentence saying which filters emptied the result."""
    if not report:
        return _("There are no facilities in the data.")
    parts = [
        _("{filter} removed {n}").format(filter=r["label"], n=i18n.number(r["removed"])) for r in report if r["removed"]
    ]
    return _("No option passes all filters (of {total}): {parts}.").format(
        total=i18n.number(total), parts="; ".join(parts)
    )
