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
from generator.i18n import _, ngettext
from generator.inert import shown
from generator.ingest.model import Extract, ImportProblem, Request
from generator.ingest.presets import PRESETS
from generator.ingest.write import Applied, Change, apply
from generator.load.discover import discover
from generator.load.safe_read import read_in_root
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
        raise UsageProblem(_("unknown source '{source}': use one of {sources}").format(
            source=shown(source), sources=", ".join(sorted(PRESETS))))
    name = PRESETS[source]
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise UsageProblem(_("the '{source}' source is not available in this version of partnerbook").format(
            source=source)) from None


def _campaign_path(root: Path, campaign_id: str) -> Path:
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", campaign_id) or len(campaign_id) > 64:
        raise UsageProblem(_("'{id}' is not a campaign id: ids are 1-64 lowercase letters, digits and single "
                             "hyphens (the campaign file's name without .yaml)").format(id=shown(campaign_id)))
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
            raise ImportProblem(f"campaigns/{shown(campaign_id)}{suffix}",
                                _("the record is a symbolic link; partnerbook never reads or writes a record "
                                  "through a link"),
                                _("replace the link by the record file itself"))
        if not stat.S_ISREG(mode):
            raise ImportProblem(f"campaigns/{shown(campaign_id)}{suffix}", _("the record is not a regular file"),
                                _("the campaign record must be a plain YAML file"))
    for problem in layout.problems:  # a link or special file in the way (campaigns/ itself, or the record)
        if problem.file in ("campaigns", f"campaigns/{campaign_id}.yaml", f"campaigns/{campaign_id}.yml"):
            raise ImportProblem(shown(problem.file), shown(problem.message), shown(problem.hint))
    raise ImportProblem(f"campaigns/{shown(campaign_id)}.yaml",
                        _("there is no campaign '{id}'").format(id=shown(campaign_id)),
                        _("create it first with `partnerbook new campaign {id}` (name, dates, owner), then import "
                          "into it").format(id=shown(campaign_id)))


def _conflict_lines(conflicts: list[Change]) -> list[str]:
    return ["  " + _("{partner} {field}: the record has {old}, the export gives {new}").format(
        partner=shown(c.partner), field=c.where, old=_value(c.old), new=_value(c.new)) for c in conflicts]


def _summary(applied: Applied, extract: Extract, display: str) -> list[str]:
    lines = []
    by_partner: dict[str, list[Change]] = {}
    for change in applied.changes:
        by_partner.setdefault(change.partner, []).append(change)
    for partner in sorted(set(by_partner) | set(extract.figures)):
        changes = by_partner.get(partner, [])
        if not changes:
            lines.append("  " + _("{partner}: unchanged").format(partner=shown(partner)))
            continue
        daily = [c for c in changes if c.where.startswith("daily")]
        rest = [c for c in changes if not c.where.startswith("daily")]
        parts = [f"{c.where} {_value(c.old) if c.old is not None else '-'} -> {_value(c.new)}" for c in rest]
        if daily:
            parts.append(ngettext("{n} daily figure", "{n} daily figures", len(daily)).format(n=len(daily)))
        line = (_("{partner} (new result entry): {changes}") if partner in applied.created else
                _("{partner}: {changes}"))
        lines.append("  " + line.format(partner=shown(partner), changes=", ".join(parts)))
    return [f"{display}:", *lines] if lines else [_("{file}: no partner in the export").format(file=display)]


# The rules under imports.partners.<id> that recognise a partner in each source's rows.
RULE_KINDS = {"ga4": ("source_medium", "campaign"), "shopify-orders": ("discount_codes", "utm_source", "referrers"),
              "woocommerce-orders": ("discount_codes", "utm_source", "referrers"),
              "zigpoll": ("discount_codes", "utm_source", "campaign", "referrers")}


def _report(extract: Extract) -> list[str]:
    lines = [ngettext("read {n} row of {file} ({source})", "read {n} rows of {file} ({source})", extract.rows).format(
        n=extract.rows, file=shown(extract.file), source=extract.source)]
    if extract.unmatched_rows:
        examples = ", ".join(f"'{shown(e)}'" for e in extract.unmatched_examples)
        kinds = RULE_KINDS.get(extract.source)
        if kinds and extract.source == "ga4" and extract.unmatched_examples:
            rule = _("({kinds}), e.g. {kind}: ['{example}']").format(
                kinds=", ".join(kinds), kind=kinds[0], example=shown(extract.unmatched_examples[0]))
        elif kinds:
            rule = f"({', '.join(kinds)})"
        else:
            rule = _("(or name the partner's id in the export's partner column)")
        n = extract.unmatched_rows
        if examples:
            text = ngettext("{n} row matched no partner, e.g. {examples}; to count it for a partner add a rule under "
                            "imports.partners.<partner-id> in partnerbook.yml {rule}",
                            "{n} rows matched no partner, e.g. {examples}; to count them for a partner add a rule "
                            "under imports.partners.<partner-id> in partnerbook.yml {rule}", n)
        else:
            text = ngettext("{n} row matched no partner; to count it for a partner add a rule under "
                            "imports.partners.<partner-id> in partnerbook.yml {rule}",
                            "{n} rows matched no partner; to count them for a partner add a rule under "
                            "imports.partners.<partner-id> in partnerbook.yml {rule}", n)
        lines.append(text.format(n=n, examples=examples, rule=rule))
    if extract.outside_rows:
        lines.append(ngettext("{n} row dated outside the campaign's period, not imported",
                              "{n} rows dated outside the campaign's period, not imported",
                              extract.outside_rows).format(n=extract.outside_rows))
    lines += [_("note: {note}").format(note=shown(note)) for note in extract.notes]
    return lines


def run_import(root: Path, source: str, file: Path, campaign_id: str, *, today: date, mapping: str | None = None,
               partner: str | None = None, replace: bool = False, dry_run: bool = False) -> Outcome:
    """Import ``file`` into campaign ``campaign_id``: raises ImportProblem (exit 1) or UsageProblem (exit 2)."""
    module = _module(source)
    if mapping is not None and source != "csv":
        raise UsageProblem(_("--mapping is for the csv source only"))
    path = _campaign_path(root, campaign_id)
    layout_display = path.relative_to(root).as_posix()
    display = shown(layout_display)
    portfolio, result = validate_portfolio(root, today)
    loaded = portfolio.campaigns.get(campaign_id)
    own = [p for p in result.errors if p.file == layout_display]
    if loaded is None or loaded.partial or own:
        details = "\n".join(f"  {shown(p.location())}: {shown(p.message)}" for p in own)
        raise ImportProblem(display, (_("the campaign record has errors; fix them before importing into it:")
                                      + f"\n{details}") if details else
                            _("the campaign record has errors; fix them before importing into it"),
                            _("run 'partnerbook validate'"))
    if partner is not None and partner not in portfolio.partners:
        raise UsageProblem(_("--partner {id}: there is no partner with that id").format(id=shown(partner)))
    campaign = loaded.record
    request = Request(campaign_id=campaign_id, start=campaign.start, end=campaign.end,
                      currency=campaign.currency or portfolio.settings.currency,
                      settings=portfolio.settings.imports, partners=tuple(sorted(portfolio.partners)),
                      mapping=mapping, partner=partner)
    extract: Extract = module.extract(file, request)
    if extract.rows == 0:
        raise ImportProblem(shown(file), _("the export has a header but no data rows"),
                            _("export again with the campaign's dates selected; nothing was written"))
    old = read_in_root(root, path).decode("utf-8")
    applied = apply(old, extract, display=display, replace=replace)
    outcome = Outcome(_report(extract))
    if applied.conflicts:
        count = len(applied.conflicts)
        raise ImportProblem(display, ngettext("{n} figure in the record differs from the export; nothing was "
                                              "written:",
                                              "{n} figures in the record differ from the export; nothing was "
                                              "written:", count).format(n=count) + "\n"
                            + "\n".join(_conflict_lines(applied.conflicts)),
                            _("check the export and the campaign; run again with --replace to take the export's "
                              "figures"))
    if applied.text == old:
        outcome.lines.append(_("{file}: nothing to change").format(file=display))
        return outcome
    new = applied.text.encode("utf-8")
    _portfolio, checked = validate_portfolio(root, today, overrides={path: new})
    errors = [p for p in checked.errors if p.file == layout_display and p.severity is Severity.ERROR]
    if errors:
        raise ImportProblem(display, _("the record would not validate after the import; nothing was written:")
                            + "\n" + "\n".join(f"  {shown(p.location())}: {shown(p.message)}" for p in errors),
                            _("check the export (the figures above are the imported ones) and the record"))
    outcome.lines += _summary(applied, extract, display)
    if dry_run:
        diff = difflib.unified_diff(old.splitlines(keepends=True), applied.text.splitlines(keepends=True),
                                    fromfile=f"a/{layout_display}", tofile=f"b/{layout_display}")
        outcome.lines += [shown(line.rstrip("\n")) for line in diff]
        outcome.lines.append(_("dry run: nothing written"))
        return outcome
    write_output(root, path, new)
    outcome.written = True
    outcome.lines.append(_("wrote {file}").format(file=display))
    return outcome
