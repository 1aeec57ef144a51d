"""Read: files into validated records, every problem reported as ``file:line: field: message``.

A bad record is reported and left out; the rest is kept. Only a file unreadable as a whole
raises ``DataError`` (from the lower-level readers) or becomes one problem (here).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from compare.data import safeyaml, schema
from compare.problems import DataError, Problem

MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_ROWS = 20_000

VOCAB_FILES = {
    "evidence_levels": schema.EvidenceLevel,
    "source_kinds": schema.SourceKind,
    "accreditation_bodies": schema.AccreditationBody,
    "techniques": schema.Technique,
    "procedures": schema.Procedure,
    "cost_components": schema.CostComponent,
}

M = TypeVar("M", bound=BaseModel)


def rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def pydantic_problems(exc: ValidationError, name: str, line_of, *, prefix: tuple = ()) -> list[Problem]:
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
            problems += pydantic_problems(exc, name, lambda _p, line=line: line)
    return good, problems


def read_table(path: Path, root: Path, model: type[M], context) -> tuple[list[tuple[int, M]], list[Problem]]:
    name = rel(path, root)
    if not path.exists():
        return [], [Problem(name, 1, "file", "missing file")]
    try:
        rows, lines, problems = read_csv_rows(path.read_bytes(), name)
    except DataError as exc:
        return [], exc.problems
    good, found = validate_rows(rows, lines, model, name, context)
    return good, problems + found


def read_vocab(root: Path) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    vocab: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for key, model in VOCAB_FILES.items():
        path = root / "vocab" / f"{key}.yaml"
        name = rel(path, root)
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
                problems += pydantic_problems(exc, name, doc.line_of, prefix=(i,))
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
        return None, doc, pydantic_problems(exc, name, doc.line_of)


def read_facilities(
    root: Path, context
) -> tuple[dict[str, schema.Facility], dict[str, str], dict[str, safeyaml.YamlDocument], list[Problem]]:
    records: dict[str, schema.Facility] = {}
    files: dict[str, str] = {}
    docs: dict[str, safeyaml.YamlDocument] = {}
    problems: list[Problem] = []
    for path in sorted((root / "facilities").glob("*/*.yaml")):
        name = rel(path, root)
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


def read_model(
    path: Path, root: Path, model: type[M], context
) -> tuple[M | None, safeyaml.YamlDocument | None, list[Problem]]:
    name = rel(path, root)
    if not path.exists():
        return None, None, [Problem(name, 1, "file", "missing file")]
    try:
        doc = read_yaml(path, name)
    except DataError as exc:
        return None, None, exc.problems
    try:
        return model.model_validate(doc.data, context=context), doc, []
    except ValidationError as exc:
        return None, doc, pydantic_problems(exc, name, doc.line_of)
