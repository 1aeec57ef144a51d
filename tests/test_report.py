"""Client report, shortlist exports and the report/export/shortlists commands."""

from __future__ import annotations

import io
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from compare import Scenario, i18n, rank
from compare.report import build_report, describe_scenario, shortlist_table
from compare.shortlists import ShortlistStore
from compare.snapshots import snapshot_from

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = '<script>alert(1)</script> =HYPERLINK("http://evil","x") [x](javascript:alert(1))'
IDS = ["th-bumrungrad", "in-isic-new-delhi", "tr-memorial-sisli"]


def test_report_is_self_contained_escaped_and_complete(shipped):
    scenario = Scenario(origin="london", currency="GBP", companion=True)
    html = build_report(shipped, scenario, IDS, title=f"Shortlist {HOSTILE}", client=HOSTILE, notes={IDS[0]: HOSTILE})
    assert "<script src" not in html  # plotly.js is inline: opens without a network
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    for fid in IDS:
        assert shipped.facilities.loc[fid, "name"] in html
    assert "Not medical advice" in html
    assert "GBP" in html and "missing" in html and "published" in html
    assert "https://bumrungrad.com/" in html or "https://www.bumrungrad.com/" in html
    assert "@page" in html  # print stylesheet
    for line in describe_scenario(shipped, scenario):
        assert line.split(":")[0] in html


class _RootTag(HTMLParser):
    """The attributes of a page's ``<html>`` element."""

    def __init__(self) -> None:
        super().__init__()
        self.attrs: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "html" and self.attrs is None:
            self.attrs = dict(attrs)


def root_attributes(page: str) -> dict[str, str | None]:
    parser = _RootTag()
    parser.feed(page)
    assert parser.attrs is not None, "no <html> element"
    return parser.attrs


@pytest.mark.parametrize(("lang", "direction"), [("en", "ltr"), ("ar", "rtl"), ("es", "ltr")])
def test_the_report_names_its_language_and_direction(shipped, lang, direction):
    scenario = Scenario(origin="london", currency="GBP")
    with i18n.language(lang):
        page = build_report(shipped, scenario, IDS[:1], title="t")
    attrs = root_attributes(page)
    assert attrs.get("lang") == lang and attrs.get("dir") == direction
    # Right to left, figures keep their own order; the logical sides hold in both directions.
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert ("unicode-bidi: isolate" in style) == (direction == "rtl")
    assert "border-inline-start" in style and "border-left" not in style and "text-align: start" in style
    assert i18n.current() == "en"  # the block restores the language


def test_shortlist_table_keeps_the_users_order_and_matches_the_ranking(shipped):
    scenario = Scenario()
    table = shortlist_table(shipped, scenario, list(reversed(IDS)), {IDS[0]: "ask about implants"})
    assert list(table["facility_id"]) == list(reversed(IDS))
    assert list(table["position"]) == [1, 2, 3]
    assert table.set_index("facility_id").loc[IDS[0], "note"] == "ask about implants"
    full = rank(shipped, scenario).table
    for fid, score in zip(table["facility_id"], table["score"], strict=True):
        assert score == full.loc[fid, "score"]
    assert {"price_source", "price_as_of", "price_evidence"} <= set(table.columns)


@pytest.fixture
def saved(tmp_path, shipped):
    db = tmp_path / "s.sqlite3"
    scenario = Scenario(origin="london", currency="GBP")
    result = rank(shipped, scenario)
    store = ShortlistStore(db)
    store.create(HOSTILE, scenario, IDS, {f: snapshot_from(result, f) for f in IDS}, client="Client A")
    store.set_note(HOSTILE, IDS[1], "=1+1 call the surgeon")
    return db


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "compare", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_lists_reports_and_exports_a_shortlist(saved, tmp_path, shipped):
    listed = run("shortlists", "--db", str(saved))
    assert listed.returncode == 0 and "Client A" in listed.stdout and "3 options" in listed.stdout

    out = tmp_path / "r.html"
    done = run("report", "--shortlist", HOSTILE, "--db", str(saved), "--out", str(out))
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert "call the surgeon" in html and "<script>alert(1)</script>" not in html

    csv_out = tmp_path / "s.csv"
    assert (
        run("export", "--shortlist", HOSTILE, "--db", str(saved), "--format", "csv", "--out", str(csv_out)).returncode
        == 0
    )
    table = pd.read_csv(csv_out)
    assert list(table["facility_id"]) == IDS
    assert table.loc[1, "note"] == "'=1+1 call the surgeon"  # neutralized for spreadsheets

    xlsx_out = tmp_path / "s.xlsx"
    assert (
        run("export", "--shortlist", HOSTILE, "--db", str(saved), "--format", "xlsx", "--out", str(xlsx_out)).returncode
        == 0
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx_out.read_bytes()))
    assert set(book.sheetnames) == {"shortlist", "sources"}
    cells = [c for row in book["shortlist"].iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert "'=1+1 call the surgeon" in {c.value for c in cells}
    sources = pd.DataFrame(book["sources"].values)
    assert set(sources.iloc[1:, 0]) == set(IDS)


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--shortlist", "nobody", "--out", "x.html"),
        ("export", "--shortlist", "nobody", "--format", "csv", "--out", "x.csv"),
    ],
)
def test_cli_unknown_shortlist_is_a_clear_error(saved, args):
    done = run(*args, "--db", str(saved))
    assert done.returncode == 2
    assert "no shortlist called 'nobody'" in done.stderr.lower() and "Traceback" not in done.stderr


def test_cli_corrupt_database_is_a_clear_error(tmp_path):
    db = tmp_path / "bad.sqlite3"
    db.write_bytes(b"garbage" * 200)
    done = run("shortlists", "--db", str(db))
    assert done.returncode == 2
    assert str(db) in done.stderr and "Traceback" not in done.stderr


def test_cli_on_a_shared_postgres_database_reads_one_owner_at_a_time(postgres_url, tmp_path):
    """``--db URL --owner ID``: the command line sees exactly what that signed-in user sees."""
    store = ShortlistStore(postgres_url)
    store.for_owner("https://id.example|alice").create("Alice's client", Scenario(), IDS[:1], client="A")
    store.for_owner("https://id.example|bob").create("Bob's client", Scenario(), IDS[:2], client="B")
    alice = run("shortlists", "--db", postgres_url, "--owner", "https://id.example|alice")
    assert alice.returncode == 0 and "Alice's client" in alice.stdout and "Bob" not in alice.stdout
    nobody = run("shortlists", "--db", postgres_url)
    assert nobody.returncode == 0 and nobody.stdout == "" and "no shortlists saved yet" in nobody.stderr
    stolen = run(
        "report",
        "--shortlist",
        "Bob's client",
        "--db",
        postgres_url,
        "--owner",
        "https://id.example|alice",
        "--out",
        str(tmp_path / "r.html"),
    )
    assert stolen.returncode == 2 and "no shortlist called" in stolen.stderr and not (tmp_path / "r.html").exists()
