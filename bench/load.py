"""Many people at once: N concurrent Chromium sessions against one Streamlit server.

Usage::

    python bench/load.py                       # start our own `streamlit run app.py`, 10 sessions
    python bench/load.py --sessions 20         # more sessions at once
    python bench/load.py --url http://127.0.0.1:8501/ --pid 12345   # an already running server
    python bench/load.py --empty               # the same against an empty Streamlit app (reference)
    python bench/load.py --app /tmp/old/app.py # another copy of the app (e.g. before a change)

Every session is a new browser context (a new visitor: empty cache, its own Streamlit session),
all opened at the same moment from a few Chromium processes (``--browsers``, default 2) driven
by one thread each. A session has rendered when the ranking table is visible (``--ready`` for
another CSS selector) and the app is idle. The script reports:

* p50 and p95 of the time from navigation to the first render, over all sessions;
* the server's CPU used during the whole run (utime + stime of all its threads, from
  ``/proc/<pid>/stat``) and per session;
* the server's peak resident memory (VmHWM from ``/proc/<pid>/status``; with ``--url`` the
  peak since that server started) and its resident memory before and after;
* the sessions with errors: a Streamlit exception element on the page, or no render within
  ``--timeout`` seconds.

The server's CPU and memory need its process id: known when this script starts the server,
else give ``--pid`` (without it only the times and errors are reported). Only loopback
addresses are accepted. Exits 1 when any session errs.

Before the measured sessions, one warm-up session fills the server's process-wide caches
(``--no-warm-up`` to measure a cold server), so the figures are those of a running server.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.sync_api import sync_playwright  # noqa: E402
from server_harness import (  # noqa: E402
    APP,
    EMPTY_APP,
    EMPTY_TEXT,
    IDLE,
    RANKING,
    VIEWPORT,
    Server,
    cpu_seconds,
    launch_chromium,
    memory_kib,
    wait_quiet,
)


def _locator(page, ready: str):
    return page.get_by_text(ready) if ready == EMPTY_TEXT else page.locator(ready)


def _driver(
    sessions: int,
    url: str,
    ready: str,
    timeout_s: float,
    start: threading.Barrier,
    out: list,
    launched: threading.Event,
) -> None:
    """One thread, one Playwright, one Chromium: Playwright's sync API is not shared across threads."""
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            # Every page is opened before the barrier and navigated right after it, so all
            # sessions of all drivers start together.
            contexts = []
            for _ in range(sessions):
                ctx = browser.new_context(viewport=VIEWPORT)
                page = ctx.new_page()
                contexts.append((ctx, page))
            launched.set()
            start.wait(timeout=120)
            t0 = time.perf_counter()
            for _, page in contexts:  # navigations start without waiting for each other
                page.evaluate("url => { window.location.href = url; }", url)
            pending = {i: page for i, (_, page) in enumerate(contexts)}
            results = {i: {"error": None, "render_s": None} for i in pending}
            deadline = t0 + timeout_s
            while pending and time.perf_counter() < deadline:  # bounded by --timeout
                for i, page in list(pending.items()):
                    try:
                        if _locator(page, ready).first.is_visible():
                            results[i]["render_s"] = time.perf_counter() - t0
                            del pending[i]
                    except Exception:  # the page is still navigating
                        pass
                contexts[0][1].wait_for_timeout(25)
            for i in pending:
                results[i]["error"] = f"no render within {timeout_s:g} s"
            idle_deadline = time.perf_counter() + timeout_s
            for i, (_, page) in enumerate(contexts):
                if results[i]["error"]:
                    continue
                try:
                    left = max(1.0, idle_deadline - time.perf_counter()) * 1000
                    page.wait_for_selector(IDLE, timeout=left)
                    page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=left)
                    exc = page.get_by_test_id("stException")
                    if exc.count():
                        results[i]["error"] = "exception: " + exc.first.inner_text()[:300]
                except Exception as err:
                    results[i]["error"] = f"{type(err).__name__}: {str(err).splitlines()[0][:300]}"
            out.extend(results.values())
            for ctx, _ in contexts:
                ctx.close()
            browser.close()
    except Exception as err:  # the browser itself failed: count its sessions as failed
        launched.set()
        out.extend({"error": f"driver: {type(err).__name__}: {err}", "render_s": None} for _ in range(sessions))


def _warm_up(url: str, ready: str, timeout_s: float) -> None:
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        _locator(page, ready).first.wait_for(state="visible", timeout=timeout_s * 1000)
        page.wait_for_selector(IDLE, timeout=timeout_s * 1000)
        context.close()
        browser.close()


def _percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def run(url: str, pid: int | None, sessions: int, browsers: int, ready: str, timeout_s: float, warm: bool) -> int:
    if warm:
        _warm_up(url, ready, timeout_s)
    before_mem = memory_kib(pid) if pid else {}
    browsers = max(1, min(browsers, sessions))
    shares = [sessions // browsers + (1 if i < sessions % browsers else 0) for i in range(browsers)]
    start = threading.Barrier(browsers + 1)
    launched = [threading.Event() for _ in shares]
    outs: list[list] = [[] for _ in shares]
    threads = [
        threading.Thread(target=_driver, args=(n, url, ready, timeout_s, start, outs[i], launched[i]), daemon=True)
        for i, n in enumerate(shares)
    ]
    for t in threads:
        t.start()
    for ev in launched:
        ev.wait(timeout=120)
    if pid:
        wait_quiet(pid)
    cpu0 = cpu_seconds(pid) if pid else None
    peak_rss = before_mem.get("VmRSS", 0)
    wall0 = time.perf_counter()
    start.wait(timeout=120)
    while any(t.is_alive() for t in threads) and time.perf_counter() - wall0 < 3 * timeout_s + 60:
        if pid:  # sample VmRSS too: VmHWM of an attached server may predate this run
            peak_rss = max(peak_rss, memory_kib(pid).get("VmRSS", 0))
        time.sleep(0.05)
    for t in threads:
        t.join(timeout=30)
    cpu = (wait_quiet(pid) - cpu0) if pid and cpu0 is not None else None
    wall = time.perf_counter() - wall0
    results = [r for out in outs for r in out]
    renders = [r["render_s"] for r in results if r["render_s"] is not None]
    errors = [r["error"] for r in results if r["error"]]

    print(f"sessions: {len(results)} at once ({' + '.join(map(str, shares))} over {browsers} Chromium)")
    if renders:
        print(
            f"first render: p50 {statistics.median(renders) * 1e3:.0f} ms, p95 {_percentile(renders, 95) * 1e3:.0f} ms,"
            f" max {max(renders) * 1e3:.0f} ms ({len(renders)} rendered)"
        )
    print(f"wall time of the whole run: {wall:.1f} s")
    if pid:
        after = memory_kib(pid)
        print(f"server CPU: {cpu:.2f} s in all, {cpu / max(1, len(results)) * 1e3:.0f} ms per session")
        print(
            f"server memory: peak {max(peak_rss, after.get('VmRSS', 0)) / 1024:.0f} MiB sampled VmRSS,"
            f" VmHWM {after.get('VmHWM', 0) / 1024:.0f} MiB;"
            f" VmRSS {before_mem.get('VmRSS', 0) / 1024:.0f} MiB before, {after.get('VmRSS', 0) / 1024:.0f} MiB after"
        )
    print(f"sessions with errors: {len(errors)}")
    for e in errors[:10]:
        print(f"  - {e}")
    return 1 if errors or len(results) != sessions else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=10, help="concurrent sessions (default 10)")
    ap.add_argument("--url", help="a running server on 127.0.0.1 (default: start one)")
    ap.add_argument("--pid", type=int, help="with --url: the server's process id, for its CPU and memory")
    ap.add_argument("--empty", action="store_true", help="start an empty Streamlit app instead (reference)")
    ap.add_argument("--app", type=Path, default=APP, help="the app.py to start (default: this checkout's)")
    ap.add_argument("--browsers", type=int, default=2, help="Chromium processes sharing the sessions (default 2)")
    ap.add_argument("--ready", help="CSS selector of the first render (default: the ranking table)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds a session may take to render")
    ap.add_argument("--no-warm-up", dest="warm", action="store_false", help="skip the warm-up session")
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= 100:
        ap.error("--sessions must be between 1 and 100")

    if args.url:
        host = urllib.parse.urlsplit(args.url).hostname
        if host not in ("127.0.0.1", "localhost", "::1"):
            ap.error("only a loopback server may be loaded (127.0.0.1)")
        ready = args.ready or RANKING
        return run(args.url, args.pid, args.sessions, args.browsers, ready, args.timeout, args.warm)

    app = args.app.resolve()
    server = Server(source=EMPTY_APP, name="empty") if args.empty else Server(app, name="app", cwd=app.parent)
    ready = args.ready or (EMPTY_TEXT if args.empty else RANKING)
    with server:
        print(f"server: {server.url} (pid {server.pid})", flush=True)
        code = run(server.url + "/", server.pid, args.sessions, args.browsers, ready, args.timeout, args.warm)
        if code and "Traceback" in server.log_text():
            sys.stderr.write(server.log_text()[-4000:])
        return code


if __name__ == "__main__":
    sys.exit(main())
