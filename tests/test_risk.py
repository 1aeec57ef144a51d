"""The expected cost of complications, by hand on the synthetic data of ``helpers_costs``.

ssi       general 2–4 %, abroad 10–12 %; treatment GB 7,500–15,000 GBP (= 10,000–20,000 USD),
          TH 2,000–3,000 USD
revision  10–20 %; treatment TH 5,000–10,000 USD only
nonunion  5–6 %; no treatment cost anywhere
"""

from __future__ import annotations

import pytest
from helpers_costs import make_data

from compare import rank
from compare.costs import cost_frame
from compare.data import load_dataset
from compare.scenario import Scenario, Trip, with_changes


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    data = load_dataset(make_data(tmp_path_factory.mktemp("risk")), use_cache=False)
    assert not data.errors, [str(p) for p in data.errors]
    return data


def rows(ds, **kw):
    frame = cost_frame(ds, Trip(origin="london", currency="USD", recovery_days=10, **kw))
    return frame, frame.risk.set_index(["facility_id", "complication"])


def test_the_home_cost_wins_and_the_abroad_rate_is_the_default(ds):
    frame, r = rows(ds)
    # Infection: 10–12 % (operated abroad) × the cost at home in GB, 10,000–20,000 USD.
    ssi = r.loc[("th-alpha", "ssi")]
    assert (ssi["low"], ssi["high"]) == pytest.approx((0.10 * 10_000, 0.12 * 20_000))
    assert "operated abroad" in ssi["basis"] and "at home (GB)" in ssi["basis"]
    # Reoperation: no GB cost, so the destination's (Thailand) 5,000–10,000 × 10–20 %.
    rev = r.loc[("th-alpha", "revision")]
    assert (rev["low"], rev["high"]) == pytest.approx((0.1 * 5000, 0.2 * 10_000))
    assert "abroad (TH)" in rev["basis"]
    # Non-union: no cost anywhere, so unknown and named, never guessed.
    non = r.loc[("th-alpha", "nonunion")]
    assert non["status"] == "unknown" and non["low"] != non["low"]  # NaN
    assert "no source gives the cost of treating it in GB or TH" in non["basis"]
    t = frame.totals.loc["th-alpha"]
    assert (t["expected_low"], t["expected_high"]) == pytest.approx((1000 + 500, 2400 + 2000))
    assert t["risk_unknown"] == ["Non-union"]
    # Turkey has no reoperation cost and GB's is not given: only the infection is priced.
    assert frame.totals.loc["tr-gamma", "risk_unknown"] == ["Reoperation", "Non-union"]


def test_the_general_rate_can_be_chosen(ds):
    _, r = rows(ds, abroad_rates=False)
    ssi = r.loc[("th-alpha", "ssi")]
    assert (ssi["low"], ssi["high"]) == pytest.approx((0.02 * 10_000, 0.04 * 20_000))
    assert "operated at home" in ssi["basis"]


def test_costs_convert_to_the_display_currency(ds):
    _, usd = rows(ds)
    gbp = cost_frame(ds, Trip(origin="london", currency="GBP", recovery_days=10)).risk.set_index(
        ["facility_id", "complication"]
    )
    assert gbp.loc[("th-alpha", "revision"), "high"] == pytest.approx(usd.loc[("th-alpha", "revision"), "high"] * 0.75)


def test_the_risk_adjusted_total_can_be_the_cost_criterion_and_changes_the_ranking(ds):
    only_cost = {
        "cost": 10,
        **dict.fromkeys(("accreditation", "volume", "technology", "outcomes", "services", "travel", "confidence"), 0),
    }
    # A fare of 4,000 to Thailand puts th-alpha just below tr-gamma on the trip alone.
    trip = Scenario(origin="london", recovery_days=10, weights=only_cost, fares={"TH": 4000})
    plain = rank(ds, trip).table
    adjusted = rank(ds, with_changes(trip, cost_criterion="risk_adjusted")).table
    for fid in plain.index:
        assert adjusted.loc[fid, "cost"] == pytest.approx(
            plain.loc[fid, "cost"] + (plain.loc[fid, "expected_low"] + plain.loc[fid, "expected_high"]) / 2
        )
    # th-alpha carries 1,500–4,400 of expected complications, tr-gamma only its infection
    # (10–12 % × 10,000–20,000 = 1,000–2,400): the order of the two changes.
    assert list(plain.index[:2]) == ["th-alpha", "tr-gamma"]
    assert list(adjusted.index[:2]) == ["tr-gamma", "th-alpha"]


def test_an_entered_insurance_quote_is_a_part_of_every_trip(ds):
    frame = cost_frame(ds, Trip(origin="london", recovery_days=10, complication_insurance=450))
    ins = frame.components[frame.components["component"] == "complication_insurance"]
    assert len(ins) == len(ds.facilities) and (ins["low"] == 450).all() and (ins["status"] == "entered").all()
    without = cost_frame(ds, Trip(origin="london", recovery_days=10)).totals
    assert (frame.totals["comparable_low"] - without["comparable_low"]).round(9).eq(450).all()


def test_the_caution_shows_unless_the_operation_was_recommended_at_home(ds):
    asked = rank(ds, Scenario(origin="london", recommended_at_home="no"))
    assert asked.caution["text"] == "Ask a doctor at home first (test)"
    assert asked.caution["source_url"] == "https://example.org/risk-abroad"
    assert rank(ds, Scenario(origin="london")).caution is not None  # not asked: shown too
    assert rank(ds, Scenario(origin="london", recommended_at_home="yes")).caution is None


def test_options_resting_mostly_on_unknowns_are_marked_and_can_be_hidden(ds):
    # The synthetic facilities report no volume, technology, outcomes or services (4 criteria).
    # With those four and cost, travel weighted, 4 of 6 are unknown: more than half.
    four_unknown = {"cost": 5, "travel": 5, "volume": 5, "technology": 5, "outcomes": 5, "services": 5}
    weights = {
        c: four_unknown.get(c, 0)
        for c in ("cost", "accreditation", "volume", "technology", "outcomes", "services", "travel", "confidence")
    }
    t = rank(ds, Scenario(origin="london", recovery_days=10, weights=weights)).table
    assert t["thin_data"].all()
    hidden = rank(ds, Scenario(origin="london", recovery_days=10, weights=weights, filters={"hide_thin": True}))
    assert hidden.empty and "enough data to rank" in hidden.message
    # The default weights (8 criteria, 4 unknown) are exactly half: not marked.
    assert not rank(ds, Scenario(origin="london", recovery_days=10)).table["thin_data"].any()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (("high: 0.04", "high: 1.4"), "complications.0.probability.high", "less than or equal to 1"),
        (("low: 0.1, high: 0.2", "low: 0.3, high: 0.2"), "complications.1.probability", "above high"),
        (("currency: GBP", "currency: XYZ"), "complications.0.treatment.0.currency", "unknown currency"),
        (("source: c2}", "source: nowhere}"), "(record)", "not listed under 'sources'"),
    ],
)
def test_a_bad_risk_file_is_named_by_file_line_and_field(tmp_path, change, field, message):
    root = make_data(tmp_path / "d")
    text = (root / "risk.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    (root / "risk.yaml").write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    data = load_dataset(root, use_cache=False)
    (problem,) = data.errors
    assert problem.file.endswith("risk.yaml") and problem.line >= 1
    assert problem.field == field and message in problem.message, str(problem)
    assert data.risk is None and len(data.facilities) == 4  # the rest still loads


def test_without_risk_data_the_trip_still_ranks(tmp_path):
    root = make_data(tmp_path / "d")
    (root / "risk.yaml").write_text("sources: {}\ncomplications: []\n", encoding="utf-8")
    data = load_dataset(root, use_cache=False)
    assert data.risk is None and data.errors
    result = rank(data, Scenario(origin="london", cost_criterion="risk_adjusted"))
    assert len(result.table) == 4 and result.table["expected_low"].isna().all()
    assert (result.table["risk_adjusted_low"] == result.table["total_low"]).all()
    assert result.caution is None


def test_a_facility_in_the_patients_own_country_uses_the_home_rate(tmp_path):
    from helpers_costs import FACILITIES

    root = make_data(tmp_path / "d", facilities=[*FACILITIES, ("gb-epsilon", "GB", "London", 51.5, -0.12, "LHR")])
    text = (root / "destinations.yaml").read_text(encoding="utf-8")
    (root / "destinations.yaml").write_text(text + "GB: {currency: GBP}\n", encoding="utf-8")
    data = load_dataset(root, use_cache=False)
    r = cost_frame(data, Trip(origin="london", currency="USD", recovery_days=10)).risk.set_index(
        ["facility_id", "complication"]
    )
    home, abroad = r.loc[("gb-epsilon", "ssi")], r.loc[("th-alpha", "ssi")]
    assert (home["p_low"], home["p_high"]) == (0.02, 0.04) and "operated at home" in home["basis"]
    assert (abroad["p_low"], abroad["p_high"]) == (0.10, 0.12)
