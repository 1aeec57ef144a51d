"""Every cost component of every option, on the hand-made data of ``helpers_costs``.

Every expected figure is worked out by hand in the comments from the synthetic data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from helpers_costs import LONDON, NAN, check, haversine, make_data

from compare.costs import PACKAGE, VARIANT, Status, cost_frame
from compare.data import load_dataset
from compare.scenario import Trip

OPERATION = ["surgeon", "anaesthesia", "theatre", "hospital_stay"]
D_BETA = haversine(LONDON, (18.79, 98.98))  # no route for CNX: city centres
D_GAMMA = haversine(LONDON, (41.01, 28.95))
D_ALPHA = 9540.0  # LHR-BKK from routes.csv


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    data = load_dataset(make_data(tmp_path_factory.mktemp("costs")), use_cache=False)
    assert not data.errors, [str(p) for p in data.errors]
    assert sorted(data.facilities.index) == ["kr-delta", "th-alpha", "th-beta", "tr-gamma"]
    return data


def trip(**kw) -> Trip:
    return Trip(**{"origin": "london", "currency": "USD", "procedure": "fusion_1l_mis", "recovery_days": 10, **kw})


def table(ds, t: Trip) -> pd.DataFrame:
    comp = cost_frame(ds, t).components
    assert not comp.duplicated(["facility_id", "component"]).any()
    return comp.set_index(["facility_id", "component"])


def economy(km: float) -> tuple[float, float]:
    """Return fare per traveller: 2 × (50 + 0.05 km) to 2 × 0.1 km."""
    return 2 * (50 + 0.05 * km), 2 * 0.1 * km


def test_country_ranges_for_a_patient_alone_in_usd(ds):
    comp = table(ds, trip())
    # th-beta has no price of its own: the range of th-country-a (8,000–10,000) and
    # th-country-b (9,000 "from", so high = low); the 2-level row and the context row do not apply.
    row = check(comp, "th-beta", PACKAGE, 8000, 10000, Status.PUBLISHED)
    assert "price for unspecified variant" in row["basis"]
    for c in OPERATION:
        check(comp, "th-beta", c, 0, 0, Status.INCLUDED)
    # Implants: the prices do not say; 50 % of the total means up to 1.0 × the price.
    check(comp, "th-beta", "implants", 0, 10000, Status.ESTIMATED)
    check(comp, "th-beta", "imaging", 300, 600, Status.PUBLISHED)  # range of the two figures
    # Mid lodging: local 40–60 a night, up to the per diem ceiling for the rest of Thailand (80).
    row = check(comp, "th-beta", "lodging", 40 * 10, 80 * 10, Status.ESTIMATED)
    assert "[Other]" in row["basis"] and "Chiang Mai" in row["basis"]
    check(comp, "th-beta", "meals", 40 * 10, 40 * 10, Status.ESTIMATED)
    check(comp, "th-beta", "local_transport", 100, 100, Status.ESTIMATED)
    # GB passport, Thailand visa free for 30 days; the stay is at most 5 + 10 days.
    check(comp, "th-beta", "visa", 0, 0, Status.PUBLISHED)
    check(comp, "th-beta", "medication", 100, 200, Status.ESTIMATED)
    check(comp, "th-beta", "flights", *economy(D_BETA), Status.ESTIMATED)
    for c in ("physiotherapy", "consultation", "labs", "follow_up", "brace"):
        check(comp, "th-beta", c, NAN, NAN, Status.UNKNOWN)
    assert (th_beta := comp.loc["th-beta"])["sources"].map(len).gt(0).sum() >= 8
    # Each source is its own record (address, who stands behind it, date), never a joined string.
    fares = th_beta.loc["flights", "sources"]
    assert [s.url for s in fares] == ["https://example.org/fare-low", "https://example.org/fare-high"]
    assert [s.kind for s in fares] == ["press", "press"] and th_beta.loc["flights", "as_of"] == "2018"


def test_facility_quote_wins_and_its_includes_are_not_added_again(ds):
    comp = table(ds, trip())
    # 5,600–6,400 EUR / 0.8 = 7,000–8,000 USD; the quote includes implants and imaging.
    check(comp, "th-alpha", PACKAGE, 7000, 8000, Status.QUOTED)
    check(comp, "th-alpha", "implants", 0, 0, Status.INCLUDED)
    check(comp, "th-alpha", "imaging", 0, 0, Status.INCLUDED)
    # Bangkok has its own per diem row: local 40 up to its ceiling of 100 a night.
    check(comp, "th-alpha", "lodging", 400, 1000, Status.ESTIMATED)
    check(comp, "th-alpha", "meals", 500, 500, Status.ESTIMATED)
    check(comp, "th-alpha", "flights", 2 * (50 + 0.05 * D_ALPHA), 0.2 * D_ALPHA, Status.ESTIMATED)


def test_excluded_hospital_nights_per_diem_seasons_and_an_e_visa(ds):
    comp = table(ds, trip())
    check(comp, "tr-gamma", PACKAGE, 6000, 7000, Status.PUBLISHED)
    # tr-country excludes hospital_stay: 100–150 USD a night × 1–5 nights (MIS).
    check(comp, "tr-gamma", "hospital_stay", 100 * 1, 150 * 5, Status.ESTIMATED)
    check(comp, "tr-gamma", "implants", 0, 7000, Status.ESTIMATED)
    # No local lodging figure: the Istanbul ceiling, two seasons 120 and 150, × 10 nights.
    check(comp, "tr-gamma", "lodging", 1200, 1500, Status.ESTIMATED)
    check(comp, "tr-gamma", "meals", 600, 600, Status.ESTIMATED)
    row = check(comp, "tr-gamma", "visa", 20, 60, Status.PUBLISHED)  # GB passport: e-visa; its fee row
    assert "e-visa" in row["basis"]
    for c in ("imaging", "local_transport", "medication"):
        check(comp, "tr-gamma", c, NAN, NAN, Status.UNKNOWN)
    # The open approach means 3–7 nights.
    check(table(ds, trip(procedure="fusion_1l_open")), "tr-gamma", "hospital_stay", 300, 1050, Status.ESTIMATED)


def test_no_price_leaves_the_operation_unknown_never_zero(ds):
    comp = table(ds, trip(flight_fare=500))
    check(comp, "kr-delta", PACKAGE, NAN, NAN, Status.UNKNOWN)
    for c in [*OPERATION, "implants", "lodging", "meals", "visa"]:
        check(comp, "kr-delta", c, NAN, NAN, Status.UNKNOWN)
    # Its parts are counted in the filled operation price, never filled again on their own.
    assert (comp.loc[[("kr-delta", c) for c in OPERATION], "fill_high"] == 0).all()
    check(comp, "kr-delta", "flights", 500, 500, Status.ENTERED)


def test_a_companion_doubles_fares_and_meals_adds_nights_and_visas(ds):
    alone, pair = table(ds, trip()), table(ds, trip(companion=True))
    low, high = economy(D_BETA)
    check(pair, "th-beta", "flights", 2 * low, 2 * high, Status.ESTIMATED)
    # One shared room, plus the companion's 1–5 nights while the patient is in hospital.
    check(pair, "th-beta", "lodging", 40 * 11, 80 * 15, Status.ESTIMATED)
    # Meals: the patient's 10 days, the companion's 10 + 1–5.
    check(pair, "th-beta", "meals", 40 * 21, 40 * 25, Status.ESTIMATED)
    check(pair, "th-beta", "local_transport", 100, 100, Status.ESTIMATED)  # per day, not per person
    check(pair, "th-beta", "visa", 0, 0, Status.PUBLISHED)
    # No companion fee row for Turkey: the companion is taken to need the same e-visa.
    row = check(pair, "tr-gamma", "visa", 40, 120, Status.PUBLISHED)
    assert "companion" in row["basis"]
    assert pair.loc["th-alpha", "low"].sum() > alone.loc["th-alpha", "low"].sum()


def test_the_passport_decides_the_visa(ds):
    # Nigeria -> Thailand: visa required; the patient's (40 EUR = 50 USD) and the companion's (40 USD) fees.
    comp = table(ds, trip(passport="NG", companion=True))
    row = check(comp, "th-beta", "visa", 90, 90, Status.PUBLISHED)
    assert "visa required" in row["basis"] and "NG passport" in row["basis"]
    # United States -> Thailand: visa free for 90 days.
    us = cost_frame(ds, trip(passport="us", recovery_days=60))
    assert us.journeys.loc["th-beta", "visa_label"] == "visa free 90 days"
    assert us.components.set_index(["facility_id", "component"]).loc[("th-beta", "visa"), "low"] == 0
    with pytest.raises(ValueError, match="unknown passport 'ZZ'"):
        cost_frame(ds, trip(passport="ZZ"))


def test_a_stay_longer_than_the_visa_free_days_needs_a_permit(ds):
    f = cost_frame(ds, trip(recovery_days=40))  # up to 5 + 40 = 45 days in Thailand, 30 visa free
    leg = f.journeys.loc["th-beta"]
    assert "45 days is longer than the 30 visa-free days" in leg["visa_warning"]
    row = check(f.components.set_index(["facility_id", "component"]), "th-beta", "visa", 50, 50, Status.PUBLISHED)
    assert "longer than the 30 visa-free days" in row["basis"]


@pytest.mark.parametrize(
    ("seat", "low", "high"),
    [
        ("economy", economy(D_BETA)[0], economy(D_BETA)[1]),
        ("extra_legroom", economy(D_BETA)[0] + 2 * 60, economy(D_BETA)[1] + 2 * 150),
        ("business", economy(D_BETA)[0] * 3, economy(D_BETA)[1] * 6),
    ],
)
def test_the_patient_seat_prices_the_patient_fare_only(ds, seat, low, high):
    check(table(ds, trip(seat=seat)), "th-beta", "flights", low, high, Status.ESTIMATED)
    e_low, e_high = economy(D_BETA)
    check(
        table(ds, trip(seat=seat, companion=True)), "th-beta", "flights", low + e_low, high + e_high, Status.ESTIMATED
    )


def test_an_entered_fare_wins_and_a_fare_by_country_wins_over_it(ds):
    comp = table(ds, trip(flight_fare=500, fares={"th": 700}, companion=True))
    check(comp, "th-beta", "flights", 1400, 1400, Status.ENTERED)
    check(comp, "tr-gamma", "flights", 1000, 1000, Status.ENTERED)
    # Typed in the display currency: never converted.
    check(table(ds, trip(currency="GBP", flight_fare=500)), "tr-gamma", "flights", 500, 500, Status.ENTERED)


def test_an_absurd_fare_is_refused_with_its_amount(ds):
    with pytest.raises(ValueError, match="above 50,000 USD"):
        cost_frame(ds, trip(currency="GBP", flight_fare=40_000))  # 53,333 USD
    cost_frame(ds, trip(currency="GBP", flight_fare=37_000))  # 49,333 USD: allowed


@pytest.mark.parametrize(
    ("tier", "fid", "low", "high", "status", "fill"),
    [
        ("budget", "th-beta", 200, 300, Status.ESTIMATED, None),  # 640–960 THB / 32 × 10
        ("premium", "th-alpha", NAN, NAN, Status.UNKNOWN, (1000, 1000, "a lower bound")),
        ("budget", "tr-gamma", NAN, NAN, Status.UNKNOWN, (1200, 1500, "an upper bound")),
    ],
)
def test_lodging_tiers_use_local_figures_or_stay_unknown(ds, tier, fid, low, high, status, fill):
    row = check(table(ds, trip(lodging_tier=tier)), fid, "lodging", low, high, status)
    if fill:  # the per diem ceiling fills it, labelled as the bound it is
        assert (row["fill_low"], row["fill_high"]) == pytest.approx(fill[:2])
        assert fill[2] in row["fill_basis"]


def test_display_currency_converts_through_units_per_usd(ds):
    usd, gbp = table(ds, trip(companion=True)), table(ds, trip(companion=True, currency="gbp"))
    # th-alpha's EUR quote: 5,600 EUR / 0.8 EUR per USD × 0.75 GBP per USD = 5,250 GBP
    check(gbp, "th-alpha", PACKAGE, 5250, 6000, Status.QUOTED)
    known = usd["low"].notna()
    np.testing.assert_allclose(gbp.loc[known, "low"], usd.loc[known, "low"] * 0.75, rtol=1e-12)
    np.testing.assert_allclose(gbp.loc[known, "high"], usd.loc[known, "high"] * 0.75, rtol=1e-12)
    with pytest.raises(ValueError, match="no exchange rate"):
        cost_frame(ds, trip(currency="CHF"))


def test_a_price_for_no_variant_is_scaled_for_an_extra_level(ds):
    comp = table(ds, trip(procedure="fusion_2l_mis"))
    # tr-country names no variant: 6,000–7,000 × 1.1–1.2 per extra level = 6,600–8,400.
    row = check(comp, "tr-gamma", PACKAGE, 6000, 7000, Status.PUBLISHED)
    assert "price for unspecified variant" in row["basis"]
    check(comp, "tr-gamma", VARIANT, 600, 1400, Status.ESTIMATED)
    check(comp, "tr-gamma", "implants", 0, 8400, Status.ESTIMATED)  # of the scaled price
    # Thailand for 2-level open: the two unspecified figures are scaled (8,800–12,000 and
    # 9,900–10,800), the 50,000 2-level figure is not: 8,000–50,000 becomes 8,800–50,000.
    comp = table(ds, trip(procedure="fusion_2l_open"))
    check(comp, "th-beta", PACKAGE, 8000, 50000, Status.PUBLISHED)
    check(comp, "th-beta", VARIANT, 800, 0, Status.ESTIMATED)
    # th-alpha's quote is for 1-level MIS: for 2-level open it falls back to the country.
    check(comp, "th-alpha", PACKAGE, 8000, 50000, Status.PUBLISHED)
    # No variant row where the price names this variant or no factor applies (1-level MIS).
    assert (("th-alpha", VARIANT)) not in table(ds, trip()).index


def test_every_facility_gets_every_component_with_a_status(ds):
    comp = cost_frame(ds, trip()).components
    expected = set(ds.vocab["cost_components"]) | {PACKAGE}
    for fid, rows in comp.groupby("facility_id"):
        assert set(rows["component"]) - {VARIANT} == expected, fid
    assert set(comp["status"]) <= {s.value for s in Status}
    unknown = comp[comp["status"] == "unknown"]
    assert unknown["low"].isna().all() and unknown["high"].isna().all()
    # A zero is either included in the price or a visa that is not needed, and says so.
    zero = comp[(comp["low"] == 0) & (comp["high"] == 0)]
    assert ((zero["status"] == "included") | zero["basis"].str.contains("no fee")).all()
    assert not any(math.isnan(v) for v in comp.loc[comp["status"] != "unknown", "low"])


def test_a_figure_repeated_from_one_original_counts_once(tmp_path):
    """A copy (``same_as``) neither widens the range nor counts as a second published figure."""
    from helpers_costs import PRICES

    copy = ("tr-copy", "TR", "", "lumbar_fusion", "estimate", 1000, 90000, "USD", "", "", "tr-country")
    data = load_dataset(make_data(tmp_path / "d", prices=[*PRICES, copy]), use_cache=False)
    assert not data.errors, [str(p) for p in data.errors]
    row = check(table(data, trip()), "tr-gamma", PACKAGE, 6000, 7000, Status.PUBLISHED)
    assert "1 published figure(s)" in row["basis"]
    # Without the mark, the same row is a second figure and widens the range.
    other = (*copy[:10], "")
    data = load_dataset(make_data(tmp_path / "e", prices=[*PRICES, other]), use_cache=False)
    row = check(table(data, trip()), "tr-gamma", PACKAGE, 1000, 90000, Status.PUBLISHED)
    assert "2 published figure(s)" in row["basis"]


def test_a_same_as_that_names_no_row_is_an_error_on_its_line(tmp_path):
    from helpers_costs import PRICES

    copy = ("tr-copy", "TR", "", "lumbar_fusion", "estimate", 1000, 9000, "USD", "", "", "tr-nowhere")
    data = load_dataset(make_data(tmp_path / "d", prices=[*PRICES, copy]), use_cache=False)
    (problem,) = data.errors
    assert (problem.field, problem.line) == ("same_as", len(PRICES) + 2) and "tr-nowhere" in problem.message
    assert "tr-copy" not in set(data.prices["id"])
