"""Scoring: min-max weighted sum and TOPSIS, with a missing-data policy and contributions.

Decided edge cases (tested):

- a constant criterion normalizes to 1 for everyone: it cannot change the ranking;
- a criterion nobody reports is dropped (its weight goes to the others);
- a single option scores 1;
- all weights zero is an error;
- ties are broken by facility id, so the order is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from compare.criteria import Objective
from compare.i18n import _
from compare.scenario import Method, MissingPolicy


def minmax(x: np.ndarray, objectives: np.ndarray) -> np.ndarray:
    """Column-wise min-max to [0, 1] with 1 = best; constant columns become 1."""
    lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    span = hi - lo
    flat = span == 0
    scaled = (x - lo) / np.where(flat, 1.0, span)
    scaled = np.where(objectives > 0, scaled, 1.0 - scaled)
    scaled[:, flat] = 1.0
    return scaled


def fill_missing(x: np.ndarray, objectives: np.ndarray, policy: MissingPolicy) -> np.ndarray:
    """Replace NaN by the column's worst value or its median (EXCLUDE keeps NaN).

    WORST never rewards an unknown: when every option that reports a criterion has the
    same value, a missing one counts as clearly worse (0 where higher is better, twice
    the value where lower is better; criteria here are non-negative), not as equal.
    """
    if policy is MissingPolicy.EXCLUDE:
        return x
    if policy is MissingPolicy.WORST:
        lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
        flat = lo == hi
        worst_max = np.where(flat, 0.0, lo)
        worst_min = np.where(flat, np.where(hi > 0, 2.0 * hi, 1.0), hi)
        worst = np.where(objectives > 0, worst_max, worst_min)
        return np.where(np.isnan(x), worst, x)
    return np.where(np.isnan(x), np.nanmedian(x, axis=0), x)


def wsm_scores(n: np.ndarray, w: np.ndarray, known: np.ndarray | None = None) -> np.ndarray:
    """Weighted mean of benefit-oriented 0–1 columns; with ``known``, per-row renormalized weights."""
    if known is None:
        return n @ (w / w.sum())
    return np.nan_to_num(n) @ w / (known @ w)


def topsis_ideals(x: np.ndarray, objectives: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vector-normalized matrix (NaN cells as 0) and each column's ideal and anti-ideal.

    Shared by ``topsis_scores`` and the SMAA kernel; NaN cells take no part in the ideals.
    """
    if not np.isnan(x).any():
        # Complete matrix: the textbook computation, on a transposed copy because
        # reductions along contiguous rows are about three times faster than down columns.
        xt = np.ascontiguousarray(x.T)
        norm = np.sqrt(np.einsum("ij,ij->i", xt, xt))
        norm[norm == 0] = 1.0
        rt = xt / norm[:, None]
        r, vmax, vmin = rt.T, rt.max(axis=1), rt.min(axis=1)
    else:
        filled = np.nan_to_num(x)
        norm = np.sqrt(np.einsum("ij,ij->j", filled, filled))
        r = filled / np.where(norm == 0, 1.0, norm)
        masked = np.where(np.isnan(x), np.nan, r)
        vmax, vmin = np.nanmax(masked, axis=0), np.nanmin(masked, axis=0)
    pis = np.where(objectives > 0, vmax, vmin)
    nis = np.where(objectives > 0, vmin, vmax)
    return r, pis, nis


def topsis_scores(x: np.ndarray, w: np.ndarray, objectives: np.ndarray, known: np.ndarray | None = None) -> np.ndarray:
    """Classic TOPSIS (Hwang & Yoon) with vector normalization.

    With ``known``, missing cells are left out of both distances and each row's weights
    are renormalized over its known criteria.
    """
    wn = w / w.sum()
    r, pis, nis = topsis_ideals(x, objectives)
    if known is None:
        dp = np.sqrt(((r - pis) ** 2) @ (wn**2))
        dm = np.sqrt(((r - nis) ** 2) @ (wn**2))
    else:
        scale = 1.0 / (known @ wn)
        dp = np.sqrt((known * (r - pis) ** 2) @ (wn**2)) * scale
        dm = np.sqrt((known * (r - nis) ** 2) @ (wn**2)) * scale
    total = dp + dm
    return np.where(total == 0, 1.0, dm / np.where(total == 0, 1.0, total))


def rank_matrix(
    x: np.ndarray, w: np.ndarray, objectives: np.ndarray, method: Method = Method.WSM
) -> tuple[np.ndarray, np.ndarray]:
    """The numeric core of one ranking: scores and ranks (1 = best) of a complete matrix.

    No validation and no missing values (``score`` handles both). WSM uses min-max
    normalization folded into the weights, so the whole ranking is one matrix-vector
    product and one sort. Ties (equal at 12 decimals) go to the earlier row.
    """
    wn = w / w.sum()
    if method is Method.WSM:
        # Column minima of a tall C-ordered matrix are faster on a transposed copy.
        cols = np.ascontiguousarray(x.T)
        lo, hi = cols.min(axis=1), cols.max(axis=1)
        span = hi - lo
        flat = span == 0
        span[flat] = 1.0
        benefit = objectives > 0
        with np.errstate(over="ignore"):
            a = np.where(benefit, wn, -wn) / span
        a[flat] = 0.0
        if not np.isfinite(a).all():  # a near-zero spread: fold would overflow, scale explicitly
            s = minmax(x, objectives) @ wn
            return s, ranks_from_scores(s)
        # Constant columns add their full weight (normalized value 1), like ``minmax``.
        b = np.sum(np.where(flat, wn, np.where(benefit, -wn * lo, wn * hi) / span))
        s = x @ a + b
    else:
        s = topsis_scores(x, w, objectives)
    return s, ranks_from_scores(s)


def ranks_from_scores(s: np.ndarray) -> np.ndarray:
    """Ranks (1 = best) with scores compared at 12 decimals and ties to the earlier row."""
    q = -np.round(s, 12)
    order = np.argsort(q)  # fast unstable sort; redone stably only if there are ties
    if len(q) > 1 and (np.diff(q[order]) == 0).any():
        order = np.argsort(q, kind="stable")
    r = np.empty(len(s), dtype=np.int64)
    r[order] = np.arange(1, len(s) + 1)
    return r


def rank_order(scores: np.ndarray, ids: Sequence[str]) -> np.ndarray:
    """Positions from best to worst: higher score first, ties by id."""
    return np.lexsort((np.asarray(ids), -np.round(scores, 12)))


def ranks(scores: np.ndarray, ids: Sequence[str]) -> np.ndarray:
    order = rank_order(scores, ids)
    out = np.empty(len(scores), dtype=int)
    out[order] = np.arange(1, len(scores) + 1)
    return out


def prepare(
    values: pd.DataFrame, objectives: Mapping[str, Objective], weights: Mapping[str, float]
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Validated matrix, weights and directions of the criteria that count."""
    missing = set(objectives) - set(values.columns)
    if missing:
        raise ValueError(f"criteria not in data: {sorted(missing)}")
    unknown = set(weights) - set(objectives)
    if unknown:
        raise ValueError(f"weights for unknown criteria: {sorted(unknown)}")
    w_all = np.array([float(weights.get(c, 0.0)) for c in objectives])
    if not np.all(np.isfinite(w_all)) or (w_all < 0).any():
        raise ValueError("weights must be finite and non-negative")
    if w_all.sum() <= 0:
        raise ValueError(_("at least one weight must be above 0"))
    x = values[list(objectives)].to_numpy(dtype=float)
    # Criteria with zero weight, or that no option reports, cannot change the ranking.
    keep = (w_all > 0) & ~np.isnan(x).all(axis=0)
    if not keep.any():
        raise ValueError(_("no weighted criterion has data for these options"))
    cols = [c for c, k in zip(objectives, keep, strict=True) if k]
    obj = np.array([objectives[c].value for c in cols], dtype=float)
    return cols, x[:, keep], w_all[keep], obj


@dataclass(frozen=True)
class Prepared:
    """The decision matrix after the missing-data policy, shared by score and SMAA."""

    cols: list[str]
    filled: np.ndarray  # raw values; NaN only where EXCLUDE leaves a cell out
    normalized: np.ndarray  # min-max, 1 = best, 0 where left out
    known: np.ndarray | None  # 1/0 mask of cells that count (EXCLUDE only)
    weights: np.ndarray
    objectives: np.ndarray


def prepare_matrix(
    values: pd.DataFrame,
    objectives: Mapping[str, Objective],
    weights: Mapping[str, float],
    missing: MissingPolicy,
) -> Prepared:
    if values.empty:
        raise ValueError(_("no options to score"))
    cols, x, w, obj = prepare(values, objectives, weights)
    known = None
    filled = fill_missing(x, obj, missing)
    if missing is MissingPolicy.EXCLUDE:
        known = (~np.isnan(x)).astype(float)
        # An option reporting none of the weighted criteria cannot be scored by
        # exclusion; it falls back to "count as worst".
        empty = known @ w == 0
        if empty.any():
            known[empty] = 1.0
            filled[empty] = fill_missing(x, obj, MissingPolicy.WORST)[empty]
    n = minmax(filled, obj)
    if known is not None:
        n = np.where(known > 0, n, 0.0)
    return Prepared(cols, filled, n, known, w, obj)


def score(
    values: pd.DataFrame,
    objectives: Mapping[str, Objective],
    weights: Mapping[str, float],
    *,
    method: Method = Method.WSM,
    missing: MissingPolicy = MissingPolicy.WORST,
) -> pd.DataFrame:
    """Score, rank and explain options.

    Parameters
    ----------
    values
        One row per option (index = option id), one column per criterion, raw values
        with NaN where not reported.
    objectives, weights
        Direction and weight (≥ 0) of each criterion.

    Returns
    -------
    DataFrame
        ``score``, ``rank``, ``contrib_<criterion>`` (adding up to the score) and
        ``missing_criteria`` (the criteria the option does not report), sorted by rank.
    """
    # Rows in id order: every tie-break below ("earlier row wins") then means "smaller id wins".
    if not values.index.is_monotonic_increasing:
        values = values.sort_index(key=lambda idx: idx.astype(str))
    p = prepare_matrix(values, objectives, weights, missing)
    cols, filled, n, per_row_known, w, obj = p.cols, p.filled, p.normalized, p.known, p.weights, p.objectives
    if per_row_known is None:
        share = w / w.sum()
        # The same kernel the benchmarks time: min-max folded into the weights (WSM) or TOPSIS.
        s, r = rank_matrix(filled, w, obj, method)
        parts = n * share
    else:
        share = (per_row_known * w) / (per_row_known @ w)[:, None]
        parts = n * share
        s = parts.sum(axis=1) if method is Method.WSM else topsis_scores(filled, w, obj, per_row_known)
        r = ranks_from_scores(s)
    if method is Method.TOPSIS:
        # TOPSIS is not additive: share its score among criteria in proportion to
        # each criterion's weighted normalized value, so the parts still add up.
        total = parts.sum(axis=1, keepdims=True)
        base = np.broadcast_to(share, parts.shape)
        parts = np.where(total > 0, parts / np.where(total > 0, total, 1.0), base) * s[:, None]
    data: dict[str, object] = {"score": s, "rank": r}
    for c in objectives:
        data[f"contrib_{c}"] = parts[:, cols.index(c)] if c in cols else np.zeros(len(s))
    nan = np.isnan(values[list(objectives)].to_numpy(dtype=float))
    names = list(objectives)
    empty = ~nan.any(axis=1)
    data["missing_criteria"] = [
        [] if ok else [names[j] for j in np.flatnonzero(row)] for ok, row in zip(empty, nan, strict=True)
    ]
    out = pd.DataFrame(data, index=values.index)
    return out.iloc[np.argsort(r, kind="stable")]
