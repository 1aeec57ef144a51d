"""The data commands of ``python -m compare``, run as a user would run them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
RECENT = (dt.date.today() - dt.timedelta(days=90)).strftime("%Y-%m")
PROBLEM_LINE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")

FACILITY = f"""id: in-zz-cli
name: CLI Test Hospital
country: IN
city: Pune
summary: A made-up record used only by the tests.
location: {{lat: 18.5, lon: 73.8, airport: PNQ, source: site}}
sources:
  site: {{url: "https://example.org/cli", as_of: {RECENT}, kind: press, evidence: press}}
techniques:
  - {{id: mis_tlif, source: site}}
"""


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "compare", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def copy_data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    return root


def test_validate_shipped_data_exits_0():
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "0 errors" in result.stderr
    for line in result.stdout.splitlines():  # only warnings may be listed
        assert PROBLEM_LINE.match(line) and ": warning: " in line, line


def test_validate_explicit_folder_matches_default():
    assert run("validate", "data").stdout == run("validate").stdout


def test_validate_lists_every_problem_in_one_run_and_exits_1(tmp_path):
    root = copy_data(tmp_path)
    facility = FACILITY.replace("id: mis_tlif", "id: laser_magic")
    (root / "facilities" / "in" / "in-zz-cli.yaml").write_text(facility, encoding="utf-8")
    (root / "facilities" / "in" / "in-zz-dupe.yaml").write_text(
        FACILITY.replace("in-zz-cli", "in-zz-dupe").replace("city: Pune", "city: Pune\ncity: Goa"), encoding="utf-8"
    )
    prices = root / "prices" / "procedure_prices.csv"
    text = prices.read_text(encoding="utf-8")
    price_line = text.count("\n") + 1
    prices.write_text(
        text + f"zz-cli,IN,,lumbar_fusion,estimate,-5,10,USD,,,x,https://example.org/p,Daily,press,{RECENT},press,\n",
        encoding="utf-8",
    )
    origins = root / "origins.csv"
    text = origins.read_text(encoding="utf-8")
    origin_line = text.count("\n") + 1
    origins.write_text(text + "zz-cli,NA,IN,18.5,73.8,PNQ,INR,test,registry\n", encoding="utf-8")

    result = run("validate", str(root))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for line in result.stdout.splitlines():
        assert PROBLEM_LINE.match(line), f"not file:line: field: message: {line!r}"
    errors = {
        (m["file"], int(m["line"]), m["field"])
        for m in map(PROBLEM_LINE.match, result.stdout.splitlines())
        if not m["message"].startswith("warning: ")
    }
    technique_line = facility.splitlines().index("  - {id: laser_magic, source: site}") + 1
    assert errors == {
        ("data/facilities/in/in-zz-cli.yaml", technique_line, "techniques.0.id"),
        ("data/facilities/in/in-zz-dupe.yaml", 5, "city"),
        ("data/prices/procedure_prices.csv", price_line, "price_low"),
        ("data/origins.csv", origin_line, "city"),
    }
    assert "laser_magic" in result.stdout
    assert "4 errors" in result.stderr


def test_validate_with_only_stale_figures_exits_0_and_warns(tmp_path):
    root = copy_data(tmp_path)
    (root / "facilities" / "in" / "in-zz-cli.yaml").write_text(
        FACILITY.replace(f"as_of: {RECENT}", "as_of: 2001-01"), encoding="utf-8"
    )
    result = run("validate", str(root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(
        r"^data/facilities/in/in-zz-cli\.yaml:\d+: sources\.site\.as_of: warning: stale", result.stdout, re.M
    )
    quiet = run("validate", str(root), "--quiet-warnings")
    assert quiet.returncode == 0 and quiet.stdout == ""


@pytest.mark.parametrize("where", ["does/not/exist", "data/README.md"])
def test_validate_on_a_missing_folder_exits_2_without_traceback(where):
    result = run("validate", where)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert "not a directory" in result.stderr


def test_facilities_csv_has_one_row_per_facility_with_sources(shipped):
    result = run("facilities", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert len(rows) == len(shipped.facilities)
    assert {r["id"] for r in rows} == set(shipped.facilities["id"])
    columns = rows[0].keys()
    for f in set(shipped.facts["field"]):
        assert {f, f"{f}_source", f"{f}_as_of", f"{f}_evidence"} <= columns
    with_location = [r for r in rows if r["location"]]
    assert with_location and all(r["location_source"].startswith("http") for r in with_location)


def test_facilities_json_and_out_file(tmp_path, shipped):
    result = run("facilities", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) == len(shipped.facilities)
    assert all("location_source" in r and "location_evidence" in r for r in records)

    out = tmp_path / "facilities.csv"
    result = run("facilities", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    written = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert len(written) == len(shipped.facilities)


def test_facilities_out_to_an_unwritable_place_exits_2(tmp_path):
    result = run("facilities", "--out", str(tmp_path / "no" / "such" / "dir" / "f.csv"))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_facilities_csv_neutralizes_a_hostile_name(tmp_path):
    root = copy_data(tmp_path)
    (root / "facilities" / "in" / "in-zz-cli.yaml").write_text(
        FACILITY.replace("name: CLI Test Hospital", "name: '=HYPERLINK(\"http://evil\")'"), encoding="utf-8"
    )
    result = run("facilities", "--data", str(root), "--format", "csv")
    assert result.returncode == 0, result.stderr
    row = next(r for r in csv.DictReader(io.StringIO(result.stdout, newline="")) if r["id"] == "in-zz-cli")
    assert row["name"] == '\'=HYPERLINK("http://evil")'
