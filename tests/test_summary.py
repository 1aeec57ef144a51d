"""Coverage counts: what ``compare validate --summary`` prints, on hand-made and shipped data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers_costs import make_data

from compare.data import load_dataset, summary

ROOT = Path(__file__).resolve().parents[1]


def by_key(counts):
    return {c.key: c for c in counts}


def test_counts_on_hand_made_data(tmp_path):
    ds = load_dataset(make_data(tmp_path / "d"), use_cache=False)
    c = by_key(summary.coverage(ds))
    assert (c["facilities"].value, c["countries"].value) == (4, 3)
    # Only th-alpha has a price of its own; the country figures and the GB baseline do not count.
    assert c["facility_prices"].value == 1
    assert c["price_rows"].value == 5  # estimates: not the baseline, not the context figure
    assert (c["techniques"].value, c["techniques"].of) == (0, 4)
    assert c["facilities"].met is False and c["techniques"].met is False
    assert c["facilities"].text() == "4  target 150: NOT MET"
    assert c["techniques"].text() == "0 of 4 (0%)  target 60%: NOT MET"
    # Sources by kind add up to the distinct sources, and each kind is counted once per address.
    kinds = [v for k, v in c.items() if k.startswith("sources_")]
    assert sum(k.value for k in kinds) == c["sources"].value
    assert c["sources"].value == len({s.reference for s in summary.all_sources(ds)})


def test_a_count_with_a_share_target():
    count = summary.Count("x", "X", 3, of=4, target=0.6)
    assert count.share == 0.75 and count.met is True
    assert summary.Count("y", "Y", 0, of=0, target=0.5).met is False


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "compare", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_validate_summary_prints_every_count_and_its_target(shipped):
    result = run("validate", "--summary")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["Facilities", str(len(shipped.facilities))]
    assert any(line.startswith("Countries") and "target 30" in line for line in lines)
    assert any(line.startswith("Facilities with their own operation price") for line in lines)
    assert "0 errors" in lines[-1]


def test_validate_summary_as_json_matches_the_dataset(shipped):
    result = run("validate", "--summary", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    counts = {row["key"]: row for row in data["counts"]}
    assert counts["facilities"]["value"] == len(shipped.facilities)
    assert counts["countries"]["value"] == shipped.facilities["country"].nunique()
    assert counts["facilities"]["met"] is (len(shipped.facilities) >= 150)
    assert data["errors"] == 0


def test_validate_summary_exits_1_when_the_data_has_errors(tmp_path):
    root = make_data(tmp_path / "d")
    path = root / "facilities" / "th" / "th-alpha.yaml"
    path.write_text(path.read_text().replace("kind: registry", "kind: gossip"), encoding="utf-8")
    result = run("validate", str(root), "--summary")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].split()[:2] == ["Facilities", "3"]
    # The bad source kind, and th-alpha's own price, which now names an unknown facility.
    assert "2 errors" in result.stdout.splitlines()[-1]
