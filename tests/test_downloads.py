"""CSV downloads on the site: the KPI tables as files, linked from the pages that show them.

A download holds the very bytes ``partnerbook kpis --format csv`` prints for the same table, is written
through partnerbook's work-folder helpers (never through a link), stays byte-identical (and is reused)
when nothing changed, and neutralises text a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import os
import posixpath
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import TODAY, RunLine, copy_base

from generator.measure.tables import Table
from generator.site import build as site
from generator.site import downloads

DAY = date.fromisoformat(TODAY)
LINK = re.compile(r'<a download href="([^"]+)"')
# page (its file in the site) -> the download it links to
PAGES = {"index.html": "downloads/kpis-campaign-easter-2026.csv",
         "campaigns/index.html": "downloads/kpis-campaigns.csv",
         "partners/index.html": "downloads/kpis-partners.csv",
         "campaigns/easter-2026/index.html": "downloads/kpis-campaign-easter-2026.csv"}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_base(tmp_path / "portfolio")


def _links(html: str) -> list[str]:
    return LINK.findall(html)


def _resolves(site_dir: Path, page: str, href: str) -> str:
    """The file under ``site_dir`` that ``href`` on ``page`` points at (relative to the page's folder)."""
    assert not href.startswith(("/", "http:", "https:")), href
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href))
    assert not target.startswith(".."), target
    assert (site_dir / target).is_file(), f"{page}: {href} -> {target} is not in the site"
    return target


def test_downloads_equal_the_cli_csv(root: Path, run_line: RunLine) -> None:
    site.build_site(root, DAY, jobs=1)
    folder = root / "site" / "downloads"

    kpi_files = sorted(name for name in os.listdir(folder) if name.startswith("kpis-"))  # money tables beside them
    assert kpi_files == ["kpis-campaign-easter-2026.csv", "kpis-campaigns.csv", "kpis-partners.csv"]
    for name, args in (("kpis-campaigns", ""), ("kpis-partners", "--table partners"),
                       ("kpis-campaign-easter-2026", "--campaign easter-2026")):
        result = run_line(f"partnerbook kpis --root {root} --today {TODAY} --format csv {args}")
        assert result.exit_code == 0, result.output
        assert (folder / f"{name}.csv").read_bytes() == result.output.encode("utf-8"), name
    rows = list(csv.DictReader(io.StringIO((folder / "kpis-campaigns.csv").read_text(encoding="utf-8"))))
    total = next(r for r in rows if r["partner"] == "(total)")
    assert total["currency"] == "EUR"
    assert int(total["sessions"]) > 0


@pytest.mark.parametrize("directory_urls", [True, False])
def test_links_resolve_from_every_page(root: Path, tmp_path: Path, directory_urls: bool) -> None:
    site.build_site(root, DAY, jobs=1)
    site_dir = root / "site"
    if not directory_urls:  # the same pages through a plain MkDocs build with use_directory_urls off
        prepared = site.prepare_docs(root, DAY)
        site_dir = tmp_path / "plain"
        config = site.write_config(root, {**prepared.config, "site_dir": str(site_dir), "use_directory_urls": False},
                                   "mkdocs.plain.yml")
        epoch = str(int(datetime.combine(DAY, datetime.min.time(), tzinfo=UTC).timestamp()))
        code = ("import sys; from mkdocs.commands.build import build; from mkdocs.config import load_config; "
                "build(load_config(config_file=sys.argv[1]))")
        proc = subprocess.run([sys.executable, "-c", code, str(config)], capture_output=True, text=True, check=False,
                              env={**os.environ, "SOURCE_DATE_EPOCH": epoch, "NO_MKDOCS_2_WARNING": "1"})
        assert proc.returncode == 0, proc.stderr

    for page, expected in PAGES.items():
        links = _links((site_dir / page).read_text(encoding="utf-8"))
        assert links, f"{page} has no download link"
        assert [_resolves(site_dir, page, href) for href in links] == [expected]


def test_a_second_build_leaves_the_downloads_byte_identical(root: Path) -> None:
    site.build_site(root, DAY, jobs=1)
    folder = root / "site" / "downloads"
    first = {p.name: (p.read_bytes(), p.stat().st_ino) for p in folder.iterdir()}
    docs_file = root / ".partnerbook" / "docs" / "downloads" / "kpis-campaigns.csv"
    docs_mtime = docs_file.stat().st_mtime_ns

    site.build_site(root, DAY, jobs=1)
    second = {p.name: (p.read_bytes(), p.stat().st_ino) for p in folder.iterdir()}

    assert {n: b for n, (b, _) in second.items()} == {n: b for n, (b, _) in first.items()}
    assert second == first  # the previous site's files were reused (same inodes), nothing written again
    assert docs_file.stat().st_mtime_ns == docs_mtime


def test_a_changed_record_changes_its_download_and_a_removed_campaign_loses_its_file(root: Path) -> None:
    site.build_site(root, DAY, jobs=1)
    campaign = root / "campaigns" / "easter-2026.yaml"
    text = campaign.read_text(encoding="utf-8")
    assert "sessions: 1200\n" in text
    campaign.write_text(text.replace("sessions: 1200\n", "sessions: 1300\n", 1), encoding="utf-8")
    site.build_site(root, DAY, jobs=1)
    rows = list(csv.DictReader(io.StringIO(
        (root / "site/downloads/kpis-campaign-easter-2026.csv").read_text(encoding="utf-8"))))
    assert next(r for r in rows if r["partner"] == "kiln-packaging")["sessions"] == "1300"

    shutil.copy(campaign, root / "campaigns" / "spring-2026.yaml")
    site.build_site(root, DAY, jobs=1)
    assert (root / "site/downloads/kpis-campaign-spring-2026.csv").is_file()
    (root / "campaigns" / "spring-2026.yaml").unlink()
    site.build_site(root, DAY, jobs=1)
    assert not (root / "site/downloads/kpis-campaign-spring-2026.csv").exists()
    assert not (root / ".partnerbook/docs/downloads/kpis-campaign-spring-2026.csv").exists()


def test_a_link_in_the_work_folder_is_replaced_never_followed(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("keep me\n", encoding="utf-8")
    folder = root / ".partnerbook" / "docs" / "downloads"
    folder.mkdir(parents=True)
    (folder / "kpis-campaigns.csv").symlink_to(outside)

    site.build_site(root, DAY, jobs=1)

    assert outside.read_text(encoding="utf-8") == "keep me\n"
    assert not (folder / "kpis-campaigns.csv").is_symlink()
    assert (root / "site/downloads/kpis-campaigns.csv").read_text(encoding="utf-8").startswith("campaign,partner,")


def test_text_a_spreadsheet_would_run_is_quoted() -> None:
    """Tables another page adds (a money ledger, with partner names) go through the same writer."""
    evil = '=HYPERLINK("http://evil.example","x")'
    files = downloads.csv_files({
        "ledger": [{"partner": evil, "amount": -12.5}, {"partner": "+1", "amount": 3}, {"partner": "\t@x"}],
        "named": Table(["name", "note"], [{"name": "@SUM(A1)", "note": "a\x1b[2Jb"}]),
    })

    assert list(files) == ["downloads/ledger.csv", "downloads/named.csv"]
    ledger = list(csv.reader(io.StringIO(files["downloads/ledger.csv"].decode("utf-8"), newline="")))
    assert ledger == [["partner", "amount"], ["'" + evil, "-12.5"], ["'+1", "3"], ["\\t@x", ""]]
    named = list(csv.reader(io.StringIO(files["downloads/named.csv"].decode("utf-8"), newline="")))
    assert named == [["name", "note"], ["'@SUM(A1)", "a\\x1b[2Jb"]]


@pytest.mark.parametrize("name", ["../x", "a/b", "Kpis", "", "x.csv", "-x"])
def test_a_download_name_cannot_leave_the_downloads_folder(name: str) -> None:
    with pytest.raises(ValueError, match="download name"):
        downloads.csv_files({name: []})


def test_links_go_up_one_folder_per_level() -> None:
    assert downloads.link("kpis-campaigns", 0) == "[Download CSV](downloads/kpis-campaigns.csv){ download }"
    assert downloads.link("kpis-campaigns", 2) == "[Download CSV](../../downloads/kpis-campaigns.csv){ download }"
