"""The dashboard's "Download ranking (CSV)" is exactly what ``python -m compare rank`` prints for the same scenario."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]

# One scenario, as URL query values (the labels the widgets show) and as CLI flags.
URL_PARAMS = [
    ("origin", "London (GB)"),
    ("currency", "GBP"),
    ("companion", "true"),
    ("lodging", "Premium"),
    ("fare", "650"),
    ("accreditation", "any international (e.g. JCI)"),
    ("w_cost", "8"),
    ("w_volume", "9"),
    ("w_travel", "0"),
    ("method", "TOPSIS"),
    ("missing", "Count as the median"),
]
CLI_FLAGS = [
    "--origin=london",
    "--currency=GBP",
    "--companion",
    "--lodging=premium",
    "--flight-fare=650",
    "--accreditation=international",
    "--weight=cost=8",
    "--weight=volume=9",
    "--weight=travel=0",
    "--method=topsis",
    "--missing=median",
]


def test_analyst_csv_matches_cli(ui, tmp_path):
    query = "&".join(f"{k}={quote(v)}" for k, v in URL_PARAMS)
    ui.goto("/?" + query)
    # The page really is in that scenario before we download.
    expect(ui.combobox("Travelling from")).to_have_value("London (GB)")
    expect(ui.combobox("Accreditation")).to_have_value("any international (e.g. JCI)")
    ui.sidebar.get_by_test_id("stExpander").filter(has_text="Advanced").get_by_text("Advanced").click()
    expect(ui.combobox("When a value is not reported")).to_have_value("Count as the median")
    expect(ui.sidebar.get_by_role("switch", name="A companion travels with me")).to_be_checked()
    expect(ui.page.get_by_role("radiogroup", name="Lodging").get_by_role("radio", name="Premium")).to_be_checked()
    expect(ui.page.get_by_role("radiogroup", name="Method").get_by_role("radio", name="TOPSIS")).to_be_checked()
    expect(ui.sidebar.get_by_role("spinbutton", name="Your return airfare per traveller (GBP)")).to_have_value("650.00")
    for name, value in (("Whole-trip cost", "8"), ("Spine volume", "9"), ("Travel burden", "0")):
        expect(ui.sidebar.get_by_role("slider", name=name)).to_have_value(value)
    shown = ui.metric("Options shown").inner_text()

    browser_csv = ui.download("Download ranking (CSV)", tmp_path).read_bytes()
    cli = subprocess.run(
        [sys.executable, "-m", "compare", "rank", *CLI_FLAGS, "--format=csv"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr.decode()
    cli_csv = cli.stdout

    browser = pd.read_csv(io.BytesIO(browser_csv), keep_default_na=False, dtype=str)
    command = pd.read_csv(io.BytesIO(cli_csv), keep_default_na=False, dtype=str)
    assert f"{len(browser)} of" in shown  # the file has the rows the page shows
    assert set(browser["currency"]) == {"GBP"}
    pd.testing.assert_frame_equal(browser, command)  # every cell, as text
    assert browser_csv == cli_csv  # and byte for byte
