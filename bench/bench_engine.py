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
  guide's numpy top-1 path (one GEMM, argmax and bincount per block, no tie handling).

The weight samples are drawn once, outside the timings, and passed as ``weight_samples``
to every contender (Dirichlet sampling of 10,000 × 10 takes a few ms more).
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
from compare.robustness import rank1_counts, rank_acceptability, sample_weights  # noqa: E402
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
    k_ref, k_eng = _calls_per_round(reference), _calls_per_round(engine)
    ref, eng = [], []
    for _ in range(rounds):
        ref.append(_repeat(reference, k_ref))
        eng.append(_repeat(engine, k_eng))
    return statistics.median(ref), statistics.median(eng)


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
    rows += bench_large(100_000)
    print_table(rows)
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    return rows


if __name__ == "__main__":
    result = main()
    sys.exit(0 if all(r["ok"] for r in result) else 1)
