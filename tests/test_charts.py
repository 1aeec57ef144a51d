"""Figure builders, tested on the figures they return (traces, axes, values)."""

from __future__ import annotations

import numpy as np
import pytest

from compare import Scenario, charts, criteria, rank


@pytest.fixture(scope="module")
def result(shipped):
    return rank(
        shipped,
        Scenario(origin="london", currency="GBP", companion=True, flight_fare=700.0),
        sensitivity=True,
        samples=2000,
    )


def test_pareto_chart_marks_exactly_the_front(result):
    table = result.table
    data, spec = charts.pareto_chart(table, "GBP")
    priced = table[table["cost"].notna()]
    assert list(data.index) == list(priced.index)
    front = data.index[data["group"] == "Pareto-optimal"]
    assert set(front) == set(priced.index[priced["pareto"]])
    assert set(data.index[data["group"] == "Dominated"]) == set(priced.index[~priced["pareto"]])
    rule, points = spec["layer"]
    assert rule["encoding"]["x"]["title"] == "Whole-trip cost (GBP) ↓"
    assert spec["encoding"]["y"]["title"].endswith("↑")
    # Each option's bar spans its low–high range around the plotted midpoint.
    assert (rule["encoding"]["x"]["field"], rule["encoding"]["x2"]["field"]) == ("low", "high")
    assert points["encoding"]["x"]["field"] == "cost"
    row = priced.iloc[0]
    assert data.iloc[0][["low", "cost", "high"]].tolist() == pytest.approx(
        [row["cost_low"], row["cost"], row["cost_high"]]
    )
    # Every field the spec names is in the data.
    named = {
        e["field"]
        for layer in spec["layer"]
        for e in layer["encoding"].values()
        if isinstance(e, dict) and "field" in e
    }
    named |= {t["field"] for t in points["encoding"]["tooltip"]} | {spec["encoding"]["y"]["field"]}
    assert named <= set(data.columns) | {t["as"] for t in spec["transform"]}


def test_cost_breakdown_stacks_every_component_and_hatches_estimates_and_fills(result):
    # The two best-ranked options, and the best-ranked one with a part filled from comparable places.
    filled = result.components.loc[result.components["fill_low"].notna(), "facility_id"]
    ids = list(result.table.index[:2]) + [next(f for f in result.table.index if f in set(filled))]
    comp = result.components[result.components["facility_id"].isin(ids)]
    fig = charts.cost_breakdown(comp, result.table["name"], "GBP")
    assert fig.layout.barmode == "stack"
    statuses = {t.name.rsplit("(", 1)[1].rstrip(")") for t in fig.data}
    assert statuses <= {"quoted", "published", "estimated", "entered", "filled"}
    assert {"estimated", "filled"} <= statuses
    for trace in fig.data:
        shape = trace.marker.pattern.shape
        assert (shape == "/") == trace.name.endswith("(estimated)")
        assert (shape == "x") == trace.name.endswith("(filled)")
        # The hover names how each part was worked out (the method and its inputs).
        assert all(isinstance(how, str) and how for how in trace.customdata[:, 2])
        assert "%{customdata[2]}" in trace.hovertemplate
    # The bars of one option add up to the midpoint of its comparable whole-trip range.
    name = result.table.loc[ids[0], "name"]
    total = sum(x for t in fig.data for y, x in zip(t.y, t.x, strict=True) if y == name)
    row = result.table.loc[ids[0]]
    assert total == pytest.approx((row["comparable_low"] + row["comparable_high"]) / 2)
    # Documented only: no filled parts, and the bars add up to the documented midpoint.
    documented = charts.cost_breakdown(comp, result.table["name"], "GBP", filled=False)
    assert not any(t.name.endswith("(filled)") for t in documented.data)
    total = sum(x for t in documented.data for y, x in zip(t.y, t.x, strict=True) if y == name)
    assert total == pytest.approx((row["documented_low"] + row["documented_high"]) / 2)


def test_map_shows_located_options_and_the_origin(result):
    fig = charts.facility_map(result.table, result.origin)
    options, origin = fig.data
    assert len(options.lat) == result.table["lat"].notna().sum()
    assert origin.text == ("From London",)


def test_contributions_add_up_to_each_score(result):
    ids = list(result.table.index[:3])
    fig = charts.contributions(result.table, ids)
    assert [t.name for t in fig.data] == [c.label for c in criteria.CRITERIA]
    sums = np.sum([t.x for t in fig.data], axis=0)
    np.testing.assert_allclose(sums, result.table.loc[ids, "score"], atol=1e-12)


def test_side_by_side_shows_at_most_five_options(result):
    ids = list(result.table.index[:7])
    fig = charts.side_by_side(result.table, ids, result.scenario.preferences.weights)
    assert len(fig.data) == 5
    for trace in fig.data:
        assert all(v is None or 0 <= v <= 1 + 1e-9 for v in trace.y)


def test_robustness_bars_are_probabilities(result):
    fig = charts.robustness(result.table)
    top3, top1 = fig.data
    assert all(a >= b for a, b in zip(top3.x, top1.x, strict=True))
    assert fig.layout.xaxis.range == (0, 1)


def test_labels_from_data_cannot_become_markup(result):
    table = result.table.copy()
    first = table.index[0]
    table.loc[first, "name"] = '<a href="https://evil.example">x</a><b>bold</b>'
    fig = charts.contributions(table, [first])
    shown = [str(v) for t in fig.data for part in (t.y, t.text) if part is not None for v in np.ravel(part)]
    assert not any("<a " in v or "<b>" in v for v in shown)
    assert any("&lt;a href" in v for v in shown)
    # Vega draws text as text (its tooltips escape it too): the name goes in as written, so an
    # escaped copy would show its entities to the reader.
    data, _ = charts.pareto_chart(table, "GBP")
    assert data.loc[first, "name"] == table.loc[first, "name"]


def test_pareto_bars_bracket_the_risk_adjusted_cost(shipped):
    table = rank(shipped, Scenario(origin="new-york", cost_criterion="risk_adjusted")).table
    assert (table["cost_low"] > table["total_low"]).all()  # US treatment costs: every option carries some
    data, _ = charts.pareto_chart(table, "USD")
    assert (data["low"] <= data["cost"]).all() and (data["cost"] <= data["high"]).all()


def test_charts_follow_the_language_direction_and_number_format(result):
    from compare import i18n

    english = charts.robustness(result.table)
    assert english.layout.separators == ".," and english.layout.legend.xanchor is None
    with i18n.language("ar"):
        arabic = charts.robustness(result.table)
    assert arabic.layout.legend.xanchor == "right" and arabic.layout.hoverlabel.align == "right"
    assert arabic.layout.title.xanchor == "right"
    with i18n.language("ru"):
        russian = charts.robustness(result.table)
        _, russian_spec = charts.pareto_chart(result.table, "GBP")
    assert russian.layout.separators == ",\xa0"  # 12 345,5
    assert russian_spec["config"]["locale"]["number"].items() >= {"decimal": ",", "thousands": "\xa0"}.items()
    assert russian_spec["title"]["text"] == "Стоимость всей поездки и балл"
    with i18n.language("ar"):
        _, arabic_spec = charts.pareto_chart(result.table, "GBP")
    assert arabic_spec["title"]["anchor"] == "end"


def test_cost_breakdown_hover_shows_money_in_the_locale_format(result):
    ids = list(result.table.index[:1])
    comp = result.components[result.components["facility_id"].isin(ids)]
    fig = charts.cost_breakdown(comp, result.table["name"], "GBP")
    amounts = [a for t in fig.data for a in t.customdata[:, 3]]
    assert amounts and all(a.startswith("GBP\u00a0") for a in amounts)
    assert all("%{customdata[3]}" in t.hovertemplate for t in fig.data)
