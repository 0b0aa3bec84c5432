"""Generate a realistic, valid and deterministic partnerbook portfolio for benchmarks.

Usage:
    python benchmarks/generate_portfolio.py OUTDIR --partners 1000 [--campaigns 12] [--seed 7]

Writes OUTDIR/partners/<id>/partner.yaml (60-120 lines each), 1-2 contracts per
signed partner, sla.yaml for every platform partner and about 30% of the others,
and OUTDIR/campaigns/<id>.yaml with per-partner results. The same seed always
gives byte-identical files. The portfolio passes
``partnerbook validate --root OUTDIR --today 2026-11-24`` with no errors
(a few warnings, as a real portfolio has).

Which documents and clauses a partner needs comes from the default compliance
policy in ``generator.records.policy`` (DEFAULT_REQUIREMENTS), so the records
follow the policy when it changes. ``generate()`` is the reusable entry point
(the site-build benchmark calls it too).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from generator.records.policy import DEFAULT_REQUIREMENTS, CompliancePolicy
from generator.records.settings import DEFAULT_CRITERIA

TODAY = date(2026, 11, 24)

# --------------------------------------------------------------------------------------------
# A tiny YAML writer: block style, flow style on request, quoting only where needed.
# Much faster than a general dumper and it keeps the files looking hand-written.
# --------------------------------------------------------------------------------------------


class Flow:
    """Write this mapping or list on one line: ``{a: 1, b: 2}`` / ``[x, y]``."""

    __slots__ = ("value",)

    def __init__(self, value: dict[str, Any] | list[Any]) -> None:
        self.value = value


class Month(str):
    """A ``YYYY-MM`` month, written plain like a date."""


_PLAIN_BLOCK = re.compile(r"[A-Za-z][A-Za-z0-9 .,;()/'&@_+:%-]*\Z")
_PLAIN_FLOW = re.compile(r"[A-Za-z][A-Za-z0-9 ._@-]*\Z")
_RESERVED = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"})


def _scalar(value: Any, flow: bool = False) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, (date, Month)):
        return str(value) if isinstance(value, Month) else value.isoformat()
    text = str(value)
    plain = _PLAIN_FLOW if flow else _PLAIN_BLOCK
    if (plain.match(text) and text.lower() not in _RESERVED and not text.endswith((" ", ":"))
            and ": " not in text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value, flow=True)


def _emit(value: Any, indent: int, out: list[str]) -> None:
    """Append the lines of a block mapping or list at ``indent`` spaces."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, child in value.items():
            _emit_item(f"{pad}{key}:", child, indent, out)
    else:
        for child in value:
            if isinstance(child, dict) and child:
                # "- first: x" then the other keys under it
                lines: list[str] = []
                _emit(child, indent + 2, lines)
                lines[0] = f"{pad}- {lines[0][indent + 2:]}"
                out.extend(lines)
            else:
                _emit_item(f"{pad}-", child, indent, out)


def _emit_item(head: str, child: Any, indent: int, out: list[str]) -> None:
    if isinstance(child, Flow):
        out.append(f"{head} {_flow(child.value)}")
    elif isinstance(child, dict):
        if child:
            out.append(head)
            _emit(child, indent + 2, out)
        else:
            out.append(f"{head} {{}}")
    elif isinstance(child, list):
        if child:
            out.append(head)
            _emit(child, indent + 2, out)
        else:
            out.append(f"{head} []")
    elif isinstance(child, str) and "\n" in child:
        out.append(f"{head} |" if child.endswith("\n") else f"{head} |-")
        out.extend(f"{' ' * (indent + 2)}{line}" if line else "" for line in child.rstrip("\n").split("\n"))
    else:
        out.append(f"{head} {_scalar(child)}")


def dump(record: dict[str, Any], header: str = "") -> str:
    out: list[str] = [header] if header else []
    _emit(record, 0, out)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

CATEGORY_WEIGHTS = {
    "payment": 10, "logistics": 15, "marketing": 22, "feedback": 9, "platform": 6,
    "supplier": 22, "customer-service": 7, "other": 9,
}
STATUS_WEIGHTS = {"active": 60, "onboarding": 8, "paused": 5, "evaluating": 10, "prospect": 10, "offboarded": 7}
SIGNED_STATUSES = ("onboarding", "active", "paused", "offboarded")

PREFIXES = (
    "Nord", "Alba", "Kiln", "Terra", "Luma", "Brio", "Vela", "Orto", "Fjord", "Sola", "Mira", "Cobalt",
    "Amber", "Linden", "Saffron", "Juniper", "Harbor", "Meadow", "Quartz", "Willow", "Cedar", "Pebble",
    "Falcon", "Atlas", "Helix", "Nimbus", "Ember", "Tidal", "Granite", "Maple", "Olive", "Coral", "Indigo",
    "Sable", "Birch", "Ivory", "Copper", "Hazel", "Rowan", "Aster",
)
SUFFIXES = {
    "payment": ("pay", "cash", "ledger", "checkout", "coin", "wallet", "settle", "card"),
    "logistics": ("freight", "parcel", "ship", "route", "cargo", "courier", "depot", "fulfil"),
    "marketing": ("reach", "buzz", "media", "spark", "click", "story", "promo", "affiliates"),
    "feedback": ("poll", "pulse", "voice", "insight", "survey", "review", "metrics", "signal"),
    "platform": ("commerce", "stack", "cloud", "host", "shop", "engine", "works", "digital"),
    "supplier": ("craft", "clay", "loom", "weave", "wood", "glass", "pack", "studio"),
    "customer-service": ("care", "desk", "assist", "helpline", "support", "reply", "service", "chat"),
    "other": ("legal", "tax", "photo", "translate", "consult", "data", "labs", "partners"),
}
KINDS = {
    "payment": ("Payments", "Pay", "Checkout"),
    "logistics": ("Logistics", "Fulfilment", "Couriers"),
    "marketing": ("Media", "Affiliates", "Agency", "Influence"),
    "feedback": ("Insights", "Surveys", "Analytics"),
    "platform": ("Commerce", "Cloud", "Digital"),
    "supplier": ("Supply", "Workshop", "Materials", "Packaging"),
    "customer-service": ("Support", "Care", "Contact Centre"),
    "other": ("Services", "Consulting", "Studio"),
}
CAPABILITIES = {
    "payment": ("payments-eu", "payments-us", "bnpl", "wallets", "fraud-screening", "payouts", "checkout-upsell"),
    "logistics": ("parcel-eu", "parcel-uk", "express-delivery", "returns", "warehousing", "customs-brokerage"),
    "marketing": ("affiliate-network", "influencer-campaigns", "paid-social", "search-ads", "email-marketing",
                  "content-production"),
    "feedback": ("post-purchase-surveys", "reviews", "session-recording", "nps-tracking", "exit-intent-polls"),
    "platform": ("storefront", "hosting", "cdn", "headless-cms", "order-management", "search"),
    "supplier": ("handmade-ceramics", "textiles", "eco-packaging", "woodwork", "glassware", "jewellery",
                 "electronics-accessories"),
    "customer-service": ("live-chat", "phone-support", "ticketing", "multilingual-support", "returns-handling"),
    "other": ("translation", "tax-compliance", "product-photography", "legal-advice", "data-enrichment"),
}
DESCRIPTIONS = {
    "payment": "Card and wallet acceptance for the web shop, with fraud screening and monthly settlement.",
    "logistics": "Parcel delivery, returns and warehousing for orders shipped to our main markets.",
    "marketing": "Drives partner traffic through affiliates, creators and paid campaigns on a revenue share.",
    "feedback": "Collects post-purchase and on-site feedback so we can measure satisfaction and fix friction.",
    "platform": "Runs the storefront, hosting and integrations the whole shop depends on.",
    "supplier": "Supplies products and materials for the catalogue, made in small batches.",
    "customer-service": "Answers customer questions by chat, mail and phone in several languages.",
    "other": "Specialist services that support the ecommerce team.",
}
REGIONS = ("DE", "AT", "CH", "FR", "IT", "ES", "PT", "NL", "BE", "PL", "SE", "DK", "FI", "NO", "IE", "GB", "US",
           "CA", "AU", "JP", "EU", "EMEA", "Nordics", "DACH", "Benelux")
FIRST = ("Anna", "Luca", "Maria", "Jonas", "Sofia", "Elena", "Marco", "Lea", "Noah", "Clara", "Tomas", "Ines",
         "Hugo", "Maja", "Oskar", "Nora", "Pablo", "Ida", "Felix", "Greta", "Omar", "Yara", "Emil", "Zoe",
         "Mateo", "Alice", "Jan", "Eva", "Karim", "Lina")
LAST = ("Rossi", "Becker", "Novak", "Garcia", "Jensen", "Moreau", "Silva", "Kowalski", "Lindqvist", "Bianchi",
        "Schmidt", "Dubois", "Fischer", "Costa", "Nielsen", "Weber", "Romano", "Horvat", "Meyer", "Santos")
ROLES = ("head of partnerships", "account director", "integration engineer", "compliance officer",
         "customer success manager", "billing contact", "technical support lead")
OWNERS = ("head-of-ecommerce", "partnership-manager", "payments-lead", "logistics-lead", "marketing-lead",
          "cx-lead", "platform-owner", "sourcing-manager")
CATEGORY_OWNERS = {"payment": "payments-lead", "logistics": "logistics-lead", "marketing": "marketing-lead",
                   "feedback": "cx-lead", "customer-service": "cx-lead", "platform": "platform-owner",
                   "supplier": "sourcing-manager"}
TEAM = ("ecommerce", "finance", "legal", "it", "customer-service", "marketing", "operations", "data")
CHECK_IN_SUMMARIES = {
    "call": ("Reviewed last month's figures; volumes up and no open incidents.",
             "Discussed two delayed deliveries; partner shared a root cause and a fix.",
             "Short sync on pricing for next year; proposal to follow by mail."),
    "qbr": ("Quarterly business review: agreed priorities for next quarter and checked the roadmap.",
            "Quarterly business review: KPIs on target except response times; action agreed."),
    "email": ("Sent the compliance documents due for renewal this year.",
              "Shared the joint campaign calendar and creative deadlines."),
    "workshop": ("Workshop on returns handling and customer messaging.",
                 "Walked through the integration changes for the new checkout."),
    "visit": ("Visited the partner's site; production capacity is fine for the holiday season.",),
}
ACTIONS = ("Renew the compliance documents", "Fix the webhook retries", "Agree the holiday capacity plan",
           "Reduce the average dispatch time", "Share the monthly KPI report", "Update the product feed",
           "Review the pricing for next year", "Run the returns workshop", "Clean up the contact list")
ROADMAP = ("Sandbox integration", "Go live in first market", "Webhooks for order events", "Second market launch",
           "Shared KPI dashboard", "Real-time stock sync", "Move to API v2", "Joint sustainability report")
RACI_TASKS = ("Partner evaluation", "Contract negotiation", "Technical integration", "Monthly performance review",
              "Compliance document renewal", "Incident handling")
DUTIES = (("Send the monthly performance report", "monthly"), ("Reconcile invoices", "monthly"),
          ("Update the product feed", "daily"), ("Review open incidents", "weekly"),
          ("Check compliance documents", "quarterly"), ("Renegotiate terms", "yearly"))
TRAININGS = (("Product knowledge session", "quarterly"), ("Brand and tone-of-voice workshop", "yearly"),
             ("Integration and API training", "yearly"), ("Returns and complaints process", "quarterly"))
REFERENCES = ("Bottega Ceramica", "Lino Home", "Verde Market", "Studio Argilla", "Nordic Crafts",
              "Volt Electronics", "Kettle and Co", "Mosaic Living")
EXTRA_DOCS = ("soc2-type2", "iso27001", "insurance", "gdpr-sccs")
CLAUSE_TEXT = {
    "termination": "Section 12: either party may terminate with {n} days' written notice.",
    "dispute_resolution": "Section 14: negotiation, then mediation, then the courts of {city}.",
    "breach_consequences": "Section 13: cure period of 30 days, then termination and damages.",
    "data_protection": "Annex 2 (data processing agreement, GDPR art. 28).",
    "ip_protection": "Section 9: each party keeps its own IP; licences limited to the partnership.",
    "liability_cap": "Section 11: capped at 12 months of fees, except gross negligence.",
    "profit_sharing": "Schedule B: revenue share paid monthly on net sales.",
    "pci_responsibility": "Section 7: the partner is responsible for cardholder data it stores or transmits.",
    "sla": "Schedule C: service levels, measurement and service credits.",
}
CITIES = ("Milan", "Berlin", "Amsterdam", "Dublin", "Paris", "Vienna", "Lisbon", "Stockholm")
SLA_METRICS = {
    "platform": (("uptime_percent", "Storefront uptime", "%", 99.9, "higher"),
                 ("first_response_hours", "Support first response", "h", 4.0, "lower"),
                 ("p95_page_load_ms", "Page load time (p95)", "ms", 1800.0, "lower")),
    "payment": (("authorization_rate_percent", "Authorisation rate", "%", 92.0, "higher"),
                ("api_uptime_percent", "API uptime", "%", 99.95, "higher"),
                ("settlement_days", "Settlement time", "days", 2.0, "lower")),
    "logistics": (("on_time_delivery_percent", "On-time delivery", "%", 95.0, "higher"),
                  ("damage_rate_percent", "Damaged parcels", "%", 0.5, "lower"),
                  ("dispatch_hours", "Order to dispatch", "h", 24.0, "lower")),
    "customer-service": (("first_response_hours", "First response", "h", 2.0, "lower"),
                         ("csat_percent", "Customer satisfaction", "%", 85.0, "higher"),
                         ("resolution_hours", "Time to resolution", "h", 24.0, "lower")),
    "default": (("ticket_response_hours", "Ticket response", "h", 8.0, "lower"),
                ("report_delivery_days", "Monthly report delivery", "days", 5.0, "lower"),
                ("availability_percent", "Service availability", "%", 99.5, "higher")),
}
CAMPAIGN_CATEGORIES = ("marketing", "payment", "feedback", "platform", "supplier")
CAMPAIGN_EVENTS = (  # name, month, day, length in days
    ("Black Friday", 11, 20, 11), ("Christmas", 12, 1, 23), ("Winter sale", 1, 7, 21), ("Valentine's Day", 2, 1, 14),
    ("Easter", 3, 20, 18), ("Mother's Day", 4, 28, 14), ("Spring launch", 4, 2, 21), ("Summer sale", 6, 25, 28),
    ("Back to school", 8, 20, 21), ("Autumn collection", 9, 15, 21), ("Singles' Day", 11, 4, 8),
    ("Handmade week", 10, 5, 7),
)


# --------------------------------------------------------------------------------------------
# Partners
# --------------------------------------------------------------------------------------------


@dataclass
class PartnerPlan:
    id: str
    name: str
    category: str
    status: str
    personal_data: bool
    card_data: bool
    criticality: str
    domain: str
    signed: date | None = None
    contracts: list[str] = field(default_factory=list)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def _plan_partners(rng: random.Random, count: int) -> list[PartnerPlan]:
    plans: list[PartnerPlan] = []
    used: set[str] = set()
    for index in range(count):
        category = _pick(rng, CATEGORY_WEIGHTS)
        status = _pick(rng, STATUS_WEIGHTS)
        suffix = rng.choice(SUFFIXES[category])
        base = rng.choice(PREFIXES) + suffix
        name = f"{base} {rng.choice([k for k in KINDS[category] if suffix not in k.lower()])}"
        if _slug(name) in used:
            name = f"{name} {rng.choice(REGIONS[:20])}"
        if _slug(name) in used:
            name = f"{name} {index + 1}"
        used.add(_slug(name))
        personal = category in ("payment", "logistics", "feedback", "customer-service", "platform") or (
            category == "marketing" and rng.random() < 0.5)
        card = category == "payment" or (category == "platform" and rng.random() < 0.3)
        criticality = rng.choices(("critical", "high", "medium", "low"), weights=(8, 22, 50, 20))[0]
        if category in ("payment", "platform") and criticality in ("medium", "low"):
            criticality = "high"
        plans.append(PartnerPlan(_slug(name), name, category, status, personal, card, criticality,
                                 f"{base.lower()}.example"))
    return plans


def _requirements(plan: PartnerPlan) -> tuple[set[str], set[str], bool]:
    """Documents, contract clauses and SLA the default policy asks of this partner."""
    docs: set[str] = set()
    clauses: set[str] = set()
    sla = False
    facts = {"category": plan.category, "criticality": plan.criticality,
             "personal_data": plan.personal_data, "card_data": plan.card_data}
    for requirement in DEFAULT_REQUIREMENTS:
        matched = False
        for condition in requirement.when:  # status is ignored: write every record as if it were enforced
            if all(getattr(condition, key) is None or (
                    value in getattr(condition, key) if isinstance(getattr(condition, key), list)
                    else value == getattr(condition, key)) for key, value in facts.items()):
                matched = True
                break
        if matched:
            docs.update(requirement.documents)
            clauses.update(requirement.clauses)
            clauses.update(requirement.every_contract_clauses)
            sla = sla or requirement.sla
    return docs, clauses, sla


def _person(rng: random.Random, domain: str) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return f"{first} {last}", f"{first.lower()}.{last.lower()}@{domain}"


def _phone(rng: random.Random) -> str:
    return f"+{rng.choice((31, 33, 34, 39, 44, 45, 46, 49))} {rng.randint(10, 99)} {rng.randint(100000, 999999)}"


def _partner_record(rng: random.Random, plan: PartnerPlan, plans_by_category: dict[str, list[str]],
                    today: date, validity: dict[str, int]) -> dict[str, Any]:
    docs_needed, _, _ = _requirements(plan)
    signed_status = plan.status in SIGNED_STATUSES
    record: dict[str, Any] = {
        "name": plan.name,
        "description": DESCRIPTIONS[plan.category],
        "category": plan.category,
        "status": plan.status,
        "criticality": plan.criticality,
        "regions": Flow(sorted(rng.sample(REGIONS, rng.randint(1, 4)))),
        "owner": CATEGORY_OWNERS.get(plan.category, "partnership-manager"),
    }
    am_name, am_email = _person(rng, plan.domain)
    record["account_manager"] = Flow({"name": am_name, "email": am_email})
    contacts = []
    emails = {am_email}
    for role in rng.sample(ROLES, rng.randint(2, 3)):
        name, email = _person(rng, plan.domain)
        if email in emails:
            continue
        emails.add(email)
        contacts.append({"name": name, "role": role, "email": email, "phone": _phone(rng)})
    record["contacts"] = contacts
    record["capabilities"] = Flow(rng.sample(CAPABILITIES[plan.category], rng.randint(1, 3)))
    peers = [p for p in rng.sample(plans_by_category[plan.category], min(4, len(plans_by_category[plan.category])))
             if p != plan.id]
    if peers and plan.criticality in ("critical", "high"):
        record["backup_partners"] = Flow(peers[: rng.randint(1, 2)])
    record["data_access"] = Flow({"personal_data": plan.personal_data, "card_data": plan.card_data})
    record["tech_maturity"] = rng.choices(("basic", "standard", "advanced"), weights=(2, 5, 3))[0]

    if signed_status:
        if plan.status == "onboarding":
            plan.signed = _day(rng, today - timedelta(days=100), today - timedelta(days=10))
        else:
            plan.signed = _day(rng, today - timedelta(days=4 * 365), today - timedelta(days=120))
        live = plan.signed + timedelta(days=rng.randint(14, 90))
        record["onboarding"] = Flow({"signed": plan.signed} if live > today else {"signed": plan.signed, "live": live})
    dd_date = (plan.signed or today) - timedelta(days=rng.randint(10, 60))
    if signed_status or plan.status == "evaluating":
        record["due_diligence"] = {
            "completed": dd_date,
            "business_model": rng.choice(("subscription", "revenue share", "per transaction", "fixed fee",
                                          "wholesale")),
            "financial_health": rng.choices(("strong", "adequate", "weak"), weights=(5, 4, 1))[0],
            "target_market": rng.choice(("EU small and medium shops", "premium handmade goods",
                                         "international electronics", "DACH and Nordics", "global D2C brands")),
            "reputation": rng.choice(("Good reviews from peers; no public incidents in the last three years.",
                                      "Well known in the craft community; one resolved complaint in 2024.",
                                      "Strong references; a listed company with audited accounts.")),
            "references": Flow(rng.sample(REFERENCES, 2)),
        }
        record["evaluation"] = {
            "date": dd_date + timedelta(days=rng.randint(1, 9)),
            "evaluator": rng.choice(OWNERS),
            "scores": {c: rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 5, 6, 3))[0] for c in DEFAULT_CRITERIA},
            "notes": rng.choice(("Good fit for our catalogue; integration effort is moderate.",
                                 "Strong on compliance, weaker on reporting; agreed a monthly report.",
                                 "Best price of the three shortlisted partners.")),
        }
    if rng.random() < 0.12:
        record["red_flags"] = [{"date": _day(rng, today - timedelta(days=300), today - timedelta(days=5)),
                                "description": rng.choice(("Late payouts two months in a row",
                                                           "Unannounced change of subcontractor",
                                                           "Negative press about working conditions")),
                                "status": rng.choice(("open", "resolved", "resolved"))}]

    compliance = []
    for doc_type in sorted(docs_needed) + rng.sample(EXTRA_DOCS, rng.randint(0, 2)):
        if any(d["type"] == doc_type for d in compliance):
            continue
        pending = plan.status in ("prospect", "evaluating") and rng.random() < 0.3
        issued = _day(rng, today - timedelta(days=280), today - timedelta(days=20))
        years = 1 if doc_type == "pci-dss-aoc" else rng.randint(1, 3)
        expires = issued + timedelta(days=min(365 * years, validity.get(doc_type, 365 * years)))
        if expires <= today + timedelta(days=70) and rng.random() < 0.85:
            expires = today + timedelta(days=rng.randint(90, 500))
        entry: dict[str, Any] = {"type": doc_type, "status": "pending" if pending else "valid"}
        if not pending:
            entry["issued"] = issued
            entry["expires"] = expires
            entry["evidence"] = (f"https://trust.{plan.domain}/{doc_type}-{issued.year}.pdf" if rng.random() < 0.5
                                 else f"evidence/{plan.id}/{doc_type}-{issued.year}.pdf")
        compliance.append(entry)
    if compliance:
        record["compliance"] = compliance

    people = [rng.choice(OWNERS), f"{plan.id}-account-manager", "legal", "finance", "it", "compliance"]
    record["raci"] = [{"task": task, "responsible": rng.choice(people[:2]), "accountable": "head-of-ecommerce",
                       "consulted": Flow(rng.sample(TEAM, 2)), "informed": Flow(rng.sample(TEAM, 1))}
                      for task in rng.sample(RACI_TASKS, rng.randint(2, 3))]
    record["responsibilities"] = [Flow({"task": task, "owner": rng.choice(("us", "partner", rng.choice(OWNERS))),
                                        "frequency": frequency})
                                  for task, frequency in rng.sample(DUTIES, rng.randint(2, 3))]
    start = plan.signed or today
    roadmap = []
    for offset, milestone in enumerate(rng.sample(ROADMAP, rng.randint(2, 4))):
        due = start + timedelta(days=90 * (offset + 1) + rng.randint(0, 60))
        status = "done" if due < today - timedelta(days=30) else rng.choice(("planned", "in-progress", "planned"))
        roadmap.append(Flow({"milestone": milestone, "due": due, "status": status}))
    record["roadmap"] = roadmap
    actions = []
    for aspect in rng.sample(ACTIONS, rng.randint(1, 3)):
        deadline = _day(rng, today - timedelta(days=60), today + timedelta(days=120))
        status = rng.choice(("done", "on-track", "in-progress")) if deadline < today else rng.choice(
            ("pending", "in-progress", "on-track"))
        actions.append({"aspect": aspect, "responsible": rng.choice(OWNERS), "deadline": deadline, "status": status})
    record["actions"] = actions
    check_ins = []
    last = today - timedelta(days=rng.randint(3, 80))
    for _ in range(rng.randint(2, 4)):
        kind = rng.choices(("call", "qbr", "email", "workshop", "visit"), weights=(5, 2, 3, 1, 1))[0]
        check_ins.append({"date": last, "kind": kind, "summary": rng.choice(CHECK_IN_SUMMARIES[kind])})
        last -= timedelta(days=rng.randint(20, 100))
    record["check_ins"] = check_ins
    record["training"] = [Flow({"activity": activity, "frequency": frequency, "responsible": rng.choice(OWNERS)})
                          for activity, frequency in rng.sample(TRAININGS, rng.randint(1, 2))]
    every = rng.choice((90, 180, 365))
    record["review"] = Flow({"every_days": every, "last": today - timedelta(days=rng.randint(5, every - 1))})
    record["notes"] = (f"Main contact for escalations: {record['account_manager'].value['name']}.\n"
                       f"{rng.choice(('Prefers a monthly call', 'Reports by mail each Monday', 'Invoices quarterly'))}"
                       ".\n")
    return record


def _contract_records(rng: random.Random, plan: PartnerPlan, today: date) -> dict[str, dict[str, Any]]:
    _, clauses_needed, _ = _requirements(plan)
    base = {"termination", "dispute_resolution", "breach_consequences"}
    assert plan.signed is not None
    contracts: dict[str, dict[str, Any]] = {}
    count = 1 if plan.status == "onboarding" or rng.random() < 0.6 else 2
    signed = plan.signed
    for number in range(count):
        last = number == count - 1
        start = signed + timedelta(days=rng.randint(0, 14))
        years = rng.randint(1, 3)
        end: date | None = start + timedelta(days=365 * years)
        if last and end is not None and end <= today + timedelta(days=30):
            end = today + timedelta(days=rng.randint(120, 900))
        if not last:
            end = min(end, today - timedelta(days=10)) if end else None
        open_ended = last and plan.status != "offboarded" and rng.random() < 0.15
        if open_ended:
            end = None
        if last and plan.status == "offboarded":
            end = max(start + timedelta(days=30), today - timedelta(days=rng.randint(30, 300)))
        kind = "master-agreement" if number == 0 else "renewal"
        contract_id = f"{kind}-{signed.year}"
        clauses = sorted(base | clauses_needed | set(rng.sample(("ip_protection", "liability_cap", "profit_sharing"),
                                                                rng.randint(1, 2))))
        city = rng.choice(CITIES)
        notice = rng.choice((30, 60, 90))
        record: dict[str, Any] = {
            "title": f"{plan.name} {'master services agreement' if number == 0 else 'renewal agreement'}",
            "signed": signed,
            "start": start,
        }
        if end is not None:
            record["end"] = end
        record["auto_renew"] = open_ended or (plan.status != "offboarded" and rng.random() < 0.4)
        record["notice_days"] = notice
        record["review"] = Flow({"every_months": rng.choice((6, 12)),
                                 "last": _day(rng, max(start, today - timedelta(days=300)), today)})
        period = rng.choice(("month", "year", "quarter"))
        record["value"] = Flow({"amount": rng.randrange(200, 20000, 50) * (12 if period == "year" else 1),
                                "period": period, "currency": rng.choice(("EUR", "EUR", "EUR", "USD", "GBP"))})
        model = rng.choice(("fixed", "revenue-share", "commission", "per-unit"))
        pricing: dict[str, Any] = {"model": model}
        if model != "fixed":
            pricing["rate"] = round(rng.uniform(0.01, 0.2), 3) if model != "per-unit" else round(rng.uniform(0.2, 4), 2)
        record["pricing"] = Flow(pricing)
        record["payment_terms"] = Flow({"method": rng.choice(("SEPA transfer", "card", "wire transfer", "invoice")),
                                        "net_days": rng.choice((14, 30, 45, 60))})
        record["exclusivity"] = rng.choices(("none", "partial", "full"), weights=(7, 2, 1))[0]
        record["clauses"] = {name: CLAUSE_TEXT.get(name, "See the signed agreement.").format(n=notice, city=city)
                             for name in clauses}
        record["legal_review"] = Flow({"by": rng.choice(("in-house counsel", "external counsel", "legal team")),
                                       "date": signed - timedelta(days=rng.randint(2, 20))})
        record["milestones"] = [Flow({"name": name, "due": start + timedelta(days=days),
                                      "status": "done" if start + timedelta(days=days) < today else "planned"})
                                for name, days in (("Integration complete", 45), ("First performance review", 120))]
        contracts[contract_id] = record
        plan.contracts.append(contract_id)
        signed = (end or today) - timedelta(days=rng.randint(20, 60))
        if signed > today:
            break
    return contracts


def _month_list(today: date, months: int) -> list[Month]:
    year, month = today.year, today.month
    out = []
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(Month(f"{year}-{month:02d}"))
    return out[::-1]


def _sla_record(rng: random.Random, plan: PartnerPlan, today: date) -> dict[str, Any]:
    metrics = SLA_METRICS.get(plan.category, SLA_METRICS["default"])
    chosen = metrics[: rng.randint(2, 3)]
    record: dict[str, Any] = {}
    if plan.contracts:
        record["contract"] = plan.contracts[-1]
    record["metrics"] = [{"id": m, "name": name, "unit": unit, "target": target, "better": better}
                         for m, name, unit, target, better in chosen]
    record["service_credit_percent"] = rng.choice((2, 5, 10))
    quality = rng.uniform(0.6, 0.97)  # chance a month meets the target
    measurements = []
    for month in _month_list(today, 12):
        row: dict[str, Any] = {"month": month}
        for m, _, unit, target, better in chosen:
            if rng.random() < 0.04:
                continue  # not measured this month
            meets = rng.random() < quality
            if unit == "%" and better == "higher":
                gap = max(0.01, (100 - target) * rng.uniform(0.1, 0.9))
                value = min(100.0, target + gap) if meets else target - gap * rng.uniform(1, 20)
            elif better == "lower":
                value = target * (rng.uniform(0.4, 0.98) if meets else rng.uniform(1.02, 1.8))
            else:
                value = target * (rng.uniform(1.02, 1.3) if meets else rng.uniform(0.7, 0.98))
            row[m] = round(value, 2)
        measurements.append(Flow(row))
    record["measurements"] = measurements
    return record


# --------------------------------------------------------------------------------------------
# Campaigns
# --------------------------------------------------------------------------------------------


def _campaign_dates(count: int, today: date) -> list[tuple[str, str, date, date]]:
    found: list[tuple[str, str, date, date]] = []
    year = today.year
    while len(found) < count:
        for name, month, day, length in sorted(CAMPAIGN_EVENTS, key=lambda e: (-e[1], -e[2])):
            start = date(year, month, day)
            end = start + timedelta(days=length - 1)
            if end >= today:
                continue
            found.append((f"{name} {year}", _slug(f"{name} {year}"), start, end))
            if len(found) == count:
                break
        year -= 1
    return found


def _funnel(rng: random.Random) -> dict[str, int]:
    sessions = int(math.exp(rng.uniform(math.log(300), math.log(40000))))
    carts = int(sessions * rng.uniform(0.06, 0.16))
    checkouts = int(carts * rng.uniform(0.35, 0.6))
    orders = int(checkouts * rng.uniform(0.5, 0.85))
    return {"sessions": sessions, "carts": carts, "checkouts": checkouts, "orders": orders}


def _campaign_record(rng: random.Random, name: str, start: date, end: date, eligible: list[PartnerPlan],
                     with_daily: bool, today: date) -> dict[str, Any]:
    record: dict[str, Any] = {
        "name": name,
        "description": f"{name}: partner-driven traffic, bundles and gift wrapping across the main markets.",
        "start": start,
        "end": end,
        "owner": rng.choice(("marketing-lead", "head-of-ecommerce", "partnership-manager")),
        "targets": {"conversion_lift": rng.choice((0.03, 0.05, 0.08)),
                    "cart_abandonment_rate": rng.choice((0.68, 0.7, 0.72)),
                    "csat": rng.choice((0.75, 0.8, 0.85)), "roi": rng.choice((0.5, 1.0, 1.5))},
        "gross_margin": round(rng.uniform(0.35, 0.65), 2),
    }
    chosen = rng.sample(eligible, rng.randint(min(len(eligible), 10), min(len(eligible), 50))) if eligible else []
    days = (end - start).days + 1
    results = []
    for plan in sorted(chosen, key=lambda p: p.id):
        f = _funnel(rng)
        aov = rng.uniform(25, 180)
        revenue = round(f["orders"] * aov, 2)
        customers = int(f["orders"] * rng.uniform(0.85, 1.0))
        row: dict[str, Any] = {"partner": plan.id, **f, "revenue": revenue,
                               "cost": round(revenue * rng.uniform(0.04, 0.7), 2),
                               "customers": customers, "repeat_customers": int(customers * rng.uniform(0.05, 0.35))}
        b_sessions = int(f["sessions"] * rng.uniform(0.6, 1.1))
        b_carts = int(b_sessions * rng.uniform(0.06, 0.15))
        row["baseline"] = Flow({"sessions": b_sessions, "carts": b_carts,
                                "orders": int(b_carts * rng.uniform(0.18, 0.38))})
        if rng.random() < 0.6:
            responses = rng.randint(20, 600)
            promoters = int(responses * rng.uniform(0.3, 0.6))
            detractors = int(responses * rng.uniform(0.05, 0.25))
            row["survey"] = Flow({"tool": rng.choice(("zigpoll", "hotjar", "qualaroo", "typeform")),
                                  "responses": responses, "satisfied": int(responses * rng.uniform(0.6, 0.95)),
                                  "promoters": promoters, "passives": responses - promoters - detractors,
                                  "detractors": detractors})
        if with_daily and rng.random() < 0.35:
            daily = []
            for offset in range(days):
                share = f["sessions"] / days * rng.uniform(0.6, 1.4)
                sessions = int(share)
                carts = int(sessions * rng.uniform(0.06, 0.16))
                orders = int(carts * (rng.uniform(0.03, 0.1) if rng.random() < 0.03 else rng.uniform(0.22, 0.42)))
                daily.append(Flow({"date": start + timedelta(days=offset), "sessions": sessions, "carts": carts,
                                   "orders": orders}))
            row["daily"] = daily
        results.append(row)
    record["results"] = results
    review_day = end + timedelta(days=14)
    if review_day < today:
        record["review"] = {
            "date": review_day,
            "integration_smoothness": rng.randint(2, 5),
            "notes": "Tracking links worked for most partners; two feeds needed a fix on day one.",
            "learnings": ["Start creative reviews two weeks earlier",
                          "Bundle offers converted better than discounts",
                          "Check stock levels with suppliers before launch"][: rng.randint(1, 3)],
        }
    return record


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------

SETTINGS = """\
# Settings for a generated benchmark portfolio; every other key keeps its default.
site:
  title: Generated partnerships
  language: en
currency: EUR
rates:                 # contracts are in EUR, USD or GBP
  USD: 0.92
  GBP:
    - {from: 2020-01-01, rate: 1.15}
    - {from: 2026-01-01, rate: 1.18}
"""


PARTNER_HEADER = "# yaml-language-server: $schema=../../schemas/partner.schema.json"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(out: Path, partners: int, campaigns: int = 12, seed: int = 7, *, today: date = TODAY) -> None:
    """Write a portfolio of ``partners`` partners and ``campaigns`` campaigns under ``out``.

    ``out/partners`` and ``out/campaigns`` are replaced; the same arguments give the same bytes.
    """
    if partners < 0 or campaigns < 0:
        raise ValueError("partners and campaigns must be >= 0")
    rng = random.Random(seed)
    out = Path(out)
    for sub in ("partners", "campaigns"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    (out / "partners").mkdir(parents=True, exist_ok=True)
    (out / "campaigns").mkdir(parents=True, exist_ok=True)
    _write(out / "partnerbook.yml", SETTINGS)

    validity = dict(CompliancePolicy().validity_days)
    plans = _plan_partners(rng, partners)
    by_category: dict[str, list[str]] = {}
    for plan in plans:
        by_category.setdefault(plan.category, []).append(plan.id)
    for plan in plans:
        folder = out / "partners" / plan.id
        record = _partner_record(rng, plan, by_category, today, validity)
        _write(folder / "partner.yaml", dump(record, PARTNER_HEADER))
        if plan.signed is not None:
            for contract_id, contract in _contract_records(rng, plan, today).items():
                _write(folder / "contracts" / f"{contract_id}.yaml", dump(contract))
        _, _, needs_sla = _requirements(plan)
        if plan.signed is not None and (needs_sla or rng.random() < 0.3):
            _write(folder / "sla.yaml", dump(_sla_record(rng, plan, today)))

    eligible = [p for p in plans
                if p.status in ("active", "paused", "offboarded") and p.category in CAMPAIGN_CATEGORIES]
    for number, (name, campaign_id, start, end) in enumerate(_campaign_dates(campaigns, today)):
        record = _campaign_record(rng, name, start, end, eligible, with_daily=number % 2 == 0, today=today)
        _write(out / "campaigns" / f"{campaign_id}.yaml", dump(record))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path, help="folder to write partners/, campaigns/ and partnerbook.yml into")
    parser.add_argument("--partners", type=int, required=True, help="number of partners")
    parser.add_argument("--campaigns", type=int, default=12, help="number of campaigns (default 12)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate(args.outdir, args.partners, args.campaigns, args.seed)
    files = sum(1 for p in args.outdir.rglob("*.yaml"))
    print(f"wrote {files} record files under {args.outdir} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
