"""Validation problems: what is wrong, and exactly where (file, line, field)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    """An error quarantines the record; a warning (e.g. a stale figure) does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in the data, formatted as ``file:line: field: message``."""

    file: str
    line: int
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        tag = "" if self.severity is Severity.ERROR else "warning: "
        return f"{self.file}:{self.line}: {self.field}: {tag}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


class DataError(Exception):
    """Raised when a file cannot be read at all; carries the problems found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
