"""The scenario: three parts, version 1 files still read, codes in any case, bounds enforced."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from compare.problems import DataError
from compare.scenario import CostBasis, Scenario, Seat, Trip, scenario_from_yaml, with_changes

V1 = """\
version: 1
origin: london
currency: GBP
procedure: fusion_2l_open
companion: true
lodging_tier: budget
recovery_days: 21
flight_fare: 650.5
wanted: [mis]
filters: {countries: [TH, IN], budget: 80000}
weights: {cost: 7, travel: 3}
method: topsis
missing: median
data_hash: abc
"""


def test_a_version_1_file_moves_each_field_to_its_part():
    s = scenario_from_yaml(V1)
    assert s.version == 2
    assert (s.trip.origin, s.trip.currency, s.trip.procedure, s.trip.companion) == (
        "london",
        "GBP",
        "fusion_2l_open",
        True,
    )
    assert (s.trip.lodging_tier.value, s.trip.recovery_days, s.trip.flight_fare) == ("budget", 21, 650.5)
    assert s.filters.countries == ["TH", "IN"] and s.filters.budget == 80000
    assert s.preferences.weights["cost"] == 7 and s.preferences.weights["volume"] == 0
    assert (s.preferences.method.value, s.preferences.missing.value, s.preferences.wanted) == (
        "topsis",
        "median",
        ["mis"],
    )
    assert s.data_hash == "abc"
    # Saved again, it is a version 2 file that reads back to the same scenario.
    assert scenario_from_yaml(s.to_yaml()) == s
    assert "trip:" in s.to_yaml() and "preferences:" in s.to_yaml()


def test_flat_keywords_and_changes_land_in_their_part():
    s = Scenario(origin="sydney", companion=True, weights={"cost": 1}, seat="business")
    assert s.trip.origin == "sydney" and s.trip.seat is Seat.BUSINESS and s.preferences.weights["cost"] == 1
    t = with_changes(s, flight_fare=900, cost_basis="documented")
    assert t.trip.flight_fare == 900 and t.trip.companion and t.preferences.cost_basis is CostBasis.DOCUMENTED


def test_codes_are_read_in_any_case():
    t = Trip(origin=" London ", currency="gbp", passport="ng", fares={"th": 800})
    assert (t.origin, t.currency, t.passport, t.fares) == ("london", "GBP", "NG", {"TH": 800})
    assert t.fare_for("TH") == 800 and t.fare_for("TR") is None
    assert Trip(flight_fare=500, fares={"TH": 800}).fare_for("TR") == 500
    assert Scenario(filters={"countries": ["th"]}).filters.countries == ["TH"]


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"recovery_days": 366}, "recovery_days"),
        ({"recovery_days": -1}, "recovery_days"),
        ({"flight_fare": -5}, "flight_fare"),
        ({"flight_fare": float("inf")}, "flight_fare"),
        ({"fares": {"TH": -1}}, "fares"),
        ({"seat": "first"}, "seat"),
        ({"lodging_tier": "luxury"}, "lodging_tier"),
        ({"cost_basis": "cheapest"}, "cost_basis"),
    ],
)
def test_out_of_range_values_are_refused_naming_the_field(changes, where):
    with pytest.raises(ValidationError) as info:
        Scenario(**changes)
    assert any(where in ".".join(map(str, e["loc"])) for e in info.value.errors())


def test_a_bad_version_1_file_points_at_its_own_line():
    with pytest.raises(DataError) as info:
        scenario_from_yaml("origin: london\nrecovery_days: lots\n", "old.yaml")
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.field) == ("old.yaml", 2, "trip.recovery_days")
