"""Open data sets the trip model draws on, read and checked like the curated files.

- U.S. Department of State foreign per diem rates: the maximum lodging rate and the meals
  and incidentals allowance per night, in USD, by city (or "[Other]" for the rest of a
  country), with seasons.
- Passport Index: what a holder of each passport needs to enter each country.

Both are copied unchanged into ``data/open_data/``; ``data/travel.yaml`` names their
publisher, address and date. A bad row becomes a ``Problem`` and is left out; the rest load.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pycountry

from compare.problems import Problem, Severity

MAX_BYTES = 4 * 1024 * 1024
MAX_ROWS = 100_000
PER_DIEM_COLUMNS = ("Country", "Location", "Season Code", "Season Start Date", "Season End Date", "Lodging")
MEALS_COLUMN = "Meals & Incidentals"
VISA_COLUMNS = ("Passport", "Destination", "Requirement")
REQUIREMENTS = {"visa free", "visa on arrival", "eta", "e-visa", "visa required", "no admission"}
OTHER = "[Other]"
# State Department country names that pycountry's lookup does not resolve.
COUNTRY_ALIASES = {
    "BURMA": "MM",
    "KOREA, SOUTH": "KR",
    "DEM. PEOPLE'S REPUBLIC OF KOREA": "KP",
    "TURKEY": "TR",
    "RUSSIA": "RU",
    "IRAN": "IR",
    "LAOS": "LA",
    "SYRIA": "SY",
    "TAIWAN": "TW",
    "VIETNAM": "VN",
    "BRUNEI": "BN",
    "HOLY SEE": "VA",
    "COTE D'IVOIRE": "CI",
    "BAHAMAS, THE": "BS",
    "GAMBIA, THE": "GM",
    "KOSOVO": "XK",
    "MICRONESIA, FEDERATED STATES OF": "FM",
    "FALKLAND ISLANDS (ISLAS MALVINAS)": "FK",
    "VIRGIN ISLANDS, BRITISH": "VG",
    "ST LUCIA": "LC",
    "DEMOCRATIC REPUBLIC OF THE CONGO": "CD",
    "REPUBLIC OF THE CONGO": "CG",
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def fold(text: str) -> str:
    """Upper-case ASCII without accents or punctuation spacing: 'São Paulo' -> 'SAO PAULO'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^A-Za-z0-9]+", " ", plain).upper().split())


@functools.cache  # about 250 distinct names for 1,000 rows; pycountry's lookup is slow
def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 for a State Department country name, or None."""
    key = name.strip().upper()
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    try:
        return pycountry.countries.lookup(name.strip()).alpha_2
    except LookupError:
        return None


def _read(path: Path, name: str, columns: tuple[str, ...]) -> tuple[pd.DataFrame, list[Problem]]:
    """The file as text cells (stripped), after the size, encoding and header checks."""
    empty = pd.DataFrame(columns=list(columns))
    if not path.exists():
        return empty, [Problem(name, 1, "file", "missing file")]
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        return empty, [Problem(name, 1, "file", f"larger than {MAX_BYTES // 1024 // 1024} MB")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return empty, [Problem(name, 1, "file", f"not UTF-8 text (byte {exc.start})")]
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return empty, [Problem(name, 1, "header", f"missing columns {list(columns)} ({exc})")]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        return empty, [Problem(name, 1, "header", f"missing columns {missing}")]
    problems = []
    if len(frame) > MAX_ROWS:
        problems.append(Problem(name, MAX_ROWS + 2, "file", f"more than {MAX_ROWS:,} rows; the rest is ignored"))
        frame = frame.iloc[:MAX_ROWS]
    frame = frame[list(columns)].apply(lambda c: c.str.strip())
    frame.index = range(2, len(frame) + 2)  # the file's line numbers
    return frame, problems


def _money(value: str | None) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if 0 <= number < 10_000 else None


def read_per_diem(path: Path, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """One row per (country, location, season): lodging and meals in USD per night."""
    rows, problems = _read(path, name, (*PER_DIEM_COLUMNS, MEALS_COLUMN))
    out = []
    for line, row in zip(rows.index, rows.to_dict("records"), strict=True):
        code = country_code(row["Country"])
        lodging, meals = _money(row["Lodging"]), _money(row[MEALS_COLUMN])
        where = None
        if not row["Location"].strip():
            where = ("Location", "empty location")
        elif lodging is None:
            where = ("Lodging", f"{row['Lodging']!r} is not an amount from 0 to 10,000 USD")
        elif meals is None:
            where = (MEALS_COLUMN, f"{row[MEALS_COLUMN]!r} is not an amount from 0 to 10,000 USD")
        elif not (_DATE.match(row["Season Start Date"]) and _DATE.match(row["Season End Date"])):
            where = ("Season Start Date", "season dates must be YYYY-MM-DD")
        if where:
            problems.append(Problem(name, line, *where))
            continue
        if code is None:
            continue  # a territory or "other foreign localities": not a destination here
        out.append(
            {
                "country": code,
                "location": row["Location"].strip(),
                "key": fold(row["Location"]),
                "season": row["Season Code"].strip(),
                # 0 means no lodging allowance (government quarters), not a free hotel.
                "lodging": lodging if lodging > 0 else None,
                "meals": meals if meals > 0 else None,
                "line": line,
            }
        )
    return pd.DataFrame(out, columns=["country", "location", "key", "season", "lodging", "meals", "line"]), problems


def read_visa_rules(path: Path, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """One row per (passport, destination): the requirement and, where visa free, the days.

    Checked column-wise: the file has about 40,000 rows and is read on every cold load.
    """
    frame, problems = _read(path, name, VISA_COLUMNS)
    frame["line"] = frame.index
    known = _country_codes()
    days = pd.to_numeric(frame["Requirement"].where(frame["Requirement"].str.fullmatch(r"-?\d+")), errors="coerce")
    checks = [
        ("Passport", ~frame["Passport"].isin(known), lambda r: f"unknown country code {r['Passport']!r}"),
        ("Destination", ~frame["Destination"].isin(known), lambda r: f"unknown country code {r['Destination']!r}"),
        (
            "Requirement",
            days.notna() & (days != -1) & ~days.between(1, 365),
            lambda r: f"{r['Requirement']} is not a number of visa-free days (1–365, or -1)",
        ),
        (
            "Requirement",
            days.isna() & ~frame["Requirement"].isin(REQUIREMENTS),
            lambda r: f"unknown requirement {r['Requirement']!r}; expected days or one of {sorted(REQUIREMENTS)}",
        ),
    ]
    bad = pd.Series(False, index=frame.index)
    for field, mask, message in checks:
        mask = mask & ~bad  # one problem per row, the first that applies
        problems += [Problem(name, r["line"], field, message(r)) for _, r in frame[mask].iterrows()]
        bad |= mask
    good, days = frame[~bad], days[~bad]
    need = good["Requirement"].where(days.isna(), "visa free").where(days != -1, "own country")
    out = pd.DataFrame(
        {
            "passport": good["Passport"],
            "destination": good["Destination"],
            "requirement": need,
            "days": days.where(days > 0).astype(object).where(days > 0, None),
        }
    )
    problems.sort(key=lambda p: p.line)
    return out.set_index(["passport", "destination"]), problems


@functools.cache
def _country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, plus XK (Kosovo: a user-assigned code that open data sets use)."""
    return frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


_PARSED: dict[tuple, tuple[pd.DataFrame, list[Problem]]] = {}


def read_cached(reader, path: Path, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """``reader(path, name)``, remembered by the file's stat signature (as ``content_hash``
    remembers digests): an unchanged open data file is parsed once per process. The frame
    is shared, like every table of a ``Dataset``: read it, never modify it."""
    try:
        st = path.stat()
    except OSError:
        return reader(path, name)
    key = (reader.__name__, name, str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    if key not in _PARSED:
        if len(_PARSED) >= 8:
            _PARSED.clear()
        _PARSED[key] = reader(path, name)
    frame, problems = _PARSED[key]
    return frame, list(problems)


def coverage_warnings(per_diem: pd.DataFrame, countries: set[str], name: str) -> list[Problem]:
    """Destination countries the per diem file does not cover: their lodging stays unknown."""
    covered = set(per_diem["country"]) if not per_diem.empty else set()
    return [
        Problem(name, 1, "Country", f"no per diem rows for {code}: lodging and meals stay unknown", Severity.WARNING)
        for code in sorted(countries - covered)
    ]
