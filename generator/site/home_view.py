"""The home page's view: headline KPI cards of the latest campaign against the previous one, who needs
attention first, and the partners behind each grade.

Which campaign is "previous": among the campaigns that have results, the one that starts last before the
latest campaign (by start date, then id, so two campaigns starting the same day still have an order). It is
the campaign a reader remembers as "the one before", whatever its length or whether its end overlaps the
latest; a planned campaign without results is never compared with, since it only has n/a figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator import i18n, markdown
from generator.compute.portfolio import Computed
from generator.i18n import N_, _
from generator.measure.tables import campaign_counts, format_kpi
from generator.rules import formats
from generator.site import views

HOME_PARTNERS = 5  # "who needs attention first" lists this many partners; the alerts page has every alert

# The headline cards: (id, how the change reads, which way is better). A rate changes in percentage points,
# a count or an amount as a relative change (campaigns differ in length, so +21% says more than +12,560).
POINTS, RELATIVE = "points", "relative"
CARDS: tuple[tuple[str, str, int], ...] = (
    ("conversion_rate", POINTS, 1),
    ("cart_abandonment_rate", POINTS, -1),
    ("roi", POINTS, 1),
    ("csat", POINTS, 1),
    ("revenue", RELATIVE, 1),
    ("orders", RELATIVE, 1),
)
MONEY_CARDS = frozenset({"revenue"})
COUNT_CARDS = frozenset({"revenue", "orders"})

# Worst first: a red grade before an amber one; a partner without a grade after every graded one.
GRADE_ORDER = ("F", "D", "C", "B", "A")
NOT_RATED = N_("Not rated")
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Card:
    kpi: str
    value: Markup  # the latest campaign's figure, formatted
    change: float | None  # latest minus previous (points: a fraction; relative: a fraction of the previous)
    shown: Markup | None  # the change as it reads: "+1.2 pp", "-3.4%"; None when it cannot be compared
    arrow: str  # ▲ ▼ or = (the direction of the figure, not whether it is good)
    tone: str  # good, bad or info (whether the change is good news), for the badge's colour

    @property
    def badge(self) -> Markup:
        """The change as a badge: arrow and signed figure, coloured by whether it is good news."""
        return Markup('<span class="pb-badge pb-{}">{} {}</span>').format(self.tone, self.arrow, self.shown or "")


_TONE = {"green": "good", "amber": "warn", "red": "bad"}


def grade_badge(grade: str | None, status: str | None) -> Markup:
    """A grade as a badge coloured by its status (green, amber, red); "Not rated" as plain text without one.

    The letter (or the words) is always printed, so colour is never the only signal.
    """
    label = grade if grade is not None else _(NOT_RATED)
    tone = _TONE.get(status or "")
    if tone is None:
        return Markup(markdown.text(label))
    return Markup('<span class="pb-badge pb-{}">{}</span>').format(tone, Markup(markdown.text(label)))


def previous_campaign(computed: Computed, latest: str | None) -> str | None:
    """The campaign before ``latest`` by start date (then id) among those with results; None when none is."""
    if latest is None:
        return None
    campaigns = computed.portfolio.campaigns
    key = (campaigns[latest].record.start, latest)
    earlier = [cid for cid, c in campaigns.items()
               if cid != latest and c.record.results and (c.record.start, cid) < key]
    return max(earlier, key=lambda cid: (campaigns[cid].record.start, cid)) if earlier else None


def _figures(computed: Computed, campaign_id: str | None, counts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if campaign_id is None:
        return {}
    report = computed.kpis
    total = dict(report.campaigns[campaign_id].total) if campaign_id in report.campaigns else {}
    sums = counts.get(campaign_id, {}).get("total", {})
    return {**total, **{name: sums.get(name) for name in COUNT_CARDS}}


def _change_text(change: float, how: str) -> str:
    if how == POINTS:
        return _("{change} pp").format(change=i18n.signed(change * 100, 1))
    sign = "-" if change < 0 and round(abs(change) * 1000) else "+"
    return sign + i18n.percent(abs(change), 1)


def card(kpi: str, how: str, better: int, latest: Any, previous: Any, currency: str) -> Card:
    """One headline card: the latest figure and its change from the previous campaign's."""
    if kpi in MONEY_CARDS:
        value = formats.money(latest, currency)
    else:
        value = format_kpi(kpi, latest)
    if latest is None or previous is None or (how == RELATIVE and not previous):
        return Card(kpi, Markup(value), None, None, "", "info")
    change = latest - previous if how == POINTS else (latest - previous) / previous
    shown = _change_text(change, how)
    steady = abs(change) < 5e-4  # shows as +0.0: neither up nor down
    arrow = "=" if steady else ("▲" if change > 0 else "▼")
    tone = "info" if steady else ("good" if change * better > 0 else "bad")
    return Card(kpi, Markup(value), change, Markup(shown), arrow, tone)


def cards(computed: Computed, latest: str | None, previous: str | None) -> list[Card]:
    """The headline cards of ``latest`` (empty without a campaign), each against ``previous``."""
    if latest is None:
        return []
    counts = campaign_counts(computed.kpis)
    now, before = _figures(computed, latest, counts), _figures(computed, previous, counts)
    currency = computed.portfolio.settings.currency
    return [card(kpi, how, better, now.get(kpi), before.get(kpi), currency) for kpi, how, better in CARDS]


def attention_first(computed: Computed, open_alerts: list[views.Attention],
                    limit: int = HOME_PARTNERS) -> tuple[list[dict[str, Any]], int]:
    """The partners that need attention first, and how many partners need it in all.

    A partner needs attention with an open (unsilenced) error or warning alert, or a red grade (D, F).
    Order: most errors first, then the lowest grade, then most warnings, then the lowest score, then name.
    Each row carries its most pressing alert (the first of the alerts' own order: severity, file, line).
    """
    health = computed.health
    by_partner: dict[str, list[views.Attention]] = {}
    for alert in open_alerts:
        if alert.partner_id is not None and alert.silenced_reason is None:
            by_partner.setdefault(alert.partner_id, []).append(alert)
    rows = []
    for pid, entry in computed.portfolio.partners.items():
        if entry.partner is None:
            continue
        mine = by_partner.get(pid, [])
        count = {s: sum(1 for a in mine if a.severity == s) for s in SEVERITIES}
        state = health.get(pid)
        grade = state.grade if state is not None else None
        if not (count["error"] or count["warning"] or grade in ("D", "F")):
            continue
        rank = GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER)
        score = state.score if state is not None and state.score is not None else 101
        top = next((a for a in mine if a.severity != "info"), mine[0] if mine else None)
        status = state.status if state is not None else None
        rows.append(((-count["error"], rank, -count["warning"], score, entry.partner.name, pid), {
            "id": pid, "name": entry.partner.name, "grade": grade, "status": status,
            "badge": grade_badge(grade, status),
            "errors": count["error"], "warnings": count["warning"], "notes": count["info"],
            "top": top}))
    rows.sort(key=lambda item: item[0])
    return [row for _key, row in rows[:limit]], len(rows)


def grade_names(computed: Computed) -> list[dict[str, Any]]:
    """Each grade that some partner has (A to F, then not rated), with those partners' ids and names by name."""
    groups: dict[str | None, list[tuple[str, str]]] = {}
    tones: dict[str | None, str | None] = {}
    for pid, state in computed.health.items():
        groups.setdefault(state.grade, []).append((views.partner_name(computed, pid), pid))
        if state.grade is not None:
            tones[state.grade] = state.status
    order = [*reversed(GRADE_ORDER), None]
    return [{"grade": grade, "badge": grade_badge(grade, tones.get(grade)),
             "partners": [(pid, name) for name, pid in sorted(groups[grade])]}
            for grade in order if grade in groups]


def home(computed: Computed, alerts: list[views.Attention], latest: str | None) -> dict[str, Any]:
    """The home page's own context (pages.plan adds the rest)."""
    previous = previous_campaign(computed, latest)
    campaigns = computed.portfolio.campaigns
    first, needing = attention_first(computed, alerts)
    open_alerts = [a for a in alerts if a.silenced_reason is None]
    return {
        "previous": previous,
        "previous_name": campaigns[previous].record.name if previous else None,
        # A Markdown link to the previous campaign: its id is a checked record id, its name escaped.
        "previous_link": Markup("[{}](campaigns/{}/index.md)").format(
            markdown.text(campaigns[previous].record.name), markdown.text(previous)) if previous else None,
        "cards": cards(computed, latest, previous),
        "first": first, "needing": needing,
        "severity_counts": {s: sum(1 for a in open_alerts if a.severity == s) for s in SEVERITIES},
        "grades": grade_names(computed),
    }
