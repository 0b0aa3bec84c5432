"""CSV downloads on the site: tables written as files into docs/ (MkDocs copies them into the site).

How to offer a table for download (the KPI tables are in ``generator.site.pages.download_tables``):

1. add it to the dict ``download_tables`` returns: ``name -> Table`` (columns in order and rows as dicts,
   ``generator.measure.tables.Table``) or ``name -> list of dicts`` (columns in the order the keys first
   appear). ``name`` is 1-120 lowercase letters, digits and hyphens: the file is ``downloads/<name>.csv``;
2. in the page's context, put ``link(name, depth)`` (``depth``: how many folders below docs/ the page's
   Markdown file lies: 0 for ``index.md``, 1 for ``campaigns/index.md``, 2 for ``campaigns/x/index.md``)
   and print it in the template below the table.

Every file goes through ``generator.measure.tables.table_csv``, the writer of ``partnerbook kpis --format
csv``: the same bytes for the same table, text cells a spreadsheet would run as a formula quoted, control
characters shown. The files are part of what ``prepare_docs`` writes into docs/ (generator/site/build.py,
through generator/workdir.py), so they are rewritten only when their bytes change and their names enter
the build's cache key; the previous site's copy is reused only when it holds the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from generator import markdown
from generator.i18n import _
from generator.measure.kpis import KpiReport
from generator.measure.tables import Table, campaign_table, partner_table, table_csv

DOWNLOAD_DIR = "downloads"
_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?\Z")


def path_of(name: str) -> str:
    """The file of table ``name`` under docs/ (and the site): ``downloads/<name>.csv``."""
    if not _NAME.match(name):
        raise ValueError(f"a download name is lowercase letters, digits and hyphens, not {name!r}")
    return f"{DOWNLOAD_DIR}/{name}.csv"


def as_table(table: Table | list[dict[str, Any]]) -> Table:
    """A ``Table``; a list of dicts takes its columns in the order their keys first appear."""
    if isinstance(table, Table):
        return table
    columns: dict[str, None] = {}
    for row in table:
        columns.update(dict.fromkeys(row))
    return Table(list(columns), table)


def kpi_tables(report: KpiReport, health: dict[str, Any], currency: str) -> dict[str, Table]:
    """The KPI tables of ``partnerbook kpis --format csv``: all campaigns, all partners, and each campaign.

    ``kpis-campaign-<id>`` holds the rows ``kpis --format csv --campaign <id>`` prints.
    """
    campaigns = campaign_table(report, currency)
    tables = {"kpis-campaigns": campaigns, "kpis-partners": partner_table(report, health, currency)}
    rows_of: dict[str, list[dict[str, Any]]] = {cid: [] for cid in report.campaigns}
    for row in campaigns.rows:
        rows_of[row["campaign"]].append(row)
    for cid, rows in rows_of.items():
        tables[f"kpis-campaign-{cid}"] = Table(campaigns.columns, rows)
    return tables


def csv_files(tables: Mapping[str, Table | list[dict[str, Any]]]) -> dict[str, bytes]:
    """Every table as a CSV file: ``downloads/<name>.csv`` -> UTF-8 bytes, in name order."""
    return {path_of(name): table_csv(as_table(tables[name])).encode("utf-8") for name in sorted(tables)}


def link(name: str, depth: int, label: str | None = None) -> Markup:
    """A Markdown link from a page ``depth`` folders below docs/ to table ``name``'s file.

    ``label`` defaults to "Download CSV" in the current language (the file itself is never translated).

    MkDocs rewrites it to the file's URL relative to the page's own URL (with or without
    ``use_directory_urls``); ``download`` makes browsers save the file rather than show it.
    """
    href = "../" * depth + path_of(name)
    return Markup("[{}]({}){{ download }}").format(markdown.text(_("Download CSV") if label is None else label),
                                                   Markup(href))
