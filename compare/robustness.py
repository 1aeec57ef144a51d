"""How sure is a ranking? Pareto front and SMAA rank acceptability under weight and price uncertainty."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from compare.criteria import Objective
from compare.scenario import Method, MissingPolicy
from compare.scoring import Prepared, prepare_matrix, topsis_ideals

BLOCK = 1000  # weight samples per block: bounds memory at n × BLOCK floats
COST_STREAM = 1  # spawn key of the cost draws' random stream, apart from the weights' stream

CostBound = np.ndarray | pd.Series


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


def _cost_rng(seed: int) -> np.random.Generator:
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
    out = _cost_rng(seed).random((samples, low.shape[0]))
    out *= high - low
    out += low
    return out


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


def _rounded(s: np.ndarray) -> tuple[np.ndarray, int, bool]:
    """``rint(s * 1e12)`` in place, its key width, and whether int64 keys can hold it.

    ``np.round(s, 12)`` is exactly ``rint(s * 1e12) / 1e12``, so equal rounded scores are
    equal integers here. The bool is False for NaN, or for values too large to share an
    int64 with the column (``bits`` low bits); callers then fall back to a stable sort
    of ``-(q / 1e12)``, which is ``-np.round(s, 12)`` bit for bit.
    """
    bits = max(1, (s.shape[1] - 1).bit_length())
    s *= 1e12
    np.rint(s, out=s)
    limit = 2.0 ** (62 - bits)
    # Two reductions without a temporary; NaN makes both comparisons false.
    ok = bool(s.max(initial=0.0) < limit and -s.min(initial=0.0) < limit)
    return s, bits, ok


def _fallback_order(q: np.ndarray) -> np.ndarray:
    """The stable argsort of ``-np.round(s, 12)`` from ``q = rint(s * 1e12)``."""
    return np.argsort(-(q / 1e12), axis=1, kind="stable")


def _keys(q: np.ndarray, bits: int) -> np.ndarray:
    """One int64 per score, the negated rounded score in the high bits and the column in
    the low bits: ascending keys are best first, ties in column (id) order."""
    key = q.astype(np.int64)
    np.negative(key, out=key)
    key <<= bits
    key |= np.arange(q.shape[1])
    return key


def _rank_order(s: np.ndarray) -> np.ndarray:
    """Per row, the columns from best to worst: as a stable argsort of ``-np.round(s, 12)``.

    Ties (equal at 12 decimals, as in ``score``) keep column order, i.e. id order. Instead
    of a stable float argsort, each score becomes one int64 key (``_keys``) and the keys
    are sorted in place: same order, about twice as fast, and no extra n × samples index
    array. Overwrites ``s``.
    """
    q, bits, ok = _rounded(s)
    if not ok:  # NaN or too large: fall back
        return _fallback_order(q)
    key = _keys(q, bits)
    key.sort(axis=1)
    key &= (1 << bits) - 1
    return key


def _argmax_passes(n: int, k: int) -> bool:
    """Whether k masked argmax passes beat a partition of the keys (measured, 2-core Xeon,
    10,000 samples: passes win up to k ~ 40 at n = 1,000 and k ~ 4 at n = 50)."""
    return k <= max(4, n // 25)


def _top_order(s: np.ndarray, k: int) -> np.ndarray:
    """``_rank_order(s)[:, :k]``, the k best columns per row, without sorting whole rows.

    Small k: k argmax passes over the rounded scores, each masking its winner with -inf
    (argmax takes the first maximum, i.e. the smaller id, as the keys do). Larger k: the
    k smallest keys per row by ``partition``, then sorted. Overwrites ``s``.
    """
    rows, n = s.shape
    if k >= n:
        return _rank_order(s)
    q, bits, ok = _rounded(s)
    if not ok:
        return _fallback_order(q)[:, :k]
    if _argmax_passes(n, k):
        # All of q is finite here, so -inf is below every score left.
        out = np.empty((rows, k), dtype=np.int64)
        at = np.arange(rows)
        for r in range(k):
            best = q.argmax(axis=1)
            out[:, r] = best
            q[at, best] = -np.inf
        return out
    key = _keys(q, bits)
    key.partition(k - 1, axis=1)
    top = np.sort(key[:, :k], axis=1)
    top &= (1 << bits) - 1
    return top


def _count_ranks(blocks: Iterator[np.ndarray], n: int, k: int) -> np.ndarray:
    """counts[i, r] = samples in which option i had rank r + 1, for r < k (k <= n)."""
    acc = np.zeros(k * n, dtype=np.int64)
    offsets = (np.arange(k) * n)[None, :]
    for s in blocks:
        order = _top_order(s, k)
        order += offsets
        acc += np.bincount(order.ravel(), minlength=k * n)
    return acc.reshape(k, n).T


@dataclass(frozen=True)
class _SampledCost:
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


def _cost_block_scorer(method: Method, p: Prepared, cost: _SampledCost):
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


def _sampled_cost(
    values: pd.DataFrame,
    perm: np.ndarray,
    p: Prepared,
    objectives: Mapping[str, Objective],
    missing: MissingPolicy,
    cost_range: tuple[CostBound, CostBound] | None,
    cost_column: str,
    cost_samples: np.ndarray | None,
    total: int,
) -> _SampledCost | None:
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
    return _SampledCost(
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
    cost = _sampled_cost(values, perm, p, objectives, missing, cost_range, cost_column, cost_samples, total)
    ids = [str(i) for i in ordered.index]
    if cost is None:
        scorer = _block_scorer(method, p.normalized, p.filled, p.known, p.objectives)
        return ids, total, (scorer(W[start : start + BLOCK]) for start in range(0, total, BLOCK))
    cost_scorer = _cost_block_scorer(method, p, cost)

    def blocks() -> Iterator[np.ndarray]:
        if cost_samples is not None:
            given = np.asarray(cost_samples)
            for start in range(0, total, BLOCK):
                cb = np.array(given[start : start + BLOCK][:, perm], dtype=float, order="C")
                yield cost_scorer(W[start : start + BLOCK], cb)
            return
        rng = _cost_rng(seed)
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
    return Acceptability(ids, _count_ranks(blocks, len(ids), len(ids)), total, seed, concentration)


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
) -> Acceptability:
    """Rank acceptability for ranks 1..k only: ``rank_acceptability(...).counts[:, :k]``
    without sorting whole rows.

    Same arguments, samples (weights and prices), seed streams and tie policy as
    ``rank_acceptability`` (scores compared at 12 decimals, ties to the smaller id), so the
    counts are equal count for count. ``counts`` has shape (options, min(k, options));
    ``p_top(j)`` works for j <= k (any j when k >= the number of options) and raises
    ValueError beyond. Per sample it takes the k best options (k masked argmax passes, or
    a partition for larger k) instead of a full sort: O(options) instead of
    O(options log options).

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
    counts = _count_ranks(blocks, len(ids), min(int(k), len(ids)))
    return Acceptability(ids, counts, total, seed, concentration)


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
