"""Ids typed by hand (command-line flags, scenario files) made ones the data knows.

A near miss is named ("unknown technique 'mis-tlif'; did you mean 'mis_tlif'?"), in the
current language; countries must be ISO 3166-1 alpha-2 codes.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import pycountry

from compare import fields
from compare.data import Dataset
from compare.i18n import N_, _

# What each id-valued field's values are called in a message.
ID_WORDS = {
    "procedure": "procedure",
    "techniques": "technique",
    "wanted": "technology",
    "accreditation": "accreditation",
    "languages": "language",
}
# The message for an unknown id of each kind: (without a near miss, with one), whole sentences to translate.
_UNKNOWN_ID = {
    "procedure": (
        N_("unknown procedure {value} (known: {known})"),
        N_("unknown procedure {value}; did you mean {guess}? (known: {known})"),
    ),
    "technique": (
        N_("unknown technique {value} (known: {known})"),
        N_("unknown technique {value}; did you mean {guess}? (known: {known})"),
    ),
    "technology": (
        N_("unknown technology {value} (known: {known})"),
        N_("unknown technology {value}; did you mean {guess}? (known: {known})"),
    ),
    "accreditation": (
        N_("unknown accreditation {value} (known: {known})"),
        N_("unknown accreditation {value}; did you mean {guess}? (known: {known})"),
    ),
    "language": (
        N_("unknown language {value} (known: {known})"),
        N_("unknown language {value}; did you mean {guess}? (known: {known})"),
    ),
}


def _norm(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.strip().lower()).strip("_")


def resolve_id(value: str, known: list[str], word: str) -> str:
    """``value`` as one of ``known``: exactly, or ignoring case when only one matches; else
    ``ValueError`` "unknown technique 'X'; did you mean 'y'?" (a near miss, separators aside)."""
    if value in known:
        return value
    same = [k for k in known if k.lower() == value.strip().lower()]
    if len(same) == 1:
        return same[0]
    close = difflib.get_close_matches(_norm(value), [_norm(k) for k in known], n=1, cutoff=0.6)
    guess = repr(next(k for k in known if _norm(k) == close[0])) if close else None
    listed = ", ".join(sorted(known))
    message = _(_UNKNOWN_ID[word][guess is not None])
    raise ValueError(message.format(value=repr(value), guess=guess, known=listed))


def resolve_ids(ds: Dataset, state: dict[str, Any]) -> dict[str, Any]:
    """The flat values with every typed id made one the data knows (``ValueError`` otherwise).

    Countries must be ISO 3166-1 alpha-2 codes, in any case; a country with no facility is
    fine (it simply keeps none).
    """
    out = dict(state)
    for key, word in ID_WORDS.items():
        value = out.get(key)
        if value in (None, "", []):
            continue
        known = [str(k) for k in fields.options(ds, fields.BY_KEY[key]) if k != ""]
        if isinstance(value, list):
            out[key] = [resolve_id(v, known, word) for v in value]
        else:
            out[key] = resolve_id(value, known, word)
    countries = []
    for code in out.get("countries") or []:
        if pycountry.countries.get(alpha_2=code.strip().upper()) is None:
            raise ValueError(
                _("unknown country code {code}: use ISO 3166-1 alpha-2 (e.g. GB for the United Kingdom)").format(
                    code=repr(code)
                )
            )
        countries.append(code.strip().upper())
    if "countries" in out:
        out["countries"] = countries
    return out
