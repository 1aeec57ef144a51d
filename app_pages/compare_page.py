"""Compare: the ranked options, the whole-trip cost, charts, and how sure the ranking is."""

from __future__ import annotations

import streamlit as st

from app_pages import ranking_view
from app_pages.state import current_ranking, page_dataset, shortlist_store
from app_pages.ui import plain, who_stands_behind
from compare import charts, criteria, export, quotes
from compare.costs import format_money, format_range, itemised

VIEWS = ["Cost vs score", "Cost breakdown", "Map", "Side by side", "Why this rank", "Robustness"]


def _add_to_shortlist(picked, result, scenario, data_hash) -> None:
    from compare.shortlists import ShortlistError
    from compare.snapshots import snapshot_from

    store = shortlist_store()
    if store is None:
        return
    try:
        existing = [s.name for s in store.list()]
    except ShortlistError as exc:
        st.error(f"Shortlists are unavailable: {plain(exc)}")
        return
    with st.popover(f"Add {len(picked)} selected to a shortlist", icon=":material/playlist_add:"):
        target = st.selectbox("Shortlist", ["New shortlist…", *existing], key="sl_target")
        name = target
        client = None
        if target == "New shortlist…":
            name = st.text_input("Name", key="sl_new_name", max_chars=100, placeholder="e.g. Smith family, L4-L5")
            client = st.text_input("Client (optional)", key="sl_new_client", max_chars=100)
        if st.button("Add", key="sl_add", type="primary", disabled=not name):
            snaps = {fid: snapshot_from(result, fid) for fid in picked}
            try:
                if target == "New shortlist…":
                    store.create(name, scenario, picked, snaps, client=client or None)
                else:
                    store.add(name, picked, snaps)
                st.success(f"Saved to “{plain(name)}”. Open it from the Shortlists page.")
            except ShortlistError as exc:
                st.error(plain(exc))


def _quote_requests(ds, picked, scenario) -> None:
    """The letter and fill-in template for each selected option, as one ZIP (no patient name in it)."""
    trip = scenario.trip
    case = quotes.Case(procedure=trip.procedure, companion=trip.companion, passport=trip.passport)
    st.download_button(
        f"Quote requests for {len(picked)} selected (ZIP)",
        key="quote_requests",
        icon=":material/request_quote:",
        mime="application/zip",
        file_name="quote-requests.zip",
        data=lambda: quotes.as_zip(quotes.request_files(ds, picked, case, trip.currency)),
        help="A letter and a template (CSV and Excel) per hospital. Import the returned templates on the "
        "Shortlists page once the options are on a shortlist.",
    )


def render() -> None:
    ds = page_dataset()
    scenario = st.session_state["_scenario"]
    st.title("Spinal fusion abroad")
    st.caption(ds.disclaimer)

    robust = st.toggle(
        "Show how sure the ranking is (10,000 weight samples)",
        key="robust",
        bind="query-params",
        help="Re-ranks under weights drawn around yours; adds P(rank 1) and P(top 3).",
    )
    confidence = 10.0
    if robust:
        confidence = float(
            st.select_slider(
                "How sure are you of your weights?",
                [2, 5, 10, 25, 50, 100],
                value=10,
                key="certainty",
                bind="query-params",
                help="Low = weights could be quite different; high = close to what you set.",
            )
        )
    try:
        result = current_ranking(ds, scenario, sensitivity=robust, concentration=confidence)
    except ValueError as exc:
        st.error(f"This scenario cannot be ranked: {plain(exc)}")
        st.stop()

    currency = scenario.trip.currency
    if result.empty:
        st.info(plain(result.message or "No options match these filters."), icon=":material/filter_alt_off:")
        st.dataframe(
            result.filter_report,
            hide_index=True,
            column_config={"filter": None, "label": "Filter", "removed": "Removed", "remaining": "Left after it"},
        )
        st.stop()

    table = result.table
    if result.caution:
        asked = "was not recommended" if result.caution["asked"] == "no" else "has not been confirmed"
        st.warning(
            f"**The operation {asked} by a doctor at home.** {plain(result.caution['text'])} "
            f"(source: {plain(result.caution['source_url'] or 'see Method')}). Consider a second opinion before "
            "you travel. Every option is still shown.",
            icon=":material/medical_information:",
        )
    with st.container(horizontal=True):
        st.metric("Options shown", f"{len(table)} of {result.candidates}", border=True)
        st.metric(
            "On the Pareto front",
            int(table["pareto"].sum()),
            border=True,
            help="No other option is both cheaper and better on the other criteria.",
        )
        st.metric("Cheapest whole trip", format_money(table["total_low"].min(), currency), border=True)
        st.metric("Median whole trip (midpoint)", format_money(table["cost"].median(), currency), border=True)
        if result.baseline:
            b = result.baseline
            st.metric(
                f"Versus at home ({result.origin['country']})",
                format_range(b["low"], b["high"], currency),
                border=True,
                help=(
                    f"Range of {b['n_figures']} published figures for the operation in your country "
                    f"(newest dated {b['as_of'] or 'undated'}; {who_stands_behind(ds, b['sources'])}). "
                    f"Sources: {plain(', '.join(src.reference for src in b['sources']))}"
                ),
            )
    basis = scenario.preferences.cost_basis.value
    st.caption(
        f"Whole-trip costs are ranges in {currency} ({plain(result.rate_note)}). "
        + (
            "**Comparable** totals: a part no source reports is filled with a labelled estimate from the "
            "same part in comparable places (same country, region, or the data's median); completeness is "
            "the share of the total that is documented. "
            if basis == "comparable"
            else "**Documented-only** totals: parts no source reports are left out (see 'Not reported'). "
        )
        + "Recovery days follow the safe-to-fly guidance for each flight home; see Method."
    )
    if not result.baseline:
        st.caption(f"Versus at home: no home price found for {plain(result.origin['country'])}.")
    removed = [r for r in result.filter_report if r["removed"]]
    if removed:
        st.caption("Filters removed: " + "; ".join(f"{plain(r['label'])}: {r['removed']}" for r in removed))

    # Built once per (data, scenario) and shared by every session: read it, never modify it.
    view = ranking_view.shown_table(ds, scenario, result, sensitivity=robust, concentration=confidence)
    columns = list(view.columns)
    config = {
        "rank": st.column_config.NumberColumn("#", width="small"),
        "name": st.column_config.TextColumn("Facility", pinned=True),
        "country_name": "Country",
        "city": "City",
        "score": st.column_config.ProgressColumn(
            "Score",
            min_value=0.0,
            max_value=1.0,
            format="%.2f",
            help="Weighted score of the criteria you weighted (1 = best possible).",
        ),
        "trip": st.column_config.TextColumn(
            "Whole trip", help="Low–high range of every component, on the basis chosen under Advanced."
        ),
        "completeness": st.column_config.ProgressColumn(
            "Completeness",
            min_value=0.0,
            max_value=1.0,
            format="percent",
            help="Share of the comparable total that is sourced, estimated from open data or entered, "
            "rather than filled from other places.",
        ),
        "documented": st.column_config.TextColumn(
            "Documented only", help="Only what is sourced, estimated or entered; unknown parts left out."
        ),
        "risk": st.column_config.TextColumn(
            "Expected complications",
            help="Probability × cost of treating infection, reoperation and non-union (at home where a "
            "source gives the cost, else abroad). 'partial': a complication's cost is not reported. See Method.",
        ),
        "risk_adjusted": st.column_config.TextColumn(
            "Risk-adjusted total", help="Whole trip plus the expected cost of complications."
        ),
        "data_mark": st.column_config.TextColumn(
            "Data", help="More than half of the weighted criteria are not reported for this option."
        ),
        "stay": st.column_config.TextColumn(
            "Stay after discharge", help="Days in the country before flying home, by the flight's haul."
        ),
        "visa_shown": st.column_config.TextColumn(
            "Visa", help="For your passport (Passport Index, 2025-01-12); ⚠ = your stay is longer than allowed."
        ),
        "badges": "Offers",
        "volume_shown": st.column_config.TextColumn("Spine ops/yr", help="Spine operations a year, as reported."),
        "flight": st.column_config.NumberColumn(
            "Flight h (est.)", format="%.1f", help="Great-circle distance ÷ 800 km/h + 1 h; not a schedule."
        ),
        "confidence": st.column_config.ProgressColumn("Data confidence", min_value=0.0, max_value=1.0, format="%.2f"),
        "price_status": "Price basis",
        "price_evidence": "Evidence",
        "price_as_of": st.column_config.TextColumn(
            "Price as of",
            help=f"Date of the newest price figure used; stale = older than {ds.stale_after_months} months.",
        ),
        "not_reported": "Not reported",
        "pareto": st.column_config.CheckboxColumn("Pareto"),
        "price_source": st.column_config.LinkColumn("Price source", display_text="source"),
    }
    if "p_rank1" in table:
        config["p_rank1"] = st.column_config.NumberColumn("P(rank 1)", format="percent")
        config["p_top3"] = st.column_config.NumberColumn("P(top 3)", format="percent")
    event = st.dataframe(
        view,  # only what is shown: converting every column of the table costs a rerun dearly
        key="ranking",
        hide_index=True,
        on_select="rerun",
        selection_mode="multi-row",
        column_order=columns,
        column_config=config,
        width="stretch",
    )
    picked = list(view.index[event.selection.rows]) if event and event.selection.rows else []
    st.caption("Select rows to compare them side by side, see why they rank where they do, or add them to a shortlist.")
    if picked:
        _add_to_shortlist(picked, result, scenario, ds.content_hash)
        _quote_requests(ds, picked, scenario)

    # Files are built only when a button is clicked, so reruns don't pay for them.
    with st.container(horizontal=True):
        st.download_button(
            "Download ranking (CSV)",
            lambda: export.to_csv_bytes(export.ranking_table(result)),
            file_name="spinal-fusion-ranking.csv",
            mime="text/csv",
            icon=":material/download:",
            key="dl_csv",
        )
        st.download_button(
            "Download ranking (Excel)",
            lambda: export.to_xlsx_bytes({"ranking": export.ranking_table(result)}),
            file_name="spinal-fusion-ranking.xlsx",
            icon=":material/table:",
            key="dl_xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        st.download_button(
            "Save scenario (YAML)",
            lambda: scenario.to_yaml().encode("utf-8"),
            file_name="scenario.yaml",
            mime="application/x-yaml",
            icon=":material/save:",
            key="dl_scenario",
        )

    names = table["name"]
    focus = picked or list(table.index[:3])
    # One view at a time: only the chosen chart is built on each rerun.
    view_name = st.segmented_control("View", VIEWS, key="view", bind="query-params", default=VIEWS[0]) or VIEWS[0]
    if view_name == "Cost vs score":
        pareto = ranking_view.pareto_figure(ds, scenario, result, sensitivity=robust, concentration=confidence)
        st.plotly_chart(pareto, key="pareto_chart", width="stretch")
        st.caption(
            "Bars show each option's low–high whole-trip range. Blue points are on the Pareto front of cost "
            "versus the other criteria. Options with no published price are not plotted."
        )
    elif view_name == "Cost breakdown":
        shown = focus if picked else list(table.index[:10])
        comp = result.components[result.components["facility_id"].isin(shown)]
        st.plotly_chart(
            charts.cost_breakdown(comp, names, currency, filled=basis == "comparable"),
            key="breakdown_chart",
            width="stretch",
        )
        st.caption(
            "Hatched parts are estimated or filled; hover for the method and its inputs. "
            "Solid parts are published or entered."
        )
        unknown = comp[comp["status"] == "unknown"].groupby("facility_id")["label"].agg(", ".join)
        for fid in shown:
            st.caption(f"**{plain(names[fid])}**: not reported — {plain(unknown.get(fid, 'nothing'))}")
        with st.expander("Every component of these options, with how it was worked out"):
            st.dataframe(
                itemised(comp, currency).assign(facility=comp["facility_id"].map(names)),
                hide_index=True,
                key="breakdown_table",
                column_order=["facility", "label", "amount", "status", "how", "evidence", "as_of", "source_url"],
                column_config={"source_url": st.column_config.LinkColumn("Source", display_text="source")},
            )
    elif view_name == "Map":
        st.plotly_chart(charts.facility_map(table, result.origin), key="map_chart", width="stretch")
    elif view_name == "Side by side":
        if len(focus) > 5:
            st.warning("Showing the first five selected options.")
        st.plotly_chart(
            charts.side_by_side(table, focus[:5], scenario.preferences.weights), key="side_chart", width="stretch"
        )
        detail = table.loc[
            focus[:5],
            [
                "name",
                "country_name",
                "total_low",
                "total_high",
                "accreditations",
                "annual_spine_surgeries",
                "techniques",
                "technologies",
                "languages",
                "score",
            ],
        ]
        detail = detail.set_index("name").T.astype(str)
        st.dataframe(
            detail.replace({"nan": "not reported", "None": "not reported", "[]": "none found"}),
            key="side_table",
            width="stretch",
        )
    elif view_name == "Why this rank":
        st.plotly_chart(charts.contributions(table, focus), key="why_chart", width="stretch")
        top = table.loc[focus[0]]
        parts = sorted(((top[f"contrib_{c.id}"], c.label) for c in criteria.CRITERIA), reverse=True)
        st.write(
            f"**{plain(top['name'])}** ranks #{int(top['rank'])} with score {top['score']:.2f}. "
            "Biggest contributions: " + ", ".join(f"{plain(label)} {v:.2f}" for v, label in parts[:3] if v > 0) + "."
        )
        if top["missing_criteria"]:
            st.write(
                "Not reported (treated by your missing-data policy): "
                + ", ".join(criteria.BY_ID[c].label.lower() for c in top["missing_criteria"])
                + "."
            )
    elif "p_rank1" not in table:
        st.info("Turn on “Show how sure the ranking is” above to sample 10,000 weightings around yours.")
    else:
        st.plotly_chart(charts.robustness(table), key="robust_chart", width="stretch")
        se = float(table["p_rank1_se"].max())
        st.caption(
            f"Weights drawn from a Dirichlet distribution centred on yours (concentration {confidence:g} per "
            f"criterion), 10,000 samples, seed 0. Monte-Carlo standard error ≤ {se:.3f}."
        )


render()
