"""The engine behind the dashboard, cached: the data, each trip's costs, each ranking.

Rank once, render many: a trip's cost frame is shared by every ranking of that trip
(weights, filters and method change without recomputing it), and a ranking by every page.
Everything cached here is shared by every session: callers read it and copy before a change.
"""

from __future__ import annotations

import gc
import threading

import pandas as pd
import streamlit as st

import compare
from app_pages.ui import plain
from compare import costs, engine, fields, i18n, uploads
from compare.data import Dataset
from compare.engine import Ranking
from compare.i18n import _
from compare.scenario import Scenario, Trip


# Spinners are shown around the calls, not by the cache decorators: a decorator's text is fixed at
# import, and the words must follow each session's language.
@st.cache_resource(show_spinner=False, max_entries=32)
def _with_uploads(_base: Dataset, base_hash: str, files: tuple[tuple[str, bytes], ...]) -> Dataset:
    ds = _base
    for name, raw in files:
        updated, _problems = uploads.add_upload(ds, name, raw)
        ds = updated or ds
    return ds


_runs = 0
_runs_lock = threading.Lock()


def _freeze_long_lived() -> None:
    """At the start of the process's second run, move every object alive into gc's permanent generation.

    With pandas, plotly and pydantic imported and the data parsed, a full collection walks some
    200,000 objects that live as long as the process (modules, classes, the dataset, the shared
    caches): 50-100 ms of CPU on a small server. Streamlit's own collection after every run is off
    (``runner.postScriptGC`` in ``.streamlit/config.toml``), but Python's collector still runs a
    full collection now and then; frozen objects are skipped by it and still freed by reference
    counting. Only a reference cycle among them would outlive its use, so this is done once,
    after the first run has imported what the app uses.
    """
    global _runs
    with _runs_lock:
        _runs += 1
        if _runs != 2:
            return
    gc.collect()
    gc.freeze()


def session_dataset() -> Dataset:
    """The shipped data (parsed once per content) plus this session's accepted uploads."""
    _freeze_long_lived()
    with st.spinner(_("Loading curated data…")):
        base = compare.load_dataset()
    files = tuple(st.session_state.get("uploads", []))
    if not files:
        return base
    with st.spinner(_("Applying your uploaded data…")):
        return _with_uploads(base, base.content_hash, files)


def page_dataset() -> Dataset:
    """The dataset ``app.py`` loaded for this run: a page does not hash the data folder again."""
    ds = st.session_state.get("_dataset")
    return ds if ds is not None else session_dataset()


@st.cache_resource(show_spinner=False, max_entries=64)
def _cost_frame(_ds: Dataset, ds_hash: str, trip_json: str, lang: str) -> costs.CostFrame:
    """The whole-trip cost of one trip, worded in ``lang``: its JSON and the language are the cache key."""
    return costs.cost_frame(_ds, Trip.model_validate_json(trip_json))


@st.cache_resource(max_entries=64)
def _criteria(_ds: Dataset, ds_hash: str, trip_json: str, args: tuple, lang: str) -> pd.DataFrame:
    """Every criterion's raw value, cached on ``engine.criteria_args``: exactly what it reads."""
    frame = _cost_frame(_ds, ds_hash, trip_json, lang)
    return engine.criteria_frame(_ds, frame, **dict(args))


@st.cache_resource(show_spinner=False, max_entries=128)
def _ranked(
    _ds: Dataset, ds_hash: str, scenario_json: str, sensitivity: bool, concentration: float, lang: str
) -> Ranking:
    """One engine call per distinct (data, scenario); reruns with the same inputs are free.

    Cached as a shared resource (not copied): callers must not modify the result.
    """
    scenario = Scenario.model_validate_json(scenario_json)
    trip_json = scenario.trip.model_dump_json()
    table = _criteria(_ds, ds_hash, trip_json, tuple(engine.criteria_args(scenario).items()), lang)
    return compare.rank(
        _ds,
        scenario,
        sensitivity=sensitivity,
        samples=10_000,
        concentration=concentration,
        seed=0,
        frame=_cost_frame(_ds, ds_hash, trip_json, lang),
        criteria_table=table,
    )


def ranking_key(ds: Dataset, scenario: Scenario, sensitivity: bool, concentration: float) -> tuple:
    """What a ranking depends on (its words follow the language): views of a ranking are cached on the same key."""
    return (ds.content_hash, scenario.model_dump_json(), bool(sensitivity), float(concentration), i18n.current())


def current_ranking(
    ds: Dataset, scenario: Scenario, *, sensitivity: bool = False, concentration: float = 10.0
) -> Ranking:
    with st.spinner(_("Ranking…")):
        return _ranked(ds, *ranking_key(ds, scenario, sensitivity, concentration))


def trip_costs(ds: Dataset, trip: Trip) -> costs.CostFrame:
    with st.spinner(_("Working out trip costs…")):
        return _cost_frame(ds, ds.content_hash, trip.model_dump_json(), i18n.current())


def criteria_key(ds: Dataset, scenario: Scenario) -> tuple:
    """What every criterion's raw value depends on: weights, filters and method do not change it."""
    return (
        ds.content_hash,
        scenario.trip.model_dump_json(),
        tuple(engine.criteria_args(scenario).items()),
        i18n.current(),
    )


def criteria_table(ds: Dataset, scenario: Scenario) -> pd.DataFrame:
    """Every facility's criteria for this trip (the table a ranking filters and scores); do not modify."""
    return _criteria(ds, *criteria_key(ds, scenario))


_OPTIONS: dict[tuple[str, str, str], dict] = {}


def field_options(ds: Dataset, field: fields.Field) -> dict:
    """A sidebar field's choices, worked out once per dataset rather than on every rerun.

    A plain dictionary on (data hash, field): the sidebar asks for some twenty of them on every
    run, and ``st.cache_resource``'s own bookkeeping per call cost more than the lookup. Shared by
    every session, so callers must not modify the result.
    """
    key = (ds.content_hash, field.key, i18n.current())
    found = _OPTIONS.get(key)
    if found is None:
        if len(_OPTIONS) >= 256:  # data folders are edited, not collected: keep the newest
            _OPTIONS.clear()
        found = _OPTIONS[key] = fields.options(ds, field)
    return found


@st.cache_resource(show_spinner=False, max_entries=32)
def _shortlist_ranked(
    _ds: Dataset, ds_hash: str, scenario_json: str, quotes_json: tuple[str, ...], _quotes, lang: str
) -> Ranking:
    """A shortlist's ranking, keyed on its content: the page's reruns and its report reuse it."""
    from compare import report

    scenario = Scenario.model_validate_json(scenario_json)
    frame = _cost_frame(_ds, ds_hash, scenario.trip.model_dump_json(), lang)
    return report.shortlist_ranking(_ds, scenario, _quotes, frame=frame)


def shortlist_ranking(ds: Dataset, scenario: Scenario, saved_quotes: list) -> Ranking:
    """Rank once, render many: the shortlist's ranking (all filters off, saved quotes counted), cached."""
    key = tuple(q.to_json() for q in saved_quotes)
    with st.spinner(_("Ranking the shortlist…")):
        return _shortlist_ranked(ds, ds.content_hash, scenario.model_dump_json(), key, saved_quotes, i18n.current())


@st.cache_resource(show_spinner=False)
def _shortlist_database(target: str):
    """One database object (engine, pool, checked schema) per target, shared by every session."""
    from compare.shortlists import Database

    return Database(target)


def shortlist_store():
    """This session's owner's shortlists, or None with an explanation shown (the rest of the app keeps working).

    The owner comes from sign-in (``app.py``); every read and write of the store is
    scoped to it, so no name or URL can reach another user's shortlists.
    """
    from compare.shortlists import ShortlistError, ShortlistStore, default_target

    try:
        database = _shortlist_database(str(default_target()))
        return ShortlistStore(owner=st.session_state.get("_owner", ""), database=database)
    except ShortlistError as exc:
        st.error(_("Shortlists are unavailable: {error}").format(error=plain(exc)))
        return None
