"""A partner's trends (generator/draw/charts.py ``partner_trends``, the Trends section of the scorecard).

The figures are worked by hand from the example records: Corriere Rapido took part in Christmas 2025
(starts 2025-11-28, no gross margin) and Easter 2026 (starts 2026-03-20, gross margin 0.58), and its
sla.yaml measures four metrics from January to October 2026 (August without a claims figure).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator import i18n
from generator.draw import charts
from generator.draw.chart_draw import draw

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 12, 1)
ONE_CAMPAIGN = "Trends appear once the partner has results in two campaigns."

# Christmas 2025: sessions 1400, carts 430, orders 150, revenue 11200, cost 2400, 74 of 95 satisfied.
# Easter 2026: sessions 1800, carts 540, orders 190, revenue 13300 x 0.58 margin, cost 2850, 98 of 120.
CONVERSION = (150 / 1400, 190 / 1800)
ABANDONMENT = (1 - 150 / 430, 1 - 190 / 540)
ROI = ((11200 - 2400) / 2400, (13300 * 0.58 - 2850) / 2850)
CSAT = (74 / 95, 98 / 120)
# Metrics met per month of sla.yaml (on time >= 95, damage <= 0.5, first attempt >= 90, claim days <= 10):
# March misses on-time (93.8), April claim days (11), August first attempt (89.6; no claims figure, so
# 2 of 3), September and October damage and claim days.
ATTAINMENT = (1, 1, 3 / 4, 3 / 4, 1, 1, 1, 2 / 3, 2 / 4, 2 / 4)
MONTHS = tuple(f"2026-{m:02d}" for m in range(1, 11))


def _copy_example(root: Path) -> Path:
    for name in ("partners", "campaigns"):
        shutil.copytree(REPO / name, root / name)
    for name in ("partnerbook.yml", "mkdocs.yml", "team.yaml"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, root / name)
    return root


def _compute(root: Path) -> Any:
    from generator.compute.portfolio import compute_portfolio

    return compute_portfolio(root, TODAY)


@pytest.fixture(scope="module")
def computed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _compute(_copy_example(tmp_path_factory.mktemp("example")))


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.ENV, raising=False)


def _trends(computed: Any, partner: str, language: str = "en") -> charts.Trends:
    with i18n.language(language):
        return charts.partner_trends(partner, computed.portfolio, computed.kpis)


def _data(trends: charts.Trends) -> dict[str, Any]:
    assert trends.spec is not None
    return dict(trends.spec.data)


def _partner_page(computed: Any, partner: str, language: str = "en") -> str:
    from generator.site import pages, render

    with i18n.language(language):
        plan, _specs = pages.plan(computed, {"today": TODAY.isoformat(), "commit": ""})
        template, context = plan[f"partners/{partner}/index.md"]
        return render.render_page(render.environment(), template, context)


# --- the figures -------------------------------------------------------------------------------


def test_a_partner_in_two_campaigns_has_its_kpis_campaign_after_campaign(computed: Any) -> None:
    trends = _trends(computed, "corriere-rapido")
    data = _data(trends)
    assert trends.spec is not None
    assert trends.spec.kind == "partner-trends"
    assert trends.campaigns == 2
    assert data["campaigns"] == ("Christmas 2025", "Easter 2026"), "start-date order"
    names = [name for name, _values in data["panels"]]
    assert names == ["Conversion rate", "Cart abandonment", "ROI", "Customer satisfaction"]
    for (_name, values), expected in zip(data["panels"], (CONVERSION, ABANDONMENT, ROI, CSAT), strict=True):
        assert values == pytest.approx(expected, abs=1e-6)


def test_sla_attainment_by_month_is_metrics_met_over_metrics_measured(computed: Any) -> None:
    trends = _trends(computed, "corriere-rapido")
    data = _data(trends)
    assert trends.months == 10
    assert data["months"] == MONTHS
    assert data["attainment"] == pytest.approx(ATTAINMENT, abs=1e-6)
    assert data["ticks"][0] == "Jan 26"
    assert charts.sla_attainment_by_month("corriere-rapido", computed.kpis)[7] == ("2026-08", 2, 3)


def test_the_alt_text_says_every_figure_in_words(computed: Any) -> None:
    trends = _trends(computed, "corriere-rapido")
    assert trends.spec is not None
    assert trends.spec.alt == (
        "Trends for Corriere Rapido, campaign by campaign in start-date order. "
        "Conversion rate: Christmas 2025 10.7%; Easter 2026 10.6%. "
        "Cart abandonment: Christmas 2025 65.1%; Easter 2026 64.8%. "
        "ROI: Christmas 2025 366.7%; Easter 2026 170.7%. "
        "Customer satisfaction: Christmas 2025 77.9%; Easter 2026 81.7%. "
        "SLA attainment of Corriere Rapido by month (the share of the SLA's metrics that met their target): "
        "Jan 2026 100%; Feb 2026 100%; Mar 2026 75%; Apr 2026 75%; May 2026 100%; Jun 2026 100%; "
        "Jul 2026 100%; Aug 2026 67%; Sep 2026 50%; Oct 2026 50%.")
    assert trends.spec.title == "Corriere Rapido: trends"


def test_italian_trends_speak_italian_and_never_share_the_english_file(computed: Any) -> None:
    english, italian = _trends(computed, "corriere-rapido"), _trends(computed, "corriere-rapido", "it")
    assert english.spec is not None
    assert italian.spec is not None
    assert english.spec.key() != italian.spec.key(), "the words are part of the key"
    assert "Tasso di conversione: Christmas 2025 10,7%; Easter 2026 10,6%." in italian.spec.alt
    assert "ott 2026 50%" in italian.spec.alt
    assert italian.spec.title == "Corriere Rapido: andamento"
    svg = draw(italian.spec).decode("utf-8")
    for word in ("Tasso di conversione", "Rispetto dello SLA per mese", "Tutte le metriche rispettate",
                 "366,7%", ">gen 26<"):
        assert word in svg, word
    assert "366.7%" not in svg


# --- n/a is skipped ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def no_christmas_survey(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The example with Corriere Rapido's Christmas survey removed: its Christmas CSAT is n/a."""
    root = _copy_example(tmp_path_factory.mktemp("no-survey"))
    path = root / "campaigns" / "christmas-2025.yaml"
    text = path.read_text(encoding="utf-8")
    survey = "    survey: {tool: zigpoll, responses: 95, satisfied: 74, promoters: 52, passives: 28, detractors: 15}\n"
    assert text.count(survey) == 1
    path.write_text(text.replace(survey, ""), encoding="utf-8")
    return _compute(root)


def test_an_na_figure_is_skipped_never_drawn_as_zero(no_christmas_survey: Any) -> None:
    trends = _trends(no_christmas_survey, "corriere-rapido")
    data = _data(trends)
    panels = dict(data["panels"])
    assert panels["Customer satisfaction"] == (None, pytest.approx(CSAT[1], abs=1e-6))
    assert panels["Conversion rate"] == pytest.approx(CONVERSION, abs=1e-6), "the other panels keep both campaigns"
    assert trends.spec is not None
    assert "Customer satisfaction: Easter 2026 81.7%." in trends.spec.alt
    assert "Christmas 2025 0" not in trends.spec.alt
    svg = draw(trends.spec).decode("utf-8")
    assert svg.count(">n/a<") == 1, "one grey n/a where the Christmas CSAT would be"
    assert ">0.0%<" not in svg, "no value label of 0"


def test_a_campaign_without_any_trend_figure_does_not_count(computed: Any) -> None:
    # Zigpoll's only result is a cost (no revenue, no survey): no conversion, abandonment, ROI or CSAT.
    trends = _trends(computed, "zigpoll")
    assert (trends.spec, trends.campaigns, trends.months) == (None, 0, 0)


# --- fewer than two campaigns ------------------------------------------------------------------


def test_one_campaign_gets_a_sentence_instead_of_a_chart(computed: Any) -> None:
    trends = _trends(computed, "pagamenti-sicuri")  # Easter 2026 only, no SLA
    assert (trends.spec, trends.campaigns, trends.months) == (None, 1, 0)
    page = _partner_page(computed, "pagamenti-sicuri")
    section = page.split("## Trends", 1)[1].split("\n## ", 1)[0]
    assert ONE_CAMPAIGN in section
    assert "![" not in section


def test_sla_only_partner_gets_the_sentence_and_its_attainment_by_month(computed: Any) -> None:
    trends = _trends(computed, "vetrina-commerce")  # the platform: an SLA, no campaign results
    assert trends.campaigns == 0
    assert trends.months == 10
    data = _data(trends)
    assert data["campaigns"] == ()
    assert data["panels"] == ()
    page = _partner_page(computed, "vetrina-commerce")
    section = page.split("## Trends", 1)[1].split("\n## ", 1)[0]
    assert ONE_CAMPAIGN in section
    assert "SLA attainment of Vetrina Commerce by month" in section
    assert re.search(r"!\[.*\]\(\.\./\.\./assets/charts/[0-9a-f]{16}\.svg\)", section)


def test_the_scorecard_shows_the_trends_next_to_the_campaign_results(computed: Any) -> None:
    page = _partner_page(computed, "corriere-rapido")
    assert page.index("## Campaign results") < page.index("## Trends") < page.index("## SLA")
    section = page.split("## Trends", 1)[1].split("\n## ", 1)[0]
    assert ONE_CAMPAIGN not in section
    trends = _trends(computed, "corriere-rapido")
    assert trends.spec is not None
    assert f"(../../assets/charts/{trends.spec.key()}.svg)" in section
    assert "Conversion rate&#58; Christmas 2025 10&#46;7&#37;" in section, "the alt text, escaped"
    italian = _partner_page(computed, "corriere-rapido", "it")
    assert "## Andamento" in italian
    assert "L'andamento compare" not in italian


def test_more_campaigns_than_a_trend_shows_keeps_the_latest(tmp_path: Path) -> None:
    root = _copy_example(tmp_path / "many")
    source = (root / "campaigns" / "christmas-2025.yaml").read_text(encoding="utf-8")
    for n in range(1, 10):  # nine more campaigns before Christmas 2025, one a month in 2025
        text = source.replace("name: Christmas 2025", f"name: Promo {n:02d}")
        text = text.replace("start: 2025-11-28", f"start: 2025-{n:02d}-01").replace("end: 2025-12-21",
                                                                                    f"end: 2025-{n:02d}-20")
        (root / "campaigns" / f"promo-{n:02d}.yaml").write_text(text, encoding="utf-8")
    trends = _trends(_compute(root), "corriere-rapido")
    data = _data(trends)
    assert trends.campaigns == 11
    assert data["campaigns"] == ("Promo 04", "Promo 05", "Promo 06", "Promo 07", "Promo 08", "Promo 09",
                                 "Christmas 2025", "Easter 2026")
    assert trends.spec is not None
    assert trends.spec.title == "Corriere Rapido: trends (last 8 campaigns)"
    svg = draw(trends.spec).decode("utf-8")
    assert "Promo 04" in svg
    assert "Promo 03" not in svg


# --- drawing -----------------------------------------------------------------------------------


def test_the_svg_is_deterministic_across_processes(computed: Any) -> None:
    trends = _trends(computed, "corriere-rapido")
    assert trends.spec is not None
    first = draw(trends.spec)
    assert draw(trends.spec) == first
    script = (
        "import hashlib, sys\n"
        "from generator.draw.charts import ChartSpec\n"
        "from generator.draw.chart_draw import draw\n"
        f"spec = ChartSpec(*{(trends.spec.kind, trends.spec.title, trends.spec.alt, trends.spec.data)!r})\n"
        "sys.stdout.write(hashlib.sha256(draw(spec)).hexdigest())\n")
    other = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=REPO)
    assert other.stdout == hashlib.sha256(first).hexdigest()


def test_the_key_covers_what_is_drawn(computed: Any) -> None:
    spec = _trends(computed, "corriere-rapido").spec
    assert spec is not None
    data = dict(spec.data)
    (name, values), *rest = data["panels"]
    changed = charts.ChartSpec(spec.kind, spec.title, spec.alt,
                               tuple((k, ((name, (values[0], 0.2)), *rest)) if k == "panels" else (k, v)
                                     for k, v in spec.data))
    assert changed.key() != spec.key()
    assert charts.ChartSpec(spec.kind, spec.title, "another alt", spec.data).key() == spec.key()


def test_the_chart_reads_in_both_schemes_and_on_a_phone(computed: Any) -> None:
    for partner in ("corriere-rapido", "vetrina-commerce"):
        spec = _trends(computed, partner).spec
        assert spec is not None
        svg = draw(spec).decode("utf-8")
        assert "fill: #ffffff" not in svg, "transparent: no white box in the dark scheme"
        assert "@media (prefers-color-scheme: dark)" in svg
        assert "stroke: #0072b2" in svg or "fill: #0072b2" in svg, "the blue the dark scheme brightens"
        sizes = [float(size) for size in re.findall(r"font-size: ([\d.]+)px", svg)]
        assert min(sizes) >= 9.0, f"{partner}: text of {min(sizes)} points"
        assert 'width="432pt"' in svg
