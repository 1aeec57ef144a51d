"""Whole-trip costs on a tiny hand-made data directory, every expected figure computed by hand.

The directory (built by ``make_data``) holds synthetic facilities and prices, not research:

    fx (units per USD):  USD 1, EUR 0.8, THB 32, GBP 0.75
    clinical.yaml:       the shipped one: MIS 1–5 hospital nights, open 3–7; safe to fly 2–3 weeks

    facilities   th-alpha (TH), th-beta (TH), tr-gamma (TR), kr-delta (KR, no price at all)

    procedure_prices.csv (estimate unless noted)
      th-country-a   TH  country   lumbar_fusion    8,000–10,000 USD
      th-country-b   TH  country   lumbar_fusion    288,000 THB "from"      = 9,000 USD (high = low)
      th-country-2l  TH  country   fusion_2l_open   50,000 USD
      th-context     TH  country   lumbar_fusion    1 USD, use=context      (never added)
      th-alpha-quote TH  th-alpha  fusion_1l_mis    5,600–6,400 EUR         = 7,000–8,000 USD,
                                                    includes implants;imaging
      tr-country     TR  country   lumbar_fusion    6,000–7,000 USD, excludes hospital_stay
      gb-baseline    GB  country   lumbar_fusion    15,000–20,000 GBP, use=baseline

    destination_costs.csv
      TH lodging mid      per night   40–60 USD
      TH lodging budget   per night   640–960 THB       = 20–30 USD
      TH visa patient     per person  40 EUR            = 50 USD
      TH visa companion   per person  32 EUR            = 40 USD
      TH imaging          per trip    300–500 USD
      TH imaging          per trip    12,800–19,200 THB = 400–600 USD   (an alternative figure)
      TH local_transport  per day     10 USD
      TH physiotherapy    per session 20–30 USD         (sessions unknown -> missing)
      TH medication       per trip    100–200 USD, computed_estimate (-> estimated)
      TR hospital_stay    per night   100–150 USD
      TR visa patient     per person  20–60 USD
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from compare.costs import (
    PACKAGE,
    Status,
    distances,
    flight_hours,
    haversine_km,
    home_baseline,
    stay,
    trip_components,
    trip_totals,
)
from compare.dataset import load_dataset
from compare.engine import origin_row
from compare.scenario import Scenario

SHIPPED = Path(__file__).resolve().parents[1] / "data"
SRC = "https://example.org/test-fixture"

PRICE_COLUMNS = "id,country,facility_id,procedure,use,price_low,price_high,currency,includes,excludes,description,source_url,as_of,evidence"
COST_COLUMNS = "id,country,component,tier,per,low,high,currency,description,method,source_url,as_of,evidence"

PRICES = [
    ("th-country-a", "TH", "", "lumbar_fusion", "estimate", 8000, 10000, "USD", "", ""),
    ("th-country-b", "TH", "", "lumbar_fusion", "estimate", 288000, "", "THB", "", ""),
    ("th-country-2l", "TH", "", "fusion_2l_open", "estimate", 50000, 50000, "USD", "", ""),
    ("th-context", "TH", "", "lumbar_fusion", "context", 1, 1, "USD", "", ""),
    ("th-alpha-quote", "TH", "th-alpha", "fusion_1l_mis", "estimate", 5600, 6400, "EUR", "implants;imaging", ""),
    ("tr-country", "TR", "", "lumbar_fusion", "estimate", 6000, 7000, "USD", "", "hospital_stay"),
    ("gb-baseline", "GB", "", "lumbar_fusion", "baseline", 15000, 20000, "GBP", "", ""),
]
COSTS = [
    ("th-lodging-mid", "TH", "lodging", "mid", "night", 40, 60, "USD", "", "registry"),
    ("th-lodging-budget", "TH", "lodging", "budget", "night", 640, 960, "THB", "", "registry"),
    ("th-visa-patient", "TH", "visa", "patient", "person", 40, 40, "EUR", "", "official"),
    ("th-visa-companion", "TH", "visa", "companion", "person", 32, 32, "EUR", "", "official"),
    ("th-imaging-a", "TH", "imaging", "", "trip", 300, 500, "USD", "", "registry"),
    ("th-imaging-b", "TH", "imaging", "", "trip", 12800, 19200, "THB", "", "registry"),
    ("th-transport", "TH", "local_transport", "", "day", 10, 10, "USD", "", "registry"),
    ("th-physio", "TH", "physiotherapy", "", "session", 20, 30, "USD", "", "registry"),
    ("th-medication", "TH", "medication", "", "trip", 100, 200, "USD", "sum of two invoices", "computed_estimate"),
    ("tr-hospital-night", "TR", "hospital_stay", "", "night", 100, 150, "USD", "", "registry"),
    ("tr-visa-patient", "TR", "visa", "patient", "person", 20, 60, "USD", "", "official"),
]
FACILITIES = [
    ("th-alpha", "TH", "Bangkok", 13.75, 100.50, "BKK"),
    ("th-beta", "TH", "Chiang Mai", 18.79, 98.98, "CNX"),
    ("tr-gamma", "TR", "Istanbul", 41.01, 28.95, "IST"),
    ("kr-delta", "KR", "Seoul", 37.57, 126.98, "ICN"),
]
FX = {"USD": 1, "EUR": 0.8, "THB": 32, "GBP": 0.75, "TRY": 40, "KRW": 1400}


def _write_csv(path: Path, header: str, rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header.split(","))
        writer.writerows(rows)


def make_data(root: Path, prices=PRICES, costs=COSTS, facilities=FACILITIES, routes=None) -> Path:
    """A valid data directory: shipped vocabularies and clinical guidance, synthetic everything else."""
    shutil.copytree(SHIPPED / "vocab", root / "vocab")
    for name in ("metadata.yaml", "clinical.yaml"):
        shutil.copy(SHIPPED / name, root / name)
    for fid, country, city, lat, lon, airport in facilities:
        folder = root / "facilities" / country.lower()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{fid}.yaml").write_text(
            f"id: {fid}\nname: Test hospital {fid}\ncountry: {country}\ncity: {city}\n"
            "summary: Synthetic facility for tests.\n"
            f"location: {{lat: {lat}, lon: {lon}, airport: {airport}, source: s}}\n"
            f"sources:\n  s: {{url: {SRC}, as_of: 2025-06, evidence: registry}}\n",
            encoding="utf-8",
        )
    _write_csv(
        root / "prices" / "procedure_prices.csv",
        PRICE_COLUMNS,
        [[*p, "test figure", SRC, "2025-06", "facility_published"] for p in prices],
    )
    _write_csv(
        root / "prices" / "destination_costs.csv",
        COST_COLUMNS,
        [[*c[:8], "test figure", c[8], SRC, "2025-06", c[9]] for c in costs],
    )
    _write_csv(
        root / "fx_rates.csv",
        "currency,units_per_usd,as_of,source,evidence",
        [[k, v, "2026-04-13", "test", "official"] for k, v in FX.items()],
    )
    _write_csv(
        root / "origins.csv",
        "id,city,country,lat,lon,airport,currency,source",
        [["london", "London", "GB", 51.50853, -0.12574, "LHR", "GBP", "test"]],
    )
    _write_csv(
        root / "routes.csv",
        "origin_airport,dest_airport,great_circle_km,nonstop_2014,method,source",
        routes if routes is not None else [["LHR", "BKK", 9540, "yes", "test", "test"]],
    )
    (root / "destinations.yaml").write_text(
        "TH: {currency: THB}\nTR: {currency: TRY}\nKR: {currency: KRW}\n", encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    data = load_dataset(make_data(tmp_path_factory.mktemp("costs")), use_cache=False)
    assert not data.errors, [str(p) for p in data.errors]
    assert sorted(data.facilities.index) == ["kr-delta", "th-alpha", "th-beta", "tr-gamma"]
    return data


def scenario(**kw) -> Scenario:
    base = {"origin": "london", "currency": "USD", "procedure": "fusion_1l_mis", "recovery_days": 10}
    return Scenario(**{**base, **kw})


def table(ds, sc) -> pd.DataFrame:
    comp = trip_components(ds, sc)
    assert not comp.duplicated(["facility_id", "component"]).any()
    return comp.set_index(["facility_id", "component"])


def check(comp: pd.DataFrame, fid: str, component: str, low, high, status: Status) -> None:
    row = comp.loc[(fid, component)]
    assert row["status"] == status.value, (fid, component, row["status"], row["basis"])
    if math.isnan(low):
        assert math.isnan(row["low"]) and math.isnan(row["high"])
    else:
        assert row["low"] == pytest.approx(low, rel=1e-12), (fid, component)
        assert row["high"] == pytest.approx(high, rel=1e-12), (fid, component)


NAN = math.nan
OPERATION = ["surgeon", "anaesthesia", "theatre", "hospital_stay"]


def test_country_ranges_alone_patient_only_in_usd(ds):
    comp = table(ds, scenario())
    # th-beta has no quote: country range over th-country-a (8,000–10,000) and th-country-b
    # (9,000 "from", so high = low); the 2-level-open row and the context row do not apply.
    check(comp, "th-beta", PACKAGE, 8000, 10000, Status.PUBLISHED)
    for c in OPERATION:
        check(comp, "th-beta", c, 0, 0, Status.INCLUDED)
    check(comp, "th-beta", "implants", NAN, NAN, Status.MISSING)  # not listed in includes
    check(comp, "th-beta", "imaging", 300, 600, Status.PUBLISHED)  # range of the two figures
    check(comp, "th-beta", "lodging", 40 * 10, 60 * 10, Status.ESTIMATED)
    check(comp, "th-beta", "local_transport", 100, 100, Status.ESTIMATED)
    check(comp, "th-beta", "visa", 50, 50, Status.PUBLISHED)
    check(comp, "th-beta", "medication", 100, 200, Status.ESTIMATED)
    check(comp, "th-beta", "physiotherapy", NAN, NAN, Status.MISSING)
    check(comp, "th-beta", "flights", NAN, NAN, Status.MISSING)
    for c in ("consultation", "labs", "follow_up", "brace"):
        check(comp, "th-beta", c, NAN, NAN, Status.MISSING)


def test_facility_quote_wins_and_its_includes_are_not_added_again(ds):
    comp = table(ds, scenario())
    # 5,600–6,400 EUR / 0.8 = 7,000–8,000 USD; the quote includes implants and imaging.
    check(comp, "th-alpha", PACKAGE, 7000, 8000, Status.QUOTED)
    check(comp, "th-alpha", "implants", 0, 0, Status.INCLUDED)
    check(comp, "th-alpha", "imaging", 0, 0, Status.INCLUDED)
    assert comp.loc[("th-alpha", PACKAGE), "source_url"] == SRC
    # country-level unit costs still apply to what the quote leaves out
    check(comp, "th-alpha", "lodging", 400, 600, Status.ESTIMATED)


def test_totals_by_hand(ds):
    totals = trip_totals(trip_components(ds, scenario()))
    #  th-beta:  8000 + imaging 300 + lodging 400 + transport 100 + visa 50 + medication 100 =  8,950
    #           10000 +         600 +         600 +           100 +       50 +            200 = 11,550
    #  th-alpha: 7000 + 400 + 100 + 50 + 100 = 7,650;   8000 + 600 + 100 + 50 + 200 = 8,950
    assert totals.loc["th-beta", ["total_low", "total_high"]].tolist() == pytest.approx([8950, 11550], rel=1e-12)
    assert totals.loc["th-alpha", ["total_low", "total_high"]].tolist() == pytest.approx([7650, 8950], rel=1e-12)
    assert totals.loc["th-alpha", "operation_status"] == "quoted"
    assert totals.loc["th-beta", "operation_status"] == "published"
    # th-beta: 7 missing (implants, physiotherapy, flights, consultation, labs, follow_up,
    # brace), 4 included, 17 rows in all (16 components + the package).
    assert totals.loc["th-beta", "n_missing"] == 7
    assert totals.loc["th-beta", "n_included"] == 4
    assert totals.loc["th-beta", "n_components"] == 17 - 4
    assert sorted(totals.loc["th-beta", "missing_components"]) == sorted(
        ["implants", "physiotherapy", "flights", "consultation", "labs", "follow_up", "brace"]
    )


def test_excluded_hospital_nights_are_priced_per_night(ds):
    comp = table(ds, scenario())
    # tr-country excludes hospital_stay: 100–150 USD a night × 1–5 nights (MIS).
    check(comp, "tr-gamma", PACKAGE, 6000, 7000, Status.PUBLISHED)
    check(comp, "tr-gamma", "hospital_stay", 100 * 1, 150 * 5, Status.ESTIMATED)
    check(comp, "tr-gamma", "visa", 20, 60, Status.PUBLISHED)
    check(comp, "tr-gamma", "lodging", NAN, NAN, Status.MISSING)
    totals = trip_totals(trip_components(ds, scenario()))
    assert totals.loc["tr-gamma", ["total_low", "total_high"]].tolist() == pytest.approx([6120, 7810], rel=1e-12)
    # The open approach means 3–7 nights.
    comp_open = table(ds, scenario(procedure="fusion_1l_open"))
    check(comp_open, "tr-gamma", "hospital_stay", 300, 1050, Status.ESTIMATED)


def test_no_price_means_missing_total_not_zero(ds):
    comp = table(ds, scenario(flight_fare=500))
    check(comp, "kr-delta", PACKAGE, NAN, NAN, Status.MISSING)
    check(comp, "kr-delta", "visa", NAN, NAN, Status.MISSING)
    check(comp, "kr-delta", "flights", 500, 500, Status.ENTERED)
    totals = trip_totals(comp.reset_index())
    assert math.isnan(totals.loc["kr-delta", "total_low"]) and math.isnan(totals.loc["kr-delta", "total_high"])


def test_missing_components_are_not_counted(ds):
    comp = trip_components(ds, scenario())
    totals = trip_totals(comp)
    counted = comp[comp["status"].isin(["quoted", "published", "estimated", "entered"])]
    by_hand = counted.groupby("facility_id")[["low", "high"]].sum()
    for fid in ("th-alpha", "th-beta", "tr-gamma"):
        assert totals.loc[fid, "total_low"] == pytest.approx(by_hand.loc[fid, "low"], rel=1e-12)
        assert totals.loc[fid, "total_high"] == pytest.approx(by_hand.loc[fid, "high"], rel=1e-12)
    missing = comp[comp["status"] == "missing"]
    assert missing["low"].isna().all() and missing["high"].isna().all()
    included = comp[comp["status"] == "included"]
    assert (included["low"] == 0).all() and (included["high"] == 0).all()


def test_companion_adds_their_visa_and_doubles_the_fare(ds):
    alone = table(ds, scenario(flight_fare=700))
    pair = table(ds, scenario(flight_fare=700, companion=True))
    check(alone, "th-beta", "flights", 700, 700, Status.ENTERED)
    check(pair, "th-beta", "flights", 1400, 1400, Status.ENTERED)
    check(alone, "th-beta", "visa", 50, 50, Status.PUBLISHED)
    check(pair, "th-beta", "visa", 50 + 40, 50 + 40, Status.PUBLISHED)
    # Lodging is per room and local transport per day: neither doubles.
    check(pair, "th-beta", "lodging", 400, 600, Status.ESTIMATED)
    check(pair, "th-beta", "local_transport", 100, 100, Status.ESTIMATED)
    # No companion visa row for Turkey: only the patient's is counted, and the basis says so.
    check(pair, "tr-gamma", "visa", 20, 60, Status.PUBLISHED)
    assert "companion" in pair.loc[("tr-gamma", "visa"), "basis"]


def test_display_currency_converts_through_units_per_usd(ds):
    usd = table(ds, scenario(flight_fare=700, companion=True))
    gbp = table(ds, scenario(flight_fare=700, companion=True, currency="GBP"))
    # th-alpha's EUR quote: 5,600 EUR / 0.8 EUR per USD × 0.75 GBP per USD = 5,250 GBP
    check(gbp, "th-alpha", PACKAGE, 5250, 6000, Status.QUOTED)
    # The fare is typed in the display currency: never converted.
    check(gbp, "th-alpha", "flights", 1400, 1400, Status.ENTERED)
    counted = usd["status"].isin(["quoted", "published", "estimated"])
    np.testing.assert_allclose(gbp.loc[counted, "low"], usd.loc[counted, "low"] * 0.75, rtol=1e-12)
    np.testing.assert_allclose(gbp.loc[counted, "high"], usd.loc[counted, "high"] * 0.75, rtol=1e-12)
    totals = trip_totals(gbp.reset_index())
    # (7,650 + companion visa 40) × 0.75 + 1,400 = 7,167.5;  (8,950 + 40) × 0.75 + 1,400 = 8,142.5
    assert totals.loc["th-alpha", ["total_low", "total_high"]].tolist() == pytest.approx([7167.5, 8142.5], rel=1e-12)


def test_unknown_display_currency_raises(ds):
    with pytest.raises(ValueError, match="no exchange rate"):
        trip_components(ds, scenario(currency="CHF"))


@pytest.mark.parametrize(
    ("tier", "recovery", "low", "high"),
    [
        ("mid", 10, 40 * 10, 60 * 10),
        ("mid", 0, 0, 0),
        ("budget", 10, 20 * 10, 30 * 10),  # 640–960 THB / 32
        ("premium", 10, NAN, NAN),  # no premium row in Thailand
        ("mid", None, 40 * 14, 60 * 21),  # default: the 2–3 week general minimum before flying
    ],
)
def test_lodging_is_priced_per_recovery_day(ds, tier, recovery, low, high):
    comp = table(ds, scenario(lodging_tier=tier, recovery_days=recovery))
    check(comp, "th-beta", "lodging", low, high, Status.MISSING if math.isnan(low) else Status.ESTIMATED)


def test_stay_ranges(ds):
    s = stay(ds, scenario(recovery_days=None))
    assert (s.hospital_low, s.hospital_high, s.recovery_low, s.recovery_high) == (1, 5, 14, 21)
    s = stay(ds, scenario(procedure="fusion_2l_open", recovery_days=30))
    assert (s.hospital_low, s.hospital_high, s.recovery_low, s.recovery_high) == (3, 7, 30, 30)


def test_a_quote_for_another_variant_does_not_apply(ds):
    comp = table(ds, scenario(procedure="fusion_2l_open"))
    # th-alpha's quote is for 1-level MIS: for 2-level open it falls back to the country,
    # whose range now spans th-country-a, th-country-b and the 2-level row: 8,000–50,000.
    check(comp, "th-alpha", PACKAGE, 8000, 50000, Status.PUBLISHED)
    check(comp, "th-alpha", "imaging", 300, 600, Status.PUBLISHED)


def test_home_baseline(ds):
    base = home_baseline(ds, scenario(), "GB")
    # 15,000–20,000 GBP / 0.75 = 20,000–26,666.67 USD
    assert base["low"] == pytest.approx(20000, rel=1e-12)
    assert base["high"] == pytest.approx(20000 / 0.75, rel=1e-12)
    assert base["n_figures"] == 1
    assert home_baseline(ds, scenario(), "US") is None


def test_haversine_and_flight_hours():
    r = 6371.0088
    assert haversine_km(0.0, 0.0, 90.0, 0.0) == pytest.approx(math.pi / 2 * r, rel=1e-12)
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * r, rel=1e-12)
    assert haversine_km(10.0, 20.0, 10.0, 20.0) == 0.0
    # symmetric and vectorised
    a = haversine_km(
        np.array([51.5, -33.9]), np.array([-0.1, 151.2]), np.array([13.75, 40.7]), np.array([100.5, -74.0])
    )
    b = haversine_km(
        np.array([13.75, 40.7]), np.array([100.5, -74.0]), np.array([51.5, -33.9]), np.array([-0.1, 151.2])
    )
    np.testing.assert_allclose(a, b, rtol=1e-12)
    assert flight_hours(800.0) == pytest.approx(2.0)
    assert flight_hours(0.0) == pytest.approx(1.0)


def test_distances_prefer_routes_then_city_centres(ds):
    d = distances(ds, origin_row(ds, "london"))
    assert d.loc["th-alpha", "distance_km"] == 9540  # LHR-BKK from routes.csv
    # No route for CNX: haversine between the city centres, computed here independently.
    lat1, lon1, lat2, lon2 = map(math.radians, (51.50853, -0.12574, 18.79, 98.98))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    assert d.loc["th-beta", "distance_km"] == pytest.approx(2 * 6371.0088 * math.asin(math.sqrt(h)), rel=1e-12)
    assert d.loc["th-alpha", "flight_hours"] == pytest.approx(9540 / 800 + 1)
    assert "routes" in d.loc["th-alpha", "distance_basis"]
    assert "haversine" in d.loc["th-beta", "distance_basis"]


def test_every_facility_gets_every_component(ds):
    comp = trip_components(ds, scenario())
    n_components = len(ds.vocab["cost_components"]) + 1
    assert comp.groupby("facility_id").size().eq(n_components).all()
    assert set(comp["status"]) <= {s.value for s in Status}


def test_a_repeated_route_row_does_not_break_the_distances(tmp_path):
    # routes.csv is not checked for repeated airport pairs; a repeat used to make pandas
    # raise InvalidIndexError (a traceback in the CLI). The first row is used.
    root = make_data(tmp_path / "d", routes=[["LHR", "BKK", 9540, "yes", "t", "t"], ["LHR", "BKK", 9999, "", "t", "t"]])
    data = load_dataset(root, use_cache=False)
    d = distances(data, origin_row(data, "london"))
    assert d.loc["th-alpha", "distance_km"] == 9540
