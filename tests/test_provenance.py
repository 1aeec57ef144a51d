"""One provenance model: sources as records, who stands behind them, and what that does to confidence."""

from __future__ import annotations

import math

import pytest
from helpers_costs import make_data

from compare.costs import cost_frame
from compare.data import load_dataset
from compare.data.provenance import Source, confidence, distinct, from_columns, provenance_of
from compare.engine import criteria_frame
from compare.scenario import Trip


def source(url: str, kind: str = "press", as_of: str | None = None, evidence: str = "press") -> Source:
    return Source(url=url, kind=kind, as_of=as_of, evidence=evidence)


def test_columns_become_a_source_and_blanks_become_none():
    row = {"source_url": "https://e.org/p", "publisher": math.nan, "source_kind": "marketplace", "as_of": "",
           "evidence": "facilitator_quote", "price_low": 5}  # fmt: skip
    src = from_columns(row)
    assert (src.url, src.publisher, src.kind, src.as_of, src.evidence) == (
        "https://e.org/p",
        None,
        "marketplace",
        None,
        "facilitator_quote",
    )


def test_a_source_cited_twice_counts_once_and_the_newest_date_wins():
    a, b = source("https://e.org/a", as_of="2020"), source("https://e.org/b", as_of="2024-05")
    assert distinct([a, b, a]) == [a, b]
    rows = [{"source_url": "https://e.org/a", "source_kind": "press", "as_of": "2020", "evidence": "press"}]
    merged = provenance_of([*rows, {"sources": (a, b)}, {"sources": ()}])
    assert merged == {"sources": (a, b), "as_of": "2024-05"}
    assert provenance_of([]) == {"sources": (), "as_of": None}


def test_the_kind_of_source_caps_the_evidence_confidence(shipped):
    vocab = shipped.vocab
    assert confidence("press", "press", vocab) == pytest.approx(0.6)
    # A sponsored article looks like press; it counts as no more than its kind allows.
    assert confidence("press", "sponsored", vocab) == pytest.approx(0.3)
    assert confidence("facility_published", "hospital", vocab) == pytest.approx(0.9)
    assert confidence("facilitator_quote", "marketplace", vocab) == pytest.approx(0.3)
    assert confidence("press", None, vocab) == pytest.approx(0.6)
    # Every kind in the vocabulary caps at most at the highest evidence level.
    kinds = vocab["source_kinds"]
    assert {"hospital", "facilitator", "marketplace", "registry", "government", "literature", "press",
            "sponsored", "patient"} <= set(kinds)  # fmt: skip
    assert all(0 < k.confidence <= 0.9 for k in kinds.values())


def test_a_sponsored_source_lowers_the_data_confidence_criterion(tmp_path):
    root = make_data(tmp_path / "d")
    before = load_dataset(root, use_cache=False)
    path = root / "facilities" / "th" / "th-alpha.yaml"
    path.write_text(path.read_text().replace("kind: registry", "kind: sponsored"), encoding="utf-8")
    after = load_dataset(root, use_cache=False)
    trip = Trip(origin="london", currency="USD")
    score = {
        name: criteria_frame(ds, cost_frame(ds, trip))["confidence"]
        for name, ds in (("before", before), ("after", after))
    }
    assert score["after"]["th-alpha"] < score["before"]["th-alpha"]
    assert score["after"]["th-beta"] == pytest.approx(score["before"]["th-beta"])
    facts = after.facts[after.facts["facility_id"] == "th-alpha"]
    assert set(facts["source_kind"]) == {"sponsored"} and (facts["confidence"] == 0.3).all()


def test_every_shipped_figure_says_who_stands_behind_it(shipped):
    kinds = set(shipped.vocab["source_kinds"])
    for record in shipped.facility_records.values():
        assert all(s.kind in kinds for s in record.sources.values()), record.id
    for table in (shipped.prices, shipped.destination_costs, shipped.fx, shipped.origins, shipped.routes):
        assert table["source_kind"].isin(kinds).all()
    assert shipped.facts["source_kind"].isin(kinds).all()
