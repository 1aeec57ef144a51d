"""``python -m compare rank`` end to end on the shipped data.

The main flows and one case of each kind of error run as real processes, once, up front
and a few at a time (``runs``), because each process pays about a second of imports.
Every error case also runs through ``cli.main`` in this process.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from compare import cli
from compare.engine import rank
from compare.scenario import Filters, Method, MissingPolicy, Scenario

ROOT = Path(__file__).resolve().parents[1]

SAVED = Scenario(
    origin="berlin",
    currency="EUR",
    procedure="fusion_2l_open",
    companion=True,
    lodging_tier="budget",
    recovery_days=21,
    flight_fare=650.5,
    filters=Filters(countries=["TH", "IN", "TR", "SG", "MY"], budget=80000),
    weights={
        "cost": 7,
        "accreditation": 3.5,
        "volume": 0,
        "technology": 2,
        "outcomes": 1,
        "services": 4,
        "travel": 6,
        "confidence": 2,
    },
    method=Method.TOPSIS,
    missing=MissingPolicy.MEDIAN,
)
SAVED_FLAGS = [
    "--origin", "berlin", "--currency", "EUR", "--procedure", "fusion_2l_open", "--companion",
    "--lodging", "budget", "--recovery-days", "21", "--flight-fare", "650.5",
    "--country", "th", "--country", "IN", "--country", "TR", "--country", "SG", "--country", "MY",
    "--budget", "80000",
    "--weight", "cost=7", "--weight", "accreditation=3.5", "--weight", "volume=0", "--weight", "technology=2",
    "--weight", "outcomes=1", "--weight", "services=4", "--weight", "travel=6", "--weight", "confidence=2",
    "--method", "topsis", "--missing", "median",
]  # fmt: skip

# Bad values caught by argparse (it prints its usage block, then one "error:" line).
ARGPARSE_ERRORS = {
    "lodging": (["--lodging", "luxury"], "--lodging"),
    "recovery-not-int": (["--recovery-days", "abc"], "--recovery-days"),
    "method": (["--method", "ahp"], "--method"),
    "fare-not-number": (["--flight-fare", "cheap"], "--flight-fare"),
    "seat": (["--seat", "first"], "--seat"),
    "cost-basis": (["--cost-basis", "cheapest"], "--cost-basis"),
    "recommended-unknown": (["--recommended-at-home", "maybe"], "--recommended-at-home"),
}
# Bad values caught by the command itself: exactly one line on stderr.
VALUE_ERRORS = {
    "unknown-origin": (["--origin", "atlantis"], "unknown origin 'atlantis'"),
    "unknown-currency": (["--currency", "XYZ"], "no exchange rate for 'XYZ'"),
    "weight-not-number": (["--weight", "cost=lots"], "--weight cost"),
    "weight-no-equals": (["--weight", "cost"], "CRITERION=NUMBER"),
    "weight-unknown": (["--weight", "beauty=3"], "unknown criterion 'beauty'"),
    "weight-all-zero": ([f"--weight={c}=0" for c in SAVED.preferences.weights], "at least one weight"),
    "recovery-too-long": (["--recovery-days", "500"], "recovery_days"),
    "budget-negative": (["--budget", "-5"], "budget"),
    "fare-nan": (["--flight-fare", "nan"], "flight_fare"),
    "fare-absurd": (["--flight-fare", "60000"], "a return fare of 60,000 USD is above 50,000 USD"),
    "fare-by-country-absurd": (["--currency", "gbp", "--fare", "TH=40000"], "is above 50,000 USD"),
    "fare-by-country-malformed": (["--fare", "TH=abc"], "'TH=abc' is not COUNTRY=AMOUNT"),
    "fare-by-country-negative": (["--fare", "TH=-5"], "'TH=-5' is not COUNTRY=AMOUNT"),
    "fare-unknown-country": (["--fare", "XX=5"], "unknown country code 'XX'"),
    "passport-unknown": (["--passport", "ZZ"], "unknown passport 'ZZ'"),
    "technique-unknown": (["--require", "MIS-TLIF"], "unknown technique 'MIS-TLIF'; did you mean 'mis_tlif'?"),
    "country-unknown": (["--country", "UK"], "unknown country code 'UK': use ISO 3166-1 alpha-2"),
    "accreditation-unknown": (["--accreditation", "jcia"], "unknown accreditation 'jcia'; did you mean 'jci'?"),
    "insurance-absurd": (["--complication-insurance", "200000"], "is above 100,000 USD"),
    "insurance-negative": (["--complication-insurance", "-5"], "complication_insurance"),
    "samples-zero": (["--samples", "0"], "--samples"),
    "confidence-nan": (["--sensitivity", "--confidence", "nan"], "concentration must be a finite number"),
    "missing-scenario": (["--scenario", "/nonexistent/scenario.yaml"], "cannot read"),
    "missing-data-dir": (["--data", "/nonexistent/data"], "not a directory"),
}
# Malformed scenario files: name -> (file content, words in the message).
BAD_SCENARIOS = {
    "yaml-syntax": ("origin: [london\ncurrency: GBP\n", "bad.yaml"),
    "unknown-field": ("origin: london\ncolour: blue\n", "colour: unknown field"),
    "wrong-type": ("origin: london\nrecovery_days: lots\n", "recovery_days"),
    "not-a-mapping": ("- london\n- GBP\n", "expected a mapping"),
    "bad-weights": ("weights: {cost: 0, accreditation: 0, volume: 0, technology: 0, outcomes: 0, services: 0, travel: 0, confidence: 0}\n", "at least one weight"),
    "binary": ("\x00\x01\x02", "binary"),
    "bad-filter": ("filters: {budget: -3}\n", "filters.budget"),
}  # fmt: skip


SUBPROCESS_ERRORS = ["lodging", "unknown-origin", "weight-not-number", "confidence-nan"]


def bad_scenario(folder: Path, name: str) -> Path:
    path = folder / name / "bad.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(BAD_SCENARIOS[name][0].encode("utf-8"))
    return path


def _run(args: list[str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SPINE_DATA_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "compare", "rank", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    tmp = tmp_path_factory.mktemp("cli")
    saved = tmp / "saved.yaml"
    saved.write_text(SAVED.to_yaml(), encoding="utf-8")
    london = tmp / "london.yaml"
    london.write_text(Scenario(origin="london", currency="GBP").to_yaml(), encoding="utf-8")
    commands = {
        "csv": ["--origin", "london", "--currency", "GBP"],
        "json": ["--origin", "london", "--currency", "GBP", "--format", "json"],
        "sensitivity": ["--origin", "london", "--currency", "GBP", "--sensitivity", "--samples", "2000", "--seed", "5"],
        "saved-file": ["--scenario", str(saved)],
        "saved-flags": SAVED_FLAGS,
        "override-file": ["--scenario", str(london), "--origin", "berlin", "--currency", "EUR", "--method", "topsis"],
        "override-flags": ["--origin", "berlin", "--currency", "EUR", "--method", "topsis"],
        "out": ["--origin", "london", "--currency", "GBP", "--out", str(tmp / "out.csv")],
        "empty": ["--origin", "london", "--country", "NO"],
    }
    # One real process per kind of error; every case also runs in-process below.
    for name in SUBPROCESS_ERRORS:
        commands[f"bad:{name}"] = {**ARGPARSE_ERRORS, **VALUE_ERRORS}[name][0]
    path = bad_scenario(tmp, "yaml-syntax")
    commands["scenario:yaml-syntax"] = ["--scenario", str(path)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = dict(zip(commands, pool.map(_run, commands.values()), strict=True))
    done["out-file"] = (tmp / "out.csv").read_text(encoding="utf-8")
    return done


def ok(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def csv_table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), keep_default_na=True)


def test_csv_output_is_the_engines_ranking(runs, shipped):
    t = csv_table(ok(runs["csv"]))
    expected = rank(shipped, Scenario(origin="london", currency="GBP")).table
    assert t["facility_id"].tolist() == expected.index.tolist()
    assert t["rank"].tolist() == list(range(1, len(expected) + 1))
    # CSV floats keep twelve significant digits (no binary noise such as 2952.1020479999997).
    np.testing.assert_allclose(t["score"].to_numpy(), expected["score"].to_numpy(), rtol=5e-12, atol=0)
    np.testing.assert_allclose(t["cost_value"].to_numpy(), expected["cost"].to_numpy(), rtol=5e-12, atol=0)
    assert all(len(repr(v).replace(".", "").lstrip("0")) <= 13 for v in t["cost_value"].dropna())
    assert (t["currency"] == "GBP").all()
    contrib = t[[c for c in t.columns if c.endswith("_contribution")]].sum(axis=1)
    np.testing.assert_allclose(contrib, t["score"], rtol=0, atol=1e-10)
    assert "p_rank1" not in t


def test_json_output_matches_csv(runs):
    t = csv_table(ok(runs["csv"]))
    records = json.loads(ok(runs["json"]))
    assert isinstance(records, list) and len(records) == len(t)
    assert [r["facility_id"] for r in records] == t["facility_id"].tolist()
    assert [r["rank"] for r in records] == t["rank"].tolist()
    np.testing.assert_allclose([r["score"] for r in records], t["score"], rtol=5e-12, atol=0)  # CSV: 12 digits
    assert set(records[0]) == set(t.columns)


def test_sensitivity_columns(runs, shipped):
    t = csv_table(ok(runs["sensitivity"]))
    assert t["p_rank1"].sum() == pytest.approx(1.0, abs=1e-9)
    assert t["p_top3"].sum() == pytest.approx(3.0, abs=1e-9)
    expected = rank(shipped, Scenario(origin="london", currency="GBP"), sensitivity=True, samples=2000, seed=5).table
    np.testing.assert_array_equal(t["p_rank1"].to_numpy(), expected["p_rank1"].to_numpy())
    # Sensitivity does not change the ranking itself.
    base = csv_table(ok(runs["csv"]))
    assert t["facility_id"].tolist() == base["facility_id"].tolist()


def test_saved_scenario_gives_exactly_the_same_csv_as_the_flags(runs):
    from_file = ok(runs["saved-file"])
    assert from_file == ok(runs["saved-flags"])
    t = csv_table(from_file)
    assert 0 < len(t) and set(t["country"]) <= {"TH", "IN", "TR", "SG", "MY"}
    assert (t["flights_low"] == 650.5 * 2).all()  # the fare is per traveller


def test_flags_override_a_scenario_file(runs):
    assert ok(runs["override-file"]) == ok(runs["override-flags"])
    assert ok(runs["override-file"]) != ok(runs["csv"])


def test_out_writes_the_same_bytes(runs):
    assert ok(runs["out"]) == ""
    assert runs["out-file"] == ok(runs["csv"])


def test_empty_result_says_which_filter_and_keeps_the_header(runs):
    proc = runs["empty"]
    lines = ok(proc).splitlines()
    assert len(lines) == 1 and lines[0].startswith("rank,facility_id,name,")
    assert list(csv_table(ok(proc)).columns) == list(csv_table(ok(runs["csv"])).columns)
    assert "in NO" in proc.stderr


def test_ids_are_read_in_any_case(shipped):
    upper = in_process(["--accreditation", "JCI", "--country", "th", "--format", "csv"])
    lower = in_process(["--accreditation", "jci", "--country", "TH", "--format", "csv"])
    assert upper.returncode == lower.returncode == 0, upper.stderr
    assert upper.stdout == lower.stdout
    t = csv_table(upper.stdout)
    assert len(t) > 0 and set(t["country"]) == {"TH"}
    assert (
        in_process(["--require", "MIS_TLIF", "--format", "csv"]).stdout
        == in_process(["--require", "mis_tlif", "--format", "csv"]).stdout
    )


def in_process(args: list[str]) -> subprocess.CompletedProcess:
    """``cli.main`` in this process, with the exit code and both streams captured.

    Any exception other than argparse's ``SystemExit`` propagates and fails the test:
    that is the traceback a user would see.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(["rank", *args])
        except SystemExit as exc:
            code = exc.code
    return subprocess.CompletedProcess(["rank", *args], code, out.getvalue(), err.getvalue())


def usage_error(proc: subprocess.CompletedProcess) -> list[str]:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    return [line for line in proc.stderr.splitlines() if line.strip()]


def check_parser_error(proc: subprocess.CompletedProcess, flag: str) -> None:
    lines = usage_error(proc)
    errors = [line for line in lines if "error:" in line]
    assert len(errors) == 1
    assert flag in errors[0]
    assert lines[-1] == errors[0]


def check_one_line(proc: subprocess.CompletedProcess, words: str) -> None:
    lines = usage_error(proc)
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    assert words in lines[0]


@pytest.mark.parametrize("name", SUBPROCESS_ERRORS)
def test_bad_values_in_a_real_process(runs, name):
    if name in ARGPARSE_ERRORS:
        check_parser_error(runs[f"bad:{name}"], ARGPARSE_ERRORS[name][1])
    else:
        check_one_line(runs[f"bad:{name}"], VALUE_ERRORS[name][1])


def test_malformed_scenario_in_a_real_process(runs):
    check_one_line(runs["scenario:yaml-syntax"], "bad.yaml")


@pytest.mark.parametrize("name", list(ARGPARSE_ERRORS))
def test_bad_flag_values_are_rejected_by_the_parser(name):
    # argparse prints its usage block, then exactly one "error:" line naming the flag.
    args, flag = ARGPARSE_ERRORS[name]
    check_parser_error(in_process(args), flag)


@pytest.mark.parametrize("name", list(VALUE_ERRORS))
def test_bad_values_give_one_line(name):
    args, words = VALUE_ERRORS[name]
    check_one_line(in_process(args), words)


@pytest.mark.parametrize("name", list(BAD_SCENARIOS))
def test_malformed_scenario_files_give_one_line(tmp_path, name):
    check_one_line(in_process(["--scenario", str(bad_scenario(tmp_path, name))]), BAD_SCENARIOS[name][1])


def test_table_format_reads_well(runs):
    proc = in_process(["--origin", "new-york", "--format", "table", "--sensitivity", "--samples", "500"])
    assert proc.returncode == 0, proc.stderr
    csv_rows = csv_table(ok(runs["csv"]))  # another origin; names only
    lines = proc.stdout.splitlines()
    assert lines[0].strip() == "Lumbar fusion abroad, costs in USD"
    header = next(line for line in lines if "Facility" in line)
    for column in ("#", "Facility", "Country", "Score", "Whole trip", "Complete", "Complications", "P(rank 1)"):
        assert column in header
    body = [line for line in lines if re.match(r"│\s+\d+ │", line)]  # a long name may wrap onto a second line
    assert len(body) == len(csv_rows)  # one row per option, as many as in the CSV
    assert re.search(r"│\s+1 │", body[0]) and re.search(r"\d+%\s+│", body[0])


def test_xlsx_needs_a_file_and_holds_the_same_rows(runs, tmp_path):
    import openpyxl

    no_file = in_process(["--format", "xlsx"])
    assert no_file.returncode == 2 and "--out FILE.xlsx" in no_file.stderr
    out = tmp_path / "ranking.xlsx"
    proc = in_process(["--origin", "london", "--currency", "GBP", "--format", "xlsx", "--out", str(out)])
    assert proc.returncode == 0, proc.stderr
    sheet = openpyxl.load_workbook(out)["ranking"]
    csv_rows = csv_table(ok(runs["csv"]))
    assert sheet.max_row == len(csv_rows) + 1
    assert [c.value for c in sheet[1]] == list(csv_rows.columns)


def _on_a_terminal(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """Run the CLI with standard error on a pseudo-terminal (as a person at a terminal would)."""
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    # Standard output goes to a file: a pipe nobody reads while the terminal is drained would fill and block.
    out_path = tmp_path / "stdout.csv"
    with out_path.open("wb") as out_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "compare", *args], cwd=ROOT, stdout=out_file, stderr=slave, env=env
        )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    proc.wait(timeout=300)
    return proc.returncode, out_path.read_text(), b"".join(chunks).decode(errors="replace")


def test_sensitivity_sampling_shows_progress_on_a_terminal_only(tmp_path):
    args = ("rank", "--sensitivity", "--samples", "20000", "--format", "csv")
    code, out, err = _on_a_terminal(tmp_path, *args)
    assert code == 0, err
    assert "Sampling 20,000 weightings and prices" in err
    assert "20000/20000" in err  # the bar counts the samples done
    assert out.startswith("rank,")  # the table itself still goes to standard output, unchanged
    piped = subprocess.run(
        [sys.executable, "-m", "compare", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert piped.returncode == 0 and "Sampling" not in piped.stderr and "\x1b[" not in piped.stderr


def _example_args(shipped, f) -> tuple[list[str], object]:
    """Command-line arguments that set field ``f`` to a value other than its default, and that value."""
    from compare import fields

    default = getattr(getattr(Scenario(), f.part), f.name)
    flag = f"--{f.flag}"
    if f.kind == "toggle":
        return [flag if not default else f"--no-{f.flag}"], not default
    if f.kind == "fares":
        return [flag, "th=850", flag, "TR=1200"], {"TH": 850.0, "TR": 1200.0}
    if f.kind in ("int", "float") or f.options == "price_ages":
        number = 7 if f.max_value is None or f.max_value >= 7 else f.max_value
        return [flag, str(number)], number
    options = [o for o in fields.options(shipped, f) if o not in ("", None)]
    plain = [getattr(v, "value", v) for v in options]
    if f.kind == "choices":
        picked = [str(v) for v in plain[:2]]
        return [a for v in picked for a in (flag, v.upper() if f.name == "countries" else v)], picked
    value = next(v for v in plain if v != getattr(default, "value", default))
    return [flag, str(value)], value


def test_every_scenario_field_has_a_working_flag(shipped):
    """Each flag from the one table of fields lands in its own place in the scenario, nowhere else."""
    from compare import fields

    parser = cli._parser()
    baseline = Scenario().model_dump(mode="json")
    for f in fields.FIELDS:
        args, expected = _example_args(shipped, f)
        scenario = cli.scenario_from_args(parser.parse_args(["rank", *args]), shipped)
        got = scenario.model_dump(mode="json")
        assert got[f.part][f.name] == expected, (f.flag, got[f.part][f.name], expected)
        got[f.part][f.name] = baseline[f.part][f.name]
        assert got == baseline, f"--{f.flag} changed more than {f.part}.{f.name}"
