"""A patient reads the comparison in Arabic: right-to-left layout, Arabic words, Arabic money, a screenshot."""

from __future__ import annotations

import re

from playwright.sync_api import expect

import compare
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
    ui.page.wait_for_function("document.documentElement.lang === 'ar' && document.documentElement.dir === 'rtl'")
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
    # So is the disclaimer, the one piece of curated text every reader must understand.
    expect(ui.page.get_by_text(ar(compare.load_dataset().disclaimer)).first).to_be_visible()
    ui.screenshot("arabic-compare", full_page=False)

    # Back to English from the selector: left to right again, and the URL says so.
    box = ui.sidebar.get_by_test_id("stSelectbox").filter(has_text="Idioma").get_by_role("combobox")
    box.click()
    box.fill("Engl")
    ui.page.get_by_role("option", name="English", exact=True).click()
    expect(ui.page.get_by_role("heading", level=1).first).to_have_text("Spinal fusion abroad")
    ui.idle()
    ui.page.wait_for_function("document.documentElement.dir === 'ltr'")
    assert _direction(ui, "stAppViewContainer") == "ltr"
    assert "lang=en" in ui.page.url


def test_a_spanish_browser_opens_in_spanish_and_a_link_overrides_it(browser, app_url):
    """A bare first visit follows the browser's language; a link's ?lang= (or its English settings) wins."""
    context = browser.new_context(locale="es-ES", viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(app_url + "/", wait_until="domcontentloaded")
        with i18n.language("es"):
            title = i18n._("Spinal fusion abroad")
        expect(page.get_by_role("heading", level=1).first).to_have_text(title, timeout=60_000)
        page.wait_for_url(re.compile(r"lang=es"))
        page.wait_for_function("document.documentElement.lang === 'es'")  # set by a script the page runs

        # A link made before languages existed carries English settings and no language: English.
        page.goto(app_url + "/?origin=London%20(GB)&seat=Business", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", level=1).first).to_have_text("Spinal fusion abroad", timeout=60_000)
        expect(page.get_by_role("radio", name="Business")).to_be_checked()

        page.goto(app_url + "/?lang=ru", wait_until="domcontentloaded")
        with i18n.language("ru"):
            title = i18n._("Spinal fusion abroad")
        expect(page.get_by_role("heading", level=1).first).to_have_text(title, timeout=60_000)
    finally:
        context.close()
