"""Open data sets the trip model draws on, read and checked like the curated files.

- U.S. Department of State foreign per diem rates: the maximum lodging rate and the meals
  and incidentals allowance per night, in USD, by city (or "[Other]" for the rest of a
  country), with seasons.
- Passport Index: what a holder of each passport needs to enter each country.

Both are copied unchanged into ``data/open_data/``; ``data/travel.yaml`` names their
publisher, address and date. A bad row becomes a ``Problem`` and is left out; the rest load.
"""

from __future__ import annotations

import csv
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


def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 for a State Department country name, or None."""
    key = name.strip().upper()
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    try:
        return pycountry.countries.lookup(name.strip()).alpha_2
    except LookupError:
        return None


def known_country(code: str) -> bool:
    """ISO 3166-1 alpha-2, or XK (Kosovo: a user-assigned code that open data sets use)."""
    return code == "XK" or pycountry.countries.get(alpha_2=code) is not None


def _read(path: Path, name: str, columns: tuple[str, ...]) -> tuple[list[dict[str, str]], list[Problem]]:
    if not path.exists():
        return [], [Problem(name, 1, "file", "missing file")]
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        return [], [Problem(name, 1, "file", f"larger than {MAX_BYTES // 1024 // 1024} MB")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem(name, 1, "file", f"not UTF-8 text (byte {exc.start})")]
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        return [], [Problem(name, 1, "header", f"missing columns {missing}")]
    rows = []
    for i, row in enumerate(reader):
        if i >= MAX_ROWS:
            return rows, [Problem(name, i + 2, "file", f"more than {MAX_ROWS:,} rows; the rest is ignored")]
        rows.append(row)
    return rows, []


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
    for line, row in enumerate(rows, start=2):
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
    """One row per (passport, destination): the requirement and, where visa free, the days."""
    rows, problems = _read(path, name, VISA_COLUMNS)
    out = []
    for line, row in enumerate(rows, start=2):
        passport, dest, need = (row[c].strip() for c in VISA_COLUMNS)
        bad = next(
            (
                (field, f"unknown country code {code!r}")
                for field, code in (("Passport", passport), ("Destination", dest))
                if not known_country(code)
            ),
            None,
        )
        days = None
        if bad is None:
            if re.fullmatch(r"-?\d+", need):
                days = int(need)
                if days == -1:
                    need = "own country"
                elif 0 < days <= 365:
                    need = "visa free"
                else:
                    bad = ("Requirement", f"{days} is not a number of visa-free days (1–365, or -1)")
            elif need not in REQUIREMENTS:
                bad = ("Requirement", f"unknown requirement {need!r}; expected days or one of {sorted(REQUIREMENTS)}")
        if bad:
            problems.append(Problem(name, line, *bad))
            continue
        out.append({"passport": passport, "destination": dest, "requirement": need, "days": days})
    frame = pd.DataFrame(out, columns=["passport", "destination", "requirement", "days"])
    return frame.set_index(["passport", "destination"]), problems


def coverage_warnings(per_diem: pd.DataFrame, countries: set[str], name: str) -> list[Problem]:
    """Destination countries the per diem file does not cover: their lodging stays unknown."""
    covered = set(per_diem["country"]) if not per_diem.empty else set()
    return [
        Problem(name, 1, "Country", f"no per diem rows for {code}: lodging and meals stay unknown", Severity.WARNING)
        for code in sorted(countries - covered)
    ]
