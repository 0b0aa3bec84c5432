"""The built site: record text stays inert, builds are reproducible, failed builds change nothing.

These tests run the real pipeline (validate, compute, charts, Jinja2, MkDocs) on the
base portfolio of tests/cases/base and look at the HTML a reader's browser gets.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import TODAY, RunLine

GOLDEN = Path(__file__).resolve().parent / "golden"

# Text a hostile or careless editor could put into any field. Each must reach the page as
# the very characters typed, never as markup, script, a link, an attribute or template code.
HOSTILE = {
    "script": '<script>alert("pb-script")</script>',
    "img": "<img src=x onerror=alert('pb-img')>",
    "md-link": "[pb-link](javascript:alert('pb-link'))",
    "autolink": "<javascript:alert('pb-auto')>",
    "attr-list": '{: onclick="alert(\'pb-attr\')" }',
    "jinja": "{{ 7 * 7 }} {% if true %}pb-jinja{% endif %}",
    "table": "| pb | broken | table |",
    "emphasis": "**pb-bold** _pb-em_ `pb-code`",
    "entity": "&lt;b&gt;pb-entity&lt;/b&gt;",
    "html-comment": "<!-- pb-comment",
    "title-breakout": "</title><u>pb-title</u>",
}
ONE_LINE = " ".join(HOSTILE.values())
MULTI_LINE = "\n".join(["# pb-heading", '!!! danger "pb-admonition"', "    indented code?", *HOSTILE.values()])


def _hash_tree(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _edit_yaml(path: Path, change: dict) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


class _Page(HTMLParser):
    """Collects what matters for safety: tags with their attributes, scripts, visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        else:
            self.text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.fixture
def hostile_portfolio(base_portfolio: Path) -> Path:
    """The base portfolio with hostile text in every kind of text field the site shows."""
    partner = base_portfolio / "partners/kiln-packaging/partner.yaml"
    _edit_yaml(partner, {
        "name": "Kiln " + HOSTILE["script"] + " " + HOSTILE["title-breakout"],
        "description": ONE_LINE,
        "notes": MULTI_LINE,
        "owner": HOSTILE["md-link"],
        "contacts": [{"name": HOSTILE["img"], "role": HOSTILE["attr-list"], "email": "ops@example.com",
                      "phone": HOSTILE["table"]}],
        "red_flags": [{"date": "2026-10-01", "description": ONE_LINE, "status": "open"}],
        "check_ins": [{"date": "2026-11-01", "kind": "call", "summary": MULTI_LINE}],
        "roadmap": [{"milestone": HOSTILE["jinja"], "due": "2027-01-31", "status": "planned"}],
        "actions": [{"aspect": HOSTILE["emphasis"], "responsible": HOSTILE["entity"], "deadline": "2027-01-15",
                     "status": "pending"}],
        "training": [{"activity": HOSTILE["html-comment"], "frequency": "yearly", "responsible": "ops"}],
    })
    contract = base_portfolio / "partners/kiln-packaging/contracts/supply-2026.yaml"
    data = yaml.safe_load(contract.read_text(encoding="utf-8"))
    data["title"] = "Supply " + HOSTILE["img"]
    data["clauses"] = {**data.get("clauses", {}), "termination": MULTI_LINE}
    contract.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    campaign = base_portfolio / "campaigns/easter-2026.yaml"
    data = yaml.safe_load(campaign.read_text(encoding="utf-8"))
    data["name"] = "Easter " + HOSTILE["attr-list"]
    data["review"]["notes"] = MULTI_LINE
    data["review"]["learnings"] = list(HOSTILE.values())
    campaign.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return base_portfolio


def test_hostile_text_stays_inert_text_on_every_page(hostile_portfolio: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook build --root {hostile_portfolio} --today {TODAY}")
    assert result.exit_code == 0, result.output

    site = hostile_portfolio / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 10
    for page_file in pages:
        html = page_file.read_text(encoding="utf-8")
        page = _parse(html)
        where = page_file.relative_to(site).as_posix()
        for tag, attrs in page.tags:
            handlers = [name for name in attrs if name.startswith("on")]
            assert not handlers, f"{where}: <{tag}> got event handler attributes {handlers}"
            for name in ("href", "src", "action", "formaction", "data"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:text/html", "vbscript:")), \
                    f"{where}: <{tag} {name}={value!r}>"
            if tag == "script" and attrs.get("src"):
                assert not re.match(r"(https?:)?//", attrs["src"] or ""), f"{where}: remote script {attrs['src']}"
            assert not (tag == "img" and attrs.get("src") == "x"), f"{where}: record text became an <img>"
            assert tag != "u", f"{where}: record text became a <u> element"
        assert not any("pb-" in script for script in page.scripts), f"{where}: record text inside a <script>"
        assert "49" not in "".join(page.text).replace(" 49 ", ""), f"{where}: template code was evaluated?"

    scorecard = _parse((site / "partners/kiln-packaging/index.html").read_text(encoding="utf-8"))
    visible = " ".join("".join(scorecard.text).split())
    # The reader sees exactly what was typed, markup characters included.
    for value in HOSTILE.values():
        assert " ".join(value.split()) in visible, f"not shown as typed: {value!r}"
    assert "pb-heading" in visible
    assert not any(tag in ("h1", "h2", "h3") and "pb-heading" in json.dumps(attrs) for tag, attrs in scorecard.tags)
    report = _parse((site / "campaigns/easter-2026/index.html").read_text(encoding="utf-8"))
    report_text = " ".join("".join(report.text).split())
    assert "Easter " + HOSTILE["attr-list"] in report_text
    assert HOSTILE["jinja"] in report_text


def test_same_records_and_date_give_a_byte_identical_site(base_portfolio: Path, run_line: RunLine,
                                                          tmp_path: Path) -> None:
    first = run_line(f"partnerbook build --root {base_portfolio} --today {TODAY} --site-dir {tmp_path / 'one'}")
    assert first.exit_code == 0, first.output
    # A cold second build: no chart cache, no previous pages.
    for cache in (base_portfolio / ".partnerbook").iterdir():
        if cache.is_dir():
            import shutil

            shutil.rmtree(cache)
    second = run_line(f"partnerbook build --root {base_portfolio} --today {TODAY} --site-dir {tmp_path / 'two'}")
    assert second.exit_code == 0, second.output

    one, two = _hash_tree(tmp_path / "one"), _hash_tree(tmp_path / "two")
    assert len(one) > 20
    assert one == two


def test_the_build_date_and_commit_are_on_every_page(base_portfolio: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook build --root {base_portfolio} --today {TODAY}")
    assert result.exit_code == 0, result.output

    pages = sorted((base_portfolio / "site").rglob("index.html"))
    assert len(pages) >= 10
    for page_file in pages:
        text = " ".join("".join(_parse(page_file.read_text(encoding="utf-8")).text).split())
        assert "Built Nov 24, 2026 from commit" in text, f"{page_file}: no build date and commit"  # TODAY


def test_a_failed_build_leaves_the_previous_site_untouched(base_portfolio: Path, run_line: RunLine) -> None:
    assert run_line(f"partnerbook build --root {base_portfolio} --today {TODAY}").exit_code == 0
    site = base_portfolio / "site"
    before = _hash_tree(site)
    partner = base_portfolio / "partners/kiln-packaging/partner.yaml"
    partner.write_text(partner.read_text(encoding="utf-8").replace("status: active", "status: [active"),
                       encoding="utf-8")

    result = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(base_portfolio),
                             "--today", TODAY], capture_output=True, text=True, timeout=120, check=False)

    assert result.returncode == 1, result.stderr
    assert re.search(r"partners/kiln-packaging/partner\.yaml:5:\d+: YAML syntax error", result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert _hash_tree(site) == before
    assert not [p for p in base_portfolio.iterdir() if p.name.startswith(".site")], "temporary build left behind"


def test_policy_findings_do_not_stop_the_build_and_are_listed(base_portfolio: Path, run_line: RunLine) -> None:
    partner = base_portfolio / "partners/stripe-payments/partner.yaml"
    data = yaml.safe_load(partner.read_text(encoding="utf-8"))
    data["compliance"] = [doc for doc in data.get("compliance", []) if doc.get("type") != "pci-dss-aoc"]
    partner.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    assert run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}").exit_code == 1
    result = run_line(f"partnerbook build --root {base_portfolio} --today {TODAY}")

    assert result.exit_code == 0, result.output
    problems = _parse((base_portfolio / "site/problems/index.html").read_text(encoding="utf-8"))
    assert "pci-dss-aoc" in "".join(problems.text)
    compliance = _parse((base_portfolio / "site/compliance/index.html").read_text(encoding="utf-8"))
    assert "missing" in "".join(compliance.text)


@pytest.mark.parametrize(("page", "golden"), [
    ("partners/kiln-packaging/index.md", "scorecard-kiln-packaging.md"),
    ("campaigns/easter-2026/index.md", "campaign-easter-2026.md"),
])
def test_rendered_markdown_matches_the_golden_file(base_portfolio: Path, run_line: RunLine, page: str,
                                                   golden: str) -> None:
    """Golden files pin the pages; after an intended change, rerun with PARTNERBOOK_UPDATE_GOLDEN=1."""
    result = run_line(f"partnerbook build --root {base_portfolio} --today {TODAY}")
    assert result.exit_code == 0, result.output
    rendered = (base_portfolio / ".partnerbook/docs" / page).read_text(encoding="utf-8")
    expected = GOLDEN / golden
    if os.environ.get("PARTNERBOOK_UPDATE_GOLDEN") == "1":
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(rendered, encoding="utf-8")
    assert rendered == expected.read_text(encoding="utf-8")


def test_home_headlines_the_latest_campaign_with_results_not_a_planned_one(base_portfolio: Path,
                                                                           run_line: RunLine) -> None:
    (base_portfolio / "campaigns/easter-2027.yaml").write_text(
        "name: Easter 2027\nstart: 2027-03-19\nend: 2027-04-05\nowner: marketing-lead\n", encoding="utf-8")

    result = run_line(f"partnerbook build --root {base_portfolio} --today {TODAY}")

    assert result.exit_code == 0, result.output
    home = " ".join("".join(_parse((base_portfolio / "site/index.html").read_text(encoding="utf-8")).text).split())
    assert "Latest campaign: Easter 2026" in home
    assert (base_portfolio / "site/campaigns/easter-2027/index.html").is_file()
