"""A patient in London sets up their trip, weighs what matters, checks sources and compares three options."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]


def _money(text: str) -> float:
    """'GBP 10,208' -> 10208.0 (the first figure of a metric)."""
    match = re.search(r"[\d,]+", text)
    assert match, f"no figure in {text!r}"
    return float(match.group().replace(",", ""))


def _cited_urls(name: str) -> set[str]:
    for path in (ROOT / "data" / "facilities").glob("*/*.yaml"):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if record["name"] == name:
            return {s["url"] for s in record["sources"].values() if s.get("url")}
    raise AssertionError(f"no facility file named {name!r}")


def _scores(ui) -> list[float]:
    return [float(s) for s in ui.grid_column("Score")]


def test_patient_journey(ui, shipped_count):
    n = shipped_count
    ui.goto("/")
    shown = ui.metric("Options shown")
    expect(shown).to_have_text(f"{n} of {n}")

    # Where from, which currency, with a companion: all through the sidebar.
    ui.choose("Travelling from", "London (GB)", typed="Lond")
    expect(ui.page.get_by_test_id("stMetric").filter(has_text="Versus at home (GB)")).to_be_visible()
    ui.choose("Show costs in", "GBP", typed="GBP")
    cheapest = ui.metric("Cheapest whole trip")
    expect(cheapest).to_have_text(re.compile(r"^GBP\s[\d,]+$"))
    expect(ui.metric("Median whole trip (midpoint)")).to_have_text(re.compile(r"^GBP\s[\d,]+$"))

    # Flights are estimated from distance; a business seat for the patient costs more, and the
    # fare a patient types replaces the estimate everywhere.
    estimated = cheapest.inner_text()
    ui.page.get_by_role("radiogroup", name="Your seat on the flights").get_by_role("radio", name="Business").click()
    expect(cheapest).not_to_have_text(estimated)
    ui.idle()
    assert _money(cheapest.inner_text()) > _money(estimated)
    assert "seat=Business" in ui.page.url
    ui.page.get_by_role("radiogroup", name="Your seat on the flights").get_by_role("radio", name="Economy").click()
    expect(cheapest).to_have_text(estimated)
    fare = ui.sidebar.get_by_role("spinbutton", name="Your return airfare per traveller (GBP)")
    fare.fill("600")
    fare.press("Enter")
    expect(cheapest).not_to_have_text(estimated)
    ui.idle()
    alone = cheapest.inner_text()

    # A companion pays a fare, meals and nights too.
    switch = ui.toggle("A companion travels with me")
    expect(switch).to_be_checked()
    expect(cheapest).not_to_have_text(alone)
    ui.idle()
    assert _money(cheapest.inner_text()) >= _money(alone) + 600
    assert "companion=true" in ui.page.url and "origin=London" in ui.page.url

    ui.choose("Accreditation", "any international (e.g. JCI)", typed="intern")
    expect(shown).not_to_have_text(f"{n} of {n}")
    kept = int(re.match(r"(\d+) of (\d+)", shown.inner_text()).group(1))
    assert 0 < kept < n
    expect(ui.page.get_by_text(re.compile(rf"Filters removed: .*: {n - kept}\b"))).to_be_visible()
    expect(ui.grid().locator('table[role="grid"]')).to_have_attribute("aria-rowcount", str(kept + 1))

    # Moving the cost weight with the keyboard re-ranks the table.
    before = ui.ranked_names()
    scores_before = _scores(ui)
    assert scores_before == sorted(scores_before, reverse=True)
    slider = ui.sidebar.get_by_role("slider", name="Whole-trip cost")
    assert slider.input_value() != "0"
    slider.focus()
    slider.press("Home")  # one key press, one rerun (quick arrow presses coalesce into several)
    expect(slider).to_have_value("0")
    ui.page.wait_for_url(re.compile(r"w_cost=0"))
    ui.wait_until(lambda: ui.ranked_names() != before, f"ranking did not change after cost weight 0: {before}")
    ui.idle()
    after = ui.ranked_names()
    # Same options, different order (the grid renders only the rows in view, so count them).
    expect(ui.grid().locator('table[role="grid"]')).to_have_attribute("aria-rowcount", str(kept + 1))
    scores_after = _scores(ui)
    assert scores_after == sorted(scores_after, reverse=True)
    assert scores_after != scores_before

    slider.blur()
    ui.page.get_by_test_id("stSidebarContent").evaluate("e => e.scrollTo(0, 0)")
    ui.page.get_by_test_id("stMain").evaluate("e => e.scrollTo(0, 0)")
    ui.page.screenshot(path=str(ROOT / "docs" / "screenshot-compare.png"), full_page=False)
    ui.screenshot("patient-1-compare")

    # The top option's own page lists every figure with a web source.
    top = after[0]
    ui.nav("Facility", "Every figure and its source")
    ui.choose("Facility", re.compile("^" + re.escape(top) + " — "), typed=top[:12])
    expect(ui.page.get_by_role("heading", name=top, exact=True)).to_be_visible()
    # Every source shown is one the facility's own data file cites (read here straight from the YAML).
    cited = _cited_urls(top)
    ui.wait_until(
        lambda: set(ui.grid_column("Source", "Figure")) <= cited,
        f"facility page sources are not those of {top}: {ui.grid_column('Source', 'Figure')} vs {cited}",
    )
    sources = ui.grid_column("Source", "Figure")
    assert sources, "no figures listed"
    assert all(re.match(r"https?://\S+$", s) for s in sources), sources
    ui.screenshot("patient-2-facility")
    # The Source cells are links: clicking the first opens its URL in a new tab (seen as the tab's request).
    facts = ui.grid("Figure")
    assert ui.grid_headers("Figure")[-1] == "Source"
    width = facts.locator("canvas").first.bounding_box()["width"]
    with ui.page.context.expect_event("request", lambda r: not r.url.startswith(ui.base_url)) as request:
        ui.click_cell(facts, 0, x=width - 40)
    assert request.value.url == sources[0]
    for tab in ui.page.context.pages[1:]:
        tab.close()

    # Back to Compare: tick three options and see them side by side.
    ui.nav("Compare", "Options shown")
    expect(ui.metric("Options shown")).to_have_text(f"{kept} of {n}")
    names = ui.ranked_names()
    assert names == after  # the scenario survived the page change
    ui.select_rows([0, 2, 4])
    expect(ui.page.get_by_role("button", name=re.compile("Add 3 selected to a shortlist"))).to_be_visible()
    ui.segment("View", "Side by side")
    picked = [names[0], names[2], names[4]]
    chart = ui.page.locator(".st-key-side_chart").get_by_test_id("stPlotlyChart")
    expect(chart).to_have_count(1)
    for name in picked:
        expect(chart).to_contain_text(name[:20])
    side = ui.grid(picked[0])
    expect(side).to_have_count(1)
    headers = ui.all_grid_headers(picked[0])  # long names can push a column out of view
    assert [h for h in headers if h in names] == picked, headers
    ui.screenshot("patient-3-side-by-side")
