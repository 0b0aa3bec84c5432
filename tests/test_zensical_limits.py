"""Every search section of the built site stays within Zensical's search limit, at any portfolio size.

Zensical (0.0.73, the announced successor of Material for MkDocs) stops ``zensical build`` when one field of
one search item (a page section: from one heading to the next) holds more token positions than its index
addresses: 2**30 over the site's number of search items rounded up to a power of two (32,768 tokens at the
28,820 items of 1,000 partners, 4,096 at 5,000 partners; benchmarks/bench_zensical.py measures it).
The limit shrinks as the site grows, so no list of the whole portfolio can stay searchable: such lists
(alerts, partners, money, contracts, findings, compliance, checklists, risk, team, a campaign's partners)
are wrapped in ``data-search-exclude`` (shown as before, left out of search by MkDocs and Zensical
alike), and every other section is bounded by what one partner's or one campaign's records say.

MkDocs' search_index.json has the same items Zensical indexes (one per section, the same text), so the
site partnerbook builds is checked here, without Zensical installed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from conftest import TODAY

from generator.site.home_view import HOME_PARTNERS

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
PARTNERS = 60  # old pages went over SECTION_BUDGET at this size already (alerts: 5,519 tokens)
# A section of at most this many tokens fits Zensical's limit up to 2**20 search items (about 36,000
# partners); a partner's own page, the largest section left, holds about 500.
SECTION_BUDGET = 1024


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    sys.path.insert(0, str(BENCHMARKS))  # bench_zensical imports its neighbours
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


bench = _module("bench_zensical")


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated portfolio of PARTNERS partners, built (in a child process: HOME and caches in tmp)."""
    base = tmp_path_factory.mktemp("zensical")
    root = base / "portfolio"
    _module("generate_portfolio").generate(root, PARTNERS, 4)
    env = {k: v for k, v in os.environ.items() if k not in ("PARTNERBOOK_LANG", "SOURCE_DATE_EPOCH")}
    env.update(HOME=str(base), XDG_CACHE_HOME=str(base / "cache"))
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(root), "--today", TODAY],
                          cwd=base, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return root


def _items(root: Path) -> list[dict[str, Any]]:
    index = json.loads((root / "site/search/search_index.json").read_text(encoding="utf-8"))
    docs: list[dict[str, Any]] = index["docs"]
    return docs


def test_zensical_counts_tokens_and_its_limit_as_measured() -> None:
    # Its messages: "(77109 token positions; maximum 32768 for 28820 items)", "maximum 262144 for 4096 items",
    # "maximum 131072 for 4097 items"; a.b and 1,774 are two tokens, 12.5% and a&b one, markup none.
    assert [bench.zensical_limit(n) for n in (28820, 4096, 4097, 144000)] == [32768, 262144, 131072, 4096]
    assert bench.zensical_tokens("<p>Notice deadline Oct 28, 2026 passed; <code>partners/x-y/a.yaml:6</code> "
                                 "12.5% a&b</p>") == 14


def test_no_search_section_goes_over_zensicals_limit(portfolio: Path) -> None:
    items = _items(portfolio)
    limit = bench.zensical_limit(len(items))
    sizes = sorted(((bench.zensical_tokens(item["title"]) + bench.zensical_tokens(item["text"]), item["location"])
                    for item in items), reverse=True)
    assert sizes[0][0] <= limit, sizes[:5]
    over = [(tokens, where) for tokens, where in sizes if tokens > SECTION_BUDGET]
    assert not over, f"sections that grow with the portfolio would stop zensical build at scale: {over}"


def test_no_search_section_lists_the_portfolio(portfolio: Path) -> None:
    """Outside a partner's own page, a search section names at most the home page's few partners."""
    partners = []
    for path in sorted(portfolio.glob("partners/*/partner.yaml")):
        partners.append((path.parent.name, yaml.safe_load(path.read_text(encoding="utf-8"))["name"]))
    who = {key: pid for pid, name in partners for key in (pid, name)}
    # Longest first, so that a name which begins another one is not counted for it.
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(who, key=len, reverse=True))
                         + r")(?![\w-])")
    listed = {}
    for item in _items(portfolio):
        if item["location"].startswith("partners/") and item["location"] != "partners/":
            continue  # a partner's page names its own peers and backups: bounded by its record
        named = {who[m] for m in pattern.findall(item["text"])}
        listed[item["location"]] = len(named)
    worst = sorted(listed.items(), key=lambda kv: -kv[1])[:5]
    assert worst[0][1] <= HOME_PARTNERS, worst

    # The lists are still on the pages: only search leaves them out.
    for page in ("partners/index.html", "compliance/index.html", "checklists/index.html"):
        html = (portfolio / "site" / page).read_text(encoding="utf-8")
        links = set(re.findall(r'href="(?:\.\./partners/)?([\w-]+)/(?:#[\w-]*)?"', html))
        assert {pid for pid, _name in partners} <= links, page
