"""The charts' fixed style: colours (and the dark scheme's), text sizes, margins, matplotlib's geometry and settings.

Charts read in both colour schemes of the site: the background is transparent, and a style sheet
inside the SVG redraws the black ink (text, axes, the target line) light, and the blue brighter, where
the image is shown in a dark colour scheme (``prefers-color-scheme: dark`` inside an image follows the
``color-scheme`` of the page around it, which Material's dark "slate" scheme sets).
"""

from __future__ import annotations

from typing import Any

BLUE, ORANGE, VERMILLION, GREY, BLACK = "#0072B2", "#E69F00", "#D55E00", "#999999", "#000000"  # Okabe-Ito
SKY_BLUE, LIGHT_INK, LIGHT_LINE = "#56B4E9", "#E6E8EC", "#C9CCD3"  # the dark scheme's blue (Okabe-Ito) and ink
# Text sizes in points of a WIDTH-inch figure. The site shows a chart at its natural width (WIDTH x 96 px) or
# narrower, never narrower than NARROWEST_PX (partnerbook.css; a phone scrolls it sideways), so the smallest
# text, SMALL points, is at least SMALL x NARROWEST_PX / (WIDTH x 72) = 9 px high on any screen.
TEXT, SMALL, TITLE = 9.5, 9.0, 11.0
NARROWEST_PX = 432
_RC = {  # what matplotlib's SVG renderer and font finder read: ids from a fixed salt, text kept as text
    "svg.hashsalt": "partnerbook", "svg.fonttype": "none", "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"], "font.size": TEXT,
}
# Inside the SVG: where the page around the image is dark, the ink turns light and the blue brighter. Inline
# styles of matplotlib name colours in lower case; black text has no fill of its own (SVG's default).
_DARK_STYLE = (
    '<style type="text/css">@media (prefers-color-scheme: dark){'
    f'text{{fill:{LIGHT_INK}}}'
    f'[style*="fill: #000000"]{{fill:{LIGHT_INK} !important}}'
    f'[style*="stroke: #000000"]{{stroke:{LIGHT_LINE} !important}}'
    f'[style*="fill: {BLUE.lower()}"]{{fill:{SKY_BLUE} !important}}'
    f'[style*="stroke: {BLUE.lower()}"]{{stroke:{SKY_BLUE} !important}}'
    '}</style>\n').encode("ascii")
# Margins are set in inches from measured label widths: a layout engine would draw every chart twice.
WIDTH = 6.0
TITLE_IN, PANEL_TITLE_IN, XAXIS_IN, LEGEND_IN, PAD_IN = 0.4, 0.26, 0.48, 0.3, 0.12
LINE_IN = TITLE / 72 * 1.25  # one more line of a title that wraps
PT = 72.0  # points per inch: the SVG's unit
# matplotlib's geometry, in points: ticks 3.5 long and 0.8 wide with their labels 3.5 beyond, axis labels 4 beyond
# the tick labels, axes titles 6 above the axes, spines 0.8 wide; lines 1.5 wide, marker edges 1.0, patch edges 1.0.
TICK, TICK_PAD, LABEL_PAD, TITLE_PAD, SPINE = 3.5, 3.5, 4.0, 6.0, 0.8
LINE, MARKER_EDGE, PATCH_EDGE = 1.5, 1.0, 1.0
DASHES = (3.7, 1.6)  # matplotlib's "--", in line widths


def _use_chart_style() -> None:
    """Put partnerbook's chart settings into matplotlib's rcParams (once: they then stay).

    Charts are drawn in partnerbook's own processes, where nothing else uses matplotlib, so the
    settings are set once and checked each time.
    """
    import matplotlib

    params: Any = matplotlib.rcParams  # typed with literal keys; _RC holds valid ones
    if any(params[key] != value for key, value in _RC.items()):
        params.update(_RC)
