"""Documented and comparable totals, the fill of unknown parts, completeness, the home baseline."""

from __future__ import annotations

import math

import pytest
from helpers_costs import LONDON, haversine, make_data

from compare.costs import PACKAGE, cost_frame, home_baseline
from compare.data import load_dataset
from compare.scenario import Trip

D_BETA = haversine(LONDON, (18.79, 98.98))
D_GAMMA = haversine(LONDON, (41.01, 28.95))
D_DELTA = haversine(LONDON, (37.57, 126.98))


def fare(km: float) -> tuple[float, float]:
    return 2 * (50 + 0.05 * km), 0.2 * km


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    data = load_dataset(make_data(tmp_path_factory.mktemp("totals")), use_cache=False)
    assert not data.errors, [str(p) for p in data.errors]
    return data


@pytest.fixture(scope="module")
def frame(ds):
    return cost_frame(ds, Trip(origin="london", currency="USD", procedure="fusion_1l_mis", recovery_days=10))


def totals(frame, fid: str) -> tuple[float, float, float, float]:
    t = frame.totals.loc[fid]
    return t["documented_low"], t["documented_high"], t["comparable_low"], t["comparable_high"]


def test_documented_equals_comparable_where_nothing_can_be_filled(frame):
    # th-beta: 8,000 + implants 0 + imaging 300 + lodging 400 + meals 400 + transport 100
    # + visa 0 + medication 100 + flights; high: 10,000 + 10,000 + 600 + 800 + 400 + 100 + 0 + 200.
    low, high = fare(D_BETA)
    expected = (9300 + low, 22100 + high)
    assert totals(frame, "th-beta") == pytest.approx((*expected, *expected), rel=1e-12)
    # Its unknown parts (physiotherapy per session, consultation, labs, follow-up, brace) have
    # no figure anywhere in this data, so nothing fills them and they are named instead.
    t = frame.totals.loc["th-beta"]
    assert t["completeness"] == 1.0
    assert sorted(t["unknown_components"]) == ["brace", "consultation", "follow_up", "labs", "physiotherapy"]
    assert t["n_unfilled"] == 5
    fills = frame.components.set_index(["facility_id", "component"])
    assert "not reported anywhere" in fills.loc[("th-beta", "labs"), "fill_basis"]


def test_unknown_parts_are_filled_from_the_region_and_counted_in_completeness(frame):
    # tr-gamma: 6,000 + hospital nights 100 + implants 0 + lodging 1,200 + meals 600 + visa 20;
    # high 7,000 + 750 + 7,000 + 1,500 + 600 + 60. Imaging, transport and medication are not
    # reported in Turkey: filled from Thailand (the only country of the region with them):
    # 300–600, 100, 100–200.
    low, high = fare(D_GAMMA)
    doc = (7920 + low, 16910 + high)
    assert totals(frame, "tr-gamma") == pytest.approx((*doc, doc[0] + 500, doc[1] + 900), rel=1e-12)
    t = frame.totals.loc["tr-gamma"]
    assert t["completeness"] == pytest.approx((doc[0] + doc[1]) / (doc[0] + 500 + doc[1] + 900), rel=1e-12)
    comp = frame.components.set_index(["facility_id", "component"])
    assert comp.loc[("tr-gamma", "imaging"), "fill_basis"] == "filled: median of the same component in Asia (Thailand)"


def test_no_price_gets_a_comparable_total_but_no_documented_one(frame):
    # kr-delta: operation from the Asian median of Thailand (7,500–9,000, the median of its two
    # facilities) and Turkey (6,000–7,000): 6,750–8,000. Implants: Thailand 0–10,000, Turkey
    # 0–7,000 -> 0–8,500. Lodging: Thailand 400–900, Turkey 1,200–1,500 -> 800–1,200. Meals
    # 450 and 600 -> 525. Visa: Turkey's 20–60 (Thailand's zeros are no figure for a needed
    # visa). Imaging 300–600, transport 100, medication 100–200 from Thailand.
    low, high = fare(D_DELTA)
    t = frame.totals.loc["kr-delta"]
    assert math.isnan(t["documented_low"]) and math.isnan(t["documented_high"])
    fill_low = 6750 + 0 + 800 + 525 + 20 + 300 + 100 + 100
    fill_high = 8000 + 8500 + 1200 + 525 + 60 + 600 + 100 + 200
    assert (t["comparable_low"], t["comparable_high"]) == pytest.approx((low + fill_low, high + fill_high), rel=1e-12)
    assert t["completeness"] == pytest.approx((low + high) / (low + fill_low + high + fill_high), rel=1e-12)
    comp = frame.components.set_index(["facility_id", "component"])
    assert comp.loc[("kr-delta", PACKAGE), "fill_basis"] == (
        "filled: median of the same component in Asia (Thailand, Türkiye)"
    )
    assert t["operation_status"] == "unknown"


def test_totals_add_exactly_the_components(frame):
    comp = frame.components
    known = comp[comp["status"] != "unknown"].groupby("facility_id")[["low", "high"]].sum()
    filled = comp[comp["status"] == "unknown"].groupby("facility_id")[["fill_low", "fill_high"]].sum()
    for fid in ("th-alpha", "th-beta", "tr-gamma"):
        t = frame.totals.loc[fid]
        assert t["documented_low"] == pytest.approx(known.loc[fid, "low"], rel=1e-12)
        assert t["comparable_high"] == pytest.approx(known.loc[fid, "high"] + filled.loc[fid, "fill_high"], rel=1e-12)


def test_home_baseline(ds, frame):
    base = home_baseline(ds, "USD", "GB")
    # 15,000–20,000 GBP / 0.75 = 20,000–26,666.67 USD
    assert (base["low"], base["high"]) == pytest.approx((20000, 20000 / 0.75), rel=1e-12)
    assert base["n_figures"] == 1 and base["as_of"] == "2025-06"
    assert home_baseline(ds, "USD", "US") is None
    # The trip's cost frame carries it for its origin (London) and currency, worked out once.
    assert frame.baseline == base


def test_an_unknown_origin_is_named(ds):
    with pytest.raises(ValueError, match="unknown origin 'atlantis'"):
        cost_frame(ds, Trip(origin="atlantis"))
