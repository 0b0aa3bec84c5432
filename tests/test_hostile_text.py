"""Hostile text in every string field of every record type stays inert in every output.

The portfolio comes from tests/hostile.py, which walks the pydantic models and fills every string
field with the most hostile value the field accepts (script tags, Markdown links to javascript:,
attr_list, ``???`` details, Jinja, escape codes, bidi overrides, workflow commands). The same
portfolio with plain words of the same shape is built beside it: a page of the hostile site may
not hold any element or attribute the plain page does not. Then every file of the site and every
output of ``validate``, ``alerts`` and ``kpis`` is read for active content.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY
from hostile import IDS, MARKER, MULTI_LINE, ONE_LINE, PAYLOADS, write_portfolio

from generator.cli import cli
from generator.records import Campaign, Contract, Partner, Settings, Sla

URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background")
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
# Raw characters no terminal or CI log line may carry: C0/C1 controls (a newline ends a line and
# is allowed), the Unicode line separators and the bidi embeddings, overrides and isolates.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
ANNOTATION = re.compile(r"::(error|warning|notice) file=[^,:\n]*(,line=\d+(,col=\d+)?)?,title=partnerbook [a-z-]+::")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[str, ...]]] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, tuple(sorted(name for name, _ in attrs))))
        self.attrs += [(tag, name, value or "") for name, value in attrs]
        self._script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._script = False

    def handle_endtag(self, tag: str) -> None:
        self._script = self._script and tag != "script"

    def handle_data(self, data: str) -> None:
        (self.scripts if self._script else self.text).append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _build(root: Path) -> Path:
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--today", TODAY], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="module")
def portfolios(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    hostile = tmp_path_factory.mktemp("hostile")
    fields = write_portfolio(hostile, hostile=True)
    plain = tmp_path_factory.mktemp("plain")
    assert write_portfolio(plain, hostile=False) == fields
    _build(hostile)
    _build(plain)
    return hostile, plain, fields


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def test_every_string_field_of_every_model_is_filled(portfolios: tuple[Path, Path, list[str]]) -> None:
    """The generator walked the models: each record type's string fields are in the list, hostile ones hostile."""
    root, _, fields = portfolios
    models = {"partnerbook.yml": Settings, "partner.yaml": Partner, "contract.yaml": Contract,
              "sla.yaml": Sla, "campaign.yaml": Campaign}
    for suffix in models:
        assert any(f.split(".")[0].endswith(suffix.split(".")[0]) or f.startswith(suffix) for f in fields), suffix
    assert len(fields) > 80
    partner = (root / f"partners/{IDS['partner']}/partner.yaml").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" in partner
    settings = (root / "partnerbook.yml").read_text(encoding="utf-8")
    assert "onerror" in settings, "site.title and the other settings strings are hostile too"


def test_no_page_gains_an_element_or_attribute_from_record_text(portfolios: tuple[Path, Path, list[str]]) -> None:
    hostile, plain, _ = portfolios
    pages = sorted((hostile / "site").rglob("*.html"))
    assert len(pages) >= 10
    for page_file in pages:
        rel = page_file.relative_to(hostile / "site")
        bad = _parse(page_file.read_text(encoding="utf-8"))
        good = _parse((plain / "site" / rel).read_text(encoding="utf-8"))
        added = Counter(bad.elements) - Counter(good.elements)
        assert not added, f"{rel}: record text became markup: {sorted(added)}"
        for tag, name, value in bad.attrs:
            assert not name.startswith("on"), f"{rel}: <{tag} {name}={value!r}>"
            if name in URL_ATTRS:
                bare = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not bare.startswith(BAD_SCHEMES), f"{rel}: <{tag} {name}={value!r}>"
        # The theme's scripts only: no record text reaches a script.
        assert not any(MARKER in s or "alert(" in s for s in bad.scripts), f"{rel}: record text inside a <script>"
        text = "".join(bad.text)
        assert text.count("49") == "".join(good.text).count("49"), f"{rel}: template code was evaluated"


def test_hostile_text_is_shown_as_typed(portfolios: tuple[Path, Path, list[str]]) -> None:
    site = portfolios[0] / "site"
    for rel in (f"partners/{IDS['partner']}/index.html", f"campaigns/{IDS['campaign']}/index.html"):
        page = _parse((site / rel).read_text(encoding="utf-8"))
        visible = " ".join("".join(page.text).split())
        for payload in ("<script>alert(1)</script>", f"<img src=x onerror=alert('{MARKER}')>",
                        f"[x](javascript:alert('{MARKER}'))", "{{ 7*7 }}", "{% raw %}", "&lt;script&gt;",
                        f'??? note "{MARKER}-details"', "| a | b |"):
            assert payload in visible, f"{rel}: not shown as typed: {payload!r}"
        assert "\\x1b[31mred" in visible, f"{rel}: escape codes are not shown as escapes"
        assert "\\u202eevil" in visible, f"{rel}: bidi overrides are not shown as escapes"
        title = re.search(r"<title>(.*?)</title>", (site / rel).read_text(encoding="utf-8"), re.S)
        assert title, rel
        assert "<" not in title.group(1), f"{rel}: markup inside <title>"


def test_search_index_sitemap_calendar_and_charts_carry_no_active_content(
        portfolios: tuple[Path, Path, list[str]]) -> None:
    site = portfolios[0] / "site"
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert any("alert(1)" in doc["text"] for doc in index["docs"]), "the hostile text is indexed (as text)"
    for doc in index["docs"]:
        for key in ("title", "text", "location"):
            # Material shows title and text as HTML: the text decoded must still be inert.
            page = _parse(doc.get(key) or "")
            tags = {tag for tag, _ in page.elements}
            assert tags <= {"p", "code", "pre", "li", "ol", "ul", "sub", "sup", "br", "em", "strong"}, (doc, tags)
            assert not [a for a in page.attrs if a[1].startswith("on") or a[1] in URL_ATTRS], doc
    sitemap = ET.fromstring((site / "sitemap.xml").read_bytes())
    for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        assert loc.text
        assert "<" not in loc.text
        assert MARKER not in loc.text
    calendar = (site / "partnerbook.ics").read_text(encoding="utf-8")
    assert "alert(1)" in calendar, "the calendar names the hostile contract"
    assert not RAW_CONTROL.search(calendar.replace("\r\n", "")), "raw control characters in the calendar"
    for line in calendar.split("\r\n"):
        assert line == "" or re.match(r"[A-Z-]+[;:]|[ ]", line), f"calendar line injected: {line!r}"
    for svg in sorted(site.rglob("*.svg")):
        root = ET.fromstring(svg.read_bytes())
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            assert tag not in ("script", "foreignObject", "iframe"), svg
            assert not [name for name in element.attrib if name.rsplit("}", 1)[-1].startswith("on")], svg


def _assert_terminal_safe(output: str, what: str, annotations: bool = False) -> None:
    assert not RAW_CONTROL.search(output), f"{what}: raw control character {RAW_CONTROL.search(output)!r}"
    for line in output.split("\n"):
        if line.lstrip().startswith(("::", "##[")):
            assert annotations, f"{what}: a line GitHub reads as a command: {line!r}"
            assert ANNOTATION.match(line), f"{what}: a line GitHub reads as a command: {line!r}"


def test_validate_alerts_and_kpis_output_is_inert(portfolios: tuple[Path, Path, list[str]], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = str(portfolios[0])
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    outputs = {}
    for command in ("validate", "alerts"):
        for fmt in ("text", "json", "github"):
            code, out = _cli(command, "--root", root, "--today", TODAY, "--format", fmt)
            assert code in (0, 1), out
            outputs[f"{command} {fmt}"] = out
            _assert_terminal_safe(out, f"{command} --format {fmt}", annotations=fmt == "github")
            if fmt == "json":
                json.loads(out)
    assert "alert(1)" in outputs["validate text"] + outputs["alerts text"], "record text reached no output"
    for table in ("campaigns", "partners"):
        for fmt in ("text", "csv", "json"):
            code, out = _cli("kpis", "--root", root, "--today", TODAY, "--format", fmt, "--table", table)
            assert code == 0, out
            _assert_terminal_safe(out, f"kpis --format {fmt}")
            if fmt == "csv":
                for row in csv.reader(io.StringIO(out)):
                    for cell in row:
                        try:
                            float(cell)
                        except ValueError:
                            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), f"formula cell {cell!r}"
    _assert_summary_safe(summary)


def _assert_summary_safe(summary: Path) -> None:
    if not summary.exists():
        return
    text = summary.read_text(encoding="utf-8")
    assert not RAW_CONTROL.search(text)
    for needle in ("<script", "<img", "onerror=", "](javascript"):
        assert needle not in text, needle
    for line in text.split("\n"):
        if line.startswith("| ") and not line.startswith("| file"):
            assert line.count("|") == 6, f"a record value broke the summary table: {line!r}"


def test_hostile_file_names_and_keys_cannot_inject_workflow_commands(base_portfolio: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Names and keys the records repository chooses, newlines included, stay on their own line."""
    evil = "x\n::set-output name=pb::1\n::add-mask::pb\n::stop-commands::pbtoken\n##[error]pb\x1b[2J\u202e"
    folder = base_portfolio / "partners" / f"bad{evil}"
    folder.mkdir()  # Linux and macOS file systems allow every character but '/' and NUL in names
    (folder / "partner.yaml").write_text("name: X\ncategory: other\nstatus: active\nowner: o\n",
                                         encoding="utf-8")
    (base_portfolio / "campaigns" / f"c{evil}.yaml").write_text("name: C\n", encoding="utf-8")
    partner = base_portfolio / "partners/kiln-packaging/partner.yaml"
    key = json.dumps(f"k{evil}")
    partner.write_text(partner.read_text(encoding="utf-8") + f"{key}: {json.dumps(ONE_LINE)}\n"
                       f"notes: {json.dumps(MULTI_LINE)}\n", encoding="utf-8")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    for fmt in ("text", "json", "github"):
        code, out = _cli("validate", "--root", str(base_portfolio), "--today", TODAY, "--format", fmt)
        assert code == 1, out
        assert "set-output" in out, "the hostile names are reported"
        _assert_terminal_safe(out, f"validate --format {fmt}", annotations=fmt == "github")
    assert summary.exists()
    _assert_summary_safe(summary)


def test_the_payloads_cover_the_brief() -> None:
    """The hostile values hold every kind of payload the site and the outputs must survive."""
    joined = ONE_LINE + MULTI_LINE
    for needle in ("<script>", "onerror=", "javascript:", "{:", "???", "!!!", "{{ 7*7 }}", "{% raw %}", "&lt;",
                   "`", "|", "\x1b[", "\u202e", "::warning::", "::add-mask::"):
        assert needle in joined, needle
    assert len(PAYLOADS) > 10
