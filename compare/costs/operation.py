"""The operation: its published price, what that price covers, the variant and the implants."""

from __future__ import annotations

import math

from compare import i18n
from compare.costs.base import (
    IN_FILLED,
    PACKAGE,
    VARIANT,
    Builder,
    Status,
    covered_by,
    high_of,
    price_range,
    source_of,
)
from compare.data import Dataset, schema
from compare.data.provenance import provenance_of
from compare.i18n import _, ngettext


def package(b: Builder, fid: str, country_label: str, chosen: list[dict], own: bool) -> tuple[float, float, set]:
    """The operation price row (and the variant adjustment); returns its range and what it covers."""
    trip, ds = b.trip, b.ds
    operation = {c for c, v in b.components.items() if v.phase is schema.Phase.OPERATION}
    if not chosen:
        b.add(
            fid,
            PACKAGE,
            math.nan,
            math.nan,
            Status.UNKNOWN,
            _("no published price for {country}").format(country=country_label),
        )
        # The filled operation price stands for the operation itself: its parts are not filled again.
        filled = (*IN_FILLED[:2], _(IN_FILLED[2]))
        for part in sorted(operation - {"implants"}):
            b.add(fid, part, math.nan, math.nan, Status.UNKNOWN, _("no operation price"), None, filled)
        return math.nan, math.nan, operation - {"implants"}
    low, high = price_range(chosen, b.to_display, b.fx)
    covered = covered_by(chosen, operation)
    specific = [r["procedure"] == trip.procedure for r in chosen]
    what = (
        _("for this variant")
        if all(specific)
        else _("price for unspecified variant")
        if not any(specific)
        else _("some figures for this variant, some for an unspecified one")
    )
    scope = (
        _("this facility's published price")
        if own
        else ngettext(
            "{n} published figure(s) for {country}", "{n} published figure(s) for {country}", len(chosen)
        ).format(n=len(chosen), country=country_label)
    )
    b.add(
        fid,
        PACKAGE,
        low,
        high,
        Status.QUOTED if own else Status.PUBLISHED,
        _("range of {scope} ({what}); covers: {covered}").format(
            scope=scope, what=what, covered=", ".join(sorted(covered)) or _("not itemised")
        ),
        provenance_of(chosen),
    )
    adjustment = variant_factor(ds, trip.procedure) if not all(specific) else None
    if adjustment is not None:
        # Only the figures that name no variant are scaled; the range is taken again.
        f_low, f_high, why, source = adjustment
        scaled = [
            r
            if s
            else {
                **r,
                "price_low": r["price_low"] * f_low,
                "price_high": high_of(r, "price_low", "price_high") * f_high,
            }
            for r, s in zip(chosen, specific, strict=True)
        ]
        new_low, new_high = price_range(scaled, b.to_display, b.fx)
        b.add(
            fid,
            VARIANT,
            new_low - low,
            new_high - high,
            Status.ESTIMATED,
            _("figures that name no variant scaled {how}").format(how=why),
            source_of(ds, source),
        )
        low, high = new_low, new_high
    return low, high, covered


def variant_factor(ds: Dataset, procedure_id: str) -> tuple[float, float, str, str] | None:
    """(low, high) multiplier of an unspecified-variant price for this variant, with its basis.

    Uses ``clinical.yaml``'s ``variant_costs`` where the literature gives a relative cost;
    None where it gives none (the price then stays "for an unspecified variant").
    """
    procedure = ds.vocab["procedures"].get(procedure_id)
    costs = getattr(ds.clinical, "variant_costs", None) if ds.clinical else None
    if procedure is None or not costs:
        return None
    low = high = 1.0
    why, source = [], None
    for key, applies in (("extra_level", (procedure.levels or 1) > 1), ("open_vs_mis", procedure.approach == "open")):
        entry = costs.get(key)
        if applies and entry is not None:
            extra = (procedure.levels - 1) if key == "extra_level" else 1
            low *= entry.low**extra
            high *= entry.high**extra
            why.append(f"× {i18n.number(entry.low, 'g')}–{i18n.number(entry.high, 'g')} {entry.note or key}")
            source = source or entry.source
    if not why:
        return None
    return low, high, "; ".join(why), source or ""


def implants(b: Builder, fid: str, low: float, high: float, chosen: list[dict]) -> None:
    """Implants from their share of the total cost, where the price does not include them."""
    share = getattr(b.ds.clinical, "implants", None) if b.ds.clinical else None
    if share is None or not math.isfinite(low):
        b.add(fid, "implants", math.nan, math.nan, Status.UNKNOWN, _("implants not itemised; no estimate possible"))
        return
    ratio_low, ratio_high = share.low / (1 - share.low), share.high / (1 - share.high)
    excluded = all("implants" in r["excludes"] for r in chosen)
    lo = low * ratio_low if excluded else 0.0
    how = (
        _("the price excludes implants")
        if excluded
        else _("the price does not say whether implants are included (0 if they are)")
    )
    b.add(
        fid,
        "implants",
        lo,
        high * ratio_high,
        Status.ESTIMATED,
        _("{how}; implants taken as {shares} of the total cost ({note}), i.e. {ratios} × the price").format(
            how=how,
            shares=f"{i18n.percent(share.low)}–{i18n.percent(share.high)}",
            note=share.note,
            ratios=f"{i18n.number(ratio_low, 2)}–{i18n.number(ratio_high, 2)}",
        ),
        source_of(b.ds, share.source),
    )
