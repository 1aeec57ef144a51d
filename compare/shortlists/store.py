"""The shortlist store: named shortlists of one owner, their items, notes and quotes.

Every query is scoped to the store's ``owner``: a shortlist is found by (owner, name),
and its items and quotes only through it, so no name, id or form field can reach
another user's shortlist. ``owner=""`` is the single local user of an app without
sign-in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from compare.problems import DataError
from compare.scenario import Scenario, scenario_from_yaml
from compare.shortlists.clean import (
    ShortlistError,
    clean_client,
    clean_facility_id,
    clean_facility_ids,
    clean_name,
    clean_note,
    clean_owner,
    clean_quote,
    now,
    scenario_yaml,
    snapshot_texts,
)
from compare.shortlists.database import DEFAULT_RETRIES, DEFAULT_TIMEOUT, Database
from compare.shortlists.records import Item, Shortlist, ShortlistSummary, items, quotes, shortlists

T = TypeVar("T")


class ShortlistStore:
    """One owner's saved shortlists, in an SQLite file or a PostgreSQL database.

    Parameters
    ----------
    target
        An SQLite file path or a ``postgresql+psycopg://`` URL; when omitted,
        ``$SPINE_DATABASE_URL``, else ``$SPINE_SHORTLISTS_DB``, else a file under
        ``$XDG_DATA_HOME``. An SQLite file is created (with its folders) on first use.
    owner
        Whose shortlists these are: ``""`` (the default) for the one local user.
    timeout
        Seconds to wait for another writer before one attempt counts as busy.
    read_only
        Never write; writes raise ``StoreUnavailable``. Also chosen automatically for
        an SQLite file (or folder) that is not writable.
    retries
        Extra attempts after a busy timeout before giving up.

    Safe to share between threads; :meth:`for_owner` gives another user's view of the
    same database without opening it again.
    """

    def __init__(
        self,
        target: str | os.PathLike[str] | None = None,
        *,
        owner: str = "",
        timeout: float = DEFAULT_TIMEOUT,
        read_only: bool = False,
        retries: int = DEFAULT_RETRIES,
        database: Database | None = None,
    ):
        self.owner = clean_owner(owner)
        self.db = database or Database(target, timeout=timeout, read_only=read_only, retries=retries)

    def for_owner(self, owner: str) -> ShortlistStore:
        """The same database, scoped to ``owner``."""
        return ShortlistStore(owner=owner, database=self.db)

    @property
    def path(self):
        """The SQLite file, or the PostgreSQL URL with its password hidden."""
        return self.db.path

    @property
    def read_only(self) -> bool:
        return self.db.read_only

    def __repr__(self) -> str:
        who = f", owner={self.owner!r}" if self.owner else ""
        return f"ShortlistStore({str(self.path)!r}{who}{', read_only=True' if self.read_only else ''})"

    def _read(self, work: Callable[[Connection], T]) -> T:
        return self.db.run(work, write=False)

    def _write(self, work: Callable[[Connection], T]) -> T:
        return self.db.run(work, write=True)

    # -- helpers inside a transaction ----------------------------------------------

    def _id(self, conn: Connection, name: str, *, lock: bool = False) -> int:
        """The row id of this owner's shortlist ``name``; ``lock`` holds it until the transaction ends."""
        query = sa.select(shortlists.c.id).where(shortlists.c.owner == self.owner, shortlists.c.name == name)
        if lock:  # PostgreSQL: writers of one shortlist queue here (SQLite already holds the file lock)
            query = query.with_for_update()
        sid = conn.execute(query).scalar()
        if sid is None:
            raise ShortlistError(f"There is no shortlist called {name!r}.")
        return sid

    def _ensure_free(self, conn: Connection, name: str) -> None:
        taken = sa.select(shortlists.c.id).where(shortlists.c.owner == self.owner, shortlists.c.name == name)
        if conn.execute(taken).first():
            raise ShortlistError(f"A shortlist called {name!r} already exists; choose another name.")

    @staticmethod
    def _ids(conn: Connection, sid: int) -> list[str]:
        query = (
            sa.select(items.c.facility_id)
            .where(items.c.shortlist_id == sid)
            .order_by(items.c.position, items.c.facility_id)
        )
        return list(conn.execute(query).scalars())

    @staticmethod
    def _set_order(conn: Connection, sid: int, ids: list[str]) -> None:
        if not ids:
            return
        update = (
            items.update()
            .where(items.c.shortlist_id == sa.bindparam("sid"), items.c.facility_id == sa.bindparam("fid"))
            .values(position=sa.bindparam("pos"))
        )
        conn.execute(update, [{"sid": sid, "fid": fid, "pos": i} for i, fid in enumerate(ids)])

    @staticmethod
    def _touch(conn: Connection, sid: int, stamp: str) -> None:
        conn.execute(shortlists.update().where(shortlists.c.id == sid).values(updated_at=stamp))

    @staticmethod
    def _insert_items(conn: Connection, sid: int, start: int, texts: dict[str, str], stamp: str) -> None:
        if texts:
            rows = [
                {"shortlist_id": sid, "facility_id": fid, "position": start + i, "note": "", "snapshot_json": text}
                | {"added_at": stamp}
                for i, (fid, text) in enumerate(texts.items())
            ]
            conn.execute(items.insert(), rows)

    @staticmethod
    def _check_on(ids: list[str], facility_id: str, name: str) -> None:
        if facility_id not in ids:
            raise ShortlistError(f"{facility_id!r} is not on the shortlist {name!r}.")

    # -- reading -------------------------------------------------------------------

    def list(self) -> list[ShortlistSummary]:
        """This owner's saved shortlists, most recently changed first."""
        s = shortlists.c
        query = (
            sa.select(s.name, s.client, sa.func.count(items.c.facility_id), s.created_at, s.updated_at)
            .select_from(shortlists.outerjoin(items, items.c.shortlist_id == s.id))
            .where(s.owner == self.owner)
            .group_by(s.id, s.name, s.client, s.created_at, s.updated_at)
            .order_by(s.updated_at.desc(), s.name)
        )
        return self._read(lambda conn: [ShortlistSummary(*row) for row in conn.execute(query)])

    def names(self) -> list[str]:
        """The names of this owner's shortlists, most recently changed first."""
        return [s.name for s in self.list()]

    def exists(self, name: str) -> bool:
        """Whether this owner has a shortlist of this name."""
        name = clean_name(name)
        query = sa.select(shortlists.c.id).where(shortlists.c.owner == self.owner, shortlists.c.name == name)
        return self._read(lambda conn: conn.execute(query).first() is not None)

    def get(self, name: str) -> Shortlist:
        """A saved shortlist with its items in the user's order."""
        name = clean_name(name)
        s = shortlists.c

        def work(conn: Connection) -> tuple[Any, list[Any]]:
            sid = self._id(conn, name)
            head = conn.execute(
                sa.select(s.name, s.client, s.scenario_yaml, s.data_hash, s.created_at, s.updated_at).where(s.id == sid)
            ).one()
            rows = conn.execute(
                sa.select(items.c.facility_id, items.c.position, items.c.note, items.c.snapshot_json, items.c.added_at)
                .where(items.c.shortlist_id == sid)
                .order_by(items.c.position, items.c.facility_id)
            ).all()
            return head, rows

        (name, client, yaml_text, data_hash, created, updated), rows = self._read(work)
        scenario, problem = _load_scenario(yaml_text, name)
        saved = [Item(fid, pos, note, json.loads(snap), added) for fid, pos, note, snap, added in rows]
        return Shortlist(name, client, scenario, data_hash, created, updated, saved, yaml_text, problem)

    def quotes(self, name: str) -> dict[str, str]:
        """The saved quotes of a shortlist: facility id -> quote JSON."""
        name = clean_name(name)

        def work(conn: Connection) -> dict[str, str]:
            sid = self._id(conn, name)
            rows = conn.execute(
                sa.select(quotes.c.facility_id, quotes.c.quote_json).where(quotes.c.shortlist_id == sid)
            )
            return dict(rows.all())

        return self._read(work)

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
        """Save a new shortlist; ``ShortlistError`` if this owner already has one of that name.

        ``snapshots`` maps facility ids to :func:`compare.snapshots.snapshot_from`
        results; a facility without one is saved with an empty snapshot. ``data_hash``
        defaults to the scenario's own.
        """
        name, client = clean_name(name), clean_client(client)
        yaml_text = scenario_yaml(scenario)
        ids = clean_facility_ids(facility_ids)
        texts = snapshot_texts(ids, snapshots)
        data_hash = data_hash if data_hash is not None else scenario.data_hash

        def work(conn: Connection) -> None:
            self._ensure_free(conn, name)
            stamp = now()
            row = {"owner": self.owner, "name": name, "client": client, "scenario_yaml": yaml_text}
            row |= {"data_hash": data_hash, "created_at": stamp, "updated_at": stamp}
            sid = conn.execute(shortlists.insert().values(row).returning(shortlists.c.id)).scalar_one()
            self._insert_items(conn, sid, 0, texts, stamp)

        self._write(work)
        return self.get(name)

    def add(
        self, name: str, facility_ids: Iterable[str], snapshots: Mapping[str, Mapping[str, Any]] | None = None
    ) -> list[str]:
        """Append facilities at the end, skipping any already on the list; return those added."""
        name = clean_name(name)
        wanted = clean_facility_ids(facility_ids)
        snapshot_texts(wanted, snapshots)  # reject bad input before touching the database

        def work(conn: Connection) -> list[str]:
            sid = self._id(conn, name, lock=True)
            present = self._ids(conn, sid)
            new = [f for f in wanted if f not in present]
            if new:
                texts = snapshot_texts(new, {f: s for f, s in (snapshots or {}).items() if f in new})
                stamp = now()
                self._insert_items(conn, sid, len(present), texts, stamp)
                self._touch(conn, sid, stamp)
            return new

        return self._write(work)

    def remove(self, name: str, facility_id: str) -> None:
        """Take one facility off the list (with its quote); the others keep their order."""
        name, facility_id = clean_name(name), clean_facility_id(facility_id)

        def work(conn: Connection) -> None:
            sid = self._id(conn, name, lock=True)
            ids = self._ids(conn, sid)
            self._check_on(ids, facility_id, name)
            conn.execute(quotes.delete().where(quotes.c.shortlist_id == sid, quotes.c.facility_id == facility_id))
            conn.execute(items.delete().where(items.c.shortlist_id == sid, items.c.facility_id == facility_id))
            self._set_order(conn, sid, [f for f in ids if f != facility_id])
            self._touch(conn, sid, now())

        self._write(work)

    def reorder(self, name: str, facility_ids: Iterable[str]) -> None:
        """Put the items in this order, which must list exactly the current facilities."""
        name = clean_name(name)
        if isinstance(facility_ids, str):
            raise ShortlistError("Pass a list of facility ids, not a single string.")
        order = [clean_facility_id(f) for f in facility_ids]

        def work(conn: Connection) -> None:
            sid = self._id(conn, name, lock=True)
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

        def work(conn: Connection) -> int:
            sid = self._id(conn, name, lock=True)
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

        def work(conn: Connection) -> None:
            sid = self._id(conn, name, lock=True)
            update = (
                items.update().where(items.c.shortlist_id == sid, items.c.facility_id == facility_id).values(note=note)
            )
            if conn.execute(update).rowcount != 1:
                raise ShortlistError(f"{facility_id!r} is not on the shortlist {name!r}.")
            self._touch(conn, sid, now())

        self._write(work)

    def save_quote(self, name: str, facility_id: str, quote_json: str) -> None:
        """Keep a facility's returned quote with the shortlist (replacing an earlier one)."""
        name, facility_id, quote_json = clean_name(name), clean_facility_id(facility_id), clean_quote(quote_json)

        def work(conn: Connection) -> None:
            sid = self._id(conn, name, lock=True)
            self._check_on(self._ids(conn, sid), facility_id, name)
            stamp = now()
            conn.execute(quotes.delete().where(quotes.c.shortlist_id == sid, quotes.c.facility_id == facility_id))
            row = {"shortlist_id": sid, "facility_id": facility_id, "quote_json": quote_json, "received_at": stamp}
            conn.execute(quotes.insert().values(row))
            self._touch(conn, sid, stamp)

        self._write(work)

    def rename(self, old: str, new: str) -> None:
        """Give a shortlist a new name that this owner has not already used."""
        old, new = clean_name(old), clean_name(new)

        def work(conn: Connection) -> None:
            sid = self._id(conn, old, lock=True)
            if new == old:
                return
            self._ensure_free(conn, new)
            conn.execute(shortlists.update().where(shortlists.c.id == sid).values(name=new, updated_at=now()))

        self._write(work)

    def set_client(self, name: str, client: str | None) -> None:
        """Set or clear (``None`` or blank) the client label."""
        name, client = clean_name(name), clean_client(client)

        def work(conn: Connection) -> None:
            sid = self._id(conn, name, lock=True)
            conn.execute(shortlists.update().where(shortlists.c.id == sid).values(client=client, updated_at=now()))

        self._write(work)

    def set_scenario(self, name: str, scenario: Scenario, data_hash: str | None) -> None:
        """Replace the saved scenario and the hash of the data it was ranked on."""
        name, yaml_text = clean_name(name), scenario_yaml(scenario)

        def work(conn: Connection) -> None:
            sid = self._id(conn, name, lock=True)
            values = {"scenario_yaml": yaml_text, "data_hash": data_hash, "updated_at": now()}
            conn.execute(shortlists.update().where(shortlists.c.id == sid).values(values))

        self._write(work)

    def duplicate(self, name: str, new_name: str) -> None:
        """Copy a shortlist, items, notes, snapshots and quotes included, under a new name."""
        name, new_name = clean_name(name), clean_name(new_name)
        s = shortlists.c

        def work(conn: Connection) -> None:
            sid = self._id(conn, name, lock=True)
            self._ensure_free(conn, new_name)
            stamp = now()
            head = conn.execute(sa.select(s.client, s.scenario_yaml, s.data_hash).where(s.id == sid)).one()
            row = {"owner": self.owner, "name": new_name, "client": head.client, "scenario_yaml": head.scenario_yaml}
            row |= {"data_hash": head.data_hash, "created_at": stamp, "updated_at": stamp}
            new_id = conn.execute(shortlists.insert().values(row).returning(s.id)).scalar_one()
            for table in (items, quotes):
                columns = [c for c in table.c if c.name != "shortlist_id"]
                rows = conn.execute(sa.select(*columns).where(table.c.shortlist_id == sid)).mappings().all()
                if rows:
                    conn.execute(table.insert(), [{"shortlist_id": new_id, **r} for r in rows])

        self._write(work)

    def delete(self, name: str) -> None:
        """Delete a shortlist, its items and quotes."""
        name = clean_name(name)

        def work(conn: Connection) -> None:
            sid = self._id(conn, name, lock=True)
            # Explicitly, children first: the same on every backend, whatever its cascades.
            conn.execute(quotes.delete().where(quotes.c.shortlist_id == sid))
            conn.execute(items.delete().where(items.c.shortlist_id == sid))
            conn.execute(shortlists.delete().where(shortlists.c.id == sid))

        self._write(work)


def _load_scenario(yaml_text: str, name: str) -> tuple[Scenario | None, str | None]:
    """The saved scenario, or ``None`` and the reason when it no longer loads."""
    try:
        return scenario_from_yaml(yaml_text, f"shortlist {name!r} scenario"), None
    except DataError as exc:
        return None, f"The scenario saved with {name!r} no longer loads: {exc}"
