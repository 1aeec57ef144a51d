"""One table of scenario fields drives the sidebar, its URL parameters and the CLI flags."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare import cli, fields
from compare.scenario import PARTS, Scenario

SCENARIOS = st.builds(
    Scenario,
    trip=st.fixed_dictionaries(
        {
            "origin": st.sampled_from(["london", "new-york", "dubai"]),
            "currency": st.sampled_from(["USD", "GBP", "EUR"]),
            "passport": st.sampled_from([None, "GB", "NG"]),
            "companion": st.booleans(),
            "seat": st.sampled_from(["economy", "extra_legroom", "business"]),
            "lodging_tier": st.sampled_from(["budget", "mid", "premium"]),
            "recovery_days": st.none() | st.integers(0, 365),
            "flight_fare": st.none() | st.floats(0, 20_000, allow_nan=False),
            "fares": st.dictionaries(st.sampled_from(["TH", "TR", "IN"]), st.integers(0, 5000).map(float), max_size=3),
        }
    ),
    filters=st.fixed_dictionaries(
        {
            "countries": st.lists(st.sampled_from(["TH", "IN", "TR"]), unique=True),
            "budget": st.none() | st.floats(1, 200_000, allow_nan=False),
            "max_price_age_months": st.sampled_from([None, 24, 60]),
            "accreditation": st.sampled_from([None, "international", "jci"]),
        }
    ),
    preferences=st.fixed_dictionaries(
        {
            "weights": st.fixed_dictionaries(
                {"cost": st.integers(1, 10).map(float), "travel": st.integers(0, 10).map(float)}
            ),
            "cost_basis": st.sampled_from(["comparable", "documented"]),
            "method": st.sampled_from(["wsm", "topsis"]),
        }
    ),
)


@settings(max_examples=150, deadline=None)
@given(SCENARIOS)
def test_widget_values_reproduce_the_scenario(scenario):
    assert fields.scenario_from_state(fields.widget_state(scenario)) == scenario


def test_every_scenario_field_has_exactly_one_input():
    covered = {(f.part, f.name) for f in fields.FIELDS}
    expected = {(part, name) for part, model in PARTS.items() for name in model.model_fields if name != "weights"}
    assert covered == expected
    assert len({f.key for f in fields.FIELDS}) == len(fields.FIELDS)
    assert len({f.flag for f in fields.FIELDS}) == len(fields.FIELDS)


def test_every_field_is_a_cli_flag():
    rank = cli._parser()._subparsers._group_actions[0].choices["rank"]
    flags = {option for action in rank._actions for option in action.option_strings}
    for f in fields.FIELDS:
        assert f"--{f.flag}" in flags, f.flag


def test_option_lists_come_from_the_data(shipped):
    opts = {f.key: fields.options(shipped, f) for f in fields.FIELDS if f.options}
    assert "london" in opts["origin"] and "GBP" in opts["currency"]
    assert opts["passport"][""].startswith("same as") and "NG" in opts["passport"] and len(opts["passport"]) > 190
    assert set(opts["seat"]) == {"economy", "extra_legroom", "business"}
    assert "lumbar_fusion" not in opts["procedure"]


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("", {}),
        ("TH=850", {"TH": 850.0}),
        ("th: 850, TR=1200.50", {"TH": 850.0, "TR": 1200.5}),
        ("TH=1;IN=2", {"TH": 1, "IN": 2}),
    ],
)
def test_fares_text(text, parsed):
    assert fields.parse_fares(text) == parsed
    assert fields.parse_fares(fields.format_fares(parsed)) == parsed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("TH=abc", "not COUNTRY=AMOUNT"),
        ("TH=-5", "not COUNTRY=AMOUNT"),
        ("XX=5", "unknown country code 'XX'"),
        ("850", "not COUNTRY=AMOUNT"),
    ],
)
def test_bad_fares_text_names_the_bad_part(text, message):
    with pytest.raises(ValueError, match=message):
        fields.parse_fares(text)
