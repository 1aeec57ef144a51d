"""The real dashboard through Streamlit's AppTest (server-side script runs, no browser)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

import compare

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = [
    "app_pages/compare_page.py",
    "app_pages/facility_page.py",
    "app_pages/data_page.py",
    "app_pages/method_page.py",
]


def ranking(at: AppTest):
    return at.dataframe(key="ranking").value


def frame_with(at: AppTest, *columns: str, last: bool = False):
    """The first (or last) dataframe showing all these columns (only selectable tables have keys)."""
    for element in reversed(at.dataframe) if last else at.dataframe:
        value = element.value
        if set(columns) <= set(value.columns):
            return value
    raise AssertionError(f"no dataframe with columns {columns}")


def fresh(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    return at.run()


@pytest.fixture(scope="module")
def base() -> AppTest:
    at = fresh()
    assert not at.exception
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(page):
    at = fresh()
    at.switch_page(page).run()
    assert not at.exception
    assert not at.error


def test_compare_page_shows_a_ranking_with_costs_and_sources(base):
    table = ranking(base)
    assert len(table) > 40
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    assert table["score"].is_monotonic_decreasing
    assert table["trip"].str.contains("USD").any()
    assert table["price_source"].dropna().str.startswith("http").all()
    labels = [m.label for m in base.metric]
    assert {"Options shown", "On the Pareto front", "Cheapest whole trip"} <= set(labels)
    home = next(m for m in base.metric if m.label.startswith("Versus at home"))
    # The newest figure's date, in the reader's form, and the sources are shown.
    assert re.search(r"newest dated \w{3} \d{1,2}, 20\d\d", home.proto.help) and "lyfboat" in home.proto.help
    assert {b.label for b in base.download_button} >= {
        "Download ranking (CSV)",
        "Download ranking (Excel)",
        "Save scenario (YAML)",
    }


def test_the_first_view_plots_every_priced_option_with_its_range_and_the_front(base):
    (chart,) = base.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["title"]["text"] == "Whole-trip cost versus score"
    data = pa.ipc.open_stream(chart.proto.data.data).read_pandas()
    table = ranking(base)
    assert set(data.index) <= set(table.index) and len(data) > 40
    assert set(data.index[data["group"] == "Pareto-optimal"]) == set(table.index[table["pareto"].astype(bool)])
    assert (data["low"] <= data["cost"]).all() and (data["cost"] <= data["high"]).all()


def test_weight_change_reorders_the_ranking():
    at = fresh()
    before = list(ranking(at)["name"])
    for c in ["cost", "accreditation", "volume", "technology", "outcomes", "services", "confidence"]:
        at.slider(key=f"w_{c}").set_value(0)
    at.slider(key="w_travel").set_value(10).run()
    after = ranking(at)
    assert not at.exception
    assert list(after["name"]) != before
    # Only travel counts now: the order must follow the distance from New York.
    assert after["flight"].dropna().is_monotonic_increasing


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("countries", ["TH", "IN"]),
        ("accreditation", "international"),
        ("techniques", ["robotic_guidance"]),
        ("min_volume", 1000),
        ("budget", 60000.0),
        ("max_hours", 14.0),
    ],
)
def test_each_filter_narrows_the_result(base, key, value):
    at = fresh()
    widget = at.sidebar.get("multiselect") + at.sidebar.get("selectbox") + at.sidebar.get("number_input")
    target = next(w for w in widget if w.key == key)
    target.set_value(value).run()
    assert not at.exception
    narrowed = ranking(at)
    assert 0 < len(narrowed) < len(ranking(base))
    if key == "countries":
        assert set(narrowed["country_name"]) == {"Thailand", "India"}


def test_impossible_filter_explains_which_filter_removed_what():
    at = fresh()
    at.multiselect(key="countries").set_value(["DE"])
    at.number_input(key="min_volume").set_value(100_000).run()
    assert not at.exception
    assert not [d for d in at.dataframe if d.key == "ranking"]
    message = at.info[0].value
    assert "No option passes all filters" in message
    assert "removed" in message and "100,000" in message


def test_url_query_parameters_initialise_the_widgets_and_ranking():
    # Bound select widgets put their displayed label in the URL, e.g. "London (GB)".
    at = fresh(
        origin="London (GB)",
        currency="GBP",
        companion="true",
        countries=["Thailand", "Türkiye"],
        w_cost="10",
        w_travel="0",
    )
    assert not at.exception
    assert at.selectbox(key="origin").value == "london"
    assert at.selectbox(key="currency").value == "GBP"
    assert at.toggle(key="companion").value is True
    assert at.slider(key="w_cost").value == 10
    table = ranking(at)
    assert set(table["country_name"]) == {"Thailand", "Türkiye"}
    assert at.multiselect(key="countries").value == ["TH", "TR"]
    assert table["trip"].str.contains("GBP").all()


def test_the_trip_widgets_change_what_the_table_shows():
    at = fresh(origin="London (GB)", currency="GBP")
    table = ranking(at)
    assert table["completeness"].between(0, 1).all()
    # Options whose country has a published operation price are mostly documented; the others lean
    # on filled estimates, and the table says so.
    ds = compare.load_dataset()
    priced = set(ds.prices.loc[ds.prices["use"] == "estimate", "country"])
    in_priced = table.index.to_series().map(lambda fid: ds.facilities.loc[fid, "country"] in priced)
    assert table.loc[in_priced, "completeness"].median() >= 0.9 > table.loc[~in_priced, "completeness"].median()
    assert table["visa_shown"].str.len().gt(0).all() and table["stay"].str.contains("long").any()
    cheapest = next(m for m in at.metric if m.label == "Cheapest whole trip").value
    # A Nigerian passport needs visas where a British one does not.
    at.selectbox(key="passport").set_value("NG").run()
    assert not at.exception
    assert list(ranking(at)["visa_shown"]) != list(table["visa_shown"])
    # Business class for the patient costs more everywhere.
    at.selectbox(key="passport").set_value("").run()
    at.segmented_control(key="seat").set_value("business").run()
    assert next(m for m in at.metric if m.label == "Cheapest whole trip").value != cheapest
    # Documented only: the totals of the options with no price become "not reported".
    at.segmented_control(key="cost_basis").set_value("documented").run()
    assert not at.exception
    assert ranking(at)["trip"].eq("not reported").any()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"fares": "TH=abc"}, "'TH=abc' is not COUNTRY=AMOUNT"),
        ({"fares": "XX=500"}, "unknown country code 'XX'"),
        ({"fare": "9999999"}, "above 50,000 USD"),
    ],
)
def test_a_bad_trip_value_is_named_on_the_sidebar_and_the_rest_still_ranks(query, message):
    at = fresh(**query)
    assert not at.exception
    errors = [e.value for e in at.sidebar.error]
    assert any(message in e.replace("\\", "") for e in errors), errors
    assert len(ranking(at)) == len(ranking(fresh()))  # the default is used instead


def test_the_risk_controls():
    at = fresh(origin="New York (US)")
    # Not asked whether a doctor at home recommended it: the caution shows, every option stays.
    assert any("second opinion" in w.value for w in at.warning)
    count = len(ranking(at))
    table = ranking(at)
    assert table["risk"].str.contains("USD").all()  # US treatment costs exist for a US patient
    at.segmented_control(key="recommended").set_value("yes").run()
    assert not any("second opinion" in w.value for w in at.warning)
    # Risk-adjusted cost criterion and a complication insurance quote.
    at.segmented_control(key="method").set_value("topsis").run()
    trip_scores = list(ranking(at)["score"])
    at.segmented_control(key="cost_criterion").set_value("risk_adjusted").run()
    assert not at.exception and len(ranking(at)) == count
    # The dashboard ranks exactly as the engine does for this scenario; TOPSIS (not shift-invariant)
    # shows that the cost criterion really changed.
    import compare

    scenario = at.session_state["_scenario"]
    assert scenario.preferences.cost_criterion.value == "risk_adjusted"
    engine_scores = list(compare.rank(compare.load_dataset(), scenario).table["score"])
    assert list(ranking(at)["score"]) == engine_scores != trip_scores
    before = next(m for m in at.metric if m.label == "Cheapest whole trip").value
    at.number_input(key="insurance").set_value(500.0).run()
    assert next(m for m in at.metric if m.label == "Cheapest whole trip").value != before
    # Hiding options with too little data to rank removes exactly the marked ones.
    marked = (ranking(at)["data_mark"] != "").sum()
    at.toggle(key="hide_thin").set_value(True).run()
    assert len(ranking(at)) == count - marked


def test_the_facility_page_prices_the_risk_and_offers_the_pack():
    at = fresh(
        origin="New York (US)",
        facility="Bumrungrad International Hospital (Bumrungrad Spine Institute) — Bangkok, Thailand",
    )
    at.switch_page("app_pages/facility_page.py").run()
    assert not at.exception
    risk = frame_with(at, "label", "chance", "treatment")
    assert set(risk["label"]) == {"Surgical-site infection", "Reoperation within two years", "Non-union"}
    # Every complication names its sources, one row each, with who stands behind them.
    sources = frame_with(at, "item", "source_url", "source_kind", last=True)
    assert set(sources["item"]) == set(risk["label"])
    assert sources["source_url"].str.startswith("http").all()
    assert "Peer-reviewed literature" in set(sources["source_kind"])
    assert any(b.label.startswith("Continuity-of-care pack") for b in at.download_button)


def test_row_selection_fills_the_side_by_side_comparison():
    at = fresh()
    names = list(ranking(at)["name"])
    at.session_state["ranking"] = {"selection": {"rows": [2, 4], "columns": [], "cells": []}}
    at.segmented_control(key="view").set_value("Side by side").run()
    assert not at.exception
    compared = list(frame_with(at, names[2]).columns)
    assert compared == [names[2], names[4]]


def test_sensitivity_adds_probabilities():
    at = fresh()
    at.toggle(key="robust").set_value(True).run()
    assert not at.exception
    table = ranking(at)
    assert abs(table["p_rank1"].sum() - 1) < 1e-9
    assert abs(table["p_top3"].sum() - 3) < 1e-9


GOOD_FACILITY = b"""
id: zz-test-clinic
name: Test Spine Clinic
country: TH
city: Bangkok
summary: A facility uploaded by a facilitator for this session.
location: null
sources:
  own-quote:
    url: https://example.org/quote
    as_of: 2026-06-01
    kind: facilitator
    evidence: facilitator_quote
accreditations:
  - {body: jci, since: 2020, verified_as_of: 2026-06-01, source: own-quote}
techniques:
  - {id: mis_tlif, source: own-quote}
"""


def _upload(at: AppTest, name: str, raw: bytes) -> AppTest:
    at.switch_page("app_pages/data_page.py").run()
    at.file_uploader(key="upload").set_value((name, raw, "application/octet-stream")).run()
    return at


def test_good_upload_adds_an_option_for_this_session():
    at = fresh()
    count = len(ranking(at))
    _upload(at, "clinic.yaml", GOOD_FACILITY)
    assert not at.exception
    assert any("was added" in s.value for s in at.success)
    at.switch_page("app_pages/compare_page.py").run()
    table = ranking(at)
    assert len(table) == count + 1
    assert "Test Spine Clinic" in set(table["name"])


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("bad.yaml", b"id: [unclosed", "malformed YAML"),
        ("bomb.yaml", b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "aliases are not allowed"),
        ("deep.yaml", b"[" * 5000, "nested deeper"),
        ("tag.yaml", b"x: !!python/object/apply:os.system [ls]\n", "tag"),
        ("binary.yaml", b"\x00\x01\x02" * 10, "binary"),
        ("latin1.yaml", "name: Clínica".encode("latin-1"), "not UTF-8"),
        ("big.yaml", b"a: " + b"x" * 300_000, "too large"),
        ("prices.csv", b"id,country\nx,ZZ\n", "required field is missing"),
        ("clash.yaml", GOOD_FACILITY.replace(b"zz-test-clinic", b"th-bumrungrad"), "already exists"),
    ],
)
def test_bad_upload_shows_its_problems_and_changes_nothing(name, raw, expected):
    at = fresh()
    count = len(ranking(at))
    _upload(at, name, raw)
    assert not at.exception
    assert any("was not added" in e.value for e in at.error)
    report = frame_with(at, "severity", "message", last=True)
    assert report["message"].str.contains(expected, regex=False).any(), report["message"].tolist()
    at.switch_page("app_pages/compare_page.py").run()
    assert len(ranking(at)) == count


def test_facility_page_lists_sources_and_not_reported_fields():
    at = fresh(facility="Bumrungrad International Hospital (Bumrungrad Spine Institute) — Bangkok, Thailand")
    at.switch_page("app_pages/facility_page.py").run()
    assert not at.exception
    facts = frame_with(at, "field", "value", "source_url")
    assert facts["source_url"].str.startswith("http").all()
    assert {"Accreditation", "International patient office"} <= set(facts["field"])
    # Who stands behind each figure is shown next to it, in words from the vocabulary.
    assert facts["who"].str.startswith("The hospital: Bumrungrad").any()
    assert facts["who"].str.startswith("Registry or accreditor").any()
    # The operation price's sources are listed one per row, none joined into one cell.
    cost_sources = frame_with(at, "item", "source_url", "source_kind")
    assert not cost_sources["source_url"].str.contains("; ").any()
    assert "Operation (published price)" in set(cost_sources["item"])
    costs = frame_with(at, "label", "status", "how")
    assert "unknown" in set(costs["status"])
    assert any("Not reported by any source" in c.value for c in at.caption)


def test_data_page_shows_the_validation_report():
    at = fresh()
    at.switch_page("app_pages/data_page.py").run()
    assert not at.exception
    assert at.success[0].value == "All records passed validation."
    report = frame_with(at, "severity", "file", "line")
    assert set(report["severity"]) <= {"warning"}
    # The open data sets and the travel model's sources are listed with address and date.
    model = frame_with(at, "file", "key", "title")
    per_diem = model[model["key"] == "us-per-diem-2026-04"].iloc[0]
    assert per_diem["source_url"].startswith("https://aoprals.state.gov") and per_diem["as_of"] == "2026-04-01"
    assert {"travel.yaml", "clinical.yaml"} == set(model["file"])


@pytest.fixture
def shortlist_db(tmp_path, monkeypatch):
    """A fresh shortlist database file for the app under test."""
    db = tmp_path / "shortlists.sqlite3"
    monkeypatch.setenv("SPINE_SHORTLISTS_DB", str(db))
    return db


def test_facilitator_builds_a_shortlist_and_reopens_it(shortlist_db):
    from compare.shortlists import ShortlistStore

    at = fresh(origin="London (GB)", currency="GBP")
    names = list(ranking(at)["name"])
    at.session_state["ranking"] = {"selection": {"rows": [0, 2, 4], "columns": [], "cells": []}}
    at.run()
    at.text_input(key="sl_new_name").set_value("Smith family")
    at.text_input(key="sl_new_client").set_value("J. Smith").run()
    assert "Quote requests for 3 selected (ZIP)" in {b.label for b in at.download_button}
    at.button(key="sl_add").click().run()
    assert not at.exception
    assert any("Saved to" in s.value for s in at.success)

    # A new session (a browser coming back later) finds it in the database file.
    again = fresh()
    again.switch_page("app_pages/shortlists_page.py").run()
    assert not again.exception
    editor = frame_with(again, "facility", "note", "remove")
    assert list(editor["facility"]) == [names[0], names[2], names[4]]
    assert set(editor["changes"]) == {"none"}
    assert {b.label for b in again.download_button} == {
        "Client report (HTML)",
        "CSV",
        "Excel",
        "Request letter (HTML)",
        "Quote template (.csv)",
        "Quote template (.xlsx)",
    }

    stored = ShortlistStore(shortlist_db).get("Smith family")
    assert stored.client == "J. Smith"
    assert stored.scenario.trip.origin == "london" and stored.scenario.trip.currency == "GBP"

    # "Open in Compare" puts the saved scenario back into the sidebar.
    again.button(key="sl_open").click().run()
    assert not again.exception
    assert again.selectbox(key="origin").value == "london"
    assert again.selectbox(key="currency").value == "GBP"


def test_a_returned_quote_is_checked_compared_saved_and_counted(shortlist_db, shipped):
    import datetime as dt

    from compare import Scenario, quotes
    from compare.shortlists import ShortlistStore

    fid = "th-bumrungrad"
    store = ShortlistStore(shortlist_db)
    store.create("Quotes", Scenario(origin="london", currency="GBP"), [fid])
    at = fresh()
    at.switch_page("app_pages/shortlists_page.py").run()
    assert not at.exception
    before = frame_with(at, "facility", "whole_trip")["whole_trip"].iloc[0]

    template = quotes.request_template(shipped, fid, "GBP")
    answers = {
        "operation_package": "12000",
        "sender": "International office",
        "quote_date": (dt.date.today() - dt.timedelta(days=2)).isoformat(),
    }
    for item, value in answers.items():
        column = "amount" if item == "operation_package" else "answer"
        template.loc[template["item"] == item, column] = value
    bad = template.copy()
    bad.loc[bad["item"] == "implants", ["amount", "currency"]] = ["-40", "GBP"]
    uploader = at.file_uploader(key=f"sl_quote_upload_{fid}_0")
    uploader.set_value(("bad.csv", bad.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception
    assert any("nothing is saved" in e.value for e in at.error)
    assert any("bad.csv:9: column 5 (amount)" in c.value for c in at.code)
    assert store.quotes("Quotes") == {}

    uploader = at.file_uploader(key=f"sl_quote_upload_{fid}_0")
    uploader.set_value(("good.csv", template.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception
    comparison = frame_with(at, "label", "before", "quote", "change")
    assert comparison.set_index("label").loc["Operation (quoted price)", "quote"] == "GBP\u00a012,000 (quoted)"
    at.button(key="sl_quote_save").click().run()
    assert not at.exception
    assert quotes.Quote.from_json(store.quotes("Quotes")[fid]).sender == "International office"
    assert any("Quote saved" in m.value for m in at.success)
    assert at.file_uploader(key=f"sl_quote_upload_{fid}_1").value is None  # emptied once saved
    after = frame_with(at, "facility", "whole_trip")["whole_trip"].iloc[0]
    assert after != before  # the shortlist's whole trip now counts the quoted price
    assert "International office" in frame_with(at, "Facility", "From", "Dated")["From"].iloc[0]


def test_unusable_shortlist_database_leaves_the_rest_working(shortlist_db):
    shortlist_db.write_bytes(b"this is not a database" * 100)
    at = fresh()
    assert not at.exception
    assert len(ranking(at)) > 40  # the comparison still works
    at.switch_page("app_pages/shortlists_page.py").run()
    assert not at.exception
    assert any("Shortlists are unavailable" in e.value for e in at.error)
    assert shortlist_db.read_bytes() == b"this is not a database" * 100


def test_a_saved_scenario_file_restores_the_sidebar():
    from compare import Scenario

    scenario = Scenario(origin="sydney", currency="AUD", companion=True, weights={"cost": 2, "travel": 9})
    at = fresh()
    at.sidebar.file_uploader(key="scenario_file").set_value(
        ("s.yaml", scenario.to_yaml().encode(), "application/x-yaml")
    ).run()
    assert not at.exception
    assert at.selectbox(key="origin").value == "sydney"
    assert at.toggle(key="companion").value is True
    assert at.slider(key="w_travel").value == 9
    assert at.slider(key="w_volume").value == 0


def test_a_bad_scenario_file_changes_nothing():
    at = fresh()
    before = list(ranking(at)["name"])
    at.sidebar.file_uploader(key="scenario_file").set_value(("s.yaml", b"origin: [oops", "application/x-yaml")).run()
    assert not at.exception
    assert any("malformed YAML" in e.value for e in at.error)
    assert at.selectbox(key="origin").value == "new-york"
    assert list(ranking(at)["name"]) == before


def test_cli_with_the_saved_scenario_reproduces_the_dashboard_to_the_last_digit(tmp_path):
    import json
    import subprocess
    import sys

    at = fresh(origin="Lagos (NG)", currency="EUR", companion="true", w_technology="9", w_cost="3", method="TOPSIS")
    assert not at.exception
    scenario = at.session_state["_scenario"]
    path = tmp_path / "scenario.yaml"
    path.write_text(scenario.to_yaml(), encoding="utf-8")  # what "Save scenario (YAML)" downloads
    done = subprocess.run(
        [sys.executable, "-m", "compare", "rank", "--scenario", str(path), "--format", "json"],
        cwd=Path(APP).parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    cli = json.loads(done.stdout)
    app = ranking(at)
    assert [r["name"] for r in cli] == list(app["name"])
    assert [r["score"] for r in cli] == list(app["score"])  # exact float equality
