"""Session uploads: all or nothing, never touching the shipped dataset."""

from __future__ import annotations

from compare import rank, uploads
from compare.scenario import Scenario

PRICE_HEADER = "id,country,facility_id,procedure,use,price_low,price_high,currency,includes,excludes,description,source_url,as_of,evidence,source_kind\n"


def test_unsupported_file_type_is_refused(shipped):
    updated, problems = uploads.add_upload(shipped, "notes.txt", b"hello")
    assert updated is None
    assert "upload a facility .yaml file or a price .csv file" in problems[0].message


def test_a_facilitator_quote_wins_over_country_prices(shipped):
    row = "my-quote,TH,th-bumrungrad,lumbar_fusion,estimate,7000,7500,USD,implants,,Own quote,https://example.org/q,2026-10-01,facilitator_quote,facilitator\n"
    updated, problems = uploads.add_upload(shipped, "quotes.csv", (PRICE_HEADER + row).encode())
    assert updated is not None, problems
    assert len(updated.prices) == len(shipped.prices) + 1
    result = rank(updated, Scenario(currency="USD"))
    comp = result.components.set_index(["facility_id", "component"])
    package = comp.loc[("th-bumrungrad", "operation_package")]
    assert (package["low"], package["high"], package["status"]) == (7000.0, 7500.0, "quoted")
    assert comp.loc[("th-bumrungrad", "implants"), "status"] == "included"
    # The shipped dataset is untouched and its other Thai hospitals still use country figures.
    assert comp.loc[("th-vejthani", "operation_package"), "status"] == "published"
    assert "my-quote" not in set(shipped.prices["id"])
    assert updated.content_hash != shipped.content_hash


def test_one_bad_row_rejects_the_whole_file(shipped):
    good = "ok-1,TH,,lumbar_fusion,estimate,7000,7500,USD,,,Fine,https://example.org/q,2026-10-01,facilitator_quote,facilitator\n"
    bad = "bad-1,TH,,lumbar_fusion,estimate,-5,7500,USD,,,Negative,https://example.org/q,2026-10-01,facilitator_quote,facilitator\n"
    updated, problems = uploads.add_upload(shipped, "quotes.csv", (PRICE_HEADER + good + bad).encode())
    assert updated is None
    assert [(p.line, p.field) for p in problems if p.is_error] == [(3, "price_low")]


def test_formula_and_html_in_an_uploaded_name_stay_plain_data(shipped):
    raw = b"""
id: zz-hostile
name: "=HYPERLINK(\\"http://evil\\") <script>alert(1)</script>"
country: TH
city: Bangkok
summary: "[click](javascript:alert(1)) <img src=x onerror=alert(1)>"
location: null
sources:
  s: {url: https://example.org, as_of: 2026-01-01, kind: press, evidence: press}
"""
    updated, problems = uploads.add_upload(shipped, "hostile.yaml", raw)
    assert updated is not None, problems
    assert updated.facilities.loc["zz-hostile", "name"].startswith("=HYPERLINK")


def test_an_uploaded_price_is_judged_by_the_loaders_rules(shipped):
    """Uploads call the same checks as the shipped data: an old figure is stale, a bad copy mark an error."""
    old = "old-quote,TH,th-bumrungrad,lumbar_fusion,estimate,7000,7500,USD,,,Old quote,https://example.org/q,2019-01-01,facilitator_quote,facilitator\n"
    updated, problems = uploads.add_upload(shipped, "quotes.csv", (PRICE_HEADER + old).encode())
    assert updated is not None
    assert [(p.line, p.field, p.is_error) for p in problems] == [(2, "as_of", False)]
    assert "stale" in problems[0].message
    header = PRICE_HEADER.rstrip("\n") + ",same_as\n"
    copy = old.rstrip("\n").replace("2019-01-01", "2026-10-01") + ",no-such-row\n"
    updated, problems = uploads.add_upload(shipped, "quotes.csv", (header + copy).encode())
    assert updated is None
    assert [(p.line, p.field) for p in problems if p.is_error] == [(2, "same_as")]
