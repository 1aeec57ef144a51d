"""The language selector (bound to ``?lang=``) and right-to-left layout for Arabic."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from compare import i18n

# Streamlit has no right-to-left mode: the page's text flows right to left, while the data grid
# (drawn on a canvas) keeps its own order and numbers stay left to right inside their cells. The
# Vega-Lite chart is a canvas too, laid out left to right (its spec puts the title on the right):
# inheriting rtl would draw each legend label over its symbol.
_RTL_CSS = """
<style>
[data-testid="stAppViewContainer"], [data-testid="stSidebar"], [data-testid="stHeader"] { direction: rtl; }
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"], h1, h2, h3, label,
[data-testid="stMetric"], [data-testid="stAlert"] { text-align: right; }
[data-testid="stSidebar"] { left: auto; right: 0; }
[data-testid="stVegaLiteChart"] { direction: ltr; }
</style>
"""


def _script(lang: str) -> str:
    """Tell the browser the page's language and direction (screen readers, fonts, text selection)."""
    return f"<script>document.documentElement.lang={lang!r};document.documentElement.dir={i18n.direction(lang)!r};</script>"


def labels(values, word: Callable[[str], str] = i18n._) -> Callable[[str], str]:
    """A ``format_func`` showing each value in this run's language.

    The words are fixed when the widget is drawn: Streamlit (and AppTest) may call a format
    function again outside the script run, where the language is not set.
    """
    shown = {v: word(v) for v in values}
    return lambda v: shown.get(v, v)


def browser_language() -> str:
    """The supported language the browser asks for first, else English."""
    try:
        return i18n.supported(st.context.locale) or i18n.DEFAULT
    except Exception:  # no browser (AppTest, a bare script run): English
        return i18n.DEFAULT


def select() -> str:
    """Draw the selector at the top of the sidebar and make its choice this run's language.

    The URL carries the code (``?lang=ar``): Streamlit's own binding would write the shown name
    into the URL, so the parameter is read once per session and written back on every run. A
    link with other settings but no language was made before languages existed, in English (its
    settings are English words), so it opens in English; a bare visit follows the browser.
    """
    codes = list(i18n.LANGUAGES)
    if st.session_state.get("lang") not in codes:
        asked = i18n.supported(st.query_params.get("lang"))
        if asked is None and "lang" not in st.query_params and len(st.query_params):
            asked = i18n.DEFAULT
        st.session_state["lang"] = asked or browser_language()
    lang = st.sidebar.selectbox(
        ":material/translate: " + " · ".join(("Language", "اللغة", "Idioma", "Язык")),
        codes,
        format_func=i18n.LANGUAGES.get,
        key="lang",
    )
    lang = i18n.use(lang)
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    if lang in i18n.RIGHT_TO_LEFT:
        st.html(_RTL_CSS)
    st.html(_script(lang), unsafe_allow_javascript=True)
    return lang
