"""Compare: the ranked options, the whole-trip cost, charts, and how sure the ranking is."""

from __future__ import annotations

import streamlit as st

from app_pages import language, ranking_view
from app_pages.state import current_ranking, page_dataset, shortlist_store
from app_pages.ui import plain, who_stands_behind
from compare import charts, criteria, export, i18n, quotes
from compare.costs import format_money, format_range, itemised
from compare.i18n import N_, _, ngettext

# The views' names are the segmented control's values and the ``?view=`` parameter: they stay
# English (a shared link works in every language) and are translated only where they show.
VIEWS = [
    N_("Cost vs score"),
    N_("Cost breakdown"),
    N_("Map"),
    N_("Side by side"),
    N_("Why this rank"),
    N_("Robustness"),
]
NEW_SHORTLIST = N_("New shortlist…")  # the selector's value for "create one"; shown translated
SAMPLES = 10_000


def _add_to_shortlist(picked, result, scenario, data_hash) -> None:
    from compare.shortlists import ShortlistError
    from compare.snapshots import snapshot_from

    store = shortlist_store()
    if store is None:
        return
    try:
        existing = [s.name for s in store.list()]
    except ShortlistError as exc:
        st.error(_("Shortlists are unavailable: {error}").format(error=plain(exc)))
        return
    n = len(picked)
    label = ngettext("Add {n} selected to a shortlist", "Add {n} selected to a shortlist", n).format(n=n)
    with st.popover(label, icon=":material/playlist_add:"):
        target = st.selectbox(
            _("Shortlist"),
            [NEW_SHORTLIST, *existing],
            key="sl_target",
            format_func=language.labels([NEW_SHORTLIST]),
        )
        name = target
        client = None
        if target == NEW_SHORTLIST:
            name = st.text_input(_("Name"), key="sl_new_name", max_chars=100, placeholder=_("e.g. Smith family, L4-L5"))
            client = st.text_input(_("Client (optional)"), key="sl_new_client", max_chars=100)
        if st.button(_("Add"), key="sl_add", type="primary", disabled=not name):
            snaps = {fid: snapshot_from(result, fid) for fid in picked}
            try:
                if target == NEW_SHORTLIST:
                    store.create(name, scenario, picked, snaps, client=client or None)
                else:
                    store.add(name, picked, snaps)
                st.success(_("Saved to “{name}”. Open it from the Shortlists page.").format(name=plain(name)))
            except ShortlistError as exc:
                st.error(plain(exc))


def _quote_requests(ds, picked, scenario) -> None:
    """The letter and fill-in template for each selected option, as one ZIP (no patient name in it)."""
    trip = scenario.trip
    case = quotes.Case(procedure=trip.procedure, companion=trip.companion, passport=trip.passport)
    n = len(picked)
    st.download_button(
        ngettext("Quote requests for {n} selected (ZIP)", "Quote requests for {n} selected (ZIP)", n).format(n=n),
        key="quote_requests",
        icon=":material/request_quote:",
        mime="application/zip",
        file_name="quote-requests.zip",
        data=lambda: quotes.as_zip(quotes.request_files(ds, picked, case, trip.currency)),
        help=_(
            "A letter and a template (CSV and Excel) per hospital. Import the returned templates on the "
            "Shortlists page once the options are on a shortlist."
        ),
    )


def render() -> None:
    ds = page_dataset()
    scenario = st.session_state["_scenario"]
    st.title(_("Spinal fusion abroad"))
    st.caption(_(ds.disclaimer))

    samples = i18n.number(SAMPLES)
    robust = st.toggle(
        _("Show how sure the ranking is ({samples} weight samples)").format(samples=samples),
        key="robust",
        bind="query-params",
        help=_("Re-ranks under weights drawn around yours; adds P(rank 1) and P(top 3)."),
    )
    confidence = 10.0
    if robust:
        confidence = float(
            st.select_slider(
                _("How sure are you of your weights?"),
                [2, 5, 10, 25, 50, 100],
                value=10,
                key="certainty",
                bind="query-params",
                help=_("Low = weights could be quite different; high = close to what you set."),
            )
        )
    try:
        result = current_ranking(ds, scenario, sensitivity=robust, concentration=confidence)
    except ValueError as exc:
        st.error(_("This scenario cannot be ranked: {error}").format(error=plain(exc)))
        st.stop()

    currency = scenario.trip.currency
    if result.empty:
        st.info(plain(result.message or _("No options match these filters.")), icon=":material/filter_alt_off:")
        st.dataframe(
            result.filter_report,
            hide_index=True,
            column_config={
                "filter": None,
                "label": _("Filter"),
                "removed": _("Removed"),
                "remaining": _("Left after it"),
            },
        )
        st.stop()

    table = result.table
    if result.caution:
        if result.caution["asked"] == "no":
            warning = _(
                "**The operation was not recommended by a doctor at home.** {finding} (source: {source}). "
                "Consider a second opinion before you travel. Every option is still shown."
            )
        else:
            warning = _(
                "**The operation has not been confirmed by a doctor at home.** {finding} (source: {source}). "
                "Consider a second opinion before you travel. Every option is still shown."
            )
        st.warning(
            warning.format(
                finding=plain(result.caution["text"]),
                source=plain(result.caution["source_url"] or _("see Method")),
            ),
            icon=":material/medical_information:",
        )
    with st.container(horizontal=True):
        st.metric(
            _("Options shown"),
            _("{shown} of {total}").format(shown=i18n.number(len(table)), total=i18n.number(result.candidates)),
            border=True,
        )
        st.metric(
            _("On the Pareto front"),
            i18n.number(int(table["pareto"].sum())),
            border=True,
            help=_("No other option is both cheaper and better on the other criteria."),
        )
        st.metric(_("Cheapest whole trip"), format_money(table["total_low"].min(), currency), border=True)
        st.metric(_("Median whole trip (midpoint)"), format_money(table["cost"].median(), currency), border=True)
        if result.baseline:
            b = result.baseline
            n_figures = int(b["n_figures"])
            st.metric(
                _("Versus at home ({country})").format(country=result.origin["country"]),
                format_range(b["low"], b["high"], currency),
                border=True,
                help=ngettext(
                    "Range of {n} published figure for the operation in your country "
                    "(newest dated {as_of}; {evidence}). Sources: {sources}",
                    "Range of {n} published figures for the operation in your country "
                    "(newest dated {as_of}; {evidence}). Sources: {sources}",
                    n_figures,
                ).format(
                    n=i18n.number(n_figures),
                    as_of=i18n.date(b["as_of"]),
                    evidence=who_stands_behind(ds, b["sources"]),
                    sources=plain(", ".join(src.reference for src in b["sources"])),
                ),
            )
    basis = scenario.preferences.cost_basis.value
    if basis == "comparable":
        totals = _(
            "**Comparable** totals: a part no source reports is filled with a labelled estimate from the "
            "same part in comparable places (same country, region, or the data's median); completeness is "
            "the share of the total that is documented."
        )
    else:
        totals = _("**Documented-only** totals: parts no source reports are left out (see 'Not reported').")
    st.caption(
        " ".join(
            (
                _("Whole-trip costs are ranges in {currency} ({rate_note}).").format(
                    currency=currency, rate_note=plain(result.rate_note)
                ),
                totals,
                _("Recovery days follow the safe-to-fly guidance for each flight home; see Method."),
            )
        )
    )
    if not result.baseline:
        st.caption(
            _("Versus at home: no home price found for {country}.").format(country=plain(result.origin["country"]))
        )
    removed = [r for r in result.filter_report if r["removed"]]
    if removed:
        st.caption(
            _("Filters removed: {filters}").format(
                filters="; ".join(f"{plain(r['label'])}: {i18n.number(r['removed'])}" for r in removed)
            )
        )

    # Built once per (data, scenario) and shared by every session: read it, never modify it.
    view = ranking_view.shown_table(ds, scenario, result, sensitivity=robust, concentration=confidence)
    columns = list(view.columns)
    config = {
        "rank": st.column_config.NumberColumn("#", width="small"),
        "name": st.column_config.TextColumn(_("Facility"), pinned=True),
        "country_name": _("Country"),
        "city": _("City"),
        "score": st.column_config.ProgressColumn(
            _("Score"),
            min_value=0.0,
            max_value=1.0,
            format="%.2f",
            help=_("Weighted score of the criteria you weighted (1 = best possible)."),
        ),
        "trip": st.column_config.TextColumn(
            _("Whole trip"), help=_("Low–high range of every component, on the basis chosen under Advanced.")
        ),
        "completeness": st.column_config.ProgressColumn(
            _("Completeness"),
            min_value=0.0,
            max_value=1.0,
            format="percent",
            help=_(
                "Share of the comparable total that is sourced, estimated from open data or entered, "
                "rather than filled from other places."
            ),
        ),
        "documented": st.column_config.TextColumn(
            _("Documented only"), help=_("Only what is sourced, estimated or entered; unknown parts left out.")
        ),
        "risk": st.column_config.TextColumn(
            _("Expected complications"),
            help=_(
                "Probability × cost of treating infection, reoperation and non-union (at home where a "
                "source gives the cost, else abroad). 'partial': a complication's cost is not reported. See Method."
            ),
        ),
        "risk_adjusted": st.column_config.TextColumn(
            _("Risk-adjusted total"), help=_("Whole trip plus the expected cost of complications.")
        ),
        "data_mark": st.column_config.TextColumn(
            _("Data"), help=_("More than half of the weighted criteria are not reported for this option.")
        ),
        "stay": st.column_config.TextColumn(
            _("Stay after discharge"), help=_("Days in the country before flying home, by the flight's haul.")
        ),
        "visa_shown": st.column_config.TextColumn(
            _("Visa"),
            help=_("For your passport (Passport Index, 2025-01-12); ⚠ = your stay is longer than allowed."),
        ),
        "badges": _("Offers"),
        "volume_shown": st.column_config.TextColumn(_("Spine ops/yr"), help=_("Spine operations a year, as reported.")),
        "flight": st.column_config.NumberColumn(
            _("Flight h (est.)"),
            format="%.1f",
            help=_("Great-circle distance ÷ 800 km/h + 1 h; not a schedule."),
        ),
        "confidence": st.column_config.ProgressColumn(
            _("Data confidence"), min_value=0.0, max_value=1.0, format="%.2f"
        ),
        "price_status": _("Price basis"),
        "price_evidence": _("Evidence"),
        "price_as_of": st.column_config.TextColumn(
            _("Price as of"),
            help=ngettext(
                "Date of the newest price figure used; stale = older than {n} month.",
                "Date of the newest price figure used; stale = older than {n} months.",
                ds.stale_after_months,
            ).format(n=ds.stale_after_months),
        ),
        "not_reported": _("Not reported"),
        "pareto": st.column_config.CheckboxColumn(_("Pareto")),
        "price_source": st.column_config.LinkColumn(_("Price source"), display_text=_("source")),
    }
    if "p_rank1" in table:
        config["p_rank1"] = st.column_config.NumberColumn(_("P(rank 1)"), format="percent")
        config["p_top3"] = st.column_config.NumberColumn(_("P(top 3)"), format="percent")
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
    st.caption(
        _("Select rows to compare them side by side, see why they rank where they do, or add them to a shortlist.")
    )
    if picked:
        _add_to_shortlist(picked, result, scenario, ds.content_hash)
        _quote_requests(ds, picked, scenario)

    # Files are built only when a button is clicked, so reruns don't pay for them.
    with st.container(horizontal=True):
        st.download_button(
            _("Download ranking (CSV)"),
            lambda: export.to_csv_bytes(export.ranking_table(result)),
            file_name="spinal-fusion-ranking.csv",
            mime="text/csv",
            icon=":material/download:",
            key="dl_csv",
        )
        st.download_button(
            _("Download ranking (Excel)"),
            lambda: export.to_xlsx_bytes({"ranking": export.ranking_table(result)}),
            file_name="spinal-fusion-ranking.xlsx",
            icon=":material/table:",
            key="dl_xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        st.download_button(
            _("Save scenario (YAML)"),
            lambda: scenario.to_yaml().encode("utf-8"),
            file_name="scenario.yaml",
            mime="application/x-yaml",
            icon=":material/save:",
            key="dl_scenario",
        )

    names = table["name"]
    focus = picked or list(table.index[:3])
    # One view at a time: only the chosen chart is built on each rerun.
    view_name = (
        st.segmented_control(
            _("View"), VIEWS, key="view", bind="query-params", default=VIEWS[0], format_func=language.labels(VIEWS)
        )
        or VIEWS[0]
    )
    if view_name == "Cost vs score":
        data, spec = ranking_view.pareto_chart(ds, scenario, result, sensitivity=robust, concentration=confidence)
        st.vega_lite_chart(data, spec, key="pareto_chart", width="stretch")
        st.caption(
            _(
                "Bars show each option's low–high whole-trip range. Blue points are on the Pareto front of cost "
                "versus the other criteria. Options with no published price are not plotted."
            )
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
            _(
                "Hatched parts are estimated or filled; hover for the method and its inputs. "
                "Solid parts are published or entered."
            )
        )
        unknown = comp[comp["status"] == "unknown"].groupby("facility_id")["label"].agg(", ".join)
        for fid in shown:
            st.caption(
                _("**{name}**: not reported — {parts}").format(
                    name=plain(names[fid]), parts=plain(unknown.get(fid, _("nothing")))
                )
            )
        with st.expander(_("Every component of these options, with how it was worked out")):
            st.dataframe(
                itemised(comp, currency).assign(facility=comp["facility_id"].map(names)),
                hide_index=True,
                key="breakdown_table",
                column_order=["facility", "label", "amount", "status", "how", "evidence", "as_of", "source_url"],
                column_config={"source_url": st.column_config.LinkColumn(_("Source"), display_text=_("source"))},
            )
    elif view_name == "Map":
        st.plotly_chart(charts.facility_map(table, result.origin), key="map_chart", width="stretch")
    elif view_name == "Side by side":
        if len(focus) > 5:
            st.warning(_("Showing the first five selected options."))
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
            detail.replace({"nan": _("not reported"), "None": _("not reported"), "[]": _("none found")}),
            key="side_table",
            width="stretch",
        )
    elif view_name == "Why this rank":
        st.plotly_chart(charts.contributions(table, focus), key="why_chart", width="stretch")
        top = table.loc[focus[0]]
        parts = sorted(((top[f"contrib_{c.id}"], _(c.label)) for c in criteria.CRITERIA), reverse=True)
        st.write(
            _("**{name}** ranks #{rank} with score {score}. Biggest contributions: {contributions}.").format(
                name=plain(top["name"]),
                rank=int(top["rank"]),
                score=i18n.number(top["score"], 2),
                contributions=", ".join(f"{plain(label)} {i18n.number(v, 2)}" for v, label in parts[:3] if v > 0),
            )
        )
        if top["missing_criteria"]:
            st.write(
                _("Not reported (treated by your missing-data policy): {criteria}.").format(
                    criteria=", ".join(_(criteria.BY_ID[c].label).lower() for c in top["missing_criteria"])
                )
            )
    elif "p_rank1" not in table:
        st.info(
            _("Turn on “Show how sure the ranking is” above to sample {samples} weightings around yours.").format(
                samples=samples
            )
        )
    else:
        st.plotly_chart(charts.robustness(table), key="robust_chart", width="stretch")
        se = float(table["p_rank1_se"].max())
        st.caption(
            _(
                "Weights drawn from a Dirichlet distribution centred on yours (concentration {concentration} per "
                "criterion), {samples} samples, seed 0. Monte-Carlo standard error ≤ {error}."
            ).format(concentration=i18n.number(confidence, "g"), samples=samples, error=i18n.number(se, 3))
        )


render()
