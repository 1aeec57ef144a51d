"""Derive: the tables the engine reads, built from validated records.

``facility_row`` flattens a facility (its accreditation currency included), ``facts`` lists
every figure with its source, and ``frame`` turns CSV rows into a table. Uploads use the
same functions, so an uploaded facility looks exactly like a shipped one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
import pycountry
from pydantic import BaseModel

from compare.data import schema
from compare.data.check import ACCREDITATION_CURRENT_MONTHS, accreditation_current, months_old
from compare.data.provenance import Provenanced, confidence, source_record


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


# Only hospital accreditations count as "international accreditation"; a national hospital
# or spine-centre accreditation counts as national. Medical-travel, person-centred-care,
# laboratory, nursing or quality-system certificates are shown but not scored.
INTERNATIONAL_SCOPES = {"hospital"}
NATIONAL_SCOPES = {"hospital", "spine_centre"}

FACT_COLUMNS = [
    "facility_id",
    "field",
    "value",
    "source",
    "source_url",
    "publisher",
    "source_kind",
    "as_of",
    "evidence",
]


def facts(record: schema.Facility) -> list[dict[str, Any]]:
    """The provenance table: one row per figure, with its source."""
    rows = []

    def add(field_name: str, value: Any, fact: Any) -> None:
        src = record.sources[fact.source]
        rows.append(
            {
                "facility_id": record.id,
                "field": field_name,
                "value": value,
                "source": fact.source,
                **source_record(src),
                "as_of": getattr(fact, "as_of", None) or src.as_of,
            }
        )

    for acc in record.accreditations:
        since = f", since {acc.since}" if acc.since else ""
        add("accreditation", f"{acc.body} (last verified {acc.verified_as_of or 'undated'}{since})", acc)
    for rec in record.recognitions:
        add("recognition", rec.name + (f" ({rec.year})" if rec.year else ""), rec)
    for key, fact in record.spine_programme:
        if fact is not None:
            add(key, fact.value, fact)
    for tech in record.techniques:
        add("technique", tech.id, tech)
    for tech in record.technologies:
        add("technology", tech.id + (f": {tech.model}" if tech.model else ""), tech)
    if record.languages is not None:
        add("languages", ", ".join(record.languages.value), record.languages)
    if record.international_office is not None:
        add("international_office", record.international_office.value, record.international_office)
    for out in record.outcomes:
        add(out.metric, f"{out.value:g} {out.unit}", out)
    if record.location is not None:
        add("location", f"{record.location.lat}, {record.location.lon} ({record.location.airport})", record.location)
    # A source no fact cites is what the summary was written from: list it too, so every
    # source a file names reaches the provenance table and the exports.
    cited = {row["source"] for row in rows}
    for key in record.sources:
        if key not in cited:
            add("background", "the summary was written from this source", _cites(key))
    return rows


def _cites(key: str) -> schema.Cited:
    return schema.Cited.model_construct(source=key, note=None, as_of=None)


def facts_frame(records: Iterable[schema.Facility], vocab, *, months: int, today: dt.date) -> pd.DataFrame:
    """The provenance table of some facilities, with each figure's confidence and age."""
    table = pd.DataFrame.from_records([row for r in records for row in facts(r)], columns=FACT_COLUMNS)
    ages = table["as_of"].map(lambda v: months_old(v, today))
    table["stale"] = ages.map(lambda a: a is not None and a > months).astype(bool)
    table["undated"] = table["as_of"].isna().astype(bool)
    table["confidence"] = [
        confidence(e, k, vocab) for e, k in zip(table["evidence"], table["source_kind"], strict=True)
    ]
    return table


def fact_value(fact: Any) -> Any:
    return None if fact is None else fact.value


def _accreditation(record: schema.Facility, bodies, today: dt.date) -> dict[str, Any]:
    """Which hospital accreditations it holds, which are current, and a sentence on why."""
    intl, national, notes = {}, {}, []
    for a in record.accreditations:
        body = bodies.get(a.body)
        if body is None:
            continue
        current = accreditation_current(a.verified_as_of, today)
        if body.scope in INTERNATIONAL_SCOPES and body.international:
            intl[a.body] = intl.get(a.body, False) or current
        elif body.scope in NATIONAL_SCOPES and not body.international:
            national[a.body] = national.get(a.body, False) or current
        else:
            continue
    stale = []
    for code, current in {**intl, **national}.items():
        if not current:
            newest = max((a.verified_as_of or "" for a in record.accreditations if a.body == code), default="")
            stale.append((bodies[code].name, newest or None))
            seen = f"last evidence {newest}" if newest else "no dated evidence"
            notes.append(
                f"{bodies[code].name}: {seen}, none in the last {ACCREDITATION_CURRENT_MONTHS} months (counts half)"
            )
    return {
        "international_accreditations": sorted(intl),
        "has_international_accreditation": bool(intl),
        "international_accreditation_current": any(intl.values()),
        "has_national_accreditation": bool(national),
        "national_accreditation_current": any(national.values()),
        "accreditation_note": "; ".join(notes) or None,  # English, for the exports
        "accreditation_stale": tuple(stale),  # (body, newest evidence or None): the app words it
    }


def facility_row(record: schema.Facility, vocab, file: str, today: dt.date) -> dict[str, Any]:
    techniques = vocab["techniques"]
    acc = sorted({a.body for a in record.accreditations})
    tech_ids = sorted({t.id for t in record.techniques})
    techno_ids = sorted({t.id for t in record.technologies})
    robots = [t.model or "model not named" for t in record.technologies if t.id == "robotic_guidance"]
    sp = record.spine_programme
    annual = sp.annual_spine_surgeries
    fusion = [o.value for o in record.outcomes if o.metric == "fusion_rate" and o.unit == "%"]
    loc = record.location
    return {
        "id": record.id,
        "name": record.name,
        "country": record.country,
        "country_name": country_name(record.country),
        "city": record.city,
        "district": record.district,
        "lat": loc.lat if loc else None,
        "lon": loc.lon if loc else None,
        "airport": loc.airport if loc else None,
        "summary": record.summary,
        "accreditations": acc,
        **_accreditation(record, vocab["accreditation_bodies"], today),
        "jci": "jci" in acc,
        "techniques": tech_ids,
        "technologies": techno_ids,
        # "MIS" means a minimally invasive *fusion* approach: endoscopic decompression alone does not count.
        "minimally_invasive": any(
            techniques[t].minimally_invasive and techniques[t].fusion for t in tech_ids if t in techniques
        ),
        "robotic": bool(robots),
        "robot_models": "; ".join(robots) or None,
        "navigation": "navigation" in techno_ids or "intraop_imaging" in techno_ids,
        "annual_spine_surgeries": float(annual.value) if annual else float("nan"),
        "annual_spine_surgeries_year": annual.year if annual else None,
        "cumulative_surgeries": float(sp.cumulative_surgeries.value) if sp.cumulative_surgeries else float("nan"),
        "spine_surgeons": float(sp.spine_surgeons.value) if sp.spine_surgeons else float("nan"),
        "dedicated_spine_hospital": fact_value(sp.dedicated_spine_hospital),
        "beds": float(sp.beds.value) if sp.beds else float("nan"),
        "languages": list(record.languages.value) if record.languages else None,
        "international_office": fact_value(record.international_office),
        "fusion_rate_pct": max(fusion) if fusion else float("nan"),
        "recognitions": [r.name for r in record.recognitions],
        "n_sources": len(record.sources),
        "file": file,
    }


def frame(rows: Iterable[tuple[int, BaseModel]], name: str, vocab=None) -> pd.DataFrame:
    """CSV rows as a table with their file and line; priced rows also get their confidence."""
    records = []
    for line, row in rows:
        data = row.model_dump(mode="json")
        data["file"] = name
        data["line"] = line
        if vocab is not None and isinstance(row, Provenanced):
            data["confidence"] = confidence(row.evidence, row.source_kind, vocab)
        records.append(data)
    return pd.DataFrame.from_records(records)


def facility_frame(records: Iterable[schema.Facility], vocab, files, *, today: dt.date) -> pd.DataFrame:
    """One row per facility, indexed by id."""
    table = pd.DataFrame.from_records([facility_row(r, vocab, files[r.id], today) for r in records])
    return table.set_index("id", drop=False).rename_axis(None) if not table.empty else table
