"""A walk through the Python API: load the data, build a scenario, rank, read DataFrames, export.

Run it from anywhere once the package is installed (``pip install .``) or from a checkout::

    python examples/analyst_api.py [OUTPUT_FOLDER]

It writes ranking.csv, components.csv and comparison.xlsx to OUTPUT_FOLDER (default: a
temporary folder) and prints what it found. CI runs it (tests/test_examples.py).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import compare


def main(out_dir: Path) -> None:
    # 1. The curated data, validated. Bad records are quarantined and listed, never fatal.
    ds = compare.load_dataset()
    print(f"{len(ds.facilities)} facilities in {ds.facilities['country'].nunique()} countries")
    for count in compare.coverage(ds)[:3]:
        print(f"  {count.label}: {count.text()}")

    # 2. A scenario: a trip from London paid in pounds, with a companion, ranked quality first,
    #    among hospitals with an international accreditation in Thailand, Turkey or Malaysia.
    scenario = compare.Scenario(
        origin="london",
        currency="GBP",
        companion=True,
        countries=["TH", "TR", "MY"],
        accreditation="international",
        weights=compare.PRESETS["quality_first"],
    )

    # 3. Rank once; with sensitivity=True weights and prices are sampled for P(rank 1).
    result = compare.rank(ds, scenario, sensitivity=True, samples=2_000, seed=1)
    if result.empty:
        print(result.message)
        return

    # 4. Read the one ranking as DataFrames.
    ranking = compare.ranking_table(result)
    top = ranking[["rank", "name", "country", "score", "total_low", "total_high", "completeness"]].head(5)
    print(top.to_string(index=False, float_format="{:,.2f}".format))
    components = compare.components_table(result)
    best = ranking["facility_id"].iloc[0]
    unknown = components[(components["facility_id"] == best) & (components["status"] == "unknown")]
    print(f"{ranking['name'].iloc[0]}: {len(unknown)} cost component(s) not reported: {', '.join(unknown['label'])}")
    robustness = compare.robustness_table(result)
    print(robustness[["name", "p_rank1", "p_top3"]].head(3).to_string(index=False))

    # 5. What changes if the patient flies without a companion? A validated copy of the scenario.
    alone = compare.rank(ds, compare.with_changes(scenario, companion=False))
    saved = (
        ranking.set_index("facility_id")["total_low"]
        - compare.ranking_table(alone).set_index("facility_id")["total_low"]
    )
    print(f"travelling alone saves {saved.median():,.0f} GBP at the median (low end of the whole trip)")

    # 6. Export: CSV and JSON take one table; Excel takes several sheets.
    compare.save(ranking, out_dir / "ranking.csv")
    compare.save(components, out_dir / "components.csv")
    compare.save({"ranking": ranking, "components": components, "robustness": robustness}, out_dir / "comparison.xlsx")
    print(f"wrote ranking.csv, components.csv and comparison.xlsx to {out_dir}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="spine-compare-")))
