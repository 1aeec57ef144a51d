"""Method: how costs, scores, the Pareto front and the robustness figures are computed."""

from __future__ import annotations

import streamlit as st

from app_pages.state import page_dataset
from app_pages.ui import plain
from compare import costs, criteria
from compare.costs.money import span

METHOD = (
    f"""
### Whole-trip cost
Every cost is a *range* (low–high) in your currency, converted with dated reference exchange rates
(the rate and its date are shown next to the totals). The trip has 17 parts: consultation, imaging,
tests; surgeon, anaesthesia, theatre, implants, hospital nights; physiotherapy, follow-up,
medication, brace; flights, lodging, meals, local transport and visa. Each part is marked:

- **quoted** — a price for that facility (its own, or a quote that names it);
- **published** — a published figure for the country (usually a facilitator's "from" price), a
  published unit cost, or the Passport Index saying no visa is needed;
- **included** — covered by the operation price, so not counted twice;
- **estimated** — computed here, naming its method and inputs (below);
- **entered** — your own figure (a fare);
- **unknown** — no source reports it. It is **never counted as zero** without saying so.

**Two totals.** The *documented* total adds what is quoted, published, estimated or entered. The
*comparable* total (the default for ranking; change it under Advanced) also fills each unknown part
with a labelled estimate: the median of the same part in the same country, else in the same UN M49
sub-region, else region, else over every country with a figure (each country counts once). Without
this, the options whose sources say least would look cheapest. **Completeness** is the share of the
comparable total that is documented rather than filled; it is shown next to every total and feeds
the data-confidence criterion. A part that no source reports anywhere (today: consultation, tests,
follow-up, brace, and physiotherapy, priced only per session) is left out of both totals and named.

**The operation.** The range of every published figure that applies: a facility's own price if it
has one, otherwise the country's. An operation price covers the surgeon, anaesthesia, theatre and
hospital nights unless its source says otherwise; tests and anything else only when it says so.
Prices rarely name the variant: such a price is labelled "price for unspecified variant", and for a
2-level operation it is scaled by the literature's cost of an extra level (below). Open against
minimally invasive is not adjusted: the studies disagree on the direction. Hospital nights follow
the approach (open 3–7 nights; minimally invasive 1–5, computed from a meta-analysis).

**Implants** count as included only when the price says so. Otherwise they are estimated from their
share of the total cost of the operation in a study of one Indian hospital; when the price does not
say whether it includes them, the low end is zero.

**Flights** are estimated from the great-circle distance between the airports, because no public
table of international fares exists. Flight time is {costs.FLIGHT_HOURS_METHOD}.

**The stay.** Days in the country after discharge follow the safe-to-fly guidance for the flight
home: long haul from the number of hours below, short haul otherwise. The sources disagree (from 2–3
weeks before any flight to 2–3 months before a long-haul one), so the range spans the guidance for
the route and every source is shown; set your own number in the sidebar to override it.

**Lodging and meals** come from the U.S. State Department's foreign per diem rates (April 2026):
the maximum hotel rate for the facility's city (else the rest of its country, and it says so) is a
ceiling for a mid-to-upper hotel, shown as the *mid-range* tier next to local figures where the
data has them. Budget and premium lodging use local figures only; where there are none they stay
unknown and the comparable total fills them with that ceiling, labelled as the upper (budget) or
lower (premium) bound it is. Meals use the meals & incidentals allowance per traveller-day outside
hospital. One room is shared with a companion, who also needs a room while you are in hospital.

**Visas** follow your passport (default: the country you travel from) in the Passport Index data of
12 January 2025: visa free for so many days, visa on arrival, ETA, e-visa, visa required. A visa that
is not needed costs nothing; otherwise the fees the data lists for that country are used, or the
part stays unknown. A stay longer than the visa-free days is flagged.

**Price uncertainty** is part of the robustness figures: each sample draws every option's cost
uniformly within its low–high range, as well as the weights.

### What can go wrong: the expected cost of complications
For surgical-site infection, reoperation or revision, and non-union, the tool multiplies the
probability reported in the literature by the cost of treating the complication, and adds them up
as a low–high range (low probability × low cost to high × high). Where a study reports a higher rate
for patients operated abroad, that rate is the default for trips abroad (switch it off under
Advanced). The cost is the one published for your home country where a source gives it, else the
destination's; where neither exists the line says "unknown" and why, and the sum is marked
*partial*: nothing is guessed. The **risk-adjusted total** (trip + expected complications) can be
chosen as the cost criterion under Advanced; the default stays the whole trip. It is a labelled
estimate from population averages, not a forecast for you. The three complications overlap
(reoperations include some for infection and non-union), so the sum leans high. Today the data
has treatment costs for the United States only and the same rates for every destination, so the
expected cost is the same for every option from a US origin and unknown from elsewhere: it cannot
reorder the options yet.

If the operation was **not recommended by a doctor at home** (or you have not asked), a caution
with its source is shown above the ranking and in the client report; no option is hidden.

**Too little data to rank.** An option for which more than half of the criteria you weight are
not reported is marked "too little data to rank reliably"; its rank rests mostly on the
missing-data policy. A filter hides such options.

### Scores
Each criterion has a direction (lower or higher is better) and your weight (0–10):

"""
    + "\n".join(f"- **{c.label}** ({c.better}): {c.description}" for c in criteria.CRITERIA)
    + """

**Weighted sum** (default): each criterion is rescaled to 0–1 across the options shown (1 = best),
multiplied by its share of the total weight, and added up; the parts add up to the score shown in
"Why this rank". **TOPSIS** ranks by closeness to an ideal option (vector-normalised); its score is
shared among criteria in proportion to the weighted-sum parts.

Edge cases: a criterion with the same value for everyone cannot change the ranking; a criterion no
option reports is dropped; ties are broken by facility id, so the order is always the same.

**When a value is not reported** you choose: count it as the worst value shown (default: unknown
is never rewarded), as the median, or leave that criterion out for that option and reweight the rest.

### Pareto front
An option is on the front when no other option is both cheaper (whole-trip midpoint) and better on
the other weighted criteria. Everything off the front is beaten on both by something on it.

### How sure is the ranking?
Your weights are a guess. The robustness view draws 10,000 weightings from a Dirichlet distribution
centred on yours (the certainty control sets how close), re-ranks for each, and reports how often each
option comes first (P(rank 1)) and in the top three (P(top 3)), with the Monte-Carlo standard error.
Each sample also draws every option's whole-trip cost within its low–high range, so the figures
answer "how sure, given what we don't know about weights and prices". The sampling is seeded, so the
same scenario gives the same figures.

### Who stands behind each figure
Every figure names its source, its date, its evidence level and who stands behind the source: the
hospital itself, a facilitator that sells the trip, a marketplace paid for listings or leads, a
registry or accreditor, a government, peer-reviewed literature, independent press, sponsored
content or a patient. The kind caps the evidence's confidence (a marketplace or sponsored page
counts at most 0.3, a facilitator 0.4, press 0.6); a price that repeats another source's figure is
shown but counted once.

**Accreditation** counts only when it certifies the whole hospital (JCI, ACHS International, a
national hospital scheme; a certified spine centre counts as national). Medical-travel,
person-centred-care, laboratory, nursing and quality-system certificates are listed but not scored.
Each accreditation records when a source last showed it current; with no such evidence in the last
36 months it counts half, and the facility page says so.

### What the data can and cannot tell you
Most prices are facilitator marketing figures, not invoices, and many are years old. Spine volumes,
outcomes and languages are published by few hospitals. Studies of patients who travelled for spine
surgery report more wound infections and complications than in patients treated at home; the
quality of the indication and the follow-up plan at home matter as much as the hospital.
"""
)


def _sources(ds) -> str:
    """The figures the travel model uses, each with its source, read from travel.yaml and clinical.yaml."""
    if ds.travel is None:
        return ""
    t, lines = ds.travel, ["### The figures behind the estimates", ""]

    def cite(key: str) -> str:
        src = t.sources.get(key) or (ds.clinical.sources.get(key) if ds.clinical else None)
        # Text from the data files is escaped: shown as written, never as markup or links.
        return plain(f"{src.title or key} ({src.url or src.citation}, {src.as_of or 'undated'})" if src else key)

    f = t.fares
    lines.append(
        f"- **Fares**: {plain(f.method)}. Low: USD {f.low.fixed:g} + {f.low.per_km:g} a km one way — {cite(f.low.source)}. "
        f"High: USD {f.high.fixed:g} + {f.high.per_km:g} a km — {cite(f.high.source)}."
    )
    for seat, cost in f.seat.items():
        if cost.source:
            lines.append(f"- **{seat.replace('_', ' ').capitalize()} seat**: {plain(cost.note)} — {cite(cost.source)}.")
    lines.append(f"- **Long haul** from {t.haul.long_from_hours:g} estimated hours — {cite(t.haul.source)}.")
    lines.append(f"- **Per diem rates** — {cite(t.per_diem.source)}.")
    lines.append(f"- **Visa requirements** — {cite(t.visas.source)}.")
    lines.append(f"- **Regions** for filling unknown parts — {cite(t.regions_source)}.")
    if ds.clinical is not None:
        for rule in ds.clinical.safe_to_fly:
            lines.append(
                f"- **Safe to fly, {rule.haul} flights**: {span(rule.weeks_low, rule.weeks_high, 'g')} weeks — {cite(rule.source)}."
            )
        if ds.clinical.implants:
            i = ds.clinical.implants
            lines.append(
                f"- **Implants**: {span(100 * i.low, 100 * i.high, '.0f')} % of the total cost — {cite(i.source)}."
            )
        for key, v in ds.clinical.variant_costs.items():
            lines.append(
                f"- **{key.replace('_', ' ').capitalize()}**: × {span(v.low, v.high, 'g')} — {cite(v.source)}."
            )
    if f.seat_note:
        lines += ["", f"*Sitting on long flights after surgery.* {plain(f.seat_note)}"]
    return "\n".join(lines)


def render() -> None:
    ds = page_dataset()
    st.markdown("## How this tool works")
    st.markdown(f"**{ds.disclaimer}**")
    st.markdown(METHOD)
    st.markdown(_sources(ds))


render()
