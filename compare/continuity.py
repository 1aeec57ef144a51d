"""The continuity-of-care pack: what to get before leaving the hospital, when it is safe to fly
home, who to contact, and a one-page summary for the doctor at home.

Every recommendation comes from ``risk.yaml``'s ``continuity`` list and cites its source;
the safe-to-fly window is the trip's own (from the stay model). Names of people and dates
are left as lines to fill in: the data has none, and nothing is invented. The HTML prints on
A4 and Letter; the client report includes the same sections.
"""

from __future__ import annotations

import datetime as dt
import html

from compare import i18n
from compare.costs.money import span
from compare.data import Dataset
from compare.engine import Ranking
from compare.i18n import N_, _

WHEN = {
    "before_booking": N_("Before you book"),
    "before_leaving": N_("Before you leave the hospital"),
    "back_home": N_("Back home"),
    "emergency": N_("If something goes wrong"),
}
# "Your flight home is about N hours (<haul> haul)." as one sentence per haul.
HAUL_FLIGHT = {
    "short": lambda: _("Your flight home is about {hours} hours (short haul)."),
    "long": lambda: _("Your flight home is about {hours} hours (long haul)."),
    "unknown": lambda: _("Your flight home is about {hours} hours (unknown haul)."),
}
PRINT_CSS = """
@page { size: auto; margin: 14mm 12mm; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330;
       margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 6mm 0 2mm;
     border-bottom: 2px solid #1f6feb; padding-bottom: 1mm; }
.muted { color: #5f6368; } .small { font-size: 8.5pt; }
.page { break-before: page; page-break-before: always; }
.fill { display: inline-block; min-width: 60mm; border-bottom: 1px solid #9aa0a6; }
li { margin: 1mm 0; } a { color: #1a57c4; word-break: break-all; }
@media print { a { color: inherit; } }
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _cite(ds: Dataset, key: str) -> str:
    src = ds.risk.sources.get(key) if ds.risk else None
    if src is None:
        return _e(key)
    where = src.url or src.citation or ""
    link = f'<a href="{_e(where)}" rel="noopener noreferrer">{_e(where)}</a>' if where.startswith("http") else _e(where)
    return f"{_e(src.title or key)} ({link}{', ' + _e(src.as_of) if src.as_of else ''})"


def sections(ds: Dataset, result: Ranking, facility_id: str) -> list[str]:
    """The pack's HTML sections for one option of a ranking (used alone and in the client report)."""
    fac = ds.facilities.loc[facility_id]
    leg = result.costs.journeys.loc[facility_id]
    trip = result.scenario.trip
    procedure = ds.vocab["procedures"].get(trip.procedure)
    parts = ["<h2>" + _e(_("What to do, and what to take home")) + "</h2>"]
    steps = ds.risk.continuity if ds.risk else []
    if not steps:
        parts.append(
            "<p>" + _e(_("No sourced checklist is in the data; ask your doctor at home what to bring back.")) + "</p>"
        )
    for when, title in WHEN.items():
        chosen = [s for s in steps if s.when == when]
        if chosen:
            parts.append(f"<h3>{_e(_(title))}</h3><ul>")
            source = _e(_("Source:"))
            parts += [
                f"<li>{_e(_(s.text))} <span class='small muted'>{source} {_cite(ds, s.source)}</span></li>"
                for s in chosen
            ]
            parts.append("</ul>")
    parts.append("<h2>" + _e(_("When it is safe to fly home")) + "</h2>")
    parts.append(
        "<p>"
        + _e(HAUL_FLIGHT.get(leg["haul"], HAUL_FLIGHT["unknown"])().format(hours=i18n.number(leg["flight_hours"])))
        + " "
        + _e(
            _("Plan {days} days in the country after you leave hospital ({hospital}).").format(
                days=span(leg["recovery_low"], leg["recovery_high"], "g"), hospital=leg["hospital_basis"]
            )
        )
        + f" {_e(leg['stay_basis'])} "
        + _e(_("Your surgeon decides when you may fly."))
        + "</p>"
    )
    note = ds.travel.fares.seat_note if ds.travel else None
    if note:
        parts.append(f"<p class='small'>{_e(note)}</p>")
    gap = ds.risk.advice.get("insurance_gap") if ds.risk else None
    if gap is not None:
        insurance, source = _e(_("Insurance.")), _e(_("Source:"))
        parts.append(
            f"<p class='small'><strong>{insurance}</strong> {_e(_(gap.text))} {source} {_cite(ds, gap.source)}</p>"
        )
    fill = "<span class='fill'></span>"
    place = f"{_e(fac['name'])}, {_e(fac['city'] or '')} {_e(fac['country_name'])}"
    contacts = [
        _e(_("Abroad: {place}.")).format(place=place)
        + " "
        + _e(_("Surgeon: {blank} Phone or e-mail: {blank}")).format(blank=fill),
        _e(_("At home: your doctor (GP) {blank} Phone: {blank}")).format(blank=fill),
        _e(_("The person travelling with you: {blank}")).format(blank=fill),
    ]
    parts.append("<h2>" + _e(_("Who to contact")) + "</h2>" + _items(contacts))
    parts.append("<section class='page'><h2>" + _e(_("For my doctor at home")) + "</h2>")
    operation = _(procedure.label) if procedure else trip.procedure
    plan = [
        _e(_("Operation planned: {operation}")).format(operation=_e(operation)),
        _e(_("Where: {place}")).format(place=place),
        _e(_("When: {blank}")).format(blank=fill),
        _e(_("Surgeon: {blank}")).format(blank=fill),
        _e(_("Follow-up agreed with the hospital abroad: {blank}")).format(blank=fill),
        _e(_("Follow-up I would like at home: {blank}")).format(blank=fill),
    ]
    intro = _(
        "I am planning spinal surgery abroad and would like you to know the plan, and to look after me when I am back."
    )
    bring = _(
        "I will bring back the operation note, the implant record, my scans, the discharge summary and my list of medicines."
    )
    parts.append(f"<p>{_e(intro)}</p>{_items(plan)}<p>{_e(bring)}</p></section>")
    return parts


def _items(items: list[str]) -> str:
    """A list of HTML items (already escaped) as ``<ul>``."""
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def build_pack(ds: Dataset, result: Ranking, facility_id: str, *, generated: dt.datetime | None = None) -> str:
    """The pack for one option as a self-contained HTML page that prints well."""
    name = ds.facilities.loc[facility_id, "name"]
    when = (generated or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d")
    title = _e(_("Continuity of care: {facility}").format(facility=name))
    lang = i18n.current()
    rtl = " dir='rtl'" if i18n.direction(lang) == "rtl" else ""
    head = (
        f"<!DOCTYPE html><html lang='{lang}'{rtl}><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><style>{PRINT_CSS}</style></head><body>"
        f"<h1>{title}</h1>"
        "<p class='muted'>"
        + _e(
            _(
                "Prepared {date}. Decision support, not medical advice: agree every step with your "
                "surgeon and your doctor at home."
            ).format(date=when)
        )
        + "</p>"
    )
    return head + "\n".join(sections(ds, result, facility_id)) + "</body></html>"
