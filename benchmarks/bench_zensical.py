"""Benchmark ``zensical build`` of the generated site: does it build, with a search index, and how fast.

Usage:
    python benchmarks/bench_zensical.py [--partners 1000 5000] [--zensical PATH] [--campaigns 12]
                                        [--source REF] [--out benchmarks/out/bench-zensical]

Zensical is not a dependency of partnerbook: install it in a virtual environment of its own
(``python3 -m venv Z && Z/bin/pip install zensical``) and pass ``--zensical Z/bin/zensical``, or have
``zensical`` on PATH.

For every size in ``--partners`` it generates a portfolio (benchmarks/generate_portfolio.py) under
OUT/p<N>/portfolio, runs ``partnerbook build`` on it, then a cold ``zensical build --clean`` of the pages
partnerbook wrote (.partnerbook/docs) with the repository's own ``mkdocs.yml`` (the file the README says
Zensical reads), its ``docs_dir`` and ``site_dir`` pointed at the portfolio's pages and at
OUT/p<N>/zensical-site (Zensical refuses absolute paths there, so the copy, OUT/p<N>/mkdocs.yml, names
them relative to itself); partnerbook's own site/ stays as MkDocs built it. Both commands run under GNU
``/usr/bin/time -v``: wall clock and CPU (user + system). The report says whether Zensical succeeded,
whether it wrote its search index (site/search.json) and the largest search field of the site.

Zensical's search limit (measured with zensical 0.0.73; its message names it): one field of one search
item (a page section: the text from one heading to the next) may hold at most 2**30 / P token positions,
P being the number of search items of the whole site rounded up to a power of two: 32,768 tokens at
28,820 items (1,000 partners), 4,096 at 5,000 partners. Tokens are the text (tags left out) split at
Zensical's separator, the ``separator`` its search.json names. One field over the limit stops the build
(exit 1) and no search index is written. The largest field is read from Zensical's search.json when it
wrote one, else from MkDocs' (partnerbook's site/search/search_index.json has the same items).

``--source REF`` builds with the sources committed at REF (exported under OUT/src-<commit>) instead of
the installed partnerbook, e.g. to see the pages of an older commit refused. Everything goes to
OUT/results.json, each command's output to OUT/p<N>/logs/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from generate_portfolio import generate
from timing import TIME, export, measure, tool

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TODAY = date(2026, 11, 25)
# Zensical 0.0.73's token separator (the "separator" of the search.json it writes): whitespace, - _ , : ! = [ ] ( )
# \ " ` / and a full stop not followed by a digit.
SEPARATOR = re.compile(r"[\s\-_,:!=\[\]()\\\"`/]+|\.(?!\d)")
TAG = re.compile(r"<[^>]*>")
LIMIT_BITS = 30  # token positions per field: 2**30 over the item count rounded up to a power of two


def zensical_tokens(text: str) -> int:
    """Token positions Zensical counts for a search field (HTML tags are markup, not text)."""
    return sum(1 for token in SEPARATOR.split(TAG.sub(" ", text)) if token)


def zensical_limit(items: int) -> int:
    """The most token positions one field may hold in a site of ``items`` search items (page sections)."""
    return (1 << LIMIT_BITS) >> max(items - 1, 0).bit_length()


def largest_field(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The search field with the most tokens among ``items`` (entries of search.json or search_index.json)."""
    best: dict[str, Any] = {"tokens": 0, "location": None, "field": None}
    for item in items:
        for field in ("title", "text"):
            tokens = zensical_tokens(item.get(field) or "")
            if tokens > best["tokens"]:
                best = {"tokens": tokens, "location": item.get("location"), "field": field}
    return best


def _config(out: Path, portfolio: Path, site: Path) -> Path:
    """The repository's mkdocs.yml, its docs_dir and site_dir relative to OUT/p<N>/ where the copy is written."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    docs = (portfolio / ".partnerbook" / "docs").relative_to(out).as_posix()
    text = re.sub(r"(?m)^docs_dir: .*$", f"docs_dir: {docs}", text)
    text = re.sub(r"(?m)^site_dir: .*$", f"site_dir: {site.relative_to(out).as_posix()}", text)
    path = out / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path


def bench(partners: int, args: argparse.Namespace, partnerbook: list[str], zensical: str,
          env: dict[str, str]) -> dict[str, Any]:
    out = args.out.resolve() / f"p{partners}"
    portfolio, logs, zsite = out / "portfolio", out / "logs", out / "zensical-site"
    for folder in (portfolio, zsite, out / ".cache"):
        shutil.rmtree(folder, ignore_errors=True)
    logs.mkdir(parents=True, exist_ok=True)
    generate(portfolio, partners, args.campaigns)

    build = measure([*partnerbook, "build", "--root", str(portfolio), "--today", TODAY.isoformat()],
                    logs / "partnerbook-build.log", env=env)
    if build.exit:
        raise SystemExit(f"partnerbook build failed for {partners} partners: see {logs / 'partnerbook-build.log'}")
    mkdocs_items = json.loads((portfolio / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    pages = sum(1 for _ in (portfolio / ".partnerbook" / "docs").rglob("*.md"))

    config = _config(out, portfolio, zsite)
    log = logs / "zensical-build.log"
    run = measure([zensical, "build", "--clean", "-f", str(config)], log, cwd=out, env=env)
    index = zsite / "search.json"
    written = run.exit == 0 and index.is_file()
    items = json.loads(index.read_text(encoding="utf-8"))["items"] if written else mkdocs_items
    refused = [line.strip() for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
               if "exceeds the search index limit" in line]
    largest = largest_field(items)
    return {
        "partners": partners, "pages": pages, "search_items": len(items),
        "limit_tokens": zensical_limit(len(items)), "largest_field": largest,
        "largest_field_from": "zensical search.json" if written else "mkdocs search_index.json",
        "partnerbook_build": {"wall": build.wall, "cpu": build.cpu, "user": build.user, "sys": build.sys,
                              "max_rss_mb": build.rss_mb, "exit": build.exit},
        "zensical_build": {"wall": run.wall, "cpu": run.cpu, "user": run.user, "sys": run.sys,
                           "max_rss_mb": run.rss_mb, "exit": run.exit},
        "zensical_ok": run.exit == 0, "search_index_written": written,
        "search_index_mb": index.stat().st_size / 1e6 if written else None,
        "refused": refused[:1],
    }


def _line(figures: dict[str, Any]) -> str:
    return (f"wall {figures['wall']:7.1f} s  CPU {figures['cpu']:7.1f} s (user {figures['user']:6.1f}"
            f" sys {figures['sys']:5.1f})  max RSS {figures['max_rss_mb']:5.0f} MB  exit {figures['exit']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partners", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--campaigns", type=int, default=12)
    parser.add_argument("--zensical", help="the zensical executable (default: zensical on PATH)")
    parser.add_argument("--source", metavar="REF", default=None,
                        help="build with the sources committed at REF (e.g. HEAD), not the installed partnerbook")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "bench-zensical")
    args = parser.parse_args()

    zensical = args.zensical or shutil.which("zensical")
    if not zensical:
        raise SystemExit("zensical not found: pass --zensical PATH (pip install zensical in a venv of its own)")
    if not TIME.exists():
        raise SystemExit(f"{TIME} (GNU time) is needed")
    found = tool("partnerbook")
    partnerbook = [found] if found else [sys.executable, "-m", "generator"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if args.source:  # a frozen export: first on the path, before the installed package
        source, _described = export(args.source, args.out.resolve(), REPO)
        partnerbook = [sys.executable, "-m", "generator"]
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(source), env.get("PYTHONPATH", "")) if p)
        # ``python -m generator`` would put the working folder first on the path: run from a checkout, the
        # checkout's code (edited meanwhile) would be measured instead of the export.
        env["PYTHONSAFEPATH"] = "1"
    version = subprocess.run([zensical, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    args.out.resolve().mkdir(parents=True, exist_ok=True)
    print(f"zensical {version} ({zensical}); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    results = []
    out = args.out.resolve()
    for partners in args.partners:
        result = bench(partners, args, partnerbook, zensical, env)
        results.append(result)
        largest = result["largest_field"]
        print(f"\n{partners:,} partners: {result['pages']:,} pages, {result['search_items']:,} search items, "
              f"limit {result['limit_tokens']:,} tokens per field")
        print(f"  partnerbook build  {_line(result['partnerbook_build'])}")
        print(f"  zensical build     {_line(result['zensical_build'])}")
        print(f"  zensical: {'succeeded' if result['zensical_ok'] else 'FAILED'}; search index "
              + (f"written ({result['search_index_mb']:.1f} MB)" if result["search_index_written"] else "NOT written"))
        print(f"  largest search field: {largest['tokens']:,} tokens ('{largest['field']}' at "
              f"'{largest['location']}', from {result['largest_field_from']})")
        for line in result["refused"]:
            print(f"  {line}")
        # written after every size: a long run keeps what it did
        (out / "results.json").write_text(
            json.dumps({"zensical": version, "source": args.source or "installed", "today": TODAY.isoformat(),
                        "results": results}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
