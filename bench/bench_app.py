"""Dashboard rerun cost with AppTest: median server-side rerun after a weight change.

Budgets (issue "Streamlit dashboard"): <= 100 ms on the shipped data and <= 250 ms on
1,000 generated facilities. The reference is an empty app (one slider and st.write)
measured in the same process, so the ratio is robust to machine speed.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
EMPTY_APP = 'import streamlit as st\nv = st.slider("w", 0, 10, 5, key="w")\nst.write(v)\n'
ROUNDS = 9


def _reruns(at: AppTest, key: str, rounds: int = ROUNDS) -> float:
    times = []
    for i in range(rounds):
        start = time.perf_counter()
        at.slider(key=key).set_value(i % 10 + (1 if i % 10 == 0 else 0)).run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return statistics.median(times)


def generated_data(count: int, target: Path) -> Path:
    """A copy of the shipped data with ``count`` facility files (copies under new ids)."""
    shutil.copytree(ROOT / "data", target)
    shipped = sorted((target / "facilities").glob("*/*.yaml"))
    n = len(shipped)
    for i in range(count - n):
        src = shipped[i % n]
        new_id = f"{src.stem}-copy{i}"
        text = src.read_text(encoding="utf-8").replace(f"id: {src.stem}", f"id: {new_id}", 1)
        (src.parent / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    return target


def measure(data_dir: Path | None) -> tuple[float, float]:
    if data_dir is not None:
        os.environ["SPINE_DATA_DIR"] = str(data_dir)
    else:
        os.environ.pop("SPINE_DATA_DIR", None)
    floor = AppTest.from_string(EMPTY_APP, default_timeout=60).run()
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception, app.exception
    ours = _reruns(app, "w_cost")
    ref = _reruns(floor, "w")
    return ref, ours


def main() -> list[dict]:
    rows = []
    ref, ours = measure(None)
    rows.append(
        {
            "case": "rerun after weight change, shipped data",
            "reference": "empty app rerun",
            "ref_s": ref,
            "ours_s": ours,
            "budget_s": 0.100,
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        data = generated_data(1000, Path(tmp) / "data")
        ref, ours = measure(data)
        rows.append(
            {
                "case": "rerun after weight change, 1,000 facilities",
                "reference": "empty app rerun",
                "ref_s": ref,
                "ours_s": ours,
                "budget_s": 0.250,
            }
        )
    os.environ.pop("SPINE_DATA_DIR", None)
    return rows


def print_table(rows: list[dict]) -> bool:
    print(f"{'case':48} {'reference':18} {'ref':>9} {'ours':>9} {'ratio':>7} {'budget':>8}  ok")
    ok_all = True
    for r in rows:
        ok = r["ours_s"] <= r["budget_s"]
        ok_all &= ok
        print(
            f"{r['case']:48} {r['reference']:18} {r['ref_s'] * 1e3:7.1f}ms {r['ours_s'] * 1e3:7.1f}ms "
            f"{r['ours_s'] / r['ref_s']:6.1f}x {r['budget_s'] * 1e3:6.0f}ms  {'yes' if ok else 'NO'}"
        )
    return ok_all


if __name__ == "__main__":
    sys.exit(0 if print_table(main()) else 1)
