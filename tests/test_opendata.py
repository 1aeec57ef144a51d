"""The open data sets are read and checked like the curated files: bad rows named, the rest kept."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from compare.data import opendata

ROOT = Path(__file__).resolve().parents[1]
PER_DIEM = "data/open_data/us_state_dept_foreign_per_diem_2026-04.csv"
VISAS = "data/open_data/passport_index_tidy_iso2_2025-01-12.csv"
HEADER = "Country,Location,Season Code,Season Start Date,Season End Date,Lodging,Meals & Incidentals\n"


def test_the_shipped_files_load_whole(shipped):
    assert len(shipped.per_diem) > 1000
    assert len(shipped.visa_rules) > 39_000
    assert not [p for p in shipped.problems if "open_data" in p.file]
    # Every destination country has per diem rows, and every origin country a passport.
    assert set(shipped.facilities["country"]) <= set(shipped.per_diem["country"])
    assert set(shipped.origins["country"]) <= shipped.passports


@pytest.mark.parametrize(
    ("name", "code"),
    [("THAILAND", "TH"), ("Korea, South", "KR"), ("TURKEY", "TR"), ("Czechia", "CZ"), ("VIETNAM", "VN"),
     ("UNITED ARAB EMIRATES", "AE"), ("TAIWAN", "TW"), ("RUSSIA", "RU"), ("OTHER FOREIGN LOCALITIES", None)],
)  # fmt: skip
def test_state_department_country_names(name, code):
    assert opendata.country_code(name) == code


def test_fold_matches_cities_written_with_or_without_accents():
    assert opendata.fold("São Paulo") == opendata.fold("Sao Paulo") == "SAO PAULO"
    assert opendata.fold("Bogotá") == "BOGOTA"


def test_bad_per_diem_rows_are_named_and_the_rest_kept(tmp_path):
    path = tmp_path / "pd.csv"
    path.write_text(
        HEADER
        + "THAILAND,Bangkok,S1,2026-01-01,2026-12-31,259,118\n"
        + "THAILAND,Phuket,S1,2026-01-01,2026-12-31,lots,118\n"
        + "THAILAND,Krabi,S1,2026-01-01,2026-12-31,245,-3\n"
        + "THAILAND,,S1,2026-01-01,2026-12-31,1,1\n"
        + "THAILAND,Hua Hin,S1,01/01/2026,2026-12-31,185,115\n"
        + "THAILAND,Chiang Rai,S1,2026-01-01,2026-12-31,99999,85\n",
        encoding="utf-8",
    )
    frame, problems = opendata.read_per_diem(path, "pd.csv")
    assert list(frame["location"]) == ["Bangkok"]
    assert [(p.line, p.field) for p in problems] == [
        (3, "Lodging"),
        (4, "Meals & Incidentals"),
        (5, "Location"),
        (6, "Season Start Date"),
        (7, "Lodging"),
    ]
    assert all(p.is_error for p in problems)


def test_bad_visa_rows_are_named_and_the_rest_kept(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(
        "Passport,Destination,Requirement\nGB,TH,30\nGB,XK,e-visa\nZZ,TH,30\nGB,TR,maybe\nGB,IN,9999\nGB,GB,-1\n",
        encoding="utf-8",
    )
    frame, problems = opendata.read_visa_rules(path, "v.csv")
    assert list(frame.index) == [("GB", "TH"), ("GB", "XK"), ("GB", "GB")]  # Kosovo's user-assigned code is fine
    assert frame.loc[("GB", "TH"), "requirement"] == "visa free" and frame.loc[("GB", "TH"), "days"] == 30
    assert frame.loc[("GB", "GB"), "requirement"] == "own country"
    assert [(p.line, p.field) for p in problems] == [(4, "Passport"), (5, "Requirement"), (6, "Requirement")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "missing columns"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"Passport,Destination\nGB,TH\n", "missing columns"),
    ],
)
def test_a_broken_file_is_one_problem_not_a_crash(tmp_path, content, message):
    path = tmp_path / "v.csv"
    path.write_bytes(content)
    frame, problems = opendata.read_visa_rules(path, "v.csv")
    assert frame.empty and len(problems) == 1 and message in problems[0].message


def test_validate_lists_open_data_problems_as_file_line_field(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    per_diem = root / "open_data" / PER_DIEM.rsplit("/", 1)[1]
    lines = per_diem.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",182.0,", ",lots,", 1)  # ALBANIA [Other]: Lodging 182.0
    per_diem.write_text("".join(lines), encoding="utf-8")
    visas = root / "open_data" / VISAS.rsplit("/", 1)[1]
    visas.write_text(visas.read_text(encoding="utf-8") + "GB,QQ,visa free\n", encoding="utf-8")
    n_visa_lines = visas.read_text(encoding="utf-8").count("\n")
    result = subprocess.run(
        [sys.executable, "-m", "compare", "validate", str(root), "--quiet-warnings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert sorted(result.stdout.splitlines()) == [
        f"{VISAS}:{n_visa_lines}: Destination: unknown country code 'QQ'",
        f"{PER_DIEM}:4: Lodging: 'lots' is not an amount from 0 to 10,000 USD",
    ]
