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

from compare import charts, continuity, costs, criteria, export, i18n
from compare.data import Dataset
from compare.engine import Ranking, rank
from compare.i18n import N_, _, ngettext
from compare.quotes import Quote, apply_quotes, quote_comparison
from compare.scenario import Filters, Scenario

CSS = """
@page { size: auto; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 19pt; margin: 0 0 2mm; } h2 { font-size: 13.5pt; margin: 7mm 0 2mm; border-bottom: 2px solid #1f6feb; padding-bottom: 1mm; }
h3 { font-size: 11.5pt; margin: 4mm 0 1mm; }
.muted { color: #5f6368; } .small { font-size: 8.5pt; }
.disclaimer { border-inline-start: 4px solid #d93025; background: #fdf1f0; padding: 2mm 3mm; margin: 3mm 0; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; font-size: 9pt; }
th, td { border-bottom: 1px solid #dadce0; padding: 1.2mm 1.6mm; text-align: start; vertical-align: top; }
th { background: #f1f3f4; } td.num { text-align: end; white-space: nowrap; }
.status-missing, .status-unknown { color: #d93025; } .status-estimated { color: #b06000; } .status-included { color: #5f6368; }
.option { break-inside: avoid; page-break-inside: avoid; border: 1px solid #dadce0; border-radius: 2mm; padding: 2mm 3mm; margin: 3mm 0; }
.note { background: #f8f9fa; border-inline-start: 3px solid #1f6feb; padding: 1.5mm 2.5mm; white-space: pre-wrap; }
a { color: #1a57c4; word-break: break-all; }
.chart { break-inside: avoid; page-break-inside: avoid; }
@media print { a { color: inherit; } .chart { max-height: 120mm; } }
"""
# Right to left: figures keep their left-to-right order (a range reads low–high) and sit on the
# end (left) side of their column; a cell in words ("3 of 40") follows the page. The chart is
# laid out by Plotly, left to right.
RTL_CSS = """
td.num { text-align: left; }
td.num:not(.words) { direction: ltr; unicode-bidi: isolate; }
.chart { direction: ltr; }
"""


def _e(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return html.escape(str(value), quote=True)


def _link(url: str | None) -> str:
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return _e(url or _("not reported"))
    return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'


def _who(ds: Dataset, kind: str | None, evidence: str) -> str:
    """Who stands behind a source and how the figure became known, in words."""
    kinds, levels = ds.vocab.get("source_kinds", {}), ds.vocab["evidence_levels"]
    who = _(kinds[kind].label) if kind in kinds else _("source of unknown kind")
    how = _(levels[evidence].label) if evidence in levels else evidence
    return _("{who}; {how}").format(who=who, how=how.lower())


def _percent(value: float) -> str:
    return "—" if pd.isna(value) else i18n.percent(value)


def _money(low: float, high: float, currency: str) -> str:
    return _e(costs.format_range(low, high, currency))


def _head(*labels: str) -> str:
    """A table's header row (the labels already translated)."""
    return "<table><thead><tr>" + "".join(f"<th>{label}</th>" for label in labels) + "</tr></thead><tbody>"


def _undated(date: object) -> str:
    """A source's date in the reader's form (``Apr 13, 2026``, ``13 abr 2026``), or "undated"."""
    if date is None or date is pd.NA or date == "" or (isinstance(date, float) and math.isnan(date)):
        return _("undated")
    return i18n.date(str(date))


# Whole sentences, translated where they are shown.
RECOMMENDED = {
    "yes": N_("A doctor at home recommended the operation."),
    "no": N_("A doctor at home did not recommend the operation."),
    "not_asked": N_("Not yet discussed with a doctor at home."),
}
LODGING = {"budget": N_("budget lodging"), "mid": N_("mid lodging"), "premium": N_("premium lodging")}
MISSING = {
    "worst": N_("Method: {method}; values not reported count as the worst shown."),
    "median": N_("Method: {method}; values not reported count as the median."),
    "exclude": N_("Method: {method}; values not reported count as left out (weights renormalised)."),
}
HAUL = {"long": N_("long haul"), "short": N_("short haul")}


def describe_scenario(ds: Dataset, scenario: Scenario) -> list[str]:
    """The scenario in plain words, one sentence per line."""
    trip, prefs = scenario.trip, scenario.preferences
    origins = ds.origins.set_index("id")
    origin = origins.loc[trip.origin] if trip.origin in origins.index else None
    procedure = ds.vocab["procedures"].get(trip.procedure)
    passport = trip.passport or (origin["country"] if origin is not None else _("not known"))
    fares = []
    if trip.flight_fare is not None:
        fares.append(
            _("{fare} per traveller for every destination").format(
                fare=costs.format_money(trip.flight_fare, trip.currency)
            )
        )
    fares += [
        _("{fare} to {destination}").format(fare=costs.format_money(v, trip.currency), destination=k)
        for k, v in trip.fares.items()
    ]
    travelling = (
        _(
            "Travelling from {origin} on a {passport} passport with a companion; {seat} seat; "
            "costs in {currency} ({rate}); {lodging}."
        )
        if trip.companion
        else _(
            "Travelling from {origin} on a {passport} passport alone; {seat} seat; "
            "costs in {currency} ({rate}); {lodging}."
        )
    )
    tier = trip.lodging_tier.value
    stay = (
        _("Days in the country after discharge: {days} (your choice).").format(days=i18n.number(trip.recovery_days))
        if trip.recovery_days is not None
        else _(
            "Days in the country after discharge: from the safe-to-fly guidance for each flight home "
            "(longer for long-haul flights)."
        )
    )
    airfare = (
        _("Airfare entered: {fares}.").format(fares="; ".join(fares))
        if fares
        else _("Airfares are estimated from distance (see each option).")
    )
    insurance = (
        _("Complication insurance quote: {amount}.").format(
            amount=costs.format_money(trip.complication_insurance, trip.currency)
        )
        if trip.complication_insurance is not None
        else _("No complication insurance entered.")
    )
    weights = ", ".join(
        f"{_(c.label).lower()} {i18n.number(prefs.weights.get(c.id, 0), 'g')}" for c in criteria.CRITERIA
    )
    lines = [
        _("Operation: {procedure}.").format(procedure=_(procedure.label) if procedure else trip.procedure),
        travelling.format(
            origin=origin["city"] if origin is not None else trip.origin,
            passport=passport,
            seat=_(costs.SEAT_LABELS[trip.seat]),
            currency=trip.currency,
            rate=costs.rate_note(ds, trip.currency),
            lodging=_(LODGING[tier]) if tier in LODGING else tier,
        ),
        f"{stay} {airfare}",
        _(
            "Whole-trip totals: comparable (a part no source reports is filled with a labelled estimate "
            "from comparable places)."
        )
        if prefs.cost_basis.value == "comparable"
        else _("Whole-trip totals: documented only (parts no source reports are left out)."),
        " ".join(
            [
                _("Cost criterion: the whole trip plus the expected cost of complications (risk-adjusted).")
                if prefs.cost_criterion.value == "risk_adjusted"
                else _("Cost criterion: the whole trip."),
                insurance,
                _(RECOMMENDED[trip.recommended_at_home]),
            ]
        ),
        _("Weights: {weights}.").format(weights=weights),
        _(MISSING[prefs.missing.value]).format(method=_("weighted sum") if prefs.method.value == "wsm" else "TOPSIS"),
    ]
    f = scenario.filters
    active = []
    if f.countries:
        active.append(_("countries {countries}").format(countries=", ".join(f.countries)))
    if f.accreditation:
        active.append(_("accreditation: {accreditation}").format(accreditation=f.accreditation))
    if f.techniques:
        active.append(_("techniques: {techniques}").format(techniques=", ".join(f.techniques)))
    if f.min_volume is not None:
        active.append(
            ngettext(
                "at least {n} spine operation a year", "at least {n} spine operations a year", f.min_volume
            ).format(n=i18n.number(f.min_volume))
        )
    if f.languages:
        active.append(_("languages: {languages}").format(languages=", ".join(f.languages)))
    if f.budget is not None:
        active.append(_("budget {amount}").format(amount=costs.format_money(f.budget, trip.currency)))
    if f.max_flight_hours is not None:
        active.append(_("flight up to {hours} h").format(hours=i18n.number(f.max_flight_hours, "g")))
    if f.max_price_age_months is not None:
        active.append(
            ngettext(
                "prices no older than {n} month", "prices no older than {n} months", f.max_price_age_months
            ).format(n=i18n.number(f.max_price_age_months))
        )
    lines.append(_("Filters: {filters}.").format(filters="; ".join(active)) if active else _("Filters: none."))
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

    css = CSS + (RTL_CSS if i18n.direction() == "rtl" else "")
    prepared = (
        _("Prepared for {client} · Generated {when} · data version {version}")
        if client
        else _("Generated {when} · data version {version}")
    ).format(client=_e(client), when=when, version=_e(ds.content_hash[:12]))

    parts = [
        f"<!DOCTYPE html><html lang='{i18n.current()}' dir='{i18n.direction()}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{_e(title)}</title><style>{css}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class='muted'>{prepared}</p>",
        "<p class='disclaimer'><strong>" + _("Not medical advice.") + f"</strong> {_e(_(ds.disclaimer))}</p>",
        *(
            [
                "<p class='disclaimer'><strong>"
                + _("Second opinion.")
                + "</strong> "
                + _e(result.caution["text"])
                + " "
                + _("(source: {link})").format(link=_link(result.caution["source_url"]))
                + "</p>"
            ]
            if result.caution
            else []
        ),
        "<h2>" + _("Your scenario") + "</h2><ul>",
        *[f"<li>{_e(line)}</li>" for line in describe_scenario(ds, scenario)],
        "</ul>",
        "<h2>" + _("The shortlist") + "</h2>",
        _head(
            "#",
            _("Facility"),
            _("Country"),
            _("Rank of all"),
            _("Score"),
            _("Whole trip ({currency})").format(currency=_e(currency)),
            _("Completeness"),
            _("Accreditation"),
        ),
    ]
    for pos, fid in enumerate(present, 1):
        row = table.loc[fid]
        acc = ", ".join(row["accreditations"]) or _("none found")
        rank_of = _("{rank} of {total}").format(rank=i18n.number(int(row["rank"])), total=i18n.number(len(table)))
        parts.append(
            f"<tr><td>{i18n.number(pos)}</td><td>{_e(row['name'])}</td><td>{_e(row['country_name'])}</td>"
            f"<td class='num words'>{rank_of}</td><td class='num'>{i18n.number(row['score'], 2)}</td>"
            f"<td class='num'>{_money(row['total_low'], row['total_high'], currency)}</td>"
            f"<td class='num'>{_percent(row['completeness'])}</td><td>{_e(acc)}"
            + (
                "<br><span class='status-unknown small'>" + _("too little data to rank reliably") + "</span>"
                if row["thin_data"]
                else ""
            )
            + "</td></tr>"
        )
    parts.append("</tbody></table>")
    if missing:
        parts.append(
            "<p class='status-missing'>"
            + _("No longer in the data: {ids}.").format(ids=_e(", ".join(missing)))
            + "</p>"
        )
    baseline = result.baseline
    home = (
        ngettext(
            "Versus at home ({country}): {amount}, from {n} published figure(s), newest dated {date}.",
            "Versus at home ({country}): {amount}, from {n} published figure(s), newest dated {date}.",
            baseline["n_figures"],
        ).format(
            country=_e(result.origin["country"]),
            amount=_money(baseline["low"], baseline["high"], currency),
            n=i18n.number(baseline["n_figures"]),
            date=_e(_undated(baseline["as_of"])),
        )
        if baseline
        else _("Versus at home: no home price found for {country}.").format(country=_e(result.origin["country"]))
    )
    explained = _(
        "Whole-trip ranges add every component: published, estimated (the method is named) or entered. "
        "A component no source reports is <em>unknown</em>; on the comparable basis it is filled with a "
        "labelled estimate from comparable places, and completeness is the share of the total that is not "
        "filled. Rank and score use your weights over all facilities in the data."
    )
    parts.append(f"<p class='small muted'>{explained} {home}</p>")

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

    parts.append("<h2>" + _("Each option") + "</h2>")
    used_sources: dict[str, tuple[str, str]] = {}
    for fid in present:
        row = table.loc[fid]
        city = row["city"] or _("city not reported")
        parts.append(f"<section class='option'><h3>{_e(row['name'])} — {_e(city)}, {_e(row['country_name'])}</h3>")
        parts.append(f"<p>{_e(row['summary'])}</p>")
        if notes.get(fid):
            parts.append("<p class='note'><strong>" + _("Note:") + f"</strong> {_e(notes[fid])}</p>")
        for change in changes.get(fid, []):
            parts.append(
                "<p class='status-estimated'>"
                + _("Changed since the shortlist was saved: {change}").format(change=_e(change))
                + "</p>"
            )
        if fid in quoted:
            parts += _quote_section(quoted[fid], published, result.costs)
        t = result.costs.totals.loc[fid]
        expected = (
            _money(t["expected_low"], t["expected_high"], currency) if pd.notna(t["expected_low"]) else _("unknown")
        )
        parts.append(
            "<p class='small'>"
            + (
                _(
                    "Expected cost of complications (infection, reoperation, non-union; probability "
                    "× cost of treating it): {amount} — not priced: {unpriced}."
                ).format(amount=expected, unpriced=_e(", ".join(t["risk_unknown"])))
                if t["risk_unknown"]
                else _(
                    "Expected cost of complications (infection, reoperation, non-union; probability "
                    "× cost of treating it): {amount}."
                ).format(amount=expected)
            )
            + "</p>"
        )
        parts.append(_head(_("Cost component"), _("Range"), _("How known"), _("Basis"), _("Source")))
        leg = result.costs.journeys.loc[fid]
        haul = _(HAUL[leg["haul"]]) if leg["haul"] in HAUL else _("{haul} haul").format(haul=leg["haul"])
        flight = _("Flight about {hours} h ({haul}).").format(hours=i18n.number(leg["flight_hours"]), haul=_e(haul))
        visa = (
            _("Visa: {visa} — {warning}.").format(
                visa=_e(leg["visa_label"]), warning=f"<strong>{_e(leg['visa_warning'])}</strong>"
            )
            if isinstance(leg["visa_warning"], str)
            else _("Visa: {visa}.").format(visa=_e(leg["visa_label"]))
        )
        parts.append(f"<p class='small'>{flight} {_e(leg['hospital_basis'])}. {_e(leg['stay_basis'])} {visa}</p>")
        for _row, c in costs.itemised(comp[comp["facility_id"] == fid], currency).iterrows():
            date = _undated(c["as_of"])
            status = costs.status_word(c["status"])
            parts.append(
                f"<tr><td>{_e(_(c['label']))}</td><td class='num'>{_e(c['amount'])}</td><td class='status-{_e(c['status'])}'>{_e(status)}</td>"
                f"<td>{_e(c['how'])}</td><td class='small'>{_e(c['evidence']) if c['sources'] else ''} {_e(date) if c['sources'] else ''}</td></tr>"
            )
            for src in c["sources"]:
                used_sources.setdefault(src.reference, (_who(ds, src.kind, src.evidence), _undated(src.as_of)))
        parts.append("</tbody></table>")
        facts = ds.facts[ds.facts["facility_id"] == fid]
        parts.append(_head(_("Fact"), _("Value"), _("Evidence"), _("As of")))
        for _row, f in facts.iterrows():
            date = _undated(f["as_of"])
            flag = " " + _("(stale)") if f["stale"] else ""
            parts.append(
                f"<tr><td>{_e(f['field'].replace('_', ' '))}</td><td>{_e(f['value'])}</td><td>{_e(f['evidence'])}</td><td>{_e(date)}{flag}</td></tr>"
            )
            used_sources.setdefault(str(f["source_url"]), (_who(ds, f["source_kind"], f["evidence"]), date))
        parts.append("</tbody></table></section>")

    if present:
        heading = _("Continuity of care: {name}").format(name=_e(table.loc[present[0], "name"]))
        note = _("For the first option on this shortlist; the pack of any option downloads from its Facility page.")
        parts.append(f"<h2>{heading}</h2><p class='small muted'>{note}</p>")
        parts += [
            part.replace("<h2>", "<h3>").replace("</h2>", "</h3>")
            for part in continuity.sections(ds, result, present[0])
        ]

    parts.append("<h2>" + _("Sources") + "</h2>" + _head(_("Source"), _("Who stands behind it; evidence"), _("As of")))
    for url, (evidence, date) in sorted(used_sources.items()):
        parts.append(f"<tr><td>{_link(url)}</td><td>{_e(evidence)}</td><td>{_e(date)}</td></tr>")
    parts.append("</tbody></table>")
    parts.append(f"<p class='small muted'>{_e(_(ds.disclaimer))}</p></body></html>")
    return "\n".join(parts)


def _quote_section(quote: Quote, published: costs.CostFrame, with_quotes: costs.CostFrame) -> list[str]:
    """What a saved quote adds or leaves out against the published and estimated figures."""
    sent = (
        _("<strong>Quote</strong> from {sender}, dated {date}, valid until {valid_until}.").format(
            sender=_e(quote.sender), date=quote.quoted_on.isoformat(), valid_until=quote.valid_until.isoformat()
        )
        if quote.valid_until
        else _("<strong>Quote</strong> from {sender}, dated {date}, validity not stated.").format(
            sender=_e(quote.sender), date=quote.quoted_on.isoformat()
        )
    )
    expired = (
        " <strong class='status-unknown'>" + _("Expired: ask for a new quote before relying on it.") + "</strong>"
        if quote.expired()
        else ""
    )
    table = quote_comparison(published, with_quotes, quote)
    answered = table[table["quote_status"] != ""]
    out = [
        f"<p>{sent}{expired}</p>",
        _head(_("Cost line"), _("Published or estimated"), _("Quoted"), _("What changed")),
        *[
            f"<tr><td>{_e(_(r.label))}</td><td>{_e(r.before)}</td><td>{_e(r.quote)}</td><td>{_e(r.change)}</td></tr>"
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
