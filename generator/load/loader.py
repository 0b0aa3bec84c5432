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

The pieces live in modules of their own: ``scalars`` (how a plain scalar is typed), ``positions`` (where
each value stands), ``document`` (the loaded record) and ``safe_read`` (reading a file without following
links).
"""

from __future__ import annotations

import sys
from array import array
from pathlib import Path
from typing import Any

import yaml

from generator.i18n import _
from generator.load.document import Document
from generator.load.positions import Path_, Pos, Positions, shared_path
from generator.load.safe_read import MAX_BYTES, _too_large, read_record
from generator.load.scalars import resolve_plain
from generator.problems import Problem, Severity, printable

MAX_DEPTH = 32
_SHARED_MAX = 100  # strings up to this length are interned when read (sys.intern): records repeat them

try:  # pragma: no branch - the C parser ships in PyYAML's wheels
    _Parser: Any = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - only without libyaml
    _Parser = yaml.BaseLoader


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


def load_file(file: Path, display: str, *, root: Path | None = None) -> tuple[Document | None, list[Problem]]:
    """Read and load one record file under ``root`` (default: its own folder); unreadable files become problems."""
    data, problems = read_record(file.parent if root is None else root, file, display)
    if data is None:
        return None, problems
    return load_bytes(data, display)


def _codepoint(character: int | str) -> int:
    return ord(character) if isinstance(character, str) else character
