"""Scoring: hand-computed fixtures, edge cases, missing-data policies, library oracles, properties.

Reference oracles (used only here, never at runtime):

- pymcdm 1.4 ``WSM(minmax_normalization)`` and ``TOPSIS(vector_normalization)``. pymcdm takes the
  normalisation as the constructor argument ``normalization_function``; its defaults
  (sum-normalised WSM, min-max TOPSIS) give other rankings, so it is always passed explicitly.
- scikit-criteria 0.10 pipelines ``MinMaxInverter → SumScaler(weights) → WeightedSumModel`` and
  ``VectorScaler(matrix) → SumScaler(weights) → TOPSIS``.

See /work/shared/guides/performance.md, section 1 ("Do the rankings agree?").
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compare.criteria import Objective
from compare.scenario import Method, MissingPolicy
from compare.scoring import fill_missing, minmax, prepare_matrix, score

MAX, MIN = Objective.MAX, Objective.MIN
METHODS = [Method.WSM, Method.TOPSIS]
POLICIES = [MissingPolicy.WORST, MissingPolicy.MEDIAN, MissingPolicy.EXCLUDE]


def frame(rows: dict[str, list[float]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns, dtype=float)


# The 3 × 2 fixture used by several tests.
#
#            cost (min)   quality (max)
#     a         100            2
#     b         200            8
#     c         300           10
#
# Min-max, oriented so that 1 = best:
#     cost:    a = (300-100)/200 = 1,   b = 0.5,   c = 0
#     quality: a = 0,   b = (8-2)/8 = 0.75,   c = 1
TINY = frame({"a": [100, 2], "b": [200, 8], "c": [300, 10]}, ["cost", "quality"])
TINY_OBJ = {"cost": MIN, "quality": MAX}


def test_tiny_fixture_is_what_the_comment_says():
    assert TINY.to_dict("index") == {
        "a": {"cost": 100.0, "quality": 2.0},
        "b": {"cost": 200.0, "quality": 8.0},
        "c": {"cost": 300.0, "quality": 10.0},
    }


def test_minmax_by_hand():
    n = minmax(TINY.to_numpy(), np.array([-1.0, 1.0]))
    np.testing.assert_allclose(n, [[1.0, 0.0], [0.5, 0.75], [0.0, 1.0]], rtol=0, atol=1e-15)


def test_wsm_equal_weights_by_hand():
    # Weights 1:1 -> 0.5 each.
    #   a = 0.5*1   + 0.5*0    = 0.5
    #   b = 0.5*0.5 + 0.5*0.75 = 0.625
    #   c = 0.5*0   + 0.5*1    = 0.5
    # a and c tie at 0.5: the tie goes to the smaller id, so b, a, c.
    out = score(TINY, TINY_OBJ, {"cost": 1, "quality": 1}, method=Method.WSM)
    assert list(out.index) == ["b", "a", "c"]
    assert out["rank"].to_dict() == {"b": 1, "a": 2, "c": 3}
    np.testing.assert_allclose(out.loc[["a", "b", "c"], "score"], [0.5, 0.625, 0.5], rtol=0, atol=1e-15)
    np.testing.assert_allclose(out.loc[["a", "b", "c"], "contrib_cost"], [0.5, 0.25, 0.0], rtol=0, atol=1e-15)
    np.testing.assert_allclose(out.loc[["a", "b", "c"], "contrib_quality"], [0.0, 0.375, 0.5], rtol=0, atol=1e-15)


def test_wsm_unequal_weights_by_hand():
    # Weights 3:1 -> 0.75 / 0.25.
    #   a = 0.75*1 = 0.75;  b = 0.75*0.5 + 0.25*0.75 = 0.5625;  c = 0.25*1 = 0.25
    out = score(TINY, TINY_OBJ, {"cost": 3, "quality": 1})
    assert list(out.index) == ["a", "b", "c"]
    np.testing.assert_allclose(out["score"], [0.75, 0.5625, 0.25], rtol=0, atol=1e-15)


def test_topsis_by_hand():
    # Classic TOPSIS, vector normalisation, weights 0.5 / 0.5.
    #   |cost| = sqrt(100² + 200² + 300²) = sqrt(140000) =: s1,  |quality| = sqrt(4 + 64 + 100) = sqrt(168) =: s2
    #   weighted v = 0.5 * x / |x|; ideal = (min cost, max quality), anti-ideal = (max cost, min quality)
    #   a: D+ = 0.5*(10-2)/s2 = 4/s2                          D- = 0.5*(300-100)/s1 = 100/s1
    #   b: D+ = sqrt((50/s1)² + (1/s2)²)                       D- = sqrt((50/s1)² + (3/s2)²)
    #   c: D+ = 0.5*(300-100)/s1 = 100/s1                      D- = 0.5*(10-2)/s2 = 4/s2
    #   closeness = D- / (D+ + D-)  ->  a ≈ 0.4641, b ≈ 0.6340, c ≈ 0.5359: order b, c, a
    s1, s2 = math.sqrt(140000), math.sqrt(168)
    d = {
        "a": (4 / s2, 100 / s1),
        "b": (math.hypot(50 / s1, 1 / s2), math.hypot(50 / s1, 3 / s2)),
        "c": (100 / s1, 4 / s2),
    }
    expected = {k: dm / (dp + dm) for k, (dp, dm) in d.items()}
    out = score(TINY, TINY_OBJ, {"cost": 1, "quality": 1}, method=Method.TOPSIS)
    assert list(out.index) == ["b", "c", "a"]
    for k, v in expected.items():
        assert out.loc[k, "score"] == pytest.approx(v, abs=1e-14)
    assert expected["a"] == pytest.approx(0.4641016, abs=1e-7)
    # TOPSIS is not additive: the score is shared in proportion to the weighted min-max
    # values (a: (0.5, 0), b: (0.25, 0.375), c: (0, 0.5)).
    assert out.loc["a", "contrib_cost"] == pytest.approx(expected["a"], abs=1e-14)
    assert out.loc["a", "contrib_quality"] == 0.0
    assert out.loc["b", "contrib_cost"] == pytest.approx(0.4 * expected["b"], abs=1e-14)
    assert out.loc["b", "contrib_quality"] == pytest.approx(0.6 * expected["b"], abs=1e-14)
    assert out.loc["c", "contrib_cost"] == 0.0


# ---- edge cases ---------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("objective", [MIN, MAX])
def test_constant_criterion_normalizes_to_one_and_cannot_reorder(method, objective):
    values = TINY.assign(flat=7.0)
    n = minmax(values.to_numpy(), np.array([-1.0, 1.0, float(objective.value)]))
    assert (n[:, 2] == 1.0).all()
    with_flat = score(values, {**TINY_OBJ, "flat": objective}, {"cost": 1, "quality": 1, "flat": 5}, method=method)
    without = score(TINY, TINY_OBJ, {"cost": 1, "quality": 1}, method=method)
    assert list(with_flat.index) == list(without.index)
    if method is Method.WSM:
        # Everyone gets the full share of the flat criterion: 5/7.
        np.testing.assert_allclose(with_flat["contrib_flat"], 5 / 7, rtol=0, atol=1e-15)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("row", [[100.0, 2.0], [0.0, 0.0], [1e9, np.nan]])
def test_single_option_scores_one(method, policy, row):
    out = score(
        frame({"only": row}, ["cost", "quality"]), TINY_OBJ, {"cost": 2, "quality": 1}, method=method, missing=policy
    )
    assert out.loc["only", "score"] == 1.0
    assert out.loc["only", "rank"] == 1


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ({"cost": 0, "quality": 0}, "at least one weight"),
        ({}, "at least one weight"),
        ({"cost": 1, "speed": 1}, "unknown criteria"),
        ({"cost": -1, "quality": 2}, "non-negative"),
        ({"cost": float("nan"), "quality": 1}, "finite"),
        ({"cost": float("inf"), "quality": 1}, "finite"),
    ],
)
@pytest.mark.parametrize("method", METHODS)
def test_bad_weights_raise(weights, match, method):
    with pytest.raises(ValueError, match=match):
        score(TINY, TINY_OBJ, weights, method=method)


def test_criterion_missing_from_data_raises():
    with pytest.raises(ValueError, match="not in data"):
        score(TINY, {**TINY_OBJ, "volume": MAX}, {"cost": 1})


def test_no_options_raises():
    with pytest.raises(ValueError, match="no options"):
        score(TINY.iloc[0:0], TINY_OBJ, {"cost": 1})


def test_weighted_criterion_with_no_data_anywhere_raises():
    values = TINY.assign(volume=np.nan)
    with pytest.raises(ValueError, match="no weighted criterion has data"):
        score(values, {**TINY_OBJ, "volume": MAX}, {"volume": 1})


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("policy", POLICIES)
def test_unreported_criterion_is_dropped(method, policy):
    # Nobody reports "volume": its weight goes to the others, the result equals scoring without it.
    values = TINY.assign(volume=np.nan)
    a = score(
        values, {**TINY_OBJ, "volume": MAX}, {"cost": 1, "quality": 3, "volume": 4}, method=method, missing=policy
    )
    b = score(TINY, TINY_OBJ, {"cost": 1, "quality": 3}, method=method, missing=policy)
    assert list(a.index) == list(b.index)
    np.testing.assert_array_equal(a["score"].to_numpy(), b["score"].to_numpy())
    assert (a["contrib_volume"] == 0).all()
    assert all(m == ["volume"] for m in a["missing_criteria"])


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("order", [["z", "m", "a", "k"], ["a", "k", "m", "z"], ["k", "z", "a", "m"]])
def test_ties_are_broken_by_id_whatever_the_input_order(method, order):
    # Four identical options: every order of input gives the same ranking, by id.
    values = frame(dict.fromkeys(order, [5.0, 5.0]), ["cost", "quality"])
    values = pd.concat([values, frame({"best": [1.0, 9.0]}, ["cost", "quality"])])
    out = score(values, TINY_OBJ, {"cost": 1, "quality": 1}, method=method)
    assert list(out.index) == ["best", "a", "k", "m", "z"]
    assert list(out["rank"]) == [1, 2, 3, 4, 5]


def test_mathematical_ties_survive_rounding_noise():
    # With weights 1/3 each, b = (0.1 + 0.2)/3 and a = 0.3/3 are both 0.1, but in floating
    # point they differ in the last bit (0.1 vs 0.09999999999999999). They must tie and rank
    # by id, whichever row the last bit favours.
    cols = ["x", "y", "z"]
    values = frame({"b": [0.1, 0.2, 0.0], "a": [0.3, 0.0, 0.0], "lo": [0.0, 0.0, 0.0], "hi": [1.0, 1.0, 1.0]}, cols)
    out = score(values, dict.fromkeys(cols, MAX), dict.fromkeys(cols, 1.0))
    assert out.loc["a", "score"] != out.loc["b", "score"]  # the noise is really there
    assert out.loc["a", "score"] == pytest.approx(out.loc["b", "score"], abs=1e-15)
    assert list(out.index) == ["hi", "a", "b", "lo"]


# ---- missing-data policies ----------------------------------------------------------
#
#            cost (min)   quality (max)
#     a         100            2
#     b         200            6
#     c         400           10
#     d         NaN           10
#
# Weights 1:1. Known cost range 100..400, quality range 2..10.
#   quality (x-2)/8:       a = 0, b = 0.5, c = 1, d = 1
#   cost (400-x)/300:      a = 1, b = 2/3, c = 0
# WORST:   d's cost = 400 -> 0.     a = 0.5, b = 7/12, c = 0.5, d = 0.5   -> b, a, c, d
# MEDIAN:  d's cost = median(100, 200, 400) = 200 -> 2/3.  d = (2/3 + 1)/2 = 5/6 -> d, b, a, c
# EXCLUDE: d is scored on quality alone -> 1.0                             -> d, b, a, c
MISS = frame({"a": [100, 2], "b": [200, 6], "c": [400, 10], "d": [np.nan, 10]}, ["cost", "quality"])


@pytest.mark.parametrize(
    ("policy", "scores", "order"),
    [
        (MissingPolicy.WORST, {"a": 0.5, "b": 7 / 12, "c": 0.5, "d": 0.5}, ["b", "a", "c", "d"]),
        (MissingPolicy.MEDIAN, {"a": 0.5, "b": 7 / 12, "c": 0.5, "d": 5 / 6}, ["d", "b", "a", "c"]),
        (MissingPolicy.EXCLUDE, {"a": 0.5, "b": 7 / 12, "c": 0.5, "d": 1.0}, ["d", "b", "a", "c"]),
    ],
)
def test_missing_policies_by_hand(policy, scores, order):
    out = score(MISS, TINY_OBJ, {"cost": 1, "quality": 1}, missing=policy)
    assert list(out.index) == order
    for k, v in scores.items():
        assert out.loc[k, "score"] == pytest.approx(v, abs=1e-15), k
    assert out.loc["d", "missing_criteria"] == ["cost"]
    assert out.loc["a", "missing_criteria"] == []


def test_exclude_gives_the_missing_criterion_no_contribution():
    out = score(MISS, TINY_OBJ, {"cost": 1, "quality": 1}, missing=MissingPolicy.EXCLUDE)
    assert out.loc["d", "contrib_cost"] == 0.0
    assert out.loc["d", "contrib_quality"] == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize("method", METHODS)
def test_exclude_with_nothing_reported_falls_back_to_worst(method):
    # e reports neither criterion: it cannot be scored by exclusion and counts as worst on
    # both (cost 400, quality 2), which puts it at the anti-ideal: score 0 for both methods.
    values = pd.concat([MISS, frame({"e": [np.nan, np.nan]}, ["cost", "quality"])])
    excl = score(values, TINY_OBJ, {"cost": 1, "quality": 1}, method=method, missing=MissingPolicy.EXCLUDE)
    assert excl.loc["e", "rank"] == 5
    assert excl.loc["e", "score"] == 0.0
    assert excl.loc["e", "missing_criteria"] == ["cost", "quality"]


def test_fill_missing_by_hand():
    x = MISS.to_numpy()
    obj = np.array([-1.0, 1.0])
    np.testing.assert_array_equal(fill_missing(x, obj, MissingPolicy.WORST)[3], [400.0, 10.0])
    np.testing.assert_array_equal(fill_missing(x, obj, MissingPolicy.MEDIAN)[3], [200.0, 10.0])
    assert np.isnan(fill_missing(x, obj, MissingPolicy.EXCLUDE)[3, 0])
    # A worst benefit value is the column minimum.
    y = np.array([[1.0], [np.nan], [3.0]])
    assert fill_missing(y, np.array([1.0]), MissingPolicy.WORST)[1, 0] == 1.0


def test_missing_policy_does_not_modify_the_input():
    before = MISS.copy()
    for policy in POLICIES:
        for method in METHODS:
            score(MISS, TINY_OBJ, {"cost": 1, "quality": 1}, method=method, missing=policy)
    pd.testing.assert_frame_equal(MISS, before)


# ---- contributions ------------------------------------------------------------------


def random_frame(n: int, m: int, seed: int, nan_share: float = 0.0) -> tuple[pd.DataFrame, dict, dict]:
    """Positive values with column scales 1 .. 1e6, criteria max, max, min, max, min, ...; Dirichlet(2) weights."""
    rng = np.random.default_rng(seed)
    scales = 10.0 ** rng.uniform(0, 6, m)
    x = rng.uniform(0.05, 1.0, (n, m)) * scales
    if nan_share:
        x[rng.random((n, m)) < nan_share] = np.nan
    cols = [f"c{j}" for j in range(m)]
    pattern = [MAX, MAX, MIN, MAX, MIN]
    objectives = {c: pattern[j % 5] for j, c in enumerate(cols)}
    weights = dict(zip(cols, rng.dirichlet(2.0 * np.ones(m)), strict=True))
    return pd.DataFrame(x, index=[f"o{i:05d}" for i in range(n)], columns=cols), objectives, weights


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("nan_share", [0.0, 0.3])
def test_contributions_add_up_to_the_score(method, policy, nan_share):
    values, obj, w = random_frame(40, 6, seed=11, nan_share=nan_share)
    out = score(values, obj, w, method=method, missing=policy)
    parts = out[[f"contrib_{c}" for c in obj]].sum(axis=1)
    np.testing.assert_allclose(parts, out["score"], rtol=0, atol=1e-12)
    assert (out[[f"contrib_{c}" for c in obj]] >= 0).all().all()
    assert out["score"].between(0, 1).all()


def test_result_shape_and_order():
    values, obj, w = random_frame(30, 5, seed=3, nan_share=0.2)
    out = score(values, obj, w)
    assert sorted(out.index) == sorted(values.index)
    assert list(out["rank"]) == list(range(1, 31))
    assert out["score"].is_monotonic_decreasing


# ---- oracles: pymcdm and scikit-criteria ---------------------------------------------


def oracle_problem(n: int, seed: int):
    values, obj, w = random_frame(n, 10, seed)
    x = values.to_numpy()
    types = np.array([o.value for o in obj.values()])
    weights = np.array(list(w.values()))
    return values, obj, w, x, weights / weights.sum(), types


def engine(values, obj, w, method):
    out = score(values, obj, w, method=method).reindex(values.index)
    return out["score"].to_numpy(), out["rank"].to_numpy()


@pytest.mark.parametrize("n", [50, 1000])
def test_wsm_matches_pymcdm_minmax(n):
    from pymcdm.methods import WSM
    from pymcdm.normalizations import minmax_normalization

    values, obj, w, x, weights, types = oracle_problem(n, seed=n)
    ours, our_rank = engine(values, obj, w, Method.WSM)
    method = WSM(normalization_function=minmax_normalization)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dominance warnings from pymcdm's validation
        ref = method(x, weights, types)
    assert len(np.unique(ref)) == n  # no ties, so every rank is well defined
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(our_rank, method.rank(ref))


@pytest.mark.parametrize("n", [50, 1000])
def test_topsis_matches_pymcdm_vector(n):
    from pymcdm.methods import TOPSIS
    from pymcdm.normalizations import vector_normalization

    values, obj, w, x, weights, types = oracle_problem(n, seed=n + 1)
    ours, our_rank = engine(values, obj, w, Method.TOPSIS)
    # pymcdm's vector normalisation reflects cost columns (1 - x/|x|); TOPSIS distances do
    # not change under that reflection, so closeness equals classic TOPSIS.
    method = TOPSIS(normalization_function=vector_normalization)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = method(x, weights, types)
    assert len(np.unique(ref)) == n
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(our_rank, method.rank(ref))


def test_pymcdm_defaults_would_not_be_a_valid_oracle():
    # Guard for the note above: pymcdm's default WSM normalisation is sum-based and ranks
    # differently, which is why every oracle passes its normaliser explicitly.
    from pymcdm.methods import WSM

    values, obj, w, x, weights, types = oracle_problem(1000, seed=1000)
    _, our_rank = engine(values, obj, w, Method.WSM)
    default = WSM()
    assert not np.array_equal(our_rank, default.rank(default(x, weights, types, validation=False)))


@pytest.mark.parametrize("n", [50, 1000])
def test_wsm_matches_scikit_criteria(n):
    # MinMaxInverter min-max scales every criterion to [0, 1] and inverts minimised ones as
    # (x - max)/(min - max): the same normalisation as ours. (MinMaxScaler alone does not
    # invert, and WeightedSumModel refuses minimised criteria.)
    import skcriteria as skc
    from skcriteria.agg.simple import WeightedSumModel
    from skcriteria.pipelines import mkpipe
    from skcriteria.preprocessing.invert_objectives import MinMaxInverter
    from skcriteria.preprocessing.scalers import SumScaler

    values, obj, w, x, weights, types = oracle_problem(n, seed=7 * n)
    ours, our_rank = engine(values, obj, w, Method.WSM)
    dm = skc.mkdm(x, [max if t > 0 else min for t in types], weights=weights)
    result = mkpipe(MinMaxInverter(), SumScaler(target="weights"), WeightedSumModel()).evaluate(dm)
    np.testing.assert_allclose(ours, result.e_.score, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(our_rank, result.rank_)


@pytest.mark.parametrize("n", [50, 1000])
def test_topsis_matches_scikit_criteria(n):
    # VectorScaler(target="matrix") is classic x/|x| (no reflection); skcriteria's TOPSIS takes
    # the minimum as ideal for minimised criteria, as ours does.
    import skcriteria as skc
    from skcriteria.agg.topsis import TOPSIS
    from skcriteria.pipelines import mkpipe
    from skcriteria.preprocessing.scalers import SumScaler, VectorScaler

    values, obj, w, x, weights, types = oracle_problem(n, seed=7 * n + 1)
    ours, our_rank = engine(values, obj, w, Method.TOPSIS)
    dm = skc.mkdm(x, [max if t > 0 else min for t in types], weights=weights)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "TOPSIS can operate with minimization objectives" notice
        result = mkpipe(VectorScaler(target="matrix"), SumScaler(target="weights"), TOPSIS()).evaluate(dm)
    np.testing.assert_allclose(ours, result.e_.similarity, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(our_rank, result.rank_)


# ---- properties ---------------------------------------------------------------------

values_st = st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)


@st.composite
def problems(draw, nan: bool = True):
    n = draw(st.integers(2, 7))
    m = draw(st.integers(1, 4))
    cell = st.one_of(values_st, st.just(float("nan"))) if nan else values_st
    x = np.array(draw(st.lists(st.lists(cell, min_size=m, max_size=m), min_size=n, max_size=n)), dtype=float)
    cols = [f"k{j}" for j in range(m)]
    obj = {c: draw(st.sampled_from([MIN, MAX])) for c in cols}
    w = {c: draw(st.floats(0.01, 100)) for c in cols}
    ids = draw(st.permutations([f"f{i}" for i in range(n)]))
    return pd.DataFrame(x, index=ids, columns=cols), obj, w


def scorable(values: pd.DataFrame) -> bool:
    return bool(values.notna().any().any())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.floats(1e-3, 1e3), st.sampled_from(METHODS), st.sampled_from(POLICIES))
def test_scaling_all_weights_keeps_the_ranking(problem, factor, method, policy):
    values, obj, w = problem
    if not scorable(values):
        return
    a = score(values, obj, w, method=method, missing=policy)
    b = score(values, obj, {k: v * factor for k, v in w.items()}, method=method, missing=policy)
    assert list(a.index) == list(b.index)
    np.testing.assert_allclose(a["score"], b["score"], rtol=0, atol=1e-12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.data())
def test_lowering_ones_cost_never_worsens_its_rank(problem, data):
    values, obj, w = problem
    values = values.assign(
        cost=data.draw(
            st.lists(st.one_of(values_st, st.just(float("nan"))), min_size=len(values), max_size=len(values))
        )
    )
    obj = {**obj, "cost": MIN}
    w = {**w, "cost": data.draw(st.floats(0.01, 100))}
    known = values.index[values["cost"].notna()]
    if not len(known) or not scorable(values):
        return
    who = data.draw(st.sampled_from(list(known)))
    cut = data.draw(st.floats(0, 1)) * values.loc[who, "cost"]
    before = score(values, obj, w).loc[who, "rank"]
    cheaper = values.copy()
    cheaper.loc[who, "cost"] = values.loc[who, "cost"] - cut
    after = score(cheaper, obj, w).loc[who, "rank"]
    assert after <= before


@settings(max_examples=100, deadline=None)
@given(problems(nan=False), st.sampled_from(METHODS))
def test_an_option_better_on_every_criterion_ranks_higher(problem, method):
    values, obj, w = problem
    # Build a copy of the first option that is strictly better on every criterion.
    first = values.iloc[0]
    better = {c: (first[c] + 1.0 if o is MAX else first[c] - 1.0) for c, o in obj.items()}
    values = pd.concat([values, pd.DataFrame([better], index=["zz-better"])])
    out = score(values, obj, w, method=method)
    assert out.loc["zz-better", "rank"] < out.loc[values.index[0], "rank"]


def test_prepare_matrix_keeps_only_weighted_reported_criteria():
    values = TINY.assign(unused=1.0, empty=np.nan)
    p = prepare_matrix(
        values,
        {**TINY_OBJ, "unused": MAX, "empty": MAX},
        {"cost": 1, "quality": 1, "unused": 0, "empty": 1},
        MissingPolicy.WORST,
    )
    assert p.cols == ["cost", "quality"]
    np.testing.assert_array_equal(p.weights, [1.0, 1.0])
