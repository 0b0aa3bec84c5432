"""Load stage: read one YAML record defensively and keep every value's position.

Records are edited by many people, so they are read as untrusted input:

* only regular files inside the repository: every folder on the way and the file itself are
  opened without following symbolic links (``O_NOFOLLOW`` relative to the folder above), the
  file is opened non-blocking (a FIFO never hangs) and must be a regular file once open;
* strict UTF-8 (a BOM is fine), at most ``MAX_BYTES`` bytes, counted while reading;
* one document per file, with a mapping at the top;
* no anchors, aliases, merge keys or tags: nothing is ever constructed from a tag;
* duplicate keys are rejected, naming both lines;
* nesting deeper than ``MAX_DEPTH`` is rejected;
* scalars follow the YAML 1.2 core schema, not YAML 1.1: ``NO`` is the string
  "NO", ``010`` is 10 (never octal 8), ``12:30`` is the string "12:30" and dates
  stay text until the record types read them.

The tree is built from libyaml's event stream (PyYAML's C parser) by an
iterative loop. PyYAML's own C composer recurses once per nesting level and
takes the whole process down on extreme nesting; building from events needs no
recursion and lets the depth guard stop the parser early.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
import sys
from array import array
from collections.abc import ItemsView, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import i18n
from generator.i18n import _
from generator.problems import Problem, Severity, printable
from generator.workdir import kind_of

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
_SHARED_MAX = 100  # strings up to this length are interned when read (sys.intern): records repeat them
# A plain integer with more digits than this is "too large" without ever becoming an int: Python
# refuses to convert more than 4,300 digits, and no count, amount or day number needs 25.
MAX_NUMBER_DIGITS = 24

Path_ = tuple[str | int, ...]
Pos = tuple[int, int]

try:  # pragma: no branch - the C parser ships in PyYAML's wheels
    _Parser: Any = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - only without libyaml
    _Parser = yaml.BaseLoader


class YamlInt(int):
    """An integer read from a plain scalar; ``raw`` is the text as written.

    Most numbers are written the way Python writes them back (``42``): their text is not stored (an instance
    of this class has no ``__dict__``); ``_YamlIntText`` keeps any other text (``010``, ``+5``).
    """

    __slots__ = ()

    @property
    def raw(self) -> str:
        return int.__repr__(self)


class _YamlIntText(YamlInt):
    raw: str = ""  # type: ignore[assignment]  # replaced by the text as written, kept on the instance


class YamlFloat(float):
    """A float read from a plain scalar; ``raw`` is the text as written (stored as ``YamlInt`` does)."""

    __slots__ = ()

    @property
    def raw(self) -> str:
        return float.__repr__(self)


class _YamlFloatText(YamlFloat):
    raw: str = ""  # type: ignore[assignment]


class YamlTooLarge(str):
    """A plain scalar written as a number with more than ``MAX_NUMBER_DIGITS`` digits.

    It stays text (text fields keep it as written) and number fields refuse it as too large.
    """

    raw: str


_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_SPECIAL_FLOATS = {
    ".inf": math.inf, "+.inf": math.inf, ".Inf": math.inf, "+.Inf": math.inf,
    ".INF": math.inf, "+.INF": math.inf, "-.inf": -math.inf, "-.Inf": -math.inf,
    "-.INF": -math.inf, ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}


def resolve_plain(text: str) -> Any:
    """Resolve a plain (unquoted) scalar by the YAML 1.2 core schema."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT.match(text):
            if len(text.lstrip("+-").lstrip("0")) > MAX_NUMBER_DIGITS:
                big = YamlTooLarge(text)
                big.raw = text
                return big
            number: Any = YamlInt(text)
            if int.__repr__(number) == text:
                return number
            number = _YamlIntText(text)
        elif _FLOAT.match(text):
            number = YamlFloat(text)
            if float.__repr__(number) == text:
                return number
            number = _YamlFloatText(text)
        elif text in _SPECIAL_FLOATS:
            number = _YamlFloatText(_SPECIAL_FLOATS[text])
        else:
            return text
        number.raw = text
        return number
    return text


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


class _Frame:
    __slots__ = ("container", "first_keys", "key_pos", "path", "pending_key", "start")

    def __init__(self, container: Any, path: Path_, start: Pos) -> None:
        self.container = container
        self.path = path
        self.start = start
        self.pending_key: str | None = None
        self.key_pos: Pos = (1, 1)
        self.first_keys: dict[str, int] = {}


class _Stop(Exception):
    """Parsing must end here (the problem is already recorded)."""


def _pos(event: Any) -> Pos:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1)


def _line_col(data: bytes, offset: int) -> Pos:
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    return (data.count(b"\n", 0, offset) + 1, column)


class _Builder:
    """Turns libyaml events into plain values plus position tables."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        # Where each value and key stands, in the order they were read (see Positions).
        self.value_paths: list[Path_] = []
        self.value_numbers = array("I")
        self.key_paths: list[Path_] = []
        self.key_numbers = array("I")
        self.root_pos: Pos = (1, 1)
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.root_seen = False
        self.literal: set[Path_] = set()
        self.lines: list[bytes] | None = None
        self.data = b""

    def fail(self, pos: Pos, rule: str, message: str, hint: str) -> None:
        self.problems.append(
            Problem(self.path, pos[0], pos[1], rule, Severity.ERROR, message, hint)
        )

    def check_node(self, event: Any, pos: Pos) -> None:
        if event.anchor:
            self.fail(pos, "yaml-anchor", _("anchor '&{name}' is not allowed").format(name=event.anchor),
                      _("write the value out in full; anchors, aliases and merge keys are not supported"))
        if event.tag is not None:
            self.fail(pos, "yaml-tag", _("tag '{tag}' is not allowed").format(tag=event.tag),
                      _("remove the tag; records hold plain values only"))

    def place(self, value: Any, pos: Pos, as_key_text: str | None) -> None:
        """Put a finished value into the current container."""
        if not self.stack:
            self.root, self.root_seen = value, True
            self.value_at((), pos)
            return
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            loc = shared_path((*frame.path, len(frame.container)))
            frame.container.append(value)
            self.value_at(loc, pos)
            return
        if frame.pending_key is None:
            frame.pending_key = as_key_text or ""
            frame.key_pos = pos
            if frame.pending_key == "<<":
                self.fail(pos, "yaml-merge-key", _("merge keys ('<<') are not allowed"),
                          _("write the keys out in full"))
            return
        key = frame.pending_key
        frame.pending_key = None
        if key in frame.first_keys:
            first = frame.first_keys[key]
            self.fail(frame.key_pos, "yaml-duplicate-key",
                      _("duplicate key '{key}' (first defined on line {line})").format(key=printable(key, 64),
                                                                                      line=first),
                      _("keep one '{key}:' and delete the other").format(key=printable(key, 64)))
            return
        frame.first_keys[key] = frame.key_pos[0]
        frame.container[key] = value
        loc = shared_path((*frame.path, key))
        self.key_paths.append(loc)
        self.key_numbers.append(frame.key_pos[0])
        self.key_numbers.append(frame.key_pos[1])
        self.value_at(loc, pos)

    def value_at(self, loc: Path_, pos: Pos) -> None:
        if not loc:
            self.root_pos = pos
        self.value_paths.append(loc)
        self.value_numbers.append(pos[0])
        self.value_numbers.append(pos[1])

    def block_start(self, pos: Pos) -> Pos:
        """Where a '|' block scalar's first content line starts (its header is on ``pos``)."""
        self.literal.add(self.child_path())
        if self.lines is None:
            self.lines = self.data.split(b"\n")
        line = pos[0] + 1
        text = self.lines[line - 1] if line - 1 < len(self.lines) else b""
        return (line, len(text) - len(text.lstrip(b" ")) + 1)

    def child_path(self) -> Path_:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            return shared_path((*frame.path, len(frame.container)))
        return shared_path((*frame.path, frame.pending_key or ""))

    def open(self, container: Any, event: Any) -> None:
        pos = _pos(event)
        self.check_node(event, pos)
        if self.stack and isinstance(self.stack[-1].container, dict) and self.stack[-1].pending_key is None:
            self.fail(pos, "yaml-complex-key", _("a mapping key must be plain text"),
                      _("write keys as simple names such as 'name:'"))
            raise _Stop
        if len(self.stack) >= MAX_DEPTH:
            self.fail(pos, "yaml-too-deep", *_too_deep())
            raise _Stop
        self.stack.append(_Frame(container, self.child_path(), pos))

    def close(self) -> None:
        frame = self.stack.pop()
        if not self.stack:
            self.root, self.root_seen = frame.container, True
            self.value_at((), frame.start)
            return
        self.place(frame.container, frame.start, None)


def _deep_flow_offset(data: bytes) -> int | None:
    """Offset of the first '[' or '{' that opens flow level ``MAX_DEPTH + 1`` (outside quotes)."""
    depth = 0
    quote = 0
    for offset, byte in enumerate(data):
        if quote:
            if byte == quote:
                quote = 0
        elif byte in b"\"'":
            quote = byte
        elif byte in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                return offset
        elif byte in b"]}":
            depth = max(0, depth - 1)
    return None


def _build(data: bytes, path: str, *, retry_deep: bool = False) -> _Builder:
    builder = _Builder(path)
    builder.data = data
    parser = _Parser(data)
    documents = 0
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                break
            if isinstance(event, yaml.ScalarEvent):
                pos = _pos(event)
                builder.check_node(event, pos)
                text = event.value
                plain = event.style == "" or event.style is None
                value = resolve_plain(text) if plain else text
                if type(value) is str and len(value) <= _SHARED_MAX:
                    value = sys.intern(value)  # keys and short values repeat across records: one object each
                if event.style == "|" and builder.stack:
                    pos = builder.block_start(pos)
                builder.place(value, pos, text)
            elif isinstance(event, yaml.MappingStartEvent):
                builder.open({}, event)
            elif isinstance(event, yaml.SequenceStartEvent):
                builder.open([], event)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                builder.close()
            elif isinstance(event, yaml.AliasEvent):
                pos = _pos(event)
                builder.fail(pos, "yaml-alias", _("alias '*{name}' is not allowed").format(name=event.anchor),
                             _("write the value out in full; anchors and aliases are not supported"))
                builder.place(None, pos, None)
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    builder.fail(_pos(event), "yaml-multiple-documents",
                                 _("the file holds more than one YAML document"),
                                 _("keep one record per file; remove the '---' separator and what follows"))
                    raise _Stop
    except _Stop:
        pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "nesting depth" in str(exc.problem) and not retry_deep:
            # libyaml scans flow brackets ahead of its events and gives up at its own
            # limit, before the builder's depth guard sees them: parse again up to the
            # bracket that passes MAX_DEPTH so the guard reports the exact spot.
            cut = _deep_flow_offset(data)
            if cut is not None:
                again = _build(data[: cut + 1], path, retry_deep=True)
                if any(p.rule == "yaml-too-deep" for p in again.problems):
                    return again
            builder.fail(pos, "yaml-too-deep", *_too_deep())
            return builder
        builder.fail(pos, *_syntax_message(exc, data, pos))
    except yaml.reader.ReaderError as exc:
        builder.fail(_line_col(data, exc.position), "yaml-encoding",
                     _("character U+{code} is not allowed in YAML ({reason})").format(
                         code=f"{_codepoint(exc.character):04X}", reason=exc.reason),
                     _("remove the control character; save the file as plain UTF-8 text"))
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml always marks its errors
        builder.fail((1, 1), "yaml-syntax", _("YAML error: {error}").format(error=exc), _("fix the YAML syntax"))
    return builder


def _too_deep() -> tuple[str, str]:
    return (_("nesting deeper than {levels} levels").format(levels=MAX_DEPTH),
            _("records need only a few levels; flatten this structure"))


def _syntax_message(exc: yaml.MarkedYAMLError, data: bytes, pos: Pos) -> tuple[str, str, str]:
    problem = exc.problem or "invalid YAML"
    lines = data.split(b"\n")
    line = lines[pos[0] - 1] if pos[0] - 1 < len(lines) else b""
    indent = line[: len(line) - len(line.lstrip(b" \t"))]
    if b"\t" in indent or line[pos[1] - 1 : pos[1]] == b"\t":
        return ("yaml-tab", _("tab character where YAML expects spaces"),
                _("indent with spaces, never tabs (set your editor to insert spaces)"))
    # The parser's own words (libyaml's, in English) are quoted as they are.
    context = f" {exc.context}" if exc.context else ""
    return ("yaml-syntax", _("YAML syntax error: {problem}").format(problem=f"{problem}{context}"),
            _("check indentation, the ':' after each key and matching quotes and brackets"))


def _too_large(path: str, size: int, max_bytes: int) -> Problem:
    return Problem(path, 1, 1, "yaml-too-large", Severity.ERROR, _size_message(size, max_bytes),
                   _("split the record or move long texts to linked documents"))


def _size_message(size: int, limit: int) -> str:
    return _("file is {size} bytes, more than the {limit} allowed").format(size=i18n.number(size),
                                                                         limit=i18n.number(limit))


def load_bytes(data: bytes, path: str, *, max_bytes: int = MAX_BYTES) -> tuple[Document | None, list[Problem]]:
    """Load one record from bytes; ``path`` is the name used in messages."""

    def fail(pos: Pos, rule: str, message: str, hint: str) -> tuple[None, list[Problem]]:
        return None, [Problem(path, pos[0], pos[1], rule, Severity.ERROR, message, hint)]

    if len(data) > max_bytes:
        return None, [_too_large(path, len(data), max_bytes)]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return fail((1, 1), "yaml-encoding", _("file is UTF-16, not UTF-8"),
                    _("save the file as UTF-8"))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return fail(_line_col(data, exc.start), "yaml-encoding",
                    _("invalid UTF-8 byte 0x{byte}").format(byte=f"{data[exc.start]:02x}"),
                    _("save the file as UTF-8 text"))
    if not data.strip():
        return fail((1, 1), "yaml-empty", _("file is empty"),
                    _("write the record's fields as 'key: value' lines, or delete the file"))
    builder = _build(data, path)
    if builder.problems:
        return None, builder.problems
    if not builder.root_seen or builder.root is None:
        return fail((1, 1), "yaml-empty", _("file holds no record (only comments or an empty document)"),
                    _("write the record's fields as 'key: value' lines, or delete the file"))
    if not isinstance(builder.root, dict):
        message = (_("the top of the file is a list, not a mapping") if isinstance(builder.root, list) else
                   _("the top of the file is a single value, not a mapping"))
        return fail(builder.root_pos, "yaml-not-mapping", message,
                    _("a record is a mapping of fields, e.g. 'name: Kiln Packaging'"))
    return Document(path, builder.root, Positions.of(builder.value_paths, builder.value_numbers),
                    Positions.of(builder.key_paths, builder.key_numbers), frozenset(builder.literal)), []


class UnsafeFile(Exception):
    """A path partnerbook refuses to read: a symbolic link, a folder, a device, a FIFO or a socket.

    ``message`` is a translated sentence naming the file as ``{path}`` (and ``fields``): :meth:`text`
    fills them in.
    """

    def __init__(self, message: str, hint: str, path: str = "", **fields: str) -> None:
        self.message = message
        self.hint = hint
        self.fields = fields
        super().__init__(self.text(path or _("the file")))

    def text(self, path: str) -> str:
        """The message about the file shown as ``path``."""
        return self.message.format(path=path, **self.fields)


class FileTooLarge(Exception):
    """The file holds more than the bytes allowed; ``size`` is what ``fstat`` reported (at least the limit + 1)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(_size_message(size, limit))
        self.size = size
        self.limit = limit


def link_hint() -> str:
    return _("replace the link with the file or folder itself (records are read from the repository only)")


def link_message(path: Path, root: Path) -> str:
    """What to say about a symbolic link (a sentence naming it ``{path}``), never where it points."""
    try:
        target = Path(os.path.realpath(path))
        inside = target.is_relative_to(Path(os.path.realpath(root)))
    except (OSError, ValueError):
        inside = False
    if inside:
        return _("{path} is a symbolic link; partnerbook reads only plain files and folders")
    return _("{path} is a symbolic link to outside the repository")


_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)


def read_in_root(root: Path, file: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of ``file``, a regular file under ``root``, reading at most ``max_bytes + 1`` bytes.

    Every folder from ``root`` down and the file itself are opened relative to the one above with
    ``O_NOFOLLOW``, so a symbolic link anywhere on the way (even one swapped in after the folder
    was listed) is refused, never followed. The file is opened non-blocking and checked with
    ``fstat`` once open: a FIFO, device or socket is refused without a read. Raises
    :class:`UnsafeFile` for a refused path, :class:`FileTooLarge` past ``max_bytes`` (counted
    while reading, not taken from ``stat``) and ``OSError`` for an unreadable one.
    """
    rel = file.relative_to(root)
    parts = rel.parts
    shown = printable(rel.as_posix())
    if not parts or any(part in ("", ".", "..") for part in parts):
        raise UnsafeFile(_("{path} is not a file inside the repository"),
                         _("records live under partners/ and campaigns/"), shown)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            try:
                next_fd = os.open(part, _OPEN_FILE if last else _OPEN_DIR, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    where = root.joinpath(*parts[: depth + 1])
                    try:
                        mode = os.lstat(where).st_mode
                    except OSError:
                        raise exc from None
                    if stat.S_ISLNK(mode):
                        raise UnsafeFile(link_message(where, root), link_hint(), shown) from None
                    if not last and not stat.S_ISDIR(mode):
                        raise UnsafeFile(_("'{part}' on the way to {path} is {kind}, not a folder"),
                                         _("records live in plain folders"), shown, part=printable(part),
                                         kind=kind_of(mode)) from None
                raise
            os.close(fd)
            fd = next_fd
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, _("it is a folder, not a file"))
        if not stat.S_ISREG(mode):
            raise UnsafeFile(_("{path} is {kind}, not a regular file"), _("replace it with a plain YAML file"),
                             shown, kind=kind_of(mode))
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise FileTooLarge(max(os.fstat(fd).st_size, max_bytes + 1), max_bytes)
        return b"".join(chunks)
    finally:
        os.close(fd)


def unsafe_problem(display: str, exc: UnsafeFile) -> Problem:
    return Problem(display, None, None, "unsafe-file", Severity.ERROR, exc.text(display), exc.hint)


def read_record(root: Path, file: Path, display: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of one record file under ``root``, or None and the problem that says why not."""
    try:
        return read_in_root(root, file), []
    except UnsafeFile as exc:
        return None, [unsafe_problem(display, exc)]
    except FileTooLarge as exc:
        return None, [_too_large(display, exc.size, exc.limit)]
    except OSError as exc:
        return None, [Problem(display, None, None, "file-unreadable", Severity.ERROR,
                              _("cannot read file: {reason}").format(reason=exc.strerror or exc),
                              _("check the file's permissions"))]


def load_file(file: Path, display: str, *, root: Path | None = None) -> tuple[Document | None, list[Problem]]:
    """Read and load one record file under ``root`` (default: its own folder); unreadable files become problems."""
    data, problems = read_record(file.parent if root is None else root, file, display)
    if data is None:
        return None, problems
    return load_bytes(data, display)


def _codepoint(character: int | str) -> int:
    return ord(character) if isinstance(character, str) else character
