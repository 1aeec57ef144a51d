"""What a ranking said about a facility when it was shortlisted, and what has changed since.

A shortlist item keeps a :data:`Snapshot`: name, whole-trip estimate with its currency,
price date and accreditations, taken from a :class:`~compare.engine.Ranking`. Later,
:func:`changes` compares it with a snapshot of today's ranking in plain language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from compare.costs import format_range
from compare.engine import Ranking
from compare.export import json_safe
from compare.i18n import _


class Snapshot(TypedDict):
    name: str | None
    currency: str
    total_low: float | None
    total_high: float | None
    operation_as_of: str | None
    accreditations: list[str]


class NotRanked(KeyError):
    """The facility is not in this ranking (it may have been filtered out)."""

    def __str__(self) -> str:
        return _("{facility} is not in this ranking (it may have been filtered out).").format(
            facility=repr(self.args[0])
        )


def snapshot_from(ranking: Ranking, facility_id: str) -> Snapshot:
    """What ``ranking`` says about one facility; :class:`NotRanked` if it is not in it.

    The estimate is the whole trip in the scenario's currency (``None`` when unknown);
    ``operation_as_of`` is the date of the operation price, or ``None``.
    """
    table = ranking.table
    if facility_id not in table.index:
        raise NotRanked(facility_id)
    row = table.loc[facility_id]
    as_of = None
    comps = ranking.components
    if comps is not None and len(comps) and {"facility_id", "component", "as_of"} <= set(comps.columns):
        match = comps[(comps["facility_id"] == facility_id) & (comps["component"] == "operation_package")]
        if len(match):
            as_of = json_safe(match["as_of"].iloc[0])
    if as_of is None and "operation_as_of" in table.columns:
        as_of = json_safe(row["operation_as_of"])
    accreditations = row.get("accreditations")
    if isinstance(accreditations, str):
        accreditations = [accreditations]
    elif accreditations is None or isinstance(accreditations, float):  # NaN: none reported
        accreditations = []
    return Snapshot(
        name=json_safe(row.get("name")),
        currency=ranking.scenario.trip.currency,
        total_low=_number(row.get("total_low")),
        total_high=_number(row.get("total_high")),
        operation_as_of=None if as_of is None else str(as_of),
        accreditations=sorted(str(a) for a in accreditations),
    )


def _number(value: Any) -> float | None:
    value = json_safe(value)
    return None if value is None else float(value)


def snapshots_from(ranking: Ranking, facility_ids: Iterable[str]) -> dict[str, Snapshot]:
    """Snapshots of those ``facility_ids`` that are in the ranking (others get none)."""
    return {fid: snapshot_from(ranking, fid) for fid in facility_ids if fid in ranking.table.index}


def changes_since_saved(items: Iterable[Any], ranking: Ranking) -> dict[str, list[str]]:
    """For each saved item (with ``facility_id`` and ``snapshot``), what differs in ``ranking`` today."""
    items = list(items)
    current = snapshots_from(ranking, (item.facility_id for item in items))
    return {item.facility_id: changes(item.snapshot, current.get(item.facility_id)) for item in items}


def _rounded(value: Any) -> int | None:
    return round(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def changes(saved: Mapping[str, Any], current: Mapping[str, Any] | None) -> list[str]:
    """Plain-language differences between a saved snapshot and today's (``None``: gone from the data).

    Empty when nothing changed. Only fields present in both are compared (older
    snapshots may lack some); estimates are compared in whole currency units, and not at
    all when the currency differs (the currency change is reported instead). The texts are
    in the current language; the snapshots themselves are stored as they are.
    """
    if current is None:
        return [_("no longer in the data")]
    if not saved:
        return [_("no snapshot was saved with this item, so changes cannot be shown")]
    out: list[str] = []

    def both(key: str) -> bool:
        return key in saved and key in current

    if both("name") and saved["name"] != current["name"]:
        out.append(_("name was {old}, now {new}").format(old=saved["name"], new=current["name"]))
    old_cur, new_cur = saved.get("currency"), current.get("currency")
    if both("currency") and old_cur != new_cur:
        out.append(
            _("currency changed from {old} to {new}, so the estimates cannot be compared").format(
                old=old_cur, new=new_cur
            )
        )
    elif both("total_low") and both("total_high"):
        old = (_rounded(saved["total_low"]), _rounded(saved["total_high"]))
        new = (_rounded(current["total_low"]), _rounded(current["total_high"]))
        if old != new:
            was = format_range(old[0], old[1], old_cur or "").strip()
            is_ = format_range(new[0], new[1], new_cur or "").strip()
            if old[0] is None:
                out.append(_("whole-trip estimate was not reported, now {new}").format(new=is_))
            elif new[0] is None:
                out.append(_("whole-trip estimate was {old}, now not reported").format(old=was))
            else:
                out.append(_("whole-trip estimate was {old}, now {new}").format(old=was, new=is_))
    if both("accreditations"):
        old_acc, new_acc = set(saved["accreditations"] or []), set(current["accreditations"] or [])
        out += [_("accreditation added: {name}").format(name=a) for a in sorted(new_acc - old_acc)]
        out += [_("accreditation removed: {name}").format(name=a) for a in sorted(old_acc - new_acc)]
    if both("operation_as_of") and saved["operation_as_of"] != current["operation_as_of"]:
        # Dates stay as stored (ISO); only an absent one is put into words, each case its own sentence.
        was, is_ = saved["operation_as_of"], current["operation_as_of"]
        if not was:
            out.append(_("price date was undated, now {new}").format(new=is_))
        elif not is_:
            out.append(_("price date was {old}, now undated").format(old=was))
        else:
            out.append(_("price date was {old}, now {new}").format(old=was, new=is_))
    return out
