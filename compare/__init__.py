"""Compare hospitals abroad for lumbar spinal fusion: data, whole-trip cost, ranking.

A UI-free engine: nothing here imports Streamlit. The public API, for notebooks and scripts::

    import compare

    ds = compare.load_dataset()                       # the shipped data (or a folder, or $SPINE_DATA_DIR)
    scenario = compare.Scenario(origin="london", currency="GBP", companion=True)
    result = compare.rank(ds, scenario, sensitivity=True)   # rank once ...
    compare.ranking_table(result)                     # ... then read it as DataFrames
    compare.components_table(result)                  # every cost component, with its sources
    compare.robustness_table(result)                  # P(rank 1), P(top 3)
    compare.save({"ranking": compare.ranking_table(result)}, "ranking.xlsx")

``examples/analyst_api.py`` is a complete, runnable walk-through.
"""

from compare.criteria import CRITERIA, PRESETS, Criterion, Objective
from compare.data import Dataset, load_dataset
from compare.data.summary import coverage
from compare.engine import Ranking, rank
from compare.export import components_table, facilities_table, ranking_table, robustness_table, save
from compare.problems import DataError, Problem, Severity
from compare.scenario import Filters, Method, MissingPolicy, Scenario, scenario_from_yaml, with_changes

__all__ = [
    "CRITERIA",
    "PRESETS",
    "Criterion",
    "DataError",
    "Dataset",
    "Filters",
    "Method",
    "MissingPolicy",
    "Objective",
    "Problem",
    "Ranking",
    "Scenario",
    "Severity",
    "components_table",
    "coverage",
    "facilities_table",
    "load_dataset",
    "rank",
    "ranking_table",
    "robustness_table",
    "save",
    "scenario_from_yaml",
    "with_changes",
]
