"""What can go wrong with a shortlist database, told apart and explained to the user.

SQLite errors are sorted by their result code and PostgreSQL's by SQLSTATE into a few
``Failure`` kinds; each kind has a message that says what happened, that nothing was lost,
and what the user can do (naming the setting to change).
"""

from __future__ import annotations

import enum
import sqlite3
from pathlib import Path

from compare.shortlists.clean import ShortlistError

# The settings the messages name (the database module reads them).
PATH_ENV = "SPINE_SHORTLISTS_DB"
URL_ENV = "SPINE_DATABASE_URL"
DEFAULT_TIMEOUT = 5.0  # seconds a writer waits for another writer before giving up


class Failure(enum.Enum):
    """Why the database cannot be used."""

    LOCKED = "locked"
    READ_ONLY = "read-only"
    DAMAGED = "damaged"
    NEWER = "newer"
    NOT_A_FILE = "not a file"
    MISSING = "missing"
    CANNOT_OPEN = "cannot open"
    DISK = "disk"


class StoreUnavailable(ShortlistError):
    """The database itself cannot be used (locked, read-only, damaged, unreachable...)."""

    def __init__(self, message: str, *, path: Path | str, failure: Failure):
        super().__init__(message)
        self.path = path
        self.failure = failure


def classify_sqlite(exc: BaseException) -> Failure | None:
    """Which file failure an sqlite3 error means; ``None`` for anything else (a bug)."""
    if not isinstance(exc, sqlite3.Error):
        return None
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


# SQLSTATE codes (PostgreSQL manual, appendix A) and what they mean for the user.
_PG_STATES = {
    "40001": Failure.LOCKED,  # serialization_failure
    "40P01": Failure.LOCKED,  # deadlock_detected
    "55P03": Failure.LOCKED,  # lock_not_available (lock_timeout)
    "57014": Failure.LOCKED,  # query_canceled (statement_timeout)
    "25006": Failure.READ_ONLY,  # read_only_sql_transaction
    "42501": Failure.READ_ONLY,  # insufficient_privilege
    "3D000": Failure.MISSING,  # invalid_catalog_name: no such database
    "42P01": Failure.DAMAGED,  # undefined_table
    "42703": Failure.DAMAGED,  # undefined_column
    "53100": Failure.DISK,  # disk_full
}


def classify_postgres(exc: BaseException) -> Failure | None:
    """Which failure a psycopg error means; ``None`` for anything else (a bug)."""
    import psycopg

    if not isinstance(exc, psycopg.Error):
        return None
    state = exc.sqlstate or ""
    if state in _PG_STATES:
        return _PG_STATES[state]
    if state.startswith("53") or state.startswith("58"):
        return Failure.DISK
    if isinstance(exc, psycopg.OperationalError) and "does not exist" in str(exc):
        return Failure.MISSING  # at connection time the server's "no such database" has no SQLSTATE
    if isinstance(exc, psycopg.OperationalError):  # refused, timed out, wrong password
        return Failure.CANNOT_OPEN
    return None


def failure_message(failure: Failure, path: Path, detail: str = "", *, timeout: float = DEFAULT_TIMEOUT) -> str:
    """What went wrong with the SQLite file at ``path``, and what the user can do about it."""
    why = f" ({detail})" if detail else ""
    return {
        Failure.LOCKED: f"The shortlist database {path} is busy: another program has kept it locked for more "
        f"than {timeout:g} s{why}. Nothing was changed. Wait a moment and try again; if it stays locked, close "
        "other copies of this tool (or other programs) that have the file open.",
        Failure.READ_ONLY: f"The shortlist database {path} is read-only, so changes cannot be saved{why}. Saved "
        f"shortlists can still be viewed. Make the file and its folder writable, or set {PATH_ENV} to a writable "
        "location.",
        Failure.DAMAGED: f"{path} is not a valid shortlist database: the file is damaged or was not made by this "
        f"tool{why}. It has not been changed. Move it aside (keep it: it may be recoverable) or restore it from a "
        f"backup; a new empty database is then created at this path. Or set {PATH_ENV} to another file.",
        Failure.NEWER: f"The shortlist database {path} was written by a newer version of this tool{why}. It has not "
        f"been changed. Update this tool to use it, or set {PATH_ENV} to another file.",
        Failure.NOT_A_FILE: f"The shortlist database path {path} is a folder (or is inside a file), not a database "
        f"file. Set {PATH_ENV} to a file path, for example {path / 'shortlists.sqlite3'}.",
        Failure.MISSING: f"The shortlist database {path} does not exist and cannot be created here{why}. Set "
        f"{PATH_ENV} to a writable location.",
        Failure.CANNOT_OPEN: f"The shortlist database {path} cannot be opened{why}. Check that the file and its "
        f"folder exist and that you have permission to read them, or set {PATH_ENV} to another file.",
        Failure.DISK: f"The shortlist database {path} could not be read or written{why}: the disk may be full or "
        "failing. Nothing was changed. Free some space or check the disk, then try again.",
    }[failure]


def postgres_message(failure: Failure, where: str, detail: str = "", *, timeout: float = DEFAULT_TIMEOUT) -> str:
    """What went wrong with the PostgreSQL database ``where`` (password hidden), and what to do."""
    why = f" ({detail.strip()})" if detail.strip() else ""
    return {
        Failure.LOCKED: f"The shortlist database {where} is busy: another writer held a lock for more than "
        f"{timeout:g} s{why}. Nothing was changed. Try again in a moment.",
        Failure.READ_ONLY: f"The shortlist database {where} does not allow this change{why}. Saved shortlists can "
        "still be viewed. Ask the database's administrator for write access.",
        Failure.DAMAGED: f"The database {where} is not a shortlist database: it holds other tables or misses ours"
        f"{why}. It has not been changed. Point {URL_ENV} at a database of its own.",
        Failure.NEWER: f"The shortlist database {where} was upgraded by a newer version of this tool{why}. It has "
        "not been changed. Update this tool to use it.",
        Failure.NOT_A_FILE: f"{where} is not a database{why}.",
        Failure.MISSING: f"The database named in {URL_ENV} ({where}) does not exist{why}. Create it (createdb) "
        "and try again.",
        Failure.CANNOT_OPEN: f"The shortlist database server {where} cannot be reached{why}. Check that it is "
        f"running and that {URL_ENV} has the right host, port, user and password.",
        Failure.DISK: f"The shortlist database {where} could not write{why}: its disk may be full. Nothing was "
        "changed.",
    }[failure]
