"""Checking a chart file restored from elsewhere: ``safe_svg`` admits only what matplotlib's SVG renderer writes.

The chart cache (generator/draw/chart_draw.py) may have been restored from another machine; a file in it
that its sealed index does not vouch for is put in the site only when it passes this check.
"""

from __future__ import annotations

import functools
import re

from generator.draw.chart_sheet import IDENTITY
from generator.draw.chart_style import _DARK_STYLE

MAX_BYTES = 1 << 20  # a chart file is a few dozen kB; a larger file under a chart's name is drawn again
# What matplotlib's SVG renderer writes first: the XML declaration and the SVG 1.1 doctype (no internal subset).
PROLOG = (b'<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
          b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
          b'  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n')
_SVG, _XLINK = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}"
_RDF, _CC, _DC = ("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}", "{http://creativecommons.org/ns#}",
                  "{http://purl.org/dc/elements/1.1/}")
_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?"
_ID = r"[A-Za-z0-9_-]{1,64}"
# Each attribute matplotlib writes, as a pattern of its whole value: numbers, path data, local references,
# and inline styles of plain properties (no parentheses: no url(), no expression(); no backslash escapes).
_VALUES = {
    "id": _ID, "x": _NUMBER, "y": _NUMBER, "width": rf"{_NUMBER}(?:pt)?", "height": rf"{_NUMBER}(?:pt)?",
    "viewBox": rf"{_NUMBER} {_NUMBER} {_NUMBER} {_NUMBER}", "version": r"1\.1", "type": r"text/css",
    "d": r"[MLQCZz0-9.e \n+-]*", "style": r"[A-Za-z0-9#:;,.%' -]*", "clip-path": rf"url\(#{_ID}\)",
    "transform": rf"(?:(?:translate|rotate|scale)\({_NUMBER}(?: {_NUMBER}){{0,2}}\) ?)*",
    f"{_XLINK}href": rf"#{_ID}", f"{_RDF}resource": r"http://purl\.org/dc/dcmitype/StillImage",
}
_ELEMENTS = {  # element -> the attributes it may have
    f"{_SVG}svg": {"width", "height", "viewBox", "version"}, f"{_SVG}g": {"id", "clip-path"},
    f"{_SVG}defs": set(), f"{_SVG}style": {"type"}, f"{_SVG}path": {"id", "d", "style", "clip-path"},
    f"{_SVG}use": {f"{_XLINK}href", "x", "y", "style"}, f"{_SVG}text": {"style", "x", "y", "transform"},
    f"{_SVG}clipPath": {"id"}, f"{_SVG}rect": {"x", "y", "width", "height"}, f"{_SVG}metadata": set(),
    f"{_RDF}RDF": set(), f"{_CC}Work": set(), f"{_DC}type": {f"{_RDF}resource"}, f"{_DC}format": set(),
    f"{_DC}identifier": set(),
}
_STYLES = {"*{stroke-linejoin: round; stroke-linecap: butt}", _DARK_STYLE.decode("ascii").split(">", 1)[1]
           .rsplit("<", 1)[0]}  # matplotlib's default style and the dark scheme's


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {name: re.compile(pattern) for name, pattern in _VALUES.items()}


def safe_svg(data: bytes, key: str) -> bool:
    """Whether ``data`` is a chart file partnerbook could have drawn for ``key``, and so safe to put in the site.

    The file must be at most MAX_BYTES, start with matplotlib's prolog and hold no other declaration
    (no DTD, so no entity to expand), parse as XML, and contain only the elements, attributes and styles
    matplotlib's SVG renderer writes for a chart (``_ELEMENTS``, ``_VALUES``, ``_STYLES``): no script,
    foreignObject, image, link, event handler or external reference; a ``use`` may only repeat a marker
    path of the file. Its metadata must name ``key``, so a chart filed under another chart's name is
    drawn again.
    """
    import xml.etree.ElementTree as ET

    if len(data) > MAX_BYTES or not data.startswith(PROLOG):
        return False
    body = data[len(PROLOG):]
    if b"<!" in body or b"<?" in body:  # a second doctype, an entity, CDATA or a processing instruction
        return False
    try:
        root = ET.fromstring(body)
    except (ET.ParseError, ValueError, RecursionError):
        return False
    if root.tag != f"{_SVG}svg":
        return False
    patterns, markers, uses, identities = _patterns(), set(), [], []
    for parent in root.iter():
        for element in parent:  # what is inside a defs may be used; nothing else is
            if parent.tag == f"{_SVG}defs" and element.tag == f"{_SVG}path" and "id" in element.attrib:
                markers.add(element.attrib["id"])
    for element in root.iter():
        allowed = _ELEMENTS.get(element.tag)
        if allowed is None or not set(element.attrib) <= allowed:
            return False
        if any(not patterns[name].fullmatch(value) for name, value in element.attrib.items()):
            return False
        text = element.text or ""
        if element.tag == f"{_SVG}style" and text not in _STYLES:
            return False
        if element.tag == f"{_DC}identifier":
            identities.append(text)
        elif element.tag not in (f"{_SVG}text", f"{_SVG}style", f"{_DC}format") and text.strip():
            return False
        if (element.tail or "").strip():
            return False
        if element.tag == f"{_SVG}use":
            uses.append(element.attrib.get(f"{_XLINK}href", "")[1:])
    return identities == [IDENTITY.format(key=key)] and all(use in markers for use in uses)
