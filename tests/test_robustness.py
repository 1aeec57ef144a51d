"""Pareto front and SMAA rank acceptability.

The acceptability counts are checked count for count against a plain loop that calls
``compare.scoring.score`` once per weight sample (the same tie policy by construction), and
P(rank 1) against pymcdm on the same samples.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.criteria import Objective
from compare.robustness import BLOCK, _rank_order, pareto_mask, rank1_counts, rank_acceptability, sample_weights
from compare.scenario import Method, MissingPolicy
from compare.scoring import prepare_matrix, score

MAX, MIN = Objective.MAX, Objective.MIN
METHODS = [Method.WSM, Method.TOPSIS]


# ---- Pareto -------------------------------------------------------------------------
#
#          cost (min)  quality (max)
#   a         100          5        front: nobody is cheaper at quality ≥ 5
#   b         200          9        front: best quality
#   c         200          7        dominated by b (same cost, lower quality)
#   d         300          9        dominated by b (dearer, same quality)
#   e         100          5        front: identical to a, neither dominates the other
#   f          90          1        front: cheapest
HAND = pd.DataFrame(
    {"cost": [100, 200, 200, 300, 100, 90], "quality": [5, 9, 7, 9, 5, 1]},
    index=list("abcdef"),
    dtype=float,
)
OBJ = {"cost": MIN, "quality": MAX}


def test_pareto_by_hand():
    assert pareto_mask(HAND, OBJ).to_dict() == {"a": True, "b": True, "c": False, "d": False, "e": True, "f": True}


def test_pareto_direction_matters():
    # Maximising cost instead turns the front around: d (300, 9) now dominates everyone
    # it is not tied with.
    mask = pareto_mask(HAND, {"cost": MAX, "quality": MAX})
    assert mask[mask].index.tolist() == ["d"]


def test_nan_rows_are_never_on_the_front():
    df = pd.concat([HAND, pd.DataFrame({"cost": [1.0, np.nan], "quality": [np.nan, 100.0]}, index=["g", "h"])])
    mask = pareto_mask(df, OBJ)
    assert not mask["g"] and not mask["h"]
    # and they do not remove anyone else from it
    assert mask[list("abcdef")].tolist() == pareto_mask(HAND, OBJ).tolist()


def test_pareto_empty_and_all_nan():
    assert pareto_mask(HAND.iloc[0:0], OBJ).empty
    all_nan = pd.DataFrame({"cost": [np.nan], "quality": [1.0]}, index=["x"])
    assert not pareto_mask(all_nan, OBJ)["x"]


finite = st.floats(-1e6, 1e6, allow_nan=False)


@st.composite
def fronts(draw):
    n = draw(st.integers(1, 8))
    m = draw(st.integers(1, 3))
    cell = st.one_of(finite, st.just(float("nan")))
    rows = draw(st.lists(st.lists(cell, min_size=m, max_size=m), min_size=n, max_size=n))
    cols = [f"k{j}" for j in range(m)]
    obj = {c: draw(st.sampled_from([MIN, MAX])) for c in cols}
    return pd.DataFrame(rows, index=[f"r{i}" for i in range(n)], columns=cols, dtype=float), obj


@settings(max_examples=300, deadline=None)
@given(fronts(), st.data())
def test_adding_a_dominated_option_changes_no_other_status(front, data):
    df, obj = front
    complete = df.index[df.notna().all(axis=1)]
    if not len(complete):
        return
    parent = df.loc[data.draw(st.sampled_from(list(complete)))]
    # Worse or equal everywhere, strictly worse on at least one criterion.
    worse_on = data.draw(st.sets(st.sampled_from(list(obj)), min_size=1))
    child = {}
    for c, o in obj.items():
        step = data.draw(st.floats(1.0, 1e3)) if c in worse_on else data.draw(st.sampled_from([0.0, 1.0]))
        child[c] = parent[c] - step if o is MAX else parent[c] + step
    bigger = pd.concat([df, pd.DataFrame([child], index=["new"])])
    before = pareto_mask(df, obj)
    after = pareto_mask(bigger, obj)
    assert not after["new"]
    pd.testing.assert_series_equal(after.drop("new"), before)


# ---- SMAA ---------------------------------------------------------------------------


def problem(n: int, m: int, seed: int, nan_share: float = 0.0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.05, 1.0, (n, m)) * 10.0 ** rng.uniform(0, 5, m)
    if nan_share:
        x[rng.random((n, m)) < nan_share] = np.nan
    cols = [f"c{j}" for j in range(m)]
    obj = {c: [MAX, MAX, MIN][j % 3] for j, c in enumerate(cols)}
    # Ids deliberately not in sorted order.
    ids = [f"opt-{i:03d}" for i in rng.permutation(n)]
    return pd.DataFrame(x, index=ids, columns=cols), obj, dict(zip(cols, rng.dirichlet(3 * np.ones(m)), strict=True))


def reference_counts(values, obj, cols, W, method, missing):
    """The naive loop: one call of ``score`` per weight sample."""
    ids = sorted(map(str, values.index))
    where = {k: i for i, k in enumerate(ids)}
    counts = np.zeros((len(ids), len(ids)), dtype=np.int64)
    for w in W:
        out = score(values, obj, dict(zip(cols, w, strict=True)), method=method, missing=missing)
        for fid, r in zip(out.index, out["rank"], strict=True):
            counts[where[str(fid)], r - 1] += 1
    return ids, counts


@pytest.mark.parametrize(
    ("method", "missing", "nan_share", "samples"),
    [
        # More samples than one block, with a ragged last block.
        (Method.WSM, MissingPolicy.WORST, 0.0, BLOCK + 137),
        (Method.TOPSIS, MissingPolicy.WORST, 0.0, 400),
        (Method.WSM, MissingPolicy.EXCLUDE, 0.25, 400),
        (Method.TOPSIS, MissingPolicy.EXCLUDE, 0.25, 400),
        (Method.WSM, MissingPolicy.MEDIAN, 0.25, 400),
    ],
)
def test_counts_equal_a_per_sample_loop_over_score(method, missing, nan_share, samples):
    values, obj, w = problem(12, 5, seed=5, nan_share=nan_share)
    cols = prepare_matrix(values, obj, w, missing).cols
    W = sample_weights(np.array([w[c] for c in cols]), samples, concentration=2.0, seed=9)
    acc = rank_acceptability(values, obj, w, method=method, missing=missing, weight_samples=W)
    ids, ref = reference_counts(values, obj, cols, W, method, missing)
    assert acc.ids == ids
    np.testing.assert_array_equal(acc.counts, ref)
    assert (ref[:, 0] > 0).sum() > 1  # the weights really do change the winner
    np.testing.assert_array_equal(
        rank1_counts(values, obj, w, method=method, missing=missing, weight_samples=W), ref[:, 0]
    )


def test_counts_with_exact_ties_follow_the_id_policy():
    # "b" and "a" are identical, so they always tie; "a" (smaller id) must always be ahead.
    values = pd.DataFrame(
        {"x": [1.0, 1.0, 3.0, 0.0], "y": [2.0, 2.0, 0.0, 3.0]}, index=["b", "a", "c", "d"], dtype=float
    )
    obj = {"x": MAX, "y": MAX}
    W = sample_weights(np.array([1.0, 1.0]), 200, concentration=1.0, seed=1)
    for method in METHODS:
        acc = rank_acceptability(values, obj, {"x": 1, "y": 1}, method=method, weight_samples=W)
        _, ref = reference_counts(values, obj, ["x", "y"], W, method, MissingPolicy.WORST)
        np.testing.assert_array_equal(acc.counts, ref)
        a, b = acc.ids.index("a"), acc.ids.index("b")
        ranks = np.arange(1, 5)
        assert (acc.counts[a] * ranks).sum() < (acc.counts[b] * ranks).sum()


@pytest.mark.parametrize("method", METHODS)
def test_rank1_matches_pymcdm_on_the_same_samples(method):
    from pymcdm.methods import TOPSIS, WSM
    from pymcdm.normalizations import minmax_normalization, vector_normalization

    values, obj, w = problem(30, 6, seed=21)
    ordered = values.sort_index()
    x = ordered.to_numpy()
    types = np.array([o.value for o in obj.values()])
    W = sample_weights(np.array(list(w.values())), 300, concentration=3.0, seed=4)
    ref = WSM(minmax_normalization) if method is Method.WSM else TOPSIS(vector_normalization)
    expected = np.zeros(len(values), dtype=np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for ws in W:
            expected[np.argmax(ref(x, ws / ws.sum(), types))] += 1
    acc = rank_acceptability(values, obj, w, method=method, weight_samples=W)
    assert acc.ids == list(ordered.index)
    np.testing.assert_array_equal(acc.counts[:, 0], expected)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("missing", [MissingPolicy.WORST, MissingPolicy.EXCLUDE])
def test_rows_and_columns_sum_to_samples(method, missing):
    values, obj, w = problem(25, 4, seed=2, nan_share=0.2)
    acc = rank_acceptability(values, obj, w, method=method, missing=missing, samples=2_345, seed=3)
    assert acc.samples == 2_345
    assert (acc.counts.sum(axis=1) == 2_345).all()
    assert (acc.counts.sum(axis=0) == 2_345).all()
    np.testing.assert_allclose(acc.matrix.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert acc.p_top(1).sum() == pytest.approx(1.0, abs=1e-12)
    assert acc.p_top(3).sum() == pytest.approx(3.0, abs=1e-12)
    assert (acc.p_top(3) >= acc.p_top(1)).all()


def test_seeded_and_reproducible():
    values, obj, w = problem(20, 5, seed=8)
    a = rank_acceptability(values, obj, w, samples=3_000, seed=42)
    b = rank_acceptability(values, obj, w, samples=3_000, seed=42)
    c = rank_acceptability(values, obj, w, samples=3_000, seed=43)
    np.testing.assert_array_equal(a.counts, b.counts)
    assert not np.array_equal(a.counts, c.counts)
    # Row order does not matter, only the ids.
    d = rank_acceptability(values.iloc[::-1], obj, w, samples=3_000, seed=42)
    np.testing.assert_array_equal(a.counts, d.counts)


def test_concentration_controls_how_sure_the_ranking_is():
    values, obj, w = problem(15, 5, seed=13)
    top = score(values, obj, w).index[0]
    loose = rank_acceptability(values, obj, w, samples=4_000, concentration=0.5, seed=1).p_top(1)[top]
    tight = rank_acceptability(values, obj, w, samples=4_000, concentration=500.0, seed=1).p_top(1)[top]
    assert tight > loose
    assert tight > 0.9


@pytest.mark.parametrize("concentration", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_concentration_raises(concentration):
    # NaN and infinity used to slip through and give NaN weights: meaningless probabilities.
    values, obj, w = problem(5, 3, seed=1)
    with pytest.raises(ValueError, match="concentration"):
        rank_acceptability(values, obj, w, samples=10, concentration=concentration)


def test_zero_samples_raises():
    values, obj, w = problem(5, 3, seed=1)
    with pytest.raises(ValueError, match="samples"):
        rank_acceptability(values, obj, w, samples=0)


def test_dirichlet_samples_are_centred_on_the_weights():
    w = np.array([1.0, 2.0, 7.0])
    W = sample_weights(w, 20_000, concentration=10.0, seed=0)
    np.testing.assert_allclose(W.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(W.mean(axis=0), w / w.sum(), atol=0.005)


def test_standard_error_at_ten_thousand_samples():
    values, obj, w = problem(20, 5, seed=17)
    acc = rank_acceptability(values, obj, w, samples=10_000, concentration=2.0, seed=0)
    p = acc.p_top(1)
    se = acc.std_error(p)
    assert (se <= 0.005).all()
    np.testing.assert_allclose(se, np.sqrt(p * (1 - p) / 10_000), rtol=1e-12)
    # The stated error is the real one: over 30 seeds, the spread of the leader's estimate
    # agrees with it (for 29 degrees of freedom the ratio lies in [0.74, 1.26] 95 % of the time).
    leader = p.idxmax()
    assert 0.2 < p[leader] < 0.8
    estimates = [
        rank_acceptability(values, obj, w, samples=10_000, concentration=2.0, seed=s).p_top(1)[leader]
        for s in range(1, 31)
    ]
    assert 0.6 < np.std(estimates, ddof=1) / se[leader] < 1.4


def test_rank1_counts_equal_the_first_column():
    values, obj, w = problem(60, 6, seed=31, nan_share=0.1)
    for method in METHODS:
        for missing in (MissingPolicy.WORST, MissingPolicy.EXCLUDE):
            acc = rank_acceptability(values, obj, w, method=method, missing=missing, samples=2_500, seed=6)
            top = rank1_counts(values, obj, w, method=method, missing=missing, samples=2_500, seed=6)
            np.testing.assert_array_equal(top, acc.counts[:, 0])


def test_rank1_counts_break_near_ties_by_id():
    # Min-max ranges are 0..1 on every column (rows "c" and "lo"), so with weights 1/3:
    #   a = (1 + 0.1 + 0.3)/3 and b = (0.4 + 1 + 0)/3 are both 1.4/3, but b comes out one bit
    #   larger in floating point. They tie, so "a" (smaller id) must lead in every sample.
    cols = ["x", "y", "z"]
    values = pd.DataFrame(
        [[0.4, 1.0, 0.0], [1.0, 0.1, 0.3], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]], index=["b", "a", "c", "lo"], columns=cols
    )
    obj = dict.fromkeys(cols, MAX)
    W = np.full((7, 3), 1 / 3)
    assert (W @ values.loc[["a", "b"]].T.to_numpy())[0].tolist() == [0.4666666666666666, 0.4666666666666667]
    top = rank1_counts(values, obj, dict.fromkeys(cols, 1.0), weight_samples=W)
    acc = rank_acceptability(values, obj, dict.fromkeys(cols, 1.0), weight_samples=W)
    assert acc.ids == ["a", "b", "c", "lo"]
    np.testing.assert_array_equal(acc.counts[:, 0], [7, 0, 0, 0])
    np.testing.assert_array_equal(top, [7, 0, 0, 0])


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 6),
    st.sampled_from([1.0, 1e-13, 0.3, 1e4, 1e7]),
    st.integers(0, 2**32 - 1),
)
def test_rank_order_equals_a_stable_sort_of_rounded_scores(n, rows, scale, seed):
    # Coarse values make exact ties, near ties and ties at 12 decimals common; large
    # scales exercise the fallback for keys that would not fit in 64 bits.
    rng = np.random.default_rng(seed)
    s = rng.integers(0, 5, (rows, n)) * scale + rng.choice([0.0, 1e-13, 4e-13, 6e-13], (rows, n))
    expected = np.argsort(-np.round(s, 12), axis=1, kind="stable")
    np.testing.assert_array_equal(_rank_order(s.copy()), expected)
    s[0, 0] = np.nan
    np.testing.assert_array_equal(_rank_order(s.copy()), np.argsort(-np.round(s, 12), axis=1, kind="stable"))
