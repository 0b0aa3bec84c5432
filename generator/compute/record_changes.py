"""What changed in the records themselves between two portfolios: records added, removed, and changed field by field.

A record one side could not read is a change with a note, not an addition or a removal. The whole comparison
(findings, alerts, health, KPIs) is generator/compute/diff.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.i18n import N_
from generator.records.portfolio import Loaded, Portfolio

# Notes on a record that one side could not read (kept in English in the JSON, translated in the reports).
UNREADABLE_AT_BASE = N_("could not be read at BASE")
UNREADABLE_NOW = N_("can no longer be read")


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}[{index}]", out)
    elif value is not None:
        out[prefix] = value


def _dump(record: Any, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    data = record.model_dump(mode="json", exclude_none=True)
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key not in exclude:
            _flatten(value, key, flat)
    return flat


def _field_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"field": name, "before": before.get(name), "after": after.get(name)}
            for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]


def _by_name(items: list[Any], name_of: Callable[[Any], str]) -> dict[str, dict[str, Any]]:
    """Entries by name ('dpa', and 'dpa#2' for a second entry of the same name)."""
    seen: Counter[str] = Counter()
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        name = name_of(item)
        seen[name] += 1
        out[name if seen[name] == 1 else f"{name}#{seen[name]}"] = _dump(item)
    return out


def _documents(partner: Any) -> dict[str, dict[str, Any]]:
    """Compliance documents by type."""
    return _by_name(partner.compliance, lambda document: document.type)


def _results(campaign: Any) -> dict[str, dict[str, Any]]:
    """Result rows by partner."""
    return _by_name(campaign.results, lambda row: row.partner)


def _keyed_changes(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], what: str) -> dict[str, Any]:
    changed = [{what: name, "changes": _field_changes(before[name], after[name])}
               for name in sorted(set(before) & set(after)) if before[name] != after[name]]
    return {"added": sorted(set(after) - set(before)), "removed": sorted(set(before) - set(after)),
            "changed": changed}


def _records(portfolio: Portfolio) -> dict[tuple[str, str], tuple[Loaded[Any], str | None]]:
    """Every readable record: (kind, id) -> (loaded record, partner id)."""
    found: dict[tuple[str, str], tuple[Loaded[Any], str | None]] = {}
    if portfolio.settings_doc is not None:
        found[("settings", "partnerbook.yml")] = (Loaded("settings", portfolio.settings, portfolio.settings_doc), None)
    for partner_id, entry in portfolio.partners.items():
        if entry.profile is not None:
            found[("partner", partner_id)] = (entry.profile, partner_id)
        for contract in [*entry.contracts.values(), *entry.partial_contracts]:
            found[("contract", f"{partner_id}/{contract.id}")] = (contract, partner_id)
        if entry.sla is not None:
            found[("sla", partner_id)] = (entry.sla, partner_id)
    for campaign_id, campaign in portfolio.campaigns.items():
        found[("campaign", campaign_id)] = (campaign, None)
    return found


def _record_change(kind: str, old: Loaded[Any], new: Loaded[Any]) -> dict[str, Any] | None:
    exclude = {"partner": frozenset({"compliance"}), "contract": frozenset({"clauses"}),
               "campaign": frozenset({"results"})}.get(kind, frozenset())
    change: dict[str, Any] = {"changes": _field_changes(_dump(old.record, exclude), _dump(new.record, exclude))}
    changed = bool(change["changes"])
    if kind == "partner":
        change["documents"] = _keyed_changes(_documents(old.record), _documents(new.record), "type")
        changed |= any(change["documents"].values())
    elif kind == "contract":
        before, after = old.record.clauses, new.record.clauses
        change["clauses"] = {"added": sorted(set(after) - set(before)), "removed": sorted(set(before) - set(after)),
                             "changed": sorted(k for k in set(before) & set(after) if before[k] != after[k])}
        changed |= any(change["clauses"].values())
    elif kind == "campaign":
        change["results"] = _keyed_changes(_results(old.record), _results(new.record), "partner")
        changed |= any(change["results"].values())
    return change if changed else None


def _unreadable(root: Path, file: str) -> bool:
    try:
        (root / file).lstat()
    except OSError:
        return False
    return True


def compare_records(base: Portfolio, head: Portfolio) -> dict[str, list[dict[str, Any]]]:
    """Records added, removed and changed (field by field) from ``base`` to ``head``."""
    old, new = _records(base), _records(head)
    added, removed, changed = [], [], []
    for key in sorted(set(old) | set(new)):
        kind, record_id = key
        before, after = old.get(key), new.get(key)
        row: dict[str, Any] = {"kind": kind, "id": record_id,
                               "partner": (after or before)[1],  # type: ignore[index]
                               "file": (after or before)[0].file}  # type: ignore[index]
        if before is not None and after is not None:
            if before[0] is after[0]:
                continue  # the same bytes: the memo gave both sides one object
            change = _record_change(kind, before[0], after[0])
            if change is not None:
                changed.append({**row, **change})
        elif after is not None:
            if _unreadable(base.root, row["file"]):
                changed.append({**row, "changes": [], "note": UNREADABLE_AT_BASE})
            else:
                added.append(row)
        else:
            if _unreadable(head.root, row["file"]):
                changed.append({**row, "changes": [], "note": UNREADABLE_NOW})
            else:
                removed.append(row)
    return {"added": added, "removed": removed, "changed": changed}
