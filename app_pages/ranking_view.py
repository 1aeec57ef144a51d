"""What the Compare page shows of a ranking, built once per (data, scenario) and shared.

Every session and every rerun that shows the same ranking gets the same display table and the
same cost-versus-score chart: they are worked out on the first request and then reused, like
the ranking itself (``state.current_ranking``). Both are shared objects: callers only read them
(``st.dataframe`` and ``st.vega_lite_chart`` convert without modifying), and copy before any change.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.state import criteria_key, criteria_table, ranking_key
from app_pages.ui import who_stands_behind
from compare import charts, costs, criteria, i18n
from compare.costs import format_range
from compare.data import Dataset, months_old
from compare.engine import Ranking
from compare.i18n import N_, _
from compare.scenario import Scenario

# The ranking table's columns, in order; with sensitivity on, P(rank 1) and P(top 3) follow "score".
COLUMNS = [
    "rank",
    "name",
    "country_name",
    "city",
    "score",
    "trip",
    "completeness",
    "documented",
    "risk",
    "risk_adjusted",
    "data_mark",
    "stay",
    "visa_shown",
    "badges",
    "volume_shown",
    "flight",
    "confidence",
    "price_status",
    "price_evidence",
    "price_as_of",
    "not_reported",
    "pareto",
    "price_source",
]


_BADGES = {
    "has_international_accreditation": N_("Intl accredited"),
    "minimally_invasive": N_("MIS"),
    "robotic": N_("Robot"),
    "navigation": N_("Navigation"),
}

# The stay after discharge by the flight's haul: (one figure, a range), whole messages to translate.
_STAY = {
    "long": (N_("{days} d (long)"), N_("{low}–{high} d (long)")),
    "short": (N_("{days} d (short)"), N_("{low}–{high} d (short)")),
    "unknown": (N_("{days} d (unknown)"), N_("{low}–{high} d (unknown)")),
}


def _badges(table: pd.DataFrame) -> list[str]:
    """What each option offers, in words ("none reported" when nothing); one pass over four columns."""
    flags = zip(*(table[column] for column in _BADGES), strict=True)
    labels = [_(label) for label in _BADGES.values()]
    nothing = _("none reported")
    return [" · ".join(label for label, on in zip(labels, row, strict=True) if on) or nothing for row in flags]


def _dated(as_of, stale_after: int) -> str:
    """The date as the data gives it (a year, a month or a day, so left as written), marked when stale."""
    if not isinstance(as_of, str):
        return _("undated")
    age = months_old(as_of)
    return _("{date} (stale)").format(date=as_of) if age is not None and age > stale_after else as_of


def _stay(low: float, high: float, haul: str) -> str:
    if haul in _STAY:
        one, span = _STAY[haul]
        if low == high:
            return _(one).format(days=i18n.number(low, "g"))
        return _(span).format(low=i18n.number(low, "g"), high=i18n.number(high, "g"))
    # A haul with no message of its own: its id as the data gives it.
    if low == high:
        return _("{days} d ({haul})").format(days=i18n.number(low, "g"), haul=haul)
    return _("{low}–{high} d ({haul})").format(low=i18n.number(low, "g"), high=i18n.number(high, "g"), haul=haul)


def _risk(low: float, high: float, unknown: bool, currency: str) -> str:
    if pd.isna(low):
        return _("unknown")
    shown = format_range(low, high, currency)
    return _("{range} (partial)").format(range=shown) if unknown else shown


def trip_columns(ds: Dataset, facts: pd.DataFrame, components: pd.DataFrame, currency: str) -> dict[str, object]:
    """The shown columns that follow from the trip alone (costs, stay, visa, offers, price evidence).

    ``facts`` is the criteria table of the trip or a ranking drawn from it: the values are the same
    per facility, so these columns are worked out once per trip and reused by every weighting.
    """
    price = components[components["component"] == "operation_package"].set_index("facility_id")
    price_sources = price["sources"].reindex(facts.index).map(lambda ss: ss if isinstance(ss, tuple) else ())
    return {
        "trip": [
            format_range(lo, hi, currency) for lo, hi in zip(facts["total_low"], facts["total_high"], strict=True)
        ],
        "documented": [
            format_range(lo, hi, currency)
            for lo, hi in zip(facts["documented_low"], facts["documented_high"], strict=True)
        ],
        "stay": [
            _stay(lo, hi, haul)
            for lo, hi, haul in zip(facts["recovery_low"], facts["recovery_high"], facts["haul"], strict=True)
        ],
        "risk": [
            _risk(lo, hi, unknown, currency)
            for lo, hi, unknown in zip(
                facts["expected_low"], facts["expected_high"], facts["risk_unknown"], strict=True
            )
        ],
        "risk_adjusted": [
            format_range(lo, hi, currency)
            for lo, hi in zip(facts["risk_adjusted_low"], facts["risk_adjusted_high"], strict=True)
        ],
        "visa_shown": [
            f"{label} ⚠" if isinstance(warn, str) else label
            for label, warn in zip(facts["visa_label"], facts["visa_warning"], strict=True)
        ],
        "badges": _badges(facts),
        "price_status": price["status"].reindex(facts.index).map(costs.status_word, na_action="ignore"),
        "price_evidence": price_sources.map(lambda ss: who_stands_behind(ds, ss)),
        "price_as_of": price["as_of"].reindex(facts.index).map(lambda d: _dated(d, ds.stale_after_months)),
        "price_source": price_sources.map(lambda ss: ss[0].reference if ss else None),
        "volume_shown": facts["annual_spine_surgeries"].map(
            lambda v: _("not reported") if pd.isna(v) else i18n.number(v)
        ),
        "flight": facts["flight_hours"],
    }


def ranking_columns(table: pd.DataFrame) -> dict[str, pd.Series]:
    """The shown columns that depend on the weights: thin data and the criteria not reported."""
    thin_words = _("too little data to rank reliably")
    return {
        "data_mark": table["thin_data"].map(lambda thin: thin_words if thin else ""),
        "not_reported": table["missing_criteria"].map(
            lambda m: ", ".join(_(criteria.BY_ID[c].label).lower() for c in m) or "—"
        ),
    }


def shown_columns(table: pd.DataFrame) -> list[str]:
    columns = list(COLUMNS)
    if "p_rank1" in table:
        columns[5:5] = ["p_rank1", "p_top3"]
    return columns


_FROM_FACTS = ["name", "country_name", "city", "completeness", "confidence"]


@st.cache_resource(max_entries=64)
def _trip_view(
    _ds: Dataset, _facts: pd.DataFrame, _components: pd.DataFrame, currency: str, key: tuple
) -> pd.DataFrame:
    """Every facility's trip columns, cached on the criteria key (the language is part of it); read-only."""
    return _facts[_FROM_FACTS].assign(**trip_columns(_ds, _facts, _components, currency))


@st.cache_resource(max_entries=128)
def _shown_table(_trip: pd.DataFrame, _result: Ranking, key: tuple) -> pd.DataFrame:
    """Cached on the ranking's own key; shared, so read-only for callers."""
    table = _result.table
    view = _trip.reindex(table.index).assign(
        rank=table["rank"], score=table["score"], pareto=table["pareto"], **ranking_columns(table)
    )
    if "p_rank1" in table:
        view = view.assign(p_rank1=table["p_rank1"], p_top3=table["p_top3"])
    # Only what is shown: converting every column of the table costs a rerun dearly.
    return view[shown_columns(table)]


def shown_table(
    ds: Dataset, scenario: Scenario, result: Ranking, *, sensitivity: bool, concentration: float
) -> pd.DataFrame:
    """The ranking table as shown (columns in display order, index = facility id); do not modify.

    The trip's columns are formatted once per trip for every facility; a new weighting only
    picks its rows in rank order and adds rank, score and the weighting's own columns.
    """
    facts = criteria_table(ds, scenario)
    trip = _trip_view(ds, facts, result.costs.components, scenario.trip.currency, criteria_key(ds, scenario))
    return _shown_table(trip, result, ranking_key(ds, scenario, sensitivity, concentration))


@st.cache_resource(max_entries=128)
def _pareto(_result: Ranking, currency: str, key: tuple) -> tuple[pd.DataFrame, dict]:
    return charts.pareto_chart(_result.table, currency)


def pareto_chart(
    ds: Dataset, scenario: Scenario, result: Ranking, *, sensitivity: bool, concentration: float
) -> tuple[pd.DataFrame, dict]:
    """The cost-versus-score chart of this ranking (data, Vega-Lite spec); shared, so do not modify it."""
    return _pareto(result, scenario.trip.currency, ranking_key(ds, scenario, sensitivity, concentration))
