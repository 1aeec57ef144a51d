"""A facilitator asks a hospital for a quote, fills in the returned template and sees it counted."""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
from playwright.sync_api import expect

from compare import Scenario
from compare.shortlists import ShortlistStore

FID = "th-bumrungrad"


def test_quote_request_fill_import_and_the_new_total(ui, app_server, tmp_path):
    name = f"Quote journey {time.time_ns() % 10**9}"
    ShortlistStore(app_server["db"]).create(name, Scenario(origin="london", currency="GBP"), [FID])
    ui.goto()
    ui.nav("Shortlists", "Save changes")
    ui.choose("Shortlist", name, typed=name[:13])
    before = ui.grid_column("Whole trip (now)", "Changed since saved")

    # Request: the letter and the template, as the hospital will receive them.
    ui.page.get_by_text("Ask for a quote").click()
    letter = ui.download("Request letter (HTML)", tmp_path).read_text(encoding="utf-8")
    assert "Request for an itemised quote" in letter and "Bumrungrad" in letter
    template = pd.read_csv(ui.download("Quote template (.csv)", tmp_path), dtype=str, keep_default_na=False)
    assert (template["facility_id"] == FID).all()

    # The hospital fills it in: a package price, implants extra in baht, the brace not included.
    filled = template.set_index("item")
    filled.loc["operation_package", ["amount", "currency"]] = ["12000", "GBP"]
    filled.loc["implants", ["included", "amount", "currency"]] = ["no", "80000", "THB"]
    filled.loc["brace", "included"] = "no"
    filled.loc["sender", "answer"] = "International office"
    filled.loc["quote_date", "answer"] = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    filled.loc["valid_until", "answer"] = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    returned = tmp_path / "returned-quote.csv"
    filled.reset_index()[template.columns].to_csv(returned, index=False)

    ui.upload(returned, "Returned quote template")
    expect(ui.page.get_by_text("with the quote").first).to_be_visible()
    ui.idle()
    quoted = ui.grid_column("Quoted", "What changed")
    assert "GBP\u00a012,000 (quoted)" in quoted, quoted
    ui.page.get_by_role("button", name="Save this quote with the shortlist").click()
    expect(ui.page.get_by_text("Quote saved").first).to_be_visible()
    ui.idle()

    # The grid redraws after the run that saved the quote: wait for the new total to show.
    ui.wait_until(
        lambda: ui.grid_column("Whole trip (now)", "Changed since saved") != before,
        f"the whole trip did not change after the quote was saved: {before}",
    )
    saved = ShortlistStore(app_server["db"]).quotes(name)
    assert set(saved) == {FID}
    ui.screenshot("quote-journey")
