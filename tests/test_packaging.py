"""The package installs with pip into a fresh environment and works from any folder.

The fresh environment borrows the test environment's third-party packages through a ``.pth``
line (so nothing is downloaded again), but gets ``spine-compare`` itself only from pip: the
console command, the engine and the curated data must all come from the built package.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from compare.shortlists import HEAD

ROOT = Path(__file__).resolve().parents[1]


def _pip(python: Path, *args: str, cwd: Path) -> None:
    run = subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A copy of the checkout without build leftovers: a stale build/ folder could hide a missing file."""
    copy = tmp_path_factory.mktemp("source") / "spine-compare"
    skip = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", ".*_cache", "node_modules")
    shutil.copytree(ROOT, copy, ignore=skip)
    return copy


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, source) -> Path:
    out = tmp_path_factory.mktemp("wheels")
    _pip(Path(sys.executable), "wheel", "--no-deps", "--quiet", "-w", str(out), str(source), cwd=out)
    (found,) = out.glob("spine_compare-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(tmp_path_factory, source) -> Path:
    """A fresh virtual environment with ``pip install <repo>`` (the directory); its bin folder."""
    env = tmp_path_factory.mktemp("fresh-venv")
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _pip(python, "install", "--no-deps", "--quiet", str(source), cwd=env)
    return env / "bin"


def test_wheel_carries_the_engine_the_data_and_the_console_command(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "compare/cli.py" in names and "compare/data/load.py" in names and "compare/costs/totals.py" in names
    assert "compare/shortlists/migrations/versions/0004_owner.py" in names  # read by Alembic, not imported
    data_files = sorted(n.removeprefix("spine_compare_data/") for n in names if n.startswith("spine_compare_data/"))
    shipped = sorted(str(p.relative_to(ROOT / "data")) for p in (ROOT / "data").rglob("*") if p.is_file())
    assert data_files == shipped
    assert not any(n.startswith(("app_pages/", "tests/", "bench/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "spine-compare = compare.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_command_ranks_from_any_folder_on_the_installed_data(installed, tmp_path):
    where = subprocess.run(
        [str(installed / "python"), "-c", "import compare.data as d; print(d.DEFAULT_DATA_DIR)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed.parent)  # not the checkout's data/
    run = subprocess.run(
        [str(installed / "spine-compare"), "rank", "--origin", "london"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    table = pd.read_csv(io.StringIO(run.stdout))  # piped: CSV
    assert len(table) > 100 and table["rank"].tolist()[:3] == [1, 2, 3]
    assert "versus at home (GB)" in run.stderr


def test_installed_command_validates_the_installed_data_and_names_itself(installed, tmp_path):
    check = subprocess.run(
        [str(installed / "spine-compare"), "validate"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert check.returncode == 0, check.stdout + check.stderr
    usage = subprocess.run(
        [str(installed / "spine-compare"), "rank", "--currency"], cwd=tmp_path, capture_output=True, text=True
    )
    assert usage.returncode == 2 and usage.stderr.startswith("usage: spine-compare rank")


def test_installed_command_creates_and_lists_a_shortlist_database(installed, tmp_path):
    """The migrations ship with the package: a new database is created from the installed copy."""
    db = tmp_path / "fresh.sqlite3"
    listed = subprocess.run(
        [str(installed / "spine-compare"), "shortlists", "--db", str(db)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    assert "no shortlists saved yet" in listed.stderr and db.is_file()
    revision = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            f"import sqlite3; print(sqlite3.connect({str(db)!r}).execute("
            "'SELECT version_num FROM alembic_version').fetchone()[0])",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert revision.stdout.strip() == HEAD, revision.stderr
