"""A copied link reopens the same view: every widget from the URL, the same filtered ranking in any tab."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

DATA = Path(__file__).resolve().parents[2] / "data"
LINK = "/?origin=London%20(GB)&currency=GBP&w_cost=10&countries=Thailand&countries=India"


def _check_view(ui, expected: int, shipped: int) -> list[str]:
    expect(ui.combobox("Travelling from")).to_have_value("London (GB)")
    expect(ui.combobox("Show costs in")).to_have_value("GBP")
    expect(ui.sidebar.get_by_role("slider", name="Whole-trip cost")).to_have_value("10")
    assert sorted(ui.multiselect_values("Countries")) == ["India", "Thailand"]
    expect(ui.metric("Options shown")).to_have_text(f"{expected} of {shipped}")
    removed = ui.page.get_by_text(re.compile(rf"^Filters removed: in (TH, IN|IN, TH): {shipped - expected}$"))
    expect(removed).to_be_visible()
    expect(ui.metric("Cheapest whole trip")).to_contain_text("GBP")
    expect(ui.grid().locator('table[role="grid"]')).to_have_attribute("aria-rowcount", str(expected + 1))
    countries = ui.grid_column("Country")
    assert countries and set(countries) <= {"Thailand", "India"}, countries
    return ui.ranked_names()


def test_shared_link(ui, new_ui, shipped_count):
    # Independent of the app: how many Thai and Indian facility files the repository ships.
    expected = len(list((DATA / "facilities" / "th").glob("*.yaml"))) + len(
        list((DATA / "facilities" / "in").glob("*.yaml"))
    )
    assert 0 < expected < shipped_count

    ui.goto(LINK)
    first = _check_view(ui, expected, shipped_count)
    ui.screenshot("shared-link-1")

    other = new_ui()
    other.goto(LINK)
    second = _check_view(other, expected, shipped_count)
    assert len(first) >= 5
    assert second[:5] == first[:5]
    other.screenshot("shared-link-2")
