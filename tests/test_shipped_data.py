"""The shipped data itself: clean, broad enough to be useful, and every figure sourced.

These tests read ``data/`` as shipped (the ``shipped`` fixture). They state what the
project promises its users, so they fail when the data falls short, not when it grows.
"""

from __future__ import annotations

import pandas as pd
import pytest

from compare.problems import Severity

MIN_FACILITIES = 60
MIN_COUNTRIES = 15
MIN_ORIGINS = 12

# Origin regions the tool promises to cover (ISO 3166-1 alpha-2).
REGIONS = {
    "North America": {"US", "CA", "MX"},
    "Europe": {
        *"AD AL AT BA BE BG BY CH CY CZ DE DK EE ES FI FR GB GR HR HU IE IS IT LI LT LU LV MC MD ME MK MT NL NO PL".split(),
        *"PT RO RS SE SI SK SM UA VA".split(),
    },
    "the Gulf": {"AE", "SA", "QA", "KW", "BH", "OM"},
    "Africa": {
        *"DZ AO BJ BW BF BI CM CV CF TD KM CD CG CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML MR MU".split(),
        *"MA MZ NA NE NG RW ST SN SC SL SO ZA SS SD TZ TG TN UG ZM ZW".split(),
    },
    "Oceania": {"AU", "NZ", "FJ", "PG", "WS", "TO", "VU", "SB"},
}


def test_shipped_data_has_no_errors(shipped):
    assert shipped.errors == [], "\n".join(map(str, shipped.errors))


def test_every_warning_is_a_known_kind(shipped):
    for p in shipped.warnings:
        assert p.severity is Severity.WARNING
        assert p.message.startswith(("stale:", "no exchange rate for", "no per diem rows for")), str(p)


def test_enough_facilities_in_enough_countries(shipped):
    n = len(shipped.facilities)
    countries = shipped.facilities["country"].nunique() if n else 0
    assert n >= MIN_FACILITIES, f"{n} facilities (want at least {MIN_FACILITIES})"
    assert countries >= MIN_COUNTRIES, f"{countries} countries (want at least {MIN_COUNTRIES})"


def test_every_facility_file_loaded(shipped):
    files = sorted((shipped.data_dir / "facilities").glob("*/*.yaml"))
    assert len(shipped.facilities) == len(files)


def test_every_facility_country_is_a_described_destination(shipped):
    missing = sorted(set(shipped.facilities["country"]) - set(shipped.destinations))
    assert not missing, f"facility countries without an entry in destinations.yaml: {missing}"


def test_origins_span_the_promised_regions(shipped):
    origins = shipped.origins
    assert len(origins) >= MIN_ORIGINS
    countries = set(origins["country"])
    uncovered = [region for region, codes in REGIONS.items() if not countries & codes]
    assert not uncovered, f"no origin in {uncovered}"


def _has_currency_warning(shipped, file: str, line: int) -> bool:
    return any(
        p.file.endswith(file) and p.line == line and p.field == "currency" and not p.is_error for p in shipped.problems
    )


@pytest.mark.parametrize("table", ["prices", "destination_costs", "origins"])
def test_every_currency_has_a_rate_or_a_warning(shipped, table):
    frame = getattr(shipped, table)
    rates = set(shipped.fx["currency"])
    assert not frame.empty
    for row in frame.itertuples():
        if row.currency not in rates:
            assert _has_currency_warning(shipped, row.file, row.line), f"{row.file}:{row.line}: {row.currency}"


def test_every_facility_figure_has_a_source_url_and_evidence(shipped):
    facts = shipped.facts
    assert len(facts) > len(shipped.facilities), "facilities should carry figures, not just names"
    levels = set(shipped.vocab["evidence_levels"])
    no_source = facts[facts["source_url"].isna() | (facts["source_url"].astype(str).str.strip() == "")]
    assert no_source.empty, no_source[["facility_id", "field"]].to_string()
    bad_evidence = facts[~facts["evidence"].isin(levels)]
    assert bad_evidence.empty, bad_evidence[["facility_id", "field", "evidence"]].to_string()


def test_every_price_row_has_source_url_and_evidence(shipped):
    levels = set(shipped.vocab["evidence_levels"])
    for table in (shipped.prices, shipped.destination_costs):
        assert not table.empty
        assert table["source_url"].map(lambda u: isinstance(u, str) and u.startswith(("http://", "https://"))).all()
        assert table["evidence"].isin(levels).all()


def test_prices_are_finite_ordered_and_non_negative(shipped):
    for low, high in (("price_low", "price_high"), ("low", "high")):
        frame = shipped.prices if low == "price_low" else shipped.destination_costs
        lows = pd.to_numeric(frame[low])
        highs = pd.to_numeric(frame[high])
        assert (lows >= 0).all()
        assert (highs.isna() | (highs >= lows)).all()


def test_computed_estimates_name_their_method(shipped):
    costs = shipped.destination_costs
    computed = costs[costs["evidence"] == "computed_estimate"]
    assert computed["method"].map(lambda m: isinstance(m, str) and m.strip() != "").all()
    if shipped.clinical is not None:
        for approach, nights in shipped.clinical.hospital_nights.items():
            if nights.evidence == "computed_estimate":
                assert nights.method, approach
    # Price rows and facility sources have no method column: a computed figure there
    # could not say how it was computed, so none may exist.
    assert not (shipped.prices["evidence"] == "computed_estimate").any()
    assert not (shipped.facts["evidence"] == "computed_estimate").any()


ACCEPTANCE_ORIGINS = ["new-york", "london", "dubai", "lagos", "sydney", "almaty"]


@pytest.fixture(scope="module", params=ACCEPTANCE_ORIGINS)
def trip_costs(request, shipped):
    from compare import Scenario, costs

    return costs.cost_frame(shipped, Scenario(origin=request.param, companion=True).trip)


def test_every_facility_has_a_whole_trip_total_from_every_origin(shipped, trip_costs):
    totals = trip_costs.totals
    assert set(totals.index) == set(shipped.facilities.index)
    assert totals["comparable_low"].notna().all() and totals["comparable_high"].notna().all()
    assert (totals["comparable_low"] <= totals["comparable_high"]).all()
    # Where the country has a published operation price the trip is mostly documented; where it
    # has none (most places added in November 2026) the operation is a labelled fill, never full.
    priced = set(shipped.prices.loc[shipped.prices["use"] == "estimate", "country"])
    in_priced = shipped.facilities["country"].isin(priced).reindex(totals.index)
    assert totals.loc[in_priced, "completeness"].median() >= 0.9, totals["completeness"].describe()
    assert (totals.loc[~in_priced, "completeness"] < 1).all()


def test_every_component_has_a_status_and_none_is_silently_zero(shipped, trip_costs):
    from compare.costs import PACKAGE, VARIANT, Status

    comp = trip_costs.components
    expected = set(shipped.vocab["cost_components"]) | {PACKAGE}
    per_facility = comp.groupby("facility_id")["component"].agg(set)
    assert (per_facility.map(lambda c: c - {VARIANT}) == expected).all()
    assert comp["status"].isin([s.value for s in Status]).all()
    unknown = comp["status"] == Status.UNKNOWN.value
    # Unknown is never a number: it is filled (and says how) or named as not reported anywhere.
    assert comp.loc[unknown, ["low", "high"]].isna().all().all()
    assert comp.loc[unknown, "fill_basis"].map(lambda b: isinstance(b, str) and b != "").all()
    # A zero is included in a price, or a visa that is not needed, and says which.
    zero = (comp["low"] == 0) & (comp["high"] == 0)
    assert (comp.loc[zero, "status"].eq("included") | comp.loc[zero, "basis"].str.contains("no fee")).all()
    # Flights and lodging: estimated (or filled) for every facility, as the first wave could not.
    flights = comp[comp["component"] == "flights"]
    assert (flights["status"] == "estimated").mean() > 0.95
    lodging = comp[comp["component"] == "lodging"]
    assert (lodging["status"] == "estimated").all()
