"""Which pages the site has, and the context of each (templates live in site_templates/pages/)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator import i18n, labels, markdown
from generator.compute.portfolio import Computed
from generator.draw import charts
from generator.i18n import N_, _
from generator.measure.kpis import CAMPAIGN_KPIS
from generator.measure.money import ledger as money_ledger
from generator.rules.documents import document_types
from generator.rules.money import rates_of
from generator.rules.windows import warning_days
from generator.site import downloads, home_view, money_view, team_view, views
from generator.site import stamp as build_stamp
from generator.site.ical import calendar_events, render_calendar
from generator.site.repo_links import RepoLinks

CHART_DIR = "assets/charts"
CALENDAR = "partnerbook.ics"  # the deadlines calendar, linked from the home, contracts and alerts pages
CSV = N_("Download CSV")
# The counts of a campaign result the glossary explains (the home page's cards link to revenue and orders).
GLOSSARY_COUNTS = ("sessions", "carts", "checkouts", "orders", "revenue", "cost", "returns")


@dataclass(frozen=True, slots=True)
class Tally:
    """What the checklists page shows of one checklist: its id and how many of its items are done."""

    id: str
    done: int
    total: int


def _tallies(lists: list[Any]) -> list[Tally]:
    return [Tally(c.id, c.done, len(c.items)) for c in lists]


def _chart_refs(specs: list[charts.ChartSpec], depth: int) -> list[dict[str, str]]:
    prefix = "../" * depth
    return [{"src": Markup(f"{prefix}{CHART_DIR}/{spec.key()}.svg"), "alt": spec.alt, "title": spec.title}
            for spec in specs]


def _plain(value: float) -> str:
    """A setting's number as written, in the page's language: ``0.35`` / ``0,35``, ``85`` (no forced decimals)."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.###", locale=i18n.locale(i18n.current()))


def _glossary(health: Any) -> dict[str, Any]:
    """The glossary's context: the health settings, their numbers as written, the counts of a result."""
    return {
        "health": health,
        "plain": {"weights": {k: _plain(v) for k, v in health.weights.model_dump().items()},
                  "grades": {k: _plain(v) for k, v in health.grades.model_dump().items()},
                  "alert_points": {k: _plain(v) for k, v in health.alert_points.model_dump().items()}},
        "caps_ignore": ", ".join(labels.label("rule", rule) for rule in health.caps.ignore),
        "counts": [(name, labels.help_text("kpi", name)) for name in GLOSSARY_COUNTS],
    }


def download_tables(computed: Computed) -> dict[str, Any]:
    """Every table the site offers as a CSV file, by name; add a table here (see generator/site/downloads.py)."""
    tables: dict[str, Any] = dict(downloads.kpi_tables(computed.kpis, computed.health,
                                                       computed.portfolio.settings.currency))
    tables.update(money_view.money_tables(computed, money_ledger(computed.portfolio, computed.kpis, computed.today)))
    return tables


def plan(computed: Computed, stamp: dict[str, str], repo: RepoLinks | None = None
         ) -> tuple[dict[str, tuple[str, dict[str, Any]]], list[charts.ChartSpec]]:
    """Every page as (template, context) by its path under docs/, and every chart the pages show."""
    specs: list[charts.ChartSpec] = []
    return dict(each_page(computed, stamp, repo, specs)), specs


def each_page(computed: Computed, stamp: dict[str, str], repo: RepoLinks | None, all_specs: list[charts.ChartSpec]
              ) -> Iterator[tuple[str, tuple[str, dict[str, Any]]]]:
    """Every page as (path under docs/, (template, context)), one at a time, and every chart the pages show
    added to ``all_specs`` as their pages come: a page's context can be let go once it is written.

    ``repo`` (``site.repo_url``, else ``mkdocs.yml``'s ``repo_url``) links alerts and findings to their
    record's line, and every record page to its editor.
    """
    portfolio, report = computed.portfolio, computed.kpis
    base = {"site_title": portfolio.settings.site.title, "currency": portfolio.settings.currency,
            "rates": rates_of(portfolio.settings), "today": computed.today, "repo": repo,
            # Shown as words, put into the page at write time (generator/site/stamp.py); ``today`` is for rules.
            "stamp_day": build_stamp.markup("day", build_stamp.shown(i18n.day(computed.today))),
            "stamp_commit": build_stamp.markup("commit", build_stamp.commit_words(stamp["commit"]))}
    partner_ids = sorted(pid for pid, e in portfolio.partners.items() if e.partner is not None)
    names = {pid: views.partner_name(computed, pid) for pid in portfolio.partners}
    campaign_ids = sorted(portfolio.campaigns)
    people = views.people_names(computed)
    doc_types = views.required_documents(computed)
    alerts = views.attention(computed, computed.alerts)
    attention = [a for a in alerts if a.silenced_reason is None]
    deadlines = views.all_deadlines(computed)
    # Only the tallies of every partner's and campaign's checklists are held till the checklists page; the
    # checklists themselves are made for their own page and let go with it (at 5,000 partners: 33 MB).
    tallies: dict[str, list[Tally]] = {}
    campaign_tallies: dict[str, list[Tally]] = {}
    deadlines_of: dict[str, list[Any]] = {}
    for deadline in deadlines:
        deadlines_of.setdefault(deadline.partner_id, []).append(deadline)
    alerts_of: dict[str, list[Any]] = {}
    for alert in alerts:
        if alert.partner_id is not None:
            alerts_of.setdefault(alert.partner_id, []).append(alert)
    portfolio_specs = charts.portfolio_charts(portfolio, report)
    all_specs += portfolio_specs
    ledger = money_ledger(portfolio, report, computed.today)
    money_spec = charts.money_chart(ledger, portfolio)
    all_specs += [money_spec] if money_spec is not None else []

    latest = views.latest_campaign(computed)
    latest_record = portfolio.campaigns[latest].record if latest else None
    yield "index.md", ("home.md.j2", {
        **base, "counts": views.counts(computed), "latest": latest, "latest_record": latest_record,
        "latest_link": Markup("[{}](campaigns/{}/index.md)").format(markdown.text(latest_record.name),
                                                                     markdown.text(latest)) if latest_record else None,
        "latest_targets": views.target_rows(computed, latest) if latest else [],
        "attention_count": len(attention), "hhi": report.hhi,
        "silenced_count": len(alerts) - len(attention),
        "charts": _chart_refs(portfolio_specs, 0), "names": names,
        "upcoming": [d for d in deadlines if 0 <= d.days_left <= warning_days(portfolio.settings)],
        "csv_link": downloads.link(f"kpis-campaign-{latest}", 0, _(CSV)) if latest else None,
        **home_view.home(computed, alerts, latest),
    })
    yield "partners/index.md", ("partners.md.j2", {
        **base, "rows": [{"id": pid, "partner": portfolio.partners[pid].partner,
                          "health": computed.health.get(pid), "kpis": report.partners.get(pid)}
                         for pid in partner_ids],
        "people": views.people_names(computed),
        "csv_link": downloads.link("kpis-partners", 1, _(CSV))})
    for pid in partner_ids:
        entry = portfolio.partners[pid]
        specs = charts.partner_charts(pid, portfolio, report)
        trends = charts.partner_trends(pid, portfolio, report)
        all_specs += [*specs, *([trends.spec] if trends.spec else [])]
        campaign_rows = [(cid, portfolio.campaigns[cid].record.name, report.campaigns[cid].partners[pid])
                         for cid in campaign_ids if cid in report.campaigns and pid in report.campaigns[cid].partners]
        policy_rows = views.compliance_row(computed, entry, doc_types) if entry.partner else {}
        checklists = views.partner_checklist_views(computed, entry)
        tallies[pid] = _tallies(checklists)
        partner_page = {
            **base, "id": pid, "partner": entry.partner, "health": computed.health.get(pid),
            # What the page shows of the partner's files (not their parsed documents: generator/site/page_memo.py).
            "profile_file": entry.profile.file if entry.profile else None, "sla_file_present": entry.sla_file_present,
            "contract_records": {cid: loaded.record for cid, loaded in entry.contracts.items()},
            "kpis": report.partners.get(pid), "campaign_rows": campaign_rows, "campaign_kpis": CAMPAIGN_KPIS,
            "charts": _chart_refs(specs, 2), "required": policy_rows,
            "trends": trends, "trend_charts": _chart_refs([trends.spec] if trends.spec else [], 2),
            "doc_names": document_types(portfolio.settings.compliance),
            "documents": views.document_states(computed, entry),
            "missing_clauses": views.missing_clauses(computed, entry),
            "deadlines": deadlines_of.get(pid, []),
            "checklists": checklists,
            "attention": alerts_of.get(pid, []), "names": names,
            "criteria": portfolio.settings.evaluation.criteria,
            "commitments": views.commitment_rows(computed, pid),
            "ledger": money_view.partner_money(computed, ledger, pid),
            **views.partner_page(computed, pid),
        }
        yield f"partners/{pid}/index.md", ("partner.md.j2", partner_page)
        # The one-page summary for quarterly business reviews (printed by `partnerbook print --summary`).
        yield f"partners/{pid}/summary/index.md", ("partner_summary.md.j2", {
            **partner_page, "charts": _chart_refs(specs[:1], 3)})
    yield "campaigns/index.md", ("campaigns.md.j2", {
        **base, "rows": [(cid, portfolio.campaigns[cid].record, report.campaigns.get(cid)) for cid in campaign_ids],
        "csv_link": downloads.link("kpis-campaigns", 1, _(CSV))})
    for cid in campaign_ids:
        specs = charts.campaign_charts(cid, portfolio, report)
        all_specs += specs
        campaign = portfolio.campaigns[cid].record
        money = views.campaign_money(computed, cid)
        checklists = views.campaign_checklist_views(computed, cid)
        campaign_tallies[cid] = _tallies(checklists)
        yield f"campaigns/{cid}/index.md", ("campaign.md.j2", {
            **base, "id": cid, "campaign": campaign, "kpis": report.campaigns.get(cid),
            "record_file": portfolio.campaigns[cid].file,
            "targets": views.target_rows(computed, cid), "campaign_kpis": CAMPAIGN_KPIS, "people": people,
            "money": money, "rate": _plain(money["converted"]["rate"])
            if money["converted"] and money["converted"]["rate"] is not None else _("n/a"),
            "csv_link": downloads.link(f"kpis-campaign-{cid}", 2, _(CSV)),
            "charts": _chart_refs(specs, 2), "names": names, "known": dict.fromkeys(partner_ids),
            "checklists": checklists,
            "attention": [a for a in alerts if a.campaign_id == cid],
        })
    yield "money.md", ("money.md.j2", {**base, **money_view.money_page(computed, ledger, names),
                                         "charts": _chart_refs([money_spec] if money_spec else [], 0),
                                         "csv": {name: downloads.link(name, 0, _(CSV)) for name in money_view.TABLES}})
    del ledger  # the last page that reads it (at 5,000 partners: 30 MB)
    yield "compliance.md", ("compliance.md.j2", {
        **base, "doc_types": doc_types, "doc_names": document_types(portfolio.settings.compliance),
        "rows": [(pid, names[pid], views.compliance_row(computed, portfolio.partners[pid], doc_types))
                 for pid in partner_ids],
        "clauses": [(pid, names[pid], row) for pid in partner_ids
                    for row in views.missing_clauses(computed, portfolio.partners[pid])],
        "policy": portfolio.settings.compliance, "window": warning_days(portfolio.settings),
    })
    yield "contracts.md", ("contracts.md.j2", {**base, "deadlines": deadlines, "contracts": [
        (pid, names[pid], contract.record) for pid in partner_ids
        for _, contract in sorted(portfolio.partners[pid].contracts.items())]})
    yield "checklists.md", ("checklists.md.j2", {
        **base, "partners": [(pid, names[pid], tallies[pid]) for pid in partner_ids],
        "campaigns": [(cid, portfolio.campaigns[cid].record.name, campaign_tallies[cid]) for cid in campaign_ids],
        "partner_columns": views.checklist_columns(computed, "partner"),
        "campaign_columns": views.checklist_columns(computed, "campaign")})
    yield "alerts.md", ("alerts.md.j2", {**base, "alerts": attention,
                                           "silenced": [a for a in alerts if a.silenced_reason is not None]})
    yield "risk.md", ("risk.md.j2", {**base, **views.risk_register(computed, attention),
                                       "charts": _chart_refs(portfolio_specs, 0),
                                       "single_person": team_view.single_person_risk(computed)})
    yield "team.md", ("team.md.j2", {**base, **team_view.team_page(computed, alerts)})
    yield CALENDAR, ("calendar.ics.j2", {"ics": Markup(render_calendar(
        calendar_events(portfolio), computed.today,
        _("{title}: deadlines").format(title=portfolio.settings.site.title)))})
    yield "glossary.md", ("glossary.md.j2", {**base, **_glossary(portfolio.settings.health)})
    yield "problems.md", ("problems.md.j2", {**base, "problems": computed.result.sorted(),
                                               "files": computed.result.files_checked})
