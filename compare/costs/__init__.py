"""The whole-trip cost: every component of every option, how it is known, and its totals.

``cost_frame(ds, trip)`` is the entry point: it depends on the trip alone, so every
ranking of the same trip (other weights, filters or method) shares it.

- ``money``: exchange rates with their dates, and the one money formatter;
- ``travel``: distance, flight time, the stay by haul, visas, per diem prices, fares;
- ``base``: the statuses, the component row builder and provenance helpers;
- ``operation``: the operation's price, what it covers, the variant and the implants;
- ``trip_parts``: flights, lodging and meals, and the visa;
- ``components``: one row per facility and component, each with a status and a basis;
- ``totals``: documented and comparable totals, completeness, the home baseline.
"""

from compare.costs.base import (
    COMPONENT_COLUMNS,
    INSURANCE,
    KNOWN,
    PACKAGE,
    SOURCED,
    STATUS_WORDS,
    VARIANT,
    Status,
    status_word,
)
from compare.costs.components import trip_components
from compare.costs.money import format_money, format_range, fx_table, rate, rate_note
from compare.costs.totals import (
    CostFrame,
    cost_frame,
    home_baseline,
    itemised,
    origin_row,
    sources_table,
    trip_problems,
    trip_totals,
)
from compare.costs.travel import FLIGHT_HOURS_METHOD, SEAT_LABELS, distances, flight_hours, haversine_km

__all__ = [
    "STATUS_WORDS",
    "status_word",
    "COMPONENT_COLUMNS",
    "FLIGHT_HOURS_METHOD",
    "INSURANCE",
    "KNOWN",
    "PACKAGE",
    "SEAT_LABELS",
    "SOURCED",
    "VARIANT",
    "CostFrame",
    "Status",
    "cost_frame",
    "distances",
    "flight_hours",
    "format_money",
    "format_range",
    "fx_table",
    "haversine_km",
    "home_baseline",
    "itemised",
    "sources_table",
    "origin_row",
    "rate",
    "rate_note",
    "trip_components",
    "trip_problems",
    "trip_totals",
]
