"""Shortlists: saved client shortlists with notes, reports and exports (stored in SQLite)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.sidebar import apply_scenario
from app_pages.state import page_dataset, shortlist_store
from app_pages.ui import plain
from compare import export, report
from compare.costs import format_range
from compare.shortlists import ShortlistError, changes_since_saved, snapshots_from


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
                else "no longer in the data",
                "changes": "; ".join(changed[item.facility_id]) or "none",
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
            "order": st.column_config.NumberColumn("Order", min_value=1, step=1, help="Change the numbers to reorder."),
            "facility": "Facility",
            "whole_trip": "Whole trip (now)",
            "changes": st.column_config.TextColumn(
                "Changed since saved", help="Price or accreditation changes in the data."
            ),
            "note": st.column_config.TextColumn("Note", max_chars=2000),
            "remove": st.column_config.CheckboxColumn("Remove"),
        },
    )
    if st.button("Save changes", key="sl_save", type="primary", icon=":material/save:"):
        try:
            for _, row in edited.iterrows():
                if row["remove"]:
                    store.remove(shortlist.name, row["id"])
                    continue
                old = next(i for i in shortlist.items if i.facility_id == row["id"])
                if (row["note"] or "") != old.note:
                    store.set_note(shortlist.name, row["id"], row["note"] or "")
            keep = edited[~edited["remove"].astype(bool)].sort_values("order", kind="stable")["id"].tolist()
            if keep and keep != [i.facility_id for i in shortlist.items if i.facility_id in keep]:
                store.reorder(shortlist.name, keep)
            st.success("Saved.")
            st.rerun()
        except ShortlistError as exc:
            st.error(plain(exc))


def render() -> None:
    st.title("Shortlists")
    if st.session_state.pop("_reopened", False):
        # st.switch_page would clear the URL, which Streamlit refuses while widgets are bound to it.
        st.success("The shortlist's scenario is now in the sidebar.")
        st.page_link("app_pages/compare_page.py", label="Go to the comparison", icon=":material/leaderboard:")
    store = shortlist_store()
    if store is None:
        st.stop()
    try:
        summaries = store.list()
    except ShortlistError as exc:
        st.error(f"Shortlists are unavailable: {plain(exc)}")
        st.stop()
    if not summaries:
        st.info("No shortlists yet. On the Compare page, select rows in the ranking and add them to a new shortlist.")
        st.stop()
    names = [s.name for s in summaries]
    by_name = {s.name: s for s in summaries}
    name = st.selectbox(
        "Shortlist",
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
    st.caption(
        f"Client: {plain(shortlist.client or 'not set')} · {len(shortlist.items)} options · created {shortlist.created_at} · "
        f"updated {shortlist.updated_at}"
    )
    scenario = shortlist.scenario or st.session_state["_scenario"]
    try:
        current = report.shortlist_ranking(ds, scenario)
    except ValueError as exc:
        st.error(f"This shortlist's scenario no longer fits the data: {plain(exc)}")
        st.stop()
    if shortlist.data_hash and not ds.content_hash.startswith(shortlist.data_hash):
        st.warning(
            "The data changed since this shortlist was saved; see “Changed since saved” for each option. "
            "Costs below are recomputed on today's data."
        )
    changed = changes_since_saved(shortlist, current)
    _edit(store, shortlist, current, changed)

    ids = [i.facility_id for i in shortlist.items]
    notes = {i.facility_id: i.note for i in shortlist.items}
    stem = "".join(ch if ch.isalnum() else "-" for ch in shortlist.name).strip("-")[:60] or "shortlist"
    with st.container(horizontal=True):
        st.button(
            "Open in Compare",
            key="sl_open",
            icon=":material/open_in_new:",
            on_click=_reopen,
            args=(scenario,),
        )
        st.download_button(
            "Client report (HTML)",
            key="sl_report",
            icon=":material/description:",
            mime="text/html",
            file_name=f"{stem}.html",
            data=lambda: report.build_report(
                ds,
                scenario,
                ids,
                title=f"Spinal fusion abroad: {shortlist.name}",
                client=shortlist.client,
                notes=notes,
                changes=changed,
            ).encode("utf-8"),
        )
        st.download_button(
            "CSV",
            key="sl_csv",
            icon=":material/download:",
            mime="text/csv",
            file_name=f"{stem}.csv",
            data=lambda: export.to_csv_bytes(report.shortlist_table(ds, scenario, ids, notes)),
        )
        st.download_button(
            "Excel",
            key="sl_xlsx",
            icon=":material/table:",
            file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            data=lambda: export.to_xlsx_bytes(
                {
                    "shortlist": report.shortlist_table(ds, scenario, ids, notes),
                    "sources": ds.facts[ds.facts["facility_id"].isin(ids)],
                }
            ),
        )

    with st.expander("Rename, duplicate, delete or update the scenario"):
        new_name = st.text_input("New name", key="sl_rename_to", max_chars=100)
        client = st.text_input("Client", value=shortlist.client or "", key="sl_client", max_chars=100)
        with st.container(horizontal=True):
            try:
                if st.button("Rename", key="sl_rename", disabled=not new_name):
                    store.rename(shortlist.name, new_name)
                    st.session_state["shortlist"] = new_name.strip()
                    st.rerun()
                if st.button("Duplicate as new name", key="sl_duplicate", disabled=not new_name):
                    store.duplicate(shortlist.name, new_name)
                    st.success(f"Duplicated as “{plain(new_name.strip())}”.")
                if st.button("Save client", key="sl_save_client"):
                    store.set_client(shortlist.name, client or None)
                    st.rerun()
                if st.button(
                    "Use the current sidebar scenario",
                    key="sl_set_scenario",
                    help="Replace this shortlist's saved scenario with the one in the sidebar now.",
                ):
                    store.set_scenario(shortlist.name, st.session_state["_scenario"], ds.content_hash[:16])
                    st.rerun()
                if st.button("Delete shortlist", key="sl_delete", type="secondary"):
                    st.session_state["_confirm_delete"] = shortlist.name
            except ShortlistError as exc:
                st.error(plain(exc))
        if st.session_state.get("_confirm_delete") == shortlist.name:
            st.warning(f"Delete “{plain(shortlist.name)}” and its notes? This cannot be undone.")
            if st.button("Yes, delete", key="sl_delete_yes", type="primary"):
                store.delete(shortlist.name)
                st.session_state.pop("_confirm_delete", None)
                st.session_state.pop("shortlist", None)
                st.rerun()


render()
