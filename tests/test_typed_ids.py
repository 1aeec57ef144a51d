"""Ids typed by hand: exact, case-insensitive when unambiguous, or refused with the near miss named."""

from __future__ import annotations

import pytest

from compare import i18n, typed_ids


def test_an_id_is_taken_as_typed_or_ignoring_case_when_only_one_matches():
    assert typed_ids.resolve_id("mis_tlif", ["mis_tlif", "alif"], "technique") == "mis_tlif"
    assert typed_ids.resolve_id("ALIF", ["mis_tlif", "alif"], "technique") == "alif"


def test_a_near_miss_is_named_and_an_unknown_id_lists_the_known_ones():
    with pytest.raises(
        ValueError, match=r"unknown technique 'MIS-TLIF'; did you mean 'mis_tlif'\? \(known: alif, mis_tlif\)"
    ):
        typed_ids.resolve_id("MIS-TLIF", ["mis_tlif", "alif"], "technique")
    with pytest.raises(ValueError, match=r"^unknown language 'xx' \(known: en, ru\)$"):
        typed_ids.resolve_id("xx", ["en", "ru"], "language")


def test_the_message_follows_the_language():
    with i18n.language("es"), pytest.raises(ValueError) as caught:
        typed_ids.resolve_id("xx", ["en", "ru"], "language")
    assert "'xx'" in str(caught.value) and not str(caught.value).startswith("unknown language")


def test_typed_ids_of_a_scenario_are_resolved_against_the_data(shipped):
    state = typed_ids.resolve_ids(shipped, {"techniques": ["MIS_TLIF"], "countries": ["th", "In"]})
    assert state == {"techniques": ["mis_tlif"], "countries": ["TH", "IN"]}
    with pytest.raises(ValueError, match="unknown country code 'XX'"):
        typed_ids.resolve_ids(shipped, {"countries": ["XX"]})
