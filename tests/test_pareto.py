"""The Pareto front: hand-made cases, directions, NaN rows, and the two-criteria sweep."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.criteria import Objective
from compare.pareto import pareto_mask

MAX, MIN = Objective.MAX, Objective.MIN


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


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=40))
def test_the_two_criteria_sweep_equals_pairwise_dominance(points):
    # Small integer grids make ties (equal cost, equal quality, equal rows) common.
    df = pd.DataFrame(points, columns=["cost", "quality"], dtype=float)
    x = df.to_numpy() * np.array([-1.0, 1.0])
    pairwise = [
        not any((x[j] >= x[i]).all() and (x[j] > x[i]).any() for j in range(len(x)) if j != i) for i in range(len(x))
    ]
    assert pareto_mask(df, OBJ).tolist() == pairwise


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
