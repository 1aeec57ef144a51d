"""Benchmark the decision engine against pymcdm and plain numpy, measured in the same run.

Run ``python bench/bench_engine.py``; ``main()`` returns the rows it prints, and the
script exits 1 when a row misses its budget.

Every figure is the median of ``ROUNDS`` rounds; within a round the reference and the
engine alternate (A B A B ...) so that machine noise hits both alike. Calls shorter than
``MIN_ROUND_S`` are repeated within a round and divided. ``ratio`` is reference time ÷
engine time: above 1 the engine is faster. Budgets come from
/work/shared/guides/performance.md, section 6 (G1, G2):

* one ranking, n = 1,000, m = 10: >= 40x faster than pymcdm's default call (validation on)
  and faster than pymcdm with ``validation=False`` (issue 3), both with ``.rank()``; the
  engine is ``compare.scoring.rank_matrix``, the kernel ``score`` runs for complete data
  (matrix in, scores and ranks out, like pymcdm). ``score`` itself, which also builds the
  per-criterion contributions and missing lists, is shown for information;
* WSM, n = 100,000: <= 15 ms with ``rank_matrix``; the reference is the floor, a plain numpy weighted sum with
  min-max folded into the weights plus an argsort;
* SMAA, 10,000 weight samples, m = 10: full rank acceptability at n = 50 (<= 15 ms WSM,
  <= 20 ms TOPSIS) and n = 1,000 (<= 0.5 s), against a naive loop calling pymcdm once per
  sample, timed on a subset of the samples and extrapolated linearly (its per-sample
  cost is constant); peak extra memory at n = 1,000 <= 64 MB (tracemalloc, which sees
  numpy's buffers);
* P(rank 1) alone, n = 1,000: <= 20 ms with ``rank1_counts``; the reference is the
  guide's numpy top-1 path (one GEMM, argmax and bincount per block, no tie handling);
* SMAA with price uncertainty (the issue "Price uncertainty in the robustness analysis"):
  10,000 weight samples and, in each, the cost criterion ``c2`` drawn uniformly from its
  low-high range (``cost_range``; the engine draws its own costs inside the timing).
  Budgets: n = 1,000 <= 200 ms (WSM), checked on ``rank_top_counts(k=3)`` (ranks 1..3
  only: what ``compare.engine`` needs for P(rank 1) and P(top 3)) and on ``rank1_counts``
  (P(rank 1) alone); n = 50 <= 20 ms (WSM and TOPSIS), checked on ``rank_top_counts(k=3)``
  and on the full ``rank_acceptability``; peak extra memory at n = 1,000 <= 64 MB on all
  three entry points. The full ``rank_acceptability`` at n = 1,000 (a sort of every
  sample's scores) is shown for information, without a time budget.

  ``rank_top_counts`` is timed interleaved with the full ``rank_acceptability`` on the
  same samples (whose first three columns it reproduces count for count; checked before
  timing): the ratio is what skipping the full sort saves. The other two are each timed
  interleaved with two references: a naive loop that puts one sample's costs into the
  matrix and calls pymcdm, timed on a subset and extrapolated as above, and today's
  weight-only SMAA of the same entry point at the same n (its ratio, below 1, is the
  price of the prices). Their budget is checked once per case, on the row against the
  naive loop.

The weight samples are drawn once, outside the timings, and passed as ``weight_samples``
to every contender (Dirichlet sampling of 10,000 × 10 takes a few ms more). The naive
loops get their cost samples drawn in advance, too.
"""

from __future__ import annotations

import os

# On a 2-core machine shared with other processes, OpenBLAS's second thread stalls and
# small matrix products swing 5x between runs. One thread for every contender (set before
# numpy loads; override by exporting OPENBLAS_NUM_THREADS) keeps the ratios repeatable.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from compare.criteria import Objective  # noqa: E402
from compare.robustness import (  # noqa: E402
    rank1_counts,
    rank_acceptability,
    rank_top_counts,
    sample_costs,
    sample_weights,
)
from compare.scenario import Method  # noqa: E402
from compare.scoring import rank_matrix, score  # noqa: E402

ROUNDS = 7
MIN_ROUND_S = 0.05
SAMPLES = 10_000
M = 10


# ---- problems -----------------------------------------------------------------------


def make_problem(n: int, m: int = M, seed: int = 0):
    """Positive values, column scales 1 .. 1e6, criteria benefit, benefit, cost, benefit, cost, ...; Dirichlet(2) weights."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.05, 1.0, (n, m)) * 10.0 ** rng.uniform(0, 6, m)
    types = np.array([1, 1, -1, 1, -1] * (m // 5 + 1))[:m]
    w = rng.dirichlet(2.0 * np.ones(m))
    cols = [f"c{j}" for j in range(m)]
    values = pd.DataFrame(x, index=[f"opt-{i:06d}" for i in range(n)], columns=cols)
    objectives = {c: Objective.MAX if t > 0 else Objective.MIN for c, t in zip(cols, types, strict=True)}
    weights = dict(zip(cols, w, strict=True))
    return x, w, types, values, objectives, weights


# ---- timing -------------------------------------------------------------------------


def _repeat(fn: Callable[[], object], k: int) -> float:
    start = time.perf_counter()
    for _ in range(k):
        fn()
    return (time.perf_counter() - start) / k


def _calls_per_round(fn: Callable[[], object]) -> int:
    once = _repeat(fn, 1)  # also a warm-up
    return max(1, int(MIN_ROUND_S / max(once, 1e-7)))


def interleaved(reference: Callable[[], object], engine: Callable[[], object], rounds: int = ROUNDS):
    """Median seconds per call of each, alternating within every round."""
    ref, eng = interleaved_all([reference, engine], rounds)
    return ref, eng


def interleaved_all(contenders: list[Callable[[], object]], rounds: int = ROUNDS) -> list[float]:
    """Median seconds per call of each contender, taking turns (A B C A B C ...) in every round."""
    calls = [_calls_per_round(fn) for fn in contenders]
    times: list[list[float]] = [[] for _ in contenders]
    for _ in range(rounds):
        for fn, k, out in zip(contenders, calls, times, strict=True):
            out.append(_repeat(fn, k))
    return [statistics.median(t) for t in times]


def peak_extra_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        return (tracemalloc.get_traced_memory()[1] - base) / 2**20
    finally:
        tracemalloc.stop()


def row(case: str, reference: str, ref_s: float, eng_s: float, *, max_ms=None, min_ratio=None, note="") -> dict:
    ratio = ref_s / eng_s
    ok = (max_ms is None or eng_s * 1e3 <= max_ms) and (min_ratio is None or ratio >= min_ratio)
    budget = " and ".join(
        part
        for part in (
            f"<= {max_ms:g} ms" if max_ms is not None else "",
            f">= {min_ratio:g}x" if min_ratio is not None else "",
        )
        if part
    )
    return {
        "case": case,
        "reference": reference,
        "reference_ms": ref_s * 1e3,
        "engine_ms": eng_s * 1e3,
        "ratio": ratio,
        "budget": budget + (f" ({note})" if note else ""),
        "ok": ok,
    }


# ---- references ---------------------------------------------------------------------


def numpy_wsm_floor(x: np.ndarray, w: np.ndarray, types: np.ndarray) -> np.ndarray:
    """The guide's appendix A: min-max folded into the weights, one mat-vec, argsort rank."""
    mn, mx = x.min(0), x.max(0)
    span = np.where(mx - mn == 0, 1.0, mx - mn)
    benefit = types > 0
    a = np.where(benefit, w, -w) / span
    b = np.sum(np.where(benefit, -w * mn, w * mx) / span)
    s = x @ a + b
    order = np.argsort(-s)
    r = np.empty(len(s), np.int64)
    r[order] = np.arange(1, len(s) + 1)
    return r


def numpy_top1(x: np.ndarray, W: np.ndarray, types: np.ndarray, chunk: int = 1000) -> np.ndarray:
    """The guide's ``smaa_wsm_top1``: GEMM, argmax and bincount per chunk of samples."""
    mn, mx = x.min(0), x.max(0)
    nrm = (x - mn) / (mx - mn)
    nrm[:, types < 0] = 1.0 - nrm[:, types < 0]
    nt = np.ascontiguousarray(nrm.T)
    top = np.zeros(x.shape[0], np.int64)
    for s0 in range(0, W.shape[0], chunk):
        top += np.bincount(np.argmax(W[s0 : s0 + chunk] @ nt, axis=1), minlength=x.shape[0])
    return top


def pymcdm_method(method: Method):
    from pymcdm.methods import TOPSIS, WSM
    from pymcdm.normalizations import minmax_normalization, vector_normalization

    # Normalisation always explicit: pymcdm's defaults (sum WSM, min-max TOPSIS) rank differently.
    return WSM(minmax_normalization) if method is Method.WSM else TOPSIS(vector_normalization)


def naive_smaa(x, W, types, method: Method, validation: bool = True) -> np.ndarray:
    """One pymcdm call and one ``.rank()`` per weight sample, counted into an n × n matrix."""
    body = pymcdm_method(method)
    n = x.shape[0]
    acc = np.zeros((n, n), np.int64)
    cols = np.arange(n)
    for w in W:
        ranks = body.rank(body(x, w / w.sum(), types, validation=validation))
        acc[cols, np.asarray(ranks, dtype=int) - 1] += 1
    return acc


def naive_smaa_costs(x, W, C, types, method: Method, cost_col: int, top1: bool = False) -> np.ndarray:
    """``naive_smaa`` with price uncertainty: per sample, that sample's costs go into the
    matrix before the pymcdm call. ``top1`` counts only the winner (P(rank 1))."""
    body = pymcdm_method(method)
    n = x.shape[0]
    acc = np.zeros((n, n), np.int64)
    cols = np.arange(n)
    xs = x.copy()
    for w, c in zip(W, C, strict=True):
        xs[:, cost_col] = c
        p = body(xs, w / w.sum(), types)
        if top1:
            acc[np.argmax(p), 0] += 1
        else:
            acc[cols, np.asarray(body.rank(p), dtype=int) - 1] += 1
    return acc


# ---- cases --------------------------------------------------------------------------


def bench_single(n: int = 1000) -> list[dict]:
    """One ranking: the engine's kernel (``rank_matrix``: matrix in, scores and ranks out,
    the call ``score`` makes for complete data) against pymcdm doing the same."""
    x, w, types, values, objectives, weights = make_problem(n, seed=1)
    rows = []
    for method in (Method.WSM, Method.TOPSIS):
        body = pymcdm_method(method)
        name = "WSM(minmax)" if method is Method.WSM else "TOPSIS(vector)"

        def engine(method=method):
            return rank_matrix(x, w, types, method)

        def default(body=body):
            return body.rank(body(x, w, types))

        def unvalidated(body=body):
            return body.rank(body(x, w, types, validation=False))

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pymcdm warns about dominated alternatives
            ref, eng = interleaved(default, engine)
            rows.append(
                row(
                    f"one ranking {method.value}, n={n:,} m={M}",
                    f"pymcdm {name} default + .rank()",
                    ref,
                    eng,
                    min_ratio=40,
                )
            )
            ref, eng = interleaved(unvalidated, engine)
            rows.append(
                row(
                    f"one ranking {method.value}, n={n:,} m={M}",
                    f"pymcdm {name} validation=False + .rank()",
                    ref,
                    eng,
                    min_ratio=1.0,
                )
            )
    # For information: the full explained ranking (DataFrame in; scores, ranks, per-criterion
    # contributions and missing-criteria lists out), as the dashboard and CLI call it.
    body = pymcdm_method(Method.WSM)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref, eng = interleaved(lambda: body.rank(body(x, w, types)), lambda: score(values, objectives, weights))
    rows.append(
        row(
            f"  score() with explanations, n={n:,}",
            "pymcdm WSM(minmax) default + .rank()",
            ref,
            eng,
            note="information",
        )
    )
    return rows


def bench_large(n: int = 100_000) -> list[dict]:
    x, w, types, values, objectives, weights = make_problem(n, seed=2)
    ref, eng = interleaved(lambda: numpy_wsm_floor(x, w, types), lambda: rank_matrix(x, w, types, Method.WSM), rounds=5)
    return [row(f"one ranking wsm, n={n:,} m={M}", "numpy folded weighted sum + argsort (floor)", ref, eng, max_ms=15)]


def bench_smaa(n: int, method: Method, max_ms: float, min_ratio: float, subset: int) -> dict:
    x, w, types, values, objectives, weights = make_problem(n, seed=3)
    W = sample_weights(w, SAMPLES, concentration=10.0, seed=0)

    def engine():
        return rank_acceptability(values, objectives, weights, method=method, weight_samples=W)

    def naive():
        return naive_smaa(x, W[:subset], types, method)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref, eng = interleaved(naive, engine)
    scale = SAMPLES / subset
    return row(
        f"SMAA full acceptability {method.value}, n={n:,}, S={SAMPLES:,}",
        f"naive pymcdm loop: {subset} samples, x{scale:g}",
        ref * scale,
        eng,
        max_ms=max_ms,
        min_ratio=min_ratio,
    )


def bench_memory(n: int = 1000) -> dict:
    x, w, types, values, objectives, weights = make_problem(n, seed=3)
    W = sample_weights(w, SAMPLES, concentration=10.0, seed=0)
    rank_acceptability(values, objectives, weights, weight_samples=W)  # warm-up
    mb = peak_extra_mb(lambda: rank_acceptability(values, objectives, weights, weight_samples=W))
    full = SAMPLES * n * 8 / 2**20
    return {
        "case": f"SMAA wsm n={n:,}, S={SAMPLES:,}: peak extra memory",
        "reference": f"one S x n float64 matrix = {full:.0f} MB",
        "reference_ms": float("nan"),
        "engine_ms": float("nan"),
        "ratio": full / mb,
        "budget": "<= 64 MB",
        "ok": mb <= 64,
        "engine_text": f"{mb:.1f} MB",
        "reference_text": f"{full:.1f} MB",
    }


def bench_top1(n: int = 1000) -> dict:
    x, w, types, values, objectives, weights = make_problem(n, seed=4)
    W = sample_weights(w, SAMPLES, concentration=10.0, seed=0)
    ours = rank1_counts(values, objectives, weights, weight_samples=W)
    ref_counts = numpy_top1(x, W, types)
    if not np.array_equal(ours.to_numpy(), ref_counts):
        raise SystemExit("rank1_counts disagrees with the numpy top-1 reference")
    ref, eng = interleaved(
        lambda: numpy_top1(x, W, types), lambda: rank1_counts(values, objectives, weights, weight_samples=W)
    )
    return row(
        f"P(rank 1) only wsm, n={n:,}, S={SAMPLES:,}", "numpy GEMM + argmax + bincount (guide)", ref, eng, max_ms=20
    )


COST = "c2"  # make_problem's first lower-is-better criterion plays the price


def cost_problem(n: int, seed: int = 5):
    """``make_problem`` plus a low-high range around each option's ``c2`` (-20 % .. +25 %)."""
    x, w, types, values, objectives, weights = make_problem(n, seed=seed)
    rng = np.random.default_rng(seed + 1)
    low = values[COST] * rng.uniform(0.8, 1.0, n)
    high = values[COST] * rng.uniform(1.0, 1.25, n)
    return x, w, types, values, objectives, weights, low, high


TOP_K = 3  # compare.engine shows P(rank 1) and P(top 3)


def top_counts(*args, **kwargs):
    """``rank_top_counts`` with k = TOP_K."""
    return rank_top_counts(*args, k=TOP_K, **kwargs)


ENTRY = {
    "full": (rank_acceptability, "full acceptability"),
    "rank1": (rank1_counts, "P(rank 1)"),
    "top": (top_counts, f"rank_top_counts(k={TOP_K})"),
}


def bench_smaa_costs(n: int, method: Method, entry: str, max_ms: float | None, subset: int) -> list[dict]:
    """Price uncertainty: the engine against the naive loop (budget, or information when
    ``max_ms`` is None) and the weight-only SMAA (information)."""
    x, w, types, values, objectives, weights, low, high = cost_problem(n)
    fn, label = ENTRY[entry]
    W = sample_weights(w, SAMPLES, concentration=10.0, seed=0)
    C = sample_costs(low.to_numpy(), high.to_numpy(), subset, seed=1)
    j = list(values.columns).index(COST)

    def engine():
        return fn(
            values, objectives, weights, method=method, weight_samples=W, cost_range=(low, high), cost_column=COST
        )

    def weights_only():
        return fn(values, objectives, weights, method=method, weight_samples=W)

    def naive():
        return naive_smaa_costs(x, W[:subset], C, types, method, j, top1=entry == "rank1")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # The reference computes the same thing: on its samples the engine agrees count for count.
        same = fn(
            values, objectives, weights, method=method, weight_samples=W[:subset], cost_samples=C, cost_column=COST
        )
        same = same.counts[:, 0] if entry == "full" else same.to_numpy()
        if not np.array_equal(same, naive()[:, 0]):
            raise SystemExit(f"{fn.__name__} with cost samples disagrees with the naive pymcdm loop")
        ref, eng, plain = interleaved_all([naive, engine, weights_only])
    scale = SAMPLES / subset
    case = f"SMAA + price uncertainty, {label} {method.value}, n={n:,}, S={SAMPLES:,}"
    return [
        row(
            case,
            f"naive pymcdm loop, costs per sample: {subset} samples, x{scale:g}",
            ref * scale,
            eng,
            max_ms=max_ms,
            note="" if max_ms is not None else "information",
        ),
        row(f"  {fn.__name__}, same run", "the same SMAA without price uncertainty", plain, eng, note="information"),
    ]


def bench_top_costs(n: int, method: Method, max_ms: float) -> dict:
    """Price uncertainty, ranks 1..TOP_K only: ``rank_top_counts`` against the full
    ``rank_acceptability`` on the same samples (the engine's call before it)."""
    x, w, types, values, objectives, weights, low, high = cost_problem(n)
    W = sample_weights(w, SAMPLES, concentration=10.0, seed=0)
    kw = {"method": method, "weight_samples": W, "cost_range": (low, high), "cost_column": COST}

    def engine():
        return top_counts(values, objectives, weights, **kw)

    def full():
        return rank_acceptability(values, objectives, weights, **kw)

    if not np.array_equal(engine().counts, full().counts[:, :TOP_K]):
        raise SystemExit("rank_top_counts disagrees with rank_acceptability's first columns")
    ref, eng = interleaved(full, engine)
    return row(
        f"SMAA + price uncertainty, rank_top_counts(k={TOP_K}) {method.value}, n={n:,}, S={SAMPLES:,}",
        "rank_acceptability (full sort), same samples and run",
        ref,
        eng,
        max_ms=max_ms,
    )


def bench_memory_costs(n: int = 1000) -> list[dict]:
    """Peak extra memory with price uncertainty, every entry point, beside the weight-only run."""
    x, w, types, values, objectives, weights, low, high = cost_problem(n)
    W = sample_weights(w, SAMPLES, concentration=10.0, seed=0)
    rows = []
    for entry in ("full", "top", "rank1"):
        fn, label = ENTRY[entry]

        def engine(fn=fn):
            return fn(values, objectives, weights, weight_samples=W, cost_range=(low, high), cost_column=COST)

        def weights_only(fn=fn):
            return fn(values, objectives, weights, weight_samples=W)

        engine()  # warm-up
        mb, plain_mb = peak_extra_mb(engine), peak_extra_mb(weights_only)
        rows.append(
            {
                "case": f"SMAA + price uncertainty, {label} wsm n={n:,}, S={SAMPLES:,}: peak extra memory",
                "reference": "the same SMAA without price uncertainty",
                "reference_ms": float("nan"),
                "engine_ms": float("nan"),
                "ratio": plain_mb / mb,
                "budget": "<= 64 MB",
                "ok": mb <= 64,
                "engine_text": f"{mb:.1f} MB",
                "reference_text": f"{plain_mb:.1f} MB",
            }
        )
    return rows


def print_table(rows: list[dict]) -> None:
    header = ["case", "reference", "reference time", "engine time", "ratio", "budget", "ok"]

    def fmt_ms(v: float) -> str:
        return f"{v / 1e3:.2f} s" if v >= 1e3 else f"{v:.3f} ms" if v < 10 else f"{v:.1f} ms"

    cells = [
        [
            r["case"],
            r["reference"],
            r.get("reference_text") or fmt_ms(r["reference_ms"]),
            r.get("engine_text") or fmt_ms(r["engine_ms"]),
            f"{r['ratio']:.1f}x" if r["ratio"] >= 1 else f"{r['ratio']:.2f}x",
            r["budget"],
            "ok" if r["ok"] else "OVER",
        ]
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(header, *cells, strict=True)]
    for line in [header, ["-" * w for w in widths], *cells]:
        print(" | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)), flush=True)


def main() -> list[dict]:
    # Other processes on a 2-core machine stall OpenBLAS's second thread; the load average
    # tells the reader how quiet the machine was.
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    rows: list[dict] = []
    rows += bench_single(1000)
    rows.append(bench_smaa(50, Method.WSM, max_ms=15, min_ratio=500, subset=250))
    rows.append(bench_smaa(50, Method.TOPSIS, max_ms=20, min_ratio=500, subset=250))
    rows.append(bench_smaa(1000, Method.WSM, max_ms=500, min_ratio=200, subset=20))
    rows.append(bench_memory(1000))
    rows.append(bench_top1(1000))
    rows += bench_smaa_costs(50, Method.WSM, "full", max_ms=20, subset=250)
    rows += bench_smaa_costs(50, Method.TOPSIS, "full", max_ms=20, subset=250)
    rows.append(bench_top_costs(50, Method.WSM, max_ms=20))
    rows.append(bench_top_costs(50, Method.TOPSIS, max_ms=20))
    rows += bench_smaa_costs(1000, Method.WSM, "full", max_ms=None, subset=20)  # information
    rows.append(bench_top_costs(1000, Method.WSM, max_ms=200))
    rows += bench_smaa_costs(1000, Method.WSM, "rank1", max_ms=200, subset=20)
    rows += bench_memory_costs(1000)
    rows += bench_large(100_000)
    print_table(rows)
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    return rows


if __name__ == "__main__":
    result = main()
    sys.exit(0 if all(r["ok"] for r in result) else 1)
