"""A tiny hand-made data directory for the whole-trip cost tests; every figure is synthetic.

fx (units per USD):  USD 1, EUR 0.8, THB 32, GBP 0.75, TRY 40, KRW 1400
clinical.yaml (synthetic): hospital nights MIS 1–5, open 3–7; safe to fly: short 4–6
    weeks; long 8–12 weeks (one source) and 4 weeks (another); any flight 2–3 weeks;
    implants 50 % of the total (so implants = 1.0 × a price without them);
    each extra level × 1.1–1.2
travel.yaml (synthetic): long haul from 6 h; one-way economy from 50 + 0.05/km to
    0.1/km (return = 2 ×); extra legroom + 60–150 a flight; business × 3–6;
    regions TH South-eastern Asia, TR Western Asia, KR Eastern Asia (all Asia)
per diem (USD a night): THAILAND Bangkok lodging 100 meals 50; THAILAND [Other] 80 / 40;
    TURKEY Istanbul two seasons, lodging 120 and 150, meals 60; nothing for Korea
visas: GB→TH visa free 30 days, GB→TR e-visa, GB→KR eta, US→TH 90 days,
    NG→TH visa required, GB→GB own country

facilities   th-alpha (TH, Bangkok), th-beta (TH, Chiang Mai), tr-gamma (TR, Istanbul),
             kr-delta (KR, Seoul, no price at all)

procedure_prices.csv (estimate unless noted)
  th-country-a   TH  country   lumbar_fusion    8,000–10,000 USD
  th-country-b   TH  country   lumbar_fusion    288,000 THB "from"      = 9,000 USD (high = low)
  th-country-2l  TH  country   fusion_2l_open   50,000 USD
  th-context     TH  country   lumbar_fusion    1 USD, use=context      (never added)
  th-alpha-quote TH  th-alpha  fusion_1l_mis    5,600–6,400 EUR         = 7,000–8,000 USD,
                                                includes implants;imaging
  tr-country     TR  country   lumbar_fusion    6,000–7,000 USD, excludes hospital_stay
  gb-baseline    GB  country   lumbar_fusion    15,000–20,000 GBP, use=baseline

destination_costs.csv
  TH lodging mid      per night   40–60 USD
  TH lodging budget   per night   640–960 THB       = 20–30 USD
  TH visa patient     per person  40 EUR            = 50 USD
  TH visa companion   per person  32 EUR            = 40 USD
  TH imaging          per trip    300–500 USD
  TH imaging          per trip    12,800–19,200 THB = 400–600 USD   (an alternative figure)
  TH local_transport  per day     10 USD
  TH physiotherapy    per session 20–30 USD         (sessions unknown -> unknown)
  TH medication       per trip    100–200 USD, computed_estimate (-> estimated)
  TR hospital_stay    per night   100–150 USD
  TR visa patient     per person  20–60 USD
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from compare.costs import Status

SHIPPED = Path(__file__).resolve().parents[1] / "data"
SRC = "https://example.org/test-fixture"
NAN = math.nan
# Who stands behind a synthetic unit cost, by its evidence level.
KINDS = {"registry": "registry", "official": "government", "computed_estimate": "project"}

PRICE_COLUMNS = "id,country,facility_id,procedure,use,price_low,price_high,currency,includes,excludes,description,source_url,as_of,evidence,source_kind,same_as"
COST_COLUMNS = (
    "id,country,component,tier,per,low,high,currency,description,method,source_url,as_of,evidence,source_kind"
)

PRICES = [
    ("th-country-a", "TH", "", "lumbar_fusion", "estimate", 8000, 10000, "USD", "", ""),
    ("th-country-b", "TH", "", "lumbar_fusion", "estimate", 288000, "", "THB", "", ""),
    ("th-country-2l", "TH", "", "fusion_2l_open", "estimate", 50000, 50000, "USD", "", ""),
    ("th-context", "TH", "", "lumbar_fusion", "context", 1, 1, "USD", "", ""),
    ("th-alpha-quote", "TH", "th-alpha", "fusion_1l_mis", "estimate", 5600, 6400, "EUR", "implants;imaging", ""),
    ("tr-country", "TR", "", "lumbar_fusion", "estimate", 6000, 7000, "USD", "", "hospital_stay"),
    ("gb-baseline", "GB", "", "lumbar_fusion", "baseline", 15000, 20000, "GBP", "", ""),
]
COSTS = [
    ("th-lodging-mid", "TH", "lodging", "mid", "night", 40, 60, "USD", "", "registry"),
    ("th-lodging-budget", "TH", "lodging", "budget", "night", 640, 960, "THB", "", "registry"),
    ("th-visa-patient", "TH", "visa", "patient", "person", 40, 40, "EUR", "", "official"),
    ("th-visa-companion", "TH", "visa", "companion", "person", 32, 32, "EUR", "", "official"),
    ("th-imaging-a", "TH", "imaging", "", "trip", 300, 500, "USD", "", "registry"),
    ("th-imaging-b", "TH", "imaging", "", "trip", 12800, 19200, "THB", "", "registry"),
    ("th-transport", "TH", "local_transport", "", "day", 10, 10, "USD", "", "registry"),
    ("th-physio", "TH", "physiotherapy", "", "session", 20, 30, "USD", "", "registry"),
    ("th-medication", "TH", "medication", "", "trip", 100, 200, "USD", "sum of two invoices", "computed_estimate"),
    ("tr-hospital-night", "TR", "hospital_stay", "", "night", 100, 150, "USD", "", "registry"),
    ("tr-visa-patient", "TR", "visa", "patient", "person", 20, 60, "USD", "", "official"),
]
FACILITIES = [
    ("th-alpha", "TH", "Bangkok", 13.75, 100.50, "BKK"),
    ("th-beta", "TH", "Chiang Mai", 18.79, 98.98, "CNX"),
    ("tr-gamma", "TR", "Istanbul", 41.01, 28.95, "IST"),
    ("kr-delta", "KR", "Seoul", 37.57, 126.98, "ICN"),
]
FX = {"USD": 1, "EUR": 0.8, "THB": 32, "GBP": 0.75, "TRY": 40, "KRW": 1400}
LONDON = (51.50853, -0.12574)
PER_DIEM = [
    ("THAILAND", "Bangkok", "S1", "2026-01-01", "2026-12-31", 100, 50),
    ("THAILAND", "[Other]", "S1", "2026-01-01", "2026-12-31", 80, 40),
    ("TURKEY", "Istanbul", "S1", "2026-01-01", "2026-05-31", 120, 60),
    ("TURKEY", "Istanbul", "S2", "2026-06-01", "2026-12-31", 150, 60),
    ("OTHER FOREIGN LOCALITIES", "Other", "S1", "2026-01-01", "2026-12-31", 100, 50),
]
VISAS = [
    ("GB", "TH", "30"),
    ("GB", "TR", "e-visa"),
    ("GB", "KR", "eta"),
    ("GB", "GB", "-1"),
    ("US", "TH", "90"),
    ("NG", "TH", "visa required"),
]

CLINICAL = """\
sources:
  s1: {url: https://example.org/clinical-1, as_of: 2024, kind: literature, evidence: literature}
  s2: {url: https://example.org/clinical-2, as_of: 2024, kind: government, evidence: official}
hospital_nights:
  open: {low: 3, high: 7, source: s1}
  mis: {low: 1, high: 5, source: s1}
safe_to_fly:
  - {haul: short, weeks_low: 4, weeks_high: 6, source: s1}
  - {haul: long, weeks_low: 8, weeks_high: 12, source: s1}
  - {haul: long, weeks_low: 4, weeks_high: 4, source: s2}
  - {haul: any, weeks_low: 2, weeks_high: 3, source: s1}
implants: {low: 0.5, high: 0.5, source: s1, note: test share}
variant_costs:
  extra_level: {low: 1.1, high: 1.2, source: s1, note: per extra level (test)}
"""

TRAVEL = """\
sources:
  pd: {url: https://example.org/per-diem, as_of: 2026-04-01, kind: government, evidence: official}
  pi: {url: https://example.org/passports, as_of: 2025-01-12, kind: registry, evidence: registry}
  m49: {url: https://example.org/m49, as_of: 2021, kind: government, evidence: official}
  fare-low: {url: https://example.org/fare-low, as_of: 2013, kind: press, evidence: press}
  fare-high: {url: https://example.org/fare-high, as_of: 2018, kind: press, evidence: press}
  seats: {url: https://example.org/seats, as_of: 2017, kind: press, evidence: press}
per_diem: {file: open_data/per_diem.csv, source: pd}
visas: {file: open_data/visas.csv, source: pi}
haul: {long_from_hours: 6, source: fare-high}
fares:
  method: test fare model
  as_of: 2018
  low: {fixed: 50, per_km: 0.05, source: fare-low}
  high: {fixed: 0, per_km: 0.1, source: fare-high}
  seat:
    economy: {}
    extra_legroom: {add_per_leg_low: 60, add_per_leg_high: 150, source: seats, note: more legroom}
    business: {factor_low: 3, factor_high: 6, source: seats, note: three to six times}
regions_source: m49
regions:
  TH: {subregion: South-eastern Asia, region: Asia}
  TR: {subregion: Western Asia, region: Asia}
  KR: {subregion: Eastern Asia, region: Asia}
"""


RISK = """\
sources:
  r1: {url: https://example.org/risk-home, as_of: 2022, kind: literature, evidence: literature}
  r2: {url: https://example.org/risk-abroad, as_of: 2021, kind: literature, evidence: literature}
  c1: {url: https://example.org/cost-gb, as_of: 2023, kind: government, evidence: official}
  c2: {url: https://example.org/cost-th, as_of: 2020, kind: press, evidence: press}
complications:
  - id: ssi
    label: Surgical-site infection
    probability: {low: 0.02, high: 0.04, source: r1}
    abroad: {low: 0.10, high: 0.12, source: r2, note: patients operated abroad}
    treatment:
      - {country: GB, low: 7500, high: 15000, currency: GBP, source: c1}
      - {country: TH, low: 2000, high: 3000, currency: USD, source: c2}
  - id: revision
    label: Reoperation
    probability: {low: 0.1, high: 0.2, source: r1}
    treatment:
      - {country: TH, low: 5000, high: 10000, currency: USD, source: c2}
  - id: nonunion
    label: Non-union
    probability: {low: 0.05, high: 0.06, source: r1}
advice:
  second_opinion: {text: Ask a doctor at home first (test), source: r2}
  insurance_gap: {text: Travel insurance excludes it (test), source: r1}
"""


def _write_csv(path: Path, header: str | list[str], rows: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header.split(",") if isinstance(header, str) else header)
        writer.writerows(rows)


def make_data(root: Path, prices=PRICES, costs=COSTS, facilities=FACILITIES, routes=None, visas=VISAS) -> Path:
    """A valid data directory: shipped vocabularies, synthetic everything else."""
    shutil.copytree(SHIPPED / "vocab", root / "vocab")
    shutil.copy(SHIPPED / "metadata.yaml", root / "metadata.yaml")
    (root / "clinical.yaml").write_text(CLINICAL, encoding="utf-8")
    (root / "travel.yaml").write_text(TRAVEL, encoding="utf-8")
    (root / "risk.yaml").write_text(RISK, encoding="utf-8")
    for fid, country, city, lat, lon, airport in facilities:
        folder = root / "facilities" / country.lower()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{fid}.yaml").write_text(
            f"id: {fid}\nname: Test hospital {fid}\ncountry: {country}\ncity: {city}\n"
            "summary: Synthetic facility for tests.\n"
            f"location: {{lat: {lat}, lon: {lon}, airport: {airport}, source: s}}\n"
            f"sources:\n  s: {{url: {SRC}, as_of: 2025-06, kind: registry, evidence: registry}}\n",
            encoding="utf-8",
        )
    _write_csv(
        root / "prices" / "procedure_prices.csv",
        PRICE_COLUMNS,
        [
            [*p[:10], "test figure", SRC, "2025-06", "facility_published", "hospital", p[10] if len(p) > 10 else ""]
            for p in prices
        ],
    )
    _write_csv(
        root / "prices" / "destination_costs.csv",
        COST_COLUMNS,
        [[*c[:8], "test figure", c[8], SRC, "2025-06", c[9], KINDS[c[9]]] for c in costs],
    )
    _write_csv(
        root / "fx_rates.csv",
        "currency,units_per_usd,as_of,source,evidence,source_kind",
        [[k, v, "2026-04-13", "test", "official", "government"] for k, v in FX.items()],
    )
    _write_csv(
        root / "origins.csv",
        "id,city,country,lat,lon,airport,currency,source,source_kind",
        [["london", "London", "GB", *LONDON, "LHR", "GBP", "test", "registry"]],
    )
    _write_csv(
        root / "routes.csv",
        "origin_airport,dest_airport,great_circle_km,nonstop_2014,method,source,source_kind",
        routes if routes is not None else [["LHR", "BKK", 9540, "yes", "test", "test", "project"]],
    )
    _write_csv(
        root / "open_data" / "per_diem.csv",
        [
            "Country",
            "Location",
            "Season Code",
            "Season Start Date",
            "Season End Date",
            "Lodging",
            "Meals & Incidentals",
        ],
        PER_DIEM,
    )
    _write_csv(root / "open_data" / "visas.csv", ["Passport", "Destination", "Requirement"], visas)
    (root / "destinations.yaml").write_text(
        "TH: {currency: THB}\nTR: {currency: TRY}\nKR: {currency: KRW}\n", encoding="utf-8"
    )
    return root


def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle km, written out here independently of the engine."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def check(comp: pd.DataFrame, fid: str, component: str, low, high, status: Status) -> pd.Series:
    """The (facility, component) row has this range and status; returns the row."""
    row = comp.loc[(fid, component)]
    assert row["status"] == status.value, (fid, component, row["status"], row["basis"])
    if math.isnan(low):
        assert math.isnan(row["low"]) and math.isnan(row["high"]), (fid, component)
    else:
        assert row["low"] == pytest.approx(low, rel=1e-12), (fid, component, row["low"], row["basis"])
        assert row["high"] == pytest.approx(high, rel=1e-12), (fid, component, row["high"], row["basis"])
    return row
