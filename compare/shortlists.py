"""Named shortlists of facilities, saved in a local SQLite file so work is never lost.

A facilitator saves a shortlist for a client (a scenario plus an ordered list of
facilities with notes) and comes back to it later. Each item keeps a *snapshot* of what
the ranking said when it was added, so :func:`changes` can say what moved since.

Storage rules, in one place:

* one file, ``SPINE_SHORTLISTS_DB`` or ``$XDG_DATA_HOME/spine-compare/shortlists.sqlite3``;
* a versioned schema (``PRAGMA user_version``) upgraded by :data:`MIGRATIONS`, and a
  file from a newer version of the tool is refused rather than touched;
* every write is one ``BEGIN IMMEDIATE`` transaction, so concurrent writers queue on
  the busy timeout instead of failing, and a killed process leaves either all or none
  of a change;
* anything wrong with the file itself (locked, read-only, damaged, a folder) raises
  :class:`StoreUnavailable` with a message naming the path and what to do.

Typical use::

    store = ShortlistStore()
    store.create("Smith, L4-L5", scenario, ids, snapshots_from(ranking, ids), client="J. Smith")
    for item in store.get("Smith, L4-L5").items:
        print(item.facility_id, changes(item.snapshot, current.get(item.facility_id)))
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import os
import random
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from compare.problems import DataError
from compare.scenario import Scenario, scenario_from_yaml

T = TypeVar("T")

ENV_VAR = "SPINE_SHORTLISTS_DB"
MAX_NAME = 100
MAX_CLIENT = 100
MAX_NOTE = 2_000
MAX_FACILITY_ID = 200
DEFAULT_TIMEOUT = 5.0  # seconds a writer waits for another writer before giving up
DEFAULT_RETRIES = 2  # extra attempts after a busy timeout, with a short random pause

# Each entry upgrades the schema by one version; entry i takes user_version i to i + 1.
# Never edit a released entry: add a new one. Version 2 exists from the start so the
# upgrade path (data written under an older layout survives) is exercised by the tests.
MIGRATIONS: list[str] = [
    # 1: shortlists and their ordered items.
    """
    CREATE TABLE shortlists (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        scenario_yaml TEXT NOT NULL,
        data_hash TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE shortlist_items (
        shortlist_id INTEGER NOT NULL REFERENCES shortlists (id) ON DELETE CASCADE,
        facility_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        snapshot_json TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (shortlist_id, facility_id)
    );
    """,
    # 2: a client label per shortlist; items read back in order through an index.
    """
    ALTER TABLE shortlists ADD COLUMN client TEXT;
    CREATE INDEX shortlist_items_by_position ON shortlist_items (shortlist_id, position);
    """,
    # 3: the latest quote each shortlisted facility sent back (``compare.quotes.Quote`` as JSON).
    """
    CREATE TABLE quotes (
        shortlist_id INTEGER NOT NULL,
        facility_id TEXT NOT NULL,
        quote_json TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (shortlist_id, facility_id),
        FOREIGN KEY (shortlist_id, facility_id)
            REFERENCES shortlist_items (shortlist_id, facility_id) ON DELETE CASCADE
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

# Bidirectional overrides and line separators can make one name look like another.
_INVISIBLE = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029)}


class ShortlistError(Exception):
    """A request the store cannot carry out; the message is meant for the user."""


class Failure(enum.Enum):
    """Why the database file cannot be used."""

    LOCKED = "locked"
    READ_ONLY = "read-only"
    DAMAGED = "damaged"
    NEWER = "newer"
    NOT_A_FILE = "not a file"
    MISSING = "missing"
    CANNOT_OPEN = "cannot open"
    DISK = "disk"


class StoreUnavailable(ShortlistError):
    """The database file itself cannot be used (locked, read-only, damaged, a folder...)."""

    def __init__(self, message: str, *, path: Path, failure: Failure):
        super().__init__(message)
        self.path = path
        self.failure = failure


@dataclass(frozen=True)
class Item:
    """One facility on a shortlist, where ``position`` counts from 0 in the user's order."""

    facility_id: str
    position: int
    note: str
    snapshot: dict[str, Any]
    added_at: str


@dataclass(frozen=True)
class Shortlist:
    """A saved shortlist.

    ``scenario`` is ``None`` only when the saved scenario no longer loads (for example
    after an incompatible upgrade); ``scenario_problem`` then says why, and the items
    and the raw ``scenario_yaml`` are still returned so no work is lost.
    """

    name: str
    client: str | None
    scenario: Scenario | None
    data_hash: str | None
    created_at: str
    updated_at: str
    items: list[Item] = field(default_factory=list)
    scenario_yaml: str = ""
    scenario_problem: str | None = None

    @property
    def facility_ids(self) -> list[str]:
        return [item.facility_id for item in self.items]


@dataclass(frozen=True)
class ShortlistSummary:
    """One line of the list of saved shortlists."""

    name: str
    client: str | None
    n_items: int
    created_at: str
    updated_at: str


# ---- Paths -------------------------------------------------------------------------


def default_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the database lives: ``$SPINE_SHORTLISTS_DB``, else under ``$XDG_DATA_HOME``.

    Parameters
    ----------
    env
        The environment to read; ``os.environ`` when omitted.
    """
    env = os.environ if env is None else env
    if env.get(ENV_VAR, "").strip():
        return Path(env[ENV_VAR].strip()).expanduser()
    data_home = env.get("XDG_DATA_HOME", "").strip()
    base = Path(data_home).expanduser() if data_home else Path("~/.local/share").expanduser()
    return base / "spine-compare" / "shortlists.sqlite3"


def _uri(path: Path, query: str) -> str:
    """A ``file:`` URI; ``as_uri`` percent-encodes ``?`` and ``#`` in the path."""
    return f"{path.absolute().as_uri()}?{query}"


def _writable(path: Path) -> bool:
    """Whether this process may change ``path``: the file and its folder (WAL files live beside it)."""
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    return os.access(ancestor, os.W_OK)


# ---- Input checks ------------------------------------------------------------------


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


def _snapshot_texts(ids: list[str], snapshots: Mapping[str, Mapping[str, Any]] | None) -> dict[str, str]:
    snapshots = snapshots or {}
    stray = sorted(set(snapshots) - set(ids))
    if stray:
        raise ShortlistError(f"Snapshots were given for facilities that are not being added: {', '.join(stray)}.")
    return {fid: snapshot_json(snapshots.get(fid, {})) for fid in ids}


def _scenario_yaml(scenario: object) -> str:
    if not isinstance(scenario, Scenario):
        raise ShortlistError("A shortlist needs a scenario (a compare.Scenario).")
    return scenario.to_yaml()


def now() -> str:
    """The current UTC time as ISO-8601 text, e.g. ``2024-03-01T09:30:00.000000+00:00``."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


# ---- Schema ------------------------------------------------------------------------


def statements(script: str) -> Iterator[str]:
    """The complete SQL statements of ``script``, split where SQLite itself would."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\r\n;"):
                yield buffer.strip()
            buffer = ""
    if buffer.strip(" \t\r\n;"):
        yield buffer.strip()


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def foreign_tables(conn: sqlite3.Connection) -> str:
    """Why an unversioned database is not ours (it already has tables), or ``""``."""
    tables = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'"))
    return f"it holds other tables ({', '.join(tables[:5])}) and no shortlists" if tables else ""


def migrate(conn: sqlite3.Connection, migrations: list[str] = MIGRATIONS) -> int:
    """Bring the schema up to ``len(migrations)`` in one transaction; return the old version.

    The version is read again under the write lock, so two processes opening a new file
    at once apply each migration exactly once. A failing migration rolls back entirely.
    ``conn`` must be in autocommit mode (``isolation_level=None``). Raises
    ``ShortlistError`` for a newer schema or a non-empty database that was never a
    shortlist database.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn)
        if version > len(migrations):
            raise ShortlistError(f"schema version {version} is newer than this tool knows ({len(migrations)})")
        if version == 0 and (foreign := foreign_tables(conn)):
            raise ShortlistError(foreign)
        for script in migrations[version:]:
            for statement in statements(script):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {len(migrations)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return version


# ---- Errors ------------------------------------------------------------------------


def classify(exc: sqlite3.Error) -> Failure | None:
    """Which file failure an sqlite3 error means; ``None`` for anything else (a bug)."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text:
        return Failure.LOCKED
    if primary == sqlite3.SQLITE_READONLY or "readonly" in text:
        return Failure.READ_ONLY
    if (
        primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
        or "no such table" in text
        or "no such column" in text
    ):
        return Failure.DAMAGED
    if primary == sqlite3.SQLITE_CANTOPEN:
        return Failure.CANNOT_OPEN
    if primary in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL):
        return Failure.DISK
    if isinstance(exc, sqlite3.OperationalError):
        return Failure.CANNOT_OPEN
    return None


def failure_message(failure: Failure, path: Path, detail: str = "", *, timeout: float = DEFAULT_TIMEOUT) -> str:
    """What went wrong with the file at ``path``, and what the user can do about it."""
    why = f" ({detail})" if detail else ""
    return {
        Failure.LOCKED: f"The shortlist database {path} is busy: another program has kept it locked for more "
        f"than {timeout:g} s{why}. Nothing was changed. Wait a moment and try again; if it stays locked, close "
        "other copies of this tool (or other programs) that have the file open.",
        Failure.READ_ONLY: f"The shortlist database {path} is read-only, so changes cannot be saved{why}. Saved "
        f"shortlists can still be viewed. Make the file and its folder writable, or set {ENV_VAR} to a writable "
        "location.",
        Failure.DAMAGED: f"{path} is not a valid shortlist database: the file is damaged or was not made by this "
        f"tool{why}. It has not been changed. Move it aside (keep it: it may be recoverable) or restore it from a "
        f"backup; a new empty database is then created at this path. Or set {ENV_VAR} to another file.",
        Failure.NEWER: f"The shortlist database {path} was written by a newer version of this tool{why}. It has not "
        f"been changed. Update this tool to use it, or set {ENV_VAR} to another file.",
        Failure.NOT_A_FILE: f"The shortlist database path {path} is a folder (or is inside a file), not a database "
        f"file. Set {ENV_VAR} to a file path, for example {path / 'shortlists.sqlite3'}.",
        Failure.MISSING: f"The shortlist database {path} does not exist and cannot be created here{why}. Set "
        f"{ENV_VAR} to a writable location.",
        Failure.CANNOT_OPEN: f"The shortlist database {path} cannot be opened{why}. Check that the file and its "
        f"folder exist and that you have permission to read them, or set {ENV_VAR} to another file.",
        Failure.DISK: f"The shortlist database {path} could not be read or written{why}: the disk may be full or "
        "failing. Nothing was changed. Free some space or check the disk, then try again.",
    }[failure]


def _is_busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.Error) and classify(exc) is Failure.LOCKED


# ---- Snapshots ---------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A JSON-friendly scalar: NaN, NA and None become None; numpy numbers become Python ones."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    try:
        if value != value:  # pandas.NA and other missing markers
            return None
    except TypeError:
        return None
    return value


def snapshot_from(ranking: Any, facility_id: str) -> dict[str, Any]:
    """What a ranking says about one facility, to save with a shortlist item.

    Parameters
    ----------
    ranking
        A :class:`compare.engine.Ranking`; the facility must be in ``ranking.table``.
    facility_id
        The facility's id (the table's index).

    Returns
    -------
    dict
        ``name``, ``currency``, ``total_low``, ``total_high`` (whole-trip estimate in the
        scenario's currency; ``None`` when unknown), ``operation_as_of`` (date of the
        operation price, or ``None``) and ``accreditations`` (sorted ids).

    Raises
    ------
    ShortlistError
        If the facility is not in the ranking.
    """
    table = ranking.table
    if facility_id not in table.index:
        raise ShortlistError(f"{facility_id!r} is not in this ranking (it may have been filtered out).")
    row = table.loc[facility_id]
    as_of = None
    comps = ranking.components
    if comps is not None and len(comps) and {"facility_id", "component", "as_of"} <= set(comps.columns):
        match = comps[(comps["facility_id"] == facility_id) & (comps["component"] == "operation_package")]
        if len(match):
            as_of = _plain(match["as_of"].iloc[0])
    if as_of is None and "operation_as_of" in table.columns:
        as_of = _plain(row["operation_as_of"])
    accreditations = row.get("accreditations")
    if isinstance(accreditations, str):
        accreditations = [accreditations]
    elif accreditations is None or isinstance(accreditations, float):  # NaN: none reported
        accreditations = []
    return {
        "name": _plain(row.get("name")),
        "currency": ranking.scenario.trip.currency,
        "total_low": _float_or_none(row.get("total_low")),
        "total_high": _float_or_none(row.get("total_high")),
        "operation_as_of": None if as_of is None else str(as_of),
        "accreditations": sorted(str(a) for a in accreditations),
    }


def _float_or_none(value: Any) -> float | None:
    value = _plain(value)
    return None if value is None else float(value)


def snapshots_from(ranking: Any, facility_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Snapshots of those ``facility_ids`` that are in the ranking (others get none)."""
    return {fid: snapshot_from(ranking, fid) for fid in facility_ids if fid in ranking.table.index}


def changes_since_saved(shortlist: Shortlist, ranking: Any) -> dict[str, list[str]]:
    """For each item, what differs between its saved snapshot and ``ranking`` today."""
    current = snapshots_from(ranking, (item.facility_id for item in shortlist.items))
    return {item.facility_id: changes(item.snapshot, current.get(item.facility_id)) for item in shortlist.items}


def _money(value: Any) -> str:
    return f"{round(value):,}" if isinstance(value, (int, float)) and math.isfinite(value) else "?"


def _estimate(low: Any, high: Any, currency: Any) -> str:
    if low is None and high is None:
        return "not available"
    lo, hi = _money(low), _money(high)
    amount = lo if lo == hi else f"{lo}–{hi}"
    return f"{amount} {currency}" if currency else amount


def _rounded(value: Any) -> int | None:
    return round(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def changes(item_snapshot: Mapping[str, Any], current: Mapping[str, Any] | None) -> list[str]:
    """Plain-language differences between a saved snapshot and the current one.

    Parameters
    ----------
    item_snapshot
        The snapshot saved with the shortlist item (see :func:`snapshot_from`).
    current
        A snapshot of the same facility from today's ranking, or ``None`` when the
        facility is no longer in the data.

    Returns
    -------
    list of str
        Empty when nothing changed. Only fields present in both snapshots are
        compared; estimates are compared in whole currency units, and not at all when
        the currency differs (the currency change is reported instead).
    """
    if current is None:
        return ["no longer in the data"]
    if not item_snapshot:
        return ["no snapshot was saved with this item, so changes cannot be shown"]
    out: list[str] = []

    def both(key: str) -> bool:
        return key in item_snapshot and key in current

    if both("name") and item_snapshot["name"] != current["name"]:
        out.append(f"name was {item_snapshot['name']}, now {current['name']}")
    old_cur, new_cur = item_snapshot.get("currency"), current.get("currency")
    if both("currency") and old_cur != new_cur:
        out.append(f"currency changed from {old_cur} to {new_cur}, so the estimates cannot be compared")
    elif both("total_low") and both("total_high"):
        old = (_rounded(item_snapshot["total_low"]), _rounded(item_snapshot["total_high"]))
        new = (_rounded(current["total_low"]), _rounded(current["total_high"]))
        if old != new:
            was = _estimate(item_snapshot["total_low"], item_snapshot["total_high"], old_cur)
            is_ = _estimate(current["total_low"], current["total_high"], new_cur)
            out.append(f"whole-trip estimate was {was}, now {is_}")
    if both("accreditations"):
        old_acc, new_acc = set(item_snapshot["accreditations"] or []), set(current["accreditations"] or [])
        out += [f"accreditation added: {a}" for a in sorted(new_acc - old_acc)]
        out += [f"accreditation removed: {a}" for a in sorted(old_acc - new_acc)]
    if both("operation_as_of") and item_snapshot["operation_as_of"] != current["operation_as_of"]:
        was, is_ = item_snapshot["operation_as_of"] or "undated", current["operation_as_of"] or "undated"
        out.append(f"price date was {was}, now {is_}")
    return out


# ---- The store ---------------------------------------------------------------------


class ShortlistStore:
    """Saved shortlists in one SQLite file, safe to share between processes.

    Parameters
    ----------
    path
        The database file; :func:`default_path` when omitted. Created (with its
        folders) on first use.
    timeout
        Seconds to wait for another writer before one attempt counts as busy.
    read_only
        Never write: open the file with SQLite's ``mode=ro``. Also chosen automatically
        when the file or its folder is not writable. Writes then raise
        ``StoreUnavailable``.
    retries
        Extra attempts after a busy timeout before giving up.

    Every method opens its own short-lived connection, so a store can be shared by
    threads and no lock is held between calls.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        read_only: bool = False,
        retries: int = DEFAULT_RETRIES,
    ):
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.timeout = float(timeout)
        self.read_only = read_only
        self.retries = max(0, int(retries))
        self._checked = False

    def __repr__(self) -> str:
        return f"ShortlistStore({str(self.path)!r}{', read_only=True' if self.read_only else ''})"

    # -- connections ---------------------------------------------------------------

    def _fail(self, failure: Failure, detail: str = "") -> StoreUnavailable:
        message = failure_message(failure, self.path, detail, timeout=self.timeout)
        return StoreUnavailable(message, path=self.path, failure=failure)

    def _translate(self, exc: sqlite3.Error) -> ShortlistError:
        failure = classify(exc)
        if failure is None:
            raise exc
        return self._fail(failure, str(exc))

    def _open(self, uri: str) -> sqlite3.Connection:
        # Autocommit mode: this module issues BEGIN/COMMIT itself, so a write is exactly
        # the statements between them and nothing is committed implicitly.
        return sqlite3.connect(uri, uri=True, timeout=self.timeout, isolation_level=None, check_same_thread=False)

    def _open_read_only(self) -> sqlite3.Connection:
        conn = self._open(_uri(self.path, "mode=ro"))
        try:
            conn.execute("PRAGMA user_version").fetchone()
            return conn
        except sqlite3.OperationalError as exc:
            conn.close()
            if exc.sqlite_errorcode != sqlite3.SQLITE_READONLY_DIRECTORY:
                raise
        # A WAL database needs a -shm file beside it even to be read; in a folder we may
        # not write to, SQLite cannot make one. Nobody can then be writing through this
        # folder either, so reading the file as immutable is safe enough for viewing.
        return self._open(_uri(self.path, "mode=ro&immutable=1"))

    def _connect(self, *, write: bool) -> sqlite3.Connection:
        try:
            if self.path.is_dir() or (self.path.parent.exists() and not self.path.parent.is_dir()):
                raise self._fail(Failure.NOT_A_FILE)
            read_only = self.read_only or not _writable(self.path)
            exists = self.path.exists()
        except OSError as exc:
            raise self._fail(Failure.CANNOT_OPEN, exc.strerror or str(exc)) from None
        why = "opened read-only" if self.read_only else "no write permission"
        if write and read_only:
            raise self._fail(Failure.READ_ONLY, why)
        if read_only and not exists:
            raise self._fail(Failure.MISSING, why)
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):  # some folder on the way is a file
                raise self._fail(Failure.NOT_A_FILE) from None
            except OSError as exc:
                raise self._fail(Failure.MISSING, exc.strerror or str(exc)) from None
        conn = self._open_read_only() if read_only else self._open(_uri(self.path, "mode=rwc"))
        try:
            self._configure(conn, read_only=read_only)
        except BaseException:
            conn.close()
            raise
        return conn

    def _configure(self, conn: sqlite3.Connection, *, read_only: bool) -> None:
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Read the version and the table list in one snapshot: read separately, a process
        # creating the database at the same moment can commit in between, and its fresh
        # tables would then look like another program's file.
        conn.execute("BEGIN")
        try:
            version = schema_version(conn)  # also proves the file is an SQLite database
            foreign = foreign_tables(conn) if version == 0 else None
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")  # nothing was written: just end the snapshot
        if version > SCHEMA_VERSION:
            raise self._fail(Failure.NEWER, f"schema version {version}; this version knows up to {SCHEMA_VERSION}")
        if not self._checked:
            # Once per store, before anything could write: a truncated or damaged file
            # is reported up front, and left as it is, rather than as a confusing error
            # (or a silently short list) later. Cheap: the file holds few rows.
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise self._fail(Failure.DAMAGED, f"integrity check: {result}")
        if foreign:
            raise self._fail(Failure.DAMAGED, foreign)  # another program's file: hands off
        if not read_only:
            # WAL: readers never block the writer and vice versa, and a killed writer
            # leaves the main file untouched until its commit is checkpointed.
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            # FULL, not NORMAL: in WAL mode NORMAL can lose the last commits on a power
            # cut. Saved work must never be lost, and writes here are a few per minute
            # at human pace, so one fsync per commit costs nothing that matters.
            conn.execute("PRAGMA synchronous = FULL")
        if version < SCHEMA_VERSION:
            if read_only:
                raise self._fail(Failure.READ_ONLY, f"it needs upgrading from schema version {version}")
            try:
                migrate(conn)
            except ShortlistError as exc:
                failure = Failure.NEWER if "newer" in str(exc) else Failure.DAMAGED
                raise self._fail(failure, str(exc)) from None
        self._checked = True

    def _run(self, work: Callable[[sqlite3.Connection], T], *, write: bool) -> T:
        """Run ``work`` in one transaction, retrying a bounded number of times while busy."""
        for attempt in range(self.retries + 1):
            try:
                conn = self._connect(write=write)
                try:
                    # IMMEDIATE takes the write lock up front, so two writers queue on the
                    # busy timeout instead of one failing when it tries to upgrade a read.
                    conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                    try:
                        result = work(conn)
                        conn.execute("COMMIT")
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
                    return result
                finally:
                    conn.close()
            except sqlite3.IntegrityError as exc:
                raise ShortlistError(f"That change conflicts with what is saved ({exc}).") from None
            except sqlite3.Error as exc:
                if _is_busy(exc) and attempt < self.retries:
                    time.sleep(random.uniform(0.05, 0.25) * (attempt + 1))
                    continue
                raise self._translate(exc) from None
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        return self._run(work, write=False)

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        return self._run(work, write=True)

    # -- helpers inside a transaction ----------------------------------------------

    @staticmethod
    def _id(conn: sqlite3.Connection, name: str) -> int:
        row = conn.execute("SELECT id FROM shortlists WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise ShortlistError(f"There is no shortlist called {name!r}.")
        return row[0]

    @staticmethod
    def _ensure_free(conn: sqlite3.Connection, name: str) -> None:
        if conn.execute("SELECT 1 FROM shortlists WHERE name = ?", (name,)).fetchone():
            raise ShortlistError(f"A shortlist called {name!r} already exists; choose another name.")

    @staticmethod
    def _ids(conn: sqlite3.Connection, sid: int) -> list[str]:
        rows = conn.execute(
            "SELECT facility_id FROM shortlist_items WHERE shortlist_id = ? ORDER BY position, facility_id", (sid,)
        )
        return [r[0] for r in rows]

    @staticmethod
    def _set_order(conn: sqlite3.Connection, sid: int, ids: list[str]) -> None:
        conn.executemany(
            "UPDATE shortlist_items SET position = ? WHERE shortlist_id = ? AND facility_id = ?",
            [(i, sid, fid) for i, fid in enumerate(ids)],
        )

    @staticmethod
    def _touch(conn: sqlite3.Connection, sid: int, stamp: str) -> None:
        conn.execute("UPDATE shortlists SET updated_at = ? WHERE id = ?", (stamp, sid))

    @staticmethod
    def _insert_items(conn: sqlite3.Connection, sid: int, start: int, texts: dict[str, str], stamp: str) -> None:
        conn.executemany(
            "INSERT INTO shortlist_items (shortlist_id, facility_id, position, note, snapshot_json, added_at)"
            " VALUES (?, ?, ?, '', ?, ?)",
            [(sid, fid, start + i, text, stamp) for i, (fid, text) in enumerate(texts.items())],
        )

    @staticmethod
    def _check_on(ids: list[str], facility_id: str, name: str) -> None:
        if facility_id not in ids:
            raise ShortlistError(f"{facility_id!r} is not on the shortlist {name!r}.")

    # -- reading -------------------------------------------------------------------

    def list(self) -> list[ShortlistSummary]:
        """Every saved shortlist, most recently changed first."""

        def work(conn: sqlite3.Connection) -> list[ShortlistSummary]:
            rows = conn.execute(
                "SELECT s.name, s.client, COUNT(i.facility_id), s.created_at, s.updated_at"
                " FROM shortlists s LEFT JOIN shortlist_items i ON i.shortlist_id = s.id"
                " GROUP BY s.id ORDER BY s.updated_at DESC, s.name"
            )
            return [ShortlistSummary(*row) for row in rows]

        return self._read(work)

    def names(self) -> list[str]:
        """The names of the saved shortlists, most recently changed first."""
        return [s.name for s in self.list()]

    def exists(self, name: str) -> bool:
        """Whether a shortlist of this name is saved."""
        name = clean_name(name)
        return self._read(
            lambda c: c.execute("SELECT 1 FROM shortlists WHERE name = ?", (name,)).fetchone() is not None
        )

    def get(self, name: str) -> Shortlist:
        """A saved shortlist with its items in the user's order."""
        name = clean_name(name)

        def work(conn: sqlite3.Connection) -> tuple[tuple, list[tuple]]:
            sid = self._id(conn, name)
            head = conn.execute(
                "SELECT name, client, scenario_yaml, data_hash, created_at, updated_at FROM shortlists WHERE id = ?",
                (sid,),
            ).fetchone()
            items = conn.execute(
                "SELECT facility_id, position, note, snapshot_json, added_at FROM shortlist_items"
                " WHERE shortlist_id = ? ORDER BY position, facility_id",
                (sid,),
            ).fetchall()
            return head, items

        (name, client, yaml_text, data_hash, created, updated), rows = self._read(work)
        scenario, problem = _load_scenario(yaml_text, name)
        items = [Item(fid, pos, note, json.loads(snap), added) for fid, pos, note, snap, added in rows]
        return Shortlist(name, client, scenario, data_hash, created, updated, items, yaml_text, problem)

    # -- writing -------------------------------------------------------------------

    def create(
        self,
        name: str,
        scenario: Scenario,
        facility_ids: Iterable[str] = (),
        snapshots: Mapping[str, Mapping[str, Any]] | None = None,
        client: str | None = None,
        *,
        data_hash: str | None = None,
    ) -> Shortlist:
        """Save a new shortlist; ``ShortlistError`` if the name is taken.

        ``snapshots`` maps facility ids to :func:`snapshot_from` results; a facility
        without one is saved with an empty snapshot. ``data_hash`` defaults to the
        scenario's own.
        """
        name, client = clean_name(name), clean_client(client)
        yaml_text = _scenario_yaml(scenario)
        ids = clean_facility_ids(facility_ids)
        texts = _snapshot_texts(ids, snapshots)
        data_hash = data_hash if data_hash is not None else scenario.data_hash

        def work(conn: sqlite3.Connection) -> None:
            self._ensure_free(conn, name)
            stamp = now()
            cur = conn.execute(
                "INSERT INTO shortlists (name, client, scenario_yaml, data_hash, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (name, client, yaml_text, data_hash, stamp, stamp),
            )
            self._insert_items(conn, cur.lastrowid, 0, texts, stamp)

        self._write(work)
        return self.get(name)

    def add(
        self, name: str, facility_ids: Iterable[str], snapshots: Mapping[str, Mapping[str, Any]] | None = None
    ) -> list[str]:
        """Append facilities at the end, skipping any already on the list; return those added."""
        name = clean_name(name)
        wanted = clean_facility_ids(facility_ids)
        _snapshot_texts(wanted, snapshots)  # reject bad input before touching the file

        def work(conn: sqlite3.Connection) -> list[str]:
            sid = self._id(conn, name)
            present = self._ids(conn, sid)
            new = [f for f in wanted if f not in present]
            if new:
                texts = _snapshot_texts(new, {f: s for f, s in (snapshots or {}).items() if f in new})
                stamp = now()
                self._insert_items(conn, sid, len(present), texts, stamp)
                self._touch(conn, sid, stamp)
            return new

        return self._write(work)

    def remove(self, name: str, facility_id: str) -> None:
        """Take one facility off the list; the others keep their order."""
        name, facility_id = clean_name(name), clean_facility_id(facility_id)

        def work(conn: sqlite3.Connection) -> None:
            sid = self._id(conn, name)
            ids = self._ids(conn, sid)
            self._check_on(ids, facility_id, name)
            conn.execute("DELETE FROM shortlist_items WHERE shortlist_id = ? AND facility_id = ?", (sid, facility_id))
            self._set_order(conn, sid, [f for f in ids if f != facility_id])
            self._touch(conn, sid, now())

        self._write(work)

    def reorder(self, name: str, facility_ids: Iterable[str]) -> None:
        """Put the items in this order, which must list exactly the current facilities."""
        name = clean_name(name)
        if isinstance(facility_ids, str):
            raise ShortlistError("Pass a list of facility ids, not a single string.")
        order = [clean_facility_id(f) for f in facility_ids]

        def work(conn: sqlite3.Connection) -> None:
            sid = self._id(conn, name)
            ids = self._ids(conn, sid)
            if sorted(order) != sorted(ids):
                missing = sorted(set(ids) - set(order))
                extra = sorted(set(order) - set(ids))
                repeated = sorted({f for f in order if order.count(f) > 1})
                parts = [
                    f"missing {', '.join(missing)}" if missing else "",
                    f"not on the list {', '.join(extra)}" if extra else "",
                    f"repeated {', '.join(repeated)}" if repeated else "",
                ]
                detail = "; ".join(p for p in parts if p)
                raise ShortlistError(f"A new order must list each facility on {name!r} exactly once ({detail}).")
            if order != ids:
                self._set_order(conn, sid, order)
                self._touch(conn, sid, now())

        self._write(work)

    def move(self, name: str, facility_id: str, up: bool) -> int:
        """Move one item a place up (towards the top) or down; return its new position."""
        name, facility_id = clean_name(name), clean_facility_id(facility_id)

        def work(conn: sqlite3.Connection) -> int:
            sid = self._id(conn, name)
            ids = self._ids(conn, sid)
            self._check_on(ids, facility_id, name)
            i = ids.index(facility_id)
            j = i - 1 if up else i + 1
            if not 0 <= j < len(ids):
                return i
            ids[i], ids[j] = ids[j], ids[i]
            self._set_order(conn, sid, ids)
            self._touch(conn, sid, now())
            return j

        return self._write(work)

    def set_note(self, name: str, facility_id: str, note: str) -> None:
        """Replace the note on one item (kept exactly as typed)."""
        name, facility_id, note = clean_name(name), clean_facility_id(facility_id), clean_note(note)

        def work(conn: sqlite3.Connection) -> None:
            sid = self._id(conn, name)
            cur = conn.execute(
                "UPDATE shortlist_items SET note = ? WHERE shortlist_id = ? AND facility_id = ?",
                (note, sid, facility_id),
            )
            if cur.rowcount != 1:
                raise ShortlistError(f"{facility_id!r} is not on the shortlist {name!r}.")
            self._touch(conn, sid, now())

        self._write(work)

    def save_quote(self, name: str, facility_id: str, quote_json: str) -> None:
        """Keep a facility's returned quote with the shortlist (replacing an earlier one)."""
        name, facility_id = clean_name(name), clean_facility_id(facility_id)
        if len(quote_json) > 256 * 1024:
            raise ShortlistError("This quote is too large to save.")

        def work(conn: sqlite3.Connection) -> None:
            sid = self._id(conn, name)
            self._check_on(self._ids(conn, sid), facility_id, name)
            stamp = now()
            conn.execute(
                "INSERT OR REPLACE INTO quotes (shortlist_id, facility_id, quote_json, received_at) VALUES (?, ?, ?, ?)",
                (sid, facility_id, quote_json, stamp),
            )
            self._touch(conn, sid, stamp)

        self._write(work)

    def quotes(self, name: str) -> dict[str, str]:
        """The saved quotes of a shortlist: facility id -> quote JSON."""
        name = clean_name(name)

        def work(conn: sqlite3.Connection) -> dict[str, str]:
            sid = self._id(conn, name)
            rows = conn.execute("SELECT facility_id, quote_json FROM quotes WHERE shortlist_id = ?", (sid,))
            return dict(rows.fetchall())

        return self._read(work)

    def rename(self, old: str, new: str) -> None:
        """Give a shortlist a new name that is not already taken."""
        old, new = clean_name(old), clean_name(new)

        def work(conn: sqlite3.Connection) -> None:
            sid = self._id(conn, old)
            if new == old:
                return
            self._ensure_free(conn, new)
            conn.execute("UPDATE shortlists SET name = ?, updated_at = ? WHERE id = ?", (new, now(), sid))

        self._write(work)

    def set_client(self, name: str, client: str | None) -> None:
        """Set or clear (``None`` or blank) the client label."""
        name, client = clean_name(name), clean_client(client)

        def work(conn: sqlite3.Connection) -> None:
            sid = self._id(conn, name)
            conn.execute("UPDATE shortlists SET client = ?, updated_at = ? WHERE id = ?", (client, now(), sid))

        self._write(work)

    def set_scenario(self, name: str, scenario: Scenario, data_hash: str | None) -> None:
        """Replace the saved scenario and the hash of the data it was ranked on."""
        name, yaml_text = clean_name(name), _scenario_yaml(scenario)

        def work(conn: sqlite3.Connection) -> None:
            sid = self._id(conn, name)
            conn.execute(
                "UPDATE shortlists SET scenario_yaml = ?, data_hash = ?, updated_at = ? WHERE id = ?",
                (yaml_text, data_hash, now(), sid),
            )

        self._write(work)

    def duplicate(self, name: str, new_name: str) -> None:
        """Copy a shortlist, items, notes, snapshots and quotes included, under a new name."""
        name, new_name = clean_name(name), clean_name(new_name)

        def work(conn: sqlite3.Connection) -> None:
            sid = self._id(conn, name)
            self._ensure_free(conn, new_name)
            stamp = now()
            cur = conn.execute(
                "INSERT INTO shortlists (name, client, scenario_yaml, data_hash, created_at, updated_at)"
                " SELECT ?, client, scenario_yaml, data_hash, ?, ? FROM shortlists WHERE id = ?",
                (new_name, stamp, stamp, sid),
            )
            conn.execute(
                "INSERT INTO shortlist_items (shortlist_id, facility_id, position, note, snapshot_json, added_at)"
                " SELECT ?, facility_id, position, note, snapshot_json, added_at FROM shortlist_items"
                " WHERE shortlist_id = ?",
                (cur.lastrowid, sid),
            )
            conn.execute(
                "INSERT INTO quotes (shortlist_id, facility_id, quote_json, received_at)"
                " SELECT ?, facility_id, quote_json, received_at FROM quotes WHERE shortlist_id = ?",
                (cur.lastrowid, sid),
            )

        self._write(work)

    def delete(self, name: str) -> None:
        """Delete a shortlist and its items."""
        name = clean_name(name)

        def work(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM shortlists WHERE id = ?", (self._id(conn, name),))

        self._write(work)


def _load_scenario(yaml_text: str, name: str) -> tuple[Scenario | None, str | None]:
    """The saved scenario, or ``None`` and the reason when it no longer loads."""
    try:
        return scenario_from_yaml(yaml_text, f"shortlist {name!r} scenario"), None
    except DataError as exc:
        return None, f"The scenario saved with {name!r} no longer loads: {exc}"
