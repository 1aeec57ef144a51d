"""Exports: every figure keeps its provenance, and no cell can run as a spreadsheet formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from compare import export
from compare.data import load_dataset

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
RECENT = (dt.date.today() - dt.timedelta(days=90)).strftime("%Y-%m")
EVIL_NAME = '=HYPERLINK("http://evil")'
EVIL_ID = "in-zz-evil"

EVIL_FACILITY = f"""id: {EVIL_ID}
name: '{EVIL_NAME}'
country: IN
city: '+91 City'
district: '@SUM(A1:A9)'
summary: '-2+3 is what this made-up summary starts with'
location: {{lat: 18.5, lon: 73.8, airport: PNQ, source: site}}
sources:
  site: {{url: "https://example.org/evil", as_of: {RECENT}, kind: press, evidence: press}}
recognitions:
  - {{name: '=1+1 award', year: 2024, source: site}}
"""

HOSTILE = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "\n=1", EVIL_NAME]


# ---- neutralize ---------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_neutralize_prefixes_each_formula_trigger(prefix):
    value = prefix + "cmd|' /C calc'!A0"
    assert export.neutralize(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["Bumrungrad", "Clinic = good", "a+b", "", "'already quoted", " =leading space", "1-2", "ünïcode"]
)
def test_neutralize_leaves_ordinary_text_alone(value):
    assert export.neutralize(value) == value


@pytest.mark.parametrize("value", [-5, -5.5, 0, 3, float("nan"), None, True, [1, 2]])
def test_neutralize_leaves_non_text_alone(value):
    out = export.neutralize(value)
    assert out is value or (isinstance(value, float) and math.isnan(out))


def test_neutralize_frame_covers_cells_and_column_names_and_keeps_numbers():
    df = pd.DataFrame({"=cmd": ["=1+1", "ok"], "n": [-5, 7], "f": [-1.5, 2.0]})
    out = export.neutralize_frame(df)
    assert list(out.columns) == ["'=cmd", "n", "f"]
    assert out["'=cmd"].tolist() == ["'=1+1", "ok"]
    assert out["n"].tolist() == [-5, 7] and out["f"].tolist() == [-1.5, 2.0]
    assert df["=cmd"].tolist() == ["=1+1", "ok"], "the input frame must not be modified"


# ---- provenance columns -------------------------------------------------------------


def test_facilities_table_has_one_row_per_facility(shipped):
    table = export.facilities_table(shipped)
    assert len(table) == len(shipped.facilities)
    assert sorted(table["id"]) == sorted(shipped.facilities["id"])
    assert table["id"].is_unique


def test_every_figure_column_has_source_as_of_and_evidence(shipped):
    table = export.facilities_table(shipped).set_index("id")
    fields = set(shipped.facts["field"])
    assert fields, "the shipped data has no facility figures"
    for f in fields:
        for suffix in ("", "_source", "_as_of", "_evidence"):
            assert f + suffix in table.columns, f + suffix
    for (fid, f), group in shipped.facts.groupby(["facility_id", "field"]):
        cell_source = table.at[fid, f + "_source"]
        cell_evidence = table.at[fid, f + "_evidence"]
        for url in group["source_url"]:
            assert url in cell_source, (fid, f)
        for level in group["evidence"]:
            assert level in cell_evidence, (fid, f)
        for as_of in group["as_of"].dropna():
            assert as_of in table.at[fid, f + "_as_of"], (fid, f)


def test_facility_without_a_figure_has_an_empty_cell_not_a_guess(shipped):
    table = export.facilities_table(shipped).set_index("id")
    have = set(shipped.facts.loc[shipped.facts["field"] == "beds", "facility_id"])
    missing = [fid for fid in table.index if fid not in have]
    if not missing:
        pytest.fail("every shipped facility reports beds; pick another field for this test")
    for fid in missing:
        assert pd.isna(table.at[fid, "beds"]) and pd.isna(table.at[fid, "beds_source"])


# ---- a hostile facility, end to end -------------------------------------------------


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    root = tmp_path_factory.mktemp("evil") / "data"
    shutil.copytree(DATA, root)
    (root / "facilities" / "in" / f"{EVIL_ID}.yaml").write_text(EVIL_FACILITY, encoding="utf-8")
    ds = load_dataset(root, use_cache=False)
    assert EVIL_ID in ds.facility_records, [str(p) for p in ds.errors]
    return export.facilities_table(ds)


def test_hostile_name_is_neutralized_in_csv(evil):
    rows = list(csv.DictReader(io.StringIO(export.to_csv_bytes(evil).decode("utf-8"))))
    row = next(r for r in rows if r["id"] == EVIL_ID)
    assert row["name"] == "'" + EVIL_NAME
    assert row["city"] == "'+91 City"
    assert row["district"] == "'@SUM(A1:A9)"
    assert row["summary"].startswith("'-2+3")
    assert row["recognition"] == "'=1+1 award (2024)"
    assert row["recognition_source"] == "https://example.org/evil"
    for r in rows:
        for value in r.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), value


def test_hostile_name_is_neutralized_in_xlsx(evil):
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes({"facilities": evil})))
    sheet = book["facilities"]
    header = [c.value for c in sheet[1]]
    name_col = header.index("name")
    names = [row[name_col].value for row in sheet.iter_rows(min_row=2)]
    assert "'" + EVIL_NAME in names and EVIL_NAME not in names
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), cell.value


def test_json_keeps_values_exactly(evil):
    records = json.loads(export.to_json_bytes(evil))
    row = next(r for r in records if r["id"] == EVIL_ID)
    assert row["name"] == EVIL_NAME
    assert row["recognition_source"] == "https://example.org/evil"


# ---- CSV and XLSX bytes -------------------------------------------------------------


@pytest.fixture
def hostile_frame():
    return pd.DataFrame(
        {
            "text": HOSTILE,
            "plain": ["ok"] * len(HOSTILE),
            "number": [-5] * len(HOSTILE),
            "amount": [-2.5] * len(HOSTILE),
            "listed": [["=a", "b"]] * len(HOSTILE),
        }
    )


def test_csv_bytes_neutralize_text_and_keep_numbers(hostile_frame):
    rows = list(csv.DictReader(io.StringIO(export.to_csv_bytes(hostile_frame).decode("utf-8"), newline="")))
    assert [r["text"] for r in rows] == ["'" + v for v in HOSTILE]
    assert {r["plain"] for r in rows} == {"ok"}
    assert {r["number"] for r in rows} == {"-5"}
    assert {r["amount"] for r in rows} == {"-2.5"}


@pytest.mark.parametrize("sep", ["\r", "\n", "\r\n"])
def test_line_break_inside_a_csv_cell_cannot_start_a_new_row(sep):
    # No quote or comma in the payload: either would get the cell quoted anyway.
    df = pd.DataFrame({"name": [f"Hospital{sep}=cmd|' /C calc'!A0", "next"], "n": [1, 2]})
    rows = list(csv.reader(io.StringIO(export.to_csv_bytes(df).decode("utf-8"), newline="")))
    assert rows == [["name", "n"], [df.at[0, "name"], "1"], ["next", "2"]]


def test_xlsx_bytes_have_no_formula_cells(hostile_frame):
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes({"a" * 40: hostile_frame})))
    assert book.sheetnames == ["a" * 31]
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header == ["text", "plain", "number", "amount", "listed"]
    body = list(sheet.iter_rows(min_row=2))
    assert len(body) == len(HOSTILE)
    for row, original in zip(body, HOSTILE, strict=True):
        text, plain, number, amount, listed = row
        # XML normalizes a stored CR to LF on reading; the apostrophe is what matters.
        assert text.value == ("'" + original).replace("\r", "\n") and text.data_type == "s"
        assert plain.value == "ok"
        assert number.value == -5 and number.data_type == "n"
        assert amount.value == -2.5 and amount.data_type == "n"
        assert listed.value == "'=a; b"
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)


def test_xlsx_missing_values_are_empty_cells():
    df = pd.DataFrame({"a": ["x", None], "b": [1.0, float("nan")]})
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes({"s": df}))).active
    assert [c.value for c in sheet[3]] == [None, None]


# --- the analyst API: one ranking, read as DataFrames ---------------------------------------


@pytest.fixture(scope="module")
def london(shipped):
    from compare import Scenario, rank

    return rank(shipped, Scenario(origin="london", currency="GBP"), sensitivity=True, samples=500, seed=3)


def test_components_table_has_every_component_of_every_ranked_facility(london):
    table = export.components_table(london)
    ranked = list(london.table.index)
    per_facility = table.groupby("facility_id", sort=False).size()
    assert list(per_facility.index) == ranked  # best-ranked facility first
    assert per_facility.nunique() == 1  # every facility lists the same components
    assert set(table["component"]) == set(london.components["component"])
    assert (table["currency"] == "GBP").all()


def test_components_table_sums_to_the_documented_total(london):
    table = export.components_table(london)
    best = london.table.index[0]
    own = table[table["facility_id"] == best]
    assert own["low"].sum(skipna=True) == pytest.approx(london.table.loc[best, "documented_low"], rel=1e-9)


def test_components_table_names_who_stands_behind_each_known_figure(london):
    table = export.components_table(london)
    known = table[table["status"].isin(["published", "estimated"])]
    assert len(known) > 0
    assert known["source"].notna().all() and known["source_kind"].notna().all()
    unknown = table[table["status"] == "unknown"]
    assert unknown["low"].isna().all()  # an unknown is never a zero


def test_robustness_table_matches_the_ranking_and_needs_sensitivity(shipped, london):
    from compare import Scenario, rank

    table = export.robustness_table(london)
    assert list(table["facility_id"]) == list(london.table.index)
    assert table["p_rank1"].sum() == pytest.approx(1.0)
    assert (table["p_top3"] >= table["p_rank1"]).all()
    assert (table["samples"] == 500).all()
    with pytest.raises(ValueError, match="sensitivity=True"):
        export.robustness_table(rank(shipped, Scenario(origin="london")))


def test_save_writes_by_suffix_and_reads_back(london, tmp_path):
    ranking = export.ranking_table(london)
    components = export.components_table(london)
    back = pd.read_csv(export.save(ranking, tmp_path / "out" / "ranking.csv"))
    assert list(back["facility_id"]) == list(ranking["facility_id"])
    assert json.loads(export.save(ranking, tmp_path / "ranking.json").read_text())[0]["rank"] == 1
    book = openpyxl.load_workbook(export.save({"ranking": ranking, "components": components}, tmp_path / "a.xlsx"))
    assert book.sheetnames == ["ranking", "components"]
    assert book["components"].max_row == len(components) + 1


@pytest.mark.parametrize(
    ("name", "message"), [("ranking.txt", "unknown export format '.txt'"), ("two.csv", "one table per .csv")]
)
def test_save_refuses_what_it_cannot_write(london, tmp_path, name, message):
    tables = {"a": export.ranking_table(london), "b": export.components_table(london)}
    with pytest.raises(ValueError, match=message):
        export.save(tables if name == "two.csv" else tables["a"], tmp_path / name)
    assert not (tmp_path / name).exists()
