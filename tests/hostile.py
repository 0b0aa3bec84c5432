"""A portfolio with hostile text in every string field of every record type, generated from the models.

``write_portfolio(root, hostile=True)`` walks the pydantic models (``generator.records``) field by
field, nested models and lists included, and fills every field. A string field gets the most
hostile value that still passes the field's own validation (tried in order from
``_string_candidates``): multi-line payloads where line breaks are allowed, one line elsewhere, and
for constrained fields (URLs, emails, ids) the worst candidate the model accepts. The same call
with ``hostile=False`` writes the same portfolio with plain words of the same shape, so the two
built sites can be compared element by element. Numbers, dates and references get values that
keep the records consistent, so the hostile portfolio passes ``validate`` and builds.
"""

from __future__ import annotations

import copy
import types
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from generator.records import Campaign, Contract, Partner, Settings, Sla

MARKER = "pbxss"
# What the browser test looks for on the page, shown as text.
SCRIPT = "<script>alert(1)</script>"
PAYLOADS = [
    SCRIPT,
    f"<img src=x onerror=alert('{MARKER}')>",
    f"[x](javascript:alert('{MARKER}'))",
    f"{{: onclick=\"alert('{MARKER}')\" }}",
    f'??? note "{MARKER}-details"',
    "!!! danger",
    f'"><svg onload=alert("{MARKER}")>',
    "{{ 7*7 }}",
    "{% raw %}",
    "&lt;script&gt;",
    "`code` ```fence```",
    "| a | b |",
    "\x1b[31mred\x1b[0m\x07\x9b",
    "\u202eevil\u202c \u2066iso\u2069 zero\u200bwidth",
    f"<a href=javascript:alert('{MARKER}')>a</a>",
    "<!-- comment",
    "&#x3C;script&#x3E; &amp;",
    "*[HTML]: abbreviation",
    f'<div markdown="1" onmouseover="alert(\'{MARKER}\')">x</div>',
]
# Lines that mean something at the start of a line: Markdown blocks, extensions, workflow commands.
LINE_PAYLOADS = [
    "# heading",
    "    indented code",
    "\tTAB code",
    "---",
    "===",
    "> quote",
    "1. list",
    "- [ ] task",
    "~~~",
    "```",
    "/// details",
    "::: note",
    "???+ note",
    "[^1]: footnote",
    "{: .cls #id }",
    f"::warning::{MARKER}",
    "::add-mask::x",
    "::stop-commands::pbtoken",
    "##[error]x",
]
ONE_LINE = " ".join(PAYLOADS)
MULTI_LINE = "\n".join([*LINE_PAYLOADS, *PAYLOADS])
_URLS = [
    "https://example.com/?q=<script>alert(1)</script>&x=\"><svg/onload=alert(1)>[x](/onmouseover=alert(1)//)",
    "https://example.com/?q=<script>alert(1)</script>&x=\"><svg/onload=alert(1)>[x](javascript:alert(1))",
    f"https://example.com/?q={SCRIPT}&x=\"><svg onload=alert('{MARKER}')>[x](javascript:alert('{MARKER}'))",
    f"https://example.com/[x](javascript:alert('{MARKER}'))",
    f"https://example.com/?q=\"onmouseover=alert('{MARKER}')",
    f"https://example.com/?q=)onmouseover=alert('{MARKER}')//",
    "https://example.com/?q=%3Cscript%3E",
    # A repository's address (site.repo_url takes no query or fragment) that still tries to break out.
    f"https://example.com/o/(javascript:alert({MARKER}))%22onmouseover=alert({MARKER})",
]
_EMAILS = [
    "x[y](/onmouseover=alert(1)//)@example.com",
    "x[y](javascript:alert(1))@example.com",
    "a)onmouseover=alert(1)//@example.com",
    f"x[y](javascript:alert('{MARKER}'))@example.com",
    f"a)onmouseover=alert('{MARKER}')//@example.com",
    f"{{{{7*7}}}}|`{MARKER}`!#$%&*+/=?^_{{}}~@example.com",
    "pb.x+tag@example.com",
]
_PLAIN_IDS = ["pb-x"]


def _string_candidates() -> list[str]:
    return [MULTI_LINE, ONE_LINE, *_URLS, *[f"mailto:{e}" for e in _EMAILS], *_EMAILS, *_PLAIN_IDS,
            "pb_x", "2026-03", "EUR", "en"]


def _benign(candidate: str) -> str:
    """A plain value of the same shape: same line count, a URL stays a URL, an email an email."""
    if candidate in _URLS:
        return "https://example.com/plain/repo"
    if candidate.startswith("mailto:"):
        return "mailto:plain@example.com"
    if candidate in _EMAILS:
        return "plain@example.com"
    if candidate in (MULTI_LINE, ONE_LINE):
        return "\n".join(f"plain{i}" for i in range(len(candidate.split("\n"))))
    return candidate


# Values that keep the records consistent (references, dates in order, funnels that add up).
IDS = {"partner": "hostile-partner", "other": "backup-partner", "contract": "hostile-contract",
       "campaign": "hostile-campaign", "metric": "uptime", "criterion": "quality", "document": "dpa"}
_DATES = {"start": "2026-01-01", "end": "2027-12-31", "signed": "2025-12-01", "live": "2026-02-01",
          "issued": "2026-01-01", "expires": "2027-12-31", "until": "2027-12-31", "completed": "2026-01-10",
          "last": "2026-10-01", "due": "2027-03-01", "deadline": "2027-03-01"}
_NUMBERS = {"sessions": 1000, "carts": 400, "checkouts": 200, "orders": 100, "customers": 90,
            "repeat_customers": 10, "revenue": 5000, "cost": 500, "responses": 50, "satisfied": 40,
            "promoters": 20, "passives": 20, "detractors": 10, "amount": 1200, "target": 99.0,
            "service_credit_percent": 5, "gross_margin": 0.5, "every_days": 90, "every_months": 6,
            "notice_days": 30, "net_days": 30, "integration_smoothness": 4, "expiring_warning_days": 60}


def _annotated(field: Any) -> Any:
    return Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation


def _accepts(annotation: Any, value: Any) -> bool:
    try:
        TypeAdapter(annotation).validate_python(value, strict=True)
    except ValidationError:
        return False
    return True


class _Generator:
    def __init__(self, hostile: bool) -> None:
        self.hostile = hostile
        self.fields: list[str] = []  # every string field filled, as a dotted path

    def string(self, annotation: Any, path: str) -> str:
        for candidate in _string_candidates():
            if _accepts(annotation, candidate):
                self.fields.append(path)
                return candidate if self.hostile else _benign(candidate)
        raise AssertionError(f"no candidate string passes {path}: {annotation}")

    def value(self, annotation: Any, path: str, name: str) -> Any:
        origin, args = get_origin(annotation), get_args(annotation)
        if origin is Annotated:
            inner = args[0]
            if inner is str:
                return self.string(annotation, path)
            if inner is date:
                return _DATES.get(name, "2026-03-01")
            return self.value(inner, path, name) if get_origin(inner) else self.scalar(annotation, inner, name)
        if origin in (Union, types.UnionType):
            options = [a for a in args if a is not type(None)]
            return self.value(options[0], path, name)
        if origin is Literal:
            return args[0]
        if origin is list:
            return [self.value(args[0], f"{path}[]", name)]
        if origin is dict:
            return {self.key(args[0], path): self.value(args[1], f"{path}{{}}", name)}
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return self.model(annotation, path)
        if annotation is str:
            return self.string(annotation, path)
        return self.scalar(annotation, annotation, name)

    def key(self, annotation: Any, path: str) -> str:
        if path.endswith(("scores", "criteria")):
            return IDS["criterion"]
        if path.endswith("validity_days"):
            return IDS["document"]
        if path.endswith("severity"):
            return get_args(annotation)[0] if get_origin(annotation) is Literal else "no-backup"
        if path.endswith("clauses"):
            return "termination"
        if get_origin(annotation) is Literal:  # a closed set of keys (a mapping's columns): its first
            return str(get_args(annotation)[0])
        return self.string(annotation, path + "<key>")

    def scalar(self, annotation: Any, kind: Any, name: str) -> Any:
        if kind is bool:
            return True
        for candidate in (_NUMBERS.get(name), 0.5, 1, 3, 0):
            if candidate is not None and _accepts(annotation, candidate):
                return candidate
        raise AssertionError(f"no number passes {name}: {annotation}")

    def model(self, model: type[BaseModel], path: str) -> dict[str, Any]:
        return {name: self.value(_annotated(field), f"{path}.{name}", name)
                for name, field in model.model_fields.items()}


def _fix_partner(data: dict[str, Any], other: str) -> dict[str, Any]:
    data["backup_partners"] = [other]
    data["capabilities"] = ["pb-capability"]
    data["status"], data["category"] = "active", "platform"
    data["evaluation"]["scores"] = {IDS["criterion"]: 3}
    for document in data["compliance"]:
        document["type"], document["status"] = IDS["document"], "valid"
    for item in (*data["roadmap"], *data["actions"]):
        item["status"] = "planned" if "milestone" in item else "pending"
    return data


def write_portfolio(root: Path, hostile: bool = True) -> list[str]:
    """Write the portfolio under ``root``; returns the dotted paths of every string field filled."""
    gen = _Generator(hostile)
    settings = gen.model(Settings, "partnerbook.yml")
    settings["evaluation"]["criteria"] = {IDS["criterion"]: 1.0}
    for requirement in settings["compliance"]["requirements"]:
        requirement.update(id="pb-requirement", documents=[IDS["document"]], clauses=["termination"],
                           every_contract_clauses=["termination"], sla=True)
        requirement["when"] = [{"category": ["platform"]}]
    settings["compliance"]["enforce_statuses"], settings["compliance"]["warn_statuses"] = ["active"], ["prospect"]
    for silence in settings["alerts"]["silences"]:
        silence.update(rule="no-backup", partner=IDS["partner"])
    settings["alerts"]["severity"] = {"check-in-stale": "warning"}
    settings["alerts"]["warning_days"] = 60
    settings["compliance"]["validity_days"] = {IDS["document"]: 730}
    for webhook in settings["digest"]["webhooks"]:  # a webhook's address is url_env or url, not both
        webhook.pop("url", None)
    for spec in settings["checklists"].values():  # one manual item each (a rule and manual: true exclude each other)
        spec.update(of="partner", applies_to=[{"category": ["platform"]}])
        for item in spec["items"]:
            item.update(rule=None, manual=True, applies_to=[])
    settings["checklists"].update({f"{key}-campaign": {**copy.deepcopy(spec), "of": "campaign", "applies_to": None}
                                   for key, spec in settings["checklists"].items()})
    files: dict[str, Any] = {"partnerbook.yml": settings}
    for pid, other in ((IDS["partner"], IDS["other"]), (IDS["other"], IDS["partner"])):
        files[f"partners/{pid}/partner.yaml"] = _fix_partner(gen.model(Partner, f"{pid}/partner.yaml"), other)
        contract = gen.model(Contract, f"{pid}/contract.yaml")
        for commitment in contract["commitments"]:
            del commitment["max"]  # a commitment has one bound: min here
        files[f"partners/{pid}/contracts/{IDS['contract']}.yaml"] = contract
        sla = gen.model(Sla, f"{pid}/sla.yaml")
        sla["contract"] = IDS["contract"]
        sla["metrics"][0].update(id=IDS["metric"], better="higher", target=99)
        sla["measurements"] = [{"month": "2026-09", IDS["metric"]: 99.5}, {"month": "2026-10", IDS["metric"]: 98.0}]
        for credit in sla.get("credits", []):
            credit.update(month="2026-10", claimed="2026-11-05", received="2026-11-20")  # 98.0 under 99: breached
        files[f"partners/{pid}/sla.yaml"] = sla
    campaign = gen.model(Campaign, "campaign.yaml")
    campaign["currency"] = "EUR"
    result = campaign["results"][0]
    result["daily"][0]["date"] = "2026-03-01"
    campaign["results"] = [{**copy.deepcopy(result), "partner": pid} for pid in (IDS["partner"], IDS["other"])]
    campaign["start"], campaign["end"] = "2026-02-01", "2026-04-30"
    files[f"campaigns/{IDS['campaign']}.yaml"] = campaign
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1 << 16), encoding="utf-8")
    return gen.fields
