"""Method: how costs, scores, the Pareto front and the robustness figures are computed."""

from __future__ import annotations

import streamlit as st

from app_pages.state import page_dataset
from app_pages.ui import plain
from compare import costs, criteria, i18n
from compare.costs.money import span
from compare.i18n import N_, _

# The method, one message per section or paragraph (a heading with its paragraph, or a whole
# list), translated when the page renders.


def _method() -> str:
    """How the tool works, in the current language (markdown)."""
    criteria_list = "\n".join(
        _("- **{label}** ({better}): {description}").format(
            label=_(c.label), better=_(c.better), description=_(c.description)
        )
        for c in criteria.CRITERIA
    )
    sections = [
        _(
            "### Whole-trip cost\n"
            "Every cost is a *range* (low–high) in your currency, converted with dated reference exchange rates "
            "(the rate and its date are shown next to the totals). The trip has 17 parts: consultation, imaging, "
            "tests; surgeon, anaesthesia, theatre, implants, hospital nights; physiotherapy, follow-up, "
            "medication, brace; flights, lodging, meals, local transport and visa. Each part is marked:"
        ),
        _(
            "- **quoted** — a price for that facility (its own, or a quote that names it);\n"
            '- **published** — a published figure for the country (usually a facilitator\'s "from" price), a '
            "published unit cost, or the Passport Index saying no visa is needed;\n"
            "- **included** — covered by the operation price, so not counted twice;\n"
            "- **estimated** — computed here, naming its method and inputs (below);\n"
            "- **entered** — your own figure (a fare);\n"
            "- **unknown** — no source reports it. It is **never counted as zero** without saying so."
        ),
        _(
            "**Two totals.** The *documented* total adds what is quoted, published, estimated or entered. The "
            "*comparable* total (the default for ranking; change it under Advanced) also fills each unknown part "
            "with a labelled estimate: the median of the same part in the same country, else in the same UN M49 "
            "sub-region, else region, else over every country with a figure (each country counts once). Without "
            "this, the options whose sources say least would look cheapest. **Completeness** is the share of the "
            "comparable total that is documented rather than filled; it is shown next to every total and feeds "
            "the data-confidence criterion. A part that no source reports anywhere (today: consultation, tests, "
            "follow-up, brace, and physiotherapy, priced only per session) is left out of both totals and named."
        ),
        _(
            "**The operation.** The range of every published figure that applies: a facility's own price if it "
            "has one, otherwise the country's. An operation price covers the surgeon, anaesthesia, theatre and "
            "hospital nights unless its source says otherwise; tests and anything else only when it says so. "
            'Prices rarely name the variant: such a price is labelled "price for unspecified variant", and for a '
            "2-level operation it is scaled by the literature's cost of an extra level (below). Open against "
            "minimally invasive is not adjusted: the studies disagree on the direction. Hospital nights follow "
            "the approach (open 3–7 nights; minimally invasive 1–5, computed from a meta-analysis)."
        ),
        _(
            "**Implants** count as included only when the price says so. Otherwise they are estimated from their "
            "share of the total cost of the operation in a study of one Indian hospital; when the price does not "
            "say whether it includes them, the low end is zero."
        ),
        _(
            "**Flights** are estimated from the great-circle distance between the airports, because no public "
            "table of international fares exists. Flight time is {flight_hours_method}."
        ).format(flight_hours_method=_(costs.FLIGHT_HOURS_METHOD)),
        _(
            "**The stay.** Days in the country after discharge follow the safe-to-fly guidance for the flight "
            "home: long haul from the number of hours below, short haul otherwise. The sources disagree (from 2–3 "
            "weeks before any flight to 2–3 months before a long-haul one), so the range spans the guidance for "
            "the route and every source is shown; set your own number in the sidebar to override it."
        ),
        _(
            "**Lodging and meals** come from the U.S. State Department's foreign per diem rates (April 2026): "
            "the maximum hotel rate for the facility's city (else the rest of its country, and it says so) is a "
            "ceiling for a mid-to-upper hotel, shown as the *mid-range* tier next to local figures where the "
            "data has them. Budget and premium lodging use local figures only; where there are none they stay "
            "unknown and the comparable total fills them with that ceiling, labelled as the upper (budget) or "
            "lower (premium) bound it is. Meals use the meals & incidentals allowance per traveller-day outside "
            "hospital. One room is shared with a companion, who also needs a room while you are in hospital."
        ),
        _(
            "**Visas** follow your passport (default: the country you travel from) in the Passport Index data of "
            "12 January 2025: visa free for so many days, visa on arrival, ETA, e-visa, visa required. A visa that "
            "is not needed costs nothing; otherwise the fees the data lists for that country are used, or the "
            "part stays unknown. A stay longer than the visa-free days is flagged."
        ),
        _(
            "**Price uncertainty** is part of the robustness figures: each sample draws every option's cost "
            "uniformly within its low–high range, as well as the weights."
        ),
        _(
            "### What can go wrong: the expected cost of complications\n"
            "For surgical-site infection, reoperation or revision, and non-union, the tool multiplies the "
            "probability reported in the literature by the cost of treating the complication, and adds them up "
            "as a low–high range (low probability × low cost to high × high). Where a study reports a higher rate "
            "for patients operated abroad, that rate is the default for trips abroad (switch it off under "
            "Advanced). The cost is the one published for your home country where a source gives it, else the "
            'destination\'s; where neither exists the line says "unknown" and why, and the sum is marked '
            "*partial*: nothing is guessed. The **risk-adjusted total** (trip + expected complications) can be "
            "chosen as the cost criterion under Advanced; the default stays the whole trip. It is a labelled "
            "estimate from population averages, not a forecast for you. The three complications overlap "
            "(reoperations include some for infection and non-union), so the sum leans high. Today the data "
            "has treatment costs for the United States only and the same rates for every destination, so the "
            "expected cost is the same for every option from a US origin and unknown from elsewhere: it cannot "
            "reorder the options yet."
        ),
        _(
            "If the operation was **not recommended by a doctor at home** (or you have not asked), a caution "
            "with its source is shown above the ranking and in the client report; no option is hidden."
        ),
        _(
            "**Too little data to rank.** An option for which more than half of the criteria you weight are "
            'not reported is marked "too little data to rank reliably"; its rank rests mostly on the '
            "missing-data policy. A filter hides such options."
        ),
        _("### Scores\nEach criterion has a direction (lower or higher is better) and your weight (0–10):"),
        criteria_list,
        _(
            "**Weighted sum** (default): each criterion is rescaled to 0–1 across the options shown (1 = best), "
            "multiplied by its share of the total weight, and added up; the parts add up to the score shown in "
            '"Why this rank". **TOPSIS** ranks by closeness to an ideal option (vector-normalised); its score is '
            "shared among criteria in proportion to the weighted-sum parts."
        ),
        _(
            "Edge cases: a criterion with the same value for everyone cannot change the ranking; a criterion no "
            "option reports is dropped; ties are broken by facility id, so the order is always the same."
        ),
        _(
            "**When a value is not reported** you choose: count it as the worst value shown (default: unknown "
            "is never rewarded), as the median, or leave that criterion out for that option and reweight the rest."
        ),
        _(
            "### Pareto front\n"
            "An option is on the front when no other option is both cheaper (whole-trip midpoint) and better on "
            "the other weighted criteria. Everything off the front is beaten on both by something on it."
        ),
        _(
            "### How sure is the ranking?\n"
            "Your weights are a guess. The robustness view draws {samples} weightings from a Dirichlet distribution "
            "centred on yours (the certainty control sets how close), re-ranks for each, and reports how often each "
            "option comes first (P(rank 1)) and in the top three (P(top 3)), with the Monte-Carlo standard error. "
            "Each sample also draws every option's whole-trip cost within its low–high range, so the figures "
            'answer "how sure, given what we don\'t know about weights and prices". The sampling is seeded, so the '
            "same scenario gives the same figures."
        ).format(samples=i18n.number(10_000)),
        _(
            "### Who stands behind each figure\n"
            "Every figure names its source, its date, its evidence level and who stands behind the source: the "
            "hospital itself, a facilitator that sells the trip, a marketplace paid for listings or leads, a "
            "registry or accreditor, a government, peer-reviewed literature, independent press, sponsored "
            "content or a patient. The kind caps the evidence's confidence (a marketplace or sponsored page "
            "counts at most 0.3, a facilitator 0.4, press 0.6); a price that repeats another source's figure is "
            "shown but counted once."
        ),
        _(
            "**Accreditation** counts only when it certifies the whole hospital (JCI, ACHS International, a "
            "national hospital scheme; a certified spine centre counts as national). Medical-travel, "
            "person-centred-care, laboratory, nursing and quality-system certificates are listed but not scored. "
            "Each accreditation records when a source last showed it current; with no such evidence in the last "
            "36 months it counts half, and the facility page says so."
        ),
        _(
            "### What the data can and cannot tell you\n"
            "Most prices are facilitator marketing figures, not invoices, and many are years old. Spine volumes, "
            "outcomes and languages are published by few hospitals. Studies of patients who travelled for spine "
            "surgery report more wound infections and complications than in patients treated at home; the "
            "quality of the indication and the follow-up plan at home matter as much as the hospital."
        ),
    ]
    return "\n\n".join(sections)


# A bullet for each seat, flight length and variant the data names; anything else falls back
# to its key in words (data the page cannot know in advance).
SEAT_LINES = {
    "economy": N_("- **Economy seat**: {note} — {source}."),
    "extra_legroom": N_("- **Extra legroom seat**: {note} — {source}."),
    "business": N_("- **Business seat**: {note} — {source}."),
}
SAFE_TO_FLY_LINES = {
    "short": N_("- **Safe to fly, short flights**: {weeks} weeks — {source}."),
    "long": N_("- **Safe to fly, long flights**: {weeks} weeks — {source}."),
    "any": N_("- **Safe to fly, any flights**: {weeks} weeks — {source}."),
}
VARIANT_LINES = {
    "extra_level": N_("- **Extra level**: × {factor} — {source}."),
}


def _sources(ds) -> str:
    """The figures the travel model uses, each with its source, read from travel.yaml and clinical.yaml."""
    if ds.travel is None:
        return ""
    t, lines = ds.travel, [_("### The figures behind the estimates"), ""]

    def cite(key: str) -> str:
        src = t.sources.get(key) or (ds.clinical.sources.get(key) if ds.clinical else None)
        # Text from the data files is escaped: shown as written, never as markup or links.
        if not src:
            return plain(key)
        return plain(
            _("{title} ({where}, {as_of})").format(
                title=src.title or key, where=src.url or src.citation, as_of=i18n.date(src.as_of)
            )
        )

    def g(value: float) -> str:
        return i18n.number(value, "g")

    f = t.fares
    lines.append(
        _(
            "- **Fares**: {method}. Low: USD {low_fixed} + {low_per_km} a km one way — {low_source}. "
            "High: USD {high_fixed} + {high_per_km} a km — {high_source}."
        ).format(
            method=plain(f.method),
            low_fixed=g(f.low.fixed),
            low_per_km=g(f.low.per_km),
            low_source=cite(f.low.source),
            high_fixed=g(f.high.fixed),
            high_per_km=g(f.high.per_km),
            high_source=cite(f.high.source),
        )
    )
    for seat, cost in f.seat.items():
        if cost.source:
            line = SEAT_LINES.get(seat)
            lines.append(
                _(line).format(note=plain(cost.note), source=cite(cost.source))
                if line
                else _("- **{name}**: {note} — {source}.").format(
                    name=seat.replace("_", " ").capitalize(), note=plain(cost.note), source=cite(cost.source)
                )
            )
    lines.append(
        _("- **Long haul** from {hours} estimated hours — {source}.").format(
            hours=g(t.haul.long_from_hours), source=cite(t.haul.source)
        )
    )
    lines.append(_("- **Per diem rates** — {source}.").format(source=cite(t.per_diem.source)))
    lines.append(_("- **Visa requirements** — {source}.").format(source=cite(t.visas.source)))
    lines.append(_("- **Regions** for filling unknown parts — {source}.").format(source=cite(t.regions_source)))
    if ds.clinical is not None:
        for rule in ds.clinical.safe_to_fly:
            weeks, source = span(rule.weeks_low, rule.weeks_high, "g"), cite(rule.source)
            line = SAFE_TO_FLY_LINES.get(rule.haul)
            lines.append(
                _(line).format(weeks=weeks, source=source)
                if line
                else _("- **Safe to fly, {haul} flights**: {weeks} weeks — {source}.").format(
                    haul=rule.haul, weeks=weeks, source=source
                )
            )
        if ds.clinical.implants:
            i = ds.clinical.implants
            lines.append(
                _("- **Implants**: {share} per cent of the total cost — {source}.").format(
                    share=span(100 * i.low, 100 * i.high, ".0f"), source=cite(i.source)
                )
            )
        for key, v in ds.clinical.variant_costs.items():
            factor, source = span(v.low, v.high, "g"), cite(v.source)
            line = VARIANT_LINES.get(key)
            lines.append(
                _(line).format(factor=factor, source=source)
                if line
                else _("- **{name}**: × {factor} — {source}.").format(
                    name=key.replace("_", " ").capitalize(), factor=factor, source=source
                )
            )
    if f.seat_note:
        lines += [
            "",
            _("*Sitting on long flights after surgery.* {note}").format(note=plain(f.seat_note)),
        ]
    return "\n".join(lines)


def render() -> None:
    ds = page_dataset()
    st.markdown(_("## How this tool works"))
    st.markdown(f"**{_(ds.disclaimer)}**")
    st.markdown(_method())
    st.markdown(_sources(ds))


render()
