"""One loaded record (``Document``): its data and the position tables its findings are placed with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.load.positions import Path_, Pos, Positions
from generator.problems import Problem, Severity


def _positions(value: Any) -> Positions:
    return value if isinstance(value, Positions) else Positions(dict(value.items()).items())


class ReleasedData(dict[str, Any]):
    """A document's data once the records were computed from it (``Document.release``): reading it is a bug.

    It is empty; a lookup raises instead of answering as if the record had no such field.
    """

    def _released(self, *_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the document's data was released once the records were computed")

    __getitem__ = get = __contains__ = __iter__ = keys = values = items = _released  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        return (ReleasedData, ())


@dataclass
class Document:
    """One loaded record: its data and where every key and value stands (``Positions`` tables)."""

    path: str
    data: dict[str, Any]
    values: Positions = field(default_factory=Positions)
    keys: Positions = field(default_factory=Positions)
    literal: frozenset[Path_] = frozenset()  # values written as '|' block scalars

    def __post_init__(self) -> None:
        if not isinstance(self.values, Positions) or not isinstance(self.keys, Positions):
            self.values, self.keys = _positions(self.values), _positions(self.keys)  # given as dicts

    def release(self) -> None:
        """Let the data go, keeping the positions: once the records are typed and checked, findings need only
        these (every record's data is a good part of what a computed portfolio weighs)."""
        self.data = ReleasedData()

    def where_in_text(self, loc: Path_, offset: int) -> Pos:
        """Position of character ``offset`` inside the text value at ``loc``."""
        line, column = self.where(loc)
        if loc not in self.literal:
            return (line, column)
        text = self.data_at(loc)
        if not isinstance(text, str):
            return (line, column)
        return (line + text.count("\n", 0, offset), column)

    def data_at(self, loc: Path_) -> Any:
        node: Any = self.data
        for step in loc:
            node = node[step]
        return node

    def where(self, loc: Path_, *, key: bool = False) -> Pos:
        """Line and column (1-based) of ``loc``, or of its nearest known parent."""
        values = self.values
        table = self.keys if key else values
        for end in range(len(loc), -1, -1):
            sub = tuple(loc[:end])
            found = table.get(sub)
            if found is None and table is not values:
                found = values.get(sub)
            if found is not None:
                return found  # type: ignore[no-any-return]
        return (1, 1)

    def problem(
        self,
        loc: Path_,
        rule: str,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        severity: Severity = Severity.ERROR,
        **extra: Any,
    ) -> Problem:
        line, column = self.where(loc, key=key)
        return Problem(self.path, line, column, rule, severity, message, hint, **extra)
