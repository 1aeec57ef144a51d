"""Facility: everything known about one facility, every figure with its source."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.state import current_ranking, page_dataset, trip_costs
from app_pages.ui import not_reported, plain, split_sources
from compare import continuity, costs
from compare.costs import format_range
from compare.costs.money import span


def _sources_expander(ds, frame: pd.DataFrame, title: str, key: str, kind_labels: dict) -> None:
    """Every source behind the lines of ``frame``, one row each, with who stands behind it."""
    table = costs.sources_table(frame)
    with st.expander(f"{title} ({table['source_url'].nunique()})"):
        st.dataframe(
            split_sources(table.assign(source_kind=table["source_kind"].map(kind_labels))),
            hide_index=True,
            width="stretch",
            key=key,
            column_config={
                "item": "For",
                "source_url": st.column_config.LinkColumn("Source"),
                "citation": "Citation",
                "publisher": "Publisher",
                "source_kind": "Who stands behind it",
                "as_of": "As of",
                "evidence": "Evidence",
            },
        )


def render() -> None:
    ds = page_dataset()
    kind_labels = {k: v.label for k, v in ds.vocab.get("source_kinds", {}).items()}
    scenario = st.session_state["_scenario"]
    if ds.facilities.empty:
        st.info("No facilities loaded.")
        st.stop()
    ids = list(ds.facilities.sort_values("name").index)
    names = ds.facilities["name"]
    fid = st.selectbox(
        "Facility",
        ids,
        key="facility",
        bind="query-params",
        format_func=lambda i: (
            f"{names[i]} — {ds.facilities.loc[i, 'city'] or 'city not reported'}, "
            f"{ds.facilities.loc[i, 'country_name']}"
        ),
    )
    fac = ds.facilities.loc[fid]
    record = ds.facility_records[fid]
    st.title(plain(fac["name"]))
    st.caption(f"{plain(not_reported(fac['city']))}, {plain(fac['country_name'])} · file `{ds.facility_files[fid]}`")
    st.text(fac["summary"])

    with st.container(horizontal=True):
        st.metric(
            "International accreditation",
            "current"
            if fac["international_accreditation_current"]
            else "not shown current"
            if fac["has_international_accreditation"]
            else "none found",
            border=True,
            help="Hospital accreditations only (e.g. JCI). 'Current' means a source from the last 36 months "
            "shows it; otherwise it counts half in the ranking.",
        )
        st.metric(
            "Spine operations a year",
            not_reported(None if pd.isna(fac["annual_spine_surgeries"]) else f"{fac['annual_spine_surgeries']:,.0f}"),
            border=True,
        )
        st.metric("Robot", not_reported(fac["robot_models"]), border=True)
        st.metric(
            "International office",
            {True: "yes", False: "no"}.get(fac["international_office"], "not reported"),
            border=True,
        )

    if isinstance(fac["accreditation_note"], str):
        st.caption(f"Accreditation: {plain(fac['accreditation_note'])}.")

    st.subheader("Every figure and its source")
    facts = ds.facts[ds.facts["facility_id"] == fid].copy()
    # As of and freshness in one cell, and who stands behind the source with its publisher in
    # another, so the source link stays in view on a laptop screen.
    facts["as_of"] = [
        "undated" if undated else f"{as_of} (stale)" if stale else f"{as_of} (current)"
        for as_of, undated, stale in zip(facts["as_of"], facts["undated"], facts["stale"], strict=True)
    ]
    facts["who"] = [
        f"{kind_labels.get(kind, kind)}: {publisher}" if isinstance(publisher, str) else kind_labels.get(kind, kind)
        for kind, publisher in zip(facts["source_kind"], facts["publisher"], strict=True)
    ]
    st.dataframe(
        split_sources(facts)[["field", "value", "who", "evidence", "as_of", "source_url", "citation"]].astype(
            {"value": str}
        ),
        hide_index=True,
        width="stretch",
        key="facility_facts",
        # Fixed widths keep the source link in view whatever the length of the values.
        column_config={
            "field": st.column_config.TextColumn("Figure", width=160),
            "value": st.column_config.TextColumn("Value", width=240),
            "who": st.column_config.TextColumn("Who stands behind it", width=210),
            "evidence": st.column_config.TextColumn("Evidence", width=120),
            "as_of": st.column_config.TextColumn(
                "As of", width=150, help=f"Stale: older than {ds.stale_after_months} months"
            ),
            "source_url": st.column_config.LinkColumn("Source", width=200),
            "citation": "Citation",
        },
    )
    known = set(facts["field"])
    unknown = [
        label
        for key, label in (
            ("annual_spine_surgeries", "Spine operations a year"),
            ("spine_surgeons", "Spine surgeons"),
            ("languages", "Languages"),
            ("international_office", "International patient office"),
            ("accreditation", "Accreditation"),
            ("technology", "Robots, navigation, imaging"),
            ("technique", "Techniques"),
            ("fusion_rate", "Reported outcomes"),
        )
        if key not in known
    ]
    if unknown:
        st.caption("Not reported by any source we found: " + ", ".join(unknown) + ".")

    currency = scenario.trip.currency
    st.subheader(f"Whole trip for your scenario ({currency})")
    try:
        frame = trip_costs(ds, scenario.trip)
    except ValueError as exc:
        st.error(plain(exc))
        st.stop()
    comp = frame.components[frame.components["facility_id"] == fid]
    totals, leg = frame.totals.loc[fid], frame.journeys.loc[fid]
    with st.container(horizontal=True):
        st.metric(
            "Comparable whole trip",
            format_range(totals["comparable_low"], totals["comparable_high"], currency),
            border=True,
            help="Unknown parts filled with labelled estimates from comparable places.",
        )
        st.metric(
            "Documented only",
            format_range(totals["documented_low"], totals["documented_high"], currency),
            border=True,
            help="Only parts that are sourced, estimated from open data, or entered by you.",
        )
        st.metric(
            "Completeness",
            "—" if pd.isna(totals["completeness"]) else f"{totals['completeness']:.0%}",
            border=True,
            help="Share of the comparable total that is documented rather than filled.",
        )
    st.caption(
        f"Flight: about {not_reported(round(leg['flight_hours'], 1))} h ({plain(leg['distance_basis'])}). "
        f"Stay: {plain(leg['hospital_basis'])}; {plain(leg['stay_basis'])}. "
        f"Visa ({plain(leg['passport'])} passport): {plain(leg['visa_label'])}"
        + (f" — **{plain(leg['visa_warning'])}**" if isinstance(leg["visa_warning"], str) else "")
        + f". {plain(costs.rate_note(ds, currency))}."
    )
    if fid not in current_ranking(ds, scenario).table.index:
        st.caption("This facility is filtered out of your current ranking; its costs are shown anyway.")
    st.dataframe(
        costs.itemised(comp, currency).drop(columns="sources"),
        hide_index=True,
        width="stretch",
        key="facility_costs",
        column_order=["label", "phase", "amount", "status", "how", "evidence", "as_of", "source_url", "n_sources"],
        column_config={
            "label": "Component",
            "phase": "Phase",
            "amount": "Amount",
            "status": "Status",
            "how": "How it was worked out",
            "evidence": "Evidence",
            "as_of": "As of",
            "source_url": st.column_config.LinkColumn("Source", display_text="source"),
            "n_sources": st.column_config.NumberColumn("Sources", help="How many sources stand behind the figure"),
        },
    )
    _sources_expander(ds, comp, "Sources behind these costs", "facility_cost_sources", kind_labels)
    st.subheader("What can go wrong, and what it could cost")
    risk = frame.risk[frame.risk["facility_id"] == fid]
    t = frame.totals.loc[fid]
    st.caption(
        "Expected cost of complications: "
        + (format_range(t["expected_low"], t["expected_high"], currency) if pd.notna(t["expected_low"]) else "unknown")
        + (f" (not priced: {plain(', '.join(t['risk_unknown']))})" if t["risk_unknown"] else "")
        + ". Each line is the probability of the complication times the cost of treating it; a labelled "
        "estimate from the literature, not a forecast for you."
    )
    st.dataframe(
        risk.drop(columns="sources").assign(
            chance=[
                f"{span(100 * lo, 100 * hi, '.1f')} %" for lo, hi in zip(risk["p_low"], risk["p_high"], strict=True)
            ],
            treatment=[
                format_range(lo, hi, currency) for lo, hi in zip(risk["cost_low"], risk["cost_high"], strict=True)
            ],
            expected=[format_range(lo, hi, currency) for lo, hi in zip(risk["low"], risk["high"], strict=True)],
        ),
        hide_index=True,
        width="stretch",
        key="facility_risk",
        column_order=["label", "chance", "treatment", "expected", "basis", "as_of"],
        column_config={
            "label": "Complication",
            "chance": "Chance",
            "treatment": "Cost of treating it",
            "expected": "Expected cost",
            "basis": "How it was worked out",
            "as_of": "As of",
        },
    )
    _sources_expander(ds, risk, "Sources behind these risks", "facility_risk_sources", kind_labels)
    st.download_button(
        "Continuity-of-care pack (HTML, prints on A4 or Letter)",
        lambda: continuity.build_pack(ds, current_ranking(ds, scenario), fid).encode("utf-8"),
        file_name=f"continuity-of-care-{fid}.html",
        mime="text/html",
        icon=":material/medical_services:",
        key="dl_pack",
        help="What to get before leaving the hospital, when it is safe to fly home, who to contact, and a "
        "one-page summary for your doctor at home; every step cites its source.",
    )
    gap = ds.risk.advice.get("insurance_gap") if ds.risk else None
    if gap is not None:
        src = ds.risk.sources.get(gap.source) if gap.source else None
        st.info(f"{plain(gap.text)} (source: {plain((src.url or src.citation) if src else 'not given')})")

    dest = ds.destinations.get(record.country)
    if dest is not None:
        st.subheader("Travel to this country")
        st.text(
            f"Patient visa: {dest.visa.patient or 'not reported'}\nCompanion visa: {dest.visa.companion or 'not reported'}"
        )
        for note in dest.notes:
            src = dest.sources.get(note.source) if note.source else None
            st.text(f"• {note.text}" + (f"  (source: {src.url or src.citation})" if src else ""))


render()
