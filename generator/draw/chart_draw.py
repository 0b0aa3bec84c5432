"""Drawing of chart specs into deterministic SVG files, and the content-addressed cache that keeps them.

A spec (generator/draw/charts.py) holds everything a chart depends on, so the file
``<key>.svg`` is drawn once and never again while the data is the same. Charts are
drawn in a fixed style (hash salt, text kept as text, no math text, no dates; generator/draw/chart_style.py),
so the same spec gives the same bytes in every process and on every machine with the same
matplotlib; missing charts are drawn in a pool of processes. Names in charts come from
records: matplotlib's SVG writer escapes them, and text is never parsed as math, so a
``$`` stays a dollar sign. Each kind of chart is laid out in generator/draw/chart_layouts.py and drawn
straight onto matplotlib's SVG renderer (generator/draw/chart_sheet.py).

The cache folder is as untrusted as the rest of the repository's folder, and may have been restored
from another machine (CI's cache): a chart file is checked, never trusted. It is used when ``index.json``
(sealed with this machine's key, generator/cache_key.py) holds the SHA-256 of its bytes, which it does
only for files drawn or checked here; any other file under a chart's name is read as XML without a DTD
and used only if it holds nothing but what partnerbook draws (``safe_svg``, generator/draw/chart_check.py:
the elements, attributes and styles matplotlib writes, no script, event handler, link or external
reference, within a size bound) and names its own key; otherwise, or when damaged, a symlink or a folder,
it is drawn again. A file that passes is safe to show but may say anything a chart can say: the cache is
as trustworthy as the place it was restored from.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from generator import cache_key, workdir
from generator.draw.chart_check import MAX_BYTES, safe_svg
from generator.draw.chart_layouts import _DRAWERS
from generator.draw.chart_sheet import KEY
from generator.draw.chart_style import _DARK_STYLE, TEXT, _use_chart_style
from generator.draw.chart_text import _text_width
from generator.draw.charts import ChartSpec

INDEX = "index.json"  # key -> SHA-256 of the chart's bytes, for files drawn or checked here; sealed
_PURPOSE = b"charts"
PARALLEL_MIN = 8  # below this many charts to draw, a process pool costs more than it saves


def draw(spec: ChartSpec) -> bytes:
    """The chart as SVG bytes: the same spec gives the same bytes in every process.

    The background is transparent, and the SVG carries its own style for a dark page (``_DARK_STYLE``).
    """
    _use_chart_style()
    svg = _DRAWERS[spec.kind](spec.title, {**dict(spec.data), KEY: spec.key()}).svg()
    end = svg.rindex(b"</svg>")
    return svg[:end] + _DARK_STYLE + svg[end:]


def draw_to(job: tuple[ChartSpec, Path]) -> None:
    """Draw ``spec`` into ``path`` atomically (readers see the whole file or none)."""
    spec, path = job
    workdir.write_atomic(path, draw(spec))  # exclusive temporary file, renamed over whatever was there


def warm_up() -> None:
    """Import what drawing needs (and load the font) once, so forked workers share it."""
    from matplotlib import markers, ticker  # noqa: F401
    from matplotlib.backends import backend_svg  # noqa: F401

    _use_chart_style()
    _text_width(["warm"], TEXT)


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

# ---------------------------------------------------------------------------- the cache

def _digest(path: Path) -> str | None:
    data = workdir.read_regular(path, MAX_BYTES)
    return hashlib.sha256(data).hexdigest() if data is not None else None


def load_index(cache_dir: Path) -> dict[str, str]:
    """The sealed index of the chart cache (key -> SHA-256), empty when missing, damaged or foreign."""
    body = cache_key.unpack(_PURPOSE, workdir.read_regular(cache_dir / INDEX))
    try:
        index = json.loads(body) if body is not None else {}
    except ValueError:
        return {}
    if not isinstance(index, dict):
        return {}
    return {key: digest for key, digest in index.items() if type(digest) is str and len(digest) == 64}


def _save_index(cache_dir: Path, index: dict[str, str]) -> None:
    body = json.dumps(index, sort_keys=True).encode("utf-8")
    workdir.write_atomic(cache_dir / INDEX, cache_key.pack(_PURPOSE, body))


def record_charts(cache_dir: Path, paths: dict[str, Path], drawn: Iterable[Path]) -> None:
    """Seal the index of the charts in ``paths`` after the ``drawn`` ones were (re)drawn."""
    old = load_index(cache_dir)
    index = {key: old[key] for key in paths if key in old}
    for path in drawn:
        digest = _digest(path)
        if digest is not None:
            index[path.stem] = digest
        else:
            index.pop(path.stem, None)
    if index != old:
        _save_index(cache_dir, index)


def plan_charts(specs: Iterable[ChartSpec], cache_dir: Path) -> tuple[dict[str, Path], list[tuple[ChartSpec, Path]]]:
    """Every chart's path ``cache_dir/<key>.svg``, and the (spec, path) jobs of those to draw.

    A chart file is used when the sealed index holds the digest of its bytes, or when it passes
    ``safe_svg`` (a cache restored from another machine, say); the index then records it, so it is
    checked once. Every other chart is drawn.
    """
    os.makedirs(cache_dir, exist_ok=True)
    index = load_index(cache_dir)
    paths: dict[str, Path] = {}
    missing: list[tuple[ChartSpec, Path]] = []
    checked: dict[str, str] = {}
    for spec in specs:
        key = spec.key()
        if key in paths:
            continue
        path = paths[key] = cache_dir / f"{key}.svg"
        data = workdir.read_regular(path, MAX_BYTES)
        digest = hashlib.sha256(data).hexdigest() if data is not None else None
        if digest is None or (digest != index.get(key) and not safe_svg(data or b"", key)):
            missing.append((spec, path))
        elif digest != index.get(key):
            checked[key] = digest
    if checked:
        _save_index(cache_dir, {**index, **checked})
    return paths, missing


def _quiet_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: no traceback from workers


def render_charts(specs: Iterable[ChartSpec], cache_dir: Path, jobs: int | None = None) -> dict[str, Path]:
    """Every chart as ``cache_dir/<key>.svg``, drawing only the missing ones (in parallel when many)."""
    paths, missing = plan_charts(specs, cache_dir)
    workers = min(jobs or _cpus(), len(missing))
    if len(missing) > PARALLEL_MIN and workers > 1:
        with ProcessPoolExecutor(workers, initializer=_quiet_worker) as pool:
            list(pool.map(draw_to, missing, chunksize=max(1, len(missing) // (workers * 4))))
    else:
        for job in missing:
            draw_to(job)
    record_charts(cache_dir, paths, [path for _, path in missing])
    return paths
