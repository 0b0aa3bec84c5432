"""Plain words for ids: every KPI, status, category, role, rule and state has a label and a short help.

Ids (``cart_abandonment_rate``, ``customer-service``, ``pci-dss-aoc``) are what people type in records
and on the command line; pages and human-readable output show :func:`label` instead, with
:func:`help_text` on hover and in the glossary. Labels are catalog messages (``generator/i18n.py``),
so they read in the team's language. An id without a label here (a team's own checklist, a custom
evaluation criterion) reads as itself, never as an error.
"""

from __future__ import annotations

from generator.i18n import N_, _

# kind -> id -> (label, help). Every text is a catalog message: marked with N_, translated on use.
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "kpi": {
        "conversion_rate": (N_("Conversion rate"), N_("Orders per session.")),
        "cart_abandonment_rate": (N_("Cart abandonment"), N_("Share of carts that did not become orders.")),
        "checkout_completion_rate": (N_("Checkout completion"), N_("Orders per checkout started.")),
        "aov": (N_("Average order value"), N_("Revenue per order.")),
        "revenue_per_session": (N_("Revenue per session"), N_("Revenue divided by sessions.")),
        "cpa": (N_("Cost per order"), N_("Cost per acquisition: cost divided by orders.")),
        "roi": (N_("ROI"), N_("Return on investment: (revenue × gross margin − cost) / cost.")),
        "conversion_lift": (N_("Conversion lift"), N_("Conversion rate against the baseline, as a change.")),
        "abandonment_change": (N_("Abandonment change"),
                               N_("Cart abandonment minus the baseline's, in percentage points.")),
        "csat": (N_("Customer satisfaction"), N_("Satisfied answers per survey response (CSAT).")),
        "nps": (N_("Net Promoter Score"), N_("Promoters minus detractors, per 100 answers (NPS).")),
        "repeat_purchase_rate": (N_("Repeat purchases"), N_("Repeat customers per customer.")),
        "revenue_share": (N_("Revenue share"), N_("A partner's part of all partners' attributed revenue.")),
        "return_rate": (N_("Return rate"), N_("Returned orders per order.")),
        "hhi": (N_("Revenue concentration"),
                N_("Herfindahl-Hirschman index of revenue shares, 0 to 1: 1 means one partner brings all.")),
        "sla_attainment": (N_("SLA attainment"), N_("Months meeting the SLA target per month measured.")),
        "service_credits": (N_("Service credits"), N_("Credits the SLA owes for breached months.")),
        "activation_days": (N_("Days to go live"), N_("Days from signing to going live.")),
        "evaluation_score": (N_("Evaluation score"), N_("Weighted mean of the evaluation scores, 1 to 5.")),
        "health_score": (N_("Health score"), N_("0 to 100, from the partner's KPIs, SLA, compliance and alerts.")),
        "grade": (N_("Grade"), N_("A to F, from the health score.")),
        "sessions": (N_("Sessions"), N_("Visits the partner brought.")),
        "carts": (N_("Carts"), N_("Carts created.")),
        "checkouts": (N_("Checkouts"), N_("Checkouts started.")),
        "orders": (N_("Orders"), N_("Orders placed.")),
        "revenue": (N_("Revenue"), N_("Attributed revenue.")),
        "cost": (N_("Cost"), N_("What the partner cost for the campaign.")),
        "returns": (N_("Returns"), N_("Orders returned.")),
    },
}


def label(kind: str, value: str | None) -> str:
    """The plain label of ``value`` (a ``kind`` id) in the current language; the id itself when unknown."""
    if value is None:
        return _("n/a")
    entry = LABELS.get(kind, {}).get(value)
    return _(entry[0]) if entry else value


def help_text(kind: str, value: str | None) -> str:
    """The short help of ``value`` in the current language; empty when there is none."""
    entry = LABELS.get(kind, {}).get(value or "")
    return _(entry[1]) if entry and entry[1] else ""
