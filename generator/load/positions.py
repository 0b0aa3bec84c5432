"""Where each value stands: locations (``Path_``), line and column pairs (``Pos``) and the ``Positions`` tables.

Locations are tuples shared by every document (``shared_path``).
"""

from __future__ import annotations

from array import array
from collections.abc import ItemsView, Iterable, Iterator, Mapping
from typing import Any

Path_ = tuple[str | int, ...]
Pos = tuple[int, int]

_PATHS: dict[Path_, Path_] = {}  # one tuple per distinct location, shared by every document
_MAX_PATHS = 200_000


def shared_path(loc: Path_) -> Path_:
    """``loc`` as the one tuple every document uses for it (thousands of records share their field paths)."""
    found = _PATHS.get(loc)
    if found is None:
        if len(_PATHS) >= _MAX_PATHS:  # only a saving: past a bound, tuples are no longer shared
            return loc
        _PATHS[loc] = found = loc
    return found


class Positions(Mapping[Path_, Pos]):
    """Location -> (line, column): a read-only table kept small, since every record keeps one for its findings.

    The locations are tuples shared across documents (``shared_path``) and the positions sit in one array of
    machine integers, instead of a dict of a tuple and a position per value (most of what a loaded record
    weighed). A lookup scans the locations, which is fast for a record's few hundred values; a big table gets
    an index on its first lookup.
    """

    __slots__ = ("_index", "_numbers", "_paths")
    _INDEXED = 512  # more locations than this: looked up through a dict

    def __init__(self, items: Iterable[tuple[Path_, Pos]] = ()) -> None:
        paths: list[Path_] = []
        numbers = array("I")
        for loc, (line, column) in items:
            paths.append(shared_path(tuple(loc)))
            numbers.append(line)
            numbers.append(column)
        self._paths: tuple[Path_, ...] = tuple(paths)
        self._numbers = numbers
        self._index: dict[Path_, int] | None = None

    @classmethod
    def of(cls, paths: list[Path_], numbers: array[int]) -> Positions:
        """A table over ``paths`` (shared, no repeats) and their line, column pairs in ``numbers``."""
        table = cls.__new__(cls)
        table._paths, table._numbers, table._index = tuple(paths), numbers, None
        return table

    def _find(self, loc: Any) -> int:
        paths = self._paths
        if len(paths) > self._INDEXED:
            if self._index is None:
                self._index = {path: i for i, path in enumerate(paths)}
            return self._index.get(loc, -1)
        try:
            return paths.index(loc)
        except ValueError:
            return -1

    def __getitem__(self, loc: Path_) -> Pos:
        i = self._find(loc)
        if i < 0:
            raise KeyError(loc)
        return (self._numbers[2 * i], self._numbers[2 * i + 1])

    def get(self, loc: Path_, default: Any = None) -> Any:
        i = self._find(loc)
        return default if i < 0 else (self._numbers[2 * i], self._numbers[2 * i + 1])

    def __contains__(self, loc: object) -> bool:
        return self._find(loc) >= 0

    def __iter__(self) -> Iterator[Path_]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def items(self) -> ItemsView[Path_, Pos]:
        return _PositionItems(self)

    def pairs(self) -> Iterator[tuple[Path_, Pos]]:
        numbers = self._numbers
        for i, path in enumerate(self._paths):
            yield path, (numbers[2 * i], numbers[2 * i + 1])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Positions) and self._paths == other._paths and self._numbers == other._numbers:
            return True
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Positions({dict(self.items())!r})"

    def __reduce__(self) -> Any:
        return (Positions.of, (list(self._paths), self._numbers))


class _PositionItems(ItemsView[Path_, Pos]):
    _mapping: Positions

    def __iter__(self) -> Iterator[tuple[Path_, Pos]]:
        return self._mapping.pairs()
