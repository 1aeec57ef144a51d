"""Worker processes for tests/test_shortlists.py: real, separate writers on one database.

Run as ``python tests/helpers_shortlists.py MODE ARGS...`` with the repository on
``PYTHONPATH``:

DB is an SQLite file or a PostgreSQL URL.

* ``concurrent DB WORKER N GO``: wait for the file GO to appear, then add N facilities to
  the shortlist "shared" (creating it if nobody has yet) and set a note on each, each
  change its own transaction; print one JSON line of timings.
* ``crash DB LOG K``: create shortlists of K items forever, reordering, duplicating and
  deleting some, and append a line to LOG after each commit; the test SIGKILLs it.
  A second, idle connection stays open meanwhile, so commits pile up in the WAL.
* ``lock DB``: take SQLite's exclusive lock, print "locked", hold it until stdin closes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from pathlib import Path

CRASH_CLIENT = "crash test"


def crash_ids(k: int) -> list[str]:
    """The facility ids every crash-test shortlist is created with."""
    return [f"f{j:02d}" for j in range(k)]


def crash_name(pid: int, i: int) -> str:
    return f"crash-{pid}-{i}"


def crash_delete_target(i: int) -> int | None:
    """Iteration ``i`` deletes the shortlist of iteration ``i - 3`` when ``i % 6 == 5``."""
    return i - 3 if i % 6 == 5 else None


def concurrent(db: str, worker: int, n: int, go: str) -> None:
    from compare.scenario import Scenario
    from compare.shortlists import ShortlistError, ShortlistStore

    store = ShortlistStore(db, timeout=10)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    deadline = time.monotonic() + 60
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        time.sleep(0.002)
    start_wall, start = time.time(), time.perf_counter()
    try:  # every worker races to create the file, migrate it and create the shortlist
        store.create("shared", Scenario())
    except ShortlistError as exc:
        if "already exists" not in str(exc):
            raise
    latencies = []
    for i in range(n):
        fid = f"w{worker}-{i:03d}"
        t = time.perf_counter()
        added = store.add("shared", [fid], {fid: {"worker": worker, "i": i}})
        assert added == [fid], added
        latencies.append(time.perf_counter() - t)
        t = time.perf_counter()
        store.set_note("shared", fid, f"note {worker}/{i}")
        latencies.append(time.perf_counter() - t)
    result = {
        "worker": worker,
        "writes": 2 * n,
        "seconds": time.perf_counter() - start,
        "start": start_wall,
        "end": time.time(),
        "max_latency": max(latencies),
    }
    sys.stdout.write(json.dumps(result) + "\n")


def crash(db: str, log: str, k: int) -> None:
    from compare.scenario import Scenario
    from compare.shortlists import ShortlistStore

    store = ShortlistStore(db, timeout=10)
    pid, ids = os.getpid(), crash_ids(k)
    store.names()  # make sure the file exists and is migrated before the bystander opens it
    # A reader that stays open, as another user's session would: the store's connections
    # are then never the last to close, so committed pages stay in the WAL file and a
    # kill leaves SQLite a WAL to recover rather than an already-checkpointed file.
    if "://" not in db:
        bystander = sqlite3.connect(db, isolation_level=None)
        bystander.execute("SELECT COUNT(*) FROM shortlists").fetchone()
    snapshots = {fid: {"name": f"Facility {fid}", "total_low": 1000.0 + j} for j, fid in enumerate(ids)}
    with Path(log).open("a", encoding="utf-8") as out:

        def done(line: str) -> None:
            out.write(line + "\n")
            out.flush()

        i = 0
        while True:
            name = crash_name(pid, i)
            store.create(name, Scenario(), ids, snapshots, client=CRASH_CLIENT)
            done(f"created {name}")
            if i % 3 == 2:
                store.reorder(name, ids[::-1])
                done(f"reversed {name}")
            if i % 5 == 4:
                store.duplicate(name, f"{name} copy")
                done(f"created {name} copy")
            target = crash_delete_target(i)
            if target is not None:
                store.delete(crash_name(pid, target))
                done(f"deleted {crash_name(pid, target)}")
            i += 1


def lock(db: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    sys.stdout.write("locked\n")
    sys.stdout.flush()
    sys.stdin.read()  # hold the lock until the test closes our stdin
    conn.execute("ROLLBACK")
    conn.close()


def main(argv: list[str]) -> None:
    mode, args = argv[0], argv[1:]
    if mode == "concurrent":
        concurrent(args[0], int(args[1]), int(args[2]), args[3])
    elif mode == "crash":
        crash(args[0], args[1], int(args[2]))
    elif mode == "lock":
        lock(args[0])
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
