"""The journey to each facility: distance, haul, the stay, visas, per diem places and fares."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from helpers_costs import LONDON, haversine, make_data

from compare.costs import cost_frame, distances, flight_hours, haversine_km, origin_row
from compare.costs.travel import fare_usd
from compare.data import load_dataset
from compare.scenario import Seat, Trip


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    data = load_dataset(make_data(tmp_path_factory.mktemp("travel")), use_cache=False)
    assert not data.errors, [str(p) for p in data.errors]
    return data


def test_haversine_and_flight_hours():
    r = 6371.0088
    assert haversine_km(0.0, 0.0, 90.0, 0.0) == pytest.approx(math.pi / 2 * r, rel=1e-12)
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * r, rel=1e-12)
    assert haversine_km(10.0, 20.0, 10.0, 20.0) == 0.0
    a = haversine_km(
        np.array([51.5, -33.9]), np.array([-0.1, 151.2]), np.array([13.75, 40.7]), np.array([100.5, -74.0])
    )
    b = haversine_km(
        np.array([13.75, 40.7]), np.array([100.5, -74.0]), np.array([51.5, -33.9]), np.array([-0.1, 151.2])
    )
    np.testing.assert_allclose(a, b, rtol=1e-12)
    assert flight_hours(800.0) == pytest.approx(2.0)
    assert flight_hours(0.0) == pytest.approx(1.0)


def test_distances_prefer_routes_then_city_centres(ds):
    d = distances(ds, origin_row(ds, "london"))
    assert d.loc["th-alpha", "distance_km"] == 9540  # LHR-BKK from routes.csv
    assert d.loc["th-beta", "distance_km"] == pytest.approx(haversine(LONDON, (18.79, 98.98)), rel=1e-12)
    assert "routes" in d.loc["th-alpha", "distance_basis"]
    assert "haversine" in d.loc["th-beta", "distance_basis"]


def test_a_repeated_route_row_does_not_break_the_distances(tmp_path):
    root = make_data(
        tmp_path / "d",
        routes=[["LHR", "BKK", 9540, "yes", "t", "t", "project"], ["LHR", "BKK", 9999, "", "t", "t", "project"]],
    )
    data = load_dataset(root, use_cache=False)
    assert distances(data, origin_row(data, "london")).loc["th-alpha", "distance_km"] == 9540


def test_the_stay_follows_the_haul_of_each_flight_home(ds):
    legs = cost_frame(ds, Trip(origin="london")).journeys
    # Bangkok: 9,540 km, about 12.9 h: long haul (from 6 h). The two long-haul sources say
    # 8–12 weeks and 4 weeks: the range spans both (28–84 days), it does not pick the shortest.
    assert legs.loc["th-alpha", "haul"] == "long"
    assert (legs.loc["th-alpha", "recovery_low"], legs.loc["th-alpha", "recovery_high"]) == (28, 84)
    basis = legs.loc["th-alpha", "stay_basis"]
    assert "8–12 weeks" in basis and "4 weeks" in basis and "Other guidance" in basis and "disagree" in basis
    # Istanbul: about 2,500 km, 4.1 h: short haul, 4–6 weeks.
    assert legs.loc["tr-gamma", "haul"] == "short"
    assert legs.loc["tr-gamma", "flight_hours"] < 6
    assert (legs.loc["tr-gamma", "recovery_low"], legs.loc["tr-gamma", "recovery_high"]) == (28, 42)
    # The stay prices the lodging: Bangkok's 40–100 a night × 28–84 nights.
    comp = cost_frame(ds, Trip(origin="london")).components.set_index(["facility_id", "component"])
    assert (comp.loc[("th-alpha", "lodging"), "low"], comp.loc[("th-alpha", "lodging"), "high"]) == (40 * 28, 100 * 84)
    # The user's own number wins everywhere, and the guidance is still shown.
    mine = cost_frame(ds, Trip(origin="london", recovery_days=17)).journeys
    assert (mine["recovery_low"] == 17).all() and (mine["recovery_high"] == 17).all()
    assert mine["stay_basis"].str.contains("your choice").all()


def test_hospital_nights_follow_the_approach(ds):
    assert cost_frame(ds, Trip(origin="london", procedure="fusion_2l_open")).journeys["hospital_low"].eq(3).all()
    assert cost_frame(ds, Trip(origin="london", procedure="fusion_1l_mis")).journeys["hospital_high"].eq(5).all()


def test_per_diem_city_else_the_rest_of_the_country_and_says_so(ds):
    legs = cost_frame(ds, Trip(origin="london")).journeys
    assert legs.loc["th-alpha", "per_diem_place"] == "Bangkok"
    assert "'[Other]' row" in legs.loc["th-beta", "per_diem_place"]
    assert (legs.loc["tr-gamma", "lodging_usd_low"], legs.loc["tr-gamma", "lodging_usd_high"]) == (120, 150)
    assert pd.isna(legs.loc["kr-delta", "per_diem_place"])  # Korea is not in this per diem file


def test_visa_needs_by_passport(ds):
    legs = cost_frame(ds, Trip(origin="london")).journeys
    assert list(legs.loc[["th-alpha", "tr-gamma", "kr-delta"], "visa"]) == ["visa free", "e-visa", "eta"]
    assert legs.loc["th-alpha", "visa_label"] == "visa free 30 days"
    assert legs["passport"].eq("GB").all()  # the origin's country by default


def test_fares_from_distance_by_hand(ds):
    assert fare_usd(ds, 1000, Seat.ECONOMY)[:2] == pytest.approx((2 * (50 + 50), 2 * 100))
    assert fare_usd(ds, 1000, Seat.BUSINESS)[:2] == pytest.approx((200 * 3, 200 * 6))
    assert fare_usd(ds, 1000, Seat.EXTRA_LEGROOM)[:2] == pytest.approx((200 + 120, 200 + 300))
    assert fare_usd(ds, math.nan, Seat.ECONOMY) is None
