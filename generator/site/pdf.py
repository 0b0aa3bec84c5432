"""Paper: a partner's scorecard, or its one-page summary, printed to PDF by a headless Chromium.

``partnerbook print PARTNER`` builds the site (as ``build`` does: what is cached is reused), then asks
Chromium to print the page ``site/partners/<id>/`` (or ``.../summary/``) with the site's print style
sheet (``@media print`` in site_templates/assets/partnerbook.css: A4, no navigation, tables that fit
the page). Chromium is the one the browser tests use: Debian's ``chromium`` package, or the binary
``PARTNERBOOK_CHROMIUM`` names. It runs with a fresh, temporary profile, no background networking, and
only ever opens the built page from the disk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from generator import workdir
from generator.errors import PartnerbookError
from generator.i18n import _

ENV = "PARTNERBOOK_CHROMIUM"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 180  # seconds for one page; Chromium prints a scorecard in one or two
# Chromium's flags: a headless print of one local file, with nothing else reached or kept.
FLAGS = ("--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-extensions", "--disable-default-apps", "--no-first-run",
         "--no-default-browser-check", "--mute-audio", "--hide-scrollbars", "--no-pdf-header-footer",
         "--run-all-compositor-stages-before-draw", "--virtual-time-budget=15000")


def find_chromium() -> str:
    """The Chromium to print with: ``PARTNERBOOK_CHROMIUM``, else the first on PATH; PartnerbookError if none."""
    named = os.environ.get(ENV)
    if named:
        path = Path(named)
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise PartnerbookError(_("{env} names {path}, which is not a program that can run; point it at a "
                                 "Chromium or Chrome binary").format(env=ENV, path=named))
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise PartnerbookError(_("printing needs Chromium, and none was found: install it (Debian and Ubuntu: "
                             "'apt-get install chromium') or set {env} to a Chromium or Chrome binary")
                           .format(env=ENV))


def page_of(site: Path, partner_id: str, summary: bool) -> Path:
    """The built page of a partner's scorecard (``summary``: its one-page summary)."""
    page = site / "partners" / partner_id / ("summary" if summary else "") / "index.html"
    if not page.is_file():
        raise PartnerbookError(_("the site has no page {page}: run 'partnerbook build' and check its "
                                 "findings").format(page=page))
    return page


def _run(chromium: str, page: Path, pdf: Path, profile: Path, sandbox: bool) -> subprocess.CompletedProcess[bytes]:
    command = [chromium, *FLAGS, *(() if sandbox else ("--no-sandbox",)), f"--user-data-dir={profile}",
               f"--print-to-pdf={pdf}", page.resolve().as_uri()]
    try:
        return subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise PartnerbookError(_("Chromium did not finish printing {page} within {seconds} seconds")
                               .format(page=page, seconds=TIMEOUT)) from exc


def print_pdf(page: Path, output: Path, chromium: str | None = None) -> int:
    """Print ``page`` to ``output`` (written whole or not at all); returns the PDF's number of pages.

    Chromium's sandbox is used unless partnerbook runs as root (where Chromium refuses it) or the machine
    cannot give Chromium one (a container): then Chromium runs again without it.
    """
    chromium = chromium or find_chromium()
    with tempfile.TemporaryDirectory(prefix="partnerbook-print-") as scratch:
        pdf, profile = Path(scratch) / "page.pdf", Path(scratch) / "profile"
        sandbox = not (hasattr(os, "geteuid") and os.geteuid() == 0)
        result = _run(chromium, page, pdf, profile, sandbox)
        if sandbox and (result.returncode != 0 or not pdf.is_file()):
            result = _run(chromium, page, pdf, profile, False)
        data = pdf.read_bytes() if pdf.is_file() else b""
        if result.returncode != 0 or not data.startswith(b"%PDF"):
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise PartnerbookError(_("Chromium could not print {page} (exit code {code}): {detail}").format(
                page=page, code=result.returncode, detail=detail[-1] if detail else _("no message")))
    output.parent.mkdir(parents=True, exist_ok=True)
    workdir.write_atomic(output, data)
    return page_count(data)


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF Chromium wrote (its page objects: ``/Type /Page``, not ``/Pages``)."""
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
