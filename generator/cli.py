"""The command line: parse options, call one core function, turn the result into an exit code.

Exit codes: 0 clean, 1 problems the user can fix (records, full disk, read-only folder, port in use),
2 wrong usage, 130 interrupted, 3 a bug in partnerbook.
Heavy libraries (pandas, matplotlib, mkdocs) are imported only inside the
commands that need them, so ``partnerbook validate`` starts fast.

What the commands print for people is in the team's language (``generator/locale/*/cli.po``):
PARTNERBOOK_LANG from the start, ``site.language`` once the records are read. Output for tools
(JSON, CSV, Code Quality) is English in every language (``i18n.machine_output``).

``--help`` pages are in the team's language too (``generator/locale/*/help.po``): PARTNERBOOK_LANG, else
``site.language`` of the records folder found upward from the current one (``--root`` is not read yet
when ``--help`` is). Click reads help texts at import, before any language is known, so they are marked
with ``N_`` in the decorators (``help=N_(...)``, not docstrings, which the extractor does not see) and
translated as the page is written (``_Help``, ``_Group``); the examples are command lines, shown as they
are. The help page's ``Usage:``, ``Options``, ``Commands`` and Click's help of ``--help`` and
``--version`` are translated with them; Click's ``[default: ...]``, ``[required]`` and its usage-error
framing (``Usage:`` and ``Error: Invalid value for`` after a wrong command line) stay English.
"""

from __future__ import annotations

import gc
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator import __version__, i18n
from generator.errors import PartnerbookError, environment_problem
from generator.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from generator.progress import Progress

# Click's own help texts, translated on the help page like ours (Click reads them in English).
_CLICK_HELP = (N_("Show this message and exit."), N_("Show the version and exit."))


@contextmanager
def _help_language() -> Iterator[None]:
    """A help page in the team's language: PARTNERBOOK_LANG, else site.language of the records folder found
    from the current one (--root is not read yet when --help is)."""
    from generator.load.discover import settings_language
    from generator.records.init import find_root

    try:
        found = find_root(Path.cwd())
        language = settings_language(found) if found is not None else None
    except (OSError, PartnerbookError):
        language = None
    with i18n.language(language):
        yield


class _Help(click.Command):
    """A command whose help page is read from the catalog when shown: help texts are marked with N_ where
    Click reads them (at import, before any language is known). ``examples`` are command lines shown as
    they are under an "Example:" heading."""

    def __init__(self, *args: Any, examples: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.examples = examples

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _help_language():
            # Usage errors keep Click's English framing ("Usage:" beside "Error:"); the help page translates it.
            formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), _("Usage:") + " ")
            self.format_help_text(ctx, formatter)
            self.format_options(ctx, formatter)
            self.format_epilog(ctx, formatter)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = _(self.help) if self.help else ""
        if self.examples:
            heading = _("Example:") if len(self.examples) == 1 else _("Examples:")
            text += "\n\n\b\n" + heading + "".join(f"\n  {line}" for line in self.examples)
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def get_short_help_str(self, limit: int = 45) -> str:
        original = self.help
        self.help = _(original) if original else original
        try:
            return super().get_short_help_str(limit)
        finally:
            self.help = original

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                original = param.help
                param.help = _(original) if original else original
                try:
                    row = param.get_help_record(ctx)
                finally:
                    param.help = original
                if row is not None:
                    rows.append(row)
        if rows:
            with formatter.section(_("Options")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


class _Group(_Help, click.Group):
    """The partnerbook group: its help page and its commands' (``command_class``) read from the catalog."""

    command_class = _Help

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands = [(name, command) for name in self.list_commands(ctx)
                    if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _command in commands)
            with formatter.section(_("Commands")):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])


def _find_root(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    """Without --root: the nearest folder upward holding partnerbook.yml, partners/ or campaigns/ (as git
    finds .git); ``.`` when that is the current folder. ctx.meta notes that the root was found, not given."""
    from generator.records.init import find_root, no_root_message

    if value is not None:
        return _team_language(value)
    ctx.meta["partnerbook.root_found"] = True
    here = Path.cwd()
    found = find_root(here)
    if found is None:
        raise PartnerbookError(no_root_message(here))
    return _team_language(Path(".") if found == Path(os.path.abspath(here)) else found)


def _team_language(root: Path) -> Path:
    """From here on write in the team's language (site.language of root's partnerbook.yml; PARTNERBOOK_LANG
    wins), so messages before the records load (the site folder, --today, import) are in it too."""
    from generator.load.discover import settings_language

    i18n.use(settings_language(root))
    return root


def _find_root_if_any(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """As _find_root, but None instead of an error where none is found (``schema -o`` needs no records)."""
    try:
        return _find_root(ctx, param, value)
    except PartnerbookError:
        return None


_ROOT_HELP = N_("Repository that holds partners/, campaigns/ and partnerbook.yml (default: the nearest folder "
                "upward from here that holds one of them).")
_ROOT = click.option(
    "--root", "-C", type=click.Path(file_okay=False, path_type=Path), default=None, callback=_find_root,
    help=_ROOT_HELP,
)
_ROOT_IF_ANY = click.option(
    "--root", "-C", type=click.Path(file_okay=False, path_type=Path), default=None, callback=_find_root_if_any,
    help=_ROOT_HELP,
)
def _check_today(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--today is checked as the command line is read: a bad date is wrong usage (exit 2)."""
    from generator.today import check_today, parse_day

    if value is None:
        return None
    try:
        check_today(parse_day(value))
    except ValueError:
        from generator.today import FIRST_TODAY, LAST_TODAY

        raise click.BadParameter(_("{value} is not a date from {first} to {last} written as YYYY-MM-DD").format(
            value=repr(value), first=FIRST_TODAY.isoformat(), last=LAST_TODAY.isoformat())) from None
    return value


def _check_address(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """IP:PORT with a port from 1 to 65535."""
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isascii() or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise click.BadParameter(_("{value} is not an address: write IP:PORT, e.g. 127.0.0.1:8000").format(
            value=repr(value)))
    return value


_QUIET = click.option("--quiet", "-q", is_flag=True, help=N_("Print only errors: no progress, no summary."))
_VERBOSE = click.option("--verbose", "-v", is_flag=True, help=N_(
    "Print every stage with its time, and what was made and what was reused."))


def _progress(quiet: bool, verbose: bool) -> Progress:
    """What shows the build's progress on stderr: nothing with --quiet, a live line on a terminal, else a few
    plain lines (CI, a pipe, a file); --verbose adds each stage's time."""
    from generator.progress import display

    if quiet and verbose:
        raise click.UsageError(_("--quiet and --verbose cannot be used together"))
    return display(quiet=quiet, verbose=verbose)


_NEW_SINCE = click.option(
    "--new-since", metavar="BASE", default=None,
    help=N_("Fail only on what is new against BASE (a git revision or a folder); the rest is reported, not failing."),
)
_TODAY = click.option(
    "--today", metavar="YYYY-MM-DD", callback=_check_today,
    help=N_("Date to check against (default: SOURCE_DATE_EPOCH, else the real date)."),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, cls=_Group, help=N_(
    "Partnerships as code: validate partner records, compute KPIs, build the site."),
    examples=("partnerbook validate --format github",))
@click.version_option(__version__, prog_name="partnerbook")
@click.option("--debug", is_flag=True, help=N_("Show the full traceback of an unexpected error."))
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    # Messages before any record is read (usage errors, init, schema) follow PARTNERBOOK_LANG; once the
    # records load, site.language of partnerbook.yml applies (generator/checks/validate.py).
    i18n.machine_output(False)
    i18n.use(None)
    ctx.obj = {"debug": debug}


@cli.command(help=N_(
    "Check every record: syntax, fields, types, ids, references, secrets, compliance policy.\n\n"
    "Every problem is reported as path:line:column with a rule id and a hint. Exit 0 when clean, 1 when there "
    "are errors (or warnings with --strict)."),
    examples=("partnerbook validate --today 2026-11-24 --format json",))
@_ROOT
@_TODAY
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "codequality"]), default="text",
              show_default=True, help=N_("text for people, json for tools, github for pull-request annotations, "
              "codequality for a GitLab Code Quality report."))
@click.option("--strict", is_flag=True, help=N_("Warnings fail too (exit 1)."))
@_NEW_SINCE
def validate(root: Path, today: str | None, fmt: str, strict: bool, new_since: str | None) -> None:
    from generator.checks import report
    from generator.checks.validate import validate_portfolio
    from generator.today import resolve_today

    _output_format(fmt)
    _require_root(root)
    _batch_mode()
    if new_since is not None:
        _validate_since(root, resolve_today(today), fmt, strict, new_since)
    portfolio, result = validate_portfolio(root, resolve_today(today))
    click.echo(report.render(result, fmt), nl=False)
    from generator.checks.people import team_note
    note = team_note(portfolio, result.problems) if fmt == "text" else None
    if note is not None:
        click.echo(note, err=True)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(report.render_markdown_summary(result))
    sys.exit(1 if result.failed(strict) else 0)


@cli.command(help=N_(
    "Validate the records and build the site into site/.\n\n"
    "Records the tool cannot understand stop the build and leave the previous site untouched; policy findings "
    "(a missing document, a missing clause) do not stop it, because the site shows them."),
    examples=("partnerbook build --today 2026-11-24",))
@_ROOT
@_TODAY
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=N_("Where the site goes (default: site/ under --root)."))
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, help=N_("Processes for drawing charts."))
@_QUIET
@_VERBOSE
@click.option("--timings", is_flag=True, hidden=True, help=N_("The same as --verbose (kept for scripts)."))
def build(root: Path, today: str | None, site_dir: Path | None, jobs: int | None, quiet: bool, verbose: bool,
          timings: bool) -> None:
    from generator.site.build import build_site

    verbose = verbose or timings
    _require_root(root)
    _batch_mode()
    report = build_site(root, _today(today), site_dir, jobs, progress=_progress(quiet, verbose))
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
@_ROOT
@_TODAY
@click.option("--dev-addr", "-a", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT",
              callback=_check_address,
              help=N_("Address to serve the preview on."))
@_QUIET
@_VERBOSE
def serve(root: Path, today: str | None, dev_addr: str, quiet: bool, verbose: bool) -> None:
    from generator.site.serve import serve_site

    _require_root(root)
    serve_site(root.resolve(), _today(today), dev_addr, progress=_progress(quiet, verbose))


@cli.command("print", help=N_(
    "Print a partner's scorecard (or its one-page summary) to PDF, on A4 paper.\n\n"
    "Builds the site first, as build does (what is cached is reused), then prints the page with a headless "
    "Chromium: install it (apt-get install chromium) or set PARTNERBOOK_CHROMIUM to a Chromium or Chrome "
    "binary."),
    examples=("partnerbook print kiln-packaging --summary -o kiln-qbr.pdf",))
@_ROOT
@_TODAY
@click.argument("partner_id", metavar="PARTNER")
@click.option("--summary", is_flag=True, help=N_("The one-page summary for business reviews, not the whole scorecard."))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=N_("The PDF to write (default: PARTNER.pdf, or PARTNER-summary.pdf, here)."))
@_QUIET
@_VERBOSE
def print_(root: Path, today: str | None, partner_id: str, summary: bool, output: Path | None, quiet: bool,
           verbose: bool) -> None:
    from generator.load.discover import discover
    from generator.site.build import build_site
    from generator.site.pdf import find_chromium, page_of, print_pdf

    _require_root(root)
    known = sorted(pid for pid, folder in discover(root).partners.items() if folder.profile is not None)
    if partner_id not in known:
        raise click.BadParameter(_("no partner '{id}'; the partners are: {known}").format(
            id=partner_id, known=", ".join(known) or _("none")), param_hint="PARTNER")
    chromium = find_chromium()  # before building: a missing browser is said at once
    _batch_mode()
    progress = _progress(quiet, verbose)
    report = build_site(root, _today(today), None, None, progress=progress)
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
    "Compute the KPIs of every campaign and partner, with the counts behind them.\n\n"
    "Beside the ratios: sessions, carts, checkouts, orders, revenue and cost (summed over every reported "
    "value for a total), money in the reporting currency of partnerbook.yml. Rates are fractions in CSV and "
    "JSON; an undefined KPI (zero or missing denominator) is n/a in text, empty in CSV and null in JSON."),
    examples=(
        "partnerbook kpis --format csv --table partners > partners.csv",
        "partnerbook kpis --campaign easter-2026",
    ))
@_ROOT
@_TODAY
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True,
              help=N_("text for people, csv for spreadsheets, json for tools (every KPI)."))
@click.option("--table", type=click.Choice(["campaigns", "partners"]), default="campaigns", show_default=True,
              help=N_("Which table text and csv show: per campaign and partner, or per partner."))
@click.option("--campaign", metavar="CAMPAIGN-ID", default=None,
              help=N_("Only this campaign (the campaigns table, and the campaigns of json)."))
def kpis(root: Path, today: str | None, fmt: str, table: str, campaign: str | None) -> None:
    from difflib import get_close_matches

    from generator.compute.portfolio import compute_portfolio
    from generator.inert import shown
    from generator.measure.tables import render

    _output_format(fmt)
    _require_root(root)
    if campaign is not None and table == "partners":
        raise click.UsageError(_("--campaign selects rows of the campaigns table; leave out --table partners"))
    _batch_mode()
    computed = compute_portfolio(root, _today(today))
    if campaign is not None and campaign not in computed.kpis.campaigns:
        known = sorted(computed.kpis.campaigns)
        guess = get_close_matches(campaign, known, n=1)
        text = (_("no campaign '{campaign}'; did you mean {guess}? campaigns: {known}") if guess else
                _("no campaign '{campaign}'; campaigns: {known}") if known else
                _("no campaign '{campaign}': the records have no campaigns"))
        raise click.BadParameter(text.format(campaign=shown(campaign), guess=guess[0] if guess else "",
                                             known=", ".join(known)), param_hint="--campaign")
    click.echo(render(computed.kpis, computed.health, fmt, table, computed.portfolio.settings.currency, campaign),
               nl=False)


@cli.command(help=N_(
    "Show what needs attention: deadlines, compliance gaps, SLA breaches, risks and anomalies.\n\n"
    "Each alert names the record (path:line) it comes from, its rule id and a one-line explanation. "
    "Thresholds, per-rule severity and silences live under alerts: in partnerbook.yml."),
    examples=(
        "partnerbook alerts --today 2026-11-25",
        "partnerbook alerts --format github --fail-on error",
        "partnerbook alerts --rule contract-notice --rule compliance-expiring --format json",
    ))
@_ROOT
@_TODAY
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "codequality"]), default="text",
              show_default=True, help=N_("text for people, json for tools, github for pull-request annotations "
              "and a job summary, codequality for a GitLab Code Quality report."))
@click.option("--severity", type=click.Choice(["error", "warning", "info"]), default=None,
              help=N_("Show only alerts at or above this severity."))
@click.option("--rule", "rules", multiple=True, metavar="RULE-ID",
              help=N_("Show only this rule (repeat for several), e.g. --rule contract-notice."))
@click.option("--partner", "partners", multiple=True, metavar="PARTNER-ID",
              help=N_("Show only this partner's alerts (repeat for several)."))
@click.option("--include-silenced", is_flag=True, help=N_("Also show alerts silenced in partnerbook.yml."))
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="never", show_default=True,
              help=N_("Exit 1 when a shown, unsilenced alert is at or above this severity."))
@_NEW_SINCE
def alerts(root: Path, today: str | None, fmt: str, severity: str | None, rules: tuple[str, ...],
           partners: tuple[str, ...], include_silenced: bool, fail_on: str, new_since: str | None) -> None:
    from generator.alerts import ALERT_RULES, fails, select
    from generator.alerts.report import render
    from generator.compute.portfolio import compute_portfolio

    _output_format(fmt)
    _require_root(root)
    _batch_mode()
    unknown = sorted(set(rules) - set(ALERT_RULES))
    if unknown:
        raise click.BadParameter(_("unknown rule {unknown}; rules: {rules}").format(
            unknown=", ".join(unknown), rules=", ".join(ALERT_RULES)), param_hint="--rule")
    if new_since is not None:
        _alerts_since(root, _today(today), fmt, new_since, fail_on,
                      {"min_severity": severity, "rules": rules, "partners": partners}, include_silenced)
    found = compute_portfolio(root, _today(today)).alerts
    shown = select(found, min_severity=severity, rules=rules, partners=partners, include_silenced=include_silenced)
    hidden = 0 if include_silenced else len(select(found, min_severity=severity, rules=rules, partners=partners,
                                                    include_silenced=True)) - len(shown)
    click.echo(render(shown, fmt, hidden), nl=False)
    _alerts_step_summary(fmt, shown, hidden)
    sys.exit(1 if fails(shown, fail_on) else 0)


def _alerts_step_summary(fmt: str, alerts: Any, hidden: int, base: str | None = None, existing: int = 0) -> None:
    """With --format github in GitHub Actions: the alerts as a table in the job summary, as validate does."""
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and step_summary:
        from generator.alerts.report import render_markdown_summary

        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(render_markdown_summary(alerts, hidden, base, existing))


@cli.command(help=N_(
    "Write an iCalendar file of notice deadlines, contract ends, renewals, document expiries and reviews.\n\n"
    "Import it into (or subscribe to it from) a calendar app. The file is the same for the same records and "
    "--today: UIDs come from record ids, so a changed date updates its event."),
    examples=("partnerbook calendar --today 2026-11-25 -o site/partnerbook.ics",))
@_ROOT
@_TODAY
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=N_("The iCalendar file to write (default: partnerbook.ics in the records root found, or in the "
                   "current folder with --root)."))
def calendar(root: Path, today: str | None, output: Path | None) -> None:
    from generator.site.ical import write_calendar

    _require_root(root)
    _batch_mode()
    if output is None:
        found = click.get_current_context().meta.get("partnerbook.root_found", False)
        output = root / "partnerbook.ics" if found else Path("partnerbook.ics")
    count = write_calendar(root, _today(today), output)
    click.echo(ngettext("wrote {path}: {n} event", "wrote {path}: {n} events", count).format(
        path=output, n=i18n.number(count)))


@cli.command(help=N_(
    "Write a CODEOWNERS file: each partner's folder and campaign to its owner's hosting handles.\n\n"
    "Owners resolve through team.yaml (a role with a handle is reviewed by that team, else by its people); "
    "codeowners.fallback in partnerbook.yml reviews team.yaml and partnerbook.yml."),
    examples=("partnerbook codeowners", "partnerbook codeowners --format gitlab --check"))
@_ROOT
@click.option("--format", "fmt", type=click.Choice(["github", "gitlab"]), default="github", show_default=True,
              help=N_("The host whose CODEOWNERS syntax and location to use."))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=N_("The file to write (default: .github/CODEOWNERS, or .gitlab/CODEOWNERS with --format gitlab, "
                   "in the records root)."))
@click.option("--check", is_flag=True, help=N_("Write nothing; exit 1 with a diff when the file is out of date."))
def codeowners(root: Path, fmt: str, output: Path | None, check: bool) -> None:
    from generator.checks.codeowners import run_command

    _require_root(root)
    sys.exit(run_command(root, fmt, output, check, click.echo))


@cli.command(help=N_(
    "Each person's digest of what needs them: new and open alerts of what they own, deadlines in the warning "
    "window, overdue actions, unclaimed credits.\n\n"
    "People, emails and ownership come from team.yaml; SMTP and webhooks from digest: in partnerbook.yml "
    "(passwords and webhook addresses from environment variables). A rerun the same day sends nothing twice. "
    "Exit 1 when a message could not be sent."),
    examples=("partnerbook digest --person giulia", "partnerbook digest --dry-run", "partnerbook digest --send"))
@_ROOT
@_TODAY
@click.option("--person", metavar="PERSON-ID", default=None, help=N_("Only this person's digest (an id of team.yaml)."))
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "email", "chat"]), default="text",
              show_default=True, help=N_("How to print digests: text, markdown, the email (MIME) or the chat JSON "
              "(Slack and Teams bodies)."))
@click.option("--dry-run", is_flag=True, help=N_("Show what --send would send, and to whom; send nothing."))
@click.option("--send", is_flag=True, help=N_("Send by the channels under digest: in partnerbook.yml (once a day)."))
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=N_("The file recording what was sent (default: .partnerbook/digest-state.json)."))
def digest(root: Path, today: str | None, person: str | None, fmt: str, dry_run: bool, send: bool,
           state_path: Path | None) -> None:
    from generator.alerts.deliver import run_digest
    from generator.compute.portfolio import compute_portfolio

    _require_root(root)
    _batch_mode()
    computed = compute_portfolio(root, _today(today))
    sys.exit(run_digest(computed, person=person, fmt=fmt, dry_run=dry_run, send=send, state_path=state_path,
                        echo=click.echo))


@cli.command(help=N_(
    "Write JSON Schema files for editors (completion and checks while typing).\n\n"
    "Point a record at its schema with a first line such as '# yaml-language-server: "
    "$schema=../../schemas/partner.schema.json'."),
    examples=("partnerbook schema -o schemas",))
@_ROOT_IF_ANY
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=N_("Folder for the schema files (default: schemas/ under --root)."))
def schema(root: Path | None, output: Path | None) -> None:
    from generator.records.init import no_root_message
    from generator.records.schema_export import write_schemas

    if output is None and root is None:
        raise PartnerbookError(no_root_message(Path.cwd()))
    # Folders on the way are checked within the root, or (with -o and no records) within the current folder.
    base = root if root is not None else Path(".")
    for path in write_schemas(output or base / "schemas", base):
        click.echo(_("wrote {path}").format(path=path))


@cli.command(help=N_(
    "Write a valid skeleton record, with comments that explain each field."),
    examples=(
        "partnerbook new partner kiln-packaging",
        "partnerbook new contract supply-2027 --partner kiln-packaging",
        "partnerbook new campaign easter-2027",
    ))
@_ROOT
@click.argument("kind", type=click.Choice(["partner", "contract", "campaign"]))
@click.argument("record_id", metavar="ID")
@click.option("--partner", "partner_id", metavar="PARTNER-ID", help=N_("The partner a new contract belongs to."))
@click.option("--force", is_flag=True, help=N_("Overwrite an existing file."))
def new(root: Path, kind: str, record_id: str, partner_id: str | None, force: bool) -> None:
    from generator.records.scaffold import create, missing_schemas

    path = create(root, kind, record_id, partner_id=partner_id, force=force)
    click.echo(_("wrote {path}; fill in the fields and run 'partnerbook validate'").format(path=path))
    for schema in missing_schemas(root):  # the file's $schema line points there
        click.echo(_("wrote {path}").format(path=schema))


@cli.command(help=N_(
    "Start a records repository in DIRECTORY (default: here; created if missing).\n\n"
    "Writes partnerbook.yml, partners/, campaigns/, schemas/, .gitignore, a CI workflow, "
    ".pre-commit-config.yaml pinned to this version and a README for the team. Nothing is overwritten: "
    "existing files are listed and nothing is written."),
    examples=('partnerbook init partner-records --ci github --title "Acme partnerships"',))
@click.argument("directory", type=click.Path(path_type=Path), default=Path("."), required=False)
@click.option("--ci", type=click.Choice(["github", "gitlab", "none"]), default="github", show_default=True,
              help=N_("The CI workflow to add: GitHub Actions, GitLab CI, or none."))
@click.option("--title", default="Partnerships", show_default=True, help=N_("The site title, in partnerbook.yml."))
@click.option("--currency", default="EUR", show_default=True, help=N_("The portfolio's currency (ISO 4217 code)."))
def init(directory: Path, ci: str, title: str, currency: str) -> None:
    from generator.records.init import Options, check_currency, check_title, init_repository

    try:
        title = check_title(title)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--title") from None
    try:
        currency = check_currency(currency)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--currency") from None
    written = init_repository(directory, Options(title=title, currency=currency, ci=ci))
    for name in written:
        click.echo(_("wrote {path}").format(path=directory / name))
    go = "" if Path(os.path.abspath(directory)) == Path.cwd() else f"  cd {click.format_filename(directory)}\n"
    click.echo("\n" + _("Next steps:") + "\n" + go
               + "  git init   " + _("(if this is not a git repository yet)") + "\n"
               + "  partnerbook new partner <partner-id>\n  partnerbook validate\n  partnerbook build   "
               + _("(the site is in site/; `partnerbook serve` previews it)"))


def _import_sources() -> list[str]:
    from generator.ingest.presets import PRESETS

    return sorted(PRESETS)


@cli.command("import", help=N_(
    "Update a campaign's results from an export (GA4, Shopify or WooCommerce orders, Zigpoll, any CSV).\n\n"
    "Comments and formatting of the record are kept; a figure the record holds already is replaced only with "
    "--replace; nothing is written when the file is bad or the record would not validate."),
    examples=(
        "partnerbook import ga4 traffic.csv --campaign easter-2026 --dry-run",
        "partnerbook import csv report.csv --campaign easter-2026 --mapping affiliate-report",
    ))
@_ROOT
@_TODAY
@click.argument("source", type=click.Choice(_import_sources()))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--campaign", "campaign_id", required=True, metavar="CAMPAIGN-ID", help=N_("The campaign to update."))
@click.option("--mapping", metavar="NAME", help=N_("For the csv source: a mapping under imports.mappings."))
@click.option("--partner", "partner_id", metavar="PARTNER-ID", help=N_("Every row is this partner's."))
@click.option("--replace", is_flag=True, help=N_("Replace figures the record already holds with the export's."))
@click.option("--dry-run", is_flag=True, help=N_("Print the change as a diff; write nothing."))
def import_(root: Path, today: str | None, source: str, file: Path, campaign_id: str, mapping: str | None,
            partner_id: str | None, replace: bool, dry_run: bool) -> None:
    from generator.ingest.command import UsageProblem, run_import
    from generator.today import resolve_today

    _require_root(root)
    try:
        outcome = run_import(root, source, file, campaign_id, today=resolve_today(today), mapping=mapping,
                             partner=partner_id, replace=replace, dry_run=dry_run)
    except UsageProblem as exc:
        raise click.UsageError(str(exc)) from None
    for line in outcome.lines:
        click.echo(line)


@cli.command(help=N_(
    "Show what a change does: the working tree against BASE.\n\n"
    "BASE is a git revision (default: the merge base with the default branch, origin/HEAD, else main or "
    "master) or a second folder. BASE is read from git objects; the working tree is never touched. Reports "
    "records added, removed and changed, validation findings and alerts new and resolved, health, KPI and "
    "compliance changes. Both sides use the same --today, so what only time changed is never new. Exit 0 (it "
    "informs), 1 when BASE cannot be read."),
    examples=(
        "partnerbook diff main",
        'partnerbook diff origin/main --format markdown >> "$GITHUB_STEP_SUMMARY"',
        "partnerbook diff ../records-before --format json",
    ))
@_ROOT
@_TODAY
@click.argument("base", required=False, metavar="[BASE]")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help=N_("text for people, markdown for a pull-request comment or job summary, json for tools."))
def diff(root: Path, today: str | None, base: str | None, fmt: str) -> None:
    from generator.compute.base import open_base
    from generator.compute.diff import diff_portfolios
    from generator.compute.diff_report import render

    _output_format(fmt)
    _require_root(root)
    _batch_mode()
    day = _today(today)
    with open_base(root, base) as found:
        result = diff_portfolios(root, found, day)
    click.echo(render(result, fmt), nl=False)


def _validate_since(root: Path, day: Any, fmt: str, strict: bool, base: str) -> None:
    """``validate --new-since``: fail only on findings BASE does not have; report the others as notices."""
    from generator.compute.base import open_base
    from generator.compute.diff import Memo, finding_key, read_side, split_new
    from generator.compute.diff_report import render_validate_since, validate_since_summary
    from generator.problems import Severity

    memo = Memo()
    head = read_side(root, day, memo, compute=False)
    with open_base(root, base) as found:
        before = read_side(found.root, day, memo, compute=False)
    new, existing = split_new(sorted(set(head.result.problems)), sorted(set(before.result.problems)), finding_key)
    click.echo(render_validate_since(head.result, new, existing, fmt, base), nl=False)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(validate_since_summary(head.result, new, existing, base))
    fails = any(p.severity is Severity.ERROR or (strict and p.severity is Severity.WARNING) for p in new)
    sys.exit(1 if fails else 0)


def _alerts_since(root: Path, day: Any, fmt: str, base: str, fail_on: str, filters: dict[str, Any],
                  include_silenced: bool) -> None:
    """``alerts --new-since``: --fail-on counts only alerts BASE does not have."""
    from generator.alerts import fails, select
    from generator.compute.base import open_base
    from generator.compute.diff import Memo, alert_key, read_side, split_new
    from generator.compute.diff_report import render_alerts_since
    from generator.compute.portfolio import blocking_error

    memo = Memo()
    head = read_side(root, day, memo)
    if head.computed is None:
        error = blocking_error(head.result)
        assert error is not None
        raise error
    with open_base(root, base) as found:
        before = read_side(found.root, day, memo)
    shown = select(head.alerts, include_silenced=include_silenced, **filters)
    hidden = 0 if include_silenced else len(select(head.alerts, include_silenced=True, **filters)) - len(shown)
    new, existing = split_new(shown, before.alerts, alert_key)
    if before.computed is None:
        click.echo(_("note: the records at {base} have errors that stop computing alerts: every alert counts as "
                     "new").format(base=base), err=True)
    click.echo(render_alerts_since(new, existing, fmt, base, hidden), nl=False)
    _alerts_step_summary(fmt, new, hidden, base, len(existing))
    sys.exit(1 if fails(new, fail_on) else 0)


_MACHINE_FORMATS = frozenset({"json", "csv", "codequality"})


def _output_format(fmt: str) -> None:
    """Output for tools (JSON, CSV, Code Quality) is written in English whatever the team's language, so it
    reads the same byte for byte in every language; text, Markdown and GitHub annotations are for people."""
    if fmt in _MACHINE_FORMATS:
        i18n.machine_output(True)
        click.get_current_context().call_on_close(lambda: i18n.machine_output(False))


def _today(option: str | None) -> Any:
    from generator.today import resolve_today

    return resolve_today(option)


def _batch_mode() -> None:
    """A one-shot command holds every record in memory at once: without the cyclic garbage
    collector rescanning that heap again and again, loading is about twice as fast. Objects
    are still freed by reference counting; worker processes turn the collector back on, and
    so does the end of the command (the CLI may run inside a longer-lived process, e.g. tests).
    """
    if gc.isenabled():
        gc.disable()
        click.get_current_context().call_on_close(gc.enable)


def _require_root(root: Path) -> None:
    if not root.is_dir():
        raise click.BadParameter(_("{path} is not a folder").format(path=root), param_hint="--root")
    if not (root / "partners").is_dir() and not (root / "campaigns").is_dir() \
            and not os.path.lexists(root / "partnerbook.yml"):
        raise PartnerbookError(_(
            "{path} has no partners/ or campaigns/ folder; run partnerbook in the records repository, pass "
            "--root, or start one there with `partnerbook init`").format(path=root.resolve()))


def main(argv: list[str] | None = None) -> Any:
    """Entry point: user-fixable errors exit 1, usage errors 2, bugs 3 with a short message."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        return cli.main(args=argv, prog_name="partnerbook", standalone_mode=False)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # Click turns Ctrl-C into Abort
            click.echo(_("partnerbook: interrupted"), err=True)
            sys.exit(130)
        click.echo(_("aborted"), err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except PartnerbookError as exc:
        click.echo(f"partnerbook: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        message = environment_problem(exc)
        if message is None:
            _bug(exc, debug)
        click.echo(f"partnerbook: {message}", err=True)
        sys.exit(1)
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if isinstance(exc, KeyboardInterrupt):
            click.echo(_("partnerbook: interrupted"), err=True)
            sys.exit(130)
        _bug(exc, debug)


def _bug(exc: BaseException, debug: bool) -> None:
    """Exit 3: an unexpected error is a bug in partnerbook, shown without a traceback unless --debug."""
    if debug:
        traceback.print_exception(exc)
    click.echo(_("partnerbook: internal error: {error}: {message}").format(error=type(exc).__name__, message=exc)
               + "\n" + _("This is a bug in partnerbook; run again with --debug for the traceback."), err=True)
    sys.exit(3)



def run() -> None:
    """The console script: ``main``, then leave at once.

    A command that held a large portfolio in memory would otherwise spend a
    noticeable part of its run freeing every object at interpreter exit. Output is
    flushed first; pools and temporary folders are already closed by then.
    """
    try:
        main()
        code = 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
