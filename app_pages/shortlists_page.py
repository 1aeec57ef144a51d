"""Shortlists: saved client shortlists with notes, reports and exports (stored in SQLite)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.sidebar import apply_scenario
from app_pages.state import page_dataset, shortlist_ranking, shortlist_store, trip_costs
from app_pages.ui import plain
from compare import export, i18n, quotes, report
from compare.costs import format_range
from compare.i18n import _, ngettext
from compare.problems import DataError
from compare.shortlists import ShortlistError
from compare.snapshots import changes_since_saved, snapshots_from

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reopen(scenario) -> None:
    apply_scenario(scenario)
    st.session_state["_reopened"] = True


def _edit(store, shortlist, current, changed) -> None:
    table = current.table
    snaps = snapshots_from(current, (item.facility_id for item in shortlist.items))
    rows = []
    for item in shortlist.items:
        present = item.facility_id in table.index
        snap = snaps.get(item.facility_id)
        rows.append(
            {
                "order": item.position + 1,
                "facility": table.loc[item.facility_id, "name"] if present else item.facility_id,
                "whole_trip": format_range(snap["total_low"], snap["total_high"], snap["currency"])
                if snap
                else _("no longer in the data"),
                "changes": "; ".join(changed[item.facility_id]) or _("none"),
                "note": item.note,
                "remove": False,
                "id": item.facility_id,
            }
        )
    frame = pd.DataFrame(rows, columns=["order", "facility", "whole_trip", "changes", "note", "remove", "id"])
    edited = st.data_editor(
        frame,
        key=f"editor_{shortlist.name}",
        hide_index=True,
        width="stretch",
        disabled=["facility", "whole_trip", "changes", "id"],
        column_order=["order", "facility", "whole_trip", "changes", "note", "remove"],
        column_config={
            "order": st.column_config.NumberColumn(
                _("Order"), min_value=1, step=1, help=_("Change the numbers to reorder.")
            ),
            "facility": _("Facility"),
            "whole_trip": _("Whole trip (now)"),
            "changes": st.column_config.TextColumn(
                _("Changed since saved"), help=_("Price or accreditation changes in the data.")
            ),
            "note": st.column_config.TextColumn(_("Note"), max_chars=2000),
            "remove": st.column_config.CheckboxColumn(_("Remove")),
        },
    )
    if st.button(_("Save changes"), key="sl_save", type="primary", icon=":material/save:"):
        try:
            for _idx, row in edited.iterrows():
                if row["remove"]:
                    store.remove(shortlist.name, row["id"])
                    continue
                old = next(i for i in shortlist.items if i.facility_id == row["id"])
                if (row["note"] or "") != old.note:
                    store.set_note(shortlist.name, row["id"], row["note"] or "")
            keep = edited[~edited["remove"].astype(bool)].sort_values("order", kind="stable")["id"].tolist()
            if keep and keep != [i.facility_id for i in shortlist.items if i.facility_id in keep]:
                store.reorder(shortlist.name, keep)
            st.success(_("Saved."))
            st.rerun()
        except ShortlistError as exc:
            st.error(plain(exc))


def _quotes(store, ds, shortlist, scenario, saved, current) -> None:
    """Ask each facility for an itemised quote, and bring the returned template back in."""
    st.subheader(_("Quotes"))
    if st.session_state.pop("_quote_saved", None):
        st.success(_("Quote saved: its lines now count as quoted in the whole trip."))
    present = [i.facility_id for i in shortlist.items if i.facility_id in ds.facilities.index]
    if not present:
        return
    by_facility = {q.facility_id: q for q in saved}
    if saved:
        st.dataframe(
            pd.DataFrame(
                {
                    _("Facility"): [ds.facilities.loc[q.facility_id, "name"] for q in saved],
                    _("From"): [q.sender for q in saved],
                    _("Dated"): [q.quoted_on.isoformat() for q in saved],
                    _("Valid until"): [_valid_until(q) for q in saved],
                }
            ),
            hide_index=True,
            key="sl_quotes_saved",
        )
    fid = st.selectbox(
        _("Facility"), present, key="sl_quote_facility", format_func=lambda f: ds.facilities.loc[f, "name"]
    )
    currency = scenario.trip.currency
    with st.expander(_("Ask for a quote")):
        st.caption(_("The letter states the case and asks for every cost line; the template has the same lines."))
        patient = st.text_input(_("Patient name (only if the patient agrees)"), key="sl_quote_patient", max_chars=100)
        imaging = st.text_input(_("Imaging already done"), key="sl_quote_imaging", max_chars=300)
        dates = st.text_input(_("Travel dates"), key="sl_quote_dates", max_chars=100)
        case = quotes.Case(
            procedure=scenario.trip.procedure,
            companion=scenario.trip.companion,
            passport=scenario.trip.passport,
            imaging_done=imaging,
            travel_dates=dates,
            patient_name=patient,
        )

        def template():
            return quotes.request_template(ds, fid, currency)

        with st.container(horizontal=True):
            st.download_button(
                _("Request letter (HTML)"),
                key="sl_quote_letter",
                mime="text/html",
                file_name=f"{fid}.html",
                data=i18n.bound(lambda: quotes.request_letter(ds, fid, case, currency).encode("utf-8")),
            )
            st.download_button(
                _("Quote template (.csv)"),
                key="sl_quote_csv",
                mime="text/csv",
                file_name=f"{fid}-quote.csv",
                data=lambda: export.to_csv_bytes(template()),
            )
            st.download_button(
                _("Quote template (.xlsx)"),
                key="sl_quote_xlsx",
                mime=XLSX,
                file_name=f"{fid}-quote.xlsx",
                data=lambda: export.to_xlsx_bytes({"quote": template()}),
            )
    uploads = st.session_state.setdefault("_quote_uploads", 0)  # a new key empties the uploader once saved
    upload = st.file_uploader(
        _("Returned quote template (CSV or Excel)"), type=["csv", "xlsx"], key=f"sl_quote_upload_{fid}_{uploads}"
    )
    if upload is None:
        if fid in by_facility:
            _comparison(ds, scenario, by_facility[fid])
        return
    try:
        quote = quotes.read_quote(ds, upload.getvalue(), upload.name, facility_id=fid)
    except DataError as exc:
        st.error(_("This quote was not read; nothing is saved. Fix these cells and upload it again:"))
        st.code("\n".join(str(p) for p in exc.problems), language=None)
        return
    _comparison(ds, scenario, quote)
    if st.button(_("Save this quote with the shortlist"), key="sl_quote_save", type="primary"):
        try:
            store.save_quote(shortlist.name, fid, quote.to_json())
        except ShortlistError as exc:
            st.error(plain(exc))
            return
        st.session_state["_quote_saved"] = True  # worded when shown, in the language of that run
        st.session_state["_quote_uploads"] = uploads + 1
        st.rerun()


def _valid_until(quote) -> str:
    """When a saved quote stops being valid, in words; each case is its own message."""
    if quote.valid_until is None:
        return _("not stated (EXPIRED)") if quote.expired() else _("not stated")
    if quote.expired():
        return _("{date} (EXPIRED)").format(date=quote.valid_until.isoformat())
    return quote.valid_until.isoformat()


def _comparison(ds, scenario, quote) -> None:
    checked = quotes.review(ds, trip_costs(ds, scenario.trip), quote)
    currency = scenario.trip.currency
    if quote.expired():
        st.warning(
            _("This quote expired on {date}: ask for a new one before relying on it.").format(
                date=quote.valid_until.isoformat()
            )
        )
    st.markdown(
        _(
            "Quote from **{sender}** dated {date}. Whole trip: {published} with published figures, "
            "**{quoted} with the quote**."
        ).format(
            sender=plain(quote.sender),
            date=quote.quoted_on.isoformat(),
            published=format_range(*checked.before, currency),
            quoted=format_range(*checked.after, currency),
        )
    )
    st.dataframe(
        checked.comparison[["label", "before", "quote", "change"]],
        hide_index=True,
        key=f"sl_quote_cmp_{quote.facility_id}",
        column_config={
            "label": _("Cost line"),
            "before": _("Published or estimated"),
            "quote": _("Quoted"),
            "change": _("What changed"),
        },
    )


def render() -> None:
    st.title(_("Shortlists"))
    if st.session_state.pop("_reopened", False):
        # st.switch_page would clear the URL, which Streamlit refuses while widgets are bound to it.
        st.success(_("The shortlist's scenario is now in the sidebar."))
        st.page_link("app_pages/compare_page.py", label=_("Go to the comparison"), icon=":material/leaderboard:")
    store = shortlist_store()
    if store is None:
        st.stop()
    if store.owner:
        with st.expander(_("Only you can see, open or change these shortlists"), icon=":material/lock:"):
            st.caption(_("Your user id, for `spine-compare shortlists --owner ...` on the shared database:"))
            st.code(store.owner, language=None)
    try:
        summaries = store.list()
    except ShortlistError as exc:
        st.error(_("Shortlists are unavailable: {error}").format(error=plain(exc)))
        st.stop()
    if not summaries:
        st.info(
            _("No shortlists yet. On the Compare page, select rows in the ranking and add them to a new shortlist.")
        )
        st.stop()
    names = [s.name for s in summaries]
    by_name = {s.name: s for s in summaries}
    name = st.selectbox(
        _("Shortlist"),
        names,
        key="shortlist",
        format_func=lambda n: f"{n} — {by_name[n].client}" if by_name[n].client else n,
    )
    try:
        shortlist = store.get(name)
    except ShortlistError as exc:
        st.error(plain(exc))
        st.stop()
    ds = page_dataset()
    n = len(shortlist.items)
    if shortlist.client:
        about = ngettext(
            "Client: {client} · {n} options · created {created} · updated {updated}",
            "Client: {client} · {n} options · created {created} · updated {updated}",
            n,
        )
    else:
        about = ngettext(
            "Client: not set · {n} options · created {created} · updated {updated}",
            "Client: not set · {n} options · created {created} · updated {updated}",
            n,
        )
    st.caption(
        about.format(
            client=plain(shortlist.client or ""),
            n=i18n.number(n),
            created=shortlist.created_at,
            updated=shortlist.updated_at,
        )
    )
    scenario = shortlist.scenario or st.session_state["_scenario"]
    try:
        saved, unreadable = quotes.parse_saved(store.quotes(shortlist.name))
    except ShortlistError as exc:
        st.error(plain(exc))
        saved, unreadable = [], []
    for fid in unreadable:
        st.warning(
            _("The saved quote of {facility} cannot be read; published figures are used instead.").format(
                facility=plain(fid)
            )
        )
    try:
        current = shortlist_ranking(ds, scenario, saved)
    except ValueError as exc:
        st.error(_("This shortlist's scenario no longer fits the data: {error}").format(error=plain(exc)))
        st.stop()
    if shortlist.data_hash and not ds.content_hash.startswith(shortlist.data_hash):
        st.warning(
            _(
                "The data changed since this shortlist was saved; see “Changed since saved” for each option. "
                "Costs below are recomputed on today's data."
            )
        )
    changed = changes_since_saved(shortlist.items, current)
    _edit(store, shortlist, current, changed)

    ids = [i.facility_id for i in shortlist.items]
    notes = {i.facility_id: i.note for i in shortlist.items}
    stem = "".join(ch if ch.isalnum() else "-" for ch in shortlist.name).strip("-")[:60] or "shortlist"
    with st.container(horizontal=True):
        st.button(
            _("Open in Compare"),
            key="sl_open",
            icon=":material/open_in_new:",
            on_click=_reopen,
            args=(scenario,),
        )
        st.download_button(
            _("Client report (HTML)"),
            key="sl_report",
            icon=":material/description:",
            mime="text/html",
            file_name=f"{stem}.html",
            data=i18n.bound(
                lambda: report.build_report(
                    ds,
                    scenario,
                    ids,
                    title=_("Spinal fusion abroad: {name}").format(name=shortlist.name),
                    client=shortlist.client,
                    notes=notes,
                    changes=changed,
                    ranking=current,
                    quotes=saved,
                ).encode("utf-8")
            ),
        )
        st.download_button(
            _("CSV"),
            key="sl_csv",
            icon=":material/download:",
            mime="text/csv",
            file_name=f"{stem}.csv",
            data=lambda: export.to_csv_bytes(report.shortlist_table(ds, scenario, ids, notes, ranking=current)),
        )
        st.download_button(
            _("Excel"),
            key="sl_xlsx",
            icon=":material/table:",
            file_name=f"{stem}.xlsx",
            mime=XLSX,
            data=lambda: export.to_xlsx_bytes(
                {
                    "shortlist": report.shortlist_table(ds, scenario, ids, notes, ranking=current),
                    "sources": ds.facts[ds.facts["facility_id"].isin(ids)],
                }
            ),
        )

    _quotes(store, ds, shortlist, scenario, saved, current)

    with st.expander(_("Rename, duplicate, delete or update the scenario")):
        new_name = st.text_input(_("New name"), key="sl_rename_to", max_chars=100)
        client = st.text_input(_("Client"), value=shortlist.client or "", key="sl_client", max_chars=100)
        with st.container(horizontal=True):
            try:
                if st.button(_("Rename"), key="sl_rename", disabled=not new_name):
                    store.rename(shortlist.name, new_name)
                    st.session_state["shortlist"] = new_name.strip()
                    st.rerun()
                if st.button(_("Duplicate as new name"), key="sl_duplicate", disabled=not new_name):
                    store.duplicate(shortlist.name, new_name)
                    st.success(_("Duplicated as “{name}”.").format(name=plain(new_name.strip())))
                if st.button(_("Save client"), key="sl_save_client"):
                    store.set_client(shortlist.name, client or None)
                    st.rerun()
                if st.button(
                    _("Use the current sidebar scenario"),
                    key="sl_set_scenario",
                    help=_("Replace this shortlist's saved scenario with the one in the sidebar now."),
                ):
                    store.set_scenario(shortlist.name, st.session_state["_scenario"], ds.content_hash[:16])
                    st.rerun()
                if st.button(_("Delete shortlist"), key="sl_delete", type="secondary"):
                    st.session_state["_confirm_delete"] = shortlist.name
            except ShortlistError as exc:
                st.error(plain(exc))
        if st.session_state.get("_confirm_delete") == shortlist.name:
            st.warning(_("Delete “{name}” and its notes? This cannot be undone.").format(name=plain(shortlist.name)))
            if st.button(_("Yes, delete"), key="sl_delete_yes", type="primary"):
                store.delete(shortlist.name)
                st.session_state.pop("_confirm_delete", None)
                st.session_state.pop("shortlist", None)
                st.rerun()


render()
