"""Problems found in a repository: where they are, how bad they are, and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cim.speed import compact_pickle


class Severity(StrEnum):
    """An error makes a file invalid; a warning only explains something the reader should know."""

    ERROR = "error"
    WARNING = "warning"


@compact_pickle
@dataclass(slots=True)
class Problem:
    """One finding, located as precisely as the source allows (lines and columns count from 1)."""

    file: str
    line: int
    column: int
    message: str
    severity: Severity = Severity.ERROR

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": str(self.severity),
            "message": self.message,
        }

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"
