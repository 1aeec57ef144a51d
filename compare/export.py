"""Flat tables for analysts (CSV, JSON, Excel) that spreadsheets cannot turn into formulas."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from compare import criteria
from compare.data import Dataset
from compare.engine import Ranking

# A spreadsheet runs a cell as a formula when it starts with one of these
# (OWASP "CSV injection"); tab, CR and LF can smuggle one past a naive check.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

BASE_COLUMNS = ["id", "name", "country", "country_name", "city", "district", "summary", "accreditation_note"]


def neutralize(value: Any) -> Any:
    """Prefix text a spreadsheet would evaluate with an apostrophe; leave numbers alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralize_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with every text cell (and column name) neutralized."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralize)
    out.columns = [neutralize(str(c)) for c in out.columns]
    return out


def _join(values) -> str | None:
    parts = [str(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return "; ".join(parts) if parts else None


def facilities_table(ds: Dataset) -> pd.DataFrame:
    """One row per facility, every figure flattened with source, as-of and evidence columns."""
    base = (
        ds.facilities[BASE_COLUMNS].reset_index(drop=True)
        if not ds.facilities.empty
        else pd.DataFrame(columns=BASE_COLUMNS)
    )
    facts = ds.facts
    if facts.empty:
        return base
    grouped = facts.groupby(["facility_id", "field"], sort=False).agg(
        value=("value", _join),
        source=("source_url", _join),
        source_kind=("source_kind", _join),
        as_of=("as_of", _join),
        evidence=("evidence", _join),
    )
    wide = grouped.unstack("field")
    fields = list(dict.fromkeys(facts["field"]))
    columns = {}
    for f in fields:
        for part, suffix in (
            ("value", ""),
            ("source", "_source"),
            ("source_kind", "_source_kind"),
            ("as_of", "_as_of"),
            ("evidence", "_evidence"),
        ):
            columns[f + suffix] = wide[(part, f)]
    flat = pd.DataFrame(columns, index=wide.index)
    return base.merge(flat, left_on="id", right_index=True, how="left")


def ranking_table(result: Ranking) -> pd.DataFrame:
    """The flat table printed by ``rank`` and downloaded from the dashboard."""
    t = result.table
    currency = result.scenario.trip.currency
    out = pd.DataFrame(
        {
            "rank": t["rank"].astype(int),
            "facility_id": t.index,
            "name": t["name"],
            "country": t["country"],
            "city": t["city"],
            "score": t["score"],
        }
    )
    for c in criteria.CRITERIA:
        out[f"{c.id}_value"] = t[c.id]
        out[f"{c.id}_contribution"] = t[f"contrib_{c.id}"]
    out["total_low"] = t["total_low"]
    out["total_high"] = t["total_high"]
    out["cost_basis"] = result.scenario.preferences.cost_basis.value
    out["completeness"] = t["completeness"]
    out["documented_low"] = t["documented_low"]
    out["documented_high"] = t["documented_high"]
    out["comparable_low"] = t["comparable_low"]
    out["comparable_high"] = t["comparable_high"]
    out["unknown_components"] = t["unknown_components"].map(lambda v: ";".join(v))
    out["expected_complications_low"] = t["expected_low"]
    out["expected_complications_high"] = t["expected_high"]
    out["complication_cost_unknown"] = t["risk_unknown"].map(lambda v: ";".join(v))
    out["risk_adjusted_low"] = t["risk_adjusted_low"]
    out["risk_adjusted_high"] = t["risk_adjusted_high"]
    out["cost_criterion"] = result.scenario.preferences.cost_criterion.value
    out["too_little_data"] = t["thin_data"]
    out["currency"] = currency
    out["fx_rate"] = result.rate_note
    out["flight_hours"] = t["flight_hours"]
    out["haul"] = t["haul"]
    out["recovery_days_low"] = t["recovery_low"]
    out["recovery_days_high"] = t["recovery_high"]
    out["passport"] = t["passport"]
    out["visa"] = t["visa_label"]
    out["visa_warning"] = t["visa_warning"]
    out["pareto"] = t["pareto"]
    out["missing_criteria"] = t["missing_criteria"].map(lambda v: ";".join(v))
    comp = result.components
    per_component = {}
    for cid in comp["component"].unique():
        sub = comp[comp["component"] == cid].set_index("facility_id").reindex(out["facility_id"])
        for column in ("low", "high", "status", "fill_low", "fill_high"):
            per_component[f"{cid}_{column}"] = sub[column].to_numpy()
    out = pd.concat([out, pd.DataFrame(per_component, index=out.index)], axis=1)
    price = comp[comp["component"] == "operation_package"].set_index("facility_id")
    sources = price["sources"].reindex(out["facility_id"])
    for column, attr in (("price_source", "reference"), ("price_source_kind", "kind"), ("price_evidence", "evidence")):
        out[column] = sources.map(
            lambda ss, a=attr: _join(getattr(s, a) for s in ss) if isinstance(ss, tuple) else None
        )
    out["price_as_of"] = price["as_of"].reindex(out["facility_id"]).to_numpy()
    if "p_rank1" in t:
        out["p_rank1"] = t["p_rank1"]
        out["p_top3"] = t["p_top3"]
    return out.reset_index(drop=True)


def components_table(result: Ranking) -> pd.DataFrame:
    """One row per ranked facility and cost component: amount or fill, status, and who stands behind it."""
    comp = result.components
    names = result.table["name"]
    sources = comp["sources"]
    out = pd.DataFrame(
        {
            "facility_id": comp["facility_id"],
            "name": comp["facility_id"].map(names),
            "component": comp["component"],
            "label": comp["label"],
            "phase": comp["phase"],
            "status": comp["status"],
            "low": comp["low"],
            "high": comp["high"],
            "fill_low": comp["fill_low"],
            "fill_high": comp["fill_high"],
            "basis": comp["basis"],
            "fill_basis": comp["fill_basis"],
            "currency": result.scenario.trip.currency,
            "as_of": comp["as_of"],
            "source": sources.map(lambda ss: _join(s.reference for s in ss)),
            "source_kind": sources.map(lambda ss: _join(s.kind for s in ss)),
            "evidence": sources.map(lambda ss: _join(s.evidence for s in ss)),
        }
    )
    order = {fid: i for i, fid in enumerate(result.table.index)}  # best-ranked facility first
    return out.sort_values("facility_id", key=lambda ids: ids.map(order), kind="stable").reset_index(drop=True)


def robustness_table(result: Ranking) -> pd.DataFrame:
    """P(rank 1), its standard error and P(top 3) per facility; needs ``rank(..., sensitivity=True)``."""
    if result.acceptability is None:
        raise ValueError("no robustness in this ranking: call rank(ds, scenario, sensitivity=True)")
    t = result.table
    return pd.DataFrame(
        {
            "rank": t["rank"].astype(int),
            "facility_id": t.index,
            "name": t["name"],
            "p_rank1": t["p_rank1"],
            "p_rank1_se": t["p_rank1_se"],
            "p_top3": t["p_top3"],
            "samples": result.acceptability.samples,
        }
    ).reset_index(drop=True)


def save(tables: pd.DataFrame | dict[str, pd.DataFrame], path: str | Path) -> Path:
    """Write one table (or, for ``.xlsx``, several sheets) by the file's suffix: .csv, .json or .xlsx."""
    path = Path(path)
    suffix = path.suffix.lower()
    if isinstance(tables, pd.DataFrame):
        sheets = {path.stem or "table": tables}
    else:
        sheets = dict(tables)
    if suffix == ".xlsx":
        data = to_xlsx_bytes(sheets)
    elif suffix in (".csv", ".json"):
        if len(sheets) != 1:
            raise ValueError(f"{path.name}: one table per {suffix} file; use .xlsx for several sheets")
        (df,) = sheets.values()
        data = to_csv_bytes(df) if suffix == ".csv" else to_json_bytes(df)
    else:
        raise ValueError(f"{path.name}: unknown export format {suffix!r}; use .csv, .json or .xlsx")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    # CRLF rows (RFC 4180) make the writer quote any cell holding a CR or LF. With "\n"
    # alone a bare CR inside a cell went out unquoted, and spreadsheets start a new row
    # there: "x\r=1+1" became a cell "=1+1" that neutralize() never saw.
    # Twelve significant digits: a cent on a billion, and no binary noise such as 2952.1020479999997.
    return neutralize_frame(df).to_csv(index=False, lineterminator="\r\n", float_format="%.12g").encode("utf-8")


def json_safe(value: Any) -> Any:
    """A JSON-ready Python value; floats keep every digit (pandas' to_json rounds to 15).

    NaN, infinity and pandas' missing markers become ``None``; numpy scalars become
    Python ones; dates become ISO text.
    """
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, list | tuple | np.ndarray):
        return [json_safe(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_json_bytes(df: pd.DataFrame) -> bytes:
    # JSON is not opened by spreadsheets as formulas, so values stay exactly as they are.
    records = [{str(k): json_safe(v) for k, v in row.items()} for row in df.to_dict(orient="records")]
    return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook, one sheet per table, every text cell neutralized and typed as text."""
    from openpyxl import Workbook  # imported here: only exports need it

    book = Workbook()
    book.remove(book.active)
    for title, df in sheets.items():
        sheet = book.create_sheet(title[:31])
        clean = neutralize_frame(df)
        sheet.append([str(c) for c in clean.columns])
        for row in clean.itertuples(index=False):
            cells = []
            for v in row:
                if isinstance(v, list | tuple | set):
                    v = neutralize("; ".join(map(str, v)))
                elif v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
                    v = None
                cells.append(v)
            sheet.append(cells)
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never "f" (formula), whatever the text
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
