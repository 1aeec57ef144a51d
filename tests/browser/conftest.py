"""Real-browser fixtures: one ``streamlit run app.py`` per session, Debian's Chromium, UI helpers.

Recipe and pitfalls: /work/shared/guides/browser-testing.md. In short:

* Playwright cannot download its own browsers here, so Chromium comes from the system
  (``CHROMIUM_PATH``, else ``chromium`` on PATH); the path is only given to Chromium runs.
* The server runs on a free port on 127.0.0.1 with its own shortlist database and cache
  folder, so the tests never touch a real user's saved shortlists.
* ``st.dataframe`` draws on a canvas; glide keeps an accessible ``table[role=grid]`` of the
  rows in view, which :meth:`Ui.grid_column` reads.
* Right after an action the app can still report "notRunning", so every wait for idle is
  paired with a retrying assertion on the new content.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Download, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT = 30_000  # ms; generous for a cold server on 2 shared cores

_saved_xdg_cache: str | None = None
_xdg_cache_dir: str | None = None


def pytest_configure(config):
    """Keep Playwright's and Chromium's cache writes (~/.cache) in a temporary folder."""
    global _saved_xdg_cache, _xdg_cache_dir
    _saved_xdg_cache = os.environ.get("XDG_CACHE_HOME")
    _xdg_cache_dir = tempfile.mkdtemp(prefix="browser-tests-cache-")
    os.environ["XDG_CACHE_HOME"] = _xdg_cache_dir


def pytest_unconfigure(config):
    if _saved_xdg_cache is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = _saved_xdg_cache
    if _xdg_cache_dir:
        shutil.rmtree(_xdg_cache_dir, ignore_errors=True)


# ---- pytest-playwright configuration ------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_name):
    if browser_name != "chromium":  # never hand a Chromium binary to Firefox or WebKit
        return browser_type_launch_args
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "accept_downloads": True, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture
def context(context):
    # Without the File System Access API, st.dataframe's toolbar export falls back to a download.
    context.add_init_script("delete window.showSaveFilePicker;")
    context.set_default_timeout(TIMEOUT)
    return context


# ---- the app under test -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(tmp: Path, env: dict[str, str] | None = None, args: list[str] | None = None) -> Iterator[dict]:
    """``streamlit run app.py`` on a free port with its own folders; yields its URL, log and process."""
    log = tmp / "server.log"
    (tmp / "cache").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp / "cache"),
        "XDG_DATA_HOME": str(tmp / "data-home"),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *(args or []),
    ]
    url = f"http://127.0.0.1:{port}"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start (exit {proc.poll()}):\n{log.read_text()}")
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                        if r.read() == b"ok":
                            break
                except OSError:
                    pass
                time.sleep(0.2)
            yield {"url": url, "port": port, "log": log, "proc": proc}
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """The app as one local user runs it (no sign-in), with its own SQLite shortlist file."""
    tmp = tmp_path_factory.mktemp("streamlit")
    db = tmp / "shortlists.sqlite3"
    with running_app(tmp, {"SPINE_SHORTLISTS_DB": str(db), "SPINE_DATABASE_URL": ""}) as server:
        yield {**server, "db": db}


@pytest.fixture(scope="session")
def app_url(app_server) -> str:
    return app_server["url"]


@pytest.fixture(scope="session")
def shipped_count() -> int:
    """How many facility files the repository ships (the Compare page should rank them all)."""
    return len(list((ROOT / "data" / "facilities").glob("*/*.yaml")))


# ---- UI helpers -----------------------------------------------------------------------


class Ui:
    """What a user does on the dashboard, with waits that retry until the page shows the result."""

    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.sidebar = page.get_by_test_id("stSidebar")

    # navigation and waiting
    def goto(self, path: str = "/", expect_text: str | None = "Options shown") -> None:
        self.page.goto(self.base_url + path, wait_until="domcontentloaded")
        if expect_text:
            expect(self.page.get_by_text(expect_text).first).to_be_visible(timeout=60_000)
        self.idle()

    def idle(self, timeout: int = TIMEOUT) -> None:
        self.page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]',
            timeout=timeout,
        )
        expect(self.page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout)
        self.no_exception()

    def no_exception(self) -> None:
        exc = self.page.get_by_test_id("stException")
        if exc.count():
            raise AssertionError("the app raised an exception:\n" + exc.first.inner_text())

    def nav(self, title: str, expect_text: str) -> None:
        self.sidebar.get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
        expect(self.page.get_by_text(expect_text).first).to_be_visible(timeout=TIMEOUT)
        self.idle()

    def wait_until(self, check: Callable[[], bool], message: str, timeout: float = TIMEOUT / 1000) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(message)
            self.page.wait_for_timeout(150)

    # widgets
    def combobox(self, label: str, scope: Locator | None = None) -> Locator:
        return (scope or self.page).get_by_role("combobox", name=label, exact=True)

    def choose(
        self, label: str, option: str | re.Pattern, scope: Locator | None = None, typed: str | None = None
    ) -> None:
        """Pick an option in a selectbox as a user does: click it, type a few letters, click the option."""
        box = self.combobox(label, scope)
        box.click()
        box.fill(typed if typed is not None else str(option)[:6])
        self.page.get_by_role("option", name=option, exact=isinstance(option, str) or None).click()
        expect(box).to_have_value(option)
        self.idle()

    def toggle(self, label: str, scope: Locator | None = None) -> Locator:
        """Flip an st.toggle by clicking its label (the hidden input itself is covered)."""
        (scope or self.sidebar).get_by_test_id("stCheckbox").filter(has_text=label).get_by_text(label).click()
        return (scope or self.sidebar).get_by_role("switch", name=label)

    def segment(self, label: str, option: str) -> None:
        """Click one option of an st.segmented_control (a radio group)."""
        radio = self.page.get_by_role("radiogroup", name=label).get_by_role("radio", name=option, exact=True)
        radio.click()
        expect(radio).to_be_checked()
        self.idle()

    def multiselect_add(self, label: str, option: str, typed: str | None = None) -> None:
        box = self.combobox(label, self.sidebar)
        box.click()
        box.fill(typed if typed is not None else option[:5])
        self.page.get_by_role("option", name=option, exact=True).click()
        self.page.keyboard.press("Escape")
        self.idle()
        assert option in self.multiselect_values(label)

    def multiselect_values(self, label: str, scope: Locator | None = None) -> list[str]:
        """The chosen values (tags) shown in a multiselect."""
        widget = (
            (scope or self.sidebar)
            .get_by_test_id("stMultiSelect")
            .filter(has=self.page.get_by_role("combobox", name=label, exact=True))
        )
        tags = widget.locator(".react-aria-ComboBox").get_by_role("group", name="Selected values")
        return tags.locator("[data-tag]").all_inner_texts()

    def metric(self, label: str) -> Locator:
        return self.page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")

    # dataframes (canvas); glide's accessible table has the header and the rows in view
    def grid(self, where: str | Locator = "ranking") -> Locator:
        """The ranking grid (a keyed widget), a grid with a column headed ``where``, or ``where`` itself."""
        if isinstance(where, Locator):
            return where
        if where == "ranking":
            return self.page.locator(".st-key-ranking").get_by_test_id("stDataFrame")
        return self.page.get_by_test_id("stDataFrame").filter(
            has=self.page.locator(f'th[role="columnheader"]:text-is("{where}")')
        )

    def grid_headers(self, where: str | Locator = "ranking") -> list[str]:
        """The headers of the columns in view (glide's accessible table holds only those)."""
        return self.grid(where).locator('table[role="grid"] th[role="columnheader"]').all_inner_texts()

    def all_grid_headers(self, where: str | Locator = "ranking") -> list[str]:
        """Every column header, in order: a grid wider than the page is scrolled across (and back)."""
        # A handle, not a locator: a grid found by a header's text stops matching once scrolled past it.
        grid = self.grid(where).element_handle()
        read = """g => Object.fromEntries(Array.from(g.querySelectorAll('table[role="grid"] th[role="columnheader"]'),
                                                 th => [th.getAttribute("aria-colindex"), th.innerText]))"""
        headers = grid.evaluate(read)
        scroller = grid.query_selector(".dvn-scroller")
        while scroller is not None and not scroller.evaluate("e => e.scrollLeft + e.clientWidth >= e.scrollWidth - 1"):
            scroller.evaluate("e => { e.scrollLeft += e.clientWidth / 2 }")
            for _ in range(20):  # glide redraws its accessible table a moment after the scroll
                self.page.wait_for_timeout(100)
                seen = grid.evaluate(read)
                if seen.keys() - headers.keys():
                    break
            headers |= seen
        if scroller is not None:
            scroller.evaluate("e => { e.scrollLeft = 0 }")
        return [headers[i] for i in sorted(headers, key=int)]

    def grid_column(self, header: str, where: str | Locator = "ranking") -> list[str]:
        """Cells of one column for the rows glide has in view (the accessible table is virtualised)."""
        grid = self.grid(where)
        expect(grid.locator('td[role="gridcell"]').first).to_be_attached(timeout=TIMEOUT)
        th = grid.locator(f'th[role="columnheader"]:text-is("{header}")')
        expect(th).to_have_count(1)
        col = th.get_attribute("aria-colindex")
        return grid.locator(f'td[role="gridcell"][aria-colindex="{col}"]').all_inner_texts()

    def ranked_names(self) -> list[str]:
        return self.grid_column("Facility")

    def click_cell(self, grid: Locator, row: int, x: float, scroll: bool = True) -> None:
        """Click a body cell of a glide grid, ``x`` pixels from its left edge (the grid is a canvas)."""
        if scroll:
            grid.scroll_into_view_if_needed()
        box = grid.locator("canvas").first.bounding_box()
        assert box is not None
        row_height = 35  # Streamlit's default row (and header) height
        y = box["y"] + row_height * (row + 1) + row_height / 2
        assert y < box["y"] + box["height"], f"row {row} is not in view"
        # Hover first: right after a selectbox was used, glide ignores a click that arrives without one.
        self.page.mouse.move(box["x"] + x, y)
        self.page.wait_for_timeout(100)
        self.page.mouse.click(box["x"] + x, y)

    def select_rows(self, rows: list[int]) -> None:
        """Tick the ranking's selection checkboxes (first column, drawn on the canvas) of the given rows."""
        self.grid().scroll_into_view_if_needed()
        for row in rows:  # each tick reruns the app; nothing above the grid moves meanwhile
            self.click_cell(self.grid(), row, x=16, scroll=False)
        self.idle()

    # downloads
    def download(self, label: str, target_dir: Path) -> Path:
        # A download click reruns the app; a second click that lands mid-rerun is lost, so wait first.
        self.idle()
        button = self.page.get_by_test_id("stDownloadButton").get_by_role("button", name=re.compile(re.escape(label)))
        try:
            with self.page.expect_download(timeout=TIMEOUT // 2) as info:
                button.click()
            dl: Download = info.value
        except PlaywrightTimeoutError:
            # A button built lazily (data=callable) can miss a click made while the page still
            # settles on a loaded machine; a person clicks again, and so does the test, once.
            self.idle()
            with self.page.expect_download(timeout=TIMEOUT) as info:
                button.click()
            dl = info.value
        path = target_dir / dl.suggested_filename
        dl.save_as(path)
        return path

    def uploader(self, label: str = "Upload a facility YAML or a price CSV") -> Locator:
        return self.page.get_by_test_id("stFileUploader").filter(has_text=label)

    def upload(self, path: Path, label: str = "Upload a facility YAML or a price CSV") -> None:
        self.uploader(label).locator('input[type="file"]').set_input_files(str(path))

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def ui(page: Page, app_url: str) -> Ui:
    page.set_default_timeout(TIMEOUT)
    return Ui(page, app_url)


@pytest.fixture
def new_ui(context, app_url) -> Callable[[], Ui]:
    """A second tab (a new Streamlit session) in the same browser context."""

    def make() -> Ui:
        p = context.new_page()
        p.set_default_timeout(TIMEOUT)
        return Ui(p, app_url)

    return make
