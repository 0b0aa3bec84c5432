"""The commands that make the site and files from it: build, serve, print, calendar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from generator import i18n
from generator.cli_base import (
    QUIET,
    ROOT,
    TODAY,
    VERBOSE,
    batch_mode,
    check_address,
    cli,
    day_of,
    progress_display,
    require_root,
)
from generator.i18n import N_, _, ngettext


@cli.command(help=N_(
    "Validate the records and build the site into site/.\n\n"
    "Records the tool cannot understand stop the build and leave the previous site untouched; policy findings "
    "(a missing document, a missing clause) do not stop it, because the site shows them."),
    examples=("partnerbook build --today 2026-11-24",))
@ROOT
@TODAY
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=N_("Where the site goes (default: site/ under --root)."))
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, help=N_("Processes for drawing charts."))
@QUIET
@VERBOSE
@click.option("--timings", is_flag=True, hidden=True, help=N_("The same as --verbose (kept for scripts)."))
def build(root: Path, today: str | None, site_dir: Path | None, jobs: int | None, quiet: bool, verbose: bool,
          timings: bool) -> None:
    from generator.site.build import build_site

    verbose = verbose or timings
    require_root(root)
    batch_mode()
    report = build_site(root, day_of(today), site_dir, jobs, progress=progress_display(quiet, verbose))
    if quiet:
        return
    if verbose:
        _build_details(report)
    click.echo(_("built {site}: {pages}, {charts} ({drawn} drawn, the rest cached), {findings}").format(
        site=report.site_dir,
        pages=ngettext("{n} page", "{n} pages", report.pages).format(n=i18n.number(report.pages)),
        charts=ngettext("{n} chart", "{n} charts", report.charts).format(n=i18n.number(report.charts)),
        drawn=i18n.number(report.charts_drawn),
        findings=ngettext("{n} validation finding", "{n} validation findings",
                          report.problems).format(n=i18n.number(report.problems))))


def _build_details(report: Any) -> None:
    """``--verbose``: what the build made and what it reused, on stderr (stdout holds the summary)."""
    if getattr(report, "unchanged", False):
        click.echo(_("nothing changed since the last build: the site was left as it was"), err=True)
        return
    if getattr(report, "restamped", False):
        click.echo(_("only the commit changed since the last build: it was written into the last site's pages"),
                   err=True)
        return
    lines = []
    if getattr(report, "pages_written", 0) or getattr(report, "pages_reused", 0):
        lines.append(_("Markdown: {written} pages written from their templates, {reused} unchanged").format(
            written=i18n.number(report.pages_written), reused=i18n.number(report.pages_reused)))
    if report.pages_rendered or report.pages_cached:  # MkDocs' own build (plugins or hooks) counts neither
        lines.append(_("pages: {rendered} rendered, {cached} from the page cache").format(
            rendered=i18n.number(report.pages_rendered), cached=i18n.number(report.pages_cached)))
    lines.append(_("charts: {drawn} drawn, {cached} from the chart cache").format(
        drawn=i18n.number(report.charts_drawn), cached=i18n.number(report.charts - report.charts_drawn)))
    linked = getattr(report, "linked", 0)
    lines.append(ngettext("{n} file linked from the previous site", "{n} files linked from the previous site",
                          linked).format(n=i18n.number(linked)))
    click.echo("\n".join(lines), err=True)


@cli.command(help=N_(
    "Preview the site with live reload while you edit the records.\n\n"
    "The site is built as build builds it, into .partnerbook/preview, and built again whenever a file under "
    "partners/, campaigns/, partnerbook.yml or mkdocs.yml changes: only the pages a change reaches are made "
    "again. The preview is for editing; publish with build."),
    examples=("partnerbook serve -a 127.0.0.1:8001",))
@ROOT
@TODAY
@click.option("--dev-addr", "-a", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT",
              callback=check_address,
              help=N_("Address to serve the preview on."))
@QUIET
@VERBOSE
def serve(root: Path, today: str | None, dev_addr: str, quiet: bool, verbose: bool) -> None:
    from generator.site.serve import serve_site

    require_root(root)
    serve_site(root.resolve(), day_of(today), dev_addr, progress=progress_display(quiet, verbose))


@cli.command("print", help=N_(
    "Print a partner's scorecard (or its one-page summary) to PDF, on A4 paper.\n\n"
    "Builds the site first, as build does (what is cached is reused), then prints the page with a headless "
    "Chromium: install it (apt-get install chromium) or set PARTNERBOOK_CHROMIUM to a Chromium or Chrome "
    "binary."),
    examples=("partnerbook print kiln-packaging --summary -o kiln-qbr.pdf",))
@ROOT
@TODAY
@click.argument("partner_id", metavar="PARTNER")
@click.option("--summary", is_flag=True, help=N_("The one-page summary for business reviews, not the whole scorecard."))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=N_("The PDF to write (default: PARTNER.pdf, or PARTNER-summary.pdf, here)."))
@QUIET
@VERBOSE
def print_(root: Path, today: str | None, partner_id: str, summary: bool, output: Path | None, quiet: bool,
           verbose: bool) -> None:
    from generator.load.discover import discover
    from generator.site.build import build_site
    from generator.site.pdf import find_chromium, page_of, print_pdf

    require_root(root)
    known = sorted(pid for pid, folder in discover(root).partners.items() if folder.profile is not None)
    if partner_id not in known:
        raise click.BadParameter(_("no partner '{id}'; the partners are: {known}").format(
            id=partner_id, known=", ".join(known) or _("none")), param_hint="PARTNER")
    chromium = find_chromium()  # before building: a missing browser is said at once
    batch_mode()
    progress = progress_display(quiet, verbose)
    report = build_site(root, day_of(today), None, None, progress=progress)
    target = output or Path(f"{partner_id}-summary.pdf" if summary else f"{partner_id}.pdf")
    progress.stage(_("printing the page with Chromium"))
    try:
        pages = print_pdf(page_of(report.site_dir, partner_id, summary), target, chromium)
    finally:
        progress.finish()
    if quiet:
        return
    click.echo(ngettext("printed {pdf}: {n} page", "printed {pdf}: {n} pages", pages).format(
        pdf=click.format_filename(target), n=i18n.number(pages)))


@cli.command(help=N_(
    "Write an iCalendar file of notice deadlines, contract ends, renewals, document expiries and reviews.\n\n"
    "Import it into (or subscribe to it from) a calendar app. The file is the same for the same records and "
    "--today: UIDs come from record ids, so a changed date updates its event."),
    examples=("partnerbook calendar --today 2026-11-25 -o site/partnerbook.ics",))
@ROOT
@TODAY
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=N_("The iCalendar file to write (default: partnerbook.ics in the records root found, or in the "
                   "current folder with --root)."))
def calendar(root: Path, today: str | None, output: Path | None) -> None:
    from generator.site.ical import write_calendar

    require_root(root)
    batch_mode()
    if output is None:
        found = click.get_current_context().meta.get("partnerbook.root_found", False)
        output = root / "partnerbook.ics" if found else Path("partnerbook.ics")
    count = write_calendar(root, day_of(today), output)
    click.echo(ngettext("wrote {path}: {n} event", "wrote {path}: {n} events", count).format(
        path=output, n=i18n.number(count)))
