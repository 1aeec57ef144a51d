"""Shared dashboard pieces: cached engine calls, the scenario sidebar, the footer."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

import compare
from compare import criteria, engine, uploads
from compare.dataset import Dataset
from compare.engine import Ranking
from compare.scenario import Filters, Method, MissingPolicy, Scenario

DISCLAIMER = (
    "Decision support, not medical advice. Figures come from public sources of varying age and "
    "reliability; confirm every price, date and fact with the hospital and your own doctor."
)
POLICY_LABELS = {
    "worst": "Count as worst",
    "median": "Count as the median",
    "exclude": "Leave out, reweight the rest",
}
METHOD_LABELS = {"wsm": "Weighted sum", "topsis": "TOPSIS"}


# ---- data and engine, cached -------------------------------------------------------


@st.cache_resource(show_spinner="Applying your uploaded data…", max_entries=32)
def _with_uploads(_base: Dataset, base_hash: str, files: tuple[tuple[str, bytes], ...]) -> Dataset:
    ds = _base
    for name, raw in files:
        updated, _ = uploads.add_upload(ds, name, raw)
        ds = updated or ds
    return ds


def session_dataset() -> Dataset:
    """The shipped data (parsed once per content) plus this session's accepted uploads."""
    with st.spinner("Loading curated data…"):
        base = compare.load_dataset()
    files = tuple(st.session_state.get("uploads", []))
    return _with_uploads(base, base.content_hash, files) if files else base


@st.cache_resource(show_spinner="Working out trip costs…", max_entries=64)
def _frame(_ds: Dataset, ds_hash: str, key: str, _scenario: Scenario):
    """Costs and criterion values: independent of weights, so weight changes reuse them."""
    return engine.criteria_frame(_ds, _scenario)


@st.cache_resource(show_spinner="Ranking…", max_entries=128)
def ranked(_ds: Dataset, ds_hash: str, scenario_json: str, sensitivity: bool, concentration: float) -> Ranking:
    """One engine call per distinct (data, scenario); reruns with the same inputs are free.

    Cached as a shared resource (not copied): callers must not modify the result.
    """
    scenario = Scenario.model_validate_json(scenario_json)
    frame = _frame(_ds, ds_hash, engine.frame_key(scenario), scenario)
    return compare.rank(
        _ds, scenario, sensitivity=sensitivity, samples=10_000, concentration=concentration, seed=0, frame=frame
    )


def current_ranking(
    ds: Dataset, scenario: Scenario, *, sensitivity: bool = False, concentration: float = 10.0
) -> Ranking:
    return ranked(ds, ds.content_hash, scenario.model_dump_json(), sensitivity, concentration)


# ---- formatting -------------------------------------------------------------------


def not_reported(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not reported"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none found"
    return str(value)


# ---- sidebar ----------------------------------------------------------------------


def _apply_preset() -> None:
    preset = criteria.PRESETS.get(st.session_state.get("preset") or "balanced", criteria.DEFAULT_WEIGHTS)
    for c in criteria.CRITERIA:
        st.session_state[f"w_{c.id}"] = int(preset[c.id])


def sidebar(ds: Dataset) -> Scenario:
    """Every scenario input, each keyed and bound to the URL so a copied link reopens the view."""
    origins = ds.origins.set_index("id") if not ds.origins.empty else pd.DataFrame()
    currencies = sorted(ds.fx["currency"]) if not ds.fx.empty else ["USD"]
    procedures = {k: v.label for k, v in ds.vocab["procedures"].items() if k != "lumbar_fusion"}
    techniques = ds.vocab["techniques"]
    bodies = ds.vocab["accreditation_bodies"]
    countries = sorted(ds.facilities["country"].unique()) if not ds.facilities.empty else []
    names = dict(zip(ds.facilities["country"], ds.facilities["country_name"], strict=False))
    languages = sorted({code for v in ds.facilities["languages"] if isinstance(v, list) for code in v})

    sb = st.sidebar
    sb.header("Your trip", divider="blue")
    origin = sb.selectbox(
        "Travelling from",
        list(origins.index),
        key="origin",
        bind="query-params",
        index=list(origins.index).index("new-york") if "new-york" in origins.index else 0,
        format_func=lambda o: f"{origins.loc[o, 'city']} ({origins.loc[o, 'country']})",
    )
    currency = sb.selectbox(
        "Show costs in",
        currencies,
        key="currency",
        bind="query-params",
        index=currencies.index("USD") if "USD" in currencies else 0,
    )
    procedure = sb.selectbox(
        "Operation",
        list(procedures),
        key="procedure",
        bind="query-params",
        index=list(procedures).index("fusion_1l_mis") if "fusion_1l_mis" in procedures else 0,
        format_func=procedures.get,
    )
    companion = sb.toggle("A companion travels with me", key="companion", bind="query-params")
    lodging = (
        sb.segmented_control(
            "Lodging",
            ["budget", "mid", "premium"],
            key="lodging",
            bind="query-params",
            default="mid",
            format_func=str.capitalize,
        )
        or "mid"
    )
    recovery = sb.number_input(
        "Recovery days before flying home",
        min_value=0,
        max_value=180,
        value=None,
        step=1,
        key="recovery",
        bind="query-params",
        placeholder="from safe-to-fly guidance",
        help="Leave empty to use the data's guidance (2–3 weeks minimum; long-haul flights: 8–12 weeks).",
    )
    fare = sb.number_input(
        f"Return airfare per traveller ({currency})",
        min_value=0.0,
        max_value=100_000.0,
        value=None,
        step=50.0,
        key="fare",
        bind="query-params",
        placeholder="not known",
        help="No reliable public fare data exists, so flights count only if you enter a fare.",
    )

    sb.header("Must have", divider="blue")
    chosen_countries = sb.multiselect(
        "Countries",
        countries,
        key="countries",
        bind="query-params",
        format_func=lambda c: names.get(c, c),
        placeholder="any country",
    )
    acc_options = ["", "international", *bodies]
    accreditation = sb.selectbox(
        "Accreditation",
        acc_options,
        key="accreditation",
        bind="query-params",
        format_func=lambda a: {"": "not required", "international": "any international (e.g. JCI)"}.get(
            a, bodies[a].name if a in bodies else a
        ),
    )
    required = sb.multiselect(
        "Techniques and technology",
        list(techniques),
        key="techniques",
        bind="query-params",
        format_func=lambda t: techniques[t].label,
        placeholder="none required",
    )
    min_volume = sb.number_input(
        "Minimum spine operations a year",
        min_value=0,
        max_value=100_000,
        value=None,
        step=100,
        key="min_volume",
        bind="query-params",
        placeholder="no minimum",
        help="Few facilities publish this; a minimum removes those that do not.",
    )
    langs = sb.multiselect("Languages spoken", languages, key="languages", bind="query-params", placeholder="any")
    budget = sb.number_input(
        f"Budget for the whole trip ({currency})",
        min_value=0.0,
        value=None,
        step=500.0,
        key="budget",
        bind="query-params",
        placeholder="no cap",
        help="Compared with the high end of each whole-trip estimate.",
    )
    max_hours = sb.number_input(
        "Maximum flight time (hours, estimated)",
        min_value=1.0,
        max_value=40.0,
        value=None,
        step=1.0,
        key="max_hours",
        bind="query-params",
        placeholder="no limit",
    )
    max_age = sb.selectbox(
        "Price no older than",
        [0, 24, 60, 120],
        key="max_age",
        bind="query-params",
        format_func=lambda m: "any date" if m == 0 else f"{m // 12} years",
    )

    sb.header("What matters to you", divider="blue")
    sb.selectbox(
        "Preset",
        list(criteria.PRESETS),
        key="preset",
        on_change=_apply_preset,
        format_func=lambda p: p.replace("_", " ").capitalize(),
    )
    weights = {}
    for c in criteria.CRITERIA:
        weights[c.id] = sb.slider(
            c.label,
            0,
            10,
            int(c.default_weight),
            key=f"w_{c.id}",
            bind="query-params",
            help=f"{c.description} ({c.better})",
        )
    with sb.expander("Advanced"):
        method = (
            st.segmented_control(
                "Method",
                [m.value for m in Method],
                key="method",
                bind="query-params",
                default="wsm",
                format_func=METHOD_LABELS.get,
            )
            or "wsm"
        )
        missing = st.selectbox(
            "When a value is not reported",
            [p.value for p in MissingPolicy],
            key="missing",
            bind="query-params",
            format_func=POLICY_LABELS.get,
        )
        wanted = st.multiselect(
            "Technology I'd like (for 'technology match')",
            ["mis", *techniques],
            key="wanted",
            bind="query-params",
            placeholder="default: MIS, robot, navigation, intra-op imaging",
            format_func=lambda t: "Any minimally invasive approach" if t == "mis" else techniques[t].label,
        )
        st.button("Reset weights to preset", on_click=_apply_preset, key="reset_weights")

    scenario_loader()
    if sum(weights.values()) == 0:
        sb.warning("All weights are zero; using the balanced preset.")
        weights = dict(criteria.DEFAULT_WEIGHTS)
    return Scenario(
        origin=origin,
        currency=currency,
        procedure=procedure,
        companion=bool(companion),
        lodging_tier=lodging,
        recovery_days=recovery,
        flight_fare=fare,
        wanted=wanted,
        filters=Filters(
            countries=chosen_countries,
            accreditation=accreditation or None,
            techniques=required,
            min_volume=min_volume,
            languages=langs,
            budget=budget or None,
            max_flight_hours=max_hours,
            max_price_age_months=max_age or None,
        ),
        weights={k: float(v) for k, v in weights.items()},
        method=Method(method),
        missing=MissingPolicy(missing),
        data_hash=ds.content_hash[:16],
    )


def footer(ds: Dataset) -> None:
    meta = ds.metadata
    st.divider()
    if meta is not None:
        st.caption(
            f"{DISCLAIMER}  \nData: {meta.title} · Licence: {meta.license} · Retrieved: {meta.retrieved} · "
            f"{len(ds.facilities)} facilities · data version {ds.content_hash[:12]}"
        )
    else:
        st.caption(DISCLAIMER)


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~:$&")
_JOINER = "\u2060"  # an invisible word joiner: breaks autolinks without changing what shows


def plain(text: object) -> str:
    """Escape markdown so text from data or uploads shows literally (no links, no markup).

    Backslash escapes stop markup, but Markdown still turns bare URLs, ``www.`` names and
    e-mail addresses into links, so those get an invisible word joiner as well.
    """
    escaped = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))
    for pattern, replacement in (
        ("\\:", "\\:" + _JOINER),
        ("www", "w" + _JOINER + "ww"),
        ("WWW", "W" + _JOINER + "WW"),
        ("@", _JOINER + "@"),
    ):
        escaped = escaped.replace(pattern, replacement)
    return escaped


def split_sources(df: pd.DataFrame, column: str = "source_url") -> pd.DataFrame:
    """Copy with ``column`` kept only for http(s) URLs (a link column) and ``citation`` for the rest."""
    is_url = df[column].map(lambda v: isinstance(v, str) and v.startswith(("http://", "https://")))
    return df.assign(**{column: df[column].where(is_url), "citation": df[column].where(~is_url)})


# ---- scenarios and shortlists ------------------------------------------------------


def widget_state(scenario: Scenario) -> dict:
    """The sidebar widget values that reproduce ``scenario`` (keys as in ``sidebar``)."""
    f = scenario.filters
    state = {
        "origin": scenario.origin,
        "currency": scenario.currency,
        "procedure": scenario.procedure,
        "companion": scenario.companion,
        "lodging": scenario.lodging_tier,
        "recovery": scenario.recovery_days,
        "fare": scenario.flight_fare,
        "countries": list(f.countries),
        "accreditation": f.accreditation or "",
        "techniques": list(f.techniques),
        "min_volume": f.min_volume,
        "languages": list(f.languages),
        "budget": f.budget,
        "max_hours": f.max_flight_hours,
        "max_age": f.max_price_age_months or 0,
        "method": scenario.method.value,
        "missing": scenario.missing.value,
        "wanted": list(scenario.wanted),
    }
    for c in criteria.CRITERIA:
        state[f"w_{c.id}"] = int(round(scenario.weights.get(c.id, 0)))
    return state


def apply_scenario(scenario: Scenario) -> None:
    """Set every sidebar widget from a scenario. Call from a callback (before widgets exist)."""
    for key, value in widget_state(scenario).items():
        st.session_state[key] = value


def _load_scenario_file() -> None:
    upload = st.session_state.get("scenario_file")
    if upload is None:
        return
    try:
        scenario = compare.scenario_from_yaml(upload.getvalue(), upload.name)
    except compare.DataError as exc:
        st.session_state["_scenario_error"] = [str(p) for p in exc.problems]
        return
    st.session_state.pop("_scenario_error", None)
    apply_scenario(scenario)


def scenario_loader() -> None:
    """Sidebar upload of a saved scenario file; a bad file changes nothing."""
    with st.sidebar.expander("Load a saved scenario"):
        st.file_uploader(
            "Scenario file (.yaml)",
            type=["yaml", "yml"],
            key="scenario_file",
            on_change=_load_scenario_file,
            max_upload_size=1,
        )
        for line in st.session_state.get("_scenario_error", []):
            st.error(plain(line))


def shortlist_store():
    """The shortlist database, or None with an explanation shown (the rest of the app keeps working)."""
    from compare.shortlists import ShortlistError, ShortlistStore

    try:
        return ShortlistStore()
    except ShortlistError as exc:
        st.error(f"Shortlists are unavailable: {plain(exc)}")
        return None
