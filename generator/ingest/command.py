"""``partnerbook import SOURCE FILE --campaign ID``: read an export, update the campaign record safely.

Steps: find the campaign record (never through a symlink), read the export with the source's preset,
apply the figures to the record's text (round trip, comments kept), validate the whole portfolio as it
would be with the new text, then write it atomically, or print the diff with ``--dry-run``. Nothing is
written when the file is bad, a figure conflicts (without ``--replace``) or the result does not validate.
"""

from __future__ import annotations

import difflib
import importlib
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.checks.validate import validate_portfolio
from generator.inert import shown
from generator.ingest.model import Extract, ImportProblem, Request
from generator.ingest.presets import PRESETS
from generator.ingest.write import Applied, Change, apply
from generator.load.discover import discover
from generator.load.loader import read_in_root
from generator.problems import Severity
from generator.workdir import write_output


class UsageProblem(Exception):
    """Wrong usage of the command (exit 2)."""


@dataclass
class Outcome:
    lines: list[str] = field(default_factory=list)  # what to print (already inert)
    written: bool = False


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, date):
        return value.isoformat()
    return shown(value)


def _module(source: str) -> Any:
    if source not in PRESETS:
        raise UsageProblem(f"unknown source '{source}': use one of {', '.join(sorted(PRESETS))}")
    name = PRESETS[source]
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise UsageProblem(f"the '{source}' source is not available in this version of partnerbook") from None


def _campaign_path(root: Path, campaign_id: str) -> Path:
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", campaign_id) or len(campaign_id) > 64:
        raise UsageProblem(f"'{shown(campaign_id)}' is not a campaign id: ids are 1-64 lowercase letters, digits "
                           "and single hyphens (the campaign file's name without .yaml)")
    layout = discover(root)
    path = layout.campaigns.get(campaign_id)
    if path is not None:
        return path
    for suffix in (".yaml", ".yml"):
        candidate = root / "campaigns" / f"{campaign_id}{suffix}"
        try:
            mode = os.lstat(candidate).st_mode
        except OSError:
            continue
        if stat.S_ISLNK(mode):
            raise ImportProblem(f"campaigns/{shown(campaign_id)}{suffix}", "is a symbolic link; partnerbook never "
                                "reads or writes a record through a link",
                                "replace the link by the record file itself")
        if not stat.S_ISREG(mode):
            raise ImportProblem(f"campaigns/{shown(campaign_id)}{suffix}", "is not a regular file",
                                "the campaign record must be a plain YAML file")
    for problem in layout.problems:  # a link or special file in the way (campaigns/ itself, or the record)
        if problem.file in ("campaigns", f"campaigns/{campaign_id}.yaml", f"campaigns/{campaign_id}.yml"):
            raise ImportProblem(shown(problem.file), shown(problem.message), shown(problem.hint))
    raise ImportProblem(f"campaigns/{shown(campaign_id)}.yaml", f"there is no campaign '{shown(campaign_id)}'",
                        f"create it first with `partnerbook new campaign {shown(campaign_id)}` (name, dates, owner), "
                        "then import into it")


def _conflict_lines(conflicts: list[Change]) -> list[str]:
    return [f"  {shown(c.partner)} {c.where}: the record has {_value(c.old)}, the export gives {_value(c.new)}"
            for c in conflicts]


def _summary(applied: Applied, extract: Extract, display: str) -> list[str]:
    lines = []
    by_partner: dict[str, list[Change]] = {}
    for change in applied.changes:
        by_partner.setdefault(change.partner, []).append(change)
    for partner in sorted(set(by_partner) | set(extract.figures)):
        changes = by_partner.get(partner, [])
        new = " (new result entry)" if partner in applied.created else ""
        if not changes:
            lines.append(f"  {shown(partner)}: unchanged")
            continue
        daily = [c for c in changes if c.where.startswith("daily")]
        rest = [c for c in changes if not c.where.startswith("daily")]
        parts = [f"{c.where} {_value(c.old) if c.old is not None else '-'} -> {_value(c.new)}" for c in rest]
        if daily:
            parts.append(f"{len(daily)} daily figure{'s' if len(daily) != 1 else ''}")
        lines.append(f"  {shown(partner)}{new}: " + ", ".join(parts))
    return [f"{display}:", *lines] if lines else [f"{display}: no partner in the export"]


# The rules under imports.partners.<id> that recognise a partner in each source's rows.
RULE_KINDS = {"ga4": ("source_medium", "campaign"), "shopify-orders": ("discount_codes", "utm_source", "referrers"),
              "woocommerce-orders": ("discount_codes", "utm_source", "referrers"),
              "zigpoll": ("discount_codes", "utm_source", "campaign", "referrers")}


def _report(extract: Extract) -> list[str]:
    lines = [f"read {extract.rows} row{'s' if extract.rows != 1 else ''} of {shown(extract.file)} ({extract.source})"]
    if extract.unmatched_rows:
        examples = ", ".join(f"'{shown(e)}'" for e in extract.unmatched_examples)
        kinds = RULE_KINDS.get(extract.source)
        if kinds and extract.source == "ga4" and extract.unmatched_examples:
            rule = f"({', '.join(kinds)}), e.g. {kinds[0]}: ['{shown(extract.unmatched_examples[0])}']"
        elif kinds:
            rule = f"({', '.join(kinds)})"
        else:
            rule = "(or name the partner's id in the export's partner column)"
        lines.append(f"{extract.unmatched_rows} row{'s' if extract.unmatched_rows != 1 else ''} matched no partner"
                     + (f", e.g. {examples}" if examples else "")
                     + "; to count them for a partner add a rule under imports.partners.<partner-id> in "
                     f"partnerbook.yml {rule}")
    if extract.outside_rows:
        lines.append(f"{extract.outside_rows} row{'s' if extract.outside_rows != 1 else ''} dated outside the "
                     "campaign's period, not imported")
    lines += [f"note: {shown(note)}" for note in extract.notes]
    return lines


def run_import(root: Path, source: str, file: Path, campaign_id: str, *, today: date, mapping: str | None = None,
               partner: str | None = None, replace: bool = False, dry_run: bool = False) -> Outcome:
    """Import ``file`` into campaign ``campaign_id``: raises ImportProblem (exit 1) or UsageProblem (exit 2)."""
    module = _module(source)
    if mapping is not None and source != "csv":
        raise UsageProblem("--mapping is for the csv source only")
    path = _campaign_path(root, campaign_id)
    layout_display = path.relative_to(root).as_posix()
    display = shown(layout_display)
    portfolio, result = validate_portfolio(root, today)
    loaded = portfolio.campaigns.get(campaign_id)
    own = [p for p in result.errors if p.file == layout_display]
    if loaded is None or loaded.partial or own:
        details = "\n".join(f"  {shown(p.location())}: {shown(p.message)}" for p in own)
        raise ImportProblem(display, "the campaign record has errors; fix them before importing into it"
                            + (f":\n{details}" if details else ""), "run 'partnerbook validate'")
    if partner is not None and partner not in portfolio.partners:
        raise UsageProblem(f"--partner {partner}: there is no partner with that id")
    campaign = loaded.record
    request = Request(campaign_id=campaign_id, start=campaign.start, end=campaign.end,
                      currency=campaign.currency or portfolio.settings.currency,
                      settings=portfolio.settings.imports, partners=tuple(sorted(portfolio.partners)),
                      mapping=mapping, partner=partner)
    extract: Extract = module.extract(file, request)
    if extract.rows == 0:
        raise ImportProblem(shown(file), "the export has a header but no data rows",
                            "export again with the campaign's dates selected; nothing was written")
    old = read_in_root(root, path).decode("utf-8")
    applied = apply(old, extract, display=display, replace=replace)
    outcome = Outcome(_report(extract))
    if applied.conflicts:
        many = len(applied.conflicts) != 1
        raise ImportProblem(display, f"{len(applied.conflicts)} figure{'s' if many else ''} in the record "
                            f"differ{'' if many else 's'} from the export; nothing was written:\n"
                            + "\n".join(_conflict_lines(applied.conflicts)),
                            "check the export and the campaign; run again with --replace to take the export's "
                            "figures")
    if applied.text == old:
        outcome.lines.append(f"{display}: nothing to change")
        return outcome
    new = applied.text.encode("utf-8")
    _, checked = validate_portfolio(root, today, overrides={path: new})
    errors = [p for p in checked.errors if p.file == layout_display and p.severity is Severity.ERROR]
    if errors:
        raise ImportProblem(display, "the record would not validate after the import; nothing was written:\n"
                            + "\n".join(f"  {shown(p.location())}: {shown(p.message)}" for p in errors),
                            "check the export (the figures above are the imported ones) and the record")
    outcome.lines += _summary(applied, extract, display)
    if dry_run:
        diff = difflib.unified_diff(old.splitlines(keepends=True), applied.text.splitlines(keepends=True),
                                    fromfile=f"a/{layout_display}", tofile=f"b/{layout_display}")
        outcome.lines += [shown(line.rstrip("\n")) for line in diff]
        outcome.lines.append("dry run: nothing written")
        return outcome
    write_output(root, path, new)
    outcome.written = True
    outcome.lines.append(f"wrote {display}")
    return outcome
