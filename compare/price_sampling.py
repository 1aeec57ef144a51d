"""Price uncertainty for SMAA: each option's cost drawn within its low–high range per sample.

The cost criterion's normalization then changes from sample to sample; ``SampledCost``
applies the missing-data policy and the normalization per sample, exactly as
``compare.scoring.prepare_matrix`` does once, and ``cost_block_scorer`` adds its term to
the scores of the other criteria.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from compare.criteria import Objective
from compare.scenario import Method, MissingPolicy
from compare.scoring import Prepared, topsis_ideals

COST_STREAM = 1  # spawn key of the cost draws' random stream, apart from the weights' stream

CostBound = np.ndarray | pd.Series


def cost_rng(seed: int) -> np.random.Generator:
    # A child of the seed's SeedSequence: the weights keep using default_rng(seed) itself,
    # so adding price uncertainty leaves the weight samples exactly as they were.
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(COST_STREAM,)))


def sample_costs(low: np.ndarray, high: np.ndarray, samples: int, seed: int) -> np.ndarray:
    """Costs drawn uniformly from ``[low, high]``, independently per option and sample.

    Returns samples × options. These are the draws ``rank_acceptability(..., cost_range=,
    seed=)`` makes, with the options in id order (its draws do not depend on row order).
    NaN bounds give NaN costs.
    """
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    if (low > high).any():
        raise ValueError("cost_range: low must not exceed high")
    out = cost_rng(seed).random((samples, low.shape[0]))
    out *= high - low
    out += low
    return out


@dataclass(frozen=True)
class SampledCost:
    """The sampled criterion's fixed parts, options in id order.

    Per sample, the cost column goes through the same steps as in ``prepare_matrix``:
    options without a cost take the sample's worst or median known cost (``fill``) or
    are left out (``skip``, EXCLUDE), then min-max or vector normalization over the
    options that take part.
    """

    j: int  # its column in the prepared matrix
    benefit: bool  # higher is better (a price is normally lower-is-better)
    low: np.ndarray  # lower bound, 0 where the cost is missing
    span: np.ndarray  # high - low, 0 where the cost is missing
    known: np.ndarray  # indices of the options with a cost
    absent: np.ndarray  # indices of the options without one
    fill: np.ndarray  # absent options that take the fill value
    skip: np.ndarray  # absent options left out of the criterion (EXCLUDE)
    median: bool  # fill with the median known cost, else with the worst

    def draw(self, rng: np.random.Generator, out: np.ndarray) -> np.ndarray:
        """Fill ``out`` (samples × options) with uniform draws in [low, high]."""
        rng.random(out=out)
        out *= self.span
        out += self.low
        return out

    def fill_block(self, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Apply the missing-data policy to a block of sampled costs, in place.

        Returns each sample's minimum and maximum over the options that take part. Left-out
        columns hold a known option's draw, which changes neither; callers zero them.
        """
        if not self.absent.size:
            return c.min(axis=1), c.max(axis=1)
        c[:, self.absent] = c[:, self.known[:1]]
        lo, hi = c.min(axis=1), c.max(axis=1)
        if not self.fill.size:
            return lo, hi
        if self.median:
            f = np.median(c[:, self.known], axis=1)
        else:  # fill_missing's WORST rule, per sample
            flat = lo == hi
            if self.benefit:
                f = np.where(flat, 0.0, lo)
            else:
                f = np.where(flat, np.where(hi > 0, 2.0 * hi, 1.0), hi)
        c[:, self.fill] = f[:, None]
        return np.minimum(lo, f), np.maximum(hi, f)

    def wsm_term(self, c: np.ndarray, wc: np.ndarray) -> np.ndarray:
        """``wc[s] * minmax(cost[s])[i]`` in place of ``c``; 0 where left out."""
        lo, hi = self.fill_block(c)
        span = hi - lo
        flat = span == 0
        if self.benefit:
            c -= lo[:, None]
        else:
            np.subtract(hi[:, None], c, out=c)
        _scale_rows(c, wc, np.where(flat, 1.0, span))
        if flat.any():  # a constant criterion normalizes to 1, as in ``minmax``
            c[flat] = wc[flat, None]
        if self.skip.size:
            c[:, self.skip] = 0.0
        return c

    def add_topsis_terms(self, c: np.ndarray, wc: np.ndarray, dp2: np.ndarray, dm2: np.ndarray) -> None:
        """Add ``wc² (r - ideal)²`` and ``wc² (r - anti-ideal)²`` of the cost column to the squared distances.

        With ``r = c / ||c||`` the ideal is the extreme cost over ``||c||``, so each term is
        ``((c - extreme) * wc / ||c||)²``. Destroys ``c``.
        """
        lo, hi = self.fill_block(c)
        if self.skip.size:
            c[:, self.skip] = 0.0  # left out: 0 in the vector norm, as in ``topsis_ideals``
        norm = np.sqrt(np.einsum("ij,ij->i", c, c))
        norm[norm == 0] = 1.0
        best, worst = (hi, lo) if self.benefit else (lo, hi)
        t = np.empty_like(c)
        for ideal, d2 in ((best, dp2), (worst, dm2)):
            np.subtract(c, ideal[:, None], out=t)
            _scale_rows(t, wc, norm)
            np.square(t, out=t)
            if self.skip.size:
                t[:, self.skip] = 0.0
            d2 += t


def _scale_rows(x: np.ndarray, num: np.ndarray, den: np.ndarray) -> None:
    """``x[s] *= num[s] / den[s]`` in place, dividing first where the factor would overflow."""
    with np.errstate(over="ignore"):
        f = num / den
    if np.isfinite(f).all():
        x *= f[:, None]
    else:
        x /= den[:, None]
        x *= num[:, None]


def cost_block_scorer(method: Method, p: Prepared, cost: SampledCost):
    """``_block_scorer`` with the cost column's values given per sample: scores(wb, cb).

    The other criteria still cost one or two matrix products per block; the cost column,
    whose normalization now changes from sample to sample, adds a samples × options term.
    """
    j = cost.j
    others = [k for k in range(len(p.cols)) if k != j]
    known_t = None if p.known is None else np.ascontiguousarray(p.known.T)
    if method is Method.WSM:
        # ``normalized`` is already 0 where EXCLUDE leaves a cell out.
        nt = np.ascontiguousarray(p.normalized[:, others].T)

        def wsm(wb: np.ndarray, cb: np.ndarray) -> np.ndarray:
            s = wb[:, others] @ nt
            s += cost.wsm_term(cb, wb[:, j])
            if known_t is not None:
                s /= wb @ known_t
            return s

        return wsm
    r, pis, nis = topsis_ideals(p.filled, p.objectives)
    k = np.ones_like(r) if p.known is None else p.known
    ap = np.ascontiguousarray((k * (r - pis) ** 2)[:, others].T)
    am = np.ascontiguousarray((k * (r - nis) ** 2)[:, others].T)

    def topsis(wb: np.ndarray, cb: np.ndarray) -> np.ndarray:
        w2 = wb[:, others] ** 2
        dp, dm = w2 @ ap, w2 @ am
        cost.add_topsis_terms(cb, wb[:, j], dp, dm)
        np.sqrt(dp, out=dp)
        np.sqrt(dm, out=dm)
        if known_t is not None:
            scale = 1.0 / (wb @ known_t)
            dp *= scale
            dm *= scale
        total = dp + dm
        return np.where(total == 0, 1.0, dm / np.where(total == 0, 1.0, total))

    return topsis


def _aligned(bound: CostBound, values: pd.DataFrame, name: str) -> np.ndarray:
    """One bound per row of ``values``: a Series by index, an array by position."""
    if isinstance(bound, pd.Series):
        if not bound.index.is_unique:
            raise ValueError(f"cost_range {name}: the Series index has duplicate ids")
        return bound.reindex(values.index).to_numpy(dtype=float, na_value=np.nan)
    out = np.asarray(bound, dtype=float)
    if out.shape != (len(values),):
        raise ValueError(
            f"cost_range {name} has shape {out.shape}; expected ({len(values)},), one bound per row of values"
        )
    return out


def sampled_cost(
    values: pd.DataFrame,
    perm: np.ndarray,
    p: Prepared,
    objectives: Mapping[str, Objective],
    missing: MissingPolicy,
    cost_range: tuple[CostBound, CostBound] | None,
    cost_column: str,
    cost_samples: np.ndarray | None,
    total: int,
) -> SampledCost | None:
    """Check the price-uncertainty inputs; None when they cannot change any ranking."""
    if cost_range is None and cost_samples is None:
        return None
    if cost_column not in objectives:
        raise ValueError(f"cost_column {cost_column!r} is not one of the criteria: {sorted(objectives)}")
    point = values[cost_column].to_numpy(dtype=float)  # rows as given
    has = ~np.isnan(point)
    ids = np.asarray(values.index.astype(str))
    low = high = np.zeros(len(values))
    if cost_range is not None:
        if len(cost_range) != 2:
            raise ValueError("cost_range must be a pair (low, high)")
        low, high = _aligned(cost_range[0], values, "low"), _aligned(cost_range[1], values, "high")
        bad = has & ~(np.isfinite(low) & np.isfinite(high))
        if bad.any():
            raise ValueError(
                f"cost_range: low and high must be finite numbers for every option with a known "
                f"{cost_column!r}; not for {sorted(ids[bad])[:5]}"
            )
        inverted = has & (low > high)
        if inverted.any():
            raise ValueError(f"cost_range: low > high for {sorted(ids[inverted])[:5]}")
    if cost_samples is not None:
        cost_samples = np.asarray(cost_samples)
        if cost_samples.shape != (total, len(values)):
            raise ValueError(
                f"cost_samples has shape {cost_samples.shape}; expected ({total}, {len(values)}): "
                "one row per weight sample, one column per row of values"
            )
        if not np.isfinite(cost_samples[:, has]).all():
            raise ValueError(f"cost_samples must be finite for every option with a known {cost_column!r}")
    if cost_column not in p.cols:  # zero weight, or nobody reports it: it cannot matter
        return None
    has, low, high = has[perm], low[perm], high[perm]
    if missing is MissingPolicy.EXCLUDE:
        # As in prepare_matrix: an option reporting none of the weighted criteria counts as worst.
        x = values.iloc[perm][p.cols].to_numpy(dtype=float)
        fills = (~np.isnan(x)).astype(float) @ p.weights == 0
    else:
        fills = np.ones(len(has), dtype=bool)
    return SampledCost(
        j=p.cols.index(cost_column),
        benefit=bool(p.objectives[p.cols.index(cost_column)] > 0),
        low=np.where(has, low, 0.0),
        span=np.where(has, high - low, 0.0),
        known=np.flatnonzero(has),
        absent=np.flatnonzero(~has),
        fill=np.flatnonzero(~has & fills),
        skip=np.flatnonzero(~has & ~fills),
        median=missing is MissingPolicy.MEDIAN,
    )
