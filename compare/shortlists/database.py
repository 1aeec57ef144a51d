"""Where shortlists are kept: one SQLite file (the default) or a PostgreSQL server, through SQLAlchemy.

Rules, in one place:

* ``SPINE_DATABASE_URL`` (``postgresql+psycopg://user:pass@host/db``) selects PostgreSQL;
  else the SQLite file ``SPINE_SHORTLISTS_DB``, else
  ``$XDG_DATA_HOME/spine-compare/shortlists.sqlite3``;
* the schema is versioned and upgraded by Alembic (``compare/shortlists/migrations``),
  under a lock so that two processes opening a new database apply each step once; a
  database from a newer version of the tool is refused rather than touched;
* every write is one transaction that takes the write lock up front (SQLite's
  ``BEGIN IMMEDIATE``; on PostgreSQL a row lock on the shortlist), so concurrent
  writers queue instead of failing, and a killed process leaves all or none of a change;
* anything wrong with the database itself (locked, read-only, damaged, unreachable)
  raises :class:`StoreUnavailable` with a message naming it and what to do.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.pool import NullPool

from compare.shortlists.clean import ShortlistError
from compare.shortlists.failures import (
    DEFAULT_TIMEOUT,
    PATH_ENV,
    URL_ENV,
    Failure,
    StoreUnavailable,
    classify_postgres,
    classify_sqlite,
    failure_message,
    postgres_message,
)

T = TypeVar("T")

DEFAULT_RETRIES = 2  # extra attempts after a busy timeout, with a short random pause
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0004"
SCHEMA_VERSION = 4  # SQLite files also carry it in PRAGMA user_version, which older tools read
VERSION_TABLE = "alembic_version"
# Any constant will do: PostgreSQL's advisory lock that serialises schema upgrades.
_MIGRATION_LOCK = 0x5350494E


# ---- Where ---------------------------------------------------------------------------


def default_path(env: Mapping[str, str] | None = None) -> Path:
    """The SQLite file: ``$SPINE_SHORTLISTS_DB``, else under ``$XDG_DATA_HOME`` (``os.environ`` by default)."""
    env = os.environ if env is None else env
    if env.get(PATH_ENV, "").strip():
        return Path(env[PATH_ENV].strip()).expanduser()
    data_home = env.get("XDG_DATA_HOME", "").strip()
    base = Path(data_home).expanduser() if data_home else Path("~/.local/share").expanduser()
    return base / "spine-compare" / "shortlists.sqlite3"


def default_target(env: Mapping[str, str] | None = None) -> str | Path:
    """``$SPINE_DATABASE_URL`` when set, else :func:`default_path`."""
    env = os.environ if env is None else env
    return env.get(URL_ENV, "").strip() or default_path(env)


def _postgres_url(text: str) -> sa.URL:
    try:
        url = sa.make_url(text)
    except (ArgumentError, ValueError):
        raise ShortlistError(f"{URL_ENV} is not a database URL (expected postgresql+psycopg://user@host/db).") from None
    if url.get_backend_name() != "postgresql":
        raise ShortlistError(
            f"{URL_ENV} names a {url.get_backend_name()!r} database; shortlists are kept in PostgreSQL "
            "(postgresql+psycopg://...) or, without it, in an SQLite file."
        )
    return url.set(drivername="postgresql+psycopg")  # the driver this project ships


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


# ---- Engines -------------------------------------------------------------------------

_POSTGRES_ENGINES: dict[tuple[str, float], Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _postgres_engine(url: sa.URL, timeout: float) -> Engine:
    """One pooled engine per server and timeout, shared by every store in the process."""
    key = (url.render_as_string(hide_password=False), timeout)
    with _ENGINES_LOCK:
        engine = _POSTGRES_ENGINES.get(key)
        if engine is None:
            ms = int(timeout * 1000)
            engine = sa.create_engine(
                url,
                pool_pre_ping=True,
                pool_size=5,
                max_overflow=10,
                pool_timeout=timeout,
                connect_args={"connect_timeout": max(1, round(timeout)), "options": f"-c lock_timeout={ms}"},
            )
            _POSTGRES_ENGINES[key] = engine
        return engine


class Database:
    """One shortlist database, its connections, transactions and schema.

    ``target`` is an SQLite file path or a PostgreSQL URL; ``read_only`` never writes
    (chosen automatically for an SQLite file that cannot be written).
    """

    def __init__(
        self,
        target: str | os.PathLike[str] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        read_only: bool = False,
        retries: int = DEFAULT_RETRIES,
    ):
        target = default_target() if target is None else target
        self.timeout = float(timeout)
        self.read_only = read_only
        self.retries = max(0, int(retries))
        self._ready = False
        self._ready_lock = threading.Lock()
        text = os.fspath(target)
        if "://" in text and not text.startswith("sqlite"):
            self.url: sa.URL | None = _postgres_url(text)
            self.path: Path | str = self.url.render_as_string(hide_password=True)
            self._writer = self._reader = _postgres_engine(self.url, self.timeout)
        else:
            self.url = None
            if text.startswith("sqlite"):
                text = sa.make_url(text).database or ""
            self.path = Path(text).expanduser()
            self._writer = self._sqlite_engine(write=True)
            self._reader = self._sqlite_engine(write=False)

    @property
    def postgres(self) -> bool:
        return self.url is not None

    @property
    def engine_name(self) -> str:
        return "PostgreSQL" if self.postgres else "SQLite"

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r}{', read_only=True' if self.read_only else ''})"

    # -- failures --------------------------------------------------------------------

    def fail(self, failure: Failure, detail: str = "") -> StoreUnavailable:
        if self.postgres:
            message = postgres_message(failure, str(self.path), detail, timeout=self.timeout)
        else:
            message = failure_message(failure, self.path, detail, timeout=self.timeout)
        return StoreUnavailable(message, path=self.path, failure=failure)

    def classify(self, exc: BaseException) -> Failure | None:
        return classify_postgres(exc) if self.postgres else classify_sqlite(exc)

    # -- SQLite connections ------------------------------------------------------------

    def _sqlite_engine(self, *, write: bool) -> Engine:
        # No pool: each transaction opens its own short-lived connection, so no lock or
        # file handle is held between calls, and a replaced file is seen at once.
        engine = sa.create_engine("sqlite://", creator=lambda: self._sqlite_connect(write=write), poolclass=NullPool)
        begin = "BEGIN IMMEDIATE" if write else "BEGIN"
        # The connections are in autocommit mode; the transaction is opened here, so a
        # write takes the lock up front and two writers queue on the busy timeout
        # instead of one failing when it tries to upgrade a read.
        sa.event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
        return engine

    def _sqlite_open(self, uri: str) -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=self.timeout, isolation_level=None, check_same_thread=False)

    def _sqlite_open_read_only(self) -> sqlite3.Connection:
        conn = self._sqlite_open(_uri(self.path, "mode=ro"))
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
        return self._sqlite_open(_uri(self.path, "mode=ro&immutable=1"))

    def _sqlite_read_only(self) -> bool:
        try:
            if self.path.is_dir() or (self.path.parent.exists() and not self.path.parent.is_dir()):
                raise self.fail(Failure.NOT_A_FILE)
            return self.read_only or not _writable(self.path)
        except OSError as exc:
            raise self.fail(Failure.CANNOT_OPEN, exc.strerror or str(exc)) from None

    def _sqlite_connect(self, *, write: bool) -> sqlite3.Connection:
        read_only = self._sqlite_read_only()
        why = "opened read-only" if self.read_only else "no write permission"
        if write and read_only:
            raise self.fail(Failure.READ_ONLY, why)
        if read_only and not self.path.exists():
            raise self.fail(Failure.MISSING, why)
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):  # some folder on the way is a file
                raise self.fail(Failure.NOT_A_FILE) from None
            except OSError as exc:
                raise self.fail(Failure.MISSING, exc.strerror or str(exc)) from None
        conn = self._sqlite_open_read_only() if read_only else self._sqlite_open(_uri(self.path, "mode=rwc"))
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # also proves it is SQLite
            if version > SCHEMA_VERSION:
                raise self.fail(Failure.NEWER, f"schema version {version}; this version knows up to {SCHEMA_VERSION}")
            if write:  # not on reading: a file that is not ours yet must be left untouched
                # WAL: readers never block the writer and vice versa, and a killed writer
                # leaves the main file untouched until its commit is checkpointed.
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
                # FULL, not NORMAL: in WAL mode NORMAL can lose the last commits on a power
                # cut. Writes here come at human pace, so one fsync per commit costs nothing.
                conn.execute("PRAGMA synchronous = FULL")
        except BaseException:
            conn.close()
            raise
        return conn

    # -- transactions ----------------------------------------------------------------

    def run(self, work: Callable[[Connection], T], *, write: bool) -> T:
        """Run ``work`` in one transaction, retrying a bounded number of times while busy."""
        if write and self.read_only:
            raise self.fail(Failure.READ_ONLY, "opened read-only")
        self.prepare()
        engine = self._writer if write else self._reader
        for attempt in range(self.retries + 1):
            try:
                with engine.connect() as conn:
                    if self.postgres and not write:
                        conn = conn.execution_options(postgresql_readonly=True)
                    with conn.begin():
                        return work(conn)
            except IntegrityError as exc:
                raise ShortlistError(f"That change conflicts with what is saved ({exc.orig}).") from None
            except DBAPIError as exc:
                failure = self.classify(exc.orig)
                if failure is Failure.LOCKED and attempt < self.retries:
                    time.sleep(random.uniform(0.05, 0.25) * (attempt + 1))
                    continue
                if failure is None:
                    raise
                raise self.fail(failure, str(exc.orig).strip().splitlines()[0] if str(exc.orig) else "") from None
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    # -- schema ------------------------------------------------------------------------

    def prepare(self) -> None:
        """Once per database object: check it is ours and not newer, and bring its schema up to date."""
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            try:
                self._prepare()
            except DBAPIError as exc:
                failure = self.classify(exc.orig)
                if failure is None:
                    raise
                raise self.fail(failure, str(exc.orig).strip().splitlines()[0] if str(exc.orig) else "") from None
            self._ready = True

    def _prepare(self) -> None:
        if self.postgres:
            read_only = self.read_only
        else:
            read_only = self._sqlite_read_only()
        with self._reader.connect() as conn, conn.begin():
            # The version and the table list in one snapshot: read separately, a process
            # creating the database at the same moment can commit in between, and its
            # fresh tables would then look like another program's.
            state = _schema_state(conn)
            if not self.postgres:
                # Before anything could write: a truncated or damaged file is reported up
                # front, and left as it is. Cheap: the file holds few rows.
                result = conn.exec_driver_sql("PRAGMA quick_check").scalar()
                if result != "ok":
                    raise self.fail(Failure.DAMAGED, f"integrity check: {result}")
        self._check(state)
        if state.revision == HEAD:
            return
        if read_only:
            raise self.fail(Failure.READ_ONLY, f"it needs upgrading from schema version {state.version}")
        if self.postgres:
            with self._writer.connect() as conn, conn.begin():
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
                self._upgrade(conn)
        else:
            with self._writer.connect() as conn:
                # Rebuilding a table (as SQLite needs to change a constraint) drops the old
                # one; with foreign keys on, that would delete every item with it. The
                # pragma cannot change inside a transaction, so it is set before.
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # before BEGIN
                with conn.begin():
                    self._upgrade(conn)
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise self.fail(Failure.DAMAGED, f"{len(broken)} rows lost their shortlist in the upgrade")
                    conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _check(self, state: _SchemaState) -> None:
        if state.newer:
            raise self.fail(Failure.NEWER, state.newer)
        if state.foreign:
            raise self.fail(Failure.DAMAGED, state.foreign)  # another program's database: hands off

    def _upgrade(self, conn: Connection) -> None:
        """Upgrade under the write lock, reading the state again: another process may have done it."""
        state = _schema_state(conn)
        self._check(state)
        cfg = alembic_config(conn)
        if state.revision is None and state.version:
            # A file from before Alembic: its PRAGMA user_version names the step it is at.
            command.stamp(cfg, f"{state.version:04d}")
        command.upgrade(cfg, "head")


def alembic_config(conn: Connection | None = None) -> Config:
    """Alembic's configuration for the shortlist schema, bound to ``conn`` when given."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


class _SchemaState:
    def __init__(self, version: int, revision: str | None, tables: list[str]):
        self.version = version  # SQLite's user_version (0 on PostgreSQL)
        self.revision = revision
        self.tables = tables

    @property
    def newer(self) -> str:
        if self.version > SCHEMA_VERSION:
            return f"schema version {self.version}; this version knows up to {SCHEMA_VERSION}"
        # At our head there is nothing to look up (which also spares a reader that cannot open
        # the migration scripts, such as a process running as another user).
        if self.revision is not None and self.revision != HEAD:
            try:
                ScriptDirectory.from_config(alembic_config()).get_revision(self.revision)
            except CommandError:
                return f"schema revision {self.revision} is unknown to this version"
        return ""

    @property
    def foreign(self) -> str:
        """Why a database without our version marks is not ours (it already has tables), or ``""``."""
        if self.revision is not None or self.version:
            return ""
        return f"it holds other tables ({', '.join(self.tables[:5])}) and no shortlists" if self.tables else ""


def _schema_state(conn: Connection) -> _SchemaState:
    version = conn.exec_driver_sql("PRAGMA user_version").scalar() if conn.dialect.name == "sqlite" else 0
    tables = sorted(t for t in sa.inspect(conn).get_table_names() if not t.startswith("sqlite_"))
    revision = MigrationContext.configure(conn).get_current_revision() if VERSION_TABLE in tables else None
    return _SchemaState(int(version or 0), revision, [t for t in tables if t != VERSION_TABLE])
