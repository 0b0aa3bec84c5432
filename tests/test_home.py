"""The home page: headline KPI cards of the latest campaign against the previous one, who needs attention
first, and the partners behind each grade; in English and in Italian.

The card figures are worked by hand from the example's records (campaigns/christmas-2025.yaml and
campaigns/easter-2026.yaml at the repository root).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator import i18n
from generator.compute.portfolio import Computed, compute_portfolio
from generator.site import home_view, pages, render
from generator.site.views import Attention, attention, latest_campaign

EXAMPLE = Path(__file__).resolve().parents[1]
DAY = date(2026, 12, 1)

# Easter 2026, all seven result rows (Zigpoll and Studio Foto Arno report a cost only).
EASTER = {"sessions": 3100 + 4200 + 1350 + 1800 + 1600, "carts": 620 + 610 + 480 + 540 + 390,
          "orders": 212 + 118 + 214 + 190 + 176, "revenue": 15900 + 8260 + 17100 + 13300 + 16700,
          "cost": 1520 + 2600 + 2100 + 2850 + 1150 + 180 + 1400, "margin": 0.58,
          "satisfied": 152 + 49 + 133 + 98 + 92, "responses": 180 + 64 + 150 + 120 + 110}
# Christmas 2025: four partners, no gross margin (ROI on the whole revenue).
CHRISTMAS = {"sessions": 3800 + 2600 + 1500 + 1400, "carts": 760 + 390 + 560 + 430,
             "orders": 250 + 88 + 246 + 150, "revenue": 19500 + 6600 + 21400 + 11200,
             "cost": 1850 + 1500 + 2600 + 2400, "margin": 1.0,
             "satisfied": 158 + 39 + 141 + 74, "responses": 190 + 48 + 160 + 95}


def _figures(c: dict[str, float]) -> dict[str, float]:
    return {"conversion_rate": c["orders"] / c["sessions"], "cart_abandonment_rate": 1 - c["orders"] / c["carts"],
            "roi": (c["revenue"] * c["margin"] - c["cost"]) / c["cost"], "csat": c["satisfied"] / c["responses"],
            "revenue": c["revenue"], "orders": c["orders"]}


@pytest.fixture(scope="module")
def example() -> Computed:
    with i18n.language("en"):
        return compute_portfolio(EXAMPLE, DAY)


def test_the_previous_campaign_is_the_one_before_the_latest_by_start_date(example: Computed) -> None:
    assert latest_campaign(example) == "easter-2026"
    assert home_view.previous_campaign(example, "easter-2026") == "christmas-2025"
    assert home_view.previous_campaign(example, "christmas-2025") is None
    assert home_view.previous_campaign(example, None) is None


def test_cards_show_the_latest_figures_and_their_change_worked_by_hand(example: Computed,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.ENV, raising=False)
    now, before = _figures(EASTER), _figures(CHRISTMAS)
    assert now["conversion_rate"] == pytest.approx(910 / 12050)
    assert before["roi"] == pytest.approx(50350 / 8350)
    with i18n.language("en"):
        cards = {c.kpi: c for c in home_view.cards(example, "easter-2026", "christmas-2025")}

        assert list(cards) == ["conversion_rate", "cart_abandonment_rate", "roi", "csat", "revenue", "orders"]
        for kpi in ("conversion_rate", "cart_abandonment_rate", "roi", "csat"):  # rates: percentage points
            assert cards[kpi].change == pytest.approx(now[kpi] - before[kpi]), kpi
        for kpi in ("revenue", "orders"):  # counts and money: relative change
            assert cards[kpi].change == pytest.approx(now[kpi] / before[kpi] - 1), kpi

        shown = {kpi: (c.value, c.shown, c.arrow, c.tone) for kpi, c in cards.items()}
    assert shown == {
        "conversion_rate": ("7.6%", "-0.3 pp", "▼", "bad"),        # 7.552% vs 7.892%
        "cart_abandonment_rate": ("65.5%", "-0.2 pp", "▼", "good"),  # 65.53% vs 65.70%: lower is better
        "roi": ("250.3%", "-352.7 pp", "▼", "bad"),                 # 2.5026 vs 6.0299 (58% margin vs none)
        "csat": ("84.0%", "+0.4 pp", "▲", "good"),                  # 83.97% vs 83.57%
        "revenue": ("71,260.00 EUR", "+21.4%", "▲", "good"),        # 71,260 vs 58,700
        "orders": ("910", "+24.0%", "▲", "good"),                   # 910 vs 734
    }
    with i18n.language("it"):
        italian = {c.kpi: (c.value, c.shown) for c in home_view.cards(example, "easter-2026", "christmas-2025")}
    assert italian["revenue"] == ("71.260,00 EUR", "+21,4%")
    assert italian["conversion_rate"] == ("7,6%", "-0,3 p.p.")


def test_a_card_without_a_figure_on_either_side_shows_no_change() -> None:
    with i18n.language("en"):
        assert home_view.card("csat", home_view.POINTS, 1, 0.8, None, "EUR").shown is None
        assert home_view.card("orders", home_view.RELATIVE, 1, 10, 0, "EUR").shown is None  # no base to divide
        steady = home_view.card("conversion_rate", home_view.POINTS, 1, 0.05, 0.05, "EUR")
    assert (steady.arrow, steady.tone, steady.shown) == ("=", "info", "+0.0 pp")


def test_grade_counts_name_the_partners_behind_each_grade(example: Computed) -> None:
    with i18n.language("en"):
        groups = home_view.grade_names(example)
    grades = [g["grade"] for g in groups]
    assert grades == sorted(g for g in grades if g is not None) + ([None] if None in grades else [])
    named = {pid: g["grade"] for g in groups for pid, _name in g["partners"]}
    assert named == {pid: h.grade for pid, h in example.health.items()}  # each partner once, under its grade
    for g in groups:
        names = [name for _pid, name in g["partners"]]
        assert names == sorted(names)
    not_rated = next(g for g in groups if g["grade"] is None)
    assert ("fjord-parcel", "Fjord Parcel") in not_rated["partners"]  # being evaluated: never graded
    assert "Not rated" in not_rated["badge"]


def _fake(partners: dict[str, tuple[str | None, int | None, str | None]]) -> Computed:
    """A portfolio of partners (id -> grade, score, status) with nothing else, for ordering tests."""
    health = {pid: SimpleNamespace(grade=grade, score=score, status=status)
              for pid, (grade, score, status) in partners.items()}
    entries = {pid: SimpleNamespace(partner=SimpleNamespace(name=pid.title())) for pid in partners}
    return SimpleNamespace(health=health, portfolio=SimpleNamespace(partners=entries))  # type: ignore[return-value]


def _alert(partner: str, severity: str, message: str = "x", silenced: bool = False) -> Attention:
    return Attention(severity, partner, partner.title(), None, None, "rule", message, "f.yaml:1",
                     "because" if silenced else None, DAY if silenced else None)


def test_attention_orders_errors_then_the_lowest_grade_then_warnings_then_score() -> None:
    computed = _fake({
        "alpha": ("C", 60, "amber"), "bravo": ("A", 90, "green"), "charlie": ("F", 20, "red"),
        "delta": ("C", 58, "amber"), "echo": ("D", 45, "red"), "foxtrot": ("B", 75, "green"),
        "golf": (None, None, None), "hotel": ("C", 56, "amber"), "india": ("C", 57, "amber"),
    })
    alerts = [
        _alert("alpha", "warning"), _alert("alpha", "warning"),
        _alert("bravo", "error", "bravo's error"), _alert("bravo", "info"),
        _alert("delta", "warning"), _alert("delta", "warning"),
        _alert("foxtrot", "info"),  # a note only: no attention needed
        _alert("golf", "warning"),
        _alert("hotel", "warning", silenced=True),  # silenced: does not count
        _alert("india", "info", "india's note"), _alert("india", "warning", "india's warning"),
    ]
    with i18n.language("en"):
        rows, needing = home_view.attention_first(computed, alerts, limit=10)
    order = [r["id"] for r in rows]
    # bravo has an error; then the red grades (F before D, echo with no alert at all); then the C grades by
    # warnings (alpha and delta have two: the lower score first); india one; golf, not rated, last.
    assert order == ["bravo", "charlie", "echo", "delta", "alpha", "india", "golf"]
    assert needing == 7
    assert "foxtrot" not in order  # a note only: nothing to do
    assert "hotel" not in order  # its only warning is silenced
    by_id = {r["id"]: r for r in rows}
    assert by_id["bravo"]["top"].message == "bravo's error"
    assert by_id["india"]["top"].message == "india's warning"  # the most pressing is never a note
    assert by_id["echo"]["top"] is None
    assert (by_id["bravo"]["errors"], by_id["alpha"]["warnings"], by_id["india"]["notes"]) == (1, 2, 1)

    with i18n.language("en"):
        top, needing = home_view.attention_first(computed, alerts, limit=3)
    assert [r["id"] for r in top] == ["bravo", "charlie", "echo"]
    assert needing == 7


def test_attention_on_the_example_starts_with_the_partner_with_most_warnings(example: Computed) -> None:
    with i18n.language("en"):
        alerts = attention(example, example.alerts)
        rows, needing = home_view.attention_first(example, alerts)
    assert len(rows) == home_view.HOME_PARTNERS < needing
    assert rows[0]["id"] == "corriere-rapido"
    keys = [(-r["errors"], home_view.GRADE_ORDER.index(r["grade"]) if r["grade"] else 5, -r["warnings"]) for r in rows]
    assert keys == sorted(keys)


def _pages(language: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The example's pages as Markdown in ``language`` (rendered as ``build`` renders them, without MkDocs)."""
    monkeypatch.setenv(i18n.ENV, language)
    with i18n.language(language):
        computed = compute_portfolio(EXAMPLE, DAY)
        plan, _specs = pages.plan(computed, {"today": DAY.isoformat(), "commit": "0123abc"})
        rendered = render.render_all(plan)
    monkeypatch.delenv(i18n.ENV)
    return {path: body.decode("utf-8") for path, body in rendered.items() if path.endswith(".md")}


# Headings and sentences of the pages this module covers, as English writes them.
ENGLISH = ["Latest campaign", "Who needs attention first", "Partners at a glance", "Coming up", "Not rated",
           "open alerts", "vs Christmas", "Download CSV", "Built 2026", "KPI glossary", "Campaign KPIs",
           "Health score", "Partner KPIs", "Counts and KPIs", "Single-person skills", "Workload", "Open actions",
           "record files checked", "How to fix", "Campaign totals", "Partners compared", "Survey results",
           "No review recorded", "(at least)", "(at most)"]


def test_the_example_home_page_in_english_and_italian(monkeypatch: pytest.MonkeyPatch) -> None:
    home = _pages("en", monkeypatch)["index.md"]
    assert '<div class="grid cards" markdown>' in home
    assert "▲ +21.4%</span> vs Christmas 2025" in home
    assert "[Christmas 2025](campaigns/christmas-2025/index.md)" in home
    attention_table = home.split("## Who needs attention first", 1)[1].split("##", 1)[0]
    assert attention_table.index("[Corriere Rapido](partners/corriere-rapido/index.md)") > 0
    grades = home.split("## Partners at a glance", 1)[1].split("##", 1)[0]
    assert "Not rated&nbsp;(1) | [Fjord Parcel](partners/fjord-parcel/index.md) |" in grades
    assert "**By status:** Active&nbsp;(10)" in grades

    italian = _pages("it", monkeypatch)
    home = italian["index.md"]
    assert "## Chi richiede attenzione per primo" in home
    assert "▲ +21,4%</span> rispetto a Christmas 2025" in home
    assert "Senza voto&nbsp;(1) | [Fjord Parcel](partners/fjord-parcel/index.md) |" in home
    mine = ("index.md", "glossary.md", "team.md", "problems.md", "campaigns/index.md",
            "campaigns/easter-2026/index.md", "campaigns/christmas-2025/index.md")
    left = [(path, text) for path in mine for text in ENGLISH if text in italian[path]]
    assert not left, left
    assert 'title="Ordini per sessione.">Tasso di conversione</span>' in italian["glossary.md"]
    assert "<code>conversion&#95;rate</code>" in italian["glossary.md"]  # the id a user types in targets:
