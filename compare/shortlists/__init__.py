"""Named shortlists of facilities, kept so work is never lost: SQLite by default, PostgreSQL for teams.

A facilitator saves a shortlist for a client (a scenario plus an ordered list of
facilities with notes and quotes) and comes back to it later. Each item keeps a
*snapshot* of what the ranking said when it was added, so
:func:`compare.snapshots.changes` can say what moved since.

* :mod:`~compare.shortlists.clean` checks every input before the database sees it;
* :mod:`~compare.shortlists.database` opens SQLite or PostgreSQL, runs transactions and
  upgrades the schema (Alembic, ``migrations/``);
* :mod:`~compare.shortlists.failures` tells what went wrong with a database, in words;
* :mod:`~compare.shortlists.records` names the tables and the records the store returns;
* :mod:`~compare.shortlists.store` reads and writes one owner's shortlists.

Typical use::

    store = ShortlistStore()  # or ShortlistStore("postgresql+psycopg://...", owner="alice")
    store.create("Smith, L4-L5", scenario, ids, snapshots_from(ranking, ids), client="J. Smith")
    for item in store.get("Smith, L4-L5").items:
        print(item.facility_id, changes(item.snapshot, current.get(item.facility_id)))
"""

from compare.shortlists.clean import (
    MAX_CLIENT,
    MAX_FACILITY_ID,
    MAX_NAME,
    MAX_NOTE,
    ShortlistError,
    clean_client,
    clean_facility_id,
    clean_facility_ids,
    clean_name,
    clean_note,
    clean_owner,
    snapshot_json,
)
from compare.shortlists.database import (
    HEAD,
    PATH_ENV,
    SCHEMA_VERSION,
    URL_ENV,
    Database,
    Failure,
    StoreUnavailable,
    default_path,
    default_target,
)
from compare.shortlists.records import Item, Shortlist, ShortlistSummary
from compare.shortlists.store import ShortlistStore

__all__ = [
    "HEAD",
    "MAX_CLIENT",
    "MAX_FACILITY_ID",
    "MAX_NAME",
    "MAX_NOTE",
    "PATH_ENV",
    "SCHEMA_VERSION",
    "URL_ENV",
    "Database",
    "Failure",
    "Item",
    "Shortlist",
    "ShortlistError",
    "ShortlistStore",
    "ShortlistSummary",
    "StoreUnavailable",
    "clean_client",
    "clean_facility_id",
    "clean_facility_ids",
    "clean_name",
    "clean_note",
    "clean_owner",
    "default_path",
    "default_target",
    "snapshot_json",
]
