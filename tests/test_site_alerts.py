"""Alerts on the site: the home page panel, scorecards, the alerts and risk pages, the calendar file."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from conftest import TODAY, RunLine
from test_site import _parse


def _text(path: Path) -> str:
    return " ".join("".join(_parse(path.read_text(encoding="utf-8")).text).split())


@pytest.fixture
def built(base_portfolio: Path, run_line: RunLine) -> Path:
    settings = base_portfolio / "partnerbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + (
        "alerts:\n  silences:\n    - rule: check-in-stale\n      partner: shopcloud\n"
        "      reason: Quarterly call moved to January\n      until: 2027-01-31\n"), encoding="utf-8")
    partner = base_portfolio / "partners/kiln-packaging/partner.yaml"
    partner.write_text(partner.read_text(encoding="utf-8") + (
        "red_flags:\n  - date: 2026-10-01\n    description: Late deliveries twice in October\n"
        "    status: open\n"), encoding="utf-8")
    result = run_line(f"partnerbook build --root {base_portfolio} --today {TODAY}")
    assert result.exit_code == 0, result.output
    return base_portfolio / "site"


def test_home_page_lists_who_needs_attention_first_with_their_most_pressing_alert(built: Path) -> None:
    home = _text(built / "index.html")
    first = home.split("Who needs attention first", 1)[1]

    assert first.index("Kiln Packaging") < first.index("ShopCloud") < first.index("Stripe Payments")
    assert "5 warnings" in first  # Kiln Packaging's
    assert "56.2% of partner revenue over all campaigns" in first  # its revenue-concentration alert
    assert "9 open alerts, all on the alerts page" in home
    assert "1 silenced alert" in home


def test_scorecard_shows_its_own_alerts_and_silences(built: Path) -> None:
    kiln = _text(built / "partners/kiln-packaging/index.html")
    shopcloud = _text(built / "partners/shopcloud/index.html")

    assert "open red flag since Oct 1, 2026" in kiln
    assert "red-flag-open" in kiln
    assert "storefront-hosting" not in kiln  # shopcloud's alert stays on shopcloud's page
    assert "only active provider of storefront-hosting" in shopcloud
    assert "silenced until Jan 31, 2027: Quarterly call moved to January" in shopcloud


def test_alerts_page_keeps_silenced_alerts_apart(built: Path) -> None:
    page = _text(built / "alerts/index.html")
    active, silenced = page.split("Silenced¶ These alerts are silenced", 1)
    silenced, how = silenced.split("How to silence an alert¶", 1)

    assert "Revenue concentration" in active  # a rule reads as its label ...
    assert "Quarterly call moved to January" not in active
    assert "No recent check-in" in silenced
    assert "Quarterly call moved to January" in silenced
    assert "check-in-stale" not in active + silenced
    assert "check-in-stale" in how
    assert "revenue-concentration" in how  # ... its id only where it is typed


def test_risk_register_shows_concentration_dependency_red_flags_and_exposure(built: Path) -> None:
    html = (built / "risk/index.html").read_text(encoding="utf-8")
    page = _text(built / "risk/index.html")

    assert "Revenue concentration" in page
    assert "0.508" in page  # HHI of 9,000 and 7,000 of 16,000: 0.5625^2 + 0.4375^2
    assert "56.2%" in page
    assert "above 50.0%" in page
    assert "Late deliveries twice in October" in page
    assert "Stripe" in page
    assert "payments-eu" in page
    assert 'src="../assets/charts/' in html
    assert "Share of partner revenue" in html  # the chart's alt text


def test_calendar_file_is_published_and_linked(built: Path) -> None:
    calendar = icalendar.Calendar.from_ical((built / "partnerbook.ics").read_bytes())
    events = [c for c in calendar.walk("VEVENT")]

    assert events
    assert all(str(e["UID"]).endswith("@partnerbook") for e in events)
    assert 'href="../partnerbook.ics"' in (built / "alerts/index.html").read_text(encoding="utf-8")
