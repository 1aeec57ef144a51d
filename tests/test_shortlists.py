"""Saved shortlists: round trips, owners, schema upgrades, concurrent and killed writers, bad databases.

The store's behaviour is tested on both backends: a real SQLite file under ``tmp_path``
and a real PostgreSQL server (tests/helpers_postgres.py), each test on a fresh database.
The concurrency, crash and lock tests use real separate processes
(tests/helpers_shortlists.py).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compare.criteria import IDS
from compare.scenario import Filters, Method, MissingPolicy, Scenario
from compare.shortlists import (
    HEAD,
    SCHEMA_VERSION,
    Failure,
    ShortlistError,
    ShortlistStore,
    StoreUnavailable,
    clean_name,
    default_path,
    default_target,
)

ROOT = Path(__file__).resolve().parent.parent
HELPER = Path(__file__).resolve().parent / "helpers_shortlists.py"
NOBODY = 65534

HOSTILE = [
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example","click")',
    "+SUM(1,2)",
    "@cmd",
    "Robert'); DROP TABLE shortlists;--",
    "**bold** _it_ [link](javascript:alert(1))",
    "Zürich — São Paulo — 東京 — Ελλάδα — عربى — 🦴🏥",
    "e\u0301 (decomposed) vs é",
    "%s %d {0} ${HOME} \\n",
]


# The schema as the tool wrote it before Alembic (PRAGMA user_version 1-3): files like
# these are on users' disks and must upgrade in place.
LEGACY_SQLITE = [
    """
    CREATE TABLE shortlists (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, scenario_yaml TEXT NOT NULL, data_hash TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
    );
    CREATE TABLE shortlist_items (
        shortlist_id INTEGER NOT NULL REFERENCES shortlists (id) ON DELETE CASCADE,
        facility_id TEXT NOT NULL, position INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '',
        snapshot_json TEXT NOT NULL, added_at TEXT NOT NULL, PRIMARY KEY (shortlist_id, facility_id)
    );
    """,
    """
    ALTER TABLE shortlists ADD COLUMN client TEXT;
    CREATE INDEX shortlist_items_by_position ON shortlist_items (shortlist_id, position);
    """,
    """
    CREATE TABLE quotes (
        shortlist_id INTEGER NOT NULL, facility_id TEXT NOT NULL, quote_json TEXT NOT NULL,
        received_at TEXT NOT NULL, PRIMARY KEY (shortlist_id, facility_id),
        FOREIGN KEY (shortlist_id, facility_id)
            REFERENCES shortlist_items (shortlist_id, facility_id) ON DELETE CASCADE
    );
    """,
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "shortlists.sqlite3"


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, db: Path) -> str:
    """A fresh database of each kind: an SQLite file path, or a PostgreSQL URL."""
    return str(db) if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture
def store(target: str) -> ShortlistStore:
    return ShortlistStore(target)


@pytest.fixture
def file_store(db: Path) -> ShortlistStore:
    return ShortlistStore(db)


def sql(store: ShortlistStore, statement: str, *, write: bool = False) -> list[tuple]:
    """Run raw SQL on the store's own database (either backend), as another program would."""

    def work(conn):
        result = conn.exec_driver_sql(statement)
        return [tuple(r) for r in result] if result.returns_rows else []

    return store.db.run(work, write=write)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def integrity(path: Path) -> str:
    conn = raw(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def worker_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def custom_scenario() -> Scenario:
    return Scenario(
        origin="london",
        currency="GBP",
        companion=True,
        lodging_tier="premium",
        recovery_days=21,
        flight_fare=812.5,
        wanted=["mis", "navigation"],
        filters=Filters(countries=["IN", "TH"], accreditation="jci", min_volume=100, budget=25_000.75),
        weights={k: float(i + 1) for i, k in enumerate(IDS)},
        method=Method.TOPSIS,
        missing=MissingPolicy.MEDIAN,
        data_hash="abc123",
    )


# ---- Round trips -----------------------------------------------------------------


def test_create_get_round_trip_keeps_order_snapshots_and_scenario_exactly(store: ShortlistStore):
    ids = ["c", "a", "b"]
    snaps = {"a": {"name": "A", "total_low": 1.5, "accreditations": ["jci"]}, "c": {"name": "C"}}
    scenario = custom_scenario()
    made = store.create(" Smith, L4-L5 ", scenario, ids, snaps, client="  J. Smith ")
    got = store.get("Smith, L4-L5")
    assert got == made
    assert got.name == "Smith, L4-L5" and got.client == "J. Smith"
    assert got.facility_ids == ids
    assert [i.position for i in got.items] == [0, 1, 2]
    assert [i.snapshot for i in got.items] == [snaps["c"], snaps["a"], {}]
    assert all(i.note == "" for i in got.items)
    assert got.scenario.model_dump() == scenario.model_dump()
    assert got.scenario == scenario and got.scenario_problem is None
    assert got.data_hash == "abc123"  # taken from the scenario when not given
    assert got.created_at == got.updated_at and got.created_at.endswith("+00:00")
    assert [s.name for s in store.list()] == ["Smith, L4-L5"]
    assert store.list()[0].n_items == 3 and store.list()[0].client == "J. Smith"


def test_default_scenario_round_trips_and_empty_shortlist_is_allowed(store: ShortlistStore):
    store.create("empty", Scenario(), data_hash="d1")
    got = store.get("empty")
    assert got.items == [] and got.scenario.model_dump() == Scenario().model_dump() and got.data_hash == "d1"
    assert store.list()[0].n_items == 0


def test_add_appends_new_ids_and_ignores_existing_ones(store: ShortlistStore):
    store.create("s", Scenario(), ["a", "b"])
    assert store.add("s", ["b", "c", "a", "d", "c"], {"c": {"v": 1}, "d": {"v": 2}}) == ["c", "d"]
    got = store.get("s")
    assert got.facility_ids == ["a", "b", "c", "d"]
    assert [i.position for i in got.items] == [0, 1, 2, 3]
    assert got.items[2].snapshot == {"v": 1}
    assert store.add("s", ["a"], None) == []
    assert got.updated_at > got.created_at


def test_remove_reorder_and_move_keep_positions_contiguous(store: ShortlistStore):
    store.create("s", Scenario(), ["a", "b", "c", "d"])
    store.remove("s", "b")
    assert store.get("s").facility_ids == ["a", "c", "d"]
    assert [i.position for i in store.get("s").items] == [0, 1, 2]
    store.reorder("s", ["d", "a", "c"])
    assert store.get("s").facility_ids == ["d", "a", "c"]
    assert store.move("s", "c", up=True) == 1
    assert store.get("s").facility_ids == ["d", "c", "a"]
    assert store.move("s", "d", up=True) == 0  # already at the top: nothing moves
    assert store.move("s", "a", up=False) == 2
    assert store.move("s", "d", up=False) == 1
    assert store.get("s").facility_ids == ["c", "d", "a"]
    for bad in (["c", "d"], ["c", "d", "a", "x"], ["c", "d", "d"], ["c", "d", "x"]):
        with pytest.raises(ShortlistError, match="exactly once"):
            store.reorder("s", bad)
    with pytest.raises(ShortlistError, match="not on the shortlist"):
        store.remove("s", "zzz")
    with pytest.raises(ShortlistError, match="not on the shortlist"):
        store.move("s", "zzz", up=True)
    assert store.get("s").facility_ids == ["c", "d", "a"]


def test_notes_keep_hostile_text_and_line_breaks(store: ShortlistStore):
    store.create("s", Scenario(), ["a", "b"])
    note = "Line 1\nLine 2\t<b>bold</b>\r\n=1+1 " + "x" * 1900
    store.set_note("s", "a", note)
    assert store.get("s").items[0].note == note
    store.set_note("s", "b", "y" * 2000)
    with pytest.raises(ShortlistError, match="at most 2,000"):
        store.set_note("s", "b", "y" * 2001)
    with pytest.raises(ShortlistError, match="not on the shortlist"):
        store.set_note("s", "nope", "hi")
    assert store.get("s").items[1].note == "y" * 2000


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_and_unicode_strings_round_trip_unchanged(store: ShortlistStore, text: str):
    fid = "fac-" + text[:40].strip()
    store.create(text, Scenario(), [fid], {fid: {"name": text, "accreditations": [text]}}, client=text[:100])
    store.set_note(text, fid, text)
    got = store.get(text)
    assert got.name == text and got.client == text[:100].strip()
    assert got.items[0].facility_id == fid and got.items[0].note == text
    assert got.items[0].snapshot == {"name": text, "accreditations": [text]}
    assert store.list()[0].name == text
    assert len(store.list()) == 1  # the SQL-looking name dropped nothing


def test_rename_duplicate_and_delete(store: ShortlistStore):
    store.create("a", custom_scenario(), ["x", "y"], {"x": {"n": 1}}, client="C")
    store.set_note("a", "y", "note y")
    store.duplicate("a", "b")
    a, b = store.get("a"), store.get("b")
    assert b.items == a.items and b.scenario == a.scenario and b.client == "C"
    assert b.created_at > a.created_at
    store.set_note("b", "x", "only on b")
    assert store.get("a").items[0].note == ""  # a real copy, not shared rows
    store.rename("a", "renamed")
    with pytest.raises(ShortlistError, match="no shortlist called 'a'"):
        store.get("a")
    assert store.get("renamed").facility_ids == ["x", "y"]
    with pytest.raises(ShortlistError, match="already exists"):
        store.rename("renamed", "b")
    with pytest.raises(ShortlistError, match="already exists"):
        store.duplicate("renamed", "b")
    with pytest.raises(ShortlistError, match="already exists"):
        store.create("b", Scenario())
    store.rename("renamed", " renamed ")  # same name after trimming: fine, no change
    store.delete("renamed")
    assert [s.name for s in store.list()] == ["b"]
    with pytest.raises(ShortlistError, match="no shortlist"):
        store.delete("renamed")
    counts = dict(
        sql(
            store,
            "SELECT s.name, COUNT(*) FROM shortlist_items i JOIN shortlists s ON s.id = i.shortlist_id GROUP BY s.name",
        )
    )
    orphans = sql(store, "SELECT COUNT(*) FROM shortlist_items WHERE shortlist_id NOT IN (SELECT id FROM shortlists)")
    assert counts == {"b": 2} and orphans[0][0] == 0  # items of the deleted list went with it


def test_set_client_and_set_scenario(store: ShortlistStore):
    store.create("s", Scenario(), ["a"], client="old")
    store.set_client("s", "new client")
    assert store.get("s").client == "new client"
    store.set_client("s", "   ")
    assert store.get("s").client is None
    scenario = custom_scenario()
    store.set_scenario("s", scenario, "hash-2")
    got = store.get("s")
    assert got.scenario.model_dump() == scenario.model_dump() and got.data_hash == "hash-2"
    assert got.facility_ids == ["a"]


def test_list_is_most_recently_changed_first(store: ShortlistStore):
    for name in ("one", "two", "three"):
        store.create(name, Scenario())
    store.set_client("one", "touched")
    assert [s.name for s in store.list()] == ["one", "three", "two"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "cannot be empty"),
        ("   ", "cannot be empty"),
        ("x" * 101, "at most 100"),
        ("line\nbreak", "control characters"),
        ("tab\there", "control characters"),
        ("nul\x00", "control characters"),
        ("bidi \u202e spoof", "control characters"),
        (None, "must be text"),
        (42, "must be text"),
    ],
)
def test_bad_names_are_refused_in_plain_language(store: ShortlistStore, name, message):
    with pytest.raises(ShortlistError, match=message):
        store.create(name, Scenario())
    assert store.list() == []


def test_name_limits_and_other_bad_input(store: ShortlistStore):
    assert clean_name("  " + "x" * 100 + "  ") == "x" * 100
    store.create("x" * 100, Scenario())
    with pytest.raises(ShortlistError, match="client label can be at most 100"):
        store.create("c", Scenario(), client="c" * 101)
    with pytest.raises(ShortlistError, match="control characters"):
        store.set_client("x" * 100, "a\nb")
    with pytest.raises(ShortlistError, match="needs a scenario"):
        store.create("d", {"origin": "london"})
    with pytest.raises(ShortlistError, match="not a facility id"):
        store.create("d", Scenario(), ["ok", ""])
    with pytest.raises(ShortlistError, match="not a single string"):
        store.create("d", Scenario(), "abc")
    with pytest.raises(ShortlistError, match="not being added"):
        store.create("d", Scenario(), ["a"], {"b": {}})
    with pytest.raises(ShortlistError, match="can only hold"):
        store.create("d", Scenario(), ["a"], {"a": {"total_low": math.nan}})
    with pytest.raises(ShortlistError, match="can only hold"):
        store.create("d", Scenario(), ["a"], {"a": {"when": object()}})
    with pytest.raises(ShortlistError, match="no shortlist called 'missing'"):
        store.add("missing", ["a"], None)
    assert [s.name for s in store.list()] == ["x" * 100]


def test_a_saved_scenario_that_no_longer_loads_keeps_the_items(store: ShortlistStore):
    store.create("s", Scenario(), ["a"])
    store.set_note("s", "a", "keep me")
    sql(store, "UPDATE shortlists SET scenario_yaml = 'version: 1\nnot_a_field: 3\n'", write=True)
    got = store.get("s")
    assert got.scenario is None and "no longer loads" in got.scenario_problem and "not_a_field" in got.scenario_problem
    assert got.items[0].note == "keep me" and "not_a_field" in got.scenario_yaml


_counter = itertools.count()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["add", "remove", "move_up", "move_down", "reorder", "note"]),
            st.sampled_from(["a", "b", "c", "d", "e"]),
            st.randoms(use_true_random=False),
        ),
        max_size=12,
    )
)
def test_order_matches_a_plain_list_model(tmp_path: Path, ops):
    """Random edit sequences leave the same order (and notes) as a Python list would."""
    store = ShortlistStore(tmp_path / f"model-{next(_counter)}.sqlite3")
    store.create("m", Scenario())
    model: list[str] = []
    notes: dict[str, str] = {}
    for op, fid, rnd in ops:
        if op == "add":
            store.add("m", [fid], {fid: {"id": fid}})
            model += [] if fid in model else [fid]
        elif op == "remove" and fid in model:
            store.remove("m", fid)
            model.remove(fid)
            notes.pop(fid, None)
        elif op in ("move_up", "move_down") and fid in model:
            i = model.index(fid)
            j = i - 1 if op == "move_up" else i + 1
            if 0 <= j < len(model):
                model[i], model[j] = model[j], model[i]
            assert store.move("m", fid, up=op == "move_up") == model.index(fid)
        elif op == "reorder":
            rnd.shuffle(model)
            store.reorder("m", model)
        elif op == "note" and fid in model:
            notes[fid] = f"note {rnd.random()}"
            store.set_note("m", fid, notes[fid])
    got = store.get("m")
    assert got.facility_ids == model
    assert [i.position for i in got.items] == list(range(len(model)))
    assert {i.facility_id: i.note for i in got.items if i.note} == notes
    assert all(i.snapshot == {"id": i.facility_id} for i in got.items)


# ---- Owners -------------------------------------------------------------------------


def test_each_owner_sees_and_changes_only_their_own_shortlists(store: ShortlistStore):
    alice, bob = store.for_owner("alice@example.org"), store.for_owner("bob@example.org")
    alice.create("Smith, L4-L5", Scenario(), ["a", "b"], client="J. Smith")
    alice.set_note("Smith, L4-L5", "a", "private note")
    alice.save_quote("Smith, L4-L5", "a", '{"v": 1}')
    # The same name is free for another owner, and nobody learns the other one exists.
    bob.create("Smith, L4-L5", Scenario(currency="EUR"), ["z"])
    assert alice.names() == ["Smith, L4-L5"] and bob.names() == ["Smith, L4-L5"]
    assert alice.get("Smith, L4-L5").facility_ids == ["a", "b"] and bob.get("Smith, L4-L5").facility_ids == ["z"]
    assert bob.quotes("Smith, L4-L5") == {} and store.names() == []  # the local user owns nothing here
    for attempt in (
        lambda: bob.get("only alice's"),
        lambda: bob.add("only alice's", ["x"]),
        lambda: bob.set_note("only alice's", "a", "hijack"),
        lambda: bob.rename("only alice's", "mine now"),
        lambda: bob.duplicate("only alice's", "copy"),
        lambda: bob.save_quote("only alice's", "a", "{}"),
        lambda: bob.quotes("only alice's"),
        lambda: bob.delete("only alice's"),
        lambda: store.get("only alice's"),
    ):
        alice.create("only alice's", Scenario(), ["a"]) if not alice.exists("only alice's") else None
        with pytest.raises(ShortlistError, match="no shortlist called"):
            attempt()
    got = alice.get("only alice's")
    assert got.facility_ids == ["a"] and got.items[0].note == "" and alice.quotes("only alice's") == {}
    assert alice.get("Smith, L4-L5").items[0].note == "private note"
    bob.delete("Smith, L4-L5")
    assert alice.get("Smith, L4-L5").facility_ids == ["a", "b"] and alice.quotes("Smith, L4-L5") == {"a": '{"v": 1}'}


@pytest.mark.parametrize("owner", ["a" * 321, "x\ny", "\u202eevil", 42])
def test_an_owner_id_that_is_not_one_line_of_text_is_refused(owner):
    with pytest.raises(ShortlistError, match="user id|must be text"):
        ShortlistStore(Path("never-opened.sqlite3"), owner=owner)


# ---- Paths ---------------------------------------------------------------------------


def test_default_path_prefers_the_env_var_then_xdg_then_home():
    assert default_path({"SPINE_SHORTLISTS_DB": "/x/y.db", "XDG_DATA_HOME": "/d"}) == Path("/x/y.db")
    assert default_path({"XDG_DATA_HOME": "/d"}) == Path("/d/spine-compare/shortlists.sqlite3")
    assert default_path({"SPINE_SHORTLISTS_DB": " ", "XDG_DATA_HOME": ""}) == (
        Path.home() / ".local/share/spine-compare/shortlists.sqlite3"
    )
    assert ROOT not in default_path({}).parents  # never inside the source tree


def test_store_uses_env_var_and_creates_parent_folders(tmp_path: Path, monkeypatch):
    target = tmp_path / "deep" / "er" / "lists.sqlite3"
    monkeypatch.setenv("SPINE_SHORTLISTS_DB", str(target))
    store = ShortlistStore()
    assert store.path == target and not target.exists()
    store.create("s", Scenario())
    assert target.is_file() and ShortlistStore(target).get("s").name == "s"
    monkeypatch.delenv("SPINE_SHORTLISTS_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    ShortlistStore().create("t", Scenario())
    assert (tmp_path / "xdg" / "spine-compare" / "shortlists.sqlite3").is_file()


def test_odd_characters_in_the_path_are_not_taken_as_uri_options(tmp_path: Path):
    path = tmp_path / "a?mode=ro#x %20.sqlite3"
    ShortlistStore(path).create("s", Scenario())
    assert path.is_file() and ShortlistStore(path).get("s").name == "s"


# ---- Schema and migrations ---------------------------------------------------------


def test_fresh_database_gets_the_latest_schema_and_pragmas(file_store: ShortlistStore, db: Path):
    file_store.list()
    conn = raw(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # read by older versions
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        cols = {r[1]: r for r in conn.execute("PRAGMA table_info(shortlists)")}
        assert set(cols) == {"id", "owner", "name", "client", "scenario_yaml", "data_hash", "created_at", "updated_at"}
        item_cols = {r[1]: r for r in conn.execute("PRAGMA table_info(shortlist_items)")}
        assert set(item_cols) == {"shortlist_id", "facility_id", "position", "note", "snapshot_json", "added_at"}
        assert item_cols["note"][4] == "''" and item_cols["note"][3] == 1  # default '' and NOT NULL
        fks = conn.execute("PRAGMA foreign_key_list(shortlist_items)").fetchall()
        assert [(f[2], f[6]) for f in fks] == [("shortlists", "CASCADE")]
    finally:
        conn.close()


def test_reopening_is_idempotent(file_store: ShortlistStore, db: Path):
    file_store.create("s", Scenario(), ["a", "b"])

    def schema() -> list:
        conn = raw(db)
        try:
            return conn.execute("SELECT type, name, sql FROM sqlite_schema ORDER BY name").fetchall()
        finally:
            conn.close()

    before = schema()
    for _ in range(3):
        assert ShortlistStore(db).get("s").facility_ids == ["a", "b"]
    assert schema() == before
    assert ShortlistStore(db).list()[0].n_items == 2


def legacy_file(db: Path, version: int) -> None:
    """An SQLite file exactly as the tool wrote it before Alembic, at ``version``, with one shortlist."""
    conn = raw(db)
    try:
        for script in LEGACY_SQLITE[:version]:
            conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute(
            "INSERT INTO shortlists (id, name, scenario_yaml, data_hash, created_at, updated_at)"
            " VALUES (7, 'old list', ?, 'h0', '2024-01-01T00:00:00+00:00', '2024-01-02T00:00:00+00:00')",
            (Scenario(currency="EUR").to_yaml(),),
        )
        conn.executemany(
            "INSERT INTO shortlist_items VALUES (7, ?, ?, ?, ?, '2024-01-01T00:00:00+00:00')",
            [("b", 0, "first", '{"name": "B"}'), ("a", 1, "", "{}")],
        )
        if version >= 3:
            conn.execute("INSERT INTO quotes VALUES (7, 'b', '{\"v\": 1}', '2024-01-03T00:00:00+00:00')")
    finally:
        conn.close()


@pytest.mark.parametrize("version", [1, 2, 3])
def test_a_database_from_before_alembic_is_upgraded_in_place(db: Path, version: int):
    legacy_file(db, version)
    got = ShortlistStore(db).get("old list")
    assert got.client is None and got.scenario.trip.currency == "EUR" and got.data_hash == "h0"
    assert got.facility_ids == ["b", "a"] and got.items[0].note == "first" and got.items[0].snapshot == {"name": "B"}
    assert ShortlistStore(db).quotes("old list") == ({"b": '{"v": 1}'} if version >= 3 else {})
    conn = raw(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        assert conn.execute("SELECT name FROM sqlite_schema WHERE name = 'shortlist_items_by_position'").fetchone()
        assert conn.execute("SELECT owner FROM shortlists").fetchall() == [("",)]  # the local user's
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    ShortlistStore(db).set_client("old list", "now with client")
    assert ShortlistStore(db).get("old list").client == "now with client"
    assert ShortlistStore(db, owner="someone@example.org").names() == []
    ShortlistStore(db).delete("old list")  # the cascade to items still holds after the table was rebuilt
    assert raw(db).execute("SELECT COUNT(*) FROM shortlist_items").fetchone()[0] == 0


def test_a_failing_migration_rolls_back_completely(target: str, tmp_path: Path, monkeypatch):
    """A broken upgrade step leaves the database exactly as it was, on either backend."""
    from compare.shortlists import database

    ShortlistStore(target).create("s", Scenario(), ["a"], client="kept")
    migrations = tmp_path / "migrations"
    shutil.copytree(database.MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "0005_broken.py").write_text(
        'from alembic import op\nrevision = "0005"\ndown_revision = "0004"\n\n\ndef upgrade():\n'
        '    op.execute("CREATE TABLE extra (a INTEGER)")\n'
        '    op.execute("DELETE FROM shortlist_items")\n'
        '    op.execute("INSERT INTO nowhere VALUES (1)")\n'
    )
    monkeypatch.setattr(database, "MIGRATIONS", migrations)
    monkeypatch.setattr(database, "HEAD", "0005")
    with pytest.raises(Exception, match="nowhere"):
        ShortlistStore(target).list()
    monkeypatch.undo()
    store = ShortlistStore(target)
    assert store.get("s").facility_ids == ["a"] and store.get("s").client == "kept"
    assert sql(store, "SELECT version_num FROM alembic_version") == [(HEAD,)]
    tables = sql(store, "SELECT COUNT(*) FROM shortlist_items")
    assert tables == [(1,)]
    with pytest.raises(Exception, match="extra"):
        sql(store, "SELECT * FROM extra")


def test_a_newer_schema_is_refused_and_left_untouched(file_store: ShortlistStore, db: Path):
    file_store.create("s", Scenario())
    conn = raw(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = sha(db)
    for call in (lambda s: s.list(), lambda s: s.create("t", Scenario())):
        with pytest.raises(StoreUnavailable, match="newer version") as info:
            call(ShortlistStore(db))
        assert info.value.failure is Failure.NEWER and str(db) in str(info.value)
    assert sha(db) == before


def test_a_newer_alembic_revision_is_refused_on_either_backend(store: ShortlistStore, target: str):
    store.create("s", Scenario())
    sql(store, "UPDATE alembic_version SET version_num = '0099'", write=True)
    for call in (lambda s: s.list(), lambda s: s.create("t", Scenario())):
        with pytest.raises(StoreUnavailable, match="newer version") as info:
            call(ShortlistStore(target))
        assert info.value.failure is Failure.NEWER and "0099" in str(info.value)
    assert sql(store, "SELECT name FROM shortlists") == [("s",)]


def test_another_programs_sqlite_file_is_not_taken_over(db: Path):
    conn = raw(db)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.close()
    before = sha(db)
    with pytest.raises(StoreUnavailable, match="not a valid shortlist database") as info:
        ShortlistStore(db).create("s", Scenario())
    assert "invoices" in str(info.value) and sha(db) == before


def test_another_programs_postgres_database_is_not_taken_over(postgres_server, postgres_url: str):
    database = postgres_url.rsplit("/", 1)[1]
    postgres_server.sql("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)", database)
    with pytest.raises(StoreUnavailable, match="not a shortlist database") as info:
        ShortlistStore(postgres_url).create("s", Scenario())
    assert info.value.failure is Failure.DAMAGED and "invoices" in str(info.value)


def test_two_processes_upgrading_a_new_postgres_database_at_once_apply_each_step_once(postgres_url: str):
    """Four stores race to create the schema on an empty database; the advisory lock lets one do it."""
    errors: list[BaseException] = []

    def open_it(i: int) -> None:
        try:
            ShortlistStore(postgres_url, owner=f"u{i}").create("mine", Scenario())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    store = ShortlistStore(postgres_url)
    assert sql(store, "SELECT version_num FROM alembic_version") == [(HEAD,)]
    assert sorted(sql(store, "SELECT owner FROM shortlists")) == [("u0",), ("u1",), ("u2",), ("u3",)]


def test_where_the_store_lives(tmp_path: Path, monkeypatch, postgres_url: str):
    assert default_target({"SPINE_DATABASE_URL": " ", "SPINE_SHORTLISTS_DB": "/x.db"}) == Path("/x.db")
    assert default_target({"SPINE_DATABASE_URL": postgres_url}) == postgres_url
    monkeypatch.setenv("SPINE_DATABASE_URL", postgres_url.replace("postgresql+psycopg://", "postgresql://"))
    monkeypatch.setenv("SPINE_SHORTLISTS_DB", str(tmp_path / "unused.sqlite3"))
    store = ShortlistStore()  # a plain postgresql:// URL gets the driver this project ships
    assert store.db.postgres and store.create("s", Scenario()).name == "s"
    assert not (tmp_path / "unused.sqlite3").exists()
    for bad, message in [
        ("mysql://u@h/db", "PostgreSQL"),
        ("postgresql+psycopg://", "cannot be reached"),
        ("postgresql://u@h:notaport/db", "not a database URL"),
    ]:
        monkeypatch.setenv("SPINE_DATABASE_URL", bad)
        with pytest.raises(ShortlistError, match=message):
            ShortlistStore(timeout=1).names()


# ---- Concurrency and crash safety ----------------------------------------------------


def test_four_processes_writing_at_once_lose_nothing(target: str, db: Path, tmp_path: Path):
    go, n, workers = tmp_path / "go", 50, 4
    procs = [
        subprocess.Popen(
            [sys.executable, str(HELPER), "concurrent", target, str(w), str(n), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=worker_env(),
            cwd=ROOT,
        )
        for w in range(workers)
    ]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready", p.stderr.read()
        assert not db.exists()  # the workers race to create and migrate the database too
        started = time.perf_counter()
        go.touch()
        results = []
        for p in procs:
            out, err = p.communicate(timeout=60)
            assert p.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
        wall = time.perf_counter() - started
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert max(r["start"] for r in results) < min(r["end"] for r in results), "the writers never overlapped"
    got = ShortlistStore(target).get("shared")
    expected = {f"w{w}-{i:03d}" for w in range(workers) for i in range(n)}
    assert len(got.items) == workers * n and set(got.facility_ids) == expected
    assert [i.position for i in got.items] == list(range(workers * n))
    for item in got.items:
        w, i = item.facility_id[1:].split("-")
        assert item.note == f"note {w}/{int(i)}" and item.snapshot == {"worker": int(w), "i": int(i)}
    for w in range(workers):  # each writer's own items stay in the order it added them
        mine = [f for f in got.facility_ids if f.startswith(f"w{w}-")]
        assert mine == sorted(mine)
    if target == str(db):
        assert integrity(db) == "ok"
    sys.stdout.write(
        f"\nconcurrency ({ShortlistStore(target).db.engine_name}): {workers} processes x {2 * n} writes = {workers * 2 * n} writes in {wall:.2f} s wall; "
        f"slowest single write {max(r['max_latency'] for r in results) * 1000:.0f} ms\n"
    )


def _check_crash_db(target: str, log_lines: list[str], k: int, ids: list[str]) -> int:
    """Every committed change is there, and no shortlist is partial or half-reordered."""
    from helpers_shortlists import CRASH_CLIENT, crash_delete_target

    if "://" not in target:
        assert integrity(Path(target)) == "ok"
    store = ShortlistStore(target)
    names = set(store.names())
    created = [line.split(" ", 1)[1] for line in log_lines if line.startswith("created ")]
    deleted = {line.split(" ", 1)[1] for line in log_lines if line.startswith("deleted ")}
    reversed_ = {line.split(" ", 1)[1] for line in log_lines if line.startswith("reversed ")}
    for name in created:
        _, pid, i = name.split(" ")[0].split("-")
        doomed = any(crash_delete_target(j) == int(i) for j in range(int(i), int(i) + 4)) and " " not in name
        if name in deleted:
            assert name not in names, f"{name} was deleted, then came back"
        elif not doomed:
            assert name in names, f"{name} was committed, then lost"
    for name in names:
        got = store.get(name)
        assert len(got.items) == k and sorted(got.facility_ids) == ids, f"{name} is partial: {len(got.items)} items"
        assert got.facility_ids in (ids, ids[::-1]), f"{name} is half reordered"
        assert [i.position for i in got.items] == list(range(k))
        assert got.client == CRASH_CLIENT and got.scenario == Scenario()
        if name in reversed_:
            assert got.facility_ids == ids[::-1]
    return len(names)


def test_killed_writer_never_leaves_a_partial_shortlist(target: str, db: Path, tmp_path: Path):
    from helpers_shortlists import crash_ids

    k, rounds = 40, 5
    rng = random.Random(os.getpid())
    all_lines: list[str] = []
    started = time.perf_counter()
    hot_wal = 0
    for r in range(rounds):
        log = tmp_path / f"round{r}.log"
        log.touch()
        proc = subprocess.Popen(
            [sys.executable, str(HELPER), "crash", target, str(log), str(k)],
            stderr=subprocess.PIPE,
            env=worker_env(),
            cwd=ROOT,
        )
        try:
            deadline = time.monotonic() + 30
            while not log.read_text().strip():
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "worker never committed"
                time.sleep(0.01)
            time.sleep(rng.uniform(0.05, 0.6))
            assert proc.poll() is None, proc.stderr.read().decode()
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == -signal.SIGKILL
        wal = db.with_name(db.name + "-wal")
        hot_wal += wal.exists() and wal.stat().st_size > 0
        all_lines += log.read_text().splitlines()
        n = _check_crash_db(target, all_lines, k, crash_ids(k))
    elapsed = time.perf_counter() - started
    committed = sum(line.startswith("created ") for line in all_lines)
    assert committed >= rounds and n > 0
    sys.stdout.write(
        f"\ncrash ({ShortlistStore(target).db.engine_name}): {rounds} SIGKILL rounds, {committed} shortlists of {k} items committed "
        f"({len(all_lines)} logged commits), {n} left after deletes, WAL to recover after {hot_wal} kills, "
        f"{elapsed:.1f} s\n"
    )


# ---- Files that cannot be used -------------------------------------------------------


def test_a_database_locked_by_another_process_fails_fast_and_clearly(file_store: ShortlistStore, db: Path):
    file_store.create("s", Scenario(), ["a"])
    locker = subprocess.Popen(
        [sys.executable, str(HELPER), "lock", str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=worker_env(),
        cwd=ROOT,
    )
    try:
        assert locker.stdout.readline().strip() == "locked", locker.stderr.read()
        impatient = ShortlistStore(db, timeout=0.5)
        t = time.perf_counter()
        with pytest.raises(StoreUnavailable) as info:
            impatient.add("s", ["b"], None)
        waited = time.perf_counter() - t
        message = str(info.value)
        assert info.value.failure is Failure.LOCKED and ("locked" in message or "busy" in message)
        assert str(db) in message and "try again" in message
        assert 0.5 <= waited < 5, waited  # it did wait for the lock, and then gave up
        assert impatient.get("s").facility_ids == ["a"]  # WAL: reading still works meanwhile
    finally:
        locker.stdin.close()
        locker.wait(timeout=10)
    assert locker.returncode == 0
    file_store.add("s", ["b"], None)  # once released, the same write goes through
    assert file_store.get("s").facility_ids == ["a", "b"]


def test_a_postgres_shortlist_locked_by_another_writer_fails_clearly_and_reads_go_on(postgres_url: str):
    import psycopg

    store = ShortlistStore(postgres_url)
    store.create("s", Scenario(), ["a"])
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as holder:  # another writer, busy with this shortlist for a long time
        holder.execute("SELECT id FROM shortlists WHERE name = 's' FOR UPDATE")
        impatient = ShortlistStore(postgres_url, timeout=0.5, retries=1)
        t = time.perf_counter()
        with pytest.raises(StoreUnavailable) as info:
            impatient.add("s", ["b"], None)
        waited = time.perf_counter() - t
        assert info.value.failure is Failure.LOCKED and "busy" in str(info.value) and "Try again" in str(info.value)
        assert 1.0 <= waited < 5, waited  # two attempts, each waiting for the lock, then it gave up
        assert impatient.get("s").facility_ids == ["a"]  # reading still works meanwhile
        holder.rollback()
    store.add("s", ["b"], None)  # once released, the same write goes through
    assert store.get("s").facility_ids == ["a", "b"]


def test_an_unreachable_or_missing_postgres_database_is_explained(postgres_server):
    with pytest.raises(StoreUnavailable, match="does not exist") as info:
        ShortlistStore(postgres_server.url("no_such_db")).names()
    assert info.value.failure is Failure.MISSING
    with pytest.raises(StoreUnavailable, match="cannot be reached") as info:
        ShortlistStore("postgresql+psycopg://nobody:secret@127.0.0.1:1/db", timeout=1).names()
    assert "secret" not in str(info.value) and "***" in str(info.value)  # the password is never shown


def test_a_writer_waits_for_a_short_lock_instead_of_failing(file_store: ShortlistStore, db: Path):
    file_store.create("s", Scenario())
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE shortlists SET client = 'holder'")
    release = threading.Timer(0.4, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        t = time.perf_counter()
        ShortlistStore(db, timeout=5).add("s", ["a"], None)
        assert time.perf_counter() - t >= 0.3
    finally:
        release.join()
        holder.close()
    got = file_store.get("s")
    assert got.facility_ids == ["a"] and got.client == "holder"


def test_read_only_flag_reads_but_refuses_writes(file_store: ShortlistStore, db: Path):
    # Tests run as root, for whom chmod does not stop writes; read_only=True opens the
    # file with SQLite's mode=ro, so SQLite itself (not our check alone) forbids writing.
    file_store.create("s", Scenario(), ["a"])
    before = sha(db)
    ro = ShortlistStore(db, read_only=True)
    assert ro.get("s").facility_ids == ["a"] and [s.name for s in ro.list()] == ["s"]
    for write in (lambda: ro.add("s", ["b"], None), lambda: ro.delete("s"), lambda: ro.create("t", Scenario())):
        with pytest.raises(StoreUnavailable, match="is read-only") as info:
            write()
        assert info.value.failure is Failure.READ_ONLY and str(db) in str(info.value)
    assert sha(db) == before
    with pytest.raises(StoreUnavailable, match="does not exist"):
        ShortlistStore(db.with_name("absent.sqlite3"), read_only=True).list()
    assert not db.with_name("absent.sqlite3").exists()


def _in_child(fn: Callable[[], dict], uid: int | None) -> dict:
    """Run ``fn`` in a forked child (as ``uid`` when given) and return its JSON result.

    Forking, not spawning: the interpreter lives under /root, which an unprivileged
    user cannot execute, but a forked child already has everything loaded.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            os.close(read_end)
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            result = fn()
            code = 0
        except BaseException as exc:  # report anything, including assertion errors
            result = {"child_error": repr(exc)}
        finally:
            os.write(write_end, json.dumps(result).encode())
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    result = json.loads(data)
    assert os.waitstatus_to_exitcode(status) == 0, result
    return result


def _probe(path: Path) -> dict:
    """What an unprivileged user can do with the store at ``path``."""
    store = ShortlistStore(path)
    out = {"euid": os.geteuid(), "names": store.names(), "items": store.get("s").facility_ids}
    try:
        store.add("s", ["b"], None)
        out["write"] = "succeeded"
    except StoreUnavailable as exc:
        out["write"] = str(exc)
        out["failure"] = exc.failure.value
    try:
        ShortlistStore(path.with_name("new.sqlite3")).list()
        out["create"] = "succeeded"
    except StoreUnavailable as exc:
        out["create"] = str(exc)
    return out


@pytest.mark.parametrize("what", ["file", "folder"])
def test_real_permissions_read_only_file_or_folder(what: str):
    """chmod for real: as root, the check runs in a child that drops to user nobody."""
    uid = NOBODY if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="shortlists-ro-"))  # not tmp_path: nobody cannot enter it
    path = folder / "lists.sqlite3"
    try:
        ShortlistStore(path).create("s", Scenario(), ["a"])
        assert not path.with_name(path.name + "-wal").exists()  # closed cleanly: no WAL to lean on
        if what == "file":
            path.chmod(0o444)
            if uid is not None:
                os.chown(folder, uid, uid)  # the folder is theirs: only the file is read-only
            folder.chmod(0o755)
        else:
            if uid is not None:
                os.chown(path, uid, uid)  # the file is theirs: only the folder is read-only
            folder.chmod(0o555)
        before = sha(path)
        # Creating a database reads the Alembic scripts in the checkout, which an installed package
        # always lets its user read; a checkout cloned into a root-only folder (as CI's) does not.
        checkout_mode = ROOT.stat().st_mode & 0o777
        ROOT.chmod(checkout_mode | 0o055)
        try:
            result = _in_child(lambda: _probe(path), uid)
        finally:
            ROOT.chmod(checkout_mode)
        assert result["euid"] != 0
        assert result["names"] == ["s"] and result["items"] == ["a"]  # reading still works
        assert result["failure"] == "read-only" and "is read-only" in result["write"] and str(path) in result["write"]
        assert sha(path) == before
        if what == "folder":
            assert "cannot be created" in result["create"]
            assert sorted(p.name for p in folder.iterdir()) == ["lists.sqlite3"]
        else:
            assert result["create"] == "succeeded"  # the folder was writable
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def _random_bytes(path: Path) -> None:
    data = random.Random(1).randbytes(8192)
    path.write_bytes(b"not sqlite" + data)


def _truncated(keep: Callable[[int], int]) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        store = ShortlistStore(path)
        for i in range(30):
            store.create(
                f"s{i}", Scenario(), [f"f{j}" for j in range(20)], {f"f{j}": {"pad": "x" * 60} for j in range(20)}
            )
        data = path.read_bytes()
        path.write_bytes(data[: keep(len(data))])

    return make


@pytest.mark.parametrize(
    "damage",
    [
        _random_bytes,
        _truncated(lambda n: 50),  # a torn header
        _truncated(lambda n: 4096),  # the first page only
        _truncated(lambda n: n // 2),
        _truncated(lambda n: n - 4096),  # the last page missing
    ],
    ids=["random-bytes", "header-torn", "first-page-only", "half", "last-page-missing"],
)
def test_a_damaged_file_is_reported_and_never_overwritten(db: Path, damage):
    damage(db)
    before = sha(db)
    for call in (lambda s: s.list(), lambda s: s.get("s1"), lambda s: s.create("new", Scenario())):
        with pytest.raises(StoreUnavailable, match="not a valid shortlist database") as info:
            call(ShortlistStore(db))
        assert (
            info.value.failure is Failure.DAMAGED and str(db) in str(info.value) and "Move it aside" in str(info.value)
        )
        assert isinstance(info.value, ShortlistError)
    assert sha(db) == before


def test_a_folder_or_a_path_inside_a_file_is_reported(tmp_path: Path):
    folder = tmp_path / "actually_a_folder.sqlite3"
    folder.mkdir()
    with pytest.raises(StoreUnavailable, match="is a folder") as info:
        ShortlistStore(folder).list()
    assert info.value.failure is Failure.NOT_A_FILE and str(folder) in str(info.value)
    blocker = tmp_path / "plain_file"
    blocker.write_text("hello")
    for path in (blocker / "lists.sqlite3", blocker / "sub" / "lists.sqlite3"):
        with pytest.raises(StoreUnavailable, match="SPINE_SHORTLISTS_DB") as info:
            ShortlistStore(path).create("s", Scenario())
        assert info.value.failure is Failure.NOT_A_FILE
    assert blocker.read_text() == "hello"


# ---- Quotes --------------------------------------------------------------------------


def test_a_quote_is_kept_per_item_replaced_copied_and_removed_with_it(store):
    store.create("client", Scenario(), ["a", "b"])
    store.save_quote("client", "a", '{"v": 1}')
    store.save_quote("client", "a", '{"v": 2}')  # a newer quote replaces the older
    assert store.quotes("client") == {"a": '{"v": 2}'}
    store.duplicate("client", "copy")
    assert store.quotes("copy") == {"a": '{"v": 2}'}
    store.remove("client", "a")
    assert store.quotes("client") == {}
    assert store.quotes("copy") == {"a": '{"v": 2}'}  # the copy keeps its own


def test_a_quote_needs_the_facility_on_the_shortlist(store):
    store.create("client", Scenario(), ["a"])
    with pytest.raises(ShortlistError, match="'z' is not on the shortlist 'client'"):
        store.save_quote("client", "z", "{}")
    with pytest.raises(ShortlistError, match="no shortlist called 'other'"):
        store.save_quote("other", "a", "{}")
    assert store.quotes("client") == {}
