"""The dashboard in each of its languages, through AppTest: every page runs, and the words follow the choice."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from compare import i18n
from tests.test_app import APP, PAGES

SHORTLISTS = "app_pages/shortlists_page.py"


def fresh(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def translated(lang: str, message: str) -> str:
    with i18n.language(lang):
        return i18n._(message)


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("page", [*PAGES, SHORTLISTS])
def test_every_page_runs_in_every_language(lang, page):
    at = fresh(lang=lang)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.sidebar.selectbox(key="lang").value == lang


@pytest.mark.parametrize("lang", [code for code in i18n.LANGUAGES if code != "en"])
def test_the_compare_page_speaks_the_chosen_language(lang):
    at = fresh(lang=lang)
    title = translated(lang, "Spinal fusion abroad")
    assert title != "Spinal fusion abroad", f"no {lang} translation of the title"
    assert at.title[0].value == title
    labels = [m.label for m in at.metric]
    assert translated(lang, "Options shown") in labels
    # Money follows the language's conventions (grouping, symbol placement), not English's.
    cheapest = at.metric[labels.index(translated(lang, "Cheapest whole trip"))].value
    with i18n.language(lang):
        sample = i18n.money(12345, "USD")
    assert cheapest[0] == sample[0] or cheapest[-1] == sample[-1], (cheapest, sample)


def test_an_unknown_language_in_the_url_falls_back_to_english():
    at = fresh(lang='xx"><script>')
    assert not at.exception
    assert at.title[0].value == "Spinal fusion abroad"


def test_switching_language_keeps_the_scenario():
    at = fresh(origin="London (GB)", currency="GBP", lang="es")
    at.sidebar.selectbox(key="lang").set_value("ru").run()
    assert not at.exception
    assert at.selectbox(key="currency").value == "GBP"
    assert at.title[0].value == translated("ru", "Spinal fusion abroad")
