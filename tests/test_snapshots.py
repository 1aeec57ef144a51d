"""Snapshots of a ranking saved with shortlist items, and what changed since, in plain language."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest

import compare
from compare.scenario import Scenario
from compare.shortlists import ShortlistStore
from compare.snapshots import NotRanked, changes, snapshot_from, snapshots_from


@pytest.fixture
def store(tmp_path: Path) -> ShortlistStore:
    return ShortlistStore(tmp_path / "shortlists.sqlite3")


SAVED = {
    "name": "Apollo",
    "currency": "USD",
    "total_low": 4000.0,
    "total_high": 9000.0,
    "operation_as_of": "2020-01-15",
    "accreditations": ["jci", "nabh"],
}


def test_changes_nothing_changed():
    assert changes(SAVED, dict(SAVED)) == []
    assert changes(SAVED, {**SAVED, "total_low": 4000.4, "accreditations": ["nabh", "jci"]}) == []


def test_changes_reports_each_difference_in_plain_language():
    now_ = {
        **SAVED,
        "total_low": 4500.0,
        "total_high": 9500.0,
        "operation_as_of": "2024-03-01",
        "accreditations": ["jci", "temos"],
    }
    assert changes(SAVED, now_) == [
        "whole-trip estimate was USD\u00a04,000–9,000, now USD\u00a04,500–9,500",
        "accreditation added: temos",
        "accreditation removed: nabh",
        "price date was 2020-01-15, now 2024-03-01",
    ]
    assert changes(SAVED, {**SAVED, "name": "Apollo Chennai"}) == ["name was Apollo, now Apollo Chennai"]


def test_changes_missing_values_and_single_figures():
    assert changes(SAVED, {**SAVED, "total_low": None, "total_high": None}) == [
        "whole-trip estimate was USD\u00a04,000–9,000, now not reported"
    ]
    gone_price = {**SAVED, "total_low": None, "total_high": None, "operation_as_of": None}
    assert changes(gone_price, {**SAVED, "total_low": 5000.0, "total_high": 5000.0}) == [
        "whole-trip estimate was not reported, now USD\u00a05,000",
        "price date was undated, now 2020-01-15",
    ]


def test_changes_currency_change_is_not_compared_as_numbers():
    assert changes(SAVED, {**SAVED, "currency": "EUR", "total_low": 3700.0, "total_high": 8300.0}) == [
        "currency changed from USD to EUR, so the estimates cannot be compared"
    ]


def test_changes_gone_empty_and_older_snapshots():
    assert changes(SAVED, None) == ["no longer in the data"]
    assert changes({}, SAVED) == ["no snapshot was saved with this item, so changes cannot be shown"]
    assert changes({"name": "Apollo"}, SAVED) == []  # fields not saved then are not reported as changes


def test_snapshot_from_the_real_ranking(shipped):
    ranking = compare.rank(shipped, Scenario())
    comps = ranking.components[ranking.components["component"] == "operation_package"].set_index("facility_id")
    for fid, row in ranking.table.iterrows():
        snap = snapshot_from(ranking, fid)
        assert json.loads(json.dumps(snap, allow_nan=False)) == snap
        assert set(snap) == {"name", "currency", "total_low", "total_high", "operation_as_of", "accreditations"}
        assert snap["name"] == row["name"] and snap["currency"] == "USD"
        assert snap["accreditations"] == sorted(row["accreditations"])
        if math.isnan(row["total_low"]):
            assert snap["total_low"] is None and snap["total_high"] is None
        else:
            assert snap["total_low"] == pytest.approx(row["total_low"]) and snap["total_low"] <= snap["total_high"]
        as_of = comps["as_of"].get(fid)
        assert snap["operation_as_of"] == (None if not isinstance(as_of, str) else as_of)
    # Comparable totals exist for every option; documented-only ones not where no price is known.
    assert all(snapshot_from(ranking, f)["total_low"] is not None for f in ranking.table.index)
    documented = compare.rank(shipped, Scenario(cost_basis="documented"))
    assert any(snapshot_from(documented, f)["total_low"] is None for f in documented.table.index)
    assert any(snapshot_from(ranking, f)["operation_as_of"] for f in ranking.table.index)
    with pytest.raises(NotRanked, match="not in this ranking"):
        snapshot_from(ranking, "no-such-facility")


def test_saved_real_snapshots_compare_clean_then_show_changes(shipped, store: ShortlistStore):
    ranking = compare.rank(shipped, Scenario())
    priced = [f for f in ranking.table.index if snapshot_from(ranking, f)["total_low"] is not None][:3]
    unpriced = [f for f in ranking.table.index if snapshot_from(ranking, f)["total_low"] is None][:1]
    ids = [*priced, *unpriced, "closed-hospital"]
    store.create("real", Scenario(data_hash=shipped.content_hash), ids, snapshots_from(ranking, ids))
    saved = store.get("real")
    assert saved.data_hash == shipped.content_hash
    assert saved.items[-1].snapshot == {}  # not in the ranking, so nothing to snapshot

    def current(r, fid):
        return snapshot_from(r, fid) if fid in r.table.index else None

    assert all(changes(i.snapshot, current(ranking, i.facility_id)) == [] for i in saved.items[:-1])
    assert changes(saved.items[-1].snapshot, None) == ["no longer in the data"]

    table = ranking.table.copy()  # the data moves on: a price rises, an accreditation lapses
    first = priced[0]
    table.loc[first, "total_low"] += 500
    table["accreditations"] = [
        [*(a for a in acc if a != "jci"), "temos"] if fid == first else acc
        for fid, acc in table["accreditations"].items()
    ]
    later = dataclasses.replace(ranking, table=table.drop(index=priced[1]))
    diff = changes(saved.items[0].snapshot, current(later, first))
    assert diff[0].startswith("whole-trip estimate was ") and ", now USD" in diff[0]
    assert "accreditation added: temos" in diff
    assert ("accreditation removed: jci" in diff) == ("jci" in saved.items[0].snapshot["accreditations"])
    assert changes(saved.items[1].snapshot, current(later, priced[1])) == ["no longer in the data"]

    in_euros = compare.rank(shipped, Scenario(currency="EUR"))
    assert changes(saved.items[0].snapshot, current(in_euros, first)) == [
        "currency changed from USD to EUR, so the estimates cannot be compared"
    ]


# -- quotes kept with a shortlist ---------------------------------------------------------
