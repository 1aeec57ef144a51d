"""A client report: one self-contained HTML file that prints well on A4 and Letter.

Everything from data, notes or uploads is escaped; plotly.js is embedded once so the
file opens without a network connection.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.io as pio

from compare import charts, continuity, costs, criteria, export
from compare.data import Dataset
from compare.engine import Ranking, rank
from compare.quotes import Quote, apply_quotes, quote_comparison
from compare.scenario import Filters, Scenario

CSS = """
@page { size: auto; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 19pt; margin: 0 0 2mm; } h2 { font-size: 13.5pt; margin: 7mm 0 2mm; border-bottom: 2px solid #1f6feb; padding-bottom: 1mm; }
h3 { font-size: 11.5pt; margin: 4mm 0 1mm; }
.muted { color: #5f6368; } .small { font-size: 8.5pt; }
.disclaimer { border-left: 4px solid #d93025; background: #fdf1f0; padding: 2mm 3mm; margin: 3mm 0; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; font-size: 9pt; }
th, td { border-bottom: 1px solid #dadce0; padding: 1.2mm 1.6mm; text-align: left; vertical-align: top; }
th { background: #f1f3f4; } td.num { text-align: right; white-space: nowrap; }
.status-missing, .status-unknown { color: #d93025; } .status-estimated { color: #b06000; } .status-included { color: #5f6368; }
.option { break-inside: avoid; page-break-inside: avoid; border: 1px solid #dadce0; border-radius: 2mm; padding: 2mm 3mm; margin: 3mm 0; }
.note { background: #f8f9fa; border-left: 3px solid #1f6feb; padding: 1.5mm 2.5mm; white-space: pre-wrap; }
a { color: #1a57c4; word-break: break-all; }
.chart { break-inside: avoid; page-break-inside: avoid; }
@media print { a { color: inherit; } .chart { max-height: 120mm; } }
"""


def _e(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return html.escape(str(value), quote=True)


def _link(url: str | None) -> str:
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return _e(url or "not reported")
    return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'


def _who(ds: Dataset, kind: str | None, evidence: str) -> str:
    """Who stands behind a source and how the figure became known, in words."""
    kinds, levels = ds.vocab.get("source_kinds", {}), ds.vocab["evidence_levels"]
    who = kinds[kind].label if kind in kinds else "source of unknown kind"
    how = levels[evidence].label if evidence in levels else evidence
    return f"{who}; {how.lower()}"


def _percent(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.0%}"


def _money(low: float, high: float, currency: str) -> str:
    return _e(costs.format_range(low, high, currency))


RECOMMENDED = {
    "yes": " A doctor at home recommended the operation.",
    "no": " A doctor at home did not recommend the operation.",
    "not_asked": " Not yet discussed with a doctor at home.",
}


def describe_scenario(ds: Dataset, scenario: Scenario) -> list[str]:
    """The scenario in plain words, one sentence per line."""
    trip, prefs = scenario.trip, scenario.preferences
    origins = ds.origins.set_index("id")
    origin = origins.loc[trip.origin] if trip.origin in origins.index else None
    procedure = ds.vocab["procedures"].get(trip.procedure)
    passport = trip.passport or (origin["country"] if origin is not None else "not known")
    fares = []
    if trip.flight_fare is not None:
        fares.append(f"{trip.flight_fare:,.0f} {trip.currency} per traveller for every destination")
    fares += [f"{v:,.0f} {trip.currency} to {k}" for k, v in trip.fares.items()]
    lines = [
        f"Operation: {procedure.label if procedure else trip.procedure}.",
        f"Travelling from {origin['city'] if origin is not None else trip.origin} on a {passport} passport"
        + (" with a companion" if trip.companion else " alone")
        + f"; {costs.SEAT_LABELS[trip.seat]} seat; costs in {trip.currency} ({costs.rate_note(ds, trip.currency)}); "
        + f"{trip.lodging_tier.value} lodging.",
        "Days in the country after discharge: "
        + (
            f"{trip.recovery_days} (your choice)."
            if trip.recovery_days is not None
            else "from the safe-to-fly guidance for each flight home (longer for long-haul flights)."
        )
        + (
            " Airfare entered: " + "; ".join(fares) + "."
            if fares
            else " Airfares are estimated from distance (see each option)."
        ),
        "Whole-trip totals: "
        + (
            "comparable (a part no source reports is filled with a labelled estimate from comparable places)."
            if prefs.cost_basis.value == "comparable"
            else "documented only (parts no source reports are left out)."
        ),
        "Cost criterion: "
        + (
            "the whole trip plus the expected cost of complications (risk-adjusted)."
            if prefs.cost_criterion.value == "risk_adjusted"
            else "the whole trip."
        )
        + (
            f" Complication insurance quote: {trip.complication_insurance:,.0f} {trip.currency}."
            if trip.complication_insurance is not None
            else " No complication insurance entered."
        )
        + RECOMMENDED[trip.recommended_at_home],
        "Weights: " + ", ".join(f"{c.label.lower()} {prefs.weights.get(c.id, 0):g}" for c in criteria.CRITERIA) + ".",
        f"Method: {'weighted sum' if prefs.method.value == 'wsm' else 'TOPSIS'}; values not reported count as "
        + {"worst": "the worst shown", "median": "the median", "exclude": "left out (weights renormalised)"}[
            prefs.missing.value
        ]
        + ".",
    ]
    f = scenario.filters
    active = []
    if f.countries:
        active.append("countries " + ", ".join(f.countries))
    if f.accreditation:
        active.append(f"accreditation: {f.accreditation}")
    if f.techniques:
        active.append("techniques: " + ", ".join(f.techniques))
    if f.min_volume is not None:
        active.append(f"at least {f.min_volume:,} spine operations a year")
    if f.languages:
        active.append("languages: " + ", ".join(f.languages))
    if f.budget is not None:
        active.append(f"budget {f.budget:,.0f} {trip.currency}")
    if f.max_flight_hours is not None:
        active.append(f"flight up to {f.max_flight_hours:g} h")
    if f.max_price_age_months is not None:
        active.append(f"prices no older than {f.max_price_age_months} months")
    lines.append("Filters: " + ("; ".join(active) if active else "none") + ".")
    return lines


def shortlist_ranking(
    ds: Dataset, scenario: Scenario, quotes: Sequence[Quote] = (), frame: costs.CostFrame | None = None
) -> Ranking:
    """Rank every facility with the scenario's weights but no filters, so each shortlisted
    option has a rank even if today's filters would hide it; saved quotes win over published figures.
    ``frame`` reuses ``costs.cost_frame(ds, scenario.trip)`` (the dashboard caches it)."""
    frame = frame if frame is not None and frame.trip == scenario.trip else costs.cost_frame(ds, scenario.trip)
    frame = apply_quotes(ds, frame, list(quotes))
    return rank(ds, scenario.model_copy(update={"filters": Filters()}), frame=frame)


def build_report(
    ds: Dataset,
    scenario: Scenario,
    facility_ids: Sequence[str],
    *,
    title: str,
    client: str | None = None,
    notes: Mapping[str, str] | None = None,
    changes: Mapping[str, list[str]] | None = None,
    generated: dt.datetime | None = None,
    ranking: Ranking | None = None,
    quotes: Sequence[Quote] = (),
) -> str:
    """The whole report as one HTML string.

    ``quotes`` are the quotes saved with the shortlist: each option with one shows what it adds
    or leaves out; ``ranking`` reuses a ``shortlist_ranking(ds, scenario, quotes)`` already made.
    """
    notes = notes or {}
    changes = changes or {}
    result = ranking if ranking is not None else shortlist_ranking(ds, scenario, quotes)
    quoted = {q.facility_id: q for q in quotes}
    published = costs.cost_frame(ds, scenario.trip) if quoted else None
    table, comp = result.table, result.components
    present = [f for f in facility_ids if f in table.index]
    missing = [f for f in facility_ids if f not in table.index]
    currency = scenario.trip.currency
    when = (generated or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")

    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class='muted'>{'Prepared for ' + _e(client) + ' · ' if client else ''}Generated {when} · data version {_e(ds.content_hash[:12])}</p>",
        f"<p class='disclaimer'><strong>Not medical advice.</strong> {_e(ds.disclaimer)}</p>",
        *(
            [
                "<p class='disclaimer'><strong>Second opinion.</strong> "
                + _e(result.caution["text"])
                + f" (source: {_link(result.caution['source_url'])})</p>"
            ]
            if result.caution
            else []
        ),
        "<h2>Your scenario</h2><ul>",
        *[f"<li>{_e(line)}</li>" for line in describe_scenario(ds, scenario)],
        "</ul>",
        "<h2>The shortlist</h2>",
        "<table><thead><tr><th>#</th><th>Facility</th><th>Country</th><th>Rank of all</th><th>Score</th>"
        f"<th>Whole trip ({_e(currency)})</th><th>Completeness</th><th>Accreditation</th></tr></thead><tbody>",
    ]
    for pos, fid in enumerate(present, 1):
        row = table.loc[fid]
        acc = ", ".join(row["accreditations"]) or "none found"
        parts.append(
            f"<tr><td>{pos}</td><td>{_e(row['name'])}</td><td>{_e(row['country_name'])}</td>"
            f"<td class='num'>{int(row['rank'])} of {len(table)}</td><td class='num'>{row['score']:.2f}</td>"
            f"<td class='num'>{_money(row['total_low'], row['total_high'], currency)}</td>"
            f"<td class='num'>{_percent(row['completeness'])}</td><td>{_e(acc)}"
            + (
                "<br><span class='status-unknown small'>too little data to rank reliably</span>"
                if row["thin_data"]
                else ""
            )
            + "</td></tr>"
        )
    parts.append("</tbody></table>")
    if missing:
        parts.append(f"<p class='status-missing'>No longer in the data: {_e(', '.join(missing))}.</p>")
    baseline = result.baseline
    home = (
        f"Versus at home ({_e(result.origin['country'])}): {_money(baseline['low'], baseline['high'], currency)}, "
        f"from {baseline['n_figures']} published figure(s), newest dated {_e(baseline['as_of'] or 'undated')}."
        if baseline
        else f"Versus at home: no home price found for {_e(result.origin['country'])}."
    )
    parts.append(
        "<p class='small muted'>Whole-trip ranges add every component: published, estimated (the method is "
        "named) or entered. A component no source reports is <em>unknown</em>; on the comparable basis it is "
        "filled with a labelled estimate from comparable places, and completeness is the share of the total "
        f"that is not filled. Rank and score use your weights over all facilities in the data. {home}</p>"
    )

    if present:
        names = table["name"]
        fig = charts.cost_breakdown(
            comp[comp["facility_id"].isin(present)],
            names,
            currency,
            filled=scenario.preferences.cost_basis.value == "comparable",
        )
        fig.update_layout(height=max(300, 60 * len(present) + 160), width=700)
        parts.append(
            "<div class='chart'>"
            + pio.to_html(fig, include_plotlyjs=True, full_html=False, config={"staticPlot": True, "responsive": True})
            + "</div>"
        )

    parts.append("<h2>Each option</h2>")
    used_sources: dict[str, tuple[str, str]] = {}
    for fid in present:
        row = table.loc[fid]
        parts.append(
            f"<section class='option'><h3>{_e(row['name'])} — {_e(row['city'] or 'city not reported')}, {_e(row['country_name'])}</h3>"
        )
        parts.append(f"<p>{_e(row['summary'])}</p>")
        if notes.get(fid):
            parts.append(f"<p class='note'><strong>Note:</strong> {_e(notes[fid])}</p>")
        for change in changes.get(fid, []):
            parts.append(f"<p class='status-estimated'>Changed since the shortlist was saved: {_e(change)}</p>")
        if fid in quoted:
            parts += _quote_section(quoted[fid], published, result.costs)
        t = result.costs.totals.loc[fid]
        parts.append(
            "<p class='small'>Expected cost of complications (infection, reoperation, non-union; probability "
            "× cost of treating it): "
            + (_money(t["expected_low"], t["expected_high"], currency) if pd.notna(t["expected_low"]) else "unknown")
            + (f" — not priced: {_e(', '.join(t['risk_unknown']))}" if t["risk_unknown"] else "")
            + ".</p>"
        )
        parts.append(
            "<table><thead><tr><th>Cost component</th><th>Range</th><th>How known</th><th>Basis</th><th>Source</th></tr></thead><tbody>"
        )
        leg = result.costs.journeys.loc[fid]
        parts.append(
            f"<p class='small'>Flight about {leg['flight_hours']:.0f} h ({_e(leg['haul'])} haul). "
            f"{_e(leg['hospital_basis'])}. {_e(leg['stay_basis'])} Visa: {_e(leg['visa_label'])}"
            + (f" — <strong>{_e(leg['visa_warning'])}</strong>" if isinstance(leg["visa_warning"], str) else "")
            + ".</p>"
        )
        for _, c in costs.itemised(comp[comp["facility_id"] == fid], currency).iterrows():
            date = c["as_of"] if isinstance(c["as_of"], str) else "undated"
            parts.append(
                f"<tr><td>{_e(c['label'])}</td><td class='num'>{_e(c['amount'])}</td><td class='status-{_e(c['status'])}'>{_e(c['status'])}</td>"
                f"<td>{_e(c['how'])}</td><td class='small'>{_e(c['evidence']) if c['sources'] else ''} {_e(date) if c['sources'] else ''}</td></tr>"
            )
            for src in c["sources"]:
                used_sources.setdefault(src.reference, (_who(ds, src.kind, src.evidence), src.as_of or "undated"))
        parts.append("</tbody></table>")
        facts = ds.facts[ds.facts["facility_id"] == fid]
        parts.append("<table><thead><tr><th>Fact</th><th>Value</th><th>Evidence</th><th>As of</th></tr></thead><tbody>")
        for _, f in facts.iterrows():
            date = f["as_of"] if isinstance(f["as_of"], str) else "undated"
            flag = " (stale)" if f["stale"] else ""
            parts.append(
                f"<tr><td>{_e(f['field'].replace('_', ' '))}</td><td>{_e(f['value'])}</td><td>{_e(f['evidence'])}</td><td>{_e(date)}{flag}</td></tr>"
            )
            used_sources.setdefault(str(f["source_url"]), (_who(ds, f["source_kind"], f["evidence"]), date))
        parts.append("</tbody></table></section>")

    if present:
        parts.append(
            f"<h2>Continuity of care: {_e(table.loc[present[0], 'name'])}</h2><p class='small muted'>For the first "
            "option on this shortlist; the pack of any option downloads from its Facility page.</p>"
        )
        parts += [
            part.replace("<h2>", "<h3>").replace("</h2>", "</h3>")
            for part in continuity.sections(ds, result, present[0])
        ]

    parts.append(
        "<h2>Sources</h2><table><thead><tr><th>Source</th><th>Who stands behind it; evidence</th><th>As of</th></tr></thead><tbody>"
    )
    for url, (evidence, date) in sorted(used_sources.items()):
        parts.append(f"<tr><td>{_link(url)}</td><td>{_e(evidence)}</td><td>{_e(date)}</td></tr>")
    parts.append("</tbody></table>")
    parts.append(f"<p class='small muted'>{_e(ds.disclaimer)}</p></body></html>")
    return "\n".join(parts)


def _quote_section(quote: Quote, published: costs.CostFrame, with_quotes: costs.CostFrame) -> list[str]:
    """What a saved quote adds or leaves out against the published and estimated figures."""
    valid = f", valid until {quote.valid_until.isoformat()}" if quote.valid_until else ", validity not stated"
    expired = (
        " <strong class='status-unknown'>Expired: ask for a new quote before relying on it.</strong>"
        if quote.expired()
        else ""
    )
    table = quote_comparison(published, with_quotes, quote)
    answered = table[table["quote_status"] != ""]
    out = [
        f"<p><strong>Quote</strong> from {_e(quote.sender)}, dated {quote.quoted_on.isoformat()}{valid}.{expired}</p>",
        "<table><thead><tr><th>Cost line</th><th>Published or estimated</th><th>Quoted</th><th>What changed</th>"
        "</tr></thead><tbody>",
        *[
            f"<tr><td>{_e(r.label)}</td><td>{_e(r.before)}</td><td>{_e(r.quote)}</td><td>{_e(r.change)}</td></tr>"
            for r in answered.itertuples()
        ],
        "</tbody></table>",
    ]
    if quote.answers:
        out.append("<ul class='small'>")
        out += [f"<li>{_e(k.replace('_', ' '))}: {_e(v)}</li>" for k, v in quote.answers.items()]
        out.append("</ul>")
    return out


def shortlist_table(
    ds: Dataset,
    scenario: Scenario,
    facility_ids: Sequence[str],
    notes: Mapping[str, str] | None = None,
    ranking: Ranking | None = None,
) -> pd.DataFrame:
    """The ranking table (as ``rank`` prints it) for the shortlisted options, in the user's order, with notes."""
    result = ranking if ranking is not None else shortlist_ranking(ds, scenario)
    flat = export.ranking_table(result).set_index("facility_id", drop=False)
    present = [f for f in facility_ids if f in flat.index]
    out = flat.loc[present].reset_index(drop=True)
    out.insert(0, "position", range(1, len(out) + 1))
    out.insert(3, "note", [(notes or {}).get(f, "") for f in present])
    return out
