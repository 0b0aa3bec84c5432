"""partnerbook: partnerships as code for ecommerce teams.

The package is the pipeline a record takes, one subpackage per stage, each importing only
earlier ones (``tests/test_layout.py`` guards it):

load -> records -> rules -> checks -> ingest -> measure -> alerts -> compute -> draw -> site

(``ingest`` turns the exports teams already have, analytics, shop orders and surveys, into
campaign records; it writes records, so it sits after the checks it runs on what it writes.)

``cli`` is the command line on top. Shared by every stage: ``problems`` (findings), ``errors``,
``today``, ``workdir`` (the tool's own folders, safely) and the one escaping path for record
text (``markdown`` for the site, ``inert`` for terminals, CI annotations, JSON and CSV).
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"


def templates_dir() -> Path:
    """``site_templates/``: inside the package when installed from a wheel, beside it in a checkout."""
    installed = Path(__file__).resolve().parent / "site_templates"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "site_templates"
