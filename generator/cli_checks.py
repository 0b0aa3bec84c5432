"""The commands that check and report: validate, kpis, alerts, diff, digest."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from generator.cli_base import NEW_SINCE, ROOT, TODAY, batch_mode, cli, day_of, output_format, require_root
from generator.i18n import N_, _


@cli.command(help=N_(
    "Check every record: syntax, fields, types, ids, references, secrets, compliance policy.\n\n"
    "Every problem is reported as path:line:column with a rule id and a hint. Exit 0 when clean, 1 when there "
    "are errors (or warnings with --strict)."),
    examples=("partnerbook validate --today 2026-11-24 --format json",))
@ROOT
@TODAY
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "codequality"]), default="text",
              show_default=True, help=N_("text for people, json for tools, github for pull-request annotations, "
              "codequality for a GitLab Code Quality report."))
@click.option("--strict", is_flag=True, help=N_("Warnings fail too (exit 1)."))
@NEW_SINCE
def validate(root: Path, today: str | None, fmt: str, strict: bool, new_since: str | None) -> None:
    from generator.checks import report
    from generator.checks.validate import validate_portfolio
    from generator.today import resolve_today

    output_format(fmt)
    require_root(root)
    batch_mode()
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


@cli.command(help=N_(
    "Compute the KPIs of every campaign and partner, with the counts behind them.\n\n"
    "Beside the ratios: sessions, carts, checkouts, orders, revenue and cost (summed over every reported "
    "value for a total), money in the reporting currency of partnerbook.yml. Rates are fractions in CSV and "
    "JSON; an undefined KPI (zero or missing denominator) is n/a in text, empty in CSV and null in JSON."),
    examples=(
        "partnerbook kpis --format csv --table partners > partners.csv",
        "partnerbook kpis --campaign easter-2026",
    ))
@ROOT
@TODAY
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

    output_format(fmt)
    require_root(root)
    if campaign is not None and table == "partners":
        raise click.UsageError(_("--campaign selects rows of the campaigns table; leave out --table partners"))
    batch_mode()
    computed = compute_portfolio(root, day_of(today))
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
@ROOT
@TODAY
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
@NEW_SINCE
def alerts(root: Path, today: str | None, fmt: str, severity: str | None, rules: tuple[str, ...],
           partners: tuple[str, ...], include_silenced: bool, fail_on: str, new_since: str | None) -> None:
    from generator.alerts import ALERT_RULES, fails, select
    from generator.alerts.report import render
    from generator.compute.portfolio import compute_portfolio

    output_format(fmt)
    require_root(root)
    batch_mode()
    unknown = sorted(set(rules) - set(ALERT_RULES))
    if unknown:
        raise click.BadParameter(_("unknown rule {unknown}; rules: {rules}").format(
            unknown=", ".join(unknown), rules=", ".join(ALERT_RULES)), param_hint="--rule")
    if new_since is not None:
        _alerts_since(root, day_of(today), fmt, new_since, fail_on,
                      {"min_severity": severity, "rules": rules, "partners": partners}, include_silenced)
    found = compute_portfolio(root, day_of(today)).alerts
    shown = select(found, min_severity=severity, rules=rules, partners=partners, include_silenced=include_silenced)
    hidden = 0 if include_silenced else len(select(found, min_severity=severity, rules=rules, partners=partners,
                                                    include_silenced=True)) - len(shown)
    click.echo(render(shown, fmt, hidden), nl=False)
    _alerts_step_summary(fmt, shown, hidden)
    sys.exit(1 if fails(shown, fail_on) else 0)


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


def _alerts_step_summary(fmt: str, alerts: Any, hidden: int, base: str | None = None, existing: int = 0) -> None:
    """With --format github in GitHub Actions: the alerts as a table in the job summary, as validate does."""
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and step_summary:
        from generator.alerts.report import render_markdown_summary

        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(render_markdown_summary(alerts, hidden, base, existing))


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
@ROOT
@TODAY
@click.argument("base", required=False, metavar="[BASE]")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help=N_("text for people, markdown for a pull-request comment or job summary, json for tools."))
def diff(root: Path, today: str | None, base: str | None, fmt: str) -> None:
    from generator.compute.base import open_base
    from generator.compute.diff import diff_portfolios
    from generator.compute.diff_report import render

    output_format(fmt)
    require_root(root)
    batch_mode()
    day = day_of(today)
    with open_base(root, base) as found:
        result = diff_portfolios(root, found, day)
    click.echo(render(result, fmt), nl=False)


@cli.command(help=N_(
    "Each person's digest of what needs them: new and open alerts of what they own, deadlines in the warning "
    "window, overdue actions, unclaimed credits.\n\n"
    "People, emails and ownership come from team.yaml; SMTP and webhooks from digest: in partnerbook.yml "
    "(passwords and webhook addresses from environment variables). A rerun the same day sends nothing twice. "
    "Exit 1 when a message could not be sent."),
    examples=("partnerbook digest --person giulia", "partnerbook digest --dry-run", "partnerbook digest --send"))
@ROOT
@TODAY
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

    require_root(root)
    batch_mode()
    computed = compute_portfolio(root, day_of(today))
    sys.exit(run_digest(computed, person=person, fmt=fmt, dry_run=dry_run, send=send, state_path=state_path,
                        echo=click.echo))
