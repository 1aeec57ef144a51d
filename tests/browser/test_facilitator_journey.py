"""A facilitator saves three options for a client, annotates one, comes back later and sends the report."""

from __future__ import annotations

import csv
import html
import io
import re
import time

from playwright.sync_api import expect

CLIENT = "J. Smith"
NOTE = "Ask about <b>MRI</b> & physio =2 weeks"  # markup and a formula-like part must stay plain text


def _editor_column(ui, header: str) -> list[str]:
    return ui.grid_column(header, "Note")


def _selected_column(grid) -> int | None:
    """aria-colindex of the cell glide has focused (its accessible table marks it selected)."""
    cell = grid.locator('td[role="gridcell"][aria-selected="true"]')
    return int(cell.first.get_attribute("aria-colindex")) if cell.count() else None


def _edit_note(ui, row: int, text: str) -> None:
    """Type into the Note cell of ``row`` of the shortlist editor with the keyboard, as a user does."""
    grid = ui.grid("Note")
    expect(grid.locator('td[role="gridcell"]').first).to_be_attached()
    note_col = int(grid.locator('th[role="columnheader"]:text-is("Note")').get_attribute("aria-colindex"))
    ui.click_cell(grid, row, x=30)  # the Order cell of that row
    # Walk right until the focused cell is the Note cell: counting key presses alone was
    # flaky (a press that arrives while the grid takes focus is lost).
    ui.wait_until(lambda: _selected_column(grid) is not None, "no cell is focused")
    for _ in range(10):
        current = _selected_column(grid)
        if current == note_col:
            break
        ui.page.keyboard.press("ArrowRight" if current < note_col else "ArrowLeft")
        ui.wait_until(lambda current=current: _selected_column(grid) != current, "the focus did not move")
    assert _selected_column(grid) == note_col, "could not focus the Note cell"
    ui.page.keyboard.press("Enter")
    editor = ui.page.locator("textarea.gdg-input")
    expect(editor).to_be_visible()
    expect(editor).to_be_enabled()
    ui.page.keyboard.type(text)
    expect(editor).to_have_value(text)
    ui.page.wait_for_timeout(300)  # an Enter hard on the heels of the typing sometimes commits nothing
    ui.page.keyboard.press("Enter")
    expect(editor).to_have_count(0)
    ui.wait_until(lambda: _editor_column(ui, "Note")[row] == text, "the note did not reach the table")


def test_facilitator_journey(ui, tmp_path):
    name = f"Smith family L4-L5 {time.time_ns() % 10**9}"
    ui.goto("/?origin=London%20(GB)&currency=GBP&accreditation=any%20international%20(e.g.%20JCI)")
    expect(ui.combobox("Travelling from")).to_have_value("London (GB)")
    picked = ui.ranked_names()[:3]
    ui.select_rows([0, 1, 2])

    ui.page.get_by_role("button", name=re.compile("Add 3 selected to a shortlist")).click()
    popover = ui.page.get_by_test_id("stPopoverBody")
    expect(ui.combobox("Shortlist", popover)).to_have_value("New shortlist…")
    add = popover.get_by_role("button", name="Add", exact=True)
    expect(add).to_be_disabled()  # no name yet
    for label, value in (("Name", name), ("Client (optional)", CLIENT)):
        box = popover.get_by_role("textbox", name=label, exact=True)
        box.fill(value)
        box.press("Enter")
        ui.idle()
    expect(add).to_be_enabled()
    add.click()
    expect(popover.get_by_text(f"Saved to “{name}”")).to_be_visible()
    ui.idle()

    ui.nav("Shortlists", "Save changes")
    ui.choose("Shortlist", f"{name} — {CLIENT}", typed=name[:12])
    expect(ui.page.get_by_text(f"Client: {CLIENT} · 3 options")).to_be_visible()
    assert _editor_column(ui, "Facility") == picked
    trips = _editor_column(ui, "Whole trip (now)")
    assert all(re.fullmatch(r"GBP\s[\d,]+(–[\d,]+)?", t) for t in trips), trips

    _edit_note(ui, 1, NOTE)
    ui.page.get_by_role("button", name="Save changes").click()
    ui.idle()
    ui.screenshot("facilitator-1-shortlist")

    # Later: a fresh page load (a new session) still has the shortlist and the note.
    ui.page.reload(wait_until="domcontentloaded")
    expect(ui.page.get_by_role("button", name="Save changes")).to_be_visible(timeout=60_000)
    ui.idle()
    ui.choose("Shortlist", f"{name} — {CLIENT}", typed=name[:12])
    ui.wait_until(lambda: _editor_column(ui, "Facility") == picked, "shortlist items lost after reload")
    notes = _editor_column(ui, "Note")
    assert notes == ["", NOTE, ""], notes

    report = ui.download("Client report (HTML)", tmp_path).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(ui.download("CSV", tmp_path).read_text(encoding="utf-8"))))

    # The HTML report: self-contained, names, the note (escaped), the same totals, clickable sources.
    assert not re.search(r"<script[^>]*\bsrc\s*=", report, re.I), "report loads a script from elsewhere"
    assert not re.search(r"<link[^>]*stylesheet", report, re.I)
    assert f"Prepared for {html.escape(CLIENT)}" in report
    for facility in picked:
        assert html.escape(facility) in report, facility
    assert html.escape(NOTE) in report and NOTE not in report
    for trip in trips:
        assert trip in report, f"whole-trip figure {trip} from the page is not in the report"
    links = re.findall(r'<a href="(https?://[^"]+)"', report)
    assert len(links) >= 3, links

    # The CSV: same options in the same order, the note, totals matching the page, sources.
    assert [r["name"] for r in rows] == picked
    assert [r["note"] for r in rows] == ["", NOTE, ""]
    for r, trip in zip(rows, trips, strict=True):
        low, high = float(r["total_low"]), float(r["total_high"])
        shown = f"GBP\u00a0{low:,.0f}" if round(low) == round(high) else f"GBP\u00a0{low:,.0f}–{high:,.0f}"
        assert shown == trip and r["currency"] == "GBP"
        assert re.match(r"https?://", r["price_source"]), r["price_source"]
    ui.screenshot("facilitator-2-after-reload")
