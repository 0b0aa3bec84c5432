"""The chart cache travels between machines and is checked, never trusted (generator/draw/chart_draw.py).

A chart file is named by the hash of what it shows (spec, drawing version, matplotlib version), so a
cache restored on another machine (CI's cache action, say) is reused without drawing a chart. Its index is
sealed with the other machine's key, so its files are checked instead: a file under a chart's name is used
only when it holds nothing but what partnerbook draws and names its own key; anything else is drawn again
and never reaches the site.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY, copy_base

from generator import cache_key
from generator.draw import chart_draw
from generator.draw.chart_check import MAX_BYTES, PROLOG, safe_svg
from generator.draw.chart_draw import draw
from generator.draw.charts import ChartSpec
from generator.site import build as site

DAY = date.fromisoformat(TODAY)
MARK = "pwned-by-cache"


def _tree(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _machine(monkeypatch: pytest.MonkeyPatch, home: Path) -> bytes:
    """Act as the machine whose cache home is ``home`` (its own key, no CI secret)."""
    monkeypatch.delenv(cache_key.CACHE_KEY_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return cache_key.machine_key()


def _spec() -> ChartSpec:
    return ChartSpec("revenue-share", "Share of partner revenue, all campaigns (HHI 0.51)", "alt", (
        ("currency", "EUR"), ("rows", (("Kiln Packaging", 0.5625, 9000.0), ("Stripe Payments", 0.4375, 7000.0))),
        ("text", (("axis", "Share of partner revenue (%; revenue in EUR)"), ("na", "n/a"))), ("locale", "en")))


# ---------------------------------------------------------------------------- the check


def test_a_drawn_chart_passes_the_check_under_its_own_key_only() -> None:
    spec = _spec()
    svg = draw(spec)
    assert safe_svg(svg, spec.key())
    assert f"<dc:identifier>partnerbook chart {spec.key()}</dc:identifier>".encode() in svg
    assert not safe_svg(svg, "0" * 16), "a chart filed under another chart's name is drawn again"


def test_the_prolog_is_the_one_matplotlib_writes() -> None:
    from matplotlib.backends.backend_svg import svgProlog

    assert svgProlog.encode("ascii") == PROLOG


def _poison(svg: bytes, how: str) -> bytes:
    text = svg.decode("utf-8")
    body = text[len(PROLOG):]
    marker = re.search(r'xlink:href="#(m[0-9a-f]+)"', text)
    assert marker is not None
    poisons = {
        "script": lambda: text.replace("</svg>", f"<script>alert('{MARK}')</script></svg>"),
        "script in a namespace": lambda: text.replace(
            "</svg>", f'<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert("{MARK}")</h:script></svg>'),
        "onload": lambda: text.replace("<svg ", f"<svg onload=\"alert('{MARK}')\" ", 1),
        "onclick on a path": lambda: text.replace("<path ", f"<path onclick=\"alert('{MARK}')\" ", 1),
        "external href": lambda: text.replace(f'xlink:href="#{marker.group(1)}"',
                                              f'xlink:href="https://{MARK}.example/x.svg#{marker.group(1)}"', 1),
        "javascript link": lambda: text.replace(
            "</svg>", f'<a xlink:href="javascript:alert(\'{MARK}\')"><text x="1" y="1">x</text></a></svg>'),
        "image": lambda: text.replace("</svg>", f'<image xlink:href="https://{MARK}.example/p.png"/></svg>'),
        "foreignObject": lambda: text.replace(
            "</svg>", f'<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">{MARK}</div></foreignObject></svg>'),
        "style url": lambda: text.replace('style="fill: #0072b2"', f'style="fill: url(https://{MARK}.example/#a)"', 1),
        "style import": lambda: text.replace("*{stroke-linejoin",
                                             f"@import url(https://{MARK}.example/a.css);*{{stroke-linejoin", 1),
        "entity bomb": lambda: PROLOG.decode().replace(
            '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">',
            '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [<!ENTITY a "' + MARK + '">'
            + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9)) + "]>")
            + body.replace("</text>", "&j;</text>", 1),
        "second doctype": lambda: PROLOG.decode() + f'<!DOCTYPE x [<!ENTITY e "{MARK}">]>' + body,
        "external entity": lambda: PROLOG.decode() + f'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/{MARK}">]>'
            + body.replace("</text>", "&e;</text>", 1),
        "use of a group": lambda: text.replace("</svg>", f'<g id="{MARK}"/><use xlink:href="#{MARK}"/></svg>'),
        "too big": lambda: text.replace("</svg>", "<g>" + " " * MAX_BYTES + "</g></svg>"),
        "processing instruction": lambda: text.replace(
            "</svg>", f'<?xml-stylesheet href="https://{MARK}.example/s.css"?></svg>'),
    }
    return poisons[how]().encode("utf-8")


POISONS = ["script", "script in a namespace", "onload", "onclick on a path", "external href", "javascript link",
           "image", "foreignObject", "style url", "style import", "entity bomb", "second doctype", "external entity",
           "use of a group", "too big", "processing instruction"]


@pytest.mark.parametrize("how", POISONS)
def test_a_poisoned_chart_fails_the_check(how: str) -> None:
    spec = _spec()
    poisoned = _poison(draw(spec), how)
    assert poisoned != draw(spec)
    assert not safe_svg(poisoned, spec.key()), how


def test_damaged_or_foreign_files_fail_the_check() -> None:
    spec = _spec()
    svg = draw(spec)
    for data in (b"", svg[: len(svg) // 2], svg.replace(PROLOG, b""), b"\x00" * 100, PROLOG + b"<svg/>",
                 svg.replace(b"</svg>", b"</svg><svg/>"), svg.replace(b"<text ", b"<text onmouseover='x' ", 1)):
        assert not safe_svg(data, spec.key())


# ---------------------------------------------------------------------------- a restored cache


def test_a_cache_restored_on_another_machine_is_reused_with_no_chart_drawn(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first = copy_base(tmp_path / "first")
    key_a = _machine(monkeypatch, tmp_path / "machine-a")
    built = site.build_site(first, DAY)
    assert built.charts_drawn == built.charts >= 3
    clean = _tree(first / "site")

    # Another machine restores the chart cache (as CI's cache action does) into a fresh checkout.
    second = copy_base(tmp_path / "second")
    shutil.copytree(first / ".partnerbook" / "cache" / "charts", second / ".partnerbook" / "cache" / "charts")
    key_b = _machine(monkeypatch, tmp_path / "machine-b")
    assert key_a != key_b
    assert chart_draw.load_index(second / ".partnerbook" / "cache" / "charts") == {}, "the index is foreign here"
    checks: list[str] = []
    real = chart_draw.safe_svg

    def counted(data: bytes, key: str) -> bool:
        checks.append(key)
        return real(data, key)

    monkeypatch.setattr(chart_draw, "safe_svg", counted)

    report = site.build_site(second, DAY)

    assert report.charts == built.charts
    assert report.charts_drawn == 0, "every restored chart is used"
    assert len(checks) == report.charts, "each one checked, none trusted"
    assert _tree(second / "site") == clean
    # Checked once: this machine's index now vouches for them.
    checks.clear()
    partner = second / "partners" / "kiln-packaging" / "partner.yaml"
    partner.write_text(partner.read_text(encoding="utf-8").replace("handmade ceramics", "hand-thrown ceramics"),
                       encoding="utf-8")  # a change that no chart shows: the build plans its charts again
    again = site.build_site(second, DAY)
    assert not again.unchanged
    assert (again.charts_drawn, checks) == (0, [])


def test_a_poisoned_chart_under_the_right_name_is_redrawn_and_never_reaches_the_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_root = copy_base(tmp_path / "clean")
    _machine(monkeypatch, tmp_path / "machine-a")
    site.build_site(clean_root, DAY)
    clean = _tree(clean_root / "site")
    charts = sorted((clean_root / ".partnerbook" / "cache" / "charts").glob("*.svg"))

    root = copy_base(tmp_path / "restored")
    cache = root / ".partnerbook" / "cache" / "charts"
    cache.mkdir(parents=True)
    hows = ["script", "onload", "external href", "entity bomb", "foreignObject", "style url"]
    for index, chart in enumerate(charts):
        data = chart.read_bytes()
        (cache / chart.name).write_bytes(_poison(data, hows[index % len(hows)]) if index < len(hows) else data)
    _machine(monkeypatch, tmp_path / "machine-b")

    report = site.build_site(root, DAY)

    assert report.charts_drawn == min(len(hows), len(charts))
    assert _tree(root / "site") == clean
    assert not [path for path in root.rglob("*") if path.is_file() and MARK.encode() in path.read_bytes()
                and ".partnerbook" not in path.parts]
    for chart in charts:
        assert (cache / chart.name).read_bytes() == chart.read_bytes(), "redrawn over the poisoned file"
