"""What every command-line command shares: the usage error, exit codes, output and progress."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from compare.data import load_dataset
from compare.problems import DataError

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad flags or files: reported in one line, exit code 2."""


def write(data: bytes, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None


def load(data_dir):
    try:
        return load_dataset(data_dir)
    except DataError as exc:
        raise UsageError(str(exc)) from None


@contextlib.contextmanager
def progress(description: str):
    """A progress bar on a terminal (standard error), nothing when piped; yields ``(done, total)`` callback."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@contextlib.contextmanager
def working(description: str):
    """A spinner on a terminal (standard error) while one long step runs; nothing when piped."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(description):
        yield
