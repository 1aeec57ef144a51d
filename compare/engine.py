"""The decision engine: one code path from data and scenario to an explained ranking."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from compare import costs, criteria
from compare.dataset import Dataset
from compare.filters import apply_filters, explain_empty
from compare.robustness import Acceptability, pareto_mask, rank_acceptability
from compare.scenario import Scenario
from compare.scoring import score

DEFAULT_WANTED = ["mis", "robotic_guidance", "navigation", "intraop_imaging"]
STALE_FACTOR = 0.5  # a stale or undated fact counts half as much towards confidence


@dataclass
class Ranking:
    """Everything a view or export needs about one ranking."""

    scenario: Scenario
    table: pd.DataFrame  # one row per ranked option, best first
    components: pd.DataFrame  # cost components of the ranked options
    filter_report: list[dict]
    candidates: int
    stay: costs.Stay
    baseline: dict | None
    origin: dict
    message: str | None = None
    acceptability: Acceptability | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.table.empty


def origin_row(ds: Dataset, origin_id: str) -> pd.Series:
    match = ds.origins[ds.origins["id"] == origin_id] if not ds.origins.empty else ds.origins
    if not len(match):
        known = sorted(ds.origins["id"]) if not ds.origins.empty else []
        raise ValueError(f"unknown origin {origin_id!r}; choose one of {known}")
    return match.iloc[0]


def _technology(df: pd.DataFrame, wanted: list[str], vocab) -> pd.Series:
    wanted = wanted or DEFAULT_WANTED

    def share(row) -> float:
        offered = set(row["techniques"]) | set(row["technologies"])
        if not offered:
            return math.nan  # nothing reported is not the same as nothing offered
        hits = sum((row["minimally_invasive"] if w == "mis" else w in offered) for w in wanted)
        return hits / len(wanted)

    return df.apply(share, axis=1).astype(float)


def _services(df: pd.DataFrame, languages: list[str]) -> pd.Series:
    office = df["international_office"].map(lambda v: math.nan if v is None or v is pd.NA else float(bool(v)))

    def lang(v) -> float:
        if not isinstance(v, list):
            return math.nan
        return float(bool(set(languages) & set(v))) if languages else float(bool(v))

    speaks = df["languages"].map(lang)
    return pd.concat([office, speaks], axis=1).mean(axis=1, skipna=True).astype(float)


def _confidence(ds: Dataset, ids: pd.Index, totals: pd.DataFrame) -> pd.Series:
    levels = {k: v.confidence for k, v in ds.vocab["evidence_levels"].items()}
    facts = ds.facts
    if facts.empty:
        fact_part = pd.Series(0.0, index=ids)
    else:
        weight = facts["evidence"].map(levels).astype(float) * np.where(
            facts["stale"] | facts["undated"], STALE_FACTOR, 1.0
        )
        fact_part = weight.groupby(facts["facility_id"]).mean().reindex(ids).fillna(0.0)
    measured = totals["n_components"].reindex(ids).astype(float)
    known = measured - totals["n_missing"].reindex(ids).astype(float)
    cost_part = (known / measured).fillna(0.0)
    return (0.5 * fact_part + 0.5 * cost_part).astype(float)


def criteria_frame(ds: Dataset, scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Facilities joined with trip totals, distances and every criterion's raw value."""
    origin = origin_row(ds, scenario.origin)
    components = costs.trip_components(ds, scenario)
    totals = costs.trip_totals(components)
    df = ds.facilities.join(totals).join(costs.distances(ds, origin))
    df["cost"] = (df["total_low"] + df["total_high"]) / 2
    # 2 points for an international hospital accreditation, 1 for a national one.
    df["accreditation"] = 2.0 * df["has_international_accreditation"] + 1.0 * df["has_national_accreditation"]
    df["volume"] = np.log10(1.0 + df["annual_spine_surgeries"].astype(float))
    df["technology"] = _technology(df, scenario.wanted, ds.vocab)
    df["outcomes"] = df["fusion_rate_pct"].astype(float)
    df["services"] = _services(df, scenario.filters.languages)
    df["travel"] = df["distance_km"].astype(float)
    df["confidence"] = _confidence(ds, df.index, totals)
    return df, components, origin.to_dict()


def frame_key(scenario: Scenario) -> str:
    """The part of a scenario that ``criteria_frame`` depends on (not weights or filters)."""
    return (
        scenario.model_dump_json(
            include={
                "origin",
                "currency",
                "procedure",
                "companion",
                "lodging_tier",
                "recovery_days",
                "flight_fare",
                "wanted",
            }
        )
        + "|"
        + ",".join(scenario.filters.languages)
    )


def rank(
    ds: Dataset,
    scenario: Scenario,
    *,
    sensitivity: bool = False,
    samples: int = 10_000,
    concentration: float = 10.0,
    seed: int = 0,
    frame: tuple[pd.DataFrame, pd.DataFrame, dict] | None = None,
) -> Ranking:
    """Filter, score, rank and explain every facility for one scenario.

    Raises ``ValueError`` for a scenario the data cannot answer (unknown origin or
    currency, all weights zero); an over-strict filter gives an empty ranking with a
    message instead. ``frame`` reuses a ``criteria_frame`` computed for a scenario with
    the same ``frame_key`` (the dashboard caches it across weight changes).
    """
    if scenario.procedure not in ds.vocab["procedures"]:
        raise ValueError(f"unknown procedure {scenario.procedure!r}; choose one of {sorted(ds.vocab['procedures'])}")
    df, components, origin = frame if frame is not None else criteria_frame(ds, scenario)
    kept, report = apply_filters(df, scenario.filters)
    stay = costs.stay(ds, scenario)
    baseline = costs.home_baseline(ds, scenario, origin["country"])
    base = {
        "scenario": scenario,
        "filter_report": report,
        "candidates": len(df),
        "stay": stay,
        "baseline": baseline,
        "origin": origin,
    }
    if kept.empty:
        return Ranking(table=kept, components=components.iloc[0:0], message=explain_empty(report, len(df)), **base)
    objectives = {c.id: c.objective for c in criteria.CRITERIA}
    scored = score(
        kept[list(objectives)], objectives, scenario.weights, method=scenario.method, missing=scenario.missing
    )
    table = kept.join(scored, how="inner").sort_values("rank")
    quality_weights = {**scenario.weights, "cost": 0.0}
    table["quality"] = np.nan
    if sum(quality_weights.values()) > 0:
        try:
            q = score(
                kept[list(objectives)], objectives, quality_weights, method=scenario.method, missing=scenario.missing
            )
            table["quality"] = q["score"].reindex(table.index)
        except ValueError:
            pass
    table["pareto"] = pareto_mask(table, {"cost": criteria.Objective.MIN, "quality": criteria.Objective.MAX})
    acceptability = None
    if sensitivity and len(table) > 1:
        acceptability = rank_acceptability(
            kept[list(objectives)],
            objectives,
            scenario.weights,
            method=scenario.method,
            missing=scenario.missing,
            samples=samples,
            concentration=concentration,
            seed=seed,
        )
        p1, p3 = acceptability.p_top(1), acceptability.p_top(3)
        table["p_rank1"] = p1.reindex(table.index.astype(str)).to_numpy()
        table["p_top3"] = p3.reindex(table.index.astype(str)).to_numpy()
        table["p_rank1_se"] = acceptability.std_error(p1).reindex(table.index.astype(str)).to_numpy()
    ranked_components = components[components["facility_id"].isin(table.index)]
    return Ranking(table=table, components=ranked_components, acceptability=acceptability, **base)
