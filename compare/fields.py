"""One table of scenario fields: the sidebar, its URL parameters and the CLI flags come from it.

Each ``Field`` says where its value lives in the ``Scenario`` (part and attribute), what
kind of input it is, its label and help, and where its options come from. The dashboard
draws one widget per field (keyed and URL-bound by ``key``); the CLI adds one flag per
field; ``widget_state`` and ``scenario_from_state`` convert between a scenario and the
flat values of those widgets or flags. The weights are one more field per criterion.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pycountry

from compare import criteria
from compare.data import Dataset
from compare.i18n import N_, _, ngettext
from compare.scenario import CostBasis, CostCriterion, LodgingTier, Method, MissingPolicy, Scenario, Seat


@dataclass(frozen=True)
class Field:
    key: str  # widget key and URL parameter
    part: str  # "trip", "filters" or "preferences"
    name: str  # attribute in that part
    label: str  # "{currency}" is replaced by the display currency
    kind: str  # choice | choices | toggle | segment | int | float | fares
    section: str  # sidebar section: trip | filters | advanced
    flag: str  # CLI flag (without dashes)
    help: str = ""
    options: str | None = None  # a name in OPTION_SOURCES
    placeholder: str = ""
    min_value: float | None = None
    max_value: float | None = None
    step: float | None = None
    unset: Any = None  # the widget value that stands for "not set" (None in the scenario)


FIELDS: tuple[Field, ...] = (
    Field("origin", "trip", "origin", N_("Travelling from"), "choice", "trip", "origin", options="origins"),
    Field("currency", "trip", "currency", N_("Show costs in"), "choice", "trip", "currency", options="currencies"),
    Field(
        "passport",
        "trip",
        "passport",
        N_("Passport"),
        "choice",
        "trip",
        "passport",
        N_(
            "Decides the visa each destination asks for (Passport Index data of 2025-01-12). "
            "Default: the country you travel from. A companion is taken to hold the same passport."
        ),
        options="passports",
        unset="",
    ),
    Field("procedure", "trip", "procedure", N_("Operation"), "choice", "trip", "procedure", options="procedures"),
    Field("companion", "trip", "companion", N_("A companion travels with me"), "toggle", "trip", "companion"),
    Field(
        "seat",
        "trip",
        "seat",
        N_("Your seat on the flights"),
        "segment",
        "trip",
        "seat",
        N_(
            "Sitting still for hours soon after fusion raises the risk of blood clots; more room makes it "
            "easier to move. A companion is priced in economy."
        ),
        options="seats",
    ),
    Field(
        "lodging",
        "trip",
        "lodging_tier",
        N_("Lodging"),
        "segment",
        "trip",
        "lodging",
        N_(
            "Mid-range: up to the U.S. State Department's hotel ceiling for the city (a mid-to-upper "
            "hotel). Budget and premium use local figures where the data has them."
        ),
        options="lodging_tiers",
    ),
    Field(
        "recovery",
        "trip",
        "recovery_days",
        N_("Days in the country after discharge"),
        "int",
        "trip",
        "recovery-days",
        N_("Leave empty to follow the safe-to-fly guidance for your flight home (longer for long-haul flights)."),
        placeholder=N_("from safe-to-fly guidance"),
        min_value=0,
        max_value=365,
        step=1,
    ),
    Field(
        "fare",
        "trip",
        "flight_fare",
        N_("Your return airfare per traveller ({currency})"),
        "float",
        "trip",
        "flight-fare",
        N_("Replaces the estimate from distance for every destination."),
        placeholder=N_("estimated from distance"),
        min_value=0.0,
        max_value=10_000_000.0,
        step=50.0,
    ),
    Field(
        "fares",
        "trip",
        "fares",
        N_("Your fare by destination country ({currency})"),
        "fares",
        "trip",
        "fare",
        N_("Return fare per traveller for one country, e.g. 'TH=850, TR=420'. Wins over the fare above."),
        placeholder=N_("e.g. TH=850, TR=420"),
    ),
    Field(
        "insurance",
        "trip",
        "complication_insurance",
        N_("Complication insurance quote ({currency})"),
        "float",
        "trip",
        "complication-insurance",
        N_(
            "Ordinary travel insurance usually excludes complications of planned surgery abroad; a "
            "specialist policy's price, if you have a quote, is added to every trip."
        ),
        placeholder=N_("none entered"),
        min_value=0.0,
        max_value=10_000_000.0,
        step=50.0,
    ),
    Field(
        "recommended",
        "trip",
        "recommended_at_home",
        N_("Was this operation recommended by a doctor at home?"),
        "segment",
        "trip",
        "recommended-at-home",
        N_(
            "Patients who went ahead abroad without approval at home fared worse in a study of spine "
            "surgery tourists; a second opinion before travelling is wise."
        ),
        options="recommended",
    ),
    Field(
        "abroad_rates",
        "trip",
        "abroad_rates",
        N_("Use complication rates reported for patients operated abroad"),
        "toggle",
        "advanced",
        "abroad-rates",
        N_("Where a study reports a higher rate for patients who travelled, it is used by default."),
    ),
    Field("countries", "filters", "countries", N_("Countries"), "choices", "filters", "country", options="countries"),
    Field(
        "accreditation",
        "filters",
        "accreditation",
        N_("Accreditation"),
        "choice",
        "filters",
        "accreditation",
        options="accreditation",
        unset="",
    ),
    Field(
        "techniques",
        "filters",
        "techniques",
        N_("Techniques and technology"),
        "choices",
        "filters",
        "require",
        options="techniques",
        placeholder=N_("none required"),
    ),
    Field(
        "min_volume",
        "filters",
        "min_volume",
        N_("Minimum spine operations a year"),
        "int",
        "filters",
        "min-volume",
        N_("Few facilities publish this; a minimum removes those that do not."),
        placeholder=N_("no minimum"),
        min_value=0,
        max_value=100_000,
        step=100,
    ),
    Field(
        "languages",
        "filters",
        "languages",
        N_("Languages spoken"),
        "choices",
        "filters",
        "language",
        options="languages",
    ),
    Field(
        "budget",
        "filters",
        "budget",
        N_("Budget for the whole trip ({currency})"),
        "float",
        "filters",
        "budget",
        N_("Compared with the high end of each whole-trip estimate."),
        placeholder=N_("no cap"),
        min_value=0.0,
        step=500.0,
        unset=0.0,
    ),
    Field(
        "max_hours",
        "filters",
        "max_flight_hours",
        N_("Maximum flight time (hours, estimated)"),
        "float",
        "filters",
        "max-flight-hours",
        placeholder=N_("no limit"),
        min_value=1.0,
        max_value=40.0,
        step=1.0,
    ),
    Field(
        "max_age",
        "filters",
        "max_price_age_months",
        N_("Price no older than"),
        "choice",
        "filters",
        "max-price-age",
        options="price_ages",
        unset=0,
    ),
    Field(
        "hide_thin",
        "filters",
        "hide_thin",
        N_("Hide options with too little data to rank"),
        "toggle",
        "filters",
        "hide-thin",
        N_("Options for which more than half of the weighted criteria are not reported."),
    ),
    Field(
        "cost_criterion",
        "preferences",
        "cost_criterion",
        N_("Cost criterion"),
        "segment",
        "advanced",
        "cost-criterion",
        N_("Whole trip, or whole trip plus the expected cost of complications (risk-adjusted)."),
        options="cost_criteria",
    ),
    Field(
        "cost_basis",
        "preferences",
        "cost_basis",
        N_("Compare costs by"),
        "segment",
        "advanced",
        "cost-basis",
        N_(
            "Comparable: a part no source reports is filled with a labelled estimate from comparable "
            "places, so sparse data does not look cheap. Documented: only what is sourced or estimated."
        ),
        options="cost_bases",
    ),
    Field("method", "preferences", "method", N_("Method"), "segment", "advanced", "method", options="methods"),
    Field(
        "missing",
        "preferences",
        "missing",
        N_("When a value is not reported"),
        "choice",
        "advanced",
        "missing",
        options="policies",
    ),
    Field(
        "wanted",
        "preferences",
        "wanted",
        N_("Technology I'd like (for 'technology match')"),
        "choices",
        "advanced",
        "want",
        options="wanted",
        placeholder=N_("default: MIS, robot, navigation, intra-op imaging"),
    ),
)
BY_KEY = {f.key: f for f in FIELDS}
WEIGHT_PREFIX = "w_"


# ---- options ------------------------------------------------------------------------------


def _enum(cls: type[enum.Enum], labels: Mapping[str, str]) -> Callable[[Dataset], dict[str, str]]:
    """The members' values and their labels (marked ``N_``), worded in the current language."""
    return lambda ds: {m.value: _(labels.get(m.value, m.value)) for m in cls}


def _passports(ds: Dataset) -> dict[str, str]:
    names = {code: getattr(pycountry.countries.get(alpha_2=code), "name", code) for code in ds.passports}
    return {"": _("same as the country I travel from"), **dict(sorted(names.items(), key=lambda kv: kv[1]))}


def _origins(ds: Dataset) -> dict[str, str]:
    return {
        o: f"{city} ({country})"
        for o, city, country in zip(ds.origins["id"], ds.origins["city"], ds.origins["country"], strict=True)
    }


def _accreditation(ds: Dataset) -> dict[str, str]:
    bodies = ds.vocab["accreditation_bodies"]
    return {
        "": _("not required"),
        "international": _("any international (e.g. JCI)"),
        **{k: v.name for k, v in bodies.items()},
    }


OPTION_SOURCES: dict[str, Callable[[Dataset], dict]] = {
    "origins": _origins,
    "currencies": lambda ds: {c: c for c in sorted(ds.fx["currency"])},
    "passports": _passports,
    "procedures": lambda ds: {k: _(v.label) for k, v in ds.vocab["procedures"].items() if k != "lumbar_fusion"},
    "seats": _enum(Seat, {"economy": N_("Economy"), "extra_legroom": N_("Extra legroom"), "business": N_("Business")}),
    "lodging_tiers": _enum(LodgingTier, {"budget": N_("Budget"), "mid": N_("Mid-range"), "premium": N_("Premium")}),
    "countries": lambda ds: dict(sorted(zip(ds.facilities["country"], ds.facilities["country_name"], strict=False))),
    "accreditation": _accreditation,
    "techniques": lambda ds: {k: _(v.label) for k, v in ds.vocab["techniques"].items()},
    "languages": lambda ds: {
        code: code for code in sorted({c for v in ds.facilities["languages"] if isinstance(v, list) for c in v})
    },
    "price_ages": lambda ds: {
        0: _("any date"),
        **{months: ngettext("{n} year", "{n} years", months // 12).format(n=months // 12) for months in (24, 60, 120)},
    },
    "cost_bases": _enum(CostBasis, {"comparable": N_("Comparable"), "documented": N_("Documented only")}),
    "cost_criteria": _enum(CostCriterion, {"trip": N_("Whole trip"), "risk_adjusted": N_("Risk-adjusted")}),
    "recommended": lambda ds: {"not_asked": _("Not asked"), "yes": _("Yes"), "no": _("No")},
    "methods": _enum(Method, {"wsm": N_("Weighted sum"), "topsis": N_("TOPSIS")}),
    "policies": _enum(
        MissingPolicy,
        {
            "worst": N_("Count as worst"),
            "median": N_("Count as the median"),
            "exclude": N_("Leave out, reweight the rest"),
        },
    ),
    "wanted": lambda ds: {
        "mis": _("Any minimally invasive approach"),
        **{k: _(v.label) for k, v in ds.vocab["techniques"].items()},
    },
}


# Option lists that do not depend on the data: the CLI offers them as argparse choices.
STATIC_OPTIONS = {
    "seats",
    "lodging_tiers",
    "price_ages",
    "cost_bases",
    "cost_criteria",
    "recommended",
    "methods",
    "policies",
}


def options(ds: Dataset, field: Field) -> dict:
    """The field's choices as ``{value: label}``, in display order."""
    return OPTION_SOURCES[field.options](ds) if field.options else {}


# ---- fares as text ---------------------------------------------------------------------------

_FARE = re.compile(r"^\s*([A-Za-z]{2})\s*[=:]\s*([0-9]+(?:\.[0-9]+)?)\s*$")


def parse_fares(text: str | None) -> dict[str, float]:
    """'TH=850, tr: 420' -> {'TH': 850.0, 'TR': 420.0}; ``ValueError`` naming the bad part."""
    out: dict[str, float] = {}
    for part in (text or "").replace(";", ",").split(","):
        if not part.strip():
            continue
        match = _FARE.match(part)
        if not match:
            raise ValueError(_("{text} is not COUNTRY=AMOUNT (e.g. TH=850)").format(text=repr(part.strip())))
        code = match.group(1).upper()
        if pycountry.countries.get(alpha_2=code) is None:
            raise ValueError(
                _("unknown country code {code} in {text}").format(code=repr(code), text=repr(part.strip()))
            )
        out[code] = float(match.group(2))
    return out


def format_fares(fares: Mapping[str, float]) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in fares.items())


# ---- scenario <-> flat values --------------------------------------------------------------


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def widget_state(scenario: Scenario) -> dict[str, Any]:
    """The flat widget values (by key) that reproduce ``scenario``."""
    state: dict[str, Any] = {}
    for f in FIELDS:
        value = _plain(getattr(getattr(scenario, f.part), f.name))
        if f.kind == "fares":
            value = format_fares(value)
        elif isinstance(value, list):
            value = list(value)
        elif value is None:
            value = f.unset
        state[f.key] = value
    for c in criteria.CRITERIA:
        state[WEIGHT_PREFIX + c.id] = scenario.preferences.weights.get(c.id, 0.0)
    return state


def scenario_from_state(state: Mapping[str, Any], data_hash: str | None = None) -> Scenario:
    """The scenario the flat values describe; a value equal to its field's ``unset`` means not set.

    Raises ``ValueError`` (pydantic's ``ValidationError`` is one) naming the field.
    """
    parts: dict[str, dict[str, Any]] = {"trip": {}, "filters": {}, "preferences": {}}
    for f in FIELDS:
        if f.key not in state:
            continue
        value = state[f.key]
        if f.kind == "fares":
            try:
                value = parse_fares(value)
            except ValueError as exc:
                raise ValueError(f"{_(f.label).split(' (')[0]}: {exc}") from None
        elif f.unset is not None and value == f.unset:
            value = None
        if f.kind == "toggle":
            value = bool(value)
        if value is not None or f.kind in ("int", "float", "choice"):
            parts[f.part][f.name] = value
    weights = {c.id: float(state[WEIGHT_PREFIX + c.id]) for c in criteria.CRITERIA if WEIGHT_PREFIX + c.id in state}
    if weights:
        parts["preferences"]["weights"] = weights
    return Scenario.model_validate({**parts, "data_hash": data_hash})
