"""Pareto front and SMAA rank acceptability.

The acceptability counts are checked count for count against a plain loop that calls
``compare.scoring.score`` once per weight sample (the same tie policy by construction), and
P(rank 1) against pymcdm on the same samples. With price uncertainty the loop also puts
each sample's costs into the values before calling ``score``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.criteria import Objective
from compare.rank_order import argmax_passes, rank_order, top_order
from compare.robustness import (
    BLOCK,
    rank1_counts,
    rank_acceptability,
    rank_top_counts,
    sample_costs,
    sample_weights,
)
from compare.scenario import Method, MissingPolicy
from compare.scoring import prepare_matrix, score

MAX, MIN = Objective.MAX, Objective.MIN
METHODS = [Method.WSM, Method.TOPSIS]


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
    for k in (1, 2, 3):
        part = rank_top_counts(values, obj, dict.fromkeys(cols, 1.0), k=k, weight_samples=W)
        np.testing.assert_array_equal(part.counts, acc.counts[:, :k])
    np.testing.assert_array_equal(part.counts[:, 1], [0, 7, 0, 0])


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
    np.testing.assert_array_equal(rank_order(s.copy()), expected)
    s[0, 0] = np.nan
    np.testing.assert_array_equal(rank_order(s.copy()), np.argsort(-np.round(s, 12), axis=1, kind="stable"))


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 6),
    st.sampled_from([1.0, 1e-13, 0.3, 1e4, 1e7]),
    st.integers(0, 2**32 - 1),
    st.data(),
)
def test_top_order_is_the_head_of_the_rank_order(n, rows, scale, seed, data):
    # Every k from 1 to n: masked argmax passes, partition and full sort alike, on exact
    # ties, ties at 12 decimals, the key fallback (1e7) and NaN.
    rng = np.random.default_rng(seed)
    s = rng.integers(0, 5, (rows, n)) * scale + rng.choice([0.0, 1e-13, 4e-13, 6e-13], (rows, n))
    if data.draw(st.booleans()):
        s[rng.random(s.shape) < 0.2] = np.nan
    expected = np.argsort(-np.round(s, 12), axis=1, kind="stable")
    for k in range(1, n + 1):
        np.testing.assert_array_equal(top_order(s.copy(), k), expected[:, :k])


def test_both_top_kernels_are_exercised():
    # The kernel tests above cover both strategies only if the switch falls in their range.
    assert argmax_passes(40, 3) and argmax_passes(40, 4) and not argmax_passes(40, 5)
    assert argmax_passes(1000, 40) and not argmax_passes(1000, 41)


# ---- top-k counts -------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("missing", list(MissingPolicy))
@pytest.mark.parametrize("prices", [False, True])
def test_top_counts_equal_the_first_columns(method, missing, prices):
    values, obj, w, low, high = cost_problem(30, 4, seed=17, nan_share=0.15, cost_nan=0.2)
    # Exact ties: a copy of an option under a smaller id (same cost range, so with prices
    # they tie in the samples where their draws happen to be equal, and otherwise not).
    twin = values.index[4]
    values.loc["aaa-twin"] = values.loc[twin]
    low["aaa-twin"], high["aaa-twin"] = low[twin], high[twin]
    kw = {"method": method, "missing": missing, "samples": BLOCK + 211, "concentration": 2.0, "seed": 3}
    if prices:
        kw["cost_range"] = (low, high)
    full = rank_acceptability(values, obj, w, **kw)
    assert (full.counts[:, 0] > 0).sum() > 1  # the winner changes from sample to sample
    # 1 and 3 use argmax passes, 8 a partition (n = 31), 31 and 50 the full sort.
    for k in (1, 2, 3, 8, 31, 50):
        top = rank_top_counts(values, obj, w, k=k, **kw)
        assert top.ids == full.ids
        assert top.counts.shape == (31, min(k, 31))
        np.testing.assert_array_equal(top.counts, full.counts[:, :k])
        assert (top.samples, top.seed, top.concentration) == (full.samples, full.seed, full.concentration)
    np.testing.assert_array_equal(
        rank_top_counts(values, obj, w, k=1, **kw).counts[:, 0], rank1_counts(values, obj, w, **kw)
    )


@pytest.mark.parametrize("method", METHODS)
def test_top_counts_with_exact_ties_and_given_cost_samples(method):
    # Identical options "a" and "b", and sampled costs drawn from three values, so that
    # ties in price (and hence in score) are frequent; "a" must always be ahead of "b".
    values = pd.DataFrame(
        {"q": [3.0, 3.0, 1.0, 2.0, 3.0], "cost": [5.0, 5.0, np.nan, 7.0, 4.0]},
        index=["b", "a", "c", "d", "e"],
        dtype=float,
    )
    obj = {"q": MAX, "cost": MIN}
    W = sample_weights(np.array([1.0, 1.0]), 300, concentration=1.0, seed=2)
    C = np.random.default_rng(3).choice([0.0, 4.0, 5.0], (300, 5))
    for missing in MissingPolicy:
        kw = {"method": method, "missing": missing, "weight_samples": W, "cost_samples": C}
        full = rank_acceptability(values, obj, {"q": 1, "cost": 1}, **kw)
        ref = reference_cost_counts(values, obj, ["q", "cost"], W, C, method, missing)
        np.testing.assert_array_equal(full.counts, ref)
        for k in (1, 2, 3, 4):
            top = rank_top_counts(values, obj, {"q": 1, "cost": 1}, k=k, **kw)
            np.testing.assert_array_equal(top.counts, ref[:, :k])
    plain = rank_top_counts(values, obj, {"q": 1, "cost": 1}, method=method, weight_samples=W)
    a, b = plain.ids.index("a"), plain.ids.index("b")
    # P(top j) of "a" is at least that of "b" for every j, and above it for some.
    ca, cb = plain.counts[a].cumsum(), plain.counts[b].cumsum()
    assert (ca >= cb).all() and (ca > cb).any()


@pytest.mark.parametrize("method", METHODS)
def test_top_counts_with_fewer_options_than_k(method):
    values, obj, w, low, high = cost_problem(2, 3, seed=9)
    kw = {"method": method, "samples": 500, "seed": 1, "cost_range": (low, high)}
    full = rank_acceptability(values, obj, w, **kw)
    top = rank_top_counts(values, obj, w, k=3, **kw)
    assert top.counts.shape == (2, 2) and top.ranks == 2
    np.testing.assert_array_equal(top.counts, full.counts)
    # Every rank is counted, so any p_top works, as for the full matrix.
    pd.testing.assert_series_equal(top.p_top(3), full.p_top(3))
    assert top.p_top(3).sum() == pytest.approx(2.0, abs=1e-12)
    pd.testing.assert_frame_equal(top.matrix, full.matrix)


def test_partial_acceptability():
    values, obj, w = problem(12, 4, seed=5)
    full = rank_acceptability(values, obj, w, samples=2_000, concentration=2.0, seed=4)
    top = rank_top_counts(values, obj, w, k=3, samples=2_000, concentration=2.0, seed=4)
    assert top.ranks == 3 and full.ranks == 12
    assert list(top.matrix.columns) == [1, 2, 3]
    pd.testing.assert_frame_equal(top.matrix, full.matrix[[1, 2, 3]])
    for j in (1, 2, 3):
        pd.testing.assert_series_equal(top.p_top(j), full.p_top(j))
        pd.testing.assert_series_equal(top.std_error(top.p_top(j)), full.std_error(full.p_top(j)))
    assert top.p_top(3).sum() == pytest.approx(3.0, abs=1e-12)
    for j in (4, 12, 13):
        with pytest.raises(ValueError, match=rf"p_top\({j}\) needs ranks 1..{j}, but only ranks 1..3"):
            top.p_top(j)
    # The full matrix still answers any j.
    assert full.p_top(13).sum() == pytest.approx(12.0, abs=1e-12)


@pytest.mark.parametrize("k", [0, -1, 2.0, True, "3", None])
def test_bad_k_raises(k):
    values, obj, w = problem(5, 3, seed=1)
    with pytest.raises(ValueError, match="k must be"):
        rank_top_counts(values, obj, w, k=k, samples=10)


def test_top_counts_raise_what_rank_acceptability_raises():
    values, obj, w, low, high = cost_problem(8, 3, seed=1)
    with pytest.raises(ValueError, match="low > high"):
        rank_top_counts(values, obj, w, samples=10, cost_range=(high + 1.0, high))
    with pytest.raises(ValueError, match="concentration"):
        rank_top_counts(values, obj, w, samples=10, concentration=0.0)


# ---- SMAA with price uncertainty ----------------------------------------------------


def cost_problem(n: int, m: int, seed: int, nan_share: float = 0.0, cost_nan: float = 0.0):
    """``problem`` plus a ``cost`` criterion (lower is better) and its low/high range by id.

    With ``nan_share`` one option reports nothing at all (EXCLUDE's "count as worst" rows).
    """
    values, obj, _ = problem(n, m, seed, nan_share)
    rng = np.random.default_rng(seed + 1)
    values["cost"] = rng.uniform(8_000, 30_000, n)
    if cost_nan:
        values.loc[values.index[rng.random(n) < cost_nan], "cost"] = np.nan
    if nan_share:
        values.iloc[1] = np.nan
    obj = {**obj, "cost": MIN}
    w = dict(zip(obj, rng.dirichlet(3 * np.ones(len(obj))), strict=True))
    low = values["cost"] * rng.uniform(0.6, 1.0, n)
    high = values["cost"] * rng.uniform(1.0, 1.6, n)
    return values, obj, w, low, high


def reference_cost_counts(values, obj, cols, W, C, method, missing):
    """The naive loop: per sample, put the sampled costs in (NaN stays NaN) and call ``score``."""
    ids = sorted(map(str, values.index))
    where = {k: i for i, k in enumerate(ids)}
    counts = np.zeros((len(ids), len(ids)), dtype=np.int64)
    known = values["cost"].notna().to_numpy()
    for w, c in zip(W, C, strict=True):
        sample = values.assign(cost=np.where(known, c, np.nan))
        out = score(sample, obj, dict(zip(cols, w, strict=True)), method=method, missing=missing)
        for fid, r in zip(out.index, out["rank"], strict=True):
            counts[where[str(fid)], r - 1] += 1
    return counts


@pytest.mark.parametrize(
    ("method", "missing", "nan_share", "cost_nan", "samples"),
    [
        (Method.WSM, MissingPolicy.WORST, 0.0, 0.0, BLOCK + 137),  # ragged last block
        (Method.TOPSIS, MissingPolicy.WORST, 0.0, 0.0, 300),
        (Method.WSM, MissingPolicy.WORST, 0.2, 0.3, 300),
        (Method.TOPSIS, MissingPolicy.WORST, 0.2, 0.3, 300),
        (Method.WSM, MissingPolicy.MEDIAN, 0.2, 0.3, 300),
        (Method.TOPSIS, MissingPolicy.MEDIAN, 0.2, 0.3, 300),
        (Method.WSM, MissingPolicy.EXCLUDE, 0.2, 0.3, 300),
        (Method.TOPSIS, MissingPolicy.EXCLUDE, 0.2, 0.3, 300),
    ],
)
def test_cost_sampling_equals_a_per_sample_loop_over_score(method, missing, nan_share, cost_nan, samples):
    values, obj, w, low, high = cost_problem(12, 4, seed=7, nan_share=nan_share, cost_nan=cost_nan)
    assert values["cost"].isna().any() == bool(cost_nan)
    cols = prepare_matrix(values, obj, w, missing).cols
    W = sample_weights(np.array([w[c] for c in cols]), samples, concentration=2.0, seed=9)
    C = sample_costs(low.to_numpy(), high.to_numpy(), samples, seed=4)  # columns in row order
    # Some samples where every known cost is equal: the criterion is constant there.
    C[:7] = 12_345.0
    acc = rank_acceptability(values, obj, w, method=method, missing=missing, weight_samples=W, cost_samples=C)
    ref = reference_cost_counts(values, obj, cols, W, C, method, missing)
    np.testing.assert_array_equal(acc.counts, ref)
    np.testing.assert_array_equal(
        rank1_counts(values, obj, w, method=method, missing=missing, weight_samples=W, cost_samples=C), ref[:, 0]
    )
    # The prices really matter here: without them the counts differ.
    plain = rank_acceptability(values, obj, w, method=method, missing=missing, weight_samples=W)
    assert not np.array_equal(plain.counts, ref)
    assert (ref[:, 0] > 0).sum() > 1


@pytest.mark.parametrize("method", METHODS)
def test_cost_sampling_with_ties_and_a_single_known_cost(method):
    # Exact ties in the sampled costs, and (second half) only one option with a known
    # cost, so the WORST fill takes its "everyone known is equal" branch in every sample.
    values = pd.DataFrame(
        {"q": [3.0, 3.0, 1.0, 2.0], "cost": [5.0, 5.0, np.nan, 7.0]}, index=["d", "b", "a", "c"], dtype=float
    )
    obj = {"q": MAX, "cost": MIN}
    W = sample_weights(np.array([1.0, 1.0]), 200, concentration=1.0, seed=2)
    C = np.random.default_rng(3).choice([0.0, 4.0, 5.0], (200, 4))
    for missing in MissingPolicy:
        for frame in (values, values.assign(cost=[5.0, np.nan, np.nan, np.nan])):
            acc = rank_acceptability(
                frame, obj, {"q": 1, "cost": 1}, method=method, missing=missing, weight_samples=W, cost_samples=C
            )
            ref = reference_cost_counts(frame, obj, ["q", "cost"], W, C, method, missing)
            np.testing.assert_array_equal(acc.counts, ref)


def test_price_uncertainty_changes_who_is_first():
    # a and b are equally good and differ only in price, c never wins. At the point prices
    # a (10,000) always beats b (10,500). With a ~ U[9,000, 11,000] and b ~ U[9,500, 11,500]
    # b is cheaper with probability 1500² / (2 · 2000²) = 0.28125.
    values = pd.DataFrame({"quality": [8.0, 8.0, 1.0], "cost": [10_000.0, 10_500.0, 20_000.0]}, index=["a", "b", "c"])
    obj = {"quality": MAX, "cost": MIN}
    w = {"quality": 1.0, "cost": 1.0}
    low = pd.Series({"a": 9_000.0, "b": 9_500.0, "c": 20_000.0})
    high = pd.Series({"a": 11_000.0, "b": 11_500.0, "c": 20_000.0})
    for method in METHODS:
        sure = rank_acceptability(values, obj, w, method=method, samples=10_000, seed=1)
        assert sure.p_top(1).to_dict() == {"a": 1.0, "b": 0.0, "c": 0.0}
        unsure = rank_acceptability(values, obj, w, method=method, samples=10_000, seed=1, cost_range=(low, high))
        p1 = unsure.p_top(1)
        assert p1["b"] == pytest.approx(0.28125, abs=4 * unsure.std_error(p1)["b"])
        assert p1["a"] + p1["b"] == 1.0
        top = rank1_counts(values, obj, w, method=method, samples=10_000, seed=1, cost_range=(low, high))
        np.testing.assert_array_equal(top, unsure.counts[:, 0])


def test_cost_draws_are_seeded_per_option_and_apart_from_the_weights():
    values, obj, w, low, high = cost_problem(15, 3, seed=3, cost_nan=0.2)
    n = BLOCK + 59

    def run(frame=values, seed=42, bounds=(low, high)):
        return rank_acceptability(frame, obj, w, samples=n, concentration=3.0, seed=seed, cost_range=bounds).counts

    a = run()
    np.testing.assert_array_equal(a, run())
    assert not np.array_equal(a, run(seed=43))
    # Row order does not matter: the draws follow the ids (arrays follow the rows).
    flipped = values.iloc[::-1]
    np.testing.assert_array_equal(
        a, run(flipped, bounds=(low[flipped.index].to_numpy(), high[flipped.index].to_numpy()))
    )
    # The draws are sample_costs' for the options in id order, block after block.
    ordered = values.sort_index()
    C = sample_costs(low[ordered.index].to_numpy(), high[ordered.index].to_numpy(), n, seed=42)
    cols = prepare_matrix(values, obj, w, MissingPolicy.WORST).cols
    W = sample_weights(np.array([w[c] for c in cols]), n, concentration=3.0, seed=42)
    np.testing.assert_array_equal(a, rank_acceptability(ordered, obj, w, weight_samples=W, cost_samples=C).counts)
    # ... from a stream of their own, not the one the weights come from.
    u = np.random.default_rng(42).random((n, len(values)))
    np.testing.assert_array_equal(sample_costs(np.zeros(len(values)), np.ones(len(values)), n, 42) == u, False)


# Counts of the code before price uncertainty existed (HEAD at 39cb7fd), for
# problem(6, 4, seed=11, nan_share=0.2), 1,500 samples, concentration 1, seed 5.
BEFORE = {
    (Method.WSM, MissingPolicy.WORST): [
        [0, 0, 0, 0, 179, 1321],
        [0, 0, 243, 583, 674, 0],
        [0, 466, 246, 330, 279, 179],
        [1187, 232, 81, 0, 0, 0],
        [87, 235, 449, 361, 368, 0],
        [226, 567, 481, 226, 0, 0],
    ],
    (Method.TOPSIS, MissingPolicy.EXCLUDE): [
        [0, 0, 0, 2, 182, 1316],
        [0, 0, 0, 533, 949, 18],
        [0, 0, 147, 820, 367, 166],
        [0, 446, 1050, 4, 0, 0],
        [1500, 0, 0, 0, 0, 0],
        [0, 1054, 303, 141, 2, 0],
    ],
    (Method.WSM, MissingPolicy.MEDIAN): [
        [0, 0, 1, 10, 81, 1408],
        [0, 0, 0, 1123, 355, 22],
        [0, 0, 40, 333, 1057, 70],
        [612, 404, 484, 0, 0, 0],
        [439, 520, 541, 0, 0, 0],
        [449, 576, 434, 34, 7, 0],
    ],
}


@pytest.mark.parametrize(("method", "missing"), list(BEFORE))
def test_without_cost_range_counts_are_unchanged(method, missing):
    values, obj, w = problem(6, 4, seed=11, nan_share=0.2)
    kw = {"method": method, "missing": missing, "samples": 1_500, "concentration": 1.0, "seed": 5}
    acc = rank_acceptability(values, obj, w, **kw)
    assert acc.ids == [f"opt-{i:03d}" for i in range(6)]
    np.testing.assert_array_equal(acc.counts, BEFORE[method, missing])
    np.testing.assert_array_equal(rank_acceptability(values, obj, w, cost_range=None, **kw).counts, acc.counts)
    np.testing.assert_array_equal(rank1_counts(values, obj, w, **kw), acc.counts[:, 0])


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("missing", list(MissingPolicy))
def test_low_equal_to_high_is_no_price_uncertainty(method, missing):
    # Same seed, so the same weight samples: the prices' stream leaves them alone.
    values, obj, w, _, _ = cost_problem(20, 4, seed=12, nan_share=0.15, cost_nan=0.2)
    kw = {"method": method, "missing": missing, "samples": 2_000, "concentration": 2.0, "seed": 8}
    plain = rank_acceptability(values, obj, w, **kw)
    fixed = rank_acceptability(values, obj, w, cost_range=(values["cost"], values["cost"]), **kw)
    np.testing.assert_array_equal(fixed.counts, plain.counts)
    np.testing.assert_array_equal(
        rank1_counts(values, obj, w, cost_range=(values["cost"], values["cost"]), **kw), plain.counts[:, 0]
    )
    assert (plain.counts[:, 0] > 0).sum() > 1


def test_bounds_as_series_align_by_id_and_arrays_by_row():
    values, obj, w, low, high = cost_problem(10, 3, seed=4, cost_nan=0.2)
    by_row = rank_acceptability(values, obj, w, samples=500, seed=2, cost_range=(low.to_numpy(), high.to_numpy()))
    # Shuffled, with an id that is not an option and none for an option without a cost.
    shuffle = np.random.default_rng(0).permutation(len(values))
    extra = pd.Series([1.0], index=["not-an-option"])
    unknown = values.index[values["cost"].isna()][0]
    lo = pd.concat([low.iloc[shuffle], extra]).drop(unknown)
    hi = pd.concat([high.iloc[shuffle], extra]).drop(unknown)
    by_id = rank_acceptability(values, obj, w, samples=500, seed=2, cost_range=(lo, hi))
    np.testing.assert_array_equal(by_id.counts, by_row.counts)
    # The wrong alignment gives other counts (the test can tell).
    lo_wrong, hi_wrong = low.fillna(9_000.0).iloc[shuffle], high.fillna(40_000.0).iloc[shuffle]
    wrong = rank_acceptability(
        values, obj, w, samples=500, seed=2, cost_range=(lo_wrong.to_numpy(), hi_wrong.to_numpy())
    )
    assert not np.array_equal(wrong.counts, by_row.counts)
    # A Series that lacks an option with a known cost is an error, naming the option.
    known = values.index[values["cost"].notna()][0]
    with pytest.raises(ValueError, match=known):
        rank_acceptability(values, obj, w, samples=10, cost_range=(low.drop(known), high))


def test_cost_range_without_weight_on_cost_changes_nothing():
    values, obj, w, low, high = cost_problem(10, 3, seed=6)
    w = {**w, "cost": 0.0}
    plain = rank_acceptability(values, obj, w, samples=500, seed=1)
    np.testing.assert_array_equal(
        rank_acceptability(values, obj, w, samples=500, seed=1, cost_range=(low, high)).counts, plain.counts
    )


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"low": lambda lo, hi: hi + 1.0}, "low > high"),
        ({"low": lambda lo, hi: lo.where(lo.index != lo.index[0], np.nan)}, "finite"),
        ({"high": lambda lo, hi: hi.where(hi.index != hi.index[2], np.inf)}, "finite"),
        ({"low": lambda lo, hi: lo.to_numpy()[:-1]}, "shape"),
        ({"column": "price"}, "not one of the criteria"),
        ({"samples": np.ones((9, 8))}, "cost_samples has shape"),
        ({"samples": np.full((10, 8), np.nan)}, "cost_samples must be finite"),
    ],
)
def test_bad_price_inputs_raise(change, match):
    values, obj, w, low, high = cost_problem(8, 3, seed=1)
    lo = change.get("low", lambda lo, hi: lo)(low, high)
    hi = change.get("high", lambda lo, hi: hi)(low, high)
    kw = {"cost_column": change.get("column", "cost"), "cost_samples": change.get("samples")}
    for fn in (rank_acceptability, rank1_counts):
        with pytest.raises(ValueError, match=match):
            fn(values, obj, w, samples=10, cost_range=(lo, hi), **kw)


def test_bounds_of_options_without_a_cost_are_not_checked():
    values, obj, w, low, high = cost_problem(8, 3, seed=1)
    values.loc[values.index[3], "cost"] = np.nan
    low.iloc[3], high.iloc[3] = np.nan, -1.0
    acc = rank_acceptability(values, obj, w, samples=100, cost_range=(low, high))
    assert acc.counts.sum() == 100 * 8
