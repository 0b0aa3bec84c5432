"""The commands that write records and repository files: schema, new, init, import, codeowners."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from generator.cli_base import ROOT, ROOT_IF_ANY, TODAY, cli, require_root
from generator.errors import PartnerbookError
from generator.i18n import N_, _


@cli.command(help=N_(
    "Write JSON Schema files for editors (completion and checks while typing).\n\n"
    "Point a record at its schema with a first line such as '# yaml-language-server: "
    "$schema=../../schemas/partner.schema.json'."),
    examples=("partnerbook schema -o schemas",))
@ROOT_IF_ANY
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
@ROOT
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
@ROOT
@TODAY
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

    require_root(root)
    try:
        outcome = run_import(root, source, file, campaign_id, today=resolve_today(today), mapping=mapping,
                             partner=partner_id, replace=replace, dry_run=dry_run)
    except UsageProblem as exc:
        raise click.UsageError(str(exc)) from None
    for line in outcome.lines:
        click.echo(line)


@cli.command(help=N_(
    "Write a CODEOWNERS file: each partner's folder and campaign to its owner's hosting handles.\n\n"
    "Owners resolve through team.yaml (a role with a handle is reviewed by that team, else by its people); "
    "codeowners.fallback in partnerbook.yml reviews team.yaml and partnerbook.yml."),
    examples=("partnerbook codeowners", "partnerbook codeowners --format gitlab --check"))
@ROOT
@click.option("--format", "fmt", type=click.Choice(["github", "gitlab"]), default="github", show_default=True,
              help=N_("The host whose CODEOWNERS syntax and location to use."))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=N_("The file to write (default: .github/CODEOWNERS, or .gitlab/CODEOWNERS with --format gitlab, "
                   "in the records root)."))
@click.option("--check", is_flag=True, help=N_("Write nothing; exit 1 with a diff when the file is out of date."))
def codeowners(root: Path, fmt: str, output: Path | None, check: bool) -> None:
    from generator.checks.codeowners import run_command

    require_root(root)
    sys.exit(run_command(root, fmt, output, check, click.echo))
