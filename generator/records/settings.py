"""partnerbook.yml: settings. The file is optional and every key has a default.

Its larger sections have modules of their own: ``compliance`` (generator/records/policy.py), ``imports``
(imports.py), ``checklists`` (checklist.py) and ``digest`` (digest.py).
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, ConfigDict, Field

from generator.i18n import _
from generator.records.checklist import ChecklistDefinition
from generator.records.common import (
    MAX_COUNT,
    MAX_DAYS,
    MAX_MONTHS,
    MAX_NUMBER,
    Currency,
    Day,
    Id,
    Record,
    Text,
    Url,
)
from generator.records.digest import DigestSettings
from generator.records.imports import ImportSettings
from generator.records.partner import Criticality
from generator.records.policy import CompliancePolicy

DEFAULT_CRITERIA = (
    "product_alignment", "compliance", "integration", "customer_experience", "experience",
    "reputation", "compatibility", "culture_fit", "financial_health",
)
CriterionId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Weight = Annotated[float, Field(gt=0, le=MAX_NUMBER)]



def _a_repository(value: str) -> str:
    """An http(s) address of one repository: links are made by adding paths to it."""
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(_("repo_url must be the repository's http:// or https:// address"))
    if parts.query or parts.fragment or "#" in value:
        raise ValueError(_("repo_url must not have a query or a fragment ('?' or '#'): write the "
                           "repository's address, e.g. https://github.com/shop/partners"))
    if len([segment for segment in parts.path.split("/") if segment]) < 2:
        raise ValueError(_("repo_url must name a repository (owner and name), e.g. "
                           "https://github.com/shop/partners"))
    return value


RepoUrl = Annotated[Url, AfterValidator(_a_repository)]


class SiteSettings(Record):
    title: Text = "Partnerships"
    language: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")] = "en"
    # Trusted mode: merge the repository's whole mkdocs.yml (hooks, plugins, Markdown extensions run as
    # code). Off by default: only an allow-list of mkdocs.yml is used (see generator/site/mkdocs_config.py).
    trust_mkdocs_yml: bool = False
    # The records repository's web address, as MkDocs' repo_url: alerts and findings link to their record's
    # line, record pages to its editor (generator/site/repo_links.py). mkdocs.yml's repo_url is used when this
    # is not set; neither becomes the theme's repository button (Material would ask GitHub's API for it).
    repo_url: RepoUrl | None = None
    # The branch the links open: else the one mkdocs.yml's edit_uri names, else main.
    repo_branch: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")] | None = None


class EvaluationSettings(Record):
    criteria: dict[CriterionId, Weight] = Field(
        default_factory=lambda: dict.fromkeys(DEFAULT_CRITERIA, 1.0), min_length=1
    )


class HealthWeights(Record):
    """Weight of each health component; components without evidence are left out and the rest rescaled."""

    evaluation: float = Field(default=0.2, ge=0, le=100)
    compliance: float = Field(default=0.35, ge=0, le=100)
    sla: float = Field(default=0.15, ge=0, le=100)
    performance: float = Field(default=0.2, ge=0, le=100)
    satisfaction: float = Field(default=0.1, ge=0, le=100)


class GradeThresholds(Record):
    """Lowest health score of each grade; below ``D`` is F. A and B are green, C amber, D and F red."""

    A: float = Field(default=85, ge=0, le=100)
    B: float = Field(default=70, ge=0, le=100)
    C: float = Field(default=55, ge=0, le=100)
    D: float = Field(default=40, ge=0, le=100)


Grade = Literal["A", "B", "C", "D", "F"]

AlertRule = Literal[
    "contract-notice", "contract-ended", "contract-renewed", "compliance-missing", "compliance-expired",
    "compliance-expiring", "sla-breach", "sla-attainment", "review-overdue", "check-in-stale", "red-flag-open",
    "due-diligence-missing", "no-backup", "single-source-capability", "revenue-concentration",
    "abandonment-anomaly", "low-conversion", "action-overdue", "silence-expired", "credit-unclaimed",
    "commitment-missed",
]
ALERT_RULES: tuple[str, ...] = AlertRule.__args__  # type: ignore[attr-defined]


# Alerts about the team's own decisions, not the partner's conduct: whether to give notice, how much the
# portfolio depends on one partner, claiming a service credit. They stay on the alerts page but neither cap
# nor cost health points.
TEAM_RULES: tuple[AlertRule, ...] = ("contract-notice", "no-backup", "single-source-capability",
                                     "revenue-concentration", "credit-unclaimed")


class HealthCaps(Record):
    """The best grade a partner can get while it has an unsilenced alert of this severity.

    ``ignore`` lists the alert rules that neither cap nor cost points (see ``TEAM_RULES``).
    """

    error: Grade = "D"
    warning: Grade = "C"
    ignore: list[AlertRule] = Field(default_factory=lambda: list(TEAM_RULES), max_length=len(ALERT_RULES))


class AlertPoints(Record):
    """Points each open alert costs, unless a component already scores its cause (compliance, SLA)."""

    error: float = Field(default=20, ge=0, le=100)
    warning: float = Field(default=8, ge=0, le=100)


class HealthSettings(Record):
    weights: HealthWeights = HealthWeights()
    grades: GradeThresholds = GradeThresholds()
    caps: HealthCaps = HealthCaps()
    alert_points: AlertPoints = AlertPoints()
    sla_floor: float = Field(default=0.5, ge=0, le=1)  # SLA attainment at or under this scores 0
    min_components: int = Field(default=2, ge=1, le=5)  # components with evidence needed for a grade
    sla_months: int = Field(default=6, gt=0, le=120)  # SLA attainment over the last N measured months


AlertLevel = Literal["error", "warning", "info", "off"]


class SlaAlertSettings(Record):
    """``sla-attainment``: met metric-months over the last ``months`` measured months, at least ``attainment``."""

    attainment: float = Field(default=0.9, ge=0, le=1)
    months: int = Field(default=6, gt=0, le=MAX_MONTHS)


class AbandonmentAlertSettings(Record):
    """``abandonment-anomaly``: a day far above the partner's pooled abandonment over the campaign's other days."""

    min_carts: int = Field(default=20, gt=0, le=MAX_COUNT)  # days with fewer carts never fire
    min_days: int = Field(default=5, gt=0, le=MAX_DAYS)  # other days needed for a baseline
    z_score: float = Field(default=3.0, gt=0, le=MAX_NUMBER)  # binomial z-score of the day against the baseline
    min_increase: float = Field(default=0.1, ge=0, le=1)  # and at least this many points above it (0.1 = 10 pp)


class ConversionAlertSettings(Record):
    """``low-conversion``: a high-traffic partner converting far below the other partners of a campaign."""

    min_sessions: int = Field(default=500, ge=0, le=MAX_COUNT)  # and above the campaign's median partner sessions
    max_ratio: float = Field(default=0.5, gt=0, le=1)  # conversion under this share of the others' pooled rate
    min_partners: int = Field(default=3, ge=2, le=MAX_COUNT)  # partners with sessions and orders needed to compare


class Silence(Record):
    """Keep one rule quiet for one partner until a date, for a stated reason (the site still shows it)."""

    rule: AlertRule
    partner: Id
    reason: Text
    until: Day


class AlertSettings(Record):
    """Alert thresholds, per-rule severity and silences (``alerts:`` in partnerbook.yml)."""

    warning_days: int | None = Field(default=None, ge=0, le=MAX_DAYS)  # default: compliance.expiring_warning_days (60)
    check_in_stale_days: int = Field(default=90, gt=0, le=MAX_DAYS)
    credit_claim_days: int = Field(default=30, ge=0, le=MAX_DAYS)  # days after its month a credit may stay unclaimed
    revenue_concentration: float = Field(default=0.5, gt=0, le=1)
    no_backup_criticality: list[Criticality] = ["critical"]
    single_source_criticality: list[Criticality] = ["critical", "high"]
    sla: SlaAlertSettings = SlaAlertSettings()
    abandonment: AbandonmentAlertSettings = AbandonmentAlertSettings()
    low_conversion: ConversionAlertSettings = ConversionAlertSettings()
    severity: dict[AlertRule, AlertLevel] = {}
    silences: list[Silence] = []


class CodeownersSettings(Record):
    """``codeowners:``: who reviews the files no partner or campaign owns (team.yaml, partnerbook.yml, CODEOWNERS).

    ``fallback`` names people or roles of team.yaml; their handles (a role's own handle, else its members')
    review those files. Empty: those files get no line of their own.
    """

    fallback: list[Id] = Field(default_factory=list, max_length=100)


Rate = Annotated[float, Field(gt=0, le=1_000_000)]  # a million units per unit: above is a typo


class DatedRate(Record):
    """One entry of a rate table: ``rate`` reporting-currency units per unit, valid from ``from``."""

    model_config = ConfigDict(populate_by_name=True)

    valid_from: Day = Field(alias="from")
    rate: Rate


class Settings(Record):
    """Project settings from partnerbook.yml."""

    site: SiteSettings = SiteSettings()
    currency: Currency = "EUR"  # the reporting currency: every total, share and chart is in it
    # What one unit of another currency is worth in ``currency``: once, or a table by date.
    rates: dict[Currency, Rate | Annotated[list[DatedRate], Field(min_length=1, max_length=1000)]] = Field(
        default_factory=dict, max_length=300)
    compliance: CompliancePolicy = CompliancePolicy()
    evaluation: EvaluationSettings = EvaluationSettings()
    health: HealthSettings = HealthSettings()
    alerts: AlertSettings = AlertSettings()
    imports: ImportSettings = ImportSettings()
    checklists: dict[Id, ChecklistDefinition] = Field(default_factory=dict, max_length=200)
    codeowners: CodeownersSettings = CodeownersSettings()
    digest: DigestSettings = DigestSettings()
