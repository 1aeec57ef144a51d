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

from compare.costs.money import span
from compare.data import Dataset
from compare.engine import Ranking

WHEN = {
    "before_booking": "Before you book",
    "before_leaving": "Before you leave the hospital",
    "back_home": "Back home",
    "emergency": "If something goes wrong",
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
    parts = ["<h2>What to do, and what to take home</h2>"]
    steps = ds.risk.continuity if ds.risk else []
    if not steps:
        parts.append("<p>No sourced checklist is in the data; ask your doctor at home what to bring back.</p>")
    for when, title in WHEN.items():
        chosen = [s for s in steps if s.when == when]
        if chosen:
            parts.append(f"<h3>{_e(title)}</h3><ul>")
            parts += [
                f"<li>{_e(s.text)} <span class='small muted'>Source: {_cite(ds, s.source)}</span></li>" for s in chosen
            ]
            parts.append("</ul>")
    parts.append("<h2>When it is safe to fly home</h2>")
    parts.append(
        f"<p>Your flight home is about {leg['flight_hours']:.0f} hours ({_e(leg['haul'])} haul). "
        f"Plan {span(leg['recovery_low'], leg['recovery_high'], 'g')} days in the country after you leave "
        f"hospital ({_e(leg['hospital_basis'])}). {_e(leg['stay_basis'])} Your surgeon decides when you may fly.</p>"
    )
    note = ds.travel.fares.seat_note if ds.travel else None
    if note:
        parts.append(f"<p class='small'>{_e(note)}</p>")
    gap = ds.risk.advice.get("insurance_gap") if ds.risk else None
    if gap is not None:
        parts.append(f"<p class='small'><strong>Insurance.</strong> {_e(gap.text)} Source: {_cite(ds, gap.source)}</p>")
    parts.append("<h2>Who to contact</h2><ul>")
    parts.append(f"<li>Abroad: {_e(fac['name'])}, {_e(fac['city'] or '')} {_e(fac['country_name'])}. "
                 "Surgeon: <span class='fill'></span> Phone or e-mail: <span class='fill'></span></li>")  # fmt: skip
    parts.append("<li>At home: your doctor (GP) <span class='fill'></span> Phone: <span class='fill'></span></li>")
    parts.append("<li>The person travelling with you: <span class='fill'></span></li></ul>")
    parts.append("<section class='page'><h2>For my doctor at home</h2>")
    parts.append(
        "<p>I am planning spinal surgery abroad and would like you to know the plan, and to look after me "
        "when I am back.</p><ul>"
        f"<li>Operation planned: {_e(procedure.label if procedure else trip.procedure)}</li>"
        f"<li>Where: {_e(fac['name'])}, {_e(fac['city'] or '')} {_e(fac['country_name'])}</li>"
        "<li>When: <span class='fill'></span></li>"
        "<li>Surgeon: <span class='fill'></span></li>"
        "<li>Follow-up agreed with the hospital abroad: <span class='fill'></span></li>"
        "<li>Follow-up I would like at home: <span class='fill'></span></li></ul>"
        "<p>I will bring back the operation note, the implant record, my scans, the discharge summary and "
        "my list of medicines.</p></section>"
    )
    return parts


def build_pack(ds: Dataset, result: Ranking, facility_id: str, *, generated: dt.datetime | None = None) -> str:
    """The pack for one option as a self-contained HTML page that prints well."""
    name = ds.facilities.loc[facility_id, "name"]
    when = (generated or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d")
    head = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Continuity of care: {_e(name)}</title><style>{PRINT_CSS}</style></head><body>"
        f"<h1>Continuity of care: {_e(name)}</h1>"
        f"<p class='muted'>Prepared {when}. Decision support, not medical advice: agree every step with your "
        "surgeon and your doctor at home.</p>"
    )
    return head + "\n".join(sections(ds, result, facility_id)) + "</body></html>"
