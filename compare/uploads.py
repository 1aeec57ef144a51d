"""A user's own data file (a facility YAML or a price CSV), added for one session only.

All or nothing: a file with any error changes nothing and returns its problems.
"""

from __future__ import annotations

import dataclasses
import hashlib

import pandas as pd

from compare import dataset as dsm
from compare import schema
from compare.problems import DataError, Problem, Severity

MAX_UPLOAD_BYTES = 256 * 1024


def _facility(ds: dsm.Dataset, name: str, raw: bytes) -> tuple[dsm.Dataset | None, list[Problem]]:
    record, doc, problems = dsm.parse_facility(raw, name, ds.vocab)
    if record is None:
        return None, problems
    if record.id in ds.facility_records:
        return None, [Problem(name, doc.line_of(("id",)), "id", f"a facility with id {record.id!r} already exists")]
    warnings = dsm._stale_warnings(name, doc.line_of, record.sources, ds.stale_after_months, dsm.dt.date.today())
    row = (
        pd.DataFrame.from_records([dsm._facility_row(record, ds.vocab, name)])
        .set_index("id", drop=False)
        .rename_axis(None)
    )
    facts = pd.DataFrame.from_records(dsm._facts(record), columns=dsm.FACT_COLUMNS)
    ages = facts["as_of"].map(dsm.months_old)
    facts["stale"] = ages.map(lambda a: a is not None and a > ds.stale_after_months)
    facts["undated"] = facts["as_of"].isna()
    updated = dataclasses.replace(
        ds,
        facility_records={**ds.facility_records, record.id: record},
        facility_files={**ds.facility_files, record.id: name},
        facilities=pd.concat([ds.facilities, row]),
        facts=pd.concat([ds.facts, facts], ignore_index=True),
        problems=[*ds.problems, *warnings],
    )
    return updated, warnings


def _prices(ds: dsm.Dataset, name: str, raw: bytes) -> tuple[dsm.Dataset | None, list[Problem]]:
    try:
        rows, lines = dsm.read_csv_text(raw, name)
    except DataError as exc:
        return None, exc.problems
    if not rows:
        return None, [Problem(name, 1, "file", "no data rows")]
    good, problems = dsm.validate_rows(rows, lines, schema.PriceRow, name, ds.vocab)
    rates = dict(zip(ds.fx["currency"], ds.fx["units_per_usd"], strict=True))
    good, found = dsm._check_money_rows(good, name, rates, "price_low", "price_high")
    problems += found
    existing = set(ds.prices["id"]) if not ds.prices.empty else set()
    for line, row in good:
        if row.id in existing:
            problems.append(Problem(name, line, "id", f"price id {row.id!r} already exists"))
        if row.facility_id and row.facility_id not in ds.facility_records:
            problems.append(Problem(name, line, "facility_id", f"unknown facility {row.facility_id!r}"))
        elif row.facility_id and ds.facility_records[row.facility_id].country != row.country:
            problems.append(
                Problem(
                    name, line, "country", f"{row.facility_id} is in {ds.facility_records[row.facility_id].country}"
                )
            )
    if any(p.severity is Severity.ERROR for p in problems):
        return None, problems
    added = dsm._frame(good, name)
    updated = dataclasses.replace(ds, prices=pd.concat([ds.prices, added], ignore_index=True))
    return updated, problems


def add_upload(ds: dsm.Dataset, filename: str, raw: bytes) -> tuple[dsm.Dataset | None, list[Problem]]:
    """Validate an uploaded file and return a new dataset including it, or its problems.

    The shipped dataset is never modified; the result's ``content_hash`` covers the upload.
    """
    name = filename.replace("/", "_").replace("\\", "_")[:120] or "upload"
    if len(raw) > MAX_UPLOAD_BYTES:
        return None, [Problem(name, 1, "file", f"too large: {len(raw):,} bytes (limit {MAX_UPLOAD_BYTES:,})")]
    lower = name.lower()
    if lower.endswith((".yaml", ".yml")):
        updated, problems = _facility(ds, name, raw)
    elif lower.endswith(".csv"):
        updated, problems = _prices(ds, name, raw)
    else:
        return None, [Problem(name, 1, "file", "upload a facility .yaml file or a price .csv file")]
    if updated is not None:
        digest = hashlib.sha256(ds.content_hash.encode() + b"\0" + name.encode() + b"\0" + raw).hexdigest()
        updated = dataclasses.replace(updated, content_hash=digest)
    return updated, problems
