"""The command line: parse options, call one core function, turn the result into an exit code.

Exit codes: 0 clean, 1 problems the user can fix (records, full disk, read-only folder, port in use),
2 wrong usage, 130 interrupted, 3 a bug in partnerbook.
Heavy libraries (pandas, matplotlib, mkdocs) are imported only inside the
commands that need them, so ``partnerbook validate`` starts fast.

What the commands print for people is in the team's language (``generator/locale/*/cli.po``):
PARTNERBOOK_LANG from the start, ``site.language`` once the records are read. Output for tools
(JSON, CSV, Code Quality) is English in every language (``i18n.machine_output``).

The commands are in ``generator/cli_checks.py`` (validate, kpis, alerts, diff, digest), ``cli_site.py``
(build, serve, print, calendar) and ``cli_records.py`` (schema, new, init, import, codeowners); the group,
its help pages and the shared options in ``cli_base.py``.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import click

from generator import cli_checks, cli_records, cli_site  # noqa: F401 - importing them registers their commands
from generator.cli_base import cli
from generator.errors import PartnerbookError, environment_problem
from generator.i18n import _

__all__ = ["cli", "main", "run"]


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
