"""Read the data directory into validated pandas tables.

``load_dataset`` is the one entry point. It validates every file, collects every
problem at once (``file:line: field: message``), quarantines bad records and keeps the
rest, and caches the result on the files' content so a repeated load parses nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pycountry
from pydantic import BaseModel, ValidationError

from compare import opendata, safeyaml, schema, trip_schema
from compare.problems import DataError, Problem, Severity

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_ROWS = 20_000
# A lumbar fusion trip costing more than this many US dollars is a data-entry error
# (the highest published US figure in the research is 150,000).
ABSURD_USD = 1_000_000

VOCAB_FILES = {
    "evidence_levels": schema.EvidenceLevel,
    "accreditation_bodies": schema.AccreditationBody,
    "techniques": schema.Technique,
    "procedures": schema.Procedure,
    "cost_components": schema.CostComponent,
}

M = TypeVar("M", bound=BaseModel)


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
        return self.metadata.stale_after_months if self.metadata else 24


# ---- helpers ------------------------------------------------------------------------


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _pydantic_problems(exc: ValidationError, name: str, line_of, *, prefix: tuple = ()) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # Pydantic appends type names ("int", "bool") to union locations; keep the field path.
        loc = tuple(p for p in loc if p not in {"int", "float", "str", "bool", "list", "dict"})
        path = (*prefix, *loc)
        where = ".".join(str(p) for p in path) or "(record)"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "required field is missing"
        elif err["type"] == "extra_forbidden":
            message = "unknown field (check the spelling against data/README.md)"
        problems.append(Problem(name, line_of(path), where, message))
    return problems


def as_of_date(value: str | None) -> dt.date | None:
    """Latest day a partial date can mean ('2020' -> 2020-12-31), for staleness."""
    if not isinstance(value, str) or not value:
        return None
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date(*parts)


def months_old(value: str | None, today: dt.date | None = None) -> float | None:
    day = as_of_date(value)
    if day is None:
        return None
    today = today or dt.date.today()
    return (today - day).days / 30.4375


# ---- readers ------------------------------------------------------------------------


def read_yaml(path: Path, name: str) -> safeyaml.YamlDocument:
    return safeyaml.load_bytes(path.read_bytes(), name)


def read_csv_rows(raw: bytes, name: str) -> tuple[list[dict[str, str]], list[int], list[Problem]]:
    """Decode and split a CSV, keeping the line where each row starts.

    A row the reader cannot split (a stray quote) or with more or fewer cells than the
    header (a missing or extra comma shifts every value into the wrong column) is
    reported and left out; the rows around it are kept. Only a file that is unreadable
    as a whole (too large, not text, no usable header) raises ``DataError``.
    """
    text = safeyaml.decode(raw, name, max_bytes=MAX_CSV_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise DataError([Problem(name, 1, "header", f"malformed CSV: {exc}")]) from None
    if not header:
        raise DataError([Problem(name, 1, "file", "empty CSV (no header row)")])
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        raise DataError([Problem(name, 1, "header", f"duplicate columns {dupes}")])
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    start = reader.line_num + 1
    while True:
        line = start
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(name, line, "row", f"malformed CSV: {exc}"))
            start = reader.line_num + 1
            continue
        start = reader.line_num + 1
        if not cells:  # a blank line
            continue
        if len(rows) >= MAX_CSV_ROWS:
            raise DataError([Problem(name, line, "file", f"more than {MAX_CSV_ROWS:,} rows")])
        if len(cells) != len(header):
            more = "more" if len(cells) > len(header) else "fewer"
            problems.append(
                Problem(name, line, "row", f"{more} cells than header columns ({len(cells)}, not {len(header)})")
            )
            continue
        rows.append(dict(zip(header, cells, strict=True)))
        lines.append(line)
    return rows, lines, problems


def read_csv_text(raw: bytes, name: str) -> tuple[list[dict[str, str]], list[int]]:
    """All-or-nothing :func:`read_csv_rows` (for uploads): any bad row raises ``DataError``."""
    rows, lines, problems = read_csv_rows(raw, name)
    if problems:
        raise DataError(problems)
    return rows, lines


def validate_rows(
    rows: list[dict[str, str]],
    lines: list[int],
    model: type[M],
    name: str,
    context: Mapping[str, Any],
) -> tuple[list[tuple[int, M]], list[Problem]]:
    """Validate each CSV row; bad rows are reported and left out."""
    good, problems = [], []
    columns = set(model.model_fields)
    for row, line in zip(rows, lines, strict=True):
        data = {k: v for k, v in row.items() if k in columns or v not in ("", None)}
        try:
            good.append((line, model.model_validate(data, context=context)))
        except ValidationError as exc:
            problems += _pydantic_problems(exc, name, lambda _p, line=line: line)
    return good, problems


def _read_table(path: Path, root: Path, model: type[M], context) -> tuple[list[tuple[int, M]], list[Problem]]:
    name = _rel(path, root)
    if not path.exists():
        return [], [Problem(name, 1, "file", "missing file")]
    try:
        rows, lines, problems = read_csv_rows(path.read_bytes(), name)
    except DataError as exc:
        return [], exc.problems
    good, found = validate_rows(rows, lines, model, name, context)
    return good, problems + found


def _read_vocab(root: Path) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    vocab: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for key, model in VOCAB_FILES.items():
        path = root / "vocab" / f"{key}.yaml"
        name = _rel(path, root)
        vocab[key] = {}
        try:
            doc = read_yaml(path, name)
        except FileNotFoundError:
            problems.append(Problem(name, 1, "file", "missing vocabulary file"))
            continue
        except DataError as exc:
            problems += exc.problems
            continue
        if not isinstance(doc.data, list):
            problems.append(Problem(name, 1, "(document)", "expected a list of entries"))
            continue
        for i, item in enumerate(doc.data):
            try:
                entry = model.model_validate(item)
            except ValidationError as exc:
                problems += _pydantic_problems(exc, name, doc.line_of, prefix=(i,))
                continue
            if entry.id in vocab[key]:
                problems.append(Problem(name, doc.line_of((i, "id")), "id", f"duplicate id {entry.id!r}"))
                continue
            vocab[key][entry.id] = entry
    return vocab, problems


def parse_facility(
    raw: bytes, name: str, context: Mapping[str, Any]
) -> tuple[schema.Facility | None, safeyaml.YamlDocument | None, list[Problem]]:
    """Parse and validate one facility file (also used for uploads)."""
    try:
        doc = safeyaml.load_bytes(raw, name)
    except DataError as exc:
        return None, None, exc.problems
    if not isinstance(doc.data, dict):
        return None, doc, [Problem(name, 1, "(document)", "expected a mapping of facility fields")]
    try:
        return schema.Facility.model_validate(doc.data, context=context), doc, []
    except ValidationError as exc:
        return None, doc, _pydantic_problems(exc, name, doc.line_of)


def _read_facilities(
    root: Path, context
) -> tuple[dict[str, schema.Facility], dict[str, str], dict[str, safeyaml.YamlDocument], list[Problem]]:
    records: dict[str, schema.Facility] = {}
    files: dict[str, str] = {}
    docs: dict[str, safeyaml.YamlDocument] = {}
    problems: list[Problem] = []
    for path in sorted((root / "facilities").glob("*/*.yaml")):
        name = _rel(path, root)
        if not path.is_file():
            problems.append(Problem(name, 1, "file", "not a regular file"))
            continue
        record, doc, found = parse_facility(path.read_bytes(), name, context)
        problems += found
        if record is None:
            continue
        where = doc.line_of(("id",))
        if path.stem != record.id:
            problems.append(Problem(name, where, "id", f"file name must equal the id ({record.id}.yaml)"))
            continue
        if path.parent.name != record.country.lower():
            problems.append(
                Problem(
                    name,
                    doc.line_of(("country",)),
                    "country",
                    f"file is in facilities/{path.parent.name}/ but country is {record.country}",
                )
            )
            continue
        if record.id in records:
            problems.append(Problem(name, where, "id", f"duplicate id, also in {files[record.id]}"))
            continue
        records[record.id] = record
        files[record.id] = name
        docs[record.id] = doc
    return records, files, docs, problems


# ---- cross-file checks and staleness ------------------------------------------------


def _stale_warnings(
    name: str, line_of, sources: Mapping[str, schema.Source], months: int, today: dt.date
) -> list[Problem]:
    out = []
    for key, src in sources.items():
        age = months_old(src.as_of, today)
        if age is not None and age > months:
            out.append(
                Problem(
                    name,
                    line_of(("sources", key, "as_of")),
                    f"sources.{key}.as_of",
                    f"stale: dated {src.as_of}, {age / 12:.1f} years old",
                    Severity.WARNING,
                )
            )
    return out


def _usd(amount: float, currency: str, rates: Mapping[str, float]) -> float | None:
    rate = rates.get(currency)
    return None if rate is None else amount / rate


def _check_money_rows(rows, name, rates, low_field, high_field):
    """Quarantine rows in currencies without a rate, or absurdly large."""
    good, problems = [], []
    for line, row in rows:
        if row.currency not in rates:
            if getattr(row, "use", None) is schema.PriceUse.CONTEXT:
                # Context figures are shown in their own currency, never converted.
                problems.append(
                    Problem(
                        name,
                        line,
                        "currency",
                        f"no exchange rate for {row.currency}; shown unconverted",
                        Severity.WARNING,
                    )
                )
                good.append((line, row))
            else:
                problems.append(Problem(name, line, "currency", f"no exchange rate for {row.currency} in fx_rates.csv"))
            continue
        high = getattr(row, high_field) or getattr(row, low_field)
        usd = _usd(high, row.currency, rates)
        if usd is not None and usd > ABSURD_USD:
            problems.append(Problem(name, line, high_field, f"implausible amount: about {usd:,.0f} USD"))
            continue
        good.append((line, row))
    return good, problems


def _unique(rows, name, key="id"):
    seen: dict[str, int] = {}
    good, problems = [], []
    for line, row in rows:
        value = getattr(row, key)
        if value in seen:
            problems.append(Problem(name, line, key, f"duplicate {key} {value!r} (first on line {seen[value]})"))
            continue
        seen[value] = line
        good.append((line, row))
    return good, problems


# ---- tables -------------------------------------------------------------------------


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


# Accreditations that speak for the whole hospital (or its care of travelling patients);
# laboratory, nursing or quality-system certificates do not count towards either flag.
INTERNATIONAL_SCOPES = {"hospital", "medical_travel"}
NATIONAL_SCOPES = {"hospital", "spine_centre"}

FACT_COLUMNS = ["facility_id", "field", "value", "source", "source_url", "as_of", "evidence"]


def _facts(record: schema.Facility) -> list[dict[str, Any]]:
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
                "source_url": src.url or src.citation,
                "as_of": getattr(fact, "as_of", None) or src.as_of,
                "evidence": src.evidence,
            }
        )

    for acc in record.accreditations:
        add("accreditation", acc.body + (f" (since {acc.since})" if acc.since else ""), acc)
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
    return rows


def _fact_value(fact: Any) -> Any:
    return None if fact is None else fact.value


def _facility_row(record: schema.Facility, vocab, file: str) -> dict[str, Any]:
    bodies = vocab["accreditation_bodies"]
    techniques = vocab["techniques"]
    acc = sorted({a.body for a in record.accreditations})
    intl = [b for b in acc if b in bodies and bodies[b].international and bodies[b].scope in INTERNATIONAL_SCOPES]
    national = [b for b in acc if b in bodies and not bodies[b].international and bodies[b].scope in NATIONAL_SCOPES]
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
        "international_accreditations": intl,
        "has_international_accreditation": bool(intl),
        "has_national_accreditation": bool(national),
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
        "dedicated_spine_hospital": _fact_value(sp.dedicated_spine_hospital),
        "beds": float(sp.beds.value) if sp.beds else float("nan"),
        "languages": list(record.languages.value) if record.languages else None,
        "international_office": _fact_value(record.international_office),
        "fusion_rate_pct": max(fusion) if fusion else float("nan"),
        "recognitions": [r.name for r in record.recognitions],
        "n_sources": len(record.sources),
        "file": file,
    }


def _frame(rows: Iterable[tuple[int, BaseModel]], name: str) -> pd.DataFrame:
    records = []
    for line, row in rows:
        data = row.model_dump(mode="json")
        data["file"] = name
        data["line"] = line
        records.append(data)
    return pd.DataFrame.from_records(records)


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


def _yaml_model(
    path: Path, root: Path, model: type[M], context
) -> tuple[M | None, safeyaml.YamlDocument | None, list[Problem]]:
    name = _rel(path, root)
    if not path.exists():
        return None, None, [Problem(name, 1, "file", "missing file")]
    try:
        doc = read_yaml(path, name)
    except DataError as exc:
        return None, None, exc.problems
    try:
        return model.model_validate(doc.data, context=context), doc, []
    except ValidationError as exc:
        return None, doc, _pydantic_problems(exc, name, doc.line_of)


def _build(root: Path, digest: str) -> Dataset:
    today = dt.date.today()
    problems: list[Problem] = []
    vocab, found = _read_vocab(root)
    problems += found
    context = dict(vocab)

    metadata, _, found = _yaml_model(root / "metadata.yaml", root, schema.Metadata, context)
    problems += found
    months = metadata.stale_after_months if metadata else 24

    fx_rows, found = _read_table(root / "fx_rates.csv", root, schema.FxRow, context)
    problems += found
    fx_rows, found = _unique(fx_rows, _rel(root / "fx_rates.csv", root), "currency")
    problems += found
    rates = {row.currency: row.units_per_usd for _, row in fx_rows}

    records, files, docs, found = _read_facilities(root, context)
    problems += found
    for fid, record in records.items():
        problems += _stale_warnings(files[fid], docs[fid].line_of, record.sources, months, today)

    prices_name = _rel(root / "prices" / "procedure_prices.csv", root)
    price_rows, found = _read_table(root / "prices" / "procedure_prices.csv", root, schema.PriceRow, context)
    problems += found
    price_rows, found = _unique(price_rows, prices_name)
    problems += found
    price_rows, found = _check_money_rows(price_rows, prices_name, rates, "price_low", "price_high")
    problems += found
    kept = []
    for line, row in price_rows:
        if row.facility_id and row.facility_id not in records:
            problems.append(Problem(prices_name, line, "facility_id", f"unknown facility {row.facility_id!r}"))
        elif row.facility_id and records[row.facility_id].country != row.country:
            problems.append(
                Problem(prices_name, line, "country", f"{row.facility_id} is in {records[row.facility_id].country}")
            )
        else:
            kept.append((line, row))
            age = months_old(row.as_of, today)
            if age is not None and age > months and row.use is not schema.PriceUse.CONTEXT:
                problems.append(
                    Problem(
                        prices_name,
                        line,
                        "as_of",
                        f"stale: dated {row.as_of}, {age / 12:.1f} years old",
                        Severity.WARNING,
                    )
                )
    price_rows = kept

    costs_name = _rel(root / "prices" / "destination_costs.csv", root)
    cost_rows, found = _read_table(root / "prices" / "destination_costs.csv", root, schema.DestinationCostRow, context)
    problems += found
    cost_rows, found = _unique(cost_rows, costs_name)
    problems += found
    cost_rows, found = _check_money_rows(cost_rows, costs_name, rates, "low", "high")
    problems += found

    origin_rows, found = _read_table(root / "origins.csv", root, schema.OriginRow, context)
    problems += found
    origin_rows, found = _unique(origin_rows, _rel(root / "origins.csv", root))
    problems += found
    for line, row in origin_rows:
        if row.currency not in rates:
            problems.append(
                Problem(
                    _rel(root / "origins.csv", root),
                    line,
                    "currency",
                    f"no exchange rate for {row.currency}; costs for this origin are shown in USD",
                    Severity.WARNING,
                )
            )

    route_rows, found = _read_table(root / "routes.csv", root, schema.RouteRow, context)
    problems += found

    destinations: dict[str, schema.Destination] = {}
    dest_path = root / "destinations.yaml"
    dest_name = _rel(dest_path, root)
    try:
        doc = read_yaml(dest_path, dest_name)
        if not isinstance(doc.data, dict):
            raise DataError([Problem(dest_name, 1, "(document)", "expected a mapping keyed by country code")])
        for code, entry in doc.data.items():
            try:
                schema._country(code)
                destinations[code] = schema.Destination.model_validate(entry, context=context)
            except ValueError as exc:  # ValidationError is a ValueError too
                if isinstance(exc, ValidationError):
                    problems += _pydantic_problems(exc, dest_name, doc.line_of, prefix=(code,))
                else:
                    problems.append(Problem(dest_name, doc.line_of((code,)), str(code), str(exc)))
                continue
            problems += _stale_warnings(
                dest_name, lambda p, c=code: doc.line_of((c, *p)), destinations[code].sources, months, today
            )
    except FileNotFoundError:
        problems.append(Problem(dest_name, 1, "file", "missing file"))
    except DataError as exc:
        problems += exc.problems

    clinical, clinical_doc, found = _yaml_model(root / "clinical.yaml", root, schema.Clinical, context)
    problems += found
    if clinical is not None:
        missing = sorted(clinical.cited - set(clinical.sources))
        if missing:
            problems.append(
                Problem(_rel(root / "clinical.yaml", root), 1, "sources", f"cited but not listed: {missing}")
            )

    travel, _, found = _yaml_model(root / "travel.yaml", root, trip_schema.Travel, context)
    problems += found
    per_diem, visa_rules = pd.DataFrame(), pd.DataFrame()
    if travel is not None:
        per_diem_name = _rel(root / travel.per_diem.file, root)
        per_diem, found = opendata.read_cached(opendata.read_per_diem, root / travel.per_diem.file, per_diem_name)
        problems += found
        problems += opendata.coverage_warnings(per_diem, {r.country for r in records.values()}, per_diem_name)
        visas_name = _rel(root / travel.visas.file, root)
        visa_rules, found = opendata.read_cached(opendata.read_visa_rules, root / travel.visas.file, visas_name)
        problems += found

    risk, risk_doc, found = _yaml_model(root / "risk.yaml", root, trip_schema.Risk, context)
    problems += found
    if risk is not None:
        for i, c in enumerate(risk.complications):
            for j, t in enumerate(c.treatment):
                if t.currency not in rates:
                    where = ("complications", i, "treatment", j, "currency")
                    problems.append(
                        Problem(_rel(root / "risk.yaml", root), risk_doc.line_of(where), ".".join(map(str, where)),
                                f"no exchange rate for {t.currency} in fx_rates.csv")
                    )  # fmt: skip
        problems += _stale_warnings(_rel(root / "risk.yaml", root), risk_doc.line_of, risk.sources, months, today)

    facilities = pd.DataFrame.from_records([_facility_row(r, vocab, files[fid]) for fid, r in records.items()])
    if not facilities.empty:
        facilities = facilities.set_index("id", drop=False).rename_axis(None)
    facts = pd.DataFrame.from_records([row for r in records.values() for row in _facts(r)], columns=FACT_COLUMNS)
    if not facts.empty:
        ages = facts["as_of"].map(lambda v: months_old(v, today))
        facts["stale"] = ages.map(lambda a: a is not None and a > months)
        facts["undated"] = facts["as_of"].isna()

    problems.sort(key=lambda p: (p.file, p.line, p.field))
    return Dataset(
        data_dir=root,
        content_hash=digest,
        metadata=metadata,
        vocab=vocab,
        facility_records=records,
        facility_files=files,
        facilities=facilities,
        facts=facts,
        prices=_frame(price_rows, prices_name),
        destination_costs=_frame(cost_rows, costs_name),
        destinations=destinations,
        clinical=clinical,
        origins=_frame(origin_rows, "origins.csv"),
        routes=_frame(route_rows, "routes.csv"),
        fx=_frame(fx_rows, "fx_rates.csv"),
        travel=travel,
        risk=risk,
        per_diem=per_diem,
        visa_rules=visa_rules,
        problems=problems,
    )
