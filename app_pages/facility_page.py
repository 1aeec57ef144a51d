"""Facility: everything known about one facility, every figure with its source."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.state import current_ranking, page_dataset, trip_costs
from app_pages.ui import not_reported, plain, split_sources
from compare import continuity, costs, i18n
from compare.costs import format_range
from compare.costs.money import span
from compare.data.check import ACCREDITATION_CURRENT_MONTHS
from compare.i18n import N_, _

# What each row of the facts table is about (``derive.facts`` fields), as the table shows it.
FIELD_LABELS = {
    "accreditation": N_("Accreditation"),
    "recognition": N_("Recognition"),
    "dedicated_spine_hospital": N_("Dedicated spine hospital"),
    "annual_spine_surgeries": N_("Spine operations a year"),
    "cumulative_surgeries": N_("Spine operations to date"),
    "spine_surgeons": N_("Spine surgeons"),
    "beds": N_("Beds"),
    "international_patients_per_year": N_("International patients a year"),
    "technique": N_("Technique"),
    "technology": N_("Technology"),
    "languages": N_("Languages"),
    "international_office": N_("International patient office"),
    "location": N_("Location"),
    "background": N_("Background"),
}


def _sources_expander(ds, frame: pd.DataFrame, title: str, key: str, kind_labels: dict) -> None:
    """Every source behind the lines of ``frame``, one row each, with who stands behind it."""
    table = costs.sources_table(frame)
    with st.expander(_("{title} ({count})").format(title=title, count=i18n.number(table["source_url"].nunique()))):
        st.dataframe(
            split_sources(table.assign(source_kind=table["source_kind"].map(kind_labels))),
            hide_index=True,
            width="stretch",
            key=key,
            column_config={
                "item": _("For"),
                "source_url": st.column_config.LinkColumn(_("Source")),
                "citation": _("Citation"),
                "publisher": _("Publisher"),
                "source_kind": _("Who stands behind it"),
                "as_of": _("As of"),
                "evidence": _("Evidence"),
            },
        )


def render() -> None:
    ds = page_dataset()
    kind_labels = {k: _(v.label) for k, v in ds.vocab.get("source_kinds", {}).items()}
    scenario = st.session_state["_scenario"]
    if ds.facilities.empty:
        st.info(_("No facilities loaded."))
        st.stop()
    ids = list(ds.facilities.sort_values("name").index)
    names = ds.facilities["name"]
    # The formatted option is also the ``?facility=`` value of a shared link, so it stays in
    # English (names and places are data): the same link opens the same facility in every language.
    fid = st.selectbox(
        _("Facility"),
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
    st.caption(
        _("{city}, {country} · file `{file}`").format(
            city=plain(not_reported(fac["city"])), country=plain(fac["country_name"]), file=ds.facility_files[fid]
        )
    )
    st.text(fac["summary"])

    with st.container(horizontal=True):
        st.metric(
            _("International accreditation"),
            _("current")
            if fac["international_accreditation_current"]
            else _("not shown current")
            if fac["has_international_accreditation"]
            else _("none found"),
            border=True,
            help=_(
                "Hospital accreditations only (e.g. JCI). 'Current' means a source from the last 36 months "
                "shows it; otherwise it counts half in the ranking."
            ),
        )
        st.metric(
            _("Spine operations a year"),
            not_reported(
                None if pd.isna(fac["annual_spine_surgeries"]) else i18n.number(fac["annual_spine_surgeries"])
            ),
            border=True,
        )
        st.metric(_("Robot"), not_reported(fac["robot_models"]), border=True)
        st.metric(
            _("International office"),
            {True: _("yes"), False: _("no")}.get(fac["international_office"], _("not reported")),
            border=True,
        )

    stale = fac.get("accreditation_stale") or ()
    if stale:
        months = i18n.number(ACCREDITATION_CURRENT_MONTHS)
        notes = [
            (
                _("{body}: last evidence {date}, none in the last {months} months (counts half)")
                if newest
                else _("{body}: no dated evidence, none in the last {months} months (counts half)")
            ).format(body=body, date=newest, months=months)
            for body, newest in stale
        ]
        st.caption(_("Accreditation: {note}.").format(note=plain("; ".join(notes))))

    st.subheader(_("Every figure and its source"))
    facts = ds.facts[ds.facts["facility_id"] == fid].copy()
    # As of and freshness in one cell, and who stands behind the source with its publisher in
    # another, so the source link stays in view on a laptop screen.
    facts["as_of"] = [
        _("undated")
        if undated
        else _("{date} (stale)").format(date=as_of)
        if stale
        else _("{date} (current)").format(date=as_of)
        for as_of, undated, stale in zip(facts["as_of"], facts["undated"], facts["stale"], strict=True)
    ]
    facts["who"] = [
        _("{kind}: {publisher}").format(kind=kind_labels.get(kind, kind), publisher=publisher)
        if isinstance(publisher, str)
        else kind_labels.get(kind, kind)
        for kind, publisher in zip(facts["source_kind"], facts["publisher"], strict=True)
    ]
    levels = ds.vocab["evidence_levels"]
    facts["field"] = facts["field"].map(lambda f: _(FIELD_LABELS[f]) if f in FIELD_LABELS else f)
    facts["evidence"] = facts["evidence"].map(lambda e: _(levels[e].label) if e in levels else e)
    st.dataframe(
        split_sources(facts)[["field", "value", "who", "evidence", "as_of", "source_url", "citation"]].astype(
            {"value": str}
        ),
        hide_index=True,
        width="stretch",
        key="facility_facts",
        # Fixed widths keep the source link in view whatever the length of the values.
        column_config={
            "field": st.column_config.TextColumn(_("Figure"), width=160),
            "value": st.column_config.TextColumn(_("Value"), width=240),
            "who": st.column_config.TextColumn(_("Who stands behind it"), width=210),
            "evidence": st.column_config.TextColumn(_("Evidence"), width=120),
            "as_of": st.column_config.TextColumn(
                _("As of"),
                width=150,
                help=_("Stale: older than {months} months").format(months=i18n.number(ds.stale_after_months)),
            ),
            "source_url": st.column_config.LinkColumn(_("Source"), width=200),
            "citation": _("Citation"),
        },
    )
    known = set(facts["field"])
    unknown = [
        label
        for key, label in (
            ("annual_spine_surgeries", _("Spine operations a year")),
            ("spine_surgeons", _("Spine surgeons")),
            ("languages", _("Languages")),
            ("international_office", _("International patient office")),
            ("accreditation", _("Accreditation")),
            ("technology", _("Robots, navigation, imaging")),
            ("technique", _("Techniques")),
            ("fusion_rate", _("Reported outcomes")),
        )
        if key not in known
    ]
    if unknown:
        st.caption(_("Not reported by any source we found: {fields}.").format(fields=", ".join(unknown)))

    currency = scenario.trip.currency
    st.subheader(_("Whole trip for your scenario ({currency})").format(currency=currency))
    try:
        frame = trip_costs(ds, scenario.trip)
    except ValueError as exc:
        st.error(plain(exc))
        st.stop()
    comp = frame.components[frame.components["facility_id"] == fid]
    totals, leg = frame.totals.loc[fid], frame.journeys.loc[fid]
    with st.container(horizontal=True):
        st.metric(
            _("Comparable whole trip"),
            format_range(totals["comparable_low"], totals["comparable_high"], currency),
            border=True,
            help=_("Unknown parts filled with labelled estimates from comparable places."),
        )
        st.metric(
            _("Documented only"),
            format_range(totals["documented_low"], totals["documented_high"], currency),
            border=True,
            help=_("Only parts that are sourced, estimated from open data, or entered by you."),
        )
        st.metric(
            _("Completeness"),
            "—" if pd.isna(totals["completeness"]) else i18n.percent(totals["completeness"]),
            border=True,
            help=_("Share of the comparable total that is documented rather than filled."),
        )
    hours = leg["flight_hours"]
    trip = {
        "hours": not_reported(None if pd.isna(hours) else i18n.number(hours, 1)),
        "distance_basis": plain(leg["distance_basis"]),
        "hospital_basis": plain(leg["hospital_basis"]),
        "stay_basis": plain(leg["stay_basis"]),
        "passport": plain(leg["passport"]),
        "visa": plain(leg["visa_label"]),
        "rate_note": plain(costs.rate_note(ds, currency)),
    }
    if isinstance(leg["visa_warning"], str):
        trip_text = _(
            "Flight: about {hours} h ({distance_basis}). Stay: {hospital_basis}; {stay_basis}. "
            "Visa ({passport} passport): {visa} — **{warning}**. {rate_note}."
        ).format(warning=plain(leg["visa_warning"]), **trip)
    else:
        trip_text = _(
            "Flight: about {hours} h ({distance_basis}). Stay: {hospital_basis}; {stay_basis}. "
            "Visa ({passport} passport): {visa}. {rate_note}."
        ).format(**trip)
    st.caption(trip_text)
    if fid not in current_ranking(ds, scenario).table.index:
        st.caption(_("This facility is filtered out of your current ranking; its costs are shown anyway."))
    st.dataframe(
        costs.itemised(comp, currency).drop(columns="sources"),
        hide_index=True,
        width="stretch",
        key="facility_costs",
        column_order=["label", "phase", "amount", "status", "how", "evidence", "as_of", "source_url", "n_sources"],
        column_config={
            "label": _("Component"),
            "phase": _("Phase"),
            "amount": _("Amount"),
            "status": _("Status"),
            "how": _("How it was worked out"),
            "evidence": _("Evidence"),
            "as_of": _("As of"),
            "source_url": st.column_config.LinkColumn(_("Source"), display_text=_("source")),
            "n_sources": st.column_config.NumberColumn(
                _("Sources"), help=_("How many sources stand behind the figure")
            ),
        },
    )
    _sources_expander(ds, comp, _("Sources behind these costs"), "facility_cost_sources", kind_labels)
    st.subheader(_("What can go wrong, and what it could cost"))
    risk = frame.risk[frame.risk["facility_id"] == fid]
    t = frame.totals.loc[fid]
    expected = format_range(t["expected_low"], t["expected_high"], currency)
    unpriced = plain(", ".join(t["risk_unknown"])) if t["risk_unknown"] else None
    if pd.isna(t["expected_low"]):
        if unpriced:
            summary = _("Expected cost of complications: unknown (not priced: {unpriced}).").format(unpriced=unpriced)
        else:
            summary = _("Expected cost of complications: unknown.")
    elif unpriced:
        summary = _("Expected cost of complications: {cost} (not priced: {unpriced}).").format(
            cost=expected, unpriced=unpriced
        )
    else:
        summary = _("Expected cost of complications: {cost}.").format(cost=expected)
    st.caption(
        summary
        + " "
        + _(
            "Each line is the probability of the complication times the cost of treating it; a labelled "
            "estimate from the literature, not a forecast for you."
        )
    )
    st.dataframe(
        risk.drop(columns="sources").assign(
            chance=[
                _("{range} %").format(range=span(100 * lo, 100 * hi, ".1f"))
                for lo, hi in zip(risk["p_low"], risk["p_high"], strict=True)
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
            "label": _("Complication"),
            "chance": _("Chance"),
            "treatment": _("Cost of treating it"),
            "expected": _("Expected cost"),
            "basis": _("How it was worked out"),
            "as_of": _("As of"),
        },
    )
    _sources_expander(ds, risk, _("Sources behind these risks"), "facility_risk_sources", kind_labels)
    # Built when clicked, on another thread: bound to this run's language.
    pack = i18n.bound(lambda: continuity.build_pack(ds, current_ranking(ds, scenario), fid).encode("utf-8"))
    st.download_button(
        _("Continuity-of-care pack (HTML, prints on A4 or Letter)"),
        pack,
        file_name=f"continuity-of-care-{fid}.html",
        mime="text/html",
        icon=":material/medical_services:",
        key="dl_pack",
        help=_(
            "What to get before leaving the hospital, when it is safe to fly home, who to contact, and a "
            "one-page summary for your doctor at home; every step cites its source."
        ),
    )
    gap = ds.risk.advice.get("insurance_gap") if ds.risk else None
    if gap is not None:
        src = ds.risk.sources.get(gap.source) if gap.source else None
        cited = (
            _("(source: {source})").format(source=plain(src.url or src.citation)) if src else _("(source: not given)")
        )
        st.info(f"{plain(_(gap.text))} {cited}")

    dest = ds.destinations.get(record.country)
    if dest is not None:
        st.subheader(_("Travel to this country"))
        st.text(
            _("Patient visa: {visa}").format(visa=dest.visa.patient or _("not reported"))
            + "\n"
            + _("Companion visa: {visa}").format(visa=dest.visa.companion or _("not reported"))
        )
        for note in dest.notes:
            src = dest.sources.get(note.source) if note.source else None
            cited = "  " + _("(source: {source})").format(source=src.url or src.citation) if src else ""
            st.text(f"• {note.text}{cited}")


render()
