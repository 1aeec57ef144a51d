"""The continuity-of-care pack: every step with its source, the trip's own flight window, blanks
for what the data does not know, and nothing from the data rendered as HTML."""

from __future__ import annotations

import re

import pytest

from compare import Scenario, continuity, rank
from compare.report import build_report


@pytest.fixture(scope="module")
def result(shipped):
    return rank(shipped, Scenario(origin="london", currency="GBP"))


def test_every_step_is_there_with_its_source(shipped, result):
    page = continuity.build_pack(shipped, result, "th-bumrungrad")
    assert page.startswith("<!DOCTYPE html>") and "<html lang='en'>" in page
    for step in shipped.risk.continuity:
        assert step.text.split()[0] in page
        src = shipped.risk.sources[step.source]
        assert src.url in page.replace("&amp;", "&")
    for title in continuity.WHEN.values():
        assert title in page
    # The insurance gap and the clot-risk note, each with its source.
    assert shipped.risk.advice["insurance_gap"].text.split(".")[0] in page
    assert "parallelparliament.co.uk" in page


def test_the_flight_window_is_this_trips(shipped, result):
    leg = result.costs.journeys.loc["th-bumrungrad"]
    page = continuity.build_pack(shipped, result, "th-bumrungrad")
    assert f"about {leg['flight_hours']:.0f} hours (long haul)" in page
    assert f"Plan {leg['recovery_low']:g}–{leg['recovery_high']:g} days" in page
    own = rank(shipped, Scenario(origin="london", recovery_days=21))
    assert "Plan 21 days" in continuity.build_pack(shipped, own, "th-bumrungrad")


def test_unknowns_are_blanks_to_fill_and_the_doctor_page_prints_on_its_own(shipped, result):
    page = continuity.build_pack(shipped, result, "th-bumrungrad")
    assert page.count("class='fill'") >= 8
    assert "break-before: page" in page and "@page" in page
    assert "For my doctor at home" in page and "1-level lumbar fusion, minimally invasive" in page


def test_text_from_the_data_is_escaped(shipped, result, monkeypatch):
    facilities = shipped.facilities.copy()
    facilities.loc["th-bumrungrad", "name"] = "<script>alert(1)</script> & Co"
    monkeypatch.setattr(shipped, "facilities", facilities)
    page = continuity.build_pack(shipped, result, "th-bumrungrad")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page


def test_the_client_report_carries_the_pack(shipped):
    html = build_report(
        shipped, Scenario(origin="london"), ["th-bumrungrad", "in-apollo-greams-road-chennai"], title="t"
    )
    assert "Continuity of care: Bumrungrad" in html
    assert "For my doctor at home" in html
    assert re.search(r"Expected cost of complications[^<]*: unknown", html)  # no GB treatment cost in the data


def test_the_report_states_the_risk_choices(shipped):
    from compare.report import describe_scenario

    lines = describe_scenario(
        shipped,
        Scenario(origin="london", complication_insurance=400, recommended_at_home="no", cost_criterion="risk_adjusted"),
    )
    text = " ".join(lines)
    assert "risk-adjusted" in text and "insurance quote: USD\u00a0400" in text and "did not recommend" in text
    assert "Not yet discussed" in " ".join(describe_scenario(shipped, Scenario(origin="london")))
