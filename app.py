"""Spinal fusion abroad: compare hospitals, the whole trip's cost, and how sure the ranking is.

A thin layer over the engine in ``compare/``: widgets in, engine calls, render out.
"""

import streamlit as st

from app_pages import auth, language, sidebar, state, ui
from compare.i18n import _

# The language comes first: everything below, the sign-in page included, is worded in it.
language.select()
st.set_page_config(page_title=_("Spinal fusion abroad"), page_icon=":material/compare_arrows:", layout="wide")
# Who this session works for; with sign-in configured, nothing below runs until they sign in.
st.session_state["_owner"] = auth.require_user()

ds = state.session_dataset()
st.session_state["_dataset"] = ds  # the pages of this run use it as it is
scenario = sidebar.sidebar(ds)
st.session_state["_scenario"] = scenario

pages = st.navigation(
    [
        st.Page(
            "app_pages/compare_page.py",
            title=_("Compare"),
            icon=":material/leaderboard:",
            url_path="compare",
            default=True,
        ),
        st.Page(
            "app_pages/shortlists_page.py", title=_("Shortlists"), icon=":material/bookmarks:", url_path="shortlists"
        ),
        st.Page(
            "app_pages/facility_page.py", title=_("Facility"), icon=":material/local_hospital:", url_path="facility"
        ),
        st.Page("app_pages/data_page.py", title=_("Data & sources"), icon=":material/fact_check:", url_path="data"),
        st.Page("app_pages/method_page.py", title=_("Method"), icon=":material/menu_book:", url_path="method"),
    ]
)
pages.run()
ui.footer(ds)
