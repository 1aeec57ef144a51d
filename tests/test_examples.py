"""The README's analyst example runs as a user would run it: a script, from another folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def test_analyst_api_example_runs_from_another_folder(tmp_path):
    out = tmp_path / "exports"
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "analyst_api.py"), str(out)],
        cwd=tmp_path,  # not the checkout: `import compare` must come from the installed package
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "facilities in" in run.stdout and "cost component(s) not reported" in run.stdout
    ranking = pd.read_csv(out / "ranking.csv")
    assert len(ranking) > 0 and set(ranking["country"]) <= {"TH", "TR", "MY"}
    components = pd.read_csv(out / "components.csv")
    assert set(components["facility_id"]) == set(ranking["facility_id"])
    book = openpyxl.load_workbook(out / "comparison.xlsx")
    assert book.sheetnames == ["ranking", "components", "robustness"]
