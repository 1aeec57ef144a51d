"""The Pareto front: options no other option beats on every criterion."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from compare.criteria import Objective


def pareto_mask(df: pd.DataFrame, objectives: Mapping[str, Objective]) -> pd.Series:
    """True where no other row is at least as good on every criterion and better on one.

    Rows with a NaN in any criterion are never on the front (they cannot be compared).
    Two criteria (cost against quality, as the engine asks) take a sort and one sweep;
    more take the pairwise comparison.
    """
    x = df[list(objectives)].to_numpy(dtype=float) * np.array([o.value for o in objectives.values()])
    ok = ~np.isnan(x).any(axis=1)
    mask = np.zeros(len(df), dtype=bool)
    xs = x[ok]
    if len(xs) and xs.shape[1] == 2:
        mask[ok] = _front_of_two(xs)
    elif len(xs):
        ge = (xs[:, None, :] >= xs[None, :, :]).all(axis=2)
        gt = (xs[:, None, :] > xs[None, :, :]).any(axis=2)
        mask[ok] = ~(ge & gt).any(axis=0)
    return pd.Series(mask, index=df.index, name="pareto")


def _front_of_two(x: np.ndarray) -> np.ndarray:
    """Non-dominated rows of an n × 2 array (larger is better on both), in O(n log n).

    A row is dominated by a row with a larger first value and at least its second value,
    or by a row with the same first value and a larger second value; equal rows do not
    dominate each other.
    """
    order = np.lexsort((-x[:, 1], -x[:, 0]))  # first value descending, then second descending
    front = np.zeros(len(x), dtype=bool)
    best_before = -np.inf  # best second value among rows with a strictly larger first value
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and x[order[j], 0] == x[order[i], 0]:
            j += 1
        group = order[i:j]
        top = x[group[0], 1]  # the group's best second value (sorted descending)
        front[group] = (x[group, 1] == top) & (x[group, 1] > best_before)
        best_before = max(best_before, top)
        i = j
    return front
