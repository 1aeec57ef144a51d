"""How sure is a ranking? SMAA rank acceptability under weight and price uncertainty.

The Pareto front is in ``compare.pareto``, price sampling in ``compare.price_sampling``
and the rank-order kernels in ``compare.rank_order``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from compare.criteria import Objective
from compare.pareto import pareto_mask
from compare.price_sampling import CostBound, cost_block_scorer, cost_rng, sample_costs, sampled_cost
from compare.rank_order import count_ranks
from compare.scenario import Method, MissingPolicy
from compare.scoring import prepare_matrix, topsis_ideals

__all__ = [
    "BLOCK",
    "Acceptability",
    "CostBound",
    "pareto_mask",
    "rank1_counts",
    "rank_acceptability",
    "rank_top_counts",
    "sample_costs",
    "sample_weights",
]

BLOCK = 1000  # weight samples per block: bounds memory at n × BLOCK floats


@dataclass(frozen=True)
class Acceptability:
    """SMAA result: ``counts[i, r]`` = samples in which option i had rank r + 1.

    ``counts`` has a column for every rank (``rank_acceptability``) or only for ranks
    1..k (``rank_top_counts``); ``ranks`` says how many.
    """

    ids: list[str]
    counts: np.ndarray
    samples: int
    seed: int
    concentration: float

    @property
    def ranks(self) -> int:
        """The ranks counted: 1 .. ranks (all of them when it equals the number of options)."""
        return int(self.counts.shape[1])

    @property
    def matrix(self) -> pd.DataFrame:
        """Rank acceptability, options × ranks 1 .. ``ranks``."""
        return pd.DataFrame(self.counts / self.samples, index=self.ids, columns=range(1, self.ranks + 1))

    def p_top(self, k: int) -> pd.Series:
        """P(rank <= k) per option. Needs ranks 1..k counted, unless every rank was."""
        if k > self.ranks and self.ranks < len(self.ids):
            raise ValueError(
                f"p_top({k}) needs ranks 1..{k}, but only ranks 1..{self.ranks} were counted; "
                f"call rank_top_counts with k >= {k}, or rank_acceptability"
            )
        return pd.Series(self.counts[:, :k].sum(axis=1) / self.samples, index=self.ids)

    def std_error(self, p: pd.Series) -> pd.Series:
        """Monte-Carlo standard error of an estimated probability."""
        return np.sqrt(p * (1 - p) / self.samples)


def sample_weights(w: np.ndarray, samples: int, concentration: float, seed: int) -> np.ndarray:
    """Dirichlet weights centred on ``w`` (normalized); larger concentration = surer weights."""
    # NaN or infinity would pass a plain "<= 0" check and give NaN weights, hence NaN
    # scores and silently meaningless probabilities.
    if not (np.isfinite(concentration) and concentration > 0):
        raise ValueError(f"concentration must be a finite number above 0, not {concentration!r}")
    if samples < 1:
        raise ValueError("samples must be at least 1")
    alpha = concentration * len(w) * w / w.sum()
    return np.random.default_rng(seed).dirichlet(alpha, size=samples)


def _block_scorer(method, n, filled, known, obj):
    """A function from a block of weight samples to scores (samples × options).

    Everything that does not depend on the weights is computed once here, so each block
    costs one or two matrix products.
    """
    known_t = None if known is None else np.ascontiguousarray(known.T)
    if method is Method.WSM:
        if known is None:
            nt = np.ascontiguousarray(n.T)
            return lambda wb: wb @ nt
        nkt = np.ascontiguousarray((n * known).T)
        return lambda wb: (wb @ nkt) / (wb @ known_t)
    # TOPSIS in the squared-weights form: d+^2 = sum_j w_j^2 (r_ij - pis_j)^2, i.e. two
    # matrix products for the whole block (weights are positive, so the weighted ideal
    # is the weight times the unweighted one).
    r, pis, nis = topsis_ideals(filled, obj)
    k = np.ones_like(r) if known is None else known
    ap = np.ascontiguousarray((k * (r - pis) ** 2).T)
    am = np.ascontiguousarray((k * (r - nis) ** 2).T)

    def scores(wb: np.ndarray) -> np.ndarray:
        w2 = wb**2
        dp = np.sqrt(w2 @ ap)
        dm = np.sqrt(w2 @ am)
        if known_t is not None:
            scale = 1.0 / (wb @ known_t)
            dp, dm = dp * scale, dm * scale
        total = dp + dm
        return np.where(total == 0, 1.0, dm / np.where(total == 0, 1.0, total))

    return scores


def _setup(
    values: pd.DataFrame,
    objectives: Mapping[str, Objective],
    weights: Mapping[str, float],
    *,
    method: Method,
    missing: MissingPolicy,
    samples: int,
    concentration: float,
    seed: int,
    weight_samples: np.ndarray | None,
    cost_range: tuple[CostBound, CostBound] | None,
    cost_column: str,
    cost_samples: np.ndarray | None,
) -> tuple[list[str], int, Iterator[np.ndarray]]:
    """Option ids in id order, the number of samples and the score blocks (samples × options),
    for every SMAA entry point."""
    # Row positions in id order, so that bounds and cost samples given by position follow.
    perm = pd.Series(np.arange(len(values)), index=values.index).sort_index(key=lambda idx: idx.astype(str))
    perm = perm.to_numpy()
    ordered = values.iloc[perm]
    p = prepare_matrix(ordered, objectives, weights, missing)
    W = weight_samples if weight_samples is not None else sample_weights(p.weights, samples, concentration, seed)
    total = int(W.shape[0])
    cost = sampled_cost(values, perm, p, objectives, missing, cost_range, cost_column, cost_samples, total)
    ids = [str(i) for i in ordered.index]
    if cost is None:
        scorer = _block_scorer(method, p.normalized, p.filled, p.known, p.objectives)
        return ids, total, (scorer(W[start : start + BLOCK]) for start in range(0, total, BLOCK))
    cost_scorer = cost_block_scorer(method, p, cost)

    def blocks() -> Iterator[np.ndarray]:
        if cost_samples is not None:
            given = np.asarray(cost_samples)
            for start in range(0, total, BLOCK):
                cb = np.array(given[start : start + BLOCK][:, perm], dtype=float, order="C")
                yield cost_scorer(W[start : start + BLOCK], cb)
            return
        rng = cost_rng(seed)
        buf = np.empty((min(BLOCK, total), len(ids)))  # reused: every block overwrites it
        for start in range(0, total, BLOCK):
            cb = cost.draw(rng, buf[: min(BLOCK, total - start)])
            yield cost_scorer(W[start : start + BLOCK], cb)

    return ids, total, blocks()


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
    cost_range: tuple[CostBound, CostBound] | None = None,
    cost_column: str = "cost",
    cost_samples: np.ndarray | None = None,
) -> Acceptability:
    """SMAA-2 rank acceptability: re-rank under sampled weights (and prices), count each rank.

    Options are processed in id order and ties go to the smaller id, as in ``score``. Each
    sample gives exactly the ranks ``score`` gives for that sample's weights and values.

    Parameters
    ----------
    values, objectives, weights, method, missing
        As for ``compare.scoring.score``.
    samples, concentration, seed
        Number of samples, Dirichlet concentration of the weights around ``weights``, seed.
    weight_samples
        Samples × weighted criteria; overrides the weight sampling, for tests.
    cost_range
        ``(low, high)``: price uncertainty. In every sample, each option's ``cost_column``
        value is drawn uniformly from [low, high], independently across options and
        samples (from a stream of its own: the weight samples stay those without it).
        Series are aligned to ``values.index``; arrays follow the rows of ``values``.
        ``low == high`` is a known price; an option whose value in ``values`` is NaN stays
        missing in every sample and is handled by ``missing``; for the others the value in
        ``values`` is not used.
    cost_column
        The criterion whose values ``cost_range`` describes.
    cost_samples
        Samples × rows of ``values`` (row order as given): the cost of each option in each
        sample; overrides the draws from ``cost_range``, for tests.

    Raises
    ------
    ValueError
        Bad bounds (low > high, or not finite where the cost is known), ``cost_column``
        not a criterion, ``cost_samples`` of the wrong shape, and ``score``'s own errors.
    """
    ids, total, blocks = _setup(
        values,
        objectives,
        weights,
        method=method,
        missing=missing,
        samples=samples,
        concentration=concentration,
        seed=seed,
        weight_samples=weight_samples,
        cost_range=cost_range,
        cost_column=cost_column,
        cost_samples=cost_samples,
    )
    return Acceptability(ids, count_ranks(blocks, len(ids), len(ids)), total, seed, concentration)


def rank_top_counts(
    values: pd.DataFrame,
    objectives: Mapping[str, Objective],
    weights: Mapping[str, float],
    *,
    k: int = 3,
    method: Method = Method.WSM,
    missing: MissingPolicy = MissingPolicy.WORST,
    samples: int = 10_000,
    concentration: float = 10.0,
    seed: int = 0,
    weight_samples: np.ndarray | None = None,
    cost_range: tuple[CostBound, CostBound] | None = None,
    cost_column: str = "cost",
    cost_samples: np.ndarray | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Acceptability:
    """Rank acceptability for ranks 1..k only: ``rank_acceptability(...).counts[:, :k]``
    without sorting whole rows.

    Same arguments, samples (weights and prices), seed streams and tie policy as
    ``rank_acceptability`` (scores compared at 12 decimals, ties to the smaller id), so the
    counts are equal count for count. ``counts`` has shape (options, min(k, options));
    ``p_top(j)`` works for j <= k (any j when k >= the number of options) and raises
    ValueError beyond. Per sample it takes the k best options (k masked argmax passes, or
    a partition for larger k) instead of a full sort: O(options) instead of
    O(options log options). ``progress(done, total)`` is called after each block of samples
    (a command line shows it as a bar).

    Raises
    ------
    ValueError
        ``k`` below 1, and everything ``rank_acceptability`` raises.
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, not {k!r}")
    ids, total, blocks = _setup(
        values,
        objectives,
        weights,
        method=method,
        missing=missing,
        samples=samples,
        concentration=concentration,
        seed=seed,
        weight_samples=weight_samples,
        cost_range=cost_range,
        cost_column=cost_column,
        cost_samples=cost_samples,
    )
    if progress is not None:
        blocks = _reporting(blocks, total, progress)
    counts = count_ranks(blocks, len(ids), min(int(k), len(ids)))
    return Acceptability(ids, counts, total, seed, concentration)


def _reporting(blocks: Iterator[np.ndarray], total: int, progress: Callable[[int, int], None]):
    """The same blocks, telling ``progress`` how many samples are done after each."""
    done = 0
    for block in blocks:
        yield block
        done += block.shape[0]
        progress(done, total)


def rank1_counts(
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
    cost_range: tuple[CostBound, CostBound] | None = None,
    cost_column: str = "cost",
    cost_samples: np.ndarray | None = None,
) -> pd.Series:
    """How often each option ranks first: ``rank_acceptability(...).counts[:, 0]`` without the sort.

    Same arguments, samples (weights and prices), seed and tie policy as
    ``rank_acceptability`` (scores compared at 12 decimals, ties to the smaller id); one
    ``argmax`` per sample instead of a full sort.
    """
    ids, _, blocks = _setup(
        values,
        objectives,
        weights,
        method=method,
        missing=missing,
        samples=samples,
        concentration=concentration,
        seed=seed,
        weight_samples=weight_samples,
        cost_range=cost_range,
        cost_column=cost_column,
        cost_samples=cost_samples,
    )
    top = np.zeros(len(ids), dtype=np.int64)
    for s in blocks:
        # np.round(s, 12) is rint(s * 1e12) / 1e12; argmax on rint(s * 1e12), in place,
        # compares the same rounded scores and takes the first (smallest id) on ties.
        s *= 1e12
        np.rint(s, out=s)
        best = s.argmax(axis=1)
        top += np.bincount(best, minlength=len(ids))
    return pd.Series(top, index=ids, name="rank1")
