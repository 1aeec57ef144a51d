"""A user's own data file (a facility YAML or a price CSV), added for one session only.

All or nothing: a file with any error changes nothing and returns its problems.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import pandas as pd

from compare.data import Dataset, schema
from compare.data.check import check_prices, stale_warnings
from compare.data.derive import facility_frame, facts_frame, frame
from compare.data.read import parse_facility, read_csv_text, validate_rows
from compare.problems import DataError, Problem, Severity

MAX_UPLOAD_BYTES = 256 * 1024


def _facility(ds: Dataset, name: str, raw: bytes) -> tuple[Dataset | None, list[Problem]]:
    record, doc, problems = parse_facility(raw, name, ds.vocab)
    if record is None:
        return None, problems
    if record.id in ds.facility_records:
        return None, [Problem(name, doc.line_of(("id",)), "id", f"a facility with id {record.id!r} already exists")]
    today = dt.date.today()
    months = ds.stale_after_months
    warnings = stale_warnings(name, doc.line_of, record.sources, months, today)
    updated = dataclasses.replace(
        ds,
        facility_records={**ds.facility_records, record.id: record},
        facility_files={**ds.facility_files, record.id: name},
        facilities=pd.concat([ds.facilities, facility_frame([record], ds.vocab, {record.id: name}, today=today)]),
        facts=pd.concat([ds.facts, facts_frame([record], ds.vocab, months=months, today=today)], ignore_index=True),
        problems=[*ds.problems, *warnings],
    )
    return updated, warnings


def _prices(ds: Dataset, name: str, raw: bytes) -> tuple[Dataset | None, list[Problem]]:
    try:
        rows, lines = read_csv_text(raw, name)
    except DataError as exc:
        return None, exc.problems
    if not rows:
        return None, [Problem(name, 1, "file", "no data rows")]
    good, problems = validate_rows(rows, lines, schema.PriceRow, name, ds.vocab)
    good, found = check_prices(
        good,
        name,
        rates=dict(zip(ds.fx["currency"], ds.fx["units_per_usd"], strict=True)),
        facilities=ds.facility_records,
        known_ids=set(ds.prices["id"]) if not ds.prices.empty else set(),
        months=ds.stale_after_months,
        today=dt.date.today(),
    )
    problems += found
    if any(p.severity is Severity.ERROR for p in problems):
        return None, problems
    added = frame(good, name, ds.vocab)
    updated = dataclasses.replace(ds, prices=pd.concat([ds.prices, added], ignore_index=True))
    return updated, problems


def add_upload(ds: Dataset, filename: str, raw: bytes) -> tuple[Dataset | None, list[Problem]]:
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
