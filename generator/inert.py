"""Record text made inert for terminals, CI logs and files: control characters are shown, never obeyed.

Every line partnerbook prints (``validate``, ``alerts``, ``kpis``, in every format) carries names and
values from the records repository: file and folder names, YAML keys, partner names, messages. A
carriage return, an escape sequence or a bidi override in them would rewrite what the terminal
shows, and a newline would start a line of its own, which GitHub Actions reads as a workflow
command when it starts with ``::``. So each field is passed through ``shown`` (every control,
format and line-separator character written as an escape such as ``\\n``, ``\\x1b``, ``\\u202e``)
and every plain-text line of a GitHub report through ``guard_line``.
"""

from __future__ import annotations

import re
import unicodedata

_UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Characters json.dumps(ensure_ascii=False) leaves raw that a terminal or a JavaScript parser obeys.
_JSON_RAW = re.compile("[\\x7f-\\x9f\\u061c\\u200b-\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2060-\\u2069\\ufeff]")


def escape_char(char: str) -> str:
    """One character as a visible escape: ``\\n``, ``\\x1b``, ``\\u202e``, ``\\U000e0001``."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown(text: object) -> str:
    """``text`` on one line, every control, format or line-separator character written as an escape."""
    value = "" if text is None else str(text)
    if value.isprintable():
        return value
    return "".join(escape_char(c) if unicodedata.category(c) in _UNPRINTABLE else c for c in value)


def guard_line(line: str) -> str:
    """A plain-text line GitHub Actions cannot read as a workflow command (``::cmd::``, ``##[cmd]``)."""
    bare = line.lstrip()
    if bare.startswith(("::", "##[")):
        return "\\" + line
    return line


def json_output(text: str) -> str:
    """JSON text with the characters ``ensure_ascii=False`` leaves raw (C1 controls, bidi) written as escapes.

    They can only occur inside JSON strings, where an escape such as ``\\u202e`` means the same character.
    """
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
