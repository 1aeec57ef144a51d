"""Quote requests and returned quotes: templates, validation by row and column, quoted figures win."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from compare import costs, export, quotes
from compare.problems import DataError
from compare.scenario import Scenario, Trip
from compare.shortlists import ShortlistStore

ROOT = Path(__file__).resolve().parents[1]
FID = "th-bumrungrad"
TODAY = dt.date.today()


def filled(shipped, **changes) -> pd.DataFrame:
    """The template for FID, answered the way a hospital would."""
    t = quotes.request_template(shipped, FID, "USD")
    answers = {
        "operation_package": ("", "15000", "USD", ""),
        "implants": ("no", "90000", "THB", ""),
        "physiotherapy": ("yes", "", "", ""),
        "brace": ("no", "", "", ""),
        "sender": ("", "", "", "International office, Bumrungrad"),
        "quote_date": ("", "", "", (TODAY - dt.timedelta(days=3)).isoformat()),
        "valid_until": ("", "", "", (TODAY + dt.timedelta(days=30)).isoformat()),
        "implant_make": ("", "", "", "Medtronic CD Horizon Solera"),
        **changes,
    }
    for item, (included, amount, currency, answer) in answers.items():
        t.loc[t["item"] == item, ["included", "amount", "currency", "answer"]] = [included, amount, currency, answer]
    return t


def as_csv(t: pd.DataFrame) -> bytes:
    return t.to_csv(index=False).encode("utf-8")


def test_template_asks_every_component_and_every_question(shipped):
    t = quotes.request_template(shipped, FID, "EUR")
    assert list(t.columns) == quotes.TEMPLATE_COLUMNS
    assert set(shipped.vocab["cost_components"]) < set(t["item"])
    assert set(quotes.QUESTIONS) < set(t["item"])
    assert (t["facility_id"] == FID).all()
    with pytest.raises(ValueError, match="did you mean 'th-bumrungrad'"):
        quotes.request_template(shipped, "th-bumrungrat", "EUR")


def test_letter_states_the_case_without_a_name_unless_typed_and_escapes_it(shipped):
    case = quotes.Case(procedure="fusion_1l_mis", companion=True, imaging_done="MRI <2026-10>")
    letter = quotes.request_letter(shipped, FID, case, "GBP")
    assert "(name given once you reply)" in letter and "one companion" in letter
    assert "MRI &lt;2026-10&gt;" in letter and "<2026-10>" not in letter
    assert all(text in letter for text in quotes.QUESTIONS.values())
    named = quotes.request_letter(shipped, FID, quotes.Case(procedure="fusion_1l_mis", patient_name="J. Doe"), "GBP")
    assert "J. Doe" in named


def test_a_filled_template_reads_back_from_csv_and_xlsx(shipped):
    t = filled(shipped)
    from_csv = quotes.read_quote(shipped, as_csv(t), "q.csv", facility_id=FID)
    from_xlsx = quotes.read_quote(shipped, export.to_xlsx_bytes({"quote": t}), "q.xlsx")
    assert from_csv == from_xlsx
    lines = {line.component: line for line in from_csv.lines}
    assert set(lines) == {"operation_package", "implants", "physiotherapy", "brace"}  # unanswered lines say nothing
    assert lines["implants"].amount == 90000 and lines["implants"].currency == "THB"
    assert lines["physiotherapy"].included is True and lines["brace"].included is False
    assert from_csv.answers == {"implant_make": "Medtronic CD Horizon Solera"}
    assert quotes.Quote.from_json(from_csv.to_json()) == from_csv


BAD = {
    "negative": ({"implants": ("", "-5", "THB", "")}, "amount", "-5"),
    "absurd": ({"operation_package": ("", "9000000", "USD", "")}, "amount", "above 500,000 USD"),
    "not-a-number": ({"operation_package": ("", "about 15k", "USD", "")}, "amount", "is not a number"),
    "european-thousands": ({"operation_package": ("", "12.000,00", "EUR", "")}, "amount", "write it as 12000"),
    "infinite": ({"operation_package": ("", "inf", "USD", "")}, "amount", "is not a number"),
    "currency": ({"implants": ("", "90000", "BAHT", "")}, "currency", "unknown currency 'BAHT'"),
    "included": ({"brace": ("maybe", "", "", "")}, "included", "write yes or no"),
    "date": ({"quote_date": ("", "", "", "20/11/2026")}, "quote_date", "is not a date"),
    "no-sender": ({"sender": ("", "", "", "")}, "sender", "required"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_cells_are_named_by_row_and_column(shipped, name):
    changes, column, words = BAD[name]
    t = filled(shipped, **changes)
    item = next(iter(changes))
    row = int(t.index[t["item"] == item][0]) + 2  # the header is line 1
    with pytest.raises(DataError) as caught:
        quotes.read_quote(shipped, as_csv(t), "q.csv")
    (problem,) = caught.value.problems
    assert problem.line == row and column in problem.field and words in problem.message


def test_unknown_item_wrong_facility_and_formula_cells(shipped):
    t = filled(shipped)
    t.loc[t["item"] == "brace", "item"] = "brac"
    t.loc[t["item"] == "visa", "facility_id"] = "in-apollo-greams-road-chennai"
    t.loc[t["item"] == "lodging", "amount"] = "=1+1"
    with pytest.raises(DataError) as caught:
        quotes.read_quote(shipped, as_csv(t), "q.csv", facility_id=FID)
    messages = [f"{p.line}: {p.field}: {p.message}" for p in caught.value.problems]
    assert any("unknown item 'brac'; did you mean 'brace'?" in m for m in messages)
    assert any("not 'th-bumrungrad'" in m or "unknown facility" in m for m in messages)
    assert any("column 5 (amount): a formula" in m for m in messages)


def test_a_formula_cell_in_excel_is_refused(shipped):
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes({"quote": filled(shipped)})))
    sheet = book.active
    sheet["E3"] = "=SUM(1,2)"  # typed as a formula by the hospital's spreadsheet
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(DataError, match=r"q.xlsx:3: column 5 \(amount\): a formula"):
        quotes.read_quote(shipped, buffer.getvalue(), "q.xlsx")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"%PDF-1.7 \x00\x01binary", "not a CSV or Excel"),
        (b"PK\x03\x04 not really a zip", "not a readable Excel workbook"),
        (b"", "empty"),
        (b"name,price\nx,1\n", "missing column"),
        (b"facility_id,item,included,amount,currency,answer\n" + b"x,brace,,,,\n" * 300, "more than 200 rows"),
    ],
)
def test_files_of_another_kind_are_refused(shipped, raw, words):
    with pytest.raises(DataError, match=words):
        quotes.read_quote(shipped, raw, "q.csv")


def test_quoted_lines_win_and_move_the_total(shipped):
    quote = quotes.read_quote(shipped, as_csv(filled(shipped)), "q.csv")
    before = costs.cost_frame(shipped, Trip(origin="london", currency="USD"))
    after = quotes.apply_quotes(shipped, before, [quote])
    comp = after.components[after.components["facility_id"] == FID].set_index("component")
    assert comp.loc["operation_package", "status"] == "quoted" and comp.loc["operation_package", "low"] == 15000
    rate = costs.rate(shipped, "THB")
    assert comp.loc["implants", "low"] == pytest.approx(90000 / rate)
    assert comp.loc["physiotherapy", "status"] == "included"
    assert comp.loc["operation_package", "sources"][0].publisher == "International office, Bumrungrad"
    documented = comp.loc[comp["status"].isin(["quoted", "published", "estimated", "included"]), "low"].sum()
    assert after.totals.loc[FID, "documented_low"] == pytest.approx(documented)
    others = before.components["facility_id"] != FID
    pd.testing.assert_frame_equal(
        before.components[others].drop(columns="sources"), after.components[others].drop(columns="sources")
    )


def test_comparison_says_what_the_quote_adds_or_leaves_out_and_flags_expiry(shipped):
    t = filled(shipped, valid_until=("", "", "", (TODAY - dt.timedelta(days=1)).isoformat()))
    quote = quotes.read_quote(shipped, as_csv(t), "q.csv")
    before = costs.cost_frame(shipped, Trip(origin="london", currency="USD"))
    after = quotes.apply_quotes(shipped, before, [quote])
    table = quotes.quote_comparison(before, after, quote).set_index("component")
    assert table.loc["operation_package", "change"].startswith("quoted USD\u00a015,000; before:")
    assert table.loc["physiotherapy", "change"].startswith("included in the quoted price")
    assert table.loc["brace", "change"].startswith("left out of the quoted price")
    assert table.loc["flights", "change"] == "not answered by the quote"
    assert table["expired"].all()
    assert "EXPIRED" in after.components.set_index(["facility_id", "component"]).loc[(FID, "implants"), "basis"]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "compare", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_request_then_import_through_the_real_cli(shipped, tmp_path):
    db = tmp_path / "shortlists.sqlite3"
    store = ShortlistStore(db)
    store.create("Smith family", Scenario(origin="london", currency="GBP"), [FID, "my-sunway-medical-centre"])
    out = tmp_path / "requests"
    made = _cli("quote-request", "--shortlist", "Smith family", "--out", str(out), "--db", str(db), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{fid}{suffix}"
        for fid in (FID, "my-sunway-medical-centre")
        for suffix in (".html", "-quote.csv", "-quote.xlsx")
    )
    assert "Smith" not in (out / f"{FID}.html").read_text()  # no client name unless typed

    template = pd.read_csv(out / f"{FID}-quote.csv", keep_default_na=False, dtype=str)
    answered = filled(shipped)
    for column in ("included", "amount", "currency", "answer"):
        template[column] = answered[column].fillna("").astype(str).to_numpy()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(as_csv(template.assign(amount=template["amount"].replace("15000", "-15000"))))
    refused = _cli("quote-import", str(bad), "--shortlist", "Smith family", "--db", str(db), cwd=tmp_path)
    assert refused.returncode == 1 and "bad.csv:2: column 5 (amount)" in refused.stderr
    assert store.quotes("Smith family") == {}  # nothing saved on error

    good = tmp_path / "good.csv"
    good.write_bytes(as_csv(template))
    done = _cli("quote-import", str(good), "--shortlist", "Smith family", "--db", str(db), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Operation (quoted price): quoted" in done.stdout and "with the quote" in done.stdout
    saved = quotes.Quote.from_json(store.quotes("Smith family")[FID])
    assert saved.sender == "International office, Bumrungrad"

    wrong = _cli("quote-import", str(good), "--facility", "my-sunway-medical-centre", cwd=tmp_path)
    assert wrong.returncode == 1 and "not 'my-sunway-medical-centre'" in wrong.stderr


def test_the_client_report_counts_a_saved_quote_and_names_its_sender(shipped):
    from compare import report

    quote = quotes.read_quote(shipped, as_csv(filled(shipped)), "q.csv")
    scenario = Scenario(origin="london", currency="USD")
    ranking = report.shortlist_ranking(shipped, scenario, [quote])
    assert ranking.components.set_index(["facility_id", "component"]).loc[(FID, "operation_package"), "low"] == 15000
    html = report.build_report(shipped, scenario, [FID], title="Quotes", ranking=ranking, quotes=[quote])
    assert "quoted by International office, Bumrungrad" in html
    assert "<strong>Quote</strong> from International office, Bumrungrad" in html
    assert "left out of the quoted price" in html and "Medtronic CD Horizon Solera" in html
    assert "Expired: ask for a new quote" not in html
    table = report.shortlist_table(shipped, scenario, [FID], ranking=ranking)
    assert table.loc[0, "operation_package_status"] == "quoted"


def test_review_gives_the_whole_trip_with_and_without_the_quote(shipped):
    quote = quotes.read_quote(shipped, as_csv(filled(shipped)), "q.csv")
    trip = Trip(origin="london", currency="USD")
    before = costs.cost_frame(shipped, trip)
    checked = quotes.review(shipped, before, quote)
    after = quotes.apply_quotes(shipped, before, [quote])
    assert checked.before == (before.totals.loc[FID, "comparable_low"], before.totals.loc[FID, "comparable_high"])
    assert checked.after == (after.totals.loc[FID, "comparable_low"], after.totals.loc[FID, "comparable_high"])
    assert checked.after != checked.before
    pd.testing.assert_frame_equal(checked.comparison, quotes.quote_comparison(before, after, quote))


def test_request_files_for_several_facilities_zip_into_one_download(shipped):
    import zipfile

    ids = [FID, "my-sunway-medical-centre"]
    case = quotes.Case(procedure="fusion_1l_mis")
    files = quotes.request_files(shipped, ids, case, "EUR")
    assert sorted(files) == sorted(f"{fid}{s}" for fid in ids for s in (".html", "-quote.csv", "-quote.xlsx"))
    archive = zipfile.ZipFile(io.BytesIO(quotes.as_zip(files)))
    assert sorted(archive.namelist()) == sorted(files)
    template = archive.read(f"{FID}-quote.csv")
    assert template == files[f"{FID}-quote.csv"]
    # What a hospital sends back from it reads as a quote once answered.
    back = pd.read_csv(io.BytesIO(template), dtype=str, keep_default_na=False)
    assert (back["facility_id"] == FID).all() and set(back["currency"]) >= {"EUR"}
