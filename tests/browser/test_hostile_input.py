"""An uploaded facility file full of markup, links and spreadsheet formulas shows as plain text and runs nothing."""

from __future__ import annotations

import csv
import io
import unicodedata

import yaml
from playwright.sync_api import expect

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "[click](javascript:alert(1))",
    "javascript:alert(1)",
    "https://evil.example/x",
]
FORMULA = '=HYPERLINK("http://evil","x")'
HOSTILE = " ".join(PAYLOADS)
NAME = f"{FORMULA} {HOSTILE}"  # starts with a formula so the CSV export must neutralise it
SUMMARY = f"Summary {HOSTILE} {FORMULA}"
NOTE = f"Note {HOSTILE} {FORMULA}"
AWARD = f"Award {PAYLOADS[1]} {PAYLOADS[2]}"

FACILITY = {
    "id": "is-hostile-test",
    "name": NAME,
    "country": "IS",
    "city": "Reykjavik",
    "district": None,
    "summary": SUMMARY,
    "location": None,
    "sources": {
        "site": {
            "url": "https://evil.example/x",
            "title": f"Title {HOSTILE}",
            "publisher": f"Publisher {HOSTILE}",
            "kind": "hospital",
            "as_of": "2025-01",
            "evidence": "facility_published",
        },
    },
    "recognitions": [{"name": AWARD, "year": 2024, "note": NOTE, "source": "site"}],
    "technologies": [{"id": "neuromonitoring", "note": NOTE, "source": "site"}],
}

DOM_CHECK = """() => ({
    pwned: typeof window.__pwned,
    img: [...document.querySelectorAll('img[src="x"], [onerror]')].map(e => e.outerHTML),
    js_links: [...document.querySelectorAll('a[href^="javascript:" i]')].map(e => e.outerHTML),
    evil_links: [...document.querySelectorAll('a[href*="evil.example"]')].map(
        e => e.outerHTML + ' inside <' + e.closest('[data-testid]').dataset.testid + '>'),
    scripts: [...document.scripts].filter(s => s.textContent.includes('__pwned')).length,
})"""


def _visible(text: str) -> str:
    """Text as a reader sees it: invisible format characters (e.g. a word joiner that stops autolinking) dropped."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _dom_problems(ui, where: str) -> list[str]:
    found = ui.page.evaluate(DOM_CHECK)
    problems = []
    if found["pwned"] != "undefined":
        problems.append(f"{where}: window.__pwned is {found['pwned']} (uploaded markup ran)")
    if found["scripts"]:
        problems.append(f"{where}: {found['scripts']} <script> element(s) from the upload")
    for key in ("img", "js_links", "evil_links"):
        problems += [f"{where}: element created from uploaded text: {html}" for html in found[key]]
    return problems


def test_hostile_input(ui, tmp_path, shipped_count):
    upload = tmp_path / "hostile.yaml"
    upload.write_text(yaml.safe_dump(FACILITY, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems: list[str] = []

    # Accepted (it is a valid file), within this browser session only.
    ui.goto("/data", "Add your own data")
    expect(ui.metric("Facilities")).to_have_text(str(shipped_count))
    ui.upload(upload)
    expect(ui.page.get_by_text("hostile.yaml was added for this session.")).to_be_visible()
    ui.idle()
    expect(ui.metric("Facilities")).to_have_text(str(shipped_count + 1))
    problems += _dom_problems(ui, "data page")

    # Facility page: the name, summary and award read literally; nothing became markup.
    ui.nav("Facility", "Every figure and its source")
    ui.choose("Facility", f"{NAME} — Reykjavik, Iceland", typed="HYPERLINK")
    heading = ui.page.get_by_test_id("stHeading").filter(has_text="HYPERLINK").locator("h1")
    expect(heading).to_have_count(1)
    assert _visible(heading.inner_text()) == NAME
    expect(ui.page.get_by_test_id("stText").filter(has_text="Summary")).to_have_text(SUMMARY)
    values = ui.grid_column("Value", "Figure")
    assert f"{AWARD} (2024)" in values, values
    ui.page.wait_for_timeout(500)  # give an injected <img onerror> time to fire
    problems += _dom_problems(ui, "facility page")
    ui.screenshot("hostile-1-facility")

    # Compare page: keep only this facility (Iceland), then look at the views that print names.
    ui.nav("Compare", "Options shown")
    ui.multiselect_add("Countries", "Iceland", typed="Icel")
    expect(ui.metric("Options shown")).to_have_text(f"1 of {shipped_count + 1}")
    expect(ui.grid().locator('table[role="grid"]')).to_have_attribute("aria-rowcount", "2")
    ui.wait_until(lambda: ui.ranked_names() == [NAME], f"ranking does not show the name literally: {ui.ranked_names()}")
    problems += _dom_problems(ui, "compare page, ranking")
    for view in ("Why this rank", "Cost breakdown"):
        ui.segment("View", view)
        main = ui.page.get_by_test_id("stMain")
        expect(main).to_contain_text("HYPERLINK")
        # The ranking above already shows the name: wait for this view's own text to render too.
        ui.wait_until(lambda main=main: NAME in _visible(main.inner_text()), f"{view}: the name is not shown literally")
        ui.page.wait_for_timeout(300)
        problems += _dom_problems(ui, f"compare page, {view}")
    ui.screenshot("hostile-2-compare")

    # The ranking CSV: the formula-looking name is neutralised for spreadsheets.
    rows = list(csv.DictReader(io.StringIO(ui.download("Download ranking (CSV)", tmp_path).read_text("utf-8"))))
    assert [r["facility_id"] for r in rows] == ["is-hostile-test"]
    assert rows[0]["name"] == "'" + NAME

    assert not problems, "uploaded text turned into live page elements:\n" + "\n".join(problems)
