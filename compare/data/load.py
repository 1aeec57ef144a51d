"""Load: the one entry point, ``load_dataset``, and the ``Dataset`` it returns.

It reads every file (``read``), applies the cross-file rules (``check``) and builds the
engine's tables (``derive``); every problem is collected at once and bad records are left
out. The result is cached on the files' content, so a repeated load parses nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.util
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from compare.data import opendata, schema, trip_schema
from compare.data.check import check_money, check_prices, stale_warnings, unique
from compare.data.derive import facility_frame, facts_frame, frame
from compare.data.read import pydantic_problems, read_facilities, read_model, read_table, read_vocab, read_yaml, rel
from compare.data.types import country_code
from compare.i18n import N_
from compare.problems import DataError, Problem, Severity


def _shipped_data() -> Path:
    """The curated data: ``data/`` of a checkout, else the copy installed as ``spine_compare_data``."""
    checkout = Path(__file__).resolve().parents[2] / "data"
    if (checkout / "metadata.yaml").is_file():
        return checkout
    spec = importlib.util.find_spec("spine_compare_data")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return checkout  # missing: load_dataset reports it


DEFAULT_DATA_DIR = _shipped_data()
# Shown only when metadata.yaml itself cannot be read: the disclaimer must never disappear.
FALLBACK_DISCLAIMER = N_("This tool supports decisions and is not medical advice.")


@dataclass
class Dataset:
    """Everything the engine needs, as typed tables plus the validation report."""

    data_dir: Path
    content_hash: str
    metadata: schema.Metadata | None
    vocab: dict[str, dict[str, Any]]
    facility_records: dict[str, schema.Facility]
    facility_files: dict[str, str]
    facilities: pd.DataFrame
    facts: pd.DataFrame
    prices: pd.DataFrame
    destination_costs: pd.DataFrame
    destinations: dict[str, schema.Destination]
    clinical: schema.Clinical | None
    origins: pd.DataFrame
    routes: pd.DataFrame
    fx: pd.DataFrame
    travel: trip_schema.Travel | None = None
    risk: trip_schema.Risk | None = None
    per_diem: pd.DataFrame = field(default_factory=pd.DataFrame)
    visa_rules: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @functools.cached_property
    def passports(self) -> frozenset[str]:
        """Passports the visa data covers (read once: the table has about 40,000 rows)."""
        return frozenset(self.visa_rules.index.get_level_values(0)) if not self.visa_rules.empty else frozenset()

    @property
    def stale_after_months(self) -> int:
        return _stale_months(self.metadata)

    @property
    def disclaimer(self) -> str:
        return self.metadata.disclaimer if self.metadata else FALLBACK_DISCLAIMER


def _stale_months(metadata: schema.Metadata | None) -> int:
    # The schema's default applies when metadata.yaml could not be read (an error is reported).
    return metadata.stale_after_months if metadata else schema.Metadata.model_fields["stale_after_months"].default


# ---- content hash and cache ---------------------------------------------------------


_DATA_SUFFIXES = {".yaml", ".yml", ".csv"}
# A file changed within this long of being hashed may change again without its stat
# changing (coarse file-system clocks), so such a hash is not remembered ("racy git").
_RACY_NS = 2_000_000_000


def _scan(root: Path) -> list[tuple[str, os.stat_result]]:
    """``(path relative to root, stat)`` of every data file, in a stable order.

    Like ``Path.rglob``, symbolic links to folders are not followed.
    """
    found: list[tuple[str, os.stat_result]] = []
    stack = [("", os.fspath(root))]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append((rel + "/", entry.path))
                elif os.path.splitext(entry.name)[1] in _DATA_SUFFIXES and entry.is_file():
                    found.append((rel, entry.stat()))
    found.sort(key=lambda item: item[0].split("/"))
    return found


def data_files(root: Path) -> list[Path]:
    """All files that make up a dataset, in a stable order."""
    return [root / rel for rel, _ in _scan(root)]


_HASHES: dict[tuple[str, tuple], str] = {}


def content_hash(root: Path) -> str:
    """SHA-256 over every data file's relative path and bytes, plus today's date.

    Reading every file is what a repeated load would spend its time on, so the digest
    of the files is remembered against their stat signature (path, size, mtime, ctime,
    inode): an unchanged folder is not read again, and any write changes the signature
    and is read in full. Files written within ``_RACY_NS`` of hashing are not trusted
    to their signature and are read again next time.
    """
    started = time.time_ns()
    files = _scan(root)
    signature = tuple((rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) for rel, st in files)
    key = (os.fspath(root), signature)
    files_digest = _HASHES.get(key)
    if files_digest is None:
        digest = hashlib.sha256()
        for rel, _ in files:
            digest.update(rel.encode())
            digest.update(b"\0")
            digest.update((root / rel).read_bytes())
            digest.update(b"\0")
        files_digest = digest.hexdigest()
        newest = max((max(st.st_mtime_ns, st.st_ctime_ns) for _, st in files), default=0)
        if newest < started - _RACY_NS:
            if len(_HASHES) >= 16:
                _HASHES.clear()
            _HASHES[key] = files_digest
    # Staleness depends on today's date, so a cached result is only valid for a day.
    return hashlib.sha256(f"{files_digest}\0{dt.date.today().isoformat()}".encode()).hexdigest()


_CACHE: dict[tuple[str, str], Dataset] = {}


def load_dataset(data_dir: str | os.PathLike[str] | None = None, *, use_cache: bool = True) -> Dataset:
    """Load and validate a data directory; bad records are quarantined, never fatal.

    Parameters
    ----------
    data_dir
        The folder holding ``facilities/``, ``prices/``, ``vocab/`` and the rest
        (default: the shipped ``data/``).
    use_cache
        Reuse a result for the same content (by SHA-256 of every file).

    Returns
    -------
    Dataset
        Tables of the records that passed, and ``problems`` for those that did not.
    """
    root = Path(data_dir or os.environ.get("SPINE_DATA_DIR") or DEFAULT_DATA_DIR).resolve()
    if not root.is_dir():
        raise DataError([Problem(str(root), 1, "data_dir", "not a directory")])
    digest = content_hash(root)
    key = (str(root), digest)
    if use_cache and key in _CACHE:
        return _CACHE[key]
    dataset = _build(root, digest)
    if use_cache:
        _CACHE.clear()  # keep one dataset per process: data folders are edited, not collected
        _CACHE[key] = dataset
    return dataset


def _build(root: Path, digest: str) -> Dataset:
    today = dt.date.today()
    problems: list[Problem] = []
    vocab, found = read_vocab(root)
    problems += found
    context = dict(vocab)

    metadata, _, found = read_model(root / "metadata.yaml", root, schema.Metadata, context)
    problems += found
    months = _stale_months(metadata)

    fx_rows, found = read_table(root / "fx_rates.csv", root, schema.FxRow, context)
    problems += found
    fx_rows, found = unique(fx_rows, rel(root / "fx_rates.csv", root), "currency")
    problems += found
    rates = {row.currency: row.units_per_usd for _, row in fx_rows}

    records, files, docs, found = read_facilities(root, context)
    problems += found
    for fid, record in records.items():
        problems += stale_warnings(files[fid], docs[fid].line_of, record.sources, months, today)

    prices_path = root / "prices" / "procedure_prices.csv"
    price_rows, found = read_table(prices_path, root, schema.PriceRow, context)
    problems += found
    price_rows, found = check_prices(
        price_rows, rel(prices_path, root), rates=rates, facilities=records, months=months, today=today
    )
    problems += found

    costs_path = root / "prices" / "destination_costs.csv"
    cost_rows, found = read_table(costs_path, root, schema.DestinationCostRow, context)
    problems += found
    cost_rows, found = unique(cost_rows, rel(costs_path, root))
    problems += found
    cost_rows, found = check_money(cost_rows, rel(costs_path, root), rates, "low", "high")
    problems += found

    origin_rows, found = _read_origins(root, context, rates)
    problems += found
    route_rows, found = read_table(root / "routes.csv", root, schema.RouteRow, context)
    problems += found
    destinations, found = _read_destinations(root, context, months, today)
    problems += found

    clinical, _, found = read_model(root / "clinical.yaml", root, schema.Clinical, context)
    problems += found
    if clinical is not None and (missing := sorted(clinical.cited - set(clinical.sources))):
        problems.append(Problem(rel(root / "clinical.yaml", root), 1, "sources", f"cited but not listed: {missing}"))

    travel, _, found = read_model(root / "travel.yaml", root, trip_schema.Travel, context)
    problems += found
    per_diem, visa_rules, found = _read_open_data(root, travel, {r.country for r in records.values()})
    problems += found
    risk, found = _read_risk(root, context, rates, months, today)
    problems += found

    problems.sort(key=lambda p: (p.file, p.line, p.field))
    return Dataset(
        data_dir=root,
        content_hash=digest,
        metadata=metadata,
        vocab=vocab,
        facility_records=records,
        facility_files=files,
        facilities=facility_frame(records.values(), vocab, files, today=today),
        facts=facts_frame(records.values(), vocab, months=months, today=today),
        prices=frame(price_rows, rel(prices_path, root), vocab),
        destination_costs=frame(cost_rows, rel(costs_path, root), vocab),
        destinations=destinations,
        clinical=clinical,
        origins=frame(origin_rows, "origins.csv"),
        routes=frame(route_rows, "routes.csv"),
        fx=frame(fx_rows, "fx_rates.csv"),
        travel=travel,
        risk=risk,
        per_diem=per_diem,
        visa_rules=visa_rules,
        problems=problems,
    )


def _read_origins(root: Path, context, rates) -> tuple[list, list[Problem]]:
    name = rel(root / "origins.csv", root)
    rows, problems = read_table(root / "origins.csv", root, schema.OriginRow, context)
    rows, found = unique(rows, name)
    problems += found
    for line, row in rows:
        if row.currency not in rates:
            problems.append(
                Problem(
                    name,
                    line,
                    "currency",
                    f"no exchange rate for {row.currency}; costs for this origin are shown in USD",
                    Severity.WARNING,
                )
            )
    return rows, problems


def _read_destinations(root: Path, context, months: int, today: dt.date):
    destinations: dict[str, schema.Destination] = {}
    problems: list[Problem] = []
    path = root / "destinations.yaml"
    name = rel(path, root)
    try:
        doc = read_yaml(path, name)
    except FileNotFoundError:
        return destinations, [Problem(name, 1, "file", "missing file")]
    except DataError as exc:
        return destinations, exc.problems
    if not isinstance(doc.data, dict):
        return destinations, [Problem(name, 1, "(document)", "expected a mapping keyed by country code")]
    for code, entry in doc.data.items():
        try:
            country_code(code)
            destinations[code] = schema.Destination.model_validate(entry, context=context)
        except ValidationError as exc:
            problems += pydantic_problems(exc, name, doc.line_of, prefix=(code,))
            continue
        except ValueError as exc:
            problems.append(Problem(name, doc.line_of((code,)), str(code), str(exc)))
            continue
        problems += stale_warnings(
            name, lambda p, c=code: doc.line_of((c, *p)), destinations[code].sources, months, today
        )
    return destinations, problems


def _read_open_data(root: Path, travel: trip_schema.Travel | None, countries: set[str]):
    """The per diem and visa tables ``travel.yaml`` names (empty when it could not be read)."""
    if travel is None:
        return pd.DataFrame(), pd.DataFrame(), []
    per_diem_name = rel(root / travel.per_diem.file, root)
    per_diem, problems = opendata.read_cached(opendata.read_per_diem, root / travel.per_diem.file, per_diem_name)
    problems += opendata.coverage_warnings(per_diem, countries, per_diem_name)
    visas_name = rel(root / travel.visas.file, root)
    visa_rules, found = opendata.read_cached(opendata.read_visa_rules, root / travel.visas.file, visas_name)
    return per_diem, visa_rules, problems + found


def _read_risk(root: Path, context, rates, months: int, today: dt.date):
    name = rel(root / "risk.yaml", root)
    risk, doc, problems = read_model(root / "risk.yaml", root, trip_schema.Risk, context)
    if risk is None:
        return None, problems
    for i, c in enumerate(risk.complications):
        for j, t in enumerate(c.treatment):
            if t.currency not in rates:
                where = ("complications", i, "treatment", j, "currency")
                problems.append(
                    Problem(name, doc.line_of(where), ".".join(map(str, where)),
                            f"no exchange rate for {t.currency} in fx_rates.csv")
                )  # fmt: skip
    return risk, problems + stale_warnings(name, doc.line_of, risk.sources, months, today)
