"""The whole engine on the shipped data: filter, cost, score, rank, sensitivity, scenario files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from compare import criteria
from compare.costs import rate
from compare.engine import rank
from compare.robustness import rank1_counts
from compare.scenario import Filters, Method, MissingPolicy, Scenario, scenario_from_yaml, with_changes
from compare.scoring import score

OBJECTIVES = {c.id: c.objective for c in criteria.CRITERIA}
IDS = list(OBJECTIVES)


def only(criterion: str) -> dict[str, float]:
    return {c: (1.0 if c == criterion else 0.0) for c in IDS}


@pytest.fixture(scope="module")
def base(shipped):
    result = rank(shipped, Scenario(origin="london", currency="GBP"))
    assert len(result.table) >= 10, "the shipped data should rank at least 10 facilities"
    return result


@pytest.mark.parametrize(
    ("origin", "currency"),
    [
        ("new-york", "USD"),
        ("london", "GBP"),
        ("berlin", "EUR"),
        ("sydney", "AUD"),
        ("dubai", "AED"),
        ("toronto", "INR"),
    ],
)
def test_rank_runs_for_origins_and_currencies(shipped, origin, currency):
    result = rank(shipped, Scenario(origin=origin, currency=currency))
    t = result.table
    assert not result.empty and result.message is None
    assert t.index.is_unique
    assert len(t) == result.candidates == len(shipped.facilities)  # no filter: everyone is ranked
    assert t["rank"].tolist() == list(range(1, len(t) + 1))
    assert t["score"].is_monotonic_decreasing
    assert t["score"].between(0, 1).all()
    contrib = t[[f"contrib_{c}" for c in IDS]].sum(axis=1)
    np.testing.assert_allclose(contrib, t["score"], rtol=0, atol=1e-12)
    assert set(result.components["facility_id"]) == set(t.index)
    assert result.origin["id"] == origin


def test_display_currency_scales_costs_and_leaves_the_ranking_alone(shipped):
    usd = rank(shipped, Scenario(origin="london", currency="USD")).table
    for currency in ("GBP", "JPY", "INR"):
        other = rank(shipped, Scenario(origin="london", currency=currency)).table
        factor = rate(shipped, currency) / rate(shipped, "USD")
        known = usd["cost"].notna()
        assert known.sum() >= 10
        np.testing.assert_allclose(other.loc[usd.index[known], "cost"], usd.loc[known, "cost"] * factor, rtol=1e-12)
        assert other.index.tolist() == usd.index.tolist()
        np.testing.assert_allclose(other["score"], usd["score"], rtol=0, atol=1e-12)


def test_table_scores_equal_scoring_its_own_criteria_columns(shipped, base):
    # Wiring check: the joined table's scores belong to the rows they sit on.
    for method in (Method.WSM, Method.TOPSIS):
        sc = Scenario(origin="london", currency="GBP", method=method, missing=MissingPolicy.EXCLUDE)
        t = rank(shipped, sc).table
        again = score(t[IDS], OBJECTIVES, sc.preferences.weights, method=method, missing=sc.preferences.missing)
        # (Equal up to the last bit or two: BLAS rounds a row differently by its position.)
        np.testing.assert_allclose(again.loc[t.index, "score"].to_numpy(), t["score"].to_numpy(), rtol=0, atol=1e-15)
        assert again.index.tolist() == t.index.tolist()


@pytest.mark.parametrize(("criterion", "pick"), [("cost", "idxmin"), ("travel", "idxmin"), ("volume", "idxmax")])
def test_all_weight_on_one_criterion_puts_its_best_first(shipped, criterion, pick):
    t = rank(shipped, Scenario(origin="london", weights=only(criterion))).table
    values = t[criterion]
    best = values[values == getattr(values, pick.replace("idx", ""))()]
    # Ties among the best go to the smallest id.
    assert t.index[0] == sorted(best.index)[0]


def _flights(result) -> pd.DataFrame:
    comp = result.components
    return comp[comp["component"] == "flights"].set_index("facility_id")


def test_an_entered_fare_replaces_the_estimate_for_every_option(shipped):
    sc = Scenario(origin="london", currency="GBP", weights=only("cost"))
    estimated = rank(shipped, sc)
    entered = rank(shipped, with_changes(sc, flight_fare=800))
    est, ent = _flights(estimated), _flights(entered)
    assert (est.loc[est["low"].notna(), "status"] == "estimated").all()
    assert (ent["status"] == "entered").all() and (ent["low"] == 800).all() and (ent["high"] == 800).all()
    t0, t1 = estimated.table, entered.table
    known = est.index[est["low"].notna()]
    assert len(known) >= 60
    for end in ("low", "high"):
        np.testing.assert_allclose(
            t1.loc[known, f"documented_{end}"],
            t0.loc[known, f"documented_{end}"] - est.loc[known, end] + 800,
            rtol=1e-12,
        )
    # Two travellers: the entered fare twice.
    pair = _flights(rank(shipped, with_changes(sc, flight_fare=800, companion=True)))
    assert (pair["low"] == 1600).all()
    # A fare for one country wins there only.
    one = _flights(rank(shipped, with_changes(sc, fares={"TH": 650})))
    thai = shipped.facilities.index[shipped.facilities["country"] == "TH"]
    assert (one.loc[thai, "low"] == 650).all() and (one.loc[thai, "status"] == "entered").all()
    others = one.index.difference(thai)
    pd.testing.assert_frame_equal(
        one.loc[others, ["low", "high", "status"]], est.loc[others, ["low", "high", "status"]]
    )


def test_pareto_rows_are_not_dominated(base):
    t = base.table
    x = t[["cost", "quality"]].to_numpy()
    for i, fid in enumerate(t.index):
        if np.isnan(x[i]).any():
            assert not t.loc[fid, "pareto"]
            continue
        dominated = any(
            (x[j, 0] <= x[i, 0] and x[j, 1] >= x[i, 1] and (x[j, 0] < x[i, 0] or x[j, 1] > x[i, 1]))
            for j in range(len(t))
            if j != i and not np.isnan(x[j]).any()
        )
        assert t.loc[fid, "pareto"] == (not dominated), fid
    assert t["pareto"].any()


# ---- filters ------------------------------------------------------------------------

FILTERS = [
    Filters(countries=["TH", "IN"]),
    Filters(accreditation="international"),
    Filters(accreditation="jci"),
    Filters(techniques=["robotic_guidance"]),
    Filters(min_volume=1000),
    Filters(languages=["ar"]),
    Filters(budget=15000),
    Filters(max_flight_hours=12),
    Filters(max_price_age_months=36),
    Filters(countries=["TH", "IN", "TR", "SG"], accreditation="international", budget=40000, max_flight_hours=14),
]


def test_every_filter_narrows_or_keeps_and_the_report_adds_up(shipped, base):
    everyone = set(base.table.index)
    for filters in FILTERS:
        result = rank(shipped, with_changes(base.scenario, filters=filters))
        kept = set(result.table.index)
        assert kept <= everyone, filters
        # Only the ranked options' cost components come with the ranking.
        assert set(result.components["facility_id"]) == kept, filters
        report = result.filter_report
        assert len(report) == len([k for k, v in filters.model_dump().items() if v not in (None, [], False)])
        before = result.candidates
        for step in report:
            assert step["removed"] >= 0 and step["remaining"] >= 0
            assert step["removed"] + step["remaining"] == before, (filters, step)
            before = step["remaining"]
        assert before == len(kept)


def test_filter_counts_agree_with_the_unfiltered_table(shipped, base):
    t = base.table
    cases = [
        (Filters(countries=["TH", "IN"]), t["country"].isin(["TH", "IN"]).sum()),
        (Filters(budget=60000), (t["total_high"] <= 60000).sum()),
        (Filters(max_flight_hours=12), (t["flight_hours"] <= 12).sum()),
        (Filters(min_volume=1000), (t["annual_spine_surgeries"] >= 1000).sum()),
        (Filters(accreditation="international"), t["has_international_accreditation"].sum()),
        (Filters(techniques=["robotic_guidance"]), t["technologies"].map(lambda v: "robotic_guidance" in v).sum()),
    ]
    for filters, expected in cases:
        result = rank(shipped, with_changes(base.scenario, filters=filters))
        assert len(result.table) == expected, filters
        assert 0 < expected < len(t), f"{filters} should be a real test: keep some, drop some"


def test_adding_filters_one_by_one_only_narrows(shipped, base):
    steps = [
        {"countries": ["TH", "IN", "TR", "SG", "MY", "KR"]},
        {"max_flight_hours": 14},
        {"budget": 60000},
        {"accreditation": "international"},
    ]
    previous = set(base.table.index)
    acc: dict = {}
    for step in steps:
        acc.update(step)
        kept = set(rank(shipped, with_changes(base.scenario, filters=Filters(**acc))).table.index)
        assert kept <= previous, acc
        previous = kept


@pytest.mark.parametrize(
    ("filters", "words"),
    [
        (Filters(countries=["NO"]), "in NO"),
        (Filters(budget=1), "whole trip up to 1"),
        (Filters(min_volume=10_000_000), "spine operations"),
        (Filters(max_flight_hours=0.5), "flight"),
        (Filters(techniques=["robotic_guidance", "no-such-technique"]), "no-such-technique"),
        (Filters(languages=["xx"]), "speaks xx"),
    ],
)
def test_impossible_filter_gives_an_empty_result_naming_it(shipped, filters, words):
    result = rank(shipped, Scenario(origin="london", filters=filters), sensitivity=True, samples=100)
    assert result.empty
    assert result.table.empty and result.components.empty
    assert result.acceptability is None
    assert result.message and words in result.message
    assert str(len(shipped.facilities)) in result.message


def test_empty_message_names_only_the_filters_that_removed_something(shipped):
    result = rank(shipped, Scenario(origin="london", filters=Filters(countries=["TH"], budget=1)))
    assert result.empty
    assert "in TH" in result.message and "whole trip up to 1" in result.message
    th = (shipped.facilities["country"] == "TH").sum()
    assert f"whole trip up to 1 (high estimate) removed {th}" in result.message


# ---- sensitivity --------------------------------------------------------------------


@pytest.mark.parametrize("method", [Method.WSM, Method.TOPSIS])
def test_sensitivity_probabilities(shipped, method):
    sc = Scenario(origin="london", currency="GBP", method=method)
    result = rank(shipped, sc, sensitivity=True, samples=3_000, concentration=5.0, seed=7)
    t = result.table
    n = len(t)
    assert t["p_rank1"].sum() == pytest.approx(1.0, abs=1e-12)
    assert t["p_top3"].sum() == pytest.approx(min(3, n), abs=1e-12)
    assert (t["p_rank1"] <= t["p_top3"]).all()
    assert t[["p_rank1", "p_top3"]].stack().between(0, 1).all()
    np.testing.assert_allclose(t["p_rank1_se"], np.sqrt(t["p_rank1"] * (1 - t["p_rank1"]) / 3_000), rtol=1e-12)
    # Wiring: the probabilities sit on the right rows (same samples, independent top-1 path).
    top = rank1_counts(
        t[IDS],
        OBJECTIVES,
        sc.preferences.weights,
        method=method,
        samples=3_000,
        concentration=5.0,
        seed=7,
        cost_range=(t["total_low"], t["total_high"]),
    )
    np.testing.assert_array_equal(t["p_rank1"].to_numpy(), (top.loc[t.index.astype(str)] / 3_000).to_numpy())
    # and reproducible
    again = rank(shipped, sc, sensitivity=True, samples=3_000, concentration=5.0, seed=7).table
    np.testing.assert_array_equal(again["p_rank1"].to_numpy(), t["p_rank1"].to_numpy())


def test_no_sensitivity_columns_unless_asked(base):
    assert "p_rank1" not in base.table
    assert base.acceptability is None


def test_sensitivity_on_a_filtered_set(shipped):
    sc = Scenario(origin="london", filters=Filters(countries=["TH", "IN"]))
    t = rank(shipped, sc, sensitivity=True, samples=2_000).table
    assert set(t["country"]) <= {"TH", "IN"}
    assert t["p_rank1"].sum() == pytest.approx(1.0, abs=1e-12)
    assert t["p_top3"].sum() == pytest.approx(min(3, len(t)), abs=1e-12)


# ---- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"origin": "atlantis"}, "unknown origin"),
        ({"currency": "XYZ"}, "no exchange rate"),
        ({"procedure": "fusion_9l"}, "unknown procedure"),
    ],
)
def test_unanswerable_scenarios_raise(shipped, changes, match):
    with pytest.raises(ValueError, match=match):
        rank(shipped, Scenario(**changes))


def test_scenario_rejects_bad_weights():
    with pytest.raises(ValueError, match="at least one weight"):
        Scenario(weights=dict.fromkeys(IDS, 0))
    with pytest.raises(ValueError, match="unknown criteria"):
        Scenario(weights={"cost": 1, "beauty": 2})


# ---- scenario files -----------------------------------------------------------------

ROUND_TRIP = [
    Scenario(),
    Scenario(
        origin="sydney",
        currency="AUD",
        procedure="fusion_2l_open",
        companion=True,
        lodging_tier="premium",
        recovery_days=23,
        flight_fare=1234.56,
        wanted=["robotic_guidance", "navigation"],
        filters=Filters(countries=["TH", "IN", "SG", "MY", "KR", "TR"], max_flight_hours=15.5, budget=987654.321),
        weights={"cost": 1 / 3, "accreditation": 2.718281828459045, "volume": 0.1, "travel": 7, "confidence": 1e-3},
        method=Method.TOPSIS,
        missing=MissingPolicy.EXCLUDE,
    ),
    Scenario(origin="dubai", currency="AED", method=Method.WSM, missing=MissingPolicy.MEDIAN, weights=only("volume")),
]


@pytest.mark.parametrize("sc", ROUND_TRIP)
def test_scenario_yaml_round_trip_reproduces_identical_scores(shipped, sc):
    text = sc.to_yaml()
    back = scenario_from_yaml(text)
    assert back == sc
    a = rank(shipped, sc, sensitivity=True, samples=500, seed=3)
    b = rank(shipped, back, sensitivity=True, samples=500, seed=3)
    assert a.table.index.tolist() == b.table.index.tolist()
    for column in ("score", "cost", "rank", "p_rank1"):
        if column in a.table:
            np.testing.assert_array_equal(a.table[column].to_numpy(), b.table[column].to_numpy())
    pd.testing.assert_frame_equal(a.components.reset_index(drop=True), b.components.reset_index(drop=True))
    # and a second trip changes nothing
    assert scenario_from_yaml(back.to_yaml()).to_yaml() == text


def test_an_accreditation_not_shown_current_in_36_months_counts_half():
    from compare.engine import accreditation_points

    df = pd.DataFrame(
        {
            "has_international_accreditation": [True, True, False, False, True],
            "international_accreditation_current": [True, False, False, False, False],
            "has_national_accreditation": [False, False, True, True, True],
            "national_accreditation_current": [False, False, True, False, True],
        },
        index=list("abcde"),
    )
    assert list(accreditation_points(df)) == [2.0, 1.0, 1.0, 0.5, 2.0]


def test_the_shipped_ranking_scores_accreditation_by_currency(shipped):
    table = rank(shipped, Scenario()).table
    current = table["international_accreditation_current"]
    held = table["has_international_accreditation"]
    assert (table.loc[current, "accreditation"] >= 2).all()
    assert (table.loc[held & ~current, "accreditation"].between(1, 1.5)).all()
    assert (held & ~current).any() and current.any()  # the shipped data has both
    # Medical-travel certificates (GHA, TEMOS) never count as hospital accreditation.
    gha_only = table["accreditations"].map(lambda a: set(a) <= {"gha", "temos", "cap", "iso_9001", "magnet"})
    assert not table.loc[gha_only, "has_international_accreditation"].any()
