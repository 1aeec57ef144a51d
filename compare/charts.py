"""Chart builders: Plotly figures, and one Vega-Lite spec. They never render (the app does that).

Built with ``plotly.graph_objects`` rather than ``plotly.express``: the same charts are
several times cheaper to build, which keeps dashboard reruns fast.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from babel import numbers

from compare import costs, i18n
from compare.criteria import CRITERIA
from compare.i18n import N_, _

PALETTE = ["#1f6feb", "#e8710a", "#188038", "#a142f4", "#d93025", "#12b5cb", "#f9ab00", "#5f6368"]
FRONT, OTHER = "#1f6feb", "#9aa0a6"
PHASE_COLOURS = {"operation": "#1f6feb", "pre_op": "#12b5cb", "post_op": "#188038", "travel": "#e8710a"}
STATUS_PATTERN = {"quoted": "", "published": "", "entered": "", "estimated": "/", "filled": "x"}
FRESHNESS = {"fresh": N_("fresh"), "stale": N_("stale"), "undated": N_("undated")}


def safe_label(text: object) -> str:
    """Text from data for a chart: Plotly reads a subset of HTML (links, bold) in labels and
    hover text, so tags are escaped to show literally (Plotly renders the entities)."""
    return html.escape(str(text), quote=False)


LAYOUT = {"margin": {"l": 10, "r": 10, "t": 50, "b": 10}, "legend": {"orientation": "h", "y": -0.15}}


def _separators() -> tuple[str, str]:
    """The current language's decimal mark and thousands separator (both chart libraries need them)."""
    loc = i18n.locale()
    return numbers.get_decimal_symbol(loc), numbers.get_group_symbol(loc)


def _layout() -> dict:
    """The shared layout in the current language: its decimal and thousands separators for
    ticks and hovers and, right to left, the legend and hover text set from the right."""
    layout = {**LAYOUT, "separators": "".join(_separators())}
    if i18n.direction() == "rtl":
        layout["legend"] = {**LAYOUT["legend"], "x": 1, "xanchor": "right"}
        layout["hoverlabel"] = {"align": "right"}
    return layout


def _title(text: str) -> dict:
    """A chart title, on the side the language reads from."""
    if i18n.direction() == "rtl":
        return {"text": text, "x": 0.98, "xanchor": "right"}
    return {"text": text}


def _money(currency: str) -> str:
    return _("Whole-trip cost ({currency}) ↓").format(currency=currency)


def vega_locale() -> dict:
    """Vega's number format for the current language: its decimal mark and digit grouping."""
    decimal, thousands = _separators()
    return {
        "number": {
            "decimal": decimal,
            "thousands": thousands,
            "grouping": [3],
            "currency": ["", ""],
        }
    }


def pareto_chart(table: pd.DataFrame, currency: str) -> tuple[pd.DataFrame, dict]:
    """Whole-trip cost (midpoint, with its low–high range as a bar) against score, the Pareto
    front highlighted: the data and the Vega-Lite spec that draws it.

    Vega-Lite, not Plotly, for the one chart of the first screen: a new visitor's browser must
    load and evaluate Plotly's 4.7 MB script before the ranking table appears (about a second on
    two cores), Vega-Lite's is 0.8 MB. Vega draws names as text, never as markup, so they go
    in unescaped.
    """
    # Only the columns drawn: filtering rows of the whole (wide) table cost most of the build.
    shown = table[["name", "cost", "cost_low", "cost_high", "score", "pareto"]]
    priced = shown[shown["cost"].notna()]
    front, dominated = _("Pareto-optimal"), _("Dominated")
    data = pd.DataFrame(
        {
            "name": priced["name"].astype(str),
            "cost": priced["cost"],
            "low": priced["cost_low"],
            "high": priced["cost_high"],
            "score": priced["score"],
            "group": [front if p else dominated for p in priced["pareto"]],
        },
        index=priced.index,  # the facility ids
    )
    colour = {
        "field": "group",
        "type": "nominal",
        "scale": {"domain": [front, dominated], "range": [FRONT, OTHER]},
        "legend": {"orient": "bottom", "title": None},
    }
    y = {"field": "score", "type": "quantitative", "title": _("Score (0–1) ↑"), "scale": {"zero": False}}
    # Clicking a legend entry fades the other group, as Plotly's legend did.
    shown = {"condition": {"param": "group", "value": 1}, "value": 0.15}
    spec = {
        "title": {"text": _("Whole-trip cost versus score"), "anchor": "end" if i18n.direction() == "rtl" else "start"},
        "height": 450,
        "config": {"locale": vega_locale()},
        # The range as "4,000–9,000", formatted by the browser in the language's number format:
        # formatting 300 figures with Babel on every new weighting cost the server about 20 ms.
        "transform": [{"calculate": "format(datum.low, ',.0f') + '–' + format(datum.high, ',.0f')", "as": "range"}],
        "encoding": {"y": y, "color": colour, "opacity": shown},
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 1},
                "encoding": {
                    "x": {"field": "low", "type": "quantitative", "title": _money(currency), "scale": {"zero": False}},
                    "x2": {"field": "high"},
                },
            },
            {
                "params": [{"name": "group", "select": {"type": "point", "fields": ["group"]}, "bind": "legend"}],
                "mark": {"type": "circle", "size": 120, "opacity": 1, "stroke": "white", "strokeWidth": 1},
                "encoding": {
                    "x": {"field": "cost", "type": "quantitative"},
                    "tooltip": [
                        {"field": "name", "title": _("Facility")},
                        {"field": "cost", "title": _("Whole-trip cost"), "format": ",.0f"},
                        {"field": "range", "title": _("Range")},
                        {"field": "score", "title": _("Score"), "format": ".2f"},
                    ],
                },
            },
        ],
    }
    return data, spec


def cost_breakdown(components: pd.DataFrame, names: pd.Series, currency: str, *, filled: bool = True) -> go.Figure:
    """Stacked bars of every counted component (midpoints); estimated and filled parts hatched.

    With ``filled``, an unknown component is drawn with its comparable-basis fill (cross-hatched)
    so the bars compare like with like; the hover names the method and its inputs.
    """
    c = components.copy()
    known = c["status"].isin(["quoted", "published", "estimated", "entered"])
    use_fill = filled & (c["status"] == "unknown") & c["fill_low"].notna() & (c["fill_high"] > 0)
    c = c[known | use_fill].copy()
    fill_rows = c["status"] == "unknown"
    c.loc[fill_rows, "low"] = c.loc[fill_rows, "fill_low"]
    c.loc[fill_rows, "high"] = c.loc[fill_rows, "fill_high"]
    c.loc[fill_rows, "status"] = "filled"
    c.loc[fill_rows, "basis"] = c.loc[fill_rows, "fill_basis"]
    c["mid"] = (c["low"] + c["high"]) / 2
    c["option"] = c["facility_id"].map(names).map(safe_label)
    c["how"] = c["basis"].fillna("").map(lambda b: safe_label(b if len(b) < 240 else b[:237] + "…"))
    c["amount"] = [costs.format_range(lo, hi, currency) for lo, hi in zip(c["low"], c["high"], strict=True)]
    order = c.groupby("option")["mid"].sum().sort_values().index.tolist()
    fig = go.Figure()
    for (label, status), part in c.groupby(["label", "status"], sort=False):
        phase = part["phase"].iloc[0]
        words = costs.status_word(status)
        fig.add_trace(
            go.Bar(
                y=part["option"],
                x=part["mid"],
                orientation="h",
                name=_("{component} ({status})").format(component=_(label), status=words),
                marker={
                    "color": PHASE_COLOURS.get(phase, OTHER),
                    "pattern": {"shape": STATUS_PATTERN.get(status, "")},
                    "line": {"color": "white", "width": 0.5},
                },
                # low, high, how it is known, and the range as money in the current language.
                customdata=part[["low", "high", "how", "amount"]].to_numpy(),
                hovertemplate=(
                    f"{safe_label(_(label))} — {words}<br>%{{customdata[3]}}<br>%{{customdata[2]}}<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        barmode="stack",
        title=_title(_("What the trip costs, by component (midpoints; / estimated, x filled from elsewhere)")),
        xaxis_title=f"{currency}",
        yaxis={"categoryorder": "array", "categoryarray": order},
        height=max(320, 28 * len(order) + 140),
        **_layout(),
    )
    return fig


def facility_map(table: pd.DataFrame, origin: dict) -> go.Figure:
    """Ranked options on a world map, coloured by score, with the origin city."""
    located = table[table["lat"].notna()]
    fig = go.Figure(
        go.Scattergeo(
            lat=located["lat"],
            lon=located["lon"],
            text=located["name"].map(safe_label),
            mode="markers",
            marker={
                "size": 10,
                "color": located["score"],
                "colorscale": "Blues",
                "cmin": 0,
                "cmax": 1,
                "colorbar": {"title": _("Score")},
                "line": {"width": 0.5, "color": "#333"},
            },
            customdata=located["rank"],
            hovertemplate="#%{customdata} %{text}<extra></extra>",
            name=_("Options"),
        )
    )
    fig.add_trace(
        go.Scattergeo(
            lat=[origin["lat"]],
            lon=[origin["lon"]],
            text=[safe_label(_("From {city}").format(city=origin["city"]))],
            mode="markers+text",
            textposition="top center",
            marker={"size": 12, "symbol": "star", "color": "#d93025"},
            name=_("Origin"),
            hoverinfo="text",
        )
    )
    fig.update_geos(
        showcountries=True, countrycolor="#ddd", showland=True, landcolor="#f6f6f6", projection_type="natural earth"
    )
    fig.update_layout(title=_title(_("Where the options are")), height=460, **_layout())
    return fig


def contributions(table: pd.DataFrame, ids: list[str]) -> go.Figure:
    """Per-criterion contributions (adding up to the score) for the chosen options."""
    part = table.loc[[i for i in ids if i in table.index]]
    fig = go.Figure()
    for j, c in enumerate(CRITERIA):
        fig.add_trace(
            go.Bar(
                y=part["name"].map(safe_label),
                x=part[f"contrib_{c.id}"],
                orientation="h",
                name=_(c.label),
                marker={"color": PALETTE[j % len(PALETTE)]},
                hovertemplate=f"{_(c.label)}: %{{x:.3f}}<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        title=_title(_("Why this rank: each criterion's share of the score")),
        xaxis_title=_("Score (0–1) ↑"),
        yaxis={"autorange": "reversed"},
        height=max(260, 40 * len(part) + 160),
        **_layout(),
    )
    return fig


def side_by_side(table: pd.DataFrame, ids: list[str], weights: dict[str, float]) -> go.Figure:
    """Normalized criterion scores (0 = worst shown, 1 = best) for up to five options."""
    part = table.loc[[i for i in ids if i in table.index][:5]]
    fig = go.Figure()
    labels = [_(c.label) for c in CRITERIA]
    total = sum(weights.values()) or 1.0
    for j, (_fid, row) in enumerate(part.iterrows()):
        values = []
        for c in CRITERIA:
            w = weights.get(c.id, 0.0) / total
            values.append(row[f"contrib_{c.id}"] / w if w > 0 else None)
        fig.add_trace(
            go.Bar(x=labels, y=values, name=safe_label(row["name"]), marker={"color": PALETTE[j % len(PALETTE)]})
        )
    fig.update_layout(
        barmode="group",
        title=_title(_("Side by side: how each option does on each criterion (1 = best among those ranked)")),
        yaxis={"title": _("Normalized (0–1) ↑"), "range": [0, 1.05]},
        **_layout(),
    )
    return fig


def robustness(table: pd.DataFrame, top: int = 10) -> go.Figure:
    """P(rank 1) and P(top 3) under weight uncertainty, for the leading options."""
    part = table.sort_values(["p_top3", "p_rank1"], ascending=False).head(top)
    top3, rank1 = _("P(top 3)"), _("P(rank 1)")
    fig = go.Figure(
        [
            go.Bar(
                y=part["name"].map(safe_label),
                x=part["p_top3"],
                orientation="h",
                name=top3,
                marker={"color": "#9ec5fe"},
                hovertemplate=f"{top3} %{{x:.1%}}<extra></extra>",
            ),
            go.Bar(
                y=part["name"].map(safe_label),
                x=part["p_rank1"],
                orientation="h",
                name=rank1,
                marker={"color": FRONT},
                hovertemplate=f"{rank1} %{{x:.1%}}<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        barmode="overlay",
        title=_title(_("How sure is the ranking? Share of sampled weightings")),
        xaxis={"title": _("Probability ↑"), "tickformat": ".0%", "range": [0, 1]},
        yaxis={"autorange": "reversed"},
        height=max(280, 34 * len(part) + 160),
        **_layout(),
    )
    return fig


def evidence_mix(facts: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """How the facility facts became known, split into fresh, stale and undated."""
    state = facts.assign(
        freshness=facts["undated"]
        .map({True: "undated", False: ""})
        .where(facts["undated"], facts["stale"].map({True: "stale", False: "fresh"}))
    )
    counts = state.groupby(["evidence", "freshness"]).size().unstack(fill_value=0)
    fig = go.Figure()
    for freshness, colour in (("fresh", "#188038"), ("stale", "#f9ab00"), ("undated", "#9aa0a6")):
        if freshness in counts:
            fig.add_trace(
                go.Bar(
                    y=[_(labels.get(e, e)) for e in counts.index],
                    x=counts[freshness],
                    orientation="h",
                    name=_(FRESHNESS[freshness]),
                    marker={"color": colour},
                )
            )
    fig.update_layout(
        barmode="stack",
        title=_title(_("Facility facts by evidence level and age")),
        xaxis_title=_("Facts"),
        **_layout(),
    )
    return fig
