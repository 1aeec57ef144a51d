"""Benchmark the data loader against plain parsers measured in the same run.

Run ``python bench/bench_load.py``; ``main()`` returns the rows it prints.

Cases:

* cold parse per facility record (shipped data and 1,000 generated extra facility
  files): ``load_dataset(use_cache=False)`` time divided by the number of facility
  files, against ``yaml.load(..., CSafeLoader)`` of the same files (no validation);
* cached load (shipped and generated): a repeated ``load_dataset`` of an unchanged
  folder, against ``json.load`` of the same facility records from one JSON file;
* open data (information, no budget): reading and checking the per diem and Passport
  Index files (about 41,000 rows), against ``pandas.read_csv`` of the same files. A
  process pays it once: ``load_dataset`` remembers the parsed files by their stat
  signature, so the cold rows above measure the curated files.

Every figure is the median of ``ROUNDS`` rounds; reference and loader alternate within
each round so that machine noise hits both alike.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from compare.data import (  # noqa: E402
    DEFAULT_DATA_DIR,
    load_dataset,
    opendata,  # noqa: E402
)

ROUNDS = 5
GENERATED = 1_000
COLD_BUDGET_MS = 1.5  # per facility record
CACHED_BUDGET_MS = 50.0  # per load
_ID_LINE = re.compile(r"^id: .*$", re.MULTILINE)


def facility_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "facilities").glob("*/*.yaml"))


def generate(data_dir: Path, target: Path, count: int = GENERATED) -> Path:
    """Copy ``data_dir`` to ``target`` and add ``count`` facility files cloned from the shipped ones."""
    shutil.copytree(data_dir, target)
    sources = facility_files(data_dir)
    if not sources:
        raise SystemExit(f"no facility files in {data_dir}")
    for i in range(count):
        src = sources[i % len(sources)]
        country = src.parent.name
        new_id = f"{country}-bench-{i:04d}"
        text, n = _ID_LINE.subn(f"id: {new_id}", src.read_text(encoding="utf-8"), count=1)
        if n != 1:
            raise SystemExit(f"{src}: no top-level 'id:' line to rewrite")
        (target / "facilities" / country / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    return target


def _time(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _medians(reference: Callable[[], object], ours: Callable[[], object], rounds: int) -> tuple[float, float]:
    ref_times, our_times = [], []
    for _ in range(rounds):
        ref_times.append(_time(reference))
        our_times.append(_time(ours))
    return statistics.median(ref_times), statistics.median(our_times)


def _yaml_reference(files: list[Path]) -> Callable[[], object]:
    def run() -> list[object]:
        return [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader) for p in files]

    return run


def _json_reference(files: list[Path], scratch: Path) -> Callable[[], object]:
    records = [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader) for p in files]
    path = scratch / f"records-{len(files)}.json"
    path.write_text(json.dumps(records, default=str), encoding="utf-8")

    def run() -> object:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)

    return run


def _row(case: str, reference: str, ref_s: float, ours_s: float, budget_ms: float, per: int = 1) -> dict:
    ref_ms, ours_ms = ref_s * 1000 / per, ours_s * 1000 / per
    return {
        "case": case,
        "reference": reference,
        "reference_ms": ref_ms,
        "ours_ms": ours_ms,
        "ratio": ours_ms / ref_ms if ref_ms else float("inf"),
        "budget_ms": budget_ms,
        "ok": ours_ms <= budget_ms,
    }


def bench_dir(label: str, data_dir: Path, scratch: Path, rounds: int) -> list[dict]:
    files = facility_files(data_dir)
    n = len(files)
    ds = load_dataset(data_dir, use_cache=False)
    if ds.errors:
        raise SystemExit(f"{label}: {len(ds.errors)} data errors, first: {ds.errors[0]}")
    rows = []
    ref, ours = _medians(_yaml_reference(files), lambda: load_dataset(data_dir, use_cache=False), rounds)
    rows.append(
        _row(f"cold parse per record, {label} ({n} files)", "yaml.load CSafeLoader", ref, ours, COLD_BUDGET_MS, n)
    )
    first = load_dataset(data_dir)  # fill the cache
    ref, ours = _medians(_json_reference(files, scratch), lambda: load_dataset(data_dir), rounds)
    if load_dataset(data_dir) is not first:
        raise SystemExit(f"{label}: the cached load re-parsed the data")
    rows.append(_row(f"cached load, {label} ({n} files)", f"json.load of {n} records", ref, ours, CACHED_BUDGET_MS))
    return rows


def bench_open_data(data_dir: Path, rounds: int) -> dict:
    ds = load_dataset(data_dir)
    per_diem, visas = data_dir / ds.travel.per_diem.file, data_dir / ds.travel.visas.file

    def reference() -> object:
        return pd.read_csv(per_diem, dtype=str), pd.read_csv(visas, dtype=str)

    def ours() -> object:
        return opendata.read_per_diem(per_diem, "p"), opendata.read_visa_rules(visas, "v")

    ref, our = _medians(reference, ours, rounds)
    row = _row("open data read and checked (per diem + Passport Index)", "pandas.read_csv", ref, our, float("inf"))
    return {**row, "budget_ms": None}


def print_table(rows: list[dict]) -> None:
    header = ["case", "reference", "reference time", "ours", "ratio", "budget", "ok"]
    cells = [
        [
            r["case"],
            r["reference"],
            f"{r['reference_ms']:.3f} ms",
            f"{r['ours_ms']:.3f} ms",
            f"{r['ratio']:.1f}x",
            "(information)" if r["budget_ms"] is None else f"<= {r['budget_ms']:g} ms",
            "ok" if r["ok"] else "OVER",
        ]
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *cells, strict=True)]
    for line in [header, ["-" * w for w in widths], *cells]:
        print(" | ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)))


def main(rounds: int = ROUNDS, data_dir: Path = DEFAULT_DATA_DIR) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        scratch = Path(tmp)
        rows += bench_dir("shipped", Path(data_dir), scratch, rounds)
        rows.append(bench_open_data(Path(data_dir), rounds))
        big = generate(Path(data_dir), scratch / "data")
        rows += bench_dir(f"shipped + {GENERATED:,} generated", big, scratch, rounds)
    print_table(rows)
    return rows


if __name__ == "__main__":
    result = main()
    sys.exit(0 if all(r["ok"] for r in result) else 1)
