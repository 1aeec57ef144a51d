"""Record-level validation of a data folder: every fault is reported as file:line: field,
only the faulty record is quarantined, and loading never raises.

Each test copies the shipped ``data/`` folder, adds one facility and one price row the
tests control (so line numbers are known), breaks one thing and compares the problems
with those of the unbroken copy.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from compare.data import content_hash, load_dataset
from compare.data import load as dsm
from compare.problems import Problem

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TODAY = dt.date.today()
RECENT = (TODAY - dt.timedelta(days=90)).strftime("%Y-%m")

FID = "in-zz-test"
FAC = f"data/facilities/in/{FID}.yaml"
PRICES = "data/prices/procedure_prices.csv"
COSTS = "data/prices/destination_costs.csv"
ORIGINS = "data/origins.csv"

FACILITY = f"""# A facility written by tests/test_dataset.py.
id: {FID}
name: Test Spine Hospital
country: IN
city: Pune
district: null
summary: A made-up record used only by the tests.
location:
  lat: 18.5
  lon: 73.8
  airport: PNQ
  source: site
sources:
  site:
    url: https://example.org/spine
    as_of: {RECENT}
    kind: hospital
    evidence: facility_published
accreditations:
  - {{body: jci, since: 2015, verified_as_of: "2026-01", source: site}}
recognitions: []
spine_programme:
  dedicated_spine_hospital: {{value: false, source: site}}
  annual_spine_surgeries: {{value: 1200, year: 2024, source: site}}
  beds: {{value: 300, source: site}}
techniques:
  - {{id: mis_tlif, source: site}}
technologies:
  - {{id: robotic_guidance, model: Mazor X, since: 2020, source: site}}
languages: {{value: [en, hi], source: site}}
international_office: {{value: true, source: site}}
outcomes:
  - {{metric: fusion_rate, value: 95, unit: "%", source: site}}
"""

PRICE_ROW = (
    f"zz-test-price,IN,{FID},lumbar_fusion,estimate,5000,6000,USD,,,Test figure,"
    f"https://example.org/price,Test Spine Hospital,hospital,{RECENT},facility_published,"
)
COST_ROW = f"zz-test-cost,IN,lodging,mid,night,40,60,USD,Test lodging,,https://example.org/hotel,Test Daily,press,{RECENT},press"
ORIGIN_ROW = "zz-test-origin,Pune,IN,18.5,73.8,PNQ,INR,test coordinates,registry"


# ---- helpers ------------------------------------------------------------------------


def make_data(tmp_path: Path, facility: str | None = FACILITY) -> Path:
    """A copy of the shipped data named ``data`` (so problems name ``data/...``)."""
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    if facility is not None:
        (root / "facilities" / "in" / f"{FID}.yaml").write_text(facility, encoding="utf-8")
    return root


def line_of(text: str, needle: str) -> int:
    """1-based line of the only line of ``text`` containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} found on lines {hits}"
    return hits[0]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def append_rows(root: Path, rel: str, *rows: str) -> list[int]:
    """Append rows to a CSV; return the physical line each one starts on."""
    path = root.parent / rel
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    first = text.count("\n") + 1
    path.write_text(text + "".join(r + "\n" for r in rows), encoding="utf-8")
    return [first + i for i in range(len(rows))]


def new_problems(ds: dsm.Dataset, base: dsm.Dataset) -> list[Problem]:
    return sorted(set(ds.problems) - set(base.problems))


def assert_only(problems: list[Problem], file: str, line: int, field: str, *fragments: str, error: bool = True):
    assert len(problems) == 1, "expected exactly one new problem, got:\n" + "\n".join(map(str, problems))
    (p,) = problems
    assert (p.file, p.line, p.field) == (file, line, field), str(p)
    for fragment in fragments:
        assert fragment in p.message, str(p)
    assert p.is_error is error
    assert str(p).startswith(f"{file}:{line}: {field}: ")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> dsm.Dataset:
    """The unbroken copy with the test facility: it must load it cleanly."""
    ds = load_dataset(make_data(tmp_path_factory.mktemp("base")), use_cache=False)
    assert FID in ds.facility_records
    assert not [p for p in ds.problems if p.file == FAC], [str(p) for p in ds.problems if p.file == FAC]
    return ds


def load_broken_facility(tmp_path: Path, text: str, base: dsm.Dataset) -> tuple[dsm.Dataset, list[Problem]]:
    ds = load_dataset(make_data(tmp_path, text), use_cache=False)
    assert FID not in ds.facility_records
    assert len(ds.facilities) == len(base.facilities) - 1
    assert set(ds.facilities.index) == set(base.facilities.index) - {FID}
    assert len(ds.prices) == len(base.prices)
    return ds, new_problems(ds, base)


# ---- baseline -----------------------------------------------------------------------


def test_clean_copy_of_shipped_data_has_no_errors(tmp_path):
    ds = load_dataset(make_data(tmp_path, facility=None), use_cache=False)
    assert ds.errors == [], "\n".join(map(str, ds.errors))
    assert len(ds.facilities) > 0


def test_test_records_are_valid_and_add_exactly_one_row_each(tmp_path, base):
    root = make_data(tmp_path)
    append_rows(root, PRICES, PRICE_ROW)
    append_rows(root, COSTS, COST_ROW)
    append_rows(root, ORIGINS, ORIGIN_ROW)
    ds = load_dataset(root, use_cache=False)
    assert new_problems(ds, base) == []
    assert len(ds.prices) == len(base.prices) + 1
    assert len(ds.destination_costs) == len(base.destination_costs) + 1
    assert len(ds.origins) == len(base.origins) + 1
    row = ds.facilities.loc[FID]
    assert row["name"] == "Test Spine Hospital"
    assert row["annual_spine_surgeries"] == 1200
    assert row["jci"] and row["robotic"]


# ---- facility files -----------------------------------------------------------------

FACILITY_BREAKS = {
    # name: (old, new, line needle in the broken text, field, message fragments)
    "unknown country": ("country: IN", "country: XX", "country: XX", "country", ["XX"]),
    "lower-case country": ("country: IN", "country: in", "country: in", "country", ["upper case"]),
    "unknown technique": ("id: mis_tlif", "id: laser_magic", "laser_magic", "techniques.0.id", ["laser_magic"]),
    "technology under techniques": (
        "id: mis_tlif",
        "id: navigation",
        "id: navigation",
        "techniques.0.id",
        ["navigation"],
    ),
    "unknown accreditation body": (
        "body: jci",
        "body: fake_board",
        "fake_board",
        "accreditations.0.body",
        ["fake_board"],
    ),
    "unknown evidence level": (
        "evidence: facility_published",
        "evidence: rumour",
        "rumour",
        "sources.site.evidence",
        ["rumour"],
    ),
    "unknown language code": ("[en, hi]", "[en, xx]", "[en, xx]", "languages.value", ["xx"]),
    "as_of in the future": (
        f"as_of: {RECENT}",
        f"as_of: {TODAY.year + 1}-01",
        "    as_of:",
        "sources.site.as_of",
        ["future"],
    ),
    "as_of tomorrow": (
        f"as_of: {RECENT}",
        f"as_of: '{(TODAY + dt.timedelta(days=1)).isoformat()}'",
        "    as_of:",
        "sources.site.as_of",
        ["future"],
    ),
    "unquoted YAML date tomorrow": (
        f"as_of: {RECENT}",
        f"as_of: {(TODAY + dt.timedelta(days=1)).isoformat()}",
        "    as_of:",
        "sources.site.as_of",
        ["future"],
    ),
    "impossible YAML date": (
        f"as_of: {RECENT}",
        "as_of: 2021-02-30",
        "    as_of:",
        "sources.site.as_of",
        ["2021-02-30"],
    ),
    "impossible quoted date": (
        f"as_of: {RECENT}",
        "as_of: '2021-02-30'",
        "    as_of:",
        "sources.site.as_of",
        ["2021-02-30"],
    ),
    "month 13": (f"as_of: {RECENT}", "as_of: 2021-13", "    as_of:", "sources.site.as_of", ["2021-13"]),
    "garbage date": (f"as_of: {RECENT}", "as_of: last spring", "    as_of:", "sources.site.as_of", ["last spring"]),
    "name NA": ("name: Test Spine Hospital", "name: NA", "name:", "name", ["NA"]),
    "name N/A": ("name: Test Spine Hospital", "name: N/A", "name:", "name", ["N/A"]),
    "name 'null' as text": ("name: Test Spine Hospital", "name: 'null'", "name:", "name", ["null"]),
    "name YAML null": ("name: Test Spine Hospital", "name: null", "name:", "name", []),
    "name empty": ("name: Test Spine Hospital", "name: ''", "name:", "name", []),
    "name blank": ("name: Test Spine Hospital", "name: '   '", "name:", "name", []),
    "city unknown": ("city: Pune", "city: unknown", "city:", "city", ["unknown"]),
    "unknown extra field": (
        "city: Pune",
        "city: Pune\nwebsite: https://example.org",
        "website:",
        "website",
        ["unknown"],
    ),
    "misspelt fact": ("  beds:", "  bedz:", "bedz:", "spine_programme.bedz", ["unknown"]),
    "string where int": ("value: 300", 'value: "300"', 'value: "300"', "spine_programme.beds.value", ["integer"]),
    "float where int": ("value: 300", "value: 300.5", "300.5", "spine_programme.beds.value", ["integer"]),
    "negative count": ("value: 300", "value: -3", "value: -3", "spine_programme.beds.value", ["0"]),
    "string where bool": ("value: true, source", "value: maybe, source", "maybe", "international_office.value", []),
    "text where number": ("lat: 18.5", "lat: north", "lat: north", "location.lat", []),
    "latitude out of range": ("lat: 18.5", "lat: 118.5", "lat: 118.5", "location.lat", ["90"]),
    "text where list": (
        '  - {body: jci, since: 2015, verified_as_of: "2026-01", source: site}\n',
        "",
        "accreditations:",
        "accreditations",
        [],
    ),
    "accreditation without verified_as_of": (
        'verified_as_of: "2026-01", ',
        "",
        "body: jci",
        "accreditations.0.verified_as_of",
        ["required"],
    ),
    "accreditation verified in the future": (
        'verified_as_of: "2026-01"',
        f"verified_as_of: {TODAY.year + 1}-01",
        "body: jci",
        "accreditations.0.verified_as_of",
        ["future"],
    ),
    "unknown source kind": ("kind: hospital", "kind: gossip", "kind: gossip", "sources.site.kind", ["gossip"]),
    "lower-case airport": ("airport: PNQ", "airport: pnq", "airport: pnq", "location.airport", []),
    "infinite outcome": ("value: 95,", "value: .inf,", ".inf", "outcomes.0.value", ["finite"]),
    "NaN outcome": ("value: 95,", "value: .nan,", ".nan", "outcomes.0.value", ["finite"]),
    "source without url or citation": (
        "    url: https://example.org/spine\n",
        "",
        "  site:",
        "sources.site",
        ["url"],
    ),
    "not an http url": (
        "url: https://example.org/spine",
        "url: javascript:alert(1)",
        "javascript",
        "sources.site.url",
        [],
    ),
}


@pytest.mark.parametrize("case", list(FACILITY_BREAKS), ids=list(FACILITY_BREAKS))
def test_broken_facility_field_is_reported_on_its_line_and_quarantined(tmp_path, base, case):
    old, new, needle, field, fragments = FACILITY_BREAKS[case]
    text = replace_once(FACILITY, old, new)
    if case == "text where list":
        text = text.replace("accreditations:\n", "accreditations: jci\n")
    _, problems = load_broken_facility(tmp_path, text, base)
    assert_only(problems, FAC, line_of(text, needle), field, *fragments)


def test_missing_required_field_is_reported_at_the_record(tmp_path, base):
    text = replace_once(FACILITY, "city: Pune\n", "")
    _, problems = load_broken_facility(tmp_path, text, base)
    # A missing key has no line of its own: the record's first key stands for it.
    assert_only(problems, FAC, line_of(text, f"id: {FID}"), "city", "missing")


def test_every_missing_required_field_is_listed(tmp_path, base):
    text = replace_once(FACILITY, "city: Pune\n", "")
    text = replace_once(text, "summary: A made-up record used only by the tests.\n", "")
    _, problems = load_broken_facility(tmp_path, text, base)
    assert {(p.field, "missing" in p.message) for p in problems} == {("city", True), ("summary", True)}


def test_source_cited_but_not_defined(tmp_path, base):
    text = replace_once(FACILITY, "{id: mis_tlif, source: site}", "{id: mis_tlif, source: nowhere}")
    _, problems = load_broken_facility(tmp_path, text, base)
    assert len(problems) == 1, problems
    (p,) = problems
    assert p.file == FAC and p.is_error
    assert "nowhere" in p.message and "sources" in p.message


def test_file_name_must_equal_id(tmp_path, base):
    root = make_data(tmp_path, facility=None)
    (root / "facilities" / "in" / "in-zz-other.yaml").write_text(FACILITY, encoding="utf-8")
    ds = load_dataset(root, use_cache=False)
    assert FID not in ds.facility_records and "in-zz-other" not in ds.facility_records
    assert len(ds.facilities) == len(base.facilities) - 1
    assert_only(
        new_problems(ds, base),
        "data/facilities/in/in-zz-other.yaml",
        line_of(FACILITY, f"id: {FID}"),
        "id",
        f"{FID}.yaml",
    )


def test_facility_in_the_wrong_country_folder(tmp_path, base):
    root = make_data(tmp_path, facility=None)
    (root / "facilities" / "th").mkdir(exist_ok=True)
    (root / "facilities" / "th" / f"{FID}.yaml").write_text(FACILITY, encoding="utf-8")
    ds = load_dataset(root, use_cache=False)
    assert FID not in ds.facility_records
    assert len(ds.facilities) == len(base.facilities) - 1
    assert_only(
        new_problems(ds, base),
        f"data/facilities/th/{FID}.yaml",
        line_of(FACILITY, "country:"),
        "country",
        "facilities/th/",
        "IN",
    )


def test_duplicate_facility_id_in_two_files(tmp_path, base):
    root = make_data(tmp_path)
    twin = replace_once(FACILITY, "country: IN", "country: TH").replace("Test Spine Hospital", "Twin Hospital")
    (root / "facilities" / "th").mkdir(exist_ok=True)
    (root / "facilities" / "th" / f"{FID}.yaml").write_text(twin, encoding="utf-8")
    ds = load_dataset(root, use_cache=False)
    # One of the two is kept (the first in path order), the other is reported.
    assert len(ds.facilities) == len(base.facilities)
    assert ds.facility_records[FID].name == "Test Spine Hospital"
    assert_only(new_problems(ds, base), f"data/facilities/th/{FID}.yaml", line_of(twin, f"id: {FID}"), "id", FAC)


def test_a_folder_named_like_a_facility_file_is_reported_not_raised(tmp_path, base):
    root = make_data(tmp_path)
    (root / "facilities" / "in" / "in-zz-folder.yaml").mkdir()
    ds = load_dataset(root, use_cache=False)
    assert len(ds.facilities) == len(base.facilities)
    assert_only(new_problems(ds, base), "data/facilities/in/in-zz-folder.yaml", 1, "file")


def test_country_no_read_by_yaml_as_false_is_an_error_not_norway(tmp_path, base):
    # YAML 1.1 reads an unquoted NO as the boolean false: it must not pass silently.
    text = replace_once(FACILITY, "country: IN", "country: NO")
    _, problems = load_broken_facility(tmp_path, text, base)
    assert_only(problems, FAC, line_of(text, "country:"), "country")


# ---- staleness ----------------------------------------------------------------------


def test_stale_source_is_a_warning_and_the_facility_still_loads(tmp_path, base):
    text = replace_once(FACILITY, f"as_of: {RECENT}", "as_of: 2001-05")
    ds = load_dataset(make_data(tmp_path, text), use_cache=False)
    assert FID in ds.facility_records
    assert len(ds.facilities) == len(base.facilities)
    assert len(ds.errors) == len(base.errors)
    assert_only(
        new_problems(ds, base), FAC, line_of(text, "    as_of:"), "sources.site.as_of", "stale", "2001-05", error=False
    )
    facts = ds.facts[ds.facts["facility_id"] == FID]
    assert len(facts) > 0 and facts["stale"].all()
    assert not base.facts[base.facts["facility_id"] == FID]["stale"].any()


def test_an_accreditation_is_current_only_with_evidence_from_the_last_36_months(tmp_path, base):
    row = base.facilities.loc[FID]
    assert row["has_international_accreditation"] and row["international_accreditation_current"]
    assert pd.isna(row["accreditation_note"])
    old = f"{TODAY.year - 4}-01"
    for verified in (old, "null"):
        text = replace_once(FACILITY, 'verified_as_of: "2026-01"', f"verified_as_of: {verified}")
        ds = load_dataset(make_data(tmp_path / verified, text), use_cache=False)
        row = ds.facilities.loc[FID]
        assert row["has_international_accreditation"] and not row["international_accreditation_current"]
        seen = f"last evidence {old}" if verified == old else "no dated evidence"
        assert seen in row["accreditation_note"] and "counts half" in row["accreditation_note"]


def test_only_hospital_accreditations_count_as_international(tmp_path, base):
    for body in ("planetree", "gha", "cap"):
        text = replace_once(FACILITY, "body: jci", f"body: {body}")
        ds = load_dataset(make_data(tmp_path / body, text), use_cache=False)
        row = ds.facilities.loc[FID]
        assert row["accreditations"] == [body]
        assert not row["has_international_accreditation"] and not row["has_national_accreditation"]


def test_every_source_a_facility_lists_reaches_the_fact_table(tmp_path, base):
    """A source only the summary was written from is listed too (it used to be lost)."""
    text = FACILITY.replace(
        "accreditations:",
        '  press:\n    url: https://example.org/news\n    kind: press\n    as_of: "2025"\n'
        "    evidence: press\naccreditations:",
    )
    ds = load_dataset(make_data(tmp_path, text), use_cache=False)
    facts = ds.facts[ds.facts["facility_id"] == FID]
    summary = facts[facts["field"] == "background"]
    assert list(summary["source_url"]) == ["https://example.org/news"]
    assert list(summary["source_kind"]) == ["press"]
    assert set(ds.facts["source_url"]) >= {
        s.reference for r in ds.facility_records.values() for s in r.sources.values()
    }


def test_undated_source_is_neither_error_nor_stale(tmp_path, base):
    text = replace_once(FACILITY, f"as_of: {RECENT}", "as_of: null")
    ds = load_dataset(make_data(tmp_path, text), use_cache=False)
    assert FID in ds.facility_records
    assert new_problems(ds, base) == []
    facts = ds.facts[ds.facts["facility_id"] == FID]
    assert facts["undated"].all() and not facts["stale"].any()


def test_stale_price_row_is_a_warning_and_the_row_is_kept(tmp_path, base):
    root = make_data(tmp_path)
    (line,) = append_rows(root, PRICES, PRICE_ROW.replace(RECENT, "2003-04-05"))
    ds = load_dataset(root, use_cache=False)
    assert len(ds.prices) == len(base.prices) + 1
    assert_only(new_problems(ds, base), PRICES, line, "as_of", "stale", error=False)


# ---- CSV rows -----------------------------------------------------------------------

PRICE_BREAKS = {
    # name: (old, new, field, message fragments)
    "unknown country": (",IN,", ",ZZ,", "country", ["ZZ"]),
    "unknown currency": (",USD,", ",XYZ,", "currency", ["XYZ"]),
    "lower-case currency": (",USD,", ",usd,", "currency", ["upper case"]),
    "unknown procedure": ("lumbar_fusion", "knee_replacement", "procedure", ["knee_replacement"]),
    "unknown evidence level": ("facility_published", "hearsay", "evidence", ["hearsay"]),
    "unknown cost component": (",USD,,,", ",USD,implants;caviar,,", "includes", ["caviar"]),
    "negative cost": (",5000,6000,", ",-5,6000,", "price_low", []),
    "NaN cost": (",5000,6000,", ",nan,6000,", "price_low", ["finite"]),
    "infinite cost": (",5000,6000,", ",5000,inf,", "price_high", ["finite"]),
    "text cost": (",5000,6000,", ",five thousand,6000,", "price_low", []),
    "NA cost": (",5000,6000,", ",NA,6000,", "price_low", []),
    "low above high": (",5000,6000,", ",7000,6000,", "(record)", ["7000", "6000"]),
    "absurd cost": (",5000,6000,", ",10000000000,,", "price_high", ["10,000,000,000"]),
    "absurd cost in a weak currency": (",5000,6000,USD,", ",9000000000000,,INR,", "price_high", []),
    "as_of in the future": (RECENT, f"{TODAY.year + 1}-01-01", "as_of", ["future"]),
    "impossible date": (RECENT, "2021-02-30", "as_of", ["2021-02-30"]),
    "missing source url": ("https://example.org/price", "", "source_url", []),
    "not a url": ("https://example.org/price", "see brochure", "source_url", []),
    "bad id": ("zz-test-price", "ZZ Test Price", "id", []),
    "unknown use": (",estimate,", ",guess,", "use", []),
    "empty evidence": (",facility_published", ",", "evidence", []),
}


@pytest.mark.parametrize("case", list(PRICE_BREAKS), ids=list(PRICE_BREAKS))
def test_broken_price_row_is_reported_on_its_line_and_only_it_is_dropped(tmp_path, base, case):
    old, new, field, fragments = PRICE_BREAKS[case]
    root = make_data(tmp_path)
    (line,) = append_rows(root, PRICES, replace_once(PRICE_ROW, old, new))
    ds = load_dataset(root, use_cache=False)
    assert len(ds.prices) == len(base.prices)
    assert "zz-test-price" not in set(ds.prices["id"])
    assert len(ds.facilities) == len(base.facilities)
    assert_only(new_problems(ds, base), PRICES, line, field, *fragments)


def test_duplicate_price_id_keeps_the_first(tmp_path, base):
    root = make_data(tmp_path)
    first, second = append_rows(root, PRICES, PRICE_ROW, PRICE_ROW.replace(",5000,6000,", ",1,2,"))
    ds = load_dataset(root, use_cache=False)
    assert len(ds.prices) == len(base.prices) + 1
    kept = ds.prices[ds.prices["id"] == "zz-test-price"]
    assert kept["price_low"].tolist() == [5000]
    assert_only(new_problems(ds, base), PRICES, second, "id", "zz-test-price", f"line {first}")


def test_duplicate_id_against_a_shipped_row(tmp_path, base):
    shipped_id = base.prices["id"].iloc[0]
    shipped_line = int(base.prices["line"].iloc[0])
    root = make_data(tmp_path)
    (line,) = append_rows(root, PRICES, PRICE_ROW.replace("zz-test-price", shipped_id))
    ds = load_dataset(root, use_cache=False)
    assert len(ds.prices) == len(base.prices)
    assert_only(new_problems(ds, base), PRICES, line, "id", shipped_id, f"line {shipped_line}")


def test_price_row_for_unknown_facility(tmp_path, base):
    root = make_data(tmp_path)
    (line,) = append_rows(root, PRICES, PRICE_ROW.replace(f",{FID},", ",in-nowhere,"))
    ds = load_dataset(root, use_cache=False)
    assert len(ds.prices) == len(base.prices)
    assert_only(new_problems(ds, base), PRICES, line, "facility_id", "in-nowhere")


def test_price_row_whose_facility_was_quarantined_is_dropped_too(tmp_path, base):
    root = make_data(tmp_path, replace_once(FACILITY, "country: IN", "country: XX"))
    (line,) = append_rows(root, PRICES, PRICE_ROW)
    ds = load_dataset(root, use_cache=False)
    assert len(ds.prices) == len(base.prices)
    assert any(p.file == PRICES and p.line == line and p.field == "facility_id" for p in ds.errors)


def test_price_row_in_another_country_than_its_facility(tmp_path, base):
    root = make_data(tmp_path)
    (line,) = append_rows(root, PRICES, PRICE_ROW.replace(",IN,", ",TH,"))
    ds = load_dataset(root, use_cache=False)
    assert len(ds.prices) == len(base.prices)
    assert_only(new_problems(ds, base), PRICES, line, "country", FID)


def test_currency_without_fx_rate_is_an_error_for_an_estimate(tmp_path, base):
    missing = next(c for c in ("KZT", "MNT", "XAF", "BTN") if c not in set(base.fx["currency"]))
    root = make_data(tmp_path)
    (line,) = append_rows(root, PRICES, PRICE_ROW.replace(",USD,", f",{missing},"))
    ds = load_dataset(root, use_cache=False)
    assert len(ds.prices) == len(base.prices)
    assert_only(new_problems(ds, base), PRICES, line, "currency", missing, "fx_rates.csv")


def test_currency_without_fx_rate_is_a_warning_for_a_context_figure(tmp_path, base):
    missing = next(c for c in ("KZT", "MNT", "XAF", "BTN") if c not in set(base.fx["currency"]))
    root = make_data(tmp_path)
    row = PRICE_ROW.replace(",USD,", f",{missing},").replace(",estimate,", ",context,")
    (line,) = append_rows(root, PRICES, row)
    ds = load_dataset(root, use_cache=False)
    assert len(ds.prices) == len(base.prices) + 1
    assert_only(new_problems(ds, base), PRICES, line, "currency", missing, error=False)


def test_origin_currency_without_fx_rate_is_a_warning(tmp_path, base):
    missing = next(c for c in ("KZT", "MNT", "XAF", "BTN") if c not in set(base.fx["currency"]))
    root = make_data(tmp_path)
    (line,) = append_rows(root, ORIGINS, ORIGIN_ROW.replace(",INR,", f",{missing},"))
    ds = load_dataset(root, use_cache=False)
    assert len(ds.origins) == len(base.origins) + 1
    assert_only(new_problems(ds, base), ORIGINS, line, "currency", missing, error=False)


def test_removing_an_fx_rate_quarantines_the_rows_that_need_it(tmp_path, base):
    root = make_data(tmp_path)
    (line,) = append_rows(root, PRICES, PRICE_ROW.replace(",USD,", ",INR,").replace(",5000,6000,", ",400000,500000,"))
    fx = root / "fx_rates.csv"
    kept = [r for r in fx.read_text(encoding="utf-8").splitlines(keepends=True) if not r.startswith("INR,")]
    fx.write_text("".join(kept), encoding="utf-8")
    ds = load_dataset(root, use_cache=False)
    assert "INR" not in set(ds.fx["currency"])
    assert any(p.file == PRICES and p.line == line and p.field == "currency" and p.is_error for p in ds.problems)
    assert "zz-test-price" not in set(ds.prices["id"])


@pytest.mark.parametrize("name", ["NA", "N/A", "null", "none", "", "  ", "-", "?"])
def test_placeholder_city_in_origins(tmp_path, base, name):
    root = make_data(tmp_path)
    (line,) = append_rows(root, ORIGINS, ORIGIN_ROW.replace(",Pune,", f",{name},"))
    ds = load_dataset(root, use_cache=False)
    assert len(ds.origins) == len(base.origins)
    assert_only(new_problems(ds, base), ORIGINS, line, "city")


def test_computed_destination_cost_needs_a_method(tmp_path, base):
    root = make_data(tmp_path)
    (line,) = append_rows(root, COSTS, COST_ROW.removesuffix(",press") + ",computed_estimate")
    ds = load_dataset(root, use_cache=False)
    assert len(ds.destination_costs) == len(base.destination_costs)
    assert_only(new_problems(ds, base), COSTS, line, "(record)", "method")


def test_destination_cost_low_above_high(tmp_path, base):
    root = make_data(tmp_path)
    (line,) = append_rows(root, COSTS, COST_ROW.replace(",40,60,", ",90,60,"))
    ds = load_dataset(root, use_cache=False)
    assert len(ds.destination_costs) == len(base.destination_costs)
    assert_only(new_problems(ds, base), COSTS, line, "(record)", "90", "60")


def test_unknown_extra_csv_column_with_a_value(tmp_path, base):
    root = make_data(tmp_path)
    path = root / "origins.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",website"
    lines = [lines[0], *(line + "," for line in lines[1:]), ORIGIN_ROW + ",https://example.org"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = load_dataset(root, use_cache=False)
    # An empty cell in an unknown column is harmless; a value in it is reported.
    assert len(ds.origins) == len(base.origins)
    assert_only(new_problems(ds, base), ORIGINS, len(lines), "website", "unknown")


def test_missing_required_csv_column_reports_every_row(tmp_path, base):
    root = make_data(tmp_path)
    path = root / "origins.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    drop = rows[0].index("currency")
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([r[:drop] + r[drop + 1 :] for r in rows])
    ds = load_dataset(root, use_cache=False)
    assert ds.origins.empty
    fresh = [p for p in new_problems(ds, base) if p.is_error]
    assert len(fresh) == len(base.origins)
    assert {p.field for p in fresh} == {"currency"}
    assert all("missing" in p.message for p in fresh)
    assert sorted(p.line for p in fresh) == sorted(base.origins["line"])


# ---- cache --------------------------------------------------------------------------


def test_second_load_of_an_unchanged_folder_is_the_same_object_and_parses_nothing(tmp_path, monkeypatch):
    root = make_data(tmp_path)
    builds = []
    real_build = dsm._build
    monkeypatch.setattr(dsm, "_build", lambda *a: builds.append(a) or real_build(*a))
    first = load_dataset(root)
    second = load_dataset(root)
    assert second is first
    assert len(builds) == 1
    assert load_dataset(root, use_cache=False) is not first
    assert len(builds) == 2


def test_editing_a_file_changes_the_hash_and_gives_a_new_result(tmp_path):
    root = make_data(tmp_path)
    first = load_dataset(root)
    path = root / "facilities" / "in" / f"{FID}.yaml"
    path.write_text(FACILITY.replace("Test Spine Hospital", "Test Spine Hospitax"), encoding="utf-8")
    second = load_dataset(root)
    assert second is not first
    assert second.content_hash != first.content_hash
    assert second.facilities.loc[FID, "name"] == "Test Spine Hospitax"
    assert first.facilities.loc[FID, "name"] == "Test Spine Hospital"


def test_same_size_edit_with_restored_mtime_is_still_detected(tmp_path):
    root = make_data(tmp_path)
    path = root / "facilities" / "in" / f"{FID}.yaml"
    before = content_hash(root)
    stat = path.stat()
    path.write_text(FACILITY.replace("beds: {value: 300", "beds: {value: 301"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert content_hash(root) != before
    assert load_dataset(root).facilities.loc[FID, "beds"] == 301


def test_stat_signature_memo_is_invalidated_by_an_edit(tmp_path, monkeypatch):
    # Trust stat signatures immediately, as for files older than the racy window.
    monkeypatch.setattr(dsm, "_RACY_NS", 0)
    root = make_data(tmp_path)
    path = root / "facilities" / "in" / f"{FID}.yaml"
    before = content_hash(root)
    assert content_hash(root) == before
    stat = path.stat()
    time.sleep(0.05)  # past the file system's coarse clock tick, so the change time moves
    path.write_text(FACILITY.replace("beds: {value: 300", "beds: {value: 302"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert content_hash(root) != before
    path.write_text(FACILITY, encoding="utf-8")
    assert content_hash(root) == before


def test_hash_covers_added_and_removed_files_and_is_location_independent(tmp_path):
    one = make_data(tmp_path / "one")
    two = make_data(tmp_path / "two")
    assert content_hash(one) == content_hash(two)
    extra = two / "facilities" / "in" / "in-zz-extra.yaml"
    extra.write_text(FACILITY.replace(FID, "in-zz-extra"), encoding="utf-8")
    assert content_hash(one) != content_hash(two)
    extra.unlink()
    assert content_hash(one) == content_hash(two)
    (two / "facilities" / "in" / f"{FID}.yaml").rename(two / "facilities" / "in" / "in-zz-renamed.yaml")
    assert content_hash(one) != content_hash(two)


def test_nonexistent_folder_raises_data_error_not_a_traceback(tmp_path):
    with pytest.raises(dsm.DataError) as info:
        load_dataset(tmp_path / "missing")
    assert info.value.problems[0].field == "data_dir"
