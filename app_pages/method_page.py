"""Method: how costs, scores, the Pareto front and the robustness figures are computed."""

from __future__ import annotations

import streamlit as st

from app_pages.common import DISCLAIMER
from compare import costs, criteria

METHOD = (
    f"""
## How this tool works

**{DISCLAIMER}**

### Whole-trip cost
Every cost is a *range* (low–high) in your currency, converted with dated reference exchange rates
(mostly ECB, 13 April 2026). Each component is marked:

- **quoted** — a figure for that facility;
- **published** — a country-level figure (usually a facilitator's "from" price);
- **estimated** — computed here from published unit costs, e.g. lodging per night × recovery days;
- **entered** — your own figure (airfares: no reliable public fare data exists);
- **included** — covered by the operation price, so not counted twice;
- **missing** — no source reports it. It is *not counted*, and listed so you can ask for a quote.

The operation price is the range of all published figures that apply: a facility's own quote if it has
one, otherwise the country's figures. Prices rarely say which variant (1 or 2 levels, open or
minimally invasive) they cover; the table says so. An operation price is taken to cover the surgeon,
anaesthesia, theatre and hospital nights unless its source says otherwise; implants, tests and
anything else count as covered only when the source says so, because "from" prices often leave them out.

Recovery days default to the general minimum before flying after fusion (2–3 weeks); guidance for
long-haul flights is 8–12 weeks, so set your own in the sidebar. Hospital nights come from the
literature (open 3–7; minimally invasive computed as 1–5). Flight time is an estimate:
{costs.FLIGHT_HOURS_METHOD}.

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
The sampling is seeded, so the same scenario gives the same figures.

### What the data can and cannot tell you
Most prices are facilitator marketing figures, not invoices, and many are years old. Spine volumes,
outcomes and languages are published by few hospitals. Studies of patients who travelled for spine
surgery report more wound infections and complications than in patients treated at home; the
quality of the indication and the follow-up plan at home matter as much as the hospital.
"""
)


def render() -> None:
    st.markdown(METHOD)


render()
