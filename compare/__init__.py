"""Compare hospitals abroad for lumbar spinal fusion: data, whole-trip cost, ranking.

A UI-free engine: nothing here imports Streamlit. Typical use::

    import compare
    ds = compare.load_dataset()
    result = compare.rank(ds, compare.Scenario(origin="london", currency="GBP"))
"""

from compare.criteria import CRITERIA, PRESETS, Criterion, Objective
from compare.data import Dataset, load_dataset
from compare.engine import Ranking, rank
from compare.problems import DataError, Problem, Severity
from compare.scenario import Filters, Method, MissingPolicy, Scenario, scenario_from_yaml

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
    "load_dataset",
    "rank",
    "scenario_from_yaml",
]
