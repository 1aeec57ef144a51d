"""Plotly figure builders. They return figures and never render (the app does that).

Built with ``plotly.graph_objects`` rather than ``plotly.express``: the same charts are
several times cheaper to build, which keeps dashboard reruns fast.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from compare.criteria import CRITERIA

PALETTE = ["#1f6feb", "#e8710a", "#188038", "#a142f4", "#d93025", "#12b5cb", "#f9ab00", "#5f6368"]
FRONT, OTHER = "#1f6feb", "#9aa0a6"
PHASE_COLOURS = {"operation": "#1f6feb", "pre_op": "#12b5cb", "post_op": "#188038", "travel": "#e8710a"}
STATUS_PATTERN = {"quoted": "", "published": "", "entered": "", "estimated": "/", "filled": "x"}


def safe_label(text: object) -> str:
    """Text from data for a chart: Plotly reads a subset of HTML (links, bold) in labels and
    hover text, so tags are escaped to show literally (Plotly renders the entities)."""
    return html.escape(str(text), quote=False)


LAYOUT = {"margin": {"l": 10, "r": 10, "t": 50, "b": 10}, "legend": {"orientation": "h", "y": -0.15}}


def _money(currency: str) -> str:
    return f"Whole-trip cost ({currency}) ↓"


def pareto_scatter(table: pd.DataFrame, currency: str) -> go.Figure:
    """Whole-trip cost (midpoint, with low–high error bars) against score; front highlighted.

    The traces and layout are given to ``go.Figure`` whole, validated once, rather than set
    property by property: the same figure in half the time.
    """
    # Only the columns drawn: filtering rows of the whole (wide) table cost most of the build.
    shown = table[["cost", "cost_low", "cost_high", "score", "quality", "pareto", "name"]]
    priced = shown[shown["cost"].notna()]
    traces = []
    for on_front, name, colour in ((True, "Pareto-optimal", FRONT), (False, "Dominated", OTHER)):
        part = priced[priced["pareto"] == on_front]
        traces.append(
            {
                "type": "scatter",
                "x": part["cost"],
                "y": part["score"],
                "mode": "markers",
                "name": name,
                "marker": {"color": colour, "size": 11, "line": {"width": 1, "color": "white"}},
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": part["cost_high"] - part["cost"],
                    "arrayminus": part["cost"] - part["cost_low"],
                    "color": colour,
                    "thickness": 1,
                },
                "customdata": part.index.to_numpy(),
                "text": part["name"].map(safe_label),
                "hovertemplate": "%{text}<br>cost %{x:,.0f}<br>score %{y:.2f}<extra></extra>",
            }
        )
    front = priced[priced["pareto"]].sort_values("cost")
    if len(front) > 1:
        traces.append(
            {
                "type": "scatter",
                "x": front["cost"],
                "y": front["quality"],
                "mode": "lines",
                "name": "Front (cost vs quality)",
                "line": {"dash": "dash", "color": FRONT},
                "hoverinfo": "skip",
                "visible": "legendonly",
            }
        )
    layout = {
        "title": {"text": "Whole-trip cost versus score"},
        "xaxis": {"title": {"text": _money(currency)}},
        "yaxis": {"title": {"text": "Score (0–1) ↑"}},
        **LAYOUT,
    }
    return go.Figure(data=traces, layout=layout)


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
    order = c.groupby("option")["mid"].sum().sort_values().index.tolist()
    fig = go.Figure()
    for (label, status), part in c.groupby(["label", "status"], sort=False):
        phase = part["phase"].iloc[0]
        fig.add_trace(
            go.Bar(
                y=part["option"],
                x=part["mid"],
                orientation="h",
                name=f"{label} ({status})",
                marker={
                    "color": PHASE_COLOURS.get(phase, OTHER),
                    "pattern": {"shape": STATUS_PATTERN.get(status, "")},
                    "line": {"color": "white", "width": 0.5},
                },
                customdata=part[["low", "high", "how"]].to_numpy(),
                hovertemplate=(
                    f"{safe_label(label)} — {status}<br>%{{customdata[0]:,.0f}}–%{{customdata[1]:,.0f}} {currency}"
                    "<br>%{customdata[2]}<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        barmode="stack",
        title="What the trip costs, by component (midpoints; / estimated, x filled from elsewhere)",
        xaxis_title=f"{currency}",
        yaxis={"categoryorder": "array", "categoryarray": order},
        height=max(320, 28 * len(order) + 140),
        **LAYOUT,
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
                "colorbar": {"title": "Score"},
                "line": {"width": 0.5, "color": "#333"},
            },
            customdata=located["rank"],
            hovertemplate="#%{customdata} %{text}<extra></extra>",
            name="Options",
        )
    )
    fig.add_trace(
        go.Scattergeo(
            lat=[origin["lat"]],
            lon=[origin["lon"]],
            text=[safe_label(f"From {origin['city']}")],
            mode="markers+text",
            textposition="top center",
            marker={"size": 12, "symbol": "star", "color": "#d93025"},
            name="Origin",
            hoverinfo="text",
        )
    )
    fig.update_geos(
        showcountries=True, countrycolor="#ddd", showland=True, landcolor="#f6f6f6", projection_type="natural earth"
    )
    fig.update_layout(title="Where the options are", height=460, **LAYOUT)
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
                name=c.label,
                marker={"color": PALETTE[j % len(PALETTE)]},
                hovertemplate=f"{c.label}: %{{x:.3f}}<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        title="Why this rank: each criterion's share of the score",
        xaxis_title="Score (0–1) ↑",
        yaxis={"autorange": "reversed"},
        height=max(260, 40 * len(part) + 160),
        **LAYOUT,
    )
    return fig


def side_by_side(table: pd.DataFrame, ids: list[str], weights: dict[str, float]) -> go.Figure:
    """Normalized criterion scores (0 = worst shown, 1 = best) for up to five options."""
    part = table.loc[[i for i in ids if i in table.index][:5]]
    fig = go.Figure()
    labels = [c.label for c in CRITERIA]
    total = sum(weights.values()) or 1.0
    for j, (_, row) in enumerate(part.iterrows()):
        values = []
        for c in CRITERIA:
            w = weights.get(c.id, 0.0) / total
            values.append(row[f"contrib_{c.id}"] / w if w > 0 else None)
        fig.add_trace(
            go.Bar(x=labels, y=values, name=safe_label(row["name"]), marker={"color": PALETTE[j % len(PALETTE)]})
        )
    fig.update_layout(
        barmode="group",
        title="Side by side: how each option does on each criterion (1 = best among those ranked)",
        yaxis={"title": "Normalized (0–1) ↑", "range": [0, 1.05]},
        **LAYOUT,
    )
    return fig


def robustness(table: pd.DataFrame, top: int = 10) -> go.Figure:
    """P(rank 1) and P(top 3) under weight uncertainty, for the leading options."""
    part = table.sort_values(["p_top3", "p_rank1"], ascending=False).head(top)
    fig = go.Figure(
        [
            go.Bar(
                y=part["name"].map(safe_label),
                x=part["p_top3"],
                orientation="h",
                name="P(top 3)",
                marker={"color": "#9ec5fe"},
                hovertemplate="P(top 3) %{x:.1%}<extra></extra>",
            ),
            go.Bar(
                y=part["name"].map(safe_label),
                x=part["p_rank1"],
                orientation="h",
                name="P(rank 1)",
                marker={"color": FRONT},
                hovertemplate="P(rank 1) %{x:.1%}<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        barmode="overlay",
        title="How sure is the ranking? Share of sampled weightings",
        xaxis={"title": "Probability ↑", "tickformat": ".0%", "range": [0, 1]},
        yaxis={"autorange": "reversed"},
        height=max(280, 34 * len(part) + 160),
        **LAYOUT,
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
                    y=[labels.get(e, e) for e in counts.index],
                    x=counts[freshness],
                    orientation="h",
                    name=freshness,
                    marker={"color": colour},
                )
            )
    fig.update_layout(barmode="stack", title="Facility facts by evidence level and age", xaxis_title="Facts", **LAYOUT)
    return fig
