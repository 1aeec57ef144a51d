"""A patient reads the comparison in Arabic: right-to-left layout, Arabic words, Arabic money, a screenshot."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from compare import i18n

ARABIC = re.compile(r"[\u0600-\u06FF]")


def ar(message: str) -> str:
    with i18n.language("ar"):
        return i18n._(message)


def _direction(ui, test_id: str) -> str:
    return ui.page.get_by_test_id(test_id).first.evaluate("e => getComputedStyle(e).direction")


def test_arabic_journey(ui):
    ui.goto("/?lang=ar", expect_text=ar("Options shown"))

    # The document says what it is, so screen readers and text selection follow.
    assert ui.page.evaluate("document.documentElement.lang") == "ar"
    assert ui.page.evaluate("document.documentElement.dir") == "rtl"
    assert _direction(ui, "stAppViewContainer") == "rtl"
    assert _direction(ui, "stSidebar") == "rtl"

    # The sidebar sits on the right, and the title and the labels are Arabic.
    sidebar, main = ui.sidebar.bounding_box(), ui.page.get_by_test_id("stMain").bounding_box()
    assert sidebar["x"] > main["x"], (sidebar, main)
    title = ui.page.get_by_role("heading", level=1).first
    expect(title).to_have_text(ar("Spinal fusion abroad"))
    assert ARABIC.search(title.inner_text())
    heading = ui.page.get_by_role("heading", level=1).first.evaluate("e => getComputedStyle(e).textAlign")
    assert heading in ("right", "start"), heading

    # Money is written the Arabic way (the locale puts the currency after the figure).
    cheapest = ui.metric(ar("Cheapest whole trip"))
    with i18n.language("ar"):
        sample = i18n.money(12345, "USD")
    expect(cheapest).to_contain_text(sample.split("\u00a0")[-1].strip())

    # The ranking is there, and the sidebar's own labels are Arabic.
    assert len(ui.grid_column(ar("Facility"))) > 10
    expect(ui.sidebar.get_by_text(ar("Travelling from")).first).to_be_visible()
    ui.screenshot("arabic-compare", full_page=False)

    # Back to English from the selector: left to right again, and the URL says so.
    box = ui.sidebar.get_by_test_id("stSelectbox").filter(has_text="Idioma").get_by_role("combobox")
    box.click()
    box.fill("Engl")
    ui.page.get_by_role("option", name="English", exact=True).click()
    expect(ui.page.get_by_role("heading", level=1).first).to_have_text("Spinal fusion abroad")
    ui.idle()
    assert ui.page.evaluate("document.documentElement.dir") == "ltr"
    assert _direction(ui, "stAppViewContainer") == "ltr"
    assert "lang=en" in ui.page.url
