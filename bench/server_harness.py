"""Shared pieces of the server benchmarks: a Streamlit server on loopback, its CPU, Chromium.

Used by ``bench_server.py`` (budgets, ``make bench``) and ``load.py`` (concurrent sessions).

* :class:`Server` runs ``streamlit run <script>`` headless on a free 127.0.0.1 port, usage
  statistics off, file watcher off, with a temporary ``SPINE_SHORTLISTS_DB`` and cache folder.
* :func:`cpu_seconds` is the server's own CPU (utime + stime of every thread, live or ended,
  from ``/proc/<pid>/stat``); :func:`wait_quiet` waits until it stops moving.
* :func:`launch_chromium` starts Debian's Chromium the way ``tests/browser/conftest.py`` does.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the browser tests' Chromium settings, shared

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

APP = ROOT / "app.py"
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 60_000

# The reference: the least a Streamlit app can be that still has a slider and a selectbox
# to rerun, so new sessions and reruns of both servers are measured the same way.
EMPTY_APP = """\
import streamlit as st

st.selectbox("Preset", ["one", "two", "three"], key="preset")
v = st.slider("Weight", 0, 10, 5, key="w")
st.write(f"Empty app ready: {v}")
"""
EMPTY_TEXT = "Empty app ready"
# The same with one data grid the size of the ranking table (157 rows, 23 columns, keyed like
# it): what any Streamlit app with a table pays before the table shows, for information.
GRID_APP = """\
import numpy as np
import pandas as pd
import streamlit as st

st.selectbox("Preset", ["one", "two", "three"], key="preset")
v = st.slider("Weight", 0, 10, 5, key="w")
rng = np.random.default_rng(v)
st.dataframe(pd.DataFrame(rng.random((157, 23)), columns=[f"c{i}" for i in range(23)]), key="ranking", on_select="rerun")
"""
RANKING = ".st-key-ranking [data-testid='stDataFrame']"

_TICK = os.sysconf("SC_CLK_TCK")
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (every thread, including threads that ended), in seconds."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK  # fields 14 and 15 of proc(5), counted from 1


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak resident set) of a process, in KiB."""
    out = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])
    return out


def wait_quiet(pid: int, settle: float = 0.15, limit: float = 5.0) -> float:
    """Wait until the process's CPU has not moved for ``settle`` seconds (at most ``limit``); return it."""
    deadline = time.monotonic() + limit
    last = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(settle)
        now = cpu_seconds(pid)
        if now == last:
            return now
        last = now
    return last


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run script`` on a free loopback port; use as a context manager."""

    def __init__(self, script: Path | None = None, *, source: str | None = None, name: str = "app", cwd: Path = ROOT):
        self.tmp = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
        if source is not None:
            script = self.tmp / f"{name}.py"
            script.write_text(source, encoding="utf-8")
        assert script is not None
        self.script = script
        self.cwd = cwd  # where .streamlit/config.toml is read from: the checkout's, for both servers
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.tmp / "server.log"
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> Server:
        (self.tmp / "cache").mkdir(exist_ok=True)
        env = {
            **os.environ,
            "SPINE_SHORTLISTS_DB": str(self.tmp / "shortlists.sqlite3"),
            "XDG_CACHE_HOME": str(self.tmp / "cache"),
            "XDG_DATA_HOME": str(self.tmp / "data-home"),
            "PYTHONUNBUFFERED": "1",
        }
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(self.script),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(self.port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ]
        with open(self.log, "wb") as fh:
            # The server is the process measured: exec it directly, not through a shell.
            self.proc = subprocess.Popen(cmd, cwd=self.cwd, env=env, stdout=fh, stderr=subprocess.STDOUT)
        return self

    def wait_healthy(self, limit: float = 60.0) -> None:
        deadline = time.monotonic() + limit
        while True:
            assert self.proc is not None
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.name}: streamlit did not start (exit {self.proc.poll()}):\n{self.log_text()}"
                )
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=1) as r:
                    if r.read() == b"ok":
                        return
            except OSError:
                pass
            time.sleep(0.2)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Server:
        if self.proc is None:
            self.start()
        self.wait_healthy()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def wait_idle(page, timeout: int = TIMEOUT_MS) -> None:
    """The script has finished and the "Running…" widget is gone (pair it with a check on new content)."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=timeout)


# A MutationObserver on stApp counts every script state the page shows, so a rerun too quick
# for a polling wait is still seen to start and finish.
_WATCH_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__runs = 0;
  if (window.__runObserver) window.__runObserver.disconnect();
  window.__runObserver = new MutationObserver(() => {
    const s = app.getAttribute('data-test-script-state');
    if (s === 'running' || s === 'rerunRequested') window.__runs += 1;
  });
  window.__runObserver.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def watch_reruns(page) -> None:
    page.evaluate(_WATCH_JS)


def wait_rerun_done(page, pid: int, timeout: int = TIMEOUT_MS) -> bool:
    """After an action: wait for a rerun to start (seen by the observer, at most 3 s) and end.

    Returns whether the start was seen. Either way the page is idle and the server's CPU has
    stopped moving when this returns, so the rerun's cost has been counted.
    """
    try:
        page.wait_for_function("window.__runs > 0", timeout=3_000)
        seen = True
    except Exception:  # too quick for the observer: the server's CPU tells when it is done
        seen = False
    wait_idle(page, timeout)
    wait_quiet(pid)
    return seen
