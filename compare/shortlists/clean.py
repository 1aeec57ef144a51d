"""Input checks for the shortlist store: every text a user or a URL can put in, cleaned or refused.

Each function returns the cleaned value or raises :class:`ShortlistError` with a message
meant for the user, before anything touches the database.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from compare.scenario import Scenario

MAX_NAME = 100
MAX_CLIENT = 100
MAX_NOTE = 2_000
MAX_FACILITY_ID = 200
MAX_OWNER = 320  # an e-mail address can be this long
MAX_QUOTE = 256 * 1024

# Bidirectional overrides and line separators can make one name look like another.
_INVISIBLE = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029)}


class ShortlistError(Exception):
    """A request the store cannot carry out; the message is meant for the user."""


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" or ch in _INVISIBLE for ch in text)


def clean_name(name: object) -> str:
    """A shortlist name, trimmed; ``ShortlistError`` unless 1-100 characters of plain text."""
    if not isinstance(name, str):
        raise ShortlistError("A shortlist name must be text.")
    name = name.strip()
    if not name:
        raise ShortlistError("A shortlist name cannot be empty.")
    if len(name) > MAX_NAME:
        raise ShortlistError(f"A shortlist name can be at most {MAX_NAME} characters (this one has {len(name)}).")
    if _has_control(name):
        raise ShortlistError("A shortlist name cannot contain line breaks, tabs or other control characters.")
    return name


def clean_client(client: object) -> str | None:
    """A client label, trimmed; ``None`` for no label. At most 100 characters, one line."""
    if client is None:
        return None
    if not isinstance(client, str):
        raise ShortlistError("A client label must be text.")
    client = client.strip()
    if len(client) > MAX_CLIENT:
        raise ShortlistError(f"A client label can be at most {MAX_CLIENT} characters (this one has {len(client)}).")
    if _has_control(client):
        raise ShortlistError("A client label cannot contain line breaks, tabs or other control characters.")
    return client or None


def clean_note(note: object) -> str:
    """A note, kept exactly as typed (line breaks included); at most 2,000 characters."""
    if not isinstance(note, str):
        raise ShortlistError("A note must be text.")
    if len(note) > MAX_NOTE:
        raise ShortlistError(f"A note can be at most {MAX_NOTE:,} characters (this one has {len(note):,}).")
    return note


def clean_facility_id(facility_id: object) -> str:
    """A facility id, trimmed; ``ShortlistError`` unless non-empty plain text."""
    if not isinstance(facility_id, str) or not facility_id.strip():
        raise ShortlistError(f"{facility_id!r} is not a facility id.")
    facility_id = facility_id.strip()
    if len(facility_id) > MAX_FACILITY_ID or _has_control(facility_id):
        raise ShortlistError(f"{facility_id[:50]!r} is not a facility id.")
    return facility_id


def clean_facility_ids(facility_ids: Iterable[str]) -> list[str]:
    """Facility ids in order, each once (a repeat keeps its first place)."""
    if isinstance(facility_ids, str):
        raise ShortlistError("Pass a list of facility ids, not a single string.")
    return list(dict.fromkeys(clean_facility_id(f) for f in facility_ids))


def snapshot_json(snapshot: object) -> str:
    """A snapshot as JSON text; ``ShortlistError`` unless a mapping of plain JSON values."""
    if not isinstance(snapshot, Mapping):
        raise ShortlistError("A snapshot must be a mapping of field names to values.")
    try:
        return json.dumps(dict(snapshot), ensure_ascii=False, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ShortlistError(f"A snapshot can only hold text, numbers, lists and true/false/none ({exc}).") from None


def snapshot_texts(ids: list[str], snapshots: Mapping[str, Mapping[str, Any]] | None) -> dict[str, str]:
    """Each id's snapshot as JSON text (``{}`` when none was given); refuses snapshots of other ids."""
    snapshots = snapshots or {}
    stray = sorted(set(snapshots) - set(ids))
    if stray:
        raise ShortlistError(f"Snapshots were given for facilities that are not being added: {', '.join(stray)}.")
    return {fid: snapshot_json(snapshots.get(fid, {})) for fid in ids}


def scenario_yaml(scenario: object) -> str:
    """The scenario to save, as YAML; refuses anything but a :class:`~compare.scenario.Scenario`."""
    if not isinstance(scenario, Scenario):
        raise ShortlistError("A shortlist needs a scenario (a compare.Scenario).")
    return scenario.to_yaml()


def now() -> str:
    """The current UTC time as ISO-8601 text, e.g. ``2024-03-01T09:30:00.000000+00:00``."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def clean_owner(owner: object) -> str:
    """Who a store works for: ``""`` is the one local user; else a signed-in user's id, one line."""
    if not isinstance(owner, str):
        raise ShortlistError("An owner must be text.")
    owner = owner.strip()
    if len(owner) > MAX_OWNER or _has_control(owner):
        raise ShortlistError("That is not a valid user id.")
    return owner


def clean_quote(quote_json: object) -> str:
    """A saved quote's JSON text, within size."""
    if not isinstance(quote_json, str):
        raise ShortlistError("A quote must be saved as JSON text.")
    if len(quote_json) > MAX_QUOTE:
        raise ShortlistError("This quote is too large to save.")
    return quote_json
