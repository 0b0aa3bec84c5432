"""The command line's shared parts: the ``partnerbook`` group, its help pages in the team's language, and
the options and checks the commands share (generator/cli.py lists the commands' modules).

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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator import __version__, i18n
from generator.errors import PartnerbookError
from generator.i18n import N_, _

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


ROOT = click.option(
    "--root", "-C", type=click.Path(file_okay=False, path_type=Path), default=None, callback=_find_root,
    help=_ROOT_HELP,
)


ROOT_IF_ANY = click.option(
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


def check_address(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """IP:PORT with a port from 1 to 65535."""
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isascii() or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise click.BadParameter(_("{value} is not an address: write IP:PORT, e.g. 127.0.0.1:8000").format(
            value=repr(value)))
    return value


QUIET = click.option("--quiet", "-q", is_flag=True, help=N_("Print only errors: no progress, no summary."))


VERBOSE = click.option("--verbose", "-v", is_flag=True, help=N_(
    "Print every stage with its time, and what was made and what was reused."))


def progress_display(quiet: bool, verbose: bool) -> Progress:
    """What shows the build's progress on stderr: nothing with --quiet, a live line on a terminal, else a few
    plain lines (CI, a pipe, a file); --verbose adds each stage's time."""
    from generator.progress import display

    if quiet and verbose:
        raise click.UsageError(_("--quiet and --verbose cannot be used together"))
    return display(quiet=quiet, verbose=verbose)


NEW_SINCE = click.option(
    "--new-since", metavar="BASE", default=None,
    help=N_("Fail only on what is new against BASE (a git revision or a folder); the rest is reported, not failing."),
)


TODAY = click.option(
    "--today", metavar="YYYY-MM-DD", callback=_check_today,
    help=N_("Date to check against (default: SOURCE_DATE_EPOCH, else the real date)."),
)


_MACHINE_FORMATS = frozenset({"json", "csv", "codequality"})


def output_format(fmt: str) -> None:
    """Output for tools (JSON, CSV, Code Quality) is written in English whatever the team's language, so it
    reads the same byte for byte in every language; text, Markdown and GitHub annotations are for people."""
    if fmt in _MACHINE_FORMATS:
        i18n.machine_output(True)
        click.get_current_context().call_on_close(lambda: i18n.machine_output(False))


def day_of(option: str | None) -> Any:
    from generator.today import resolve_today

    return resolve_today(option)


def batch_mode() -> None:
    """A one-shot command holds every record in memory at once: without the cyclic garbage
    collector rescanning that heap again and again, loading is about twice as fast. Objects
    are still freed by reference counting; worker processes turn the collector back on, and
    so does the end of the command (the CLI may run inside a longer-lived process, e.g. tests).
    """
    if gc.isenabled():
        gc.disable()
        click.get_current_context().call_on_close(gc.enable)


def require_root(root: Path) -> None:
    if not root.is_dir():
        raise click.BadParameter(_("{path} is not a folder").format(path=root), param_hint="--root")
    if not (root / "partners").is_dir() and not (root / "campaigns").is_dir() \
            and not os.path.lexists(root / "partnerbook.yml"):
        raise PartnerbookError(_(
            "{path} has no partners/ or campaigns/ folder; run partnerbook in the records repository, pass "
            "--root, or start one there with `partnerbook init`").format(path=root.resolve()))


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
