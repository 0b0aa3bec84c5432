"""Problems are data: every finding is a small frozen record collected into a result."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

# Characters that change how a line reads in a terminal, a log or a CI annotation: C0/C1 controls
# (newline, escape), format characters (bidi overrides, zero-width) and the Unicode line separators.
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def printable(text: str, limit: int | None = None) -> str:
    """``text`` with every control or format character written as an escape (``\\n``, ``\\x1b``, ``\\u202e``).

    Names and values from the records repository pass through here before they become part of a
    finding's path or message, so a file name or YAML key cannot start a new output line, move
    the cursor or inject a CI workflow command. ``limit`` shortens long values (with "...").
    """
    if limit is not None and len(text) > limit:
        text = text[:limit] + "..."
    if text.isprintable():
        return text
    out = []
    for char in text:
        if unicodedata.category(char) in _UNPRINTABLE_CATEGORIES:
            code = ord(char)
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(
                char, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"))
        else:
            out.append(char)
    return "".join(out)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Kind(StrEnum):
    """What a finding means for the build.

    A ``record`` problem means the tool cannot understand the file (syntax,
    types, ids, references): it stops ``build``. A ``policy`` finding (a missing
    document, a missing clause) fails ``validate`` in CI but the site is still
    built, because the site is where people see and fix it.
    """

    RECORD = "record"
    POLICY = "policy"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about one place in one file."""

    file: str
    line: int | None
    column: int | None
    rule: str
    severity: Severity
    message: str
    hint: str = ""
    kind: Kind = Kind.RECORD
    # Words of ``message`` that count days from today (as ``Alert.relative``, generator/alerts/model.py).
    relative: tuple[str, ...] = field(default=(), compare=False)

    def location(self) -> str:
        """``path:line:column`` (as much of it as is known)."""
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class Result:
    """Every problem found in one run, across all files."""

    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def sorted(self) -> list[Problem]:
        return sorted(
            set(self.problems),
            key=lambda p: (p.file, p.line or 0, p.column or 0, p.rule, p.message),
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def blocking(self) -> list[Problem]:
        """Errors that stop a build: the records cannot be understood."""
        return [p for p in self.errors if p.kind is Kind.RECORD]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))
