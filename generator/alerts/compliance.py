"""Compliance alerts, from the compliance policy's own findings (``generator.checks.policy``).

* ``compliance-missing``: a required document is missing, only pending or has no expiry date, a
  required contract clause is missing, or a platform partner has no sla.yaml.
  Error for partners the policy enforces (onboarding, active, paused), warning
  for prospects and partners being evaluated.
* ``compliance-expired``: a document's ``expires`` date, or its validity period
  (``compliance.validity_days``, e.g. 365 days for a PCI DSS attestation), has passed.
* ``compliance-expiring``: a required document expires within the warning
  window (warning); any other document on file expiring within it (info).
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.alerts.model import Alert, Context, date_text, days_phrase
from generator.checks.policy import check_policy
from generator.i18n import _
from generator.problems import Kind
from generator.rules.documents import document_expiry, document_name
from generator.rules.obligations import required_documents

# Policy rule id -> alert rule id: a missing clause or SLA record is missing compliance evidence too.
_RULES = {
    "compliance-missing": "compliance-missing",
    "compliance-expired": "compliance-expired",
    "compliance-expiring": "compliance-expiring",
    "compliance-undated": "compliance-missing",
    "clause-missing": "compliance-missing",
    "sla-missing": "compliance-missing",
}


def _partner_of(file: str) -> str | None:
    parts = file.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "partners" else None


def _other_documents_expiring(ctx: Context) -> Iterator[Alert]:
    """Documents on file that no requirement asks for, expiring within the window (the policy skips these)."""
    policy = ctx.portfolio.settings.compliance
    for partner_id, entry, partner in ctx.partners(*policy.enforce_statuses, *policy.warn_statuses):
        assert entry.profile is not None
        required = required_documents(partner, policy)
        for index, document in enumerate(partner.compliance):
            expires = document_expiry(document, policy)
            if document.type in required or expires is None or document.status == "expired":
                continue
            days = (expires - ctx.today).days
            if 0 <= days <= ctx.window_days:
                when = days_phrase(days)
                yield ctx.alert(entry.profile.doc, ("compliance", index, "expires" if document.expires else "issued"),
                                "compliance-expiring", "info",
                                _("{document} expires on {date}, {when}; ask the partner for the renewed document")
                                .format(document=document_name(document.type, policy), date=date_text(expires),
                                        when=when), partner=partner_id, relative=(when,))


def compliance_alerts(ctx: Context) -> Iterator[Alert]:
    """The policy's findings as alerts (with the alerts' warning window), plus other expiring documents."""
    for problem in sorted(check_policy(ctx.portfolio, ctx.today, ctx.window_days)):
        rule = _RULES.get(problem.rule)
        if rule is None or problem.kind is not Kind.POLICY:
            continue
        yield Alert(rule, problem.severity.value, _partner_of(problem.file), None, problem.file, problem.line,
                    problem.message, relative=problem.relative)
    yield from _other_documents_expiring(ctx)
