"""Charts drawn straight onto matplotlib's SVG renderer look as matplotlib's artists would draw them.

generator/draw/chart_sheet.py skips Figure, Axes and artists (a millisecond per tick, label or bar) and
hands the renderer what they would: these tests draw the same texts, ticks and labels both ways and
compare where they land, so a matplotlib that lays text out differently is noticed here.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from generator.draw import chart_sheet, chart_text
from generator.draw.chart_sheet import _Panel, _Sheet
from generator.draw.chart_style import BLACK, PT, SMALL, TEXT, WIDTH, _use_chart_style

HEIGHT = 3.0


def _texts(svg: bytes) -> list[tuple[str, float, float, str]]:
    """(text, x, y, style) of every <text>, in order."""
    found = re.findall(rb'<text style="([^"]*)" x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]*)</text>', svg)
    return [(text.decode(), float(x), float(y), style.decode()) for style, x, y, text in found]


def _figure() -> Any:
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    _use_chart_style()
    figure = Figure(figsize=(WIDTH, HEIGHT))
    FigureCanvasSVG(figure)
    return figure


def _svg(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, transparent=True)
    return buffer.getvalue()


def _sheet() -> _Sheet:
    return _Sheet({}, ("", TEXT, 0.0), HEIGHT)


@pytest.mark.parametrize("va", ["baseline", "top", "bottom", "center", "center_baseline"])
@pytest.mark.parametrize("rotation", [0, 45, 90])
def test_a_text_lands_where_a_text_artist_puts_it(va: str, rotation: int) -> None:
    words = ["Partner-driven", "12.5%", "Émile (Ågård) jpq", "n/a", "gen 26"]
    figure, sheet = _figure(), _sheet()
    for number, (word, ha) in enumerate(zip(words, ["left", "center", "right", "left", "center"], strict=True)):
        x, y, size = 40 + 70 * number, 60 + 25 * number, (SMALL, TEXT, 11.0)[number % 3]
        figure.text(x / (WIDTH * PT), y / (HEIGHT * PT), word, ha=ha, va=va, rotation=rotation,
                    rotation_mode="anchor", fontsize=size)
        sheet.text(x, y, word, size, ha=ha, va=va, rotation=rotation)
    expected, drawn = _texts(_svg(figure)), _texts(sheet.svg())
    assert [t[0] for t in drawn] == words
    assert [(t[0], t[3]) for t in drawn] == [(t[0], t[3]) for t in expected]
    for mine, theirs in zip(drawn, expected, strict=True):
        assert mine[1:3] == pytest.approx(theirs[1:3], abs=1e-4), mine[0]


def test_ticks_labels_and_titles_land_where_an_axes_puts_them() -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure, sheet = _figure(), _sheet()
    left, top, width, height = 0.9, 0.7, 3.5, 1.4
    ax = figure.add_axes((left / WIDTH, 1 - (top + height) / HEIGHT, width / WIDTH,
                          height / HEIGHT))
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, 0.37)
    ax.set_ylim(-3.2, 1250)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0%}"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:,.0f}"))
    ax.tick_params(labelsize=SMALL)
    ax.set_xlabel("Conversion rate (%)", fontsize=TEXT)
    ax.set_ylabel("days", fontsize=TEXT)
    ax.set_title("Response time", loc="left", fontsize=TEXT, y=1.0)
    ax.plot([0.05, 0.2], [100, 900], color=BLACK)

    panel = _Panel(sheet, left, top, width, height, xlim=ax.get_xlim(), ylim=ax.get_ylim())
    panel.xticks(chart_sheet._ticks(*panel.xlim, nbins=4, steps=[1, 2, 2.5, 5, 10]), lambda x: f"{x:.0%}")
    panel.yticks(chart_sheet._ticks(*panel.ylim, nbins=4), lambda y: f"{y:,.0f}")
    panel.xlabel("Conversion rate (%)")
    panel.ylabel("days")
    panel.title("Response time", loc="left")

    expected = sorted(_texts(_svg(figure)))
    drawn = sorted(_texts(sheet.svg()))
    assert [t[0] for t in drawn] == [t[0] for t in expected]
    for mine, theirs in zip(drawn, expected, strict=True):
        assert mine[1:3] == pytest.approx(theirs[1:3], abs=1e-4), mine[0]
        assert mine[3] == theirs[3]


def test_the_autoscaled_range_is_the_one_an_axes_picks() -> None:
    figure = _figure()
    for values in ([3.38, 7.81, 5.0], [2.0, 2.0], [0.0], [-4.5, 120.25], [99.1, 99.9, 99.5]):
        ax = figure.add_subplot()
        ax.plot(range(len(values)), values)
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        assert chart_sheet._autoscaled(values, nbins=4) == pytest.approx(ax.get_ylim(), abs=1e-12), values
        figure.delaxes(ax)


def test_a_text_ink_height_from_its_characters_is_matplotlib_measure_of_the_whole_text() -> None:
    import random
    import string

    rng = random.Random(14)
    alphabet = string.ascii_letters + string.digits + string.punctuation + " àèéìòùÀÉÇ°€£—…’“”ßøÆœΩЖ\u0301"
    texts = ["Partner-driven", "12.5% (9,000.00 EUR)", "Émile (Ågård) jpq", "n/a", "gen 26", " ", "°", "x\u0301",
             *("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(300))]
    for text in texts:
        assert chart_text._ink_height(text) == chart_text._ink(text)[1:], text
