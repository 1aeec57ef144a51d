"""Scalar types every data file shares: partial dates, codes, money, slugs, and the base model.

Checks that need another file (is this id in the vocabulary?) read the loaded vocabularies
from the validation context, so a record is judged against the data directory it came from.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

SLUG = r"^[a-z0-9][a-z0-9_-]*$"
_PLACEHOLDERS = {"", "na", "n/a", "nan", "null", "none", "nil", "-", "?", "unknown", "tbd"}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# ---- scalar types -------------------------------------------------------------------


def partial_date(value: Any) -> Any:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD (or a YAML date) as an ISO string."""
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        value = value.isoformat()  # a YAML date: still checked below (not in the future)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("a date must be YYYY, YYYY-MM or YYYY-MM-DD")
    match = _DATE.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(p) if p else 1 for p in match.groups())
    try:
        parsed = dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    if parsed > dt.date.today():
        raise ValueError(f"{value!r} is in the future")
    return value.strip()


def blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def real_text(value: Any) -> Any:
    """Refuse placeholders such as 'NA' or 'null' where a real name is needed."""
    if isinstance(value, str):
        value = value.strip()
        if value.lower() in _PLACEHOLDERS:
            raise ValueError(f"{value!r} is a placeholder, not a real value")
    return value


def country_code(value: Any) -> Any:
    if isinstance(value, str) and pycountry.countries.get(alpha_2=value.strip().upper()):
        if value.strip() != value.strip().upper():
            raise ValueError(f"country codes are upper case: {value.strip().upper()!r}")
        return value.strip()
    raise ValueError(f"unknown country code {value!r} (use ISO 3166-1 alpha-2, e.g. 'IN')")


def currency_code(value: Any) -> Any:
    if isinstance(value, str) and pycountry.currencies.get(alpha_3=value.strip()):
        # pycountry matches case-insensitively; 'usd' would then miss its FX row.
        if value.strip() != value.strip().upper():
            raise ValueError(f"currency codes are upper case: {value.strip().upper()!r}")
        return value.strip()
    raise ValueError(f"unknown currency code {value!r} (use ISO 4217, e.g. 'USD')")


def http_url(value: Any) -> Any:
    value = blank_to_none(value)
    if value is None:
        return None
    if not isinstance(value, str) or not re.match(r"^https?://[^\s<>\"]+$", value.strip()):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value.strip()


PartialDate = Annotated[str | None, BeforeValidator(partial_date)]
Name = Annotated[str, BeforeValidator(real_text), Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=2000)]
Slug = Annotated[str, Field(pattern=SLUG, max_length=80)]
Country = Annotated[str, BeforeValidator(country_code)]
Currency = Annotated[str, BeforeValidator(currency_code)]
Url = Annotated[str | None, BeforeValidator(http_url)]
Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]
OptionalMoney = Annotated[Money | None, BeforeValidator(blank_to_none)]
Count = Annotated[int, Field(ge=0, le=10_000_000, strict=True)]


class Model(BaseModel):
    """Base: unknown keys are errors (they are usually typos), text is stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def vocab_of(info: ValidationInfo, name: str) -> dict[str, Any]:
    return (info.context or {}).get(name, {})


def check_vocab(value: str, info: ValidationInfo, name: str, what: str) -> str:
    known = vocab_of(info, name)
    if known and value not in known:
        raise ValueError(f"unknown {what} {value!r} (see data/vocab/{name}.yaml)")
    return value


def in_vocab(name: str, what: str) -> AfterValidator:
    """A field's check that its value is an id of ``data/vocab/<name>.yaml`` (the one loaded with the data)."""
    return AfterValidator(lambda value, info: check_vocab(value, info, name, what))


# Ids that must be in a vocabulary of the data directory being validated.
SourceKindId = Annotated[str, in_vocab("source_kinds", "source kind")]
EvidenceLevelId = Annotated[str, in_vocab("evidence_levels", "evidence level")]
AccreditationBodyId = Annotated[str, in_vocab("accreditation_bodies", "accreditation body")]
ProcedureId = Annotated[str, in_vocab("procedures", "procedure")]
