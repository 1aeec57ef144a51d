"""The engine (``compare/``) stays UI-free: no Streamlit import, enforced by ruff as well."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_importing_compare_and_every_submodule_does_not_import_streamlit():
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import compare
        assert "streamlit" not in sys.modules, "import compare pulled in streamlit"
        # compare.__main__ runs the command line on import; it only imports compare.cli.
        names = [m.name for m in pkgutil.walk_packages(compare.__path__, "compare.") if m.name != "compare.__main__"]
        for name in names:
            importlib.import_module(name)
            bad = sorted(m for m in sys.modules if m == "streamlit" or m.startswith("streamlit."))
            assert not bad, f"{name} imported {bad[:3]}"
        print(len(names))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # Every module file, plus every subpackage (its __init__), in compare/ and below; Alembic
    # loads the migration scripts itself (they need its context), so they are not modules.
    files = [p for p in (ROOT / "compare").rglob("*.py") if "migrations" not in p.relative_to(ROOT).parts]
    modules = [p for p in files if p.stem not in {"__init__", "__main__"}]
    packages = [p for p in (ROOT / "compare").rglob("__init__.py") if p.parent != ROOT / "compare"]
    assert int(result.stdout.strip()) == len(modules) + len(packages)


def test_pyproject_bans_streamlit_outside_the_ui():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lint = config["tool"]["ruff"]["lint"]
    assert "streamlit" in lint["flake8-tidy-imports"]["banned-api"]
    assert any(rule in lint["select"] for rule in ("TID", "TID251", "ALL"))
    for pattern, ignored in lint.get("per-file-ignores", {}).items():
        assert not ("TID251" in ignored and pattern.startswith("compare")), pattern


def _ruff(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120
    )


def test_ruff_check_of_compare_passes():
    result = _ruff("check", "compare")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_would_reject_a_streamlit_import_in_compare():
    """The ban bites: the same check fails on a module in compare/ that imports streamlit."""
    source = "import streamlit as st\n\nst.write('x')\n"
    result = _ruff("check", "--select", "TID251", "--stdin-filename", "compare/_probe.py", "-", stdin=source)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TID251" in result.stdout
    source = "from streamlit import write\n\nwrite('x')\n"
    result = _ruff("check", "--select", "TID251", "--stdin-filename", "compare/_probe.py", "-", stdin=source)
    assert result.returncode == 1 and "TID251" in result.stdout
