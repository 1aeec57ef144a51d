"""The scenario sidebar, drawn from ``compare.fields.FIELDS``: one widget per field, URL-bound."""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic import ValidationError

import compare
from app_pages import language
from app_pages.state import field_options
from app_pages.ui import plain
from compare import costs, criteria, fields, i18n
from compare.data import Dataset
from compare.i18n import N_, _
from compare.scenario import Scenario

DEFAULTS = {k: int(v) if k.startswith(fields.WEIGHT_PREFIX) else v for k, v in fields.widget_state(Scenario()).items()}
SECTIONS = {"trip": N_("Your trip"), "filters": N_("Must have")}
# The presets' names as the selector shows them; the values stay the ids.
PRESET_LABELS = {
    "balanced": N_("Balanced"),
    "budget_first": N_("Budget first"),
    "quality_first": N_("Quality first"),
    "technology_first": N_("Technology first"),
    "close_to_home": N_("Close to home"),
}


def _preset_label(preset: str) -> str:
    return _(PRESET_LABELS.get(preset) or preset.replace("_", " ").capitalize())


def _widget(where, f: fields.Field, ds: Dataset, currency: str) -> Any:
    """Draw one field's widget and return its value."""
    label = _(f.label).format(currency=currency)
    common = {"key": f.key, "bind": "query-params", "help": _(f.help) or None}
    placeholder = _(f.placeholder)
    default = DEFAULTS[f.key]
    if f.kind in ("choice", "choices", "segment"):
        opts = field_options(ds, f)
        values = list(opts)
        fmt = lambda v, opts=opts: str(opts.get(v, v))  # noqa: E731
        if f.kind == "choices":
            return where.multiselect(label, values, format_func=fmt, placeholder=placeholder or _("any"), **common)
        if f.kind == "segment":
            chosen = where.segmented_control(label, values, default=default, format_func=fmt, **common)
            return default if chosen is None else chosen
        index = values.index(default) if default in values else 0
        return where.selectbox(label, values, index=index, format_func=fmt, **common)
    if f.kind == "toggle":
        return where.toggle(label, value=bool(default), **common)
    if f.kind == "fares":
        return where.text_input(label, placeholder=placeholder, max_chars=400, **common)
    number = int if f.kind == "int" else float
    bounds = {
        k: number(v)
        for k, v in (("min_value", f.min_value), ("max_value", f.max_value), ("step", f.step))
        if v is not None
    }
    return where.number_input(label, value=None, placeholder=placeholder, **bounds, **common)


def _apply_preset() -> None:
    preset = criteria.PRESETS.get(st.session_state.get("preset") or "balanced", criteria.DEFAULT_WEIGHTS)
    for c in criteria.CRITERIA:
        st.session_state[fields.WEIGHT_PREFIX + c.id] = int(preset[c.id])


def _scenario(state: dict[str, Any], data_hash: str) -> Scenario:
    """The scenario of the widget values; a value it refuses is named, and its default used."""
    for _attempt in range(len(fields.FIELDS) + 1):
        try:
            return fields.scenario_from_state(state, data_hash)
        except ValidationError as exc:
            refused = {
                f.key: err["msg"].removeprefix("Value error, ")
                for err in exc.errors()
                for f in fields.FIELDS
                if tuple(err["loc"][:2]) == (f.part, f.name)
            }
            if not refused:
                raise
            messages = {key: f"{_(fields.BY_KEY[key].label).split(' (')[0]}: {msg}" for key, msg in refused.items()}
        except ValueError as exc:  # the fares text names itself
            messages = {"fares": str(exc)}
        for key, message in messages.items():
            st.sidebar.error(
                _("{problem}. Using the default instead.").format(problem=plain(message)), icon=":material/error:"
            )
            state[key] = DEFAULTS[key]
    raise RuntimeError("unreachable: every field was reset to its default")


def sidebar(ds: Dataset) -> Scenario:
    """Every scenario input, each keyed and bound to the URL so a copied link reopens the view."""
    sb = st.sidebar
    state: dict[str, Any] = {}
    currency = st.session_state.get("currency") or DEFAULTS["currency"]
    for section, title in SECTIONS.items():
        sb.header(_(title), divider="blue")
        for f in fields.FIELDS:
            if f.section == section:
                state[f.key] = _widget(sb, f, ds, currency)
                currency = state.get("currency", currency)
        if section == "trip" and ds.travel and state.get("seat") != "economy":
            sb.caption(plain(ds.travel.fares.seat_note or ""))

    sb.header(_("What matters to you"), divider="blue")
    sb.selectbox(
        _("Preset"),
        list(criteria.PRESETS),
        key="preset",
        on_change=_apply_preset,
        format_func=language.labels(criteria.PRESETS, _preset_label),
    )
    for c in criteria.CRITERIA:
        key = fields.WEIGHT_PREFIX + c.id
        state[key] = sb.slider(
            _(c.label),
            0,
            10,
            DEFAULTS[key],
            key=key,
            bind="query-params",
            help=f"{_(c.description)} ({_(c.better)})",
        )
    with sb.expander(_("Advanced")):
        for f in fields.FIELDS:
            if f.section == "advanced":
                state[f.key] = _widget(st, f, ds, currency)
        st.button(_("Reset weights to preset"), on_click=_apply_preset, key="reset_weights")

    scenario_loader()
    if sum(state[fields.WEIGHT_PREFIX + c.id] for c in criteria.CRITERIA) == 0:
        sb.warning(_("All weights are zero; using the balanced preset."))
        state.update({fields.WEIGHT_PREFIX + k: v for k, v in criteria.DEFAULT_WEIGHTS.items()})
    scenario = _scenario(state, ds.content_hash[:16])
    # What the data cannot answer (an absurd fare, a passport not in the data) is named on the
    # sidebar and its default used; the rest of the scenario stands.
    problems = costs.trip_problems(ds, scenario.trip)
    if problems:
        by_name = {f.name: f.key for f in fields.FIELDS if f.part == "trip"}
        for name, message in problems.items():
            st.sidebar.error(
                _("{problem}. Using the default instead.").format(problem=plain(message)), icon=":material/error:"
            )
            state[by_name[name]] = DEFAULTS[by_name[name]]
        scenario = _scenario(state, ds.content_hash[:16])
    return scenario


def apply_scenario(scenario: Scenario) -> None:
    """Set every sidebar widget from a scenario. Call from a callback (before widgets exist)."""
    for key, value in fields.widget_state(scenario).items():
        # The weight sliders take whole numbers.
        st.session_state[key] = int(round(value)) if key.startswith(fields.WEIGHT_PREFIX) else value


def _load_scenario_file() -> None:
    # A callback runs before app.py sets this run's language: word its problems in the session's.
    i18n.use(st.session_state.get("lang"))
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
    with st.sidebar.expander(_("Load a saved scenario")):
        st.file_uploader(
            _("Scenario file (.yaml)"),
            type=["yaml", "yml"],
            key="scenario_file",
            on_change=_load_scenario_file,
            max_upload_size=1,
        )
        for line in st.session_state.get("_scenario_error", []):
            st.error(plain(line))
