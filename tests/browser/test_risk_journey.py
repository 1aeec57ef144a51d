"""A patient in New York reads the risk of each option, weighs the risk-adjusted total, and takes
home a continuity-of-care pack that prints."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def _low(text: str) -> float:
    """'USD 7,045–41,803' -> 7045.0."""
    match = re.match(r"USD\s([\d,]+)", text)
    assert match, text
    return float(match.group(1).replace(",", ""))


def test_risk_journey(ui, tmp_path):
    ui.goto("/?origin=New%20York%20(US)")
    # Not asked whether a doctor at home recommended the operation: the caution shows, with its source.
    caution = ui.page.get_by_test_id("stAlert").filter(has_text="second opinion")
    expect(caution).to_be_visible()
    expect(caution).to_contain_text("openaccess.library.uitm.edu.my")
    ui.segment("Was this operation recommended by a doctor at home?", "Yes")
    expect(caution).to_have_count(0)

    # The risk line: an expected cost of complications for every option in view (US costs).
    # Glide draws only the columns in view: read the trip, then scroll right to the risk columns.
    trips = ui.grid_column("Whole trip")
    ui.grid().locator(".dvn-scroller").first.evaluate("e => e.scrollBy(700, 0)")
    ui.page.wait_for_timeout(300)
    risks, adjusted = ui.grid_column("Expected complications"), ui.grid_column("Risk-adjusted total")
    assert risks and all(r.startswith("USD") for r in risks), risks
    for trip, risk, total in zip(trips, risks, adjusted, strict=True):
        assert abs(_low(total) - (_low(trip) + _low(risk))) <= 1, (trip, risk, total)

    # The risk-adjusted total as the cost criterion, kept in the URL.
    ui.sidebar.get_by_test_id("stExpander").filter(has_text="Advanced").get_by_text("Advanced").click()
    ui.segment("Cost criterion", "Risk-adjusted")
    ui.page.wait_for_url(re.compile(r"cost_criterion=Risk-adjusted"))
    ui.no_exception()
    top = ui.ranked_names()[0]
    ui.screenshot("risk-1-compare")

    # The top option's continuity-of-care pack downloads, names the option and prints.
    ui.nav("Facility", "Every figure and its source")
    ui.choose("Facility", re.compile("^" + re.escape(top) + " — "), typed=top[:12])
    expect(ui.page.get_by_text("What can go wrong, and what it could cost")).to_be_visible()
    pack = ui.download("Continuity-of-care pack", tmp_path)
    html = pack.read_text(encoding="utf-8")
    assert f"Continuity of care: {top}" in html.replace("&amp;", "&")
    page = ui.page.context.new_page()
    page.goto(pack.as_uri())
    expect(page.get_by_role("heading", name="For my doctor at home")).to_be_visible()
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper)
        assert pdf.startswith(b"%PDF")
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages >= 2, f"{paper}: {pages} page(s); the doctor's page should start a new one"
    page.close()
    ui.screenshot("risk-2-facility")
