"""The decision engine: one code path from data and scenario to an explained ranking."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from compare import costs, criteria
from compare.data import Dataset
from compare.filters import apply_filters, explain_empty
from compare.i18n import _
from compare.pareto import pareto_mask
from compare.robustness import Acceptability, rank_top_counts
from compare.scenario import CostBasis, CostCriterion, Scenario
from compare.scoring import score

DEFAULT_WANTED = ["mis", "robotic_guidance", "navigation", "intraop_imaging"]
STALE_FACTOR = 0.5  # a stale or undated fact counts half as much towards confidence
THIN_SHARE = 0.5  # more than this share of the weighted criteria not reported: too little data to rank


@dataclass
class Ranking:
    """Everything a view or export needs about one ranking."""

    scenario: Scenario
    table: pd.DataFrame  # one row per ranked option, best first
    components: pd.DataFrame  # cost components of the ranked options
    filter_report: list[dict]
    candidates: int
    costs: costs.CostFrame
    baseline: dict | None
    rate_note: str
    message: str | None = None
    caution: dict | None = None  # {"text", "source_url"} when the operation was not recommended at home
    acceptability: Acceptability | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.table.empty

    @property
    def origin(self) -> dict:
        return self.costs.origin


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
    """Half the facts' evidence, half the whole-trip cost's completeness."""
    facts = ds.facts
    if facts.empty:
        fact_part = pd.Series(0.0, index=ids)
    else:
        # Each figure's confidence is its evidence level's, capped by its kind of source.
        weight = facts["confidence"].astype(float) * np.where(facts["stale"] | facts["undated"], STALE_FACTOR, 1.0)
        fact_part = weight.groupby(facts["facility_id"]).mean().reindex(ids).fillna(0.0)
    cost_part = totals["completeness"].reindex(ids).astype(float).fillna(0.0)
    return (0.5 * fact_part + 0.5 * cost_part).astype(float)


def accreditation_points(df: pd.DataFrame) -> pd.Series:
    """2 points for an international hospital accreditation, 1 for a national one; one with no
    evidence of being current in the last 36 months counts half (the row's note says which)."""
    intl = np.where(
        df["international_accreditation_current"], 2.0, np.where(df["has_international_accreditation"], 1.0, 0.0)
    )
    national = np.where(df["national_accreditation_current"], 1.0, np.where(df["has_national_accreditation"], 0.5, 0.0))
    return pd.Series(intl + national, index=df.index, dtype=float)


def criteria_frame(
    ds: Dataset,
    frame: costs.CostFrame,
    *,
    wanted: Sequence[str] = (),
    languages: Sequence[str] = (),
    cost_basis: CostBasis | str = CostBasis.COMPARABLE,
    cost_criterion: CostCriterion | str = CostCriterion.TRIP,
) -> pd.DataFrame:
    """Facilities joined with a trip's costs and journeys, and every criterion's raw value.

    Its arguments are all it depends on, so a caller can cache it on them: weights, method
    and the other filters do not change it.
    """
    cost_basis, cost_criterion = CostBasis(cost_basis), CostCriterion(cost_criterion)
    df = ds.facilities.join(frame.totals).join(frame.journeys)
    df["total_low"], df["total_high"] = df[f"{cost_basis.value}_low"], df[f"{cost_basis.value}_high"]
    # The risk-adjusted total adds the expected cost of the complications whose cost is known.
    df["risk_adjusted_low"] = df["total_low"] + df["expected_low"].fillna(0.0)
    df["risk_adjusted_high"] = df["total_high"] + df["expected_high"].fillna(0.0)
    if cost_criterion is CostCriterion.RISK_ADJUSTED:
        df["cost_low"], df["cost_high"] = df["risk_adjusted_low"], df["risk_adjusted_high"]
    else:
        df["cost_low"], df["cost_high"] = df["total_low"], df["total_high"]
    df["cost"] = (df["cost_low"] + df["cost_high"]) / 2
    df["accreditation"] = accreditation_points(df)
    df["volume"] = np.log10(1.0 + df["annual_spine_surgeries"].astype(float))
    df["technology"] = _technology(df, list(wanted), ds.vocab)
    df["outcomes"] = df["fusion_rate_pct"].astype(float)
    df["services"] = _services(df, list(languages))
    df["travel"] = df["distance_km"].astype(float)
    df["confidence"] = _confidence(ds, df.index, frame.totals)
    return df


def criteria_args(scenario: Scenario) -> dict:
    """The keyword arguments of ``criteria_frame`` for a scenario: plain, hashable values, so a
    cache can key on them (the dashboard does)."""
    prefs = scenario.preferences
    return {
        "wanted": tuple(prefs.wanted),
        "languages": tuple(scenario.filters.languages),
        "cost_basis": prefs.cost_basis.value,
        "cost_criterion": prefs.cost_criterion.value,
    }


def criteria_for(ds: Dataset, scenario: Scenario, frame: costs.CostFrame) -> pd.DataFrame:
    """``criteria_frame`` with the scenario's technology wish list, languages, cost basis and criterion."""
    return criteria_frame(ds, frame, **criteria_args(scenario))


def _caution(ds: Dataset, recommended: str) -> dict | None:
    """The second-opinion caution, with its source, unless a doctor at home recommended the operation."""
    advice = ds.risk.advice.get("second_opinion") if ds.risk else None
    if recommended == "yes" or advice is None:
        return None
    src = ds.risk.sources.get(advice.source) if advice.source else None
    return {"text": _(advice.text), "source_url": (src.url or src.citation) if src else None, "asked": recommended}


def rank(
    ds: Dataset,
    scenario: Scenario,
    *,
    sensitivity: bool = False,
    samples: int = 10_000,
    concentration: float = 10.0,
    seed: int = 0,
    frame: costs.CostFrame | None = None,
    criteria_table: pd.DataFrame | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Ranking:
    """Filter, score, rank and explain every facility for one scenario.

    Raises ``ValueError`` for a scenario the data cannot answer (unknown origin, currency
    or passport, an absurd fare, all weights zero); an over-strict filter gives an empty
    ranking with a message instead. ``frame`` reuses ``costs.cost_frame(ds, scenario.trip)``
    and ``criteria_table`` reuses ``criteria_for(ds, scenario, frame)``: the dashboard caches
    both, so a weight, filter or method change recomputes neither. ``progress(done, total)``
    follows the sensitivity sampling.
    """
    trip, prefs = scenario.trip, scenario.preferences
    if trip.procedure not in ds.vocab["procedures"]:
        raise ValueError(
            _("unknown procedure {procedure}; choose one of {known}").format(
                procedure=repr(trip.procedure), known=sorted(ds.vocab["procedures"])
            )
        )
    if frame is None or frame.trip != trip:
        frame = costs.cost_frame(ds, trip)
    df = criteria_table if criteria_table is not None else criteria_for(ds, scenario, frame)
    weighted = [c for c, w in prefs.weights.items() if w > 0]
    unreported = df[weighted].isna().sum(axis=1)
    df = df.assign(thin_data=unreported > THIN_SHARE * len(weighted))
    kept, report = apply_filters(df, scenario.filters)
    base = {
        "scenario": scenario,
        "filter_report": report,
        "candidates": len(df),
        "costs": frame,
        "baseline": frame.baseline,
        "rate_note": costs.rate_note(ds, trip.currency),
        "caution": _caution(ds, trip.recommended_at_home),
    }
    if kept.empty:
        empty = frame.components.iloc[0:0]
        return Ranking(table=kept, components=empty, message=explain_empty(report, len(df)), **base)
    objectives = {c.id: c.objective for c in criteria.CRITERIA}
    values = kept[list(objectives)]
    scored = score(values, objectives, prefs.weights, method=prefs.method, missing=prefs.missing)
    # ``score`` returns its rows in rank order: one reorder of the wide table, not a join and a sort
    # (a column name in both still raises, as the join did).
    table = pd.concat([kept.reindex(scored.index), scored], axis=1, verify_integrity=True)
    quality_weights = {**prefs.weights, "cost": 0.0}
    table["quality"] = np.nan
    if sum(quality_weights.values()) > 0:
        try:
            q = score(values, objectives, quality_weights, method=prefs.method, missing=prefs.missing)
            table["quality"] = q["score"].reindex(table.index)
        except ValueError:
            pass
    table["pareto"] = pareto_mask(table, {"cost": criteria.Objective.MIN, "quality": criteria.Objective.MAX})
    acceptability = None
    if sensitivity and len(table) > 1:
        # Only P(rank 1) and P(top 3) are shown: counting three ranks is far cheaper than all.
        acceptability = rank_top_counts(
            values,
            objectives,
            prefs.weights,
            method=prefs.method,
            missing=prefs.missing,
            samples=samples,
            concentration=concentration,
            seed=seed,
            k=3,
            cost_range=(kept["cost_low"], kept["cost_high"]),
            progress=progress,
        )
        p1, p3 = acceptability.p_top(1), acceptability.p_top(3)
        table["p_rank1"] = p1.reindex(table.index.astype(str)).to_numpy()
        table["p_top3"] = p3.reindex(table.index.astype(str)).to_numpy()
        table["p_rank1_se"] = acceptability.std_error(p1).reindex(table.index.astype(str)).to_numpy()
    ranked_components = frame.components
    if len(table) < len(df):  # a filter removed options: their components go too
        ranked_components = ranked_components[ranked_components["facility_id"].isin(table.index)]
    return Ranking(table=table, components=ranked_components, acceptability=acceptability, **base)
