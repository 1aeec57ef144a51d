"""How sure is a ranking? Pareto front and SMAA rank acceptability under weight uncertainty."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from compare.criteria import Objective
from compare.scenario import Method, MissingPolicy
from compare.scoring import prepare_matrix

BLOCK = 1000  # weight samples per block: bounds memory at n × BLOCK floats


def pareto_mask(df: pd.DataFrame, objectives: Mapping[str, Objective]) -> pd.Series:
    """True where no other row is at least as good on every criterion and better on one.

    Rows with a NaN in any criterion are never on the front (they cannot be compared).
    """
    x = df[list(objectives)].to_numpy(dtype=float) * np.array([o.value for o in objectives.values()])
    ok = ~np.isnan(x).any(axis=1)
    mask = np.zeros(len(df), dtype=bool)
    xs = x[ok]
    if len(xs):
        ge = (xs[:, None, :] >= xs[None, :, :]).all(axis=2)
        gt = (xs[:, None, :] > xs[None, :, :]).any(axis=2)
        mask[ok] = ~(ge & gt).any(axis=0)
    return pd.Series(mask, index=df.index, name="pareto")


@dataclass(frozen=True)
class Acceptability:
    """SMAA result: ``counts[i, r]`` = samples in which option i had rank r + 1."""

    ids: list[str]
    counts: np.ndarray
    samples: int
    seed: int
    concentration: float

    @property
    def matrix(self) -> pd.DataFrame:
        return pd.DataFrame(self.counts / self.samples, index=self.ids, columns=range(1, len(self.ids) + 1))

    def p_top(self, k: int) -> pd.Series:
        return pd.Series(self.counts[:, :k].sum(axis=1) / self.samples, index=self.ids)

    def std_error(self, p: pd.Series) -> pd.Series:
        """Monte-Carlo standard error of an estimated probability."""
        return np.sqrt(p * (1 - p) / self.samples)


def sample_weights(w: np.ndarray, samples: int, concentration: float, seed: int) -> np.ndarray:
    """Dirichlet weights centred on ``w`` (normalized); larger concentration = surer weights."""
    if concentration <= 0:
        raise ValueError("concentration must be above 0")
    alpha = concentration * len(w) * w / w.sum()
    return np.random.default_rng(seed).dirichlet(alpha, size=samples)


def _block_scores(method, n, filled, known, wblock, obj):
    """Scores of every option under each weight sample in the block (samples × options)."""
    if method is Method.WSM:
        if known is None:
            return wblock @ n.T
        return (wblock @ (n * known).T) / (wblock @ known.T)
    # TOPSIS in the squared-weights form: two matrix products for the whole block.
    f = np.nan_to_num(filled)
    norm = np.sqrt(np.einsum("ij,ij->j", f, f))
    r = f / np.where(norm == 0, 1.0, norm)
    masked = np.where(np.isnan(filled), np.nan, r)
    vmax, vmin = np.nanmax(masked, axis=0), np.nanmin(masked, axis=0)
    pis = np.where(obj > 0, vmax, vmin)
    nis = np.where(obj > 0, vmin, vmax)
    k = np.ones_like(r) if known is None else known
    w2 = wblock**2
    dp = np.sqrt(w2 @ (k * (r - pis) ** 2).T)
    dm = np.sqrt(w2 @ (k * (r - nis) ** 2).T)
    if known is not None:
        scale = 1.0 / (wblock @ known.T)
        dp, dm = dp * scale, dm * scale
    total = dp + dm
    return np.where(total == 0, 1.0, dm / np.where(total == 0, 1.0, total))


def rank_acceptability(
    values: pd.DataFrame,
    objectives: Mapping[str, Objective],
    weights: Mapping[str, float],
    *,
    method: Method = Method.WSM,
    missing: MissingPolicy = MissingPolicy.WORST,
    samples: int = 10_000,
    concentration: float = 10.0,
    seed: int = 0,
    weight_samples: np.ndarray | None = None,
) -> Acceptability:
    """SMAA-2 rank acceptability: re-rank under sampled weights, count each rank.

    Options are processed in id order and ties go to the smaller id, as in ``score``.
    ``weight_samples`` (samples × weighted criteria) overrides sampling, for tests.
    """
    values = values.sort_index(key=lambda idx: idx.astype(str))
    p = prepare_matrix(values, objectives, weights, missing)
    n, filled, known, w, obj = p.normalized, p.filled, p.known, p.weights, p.objectives
    W = weight_samples if weight_samples is not None else sample_weights(w, samples, concentration, seed)
    count = len(values)
    acc = np.zeros(count * count, dtype=np.int64)
    offsets = (np.arange(count) * count)[None, :]
    for start in range(0, W.shape[0], BLOCK):
        s = _block_scores(method, n, filled, known, W[start : start + BLOCK], obj)
        # Stable sort of rounded negated scores: ties keep id order, as in ``score``.
        order = np.argsort(-np.round(s, 12), axis=1, kind="stable")
        acc += np.bincount((order + offsets).ravel(), minlength=count * count)
    counts = acc.reshape(count, count).T
    return Acceptability([str(i) for i in values.index], counts, int(W.shape[0]), seed, concentration)
