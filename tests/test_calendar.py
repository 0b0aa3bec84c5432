"""`partnerbook calendar`: an iCalendar file a real parser (icalendar) reads, deterministic and well escaped."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from conftest import TODAY, RunLine

from generator.cli import main
from generator.site.ical import CalendarEvent, escape_text, fold, render_calendar

STRIPE = "partners/stripe-payments/partner.yaml"


def events_of(path: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_calendar_of_the_base_portfolio(base_portfolio: Path, run_line: RunLine, tmp_path: Path) -> None:
    output = tmp_path / "out" / "deadlines.ics"

    result = run_line(f"partnerbook calendar --root {base_portfolio} --today {TODAY} -o {output}")

    assert result.exit_code == 0
    assert result.output == f"wrote {output}: 10 events\n"
    events = events_of(output)
    summaries = {uid: (str(e["SUMMARY"]), e.decoded("DTSTART")) for uid, e in events.items()}
    assert summaries == {
        "notice.shopcloud.platform-2026@partnerbook":
            ("Notice deadline: Platform subscription and support (ShopCloud)", date(2027, 12, 2)),
        "end.shopcloud.platform-2026@partnerbook":
            ("Contract ends: Platform subscription and support (ShopCloud)", date(2028, 1, 31)),
        "end.kiln-packaging.supply-2026@partnerbook":
            ("Contract ends: Packaging supply agreement (Kiln Packaging)", date(2027, 12, 31)),
        "notice.stripe-payments.payments-2026@partnerbook":
            ("Notice deadline: Payment processing agreement (Stripe Payments)", date(2027, 10, 16)),
        "renewal.stripe-payments.payments-2026@partnerbook":
            ("Auto-renewal: Payment processing agreement (Stripe Payments)", date(2028, 1, 14)),
        "expiry.shopcloud.dpa.2026-02-01@partnerbook":
            ("Expires: Data processing agreement (ShopCloud)", date(2028, 1, 31)),
        "expiry.stripe-payments.pci-dss-aoc.2026-06-01@partnerbook":
            ("Expires: PCI DSS attestation of compliance (Stripe Payments)", date(2027, 5, 31)),
        "expiry.stripe-payments.dpa.2026-01-10@partnerbook":
            ("Expires: Data processing agreement (Stripe Payments)", date(2028, 1, 9)),
        "expiry.zigpoll-surveys.dpa.2026-03-01@partnerbook":
            ("Expires: Data processing agreement (Zigpoll Surveys)", date(2027, 12, 31)),
        "review.stripe-payments@partnerbook": ("Partnership review: Stripe Payments", date(2027, 1, 13)),
    }
    for event in events.values():
        assert event.decoded("DTEND") == event.decoded("DTSTART") + timedelta(days=1)
        assert event.decoded("DTSTAMP").isoformat() == "2026-11-24T00:00:00+00:00"
        assert "Record: partners/" in str(event["DESCRIPTION"])


def test_calendar_is_deterministic_and_follows_today(base_portfolio: Path, run_line: RunLine,
                                                      tmp_path: Path) -> None:
    first, second, later = tmp_path / "a.ics", tmp_path / "b.ics", tmp_path / "c.ics"
    run_line(f"partnerbook calendar --root {base_portfolio} --today {TODAY} -o {first}")
    run_line(f"partnerbook calendar --root {base_portfolio} --today {TODAY} -o {second}")
    run_line(f"partnerbook calendar --root {base_portfolio} --today 2026-12-01 -o {later}")

    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().replace(b"DTSTAMP:20261124", b"DTSTAMP:20261201") == later.read_bytes()


def test_calendar_default_file_and_reviews(base_portfolio: Path, run_line: RunLine, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    contract = base_portfolio / "partners/kiln-packaging/contracts/supply-2026.yaml"
    contract.write_text(contract.read_text(encoding="utf-8") + "review:\n  every_months: 6\n  last: 2026-08-31\n",
                        encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    result = run_line(f"partnerbook calendar --root {base_portfolio} --today {TODAY}")

    assert result.output == "wrote partnerbook.ics: 11 events\n"
    event = events_of(tmp_path / "partnerbook.ics")["contract-review.kiln-packaging.supply-2026@partnerbook"]
    assert event.decoded("DTSTART") == date(2027, 2, 28)  # 31 August plus six months
    assert str(event["SUMMARY"]) == "Contract review: Packaging supply agreement (Kiln Packaging)"


def test_offboarded_partners_have_no_events(base_portfolio: Path, run_line: RunLine, tmp_path: Path) -> None:
    profile = base_portfolio / STRIPE
    profile.write_text(profile.read_text(encoding="utf-8").replace("status: active", "status: offboarded"),
                       encoding="utf-8")
    output = tmp_path / "x.ics"

    run_line(f"partnerbook calendar --root {base_portfolio} --today {TODAY} -o {output}")

    assert not [uid for uid in events_of(output) if "stripe-payments" in uid]


def test_text_is_escaped_and_lines_folded_at_75_octets() -> None:
    title = "Vertrag: Verpackung, Kartons; Einsätze für Teller\nund Schalen — Große Lieferung " * 2
    event = CalendarEvent("x@partnerbook", date(2027, 1, 31), title, "a\\b, c; d\r\ne", "contract end")

    text = render_calendar([event], date(2026, 11, 24), "Bottega, partnerships")

    raw = text.encode("utf-8")
    assert raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert "\n" not in text.replace("\r\n", "")
    assert "DESCRIPTION:a\\\\b\\, c\\; d\\ne\r\n" in text
    assert "X-WR-CALNAME:Bottega\\, partnerships\r\n" in text
    [parsed] = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert str(parsed["SUMMARY"]) == title
    assert str(parsed["DESCRIPTION"]) == "a\\b, c; d\ne"


def test_fold_never_splits_a_character() -> None:
    line = "SUMMARY:" + "é" * 100

    folded = fold(line).encode("utf-8").split(b"\r\n")

    # 8 + 33 x 2 = 74 octets: a 2-octet character would cross 75; then a space and 37 characters, then 30.
    assert [len(chunk) for chunk in folded] == [74, 75, 61]
    assert all(chunk.decode("utf-8") for chunk in folded)
    assert fold(line).replace("\r\n ", "") == line
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_calendar_stops_on_records_it_cannot_read(base_portfolio: Path, run_line: RunLine,
                                                  tmp_path: Path) -> None:
    profile = base_portfolio / STRIPE
    profile.write_text(profile.read_text(encoding="utf-8").replace("status: active", "status: activ"),
                       encoding="utf-8")

    with pytest.raises(SystemExit) as stopped:
        main(["calendar", "--root", str(base_portfolio), "--today", TODAY, "-o", str(tmp_path / "x.ics")])

    assert stopped.value.code == 1
    assert not (tmp_path / "x.ics").exists()


def test_calendar_help_has_an_example(run_line: RunLine) -> None:
    result = run_line("partnerbook calendar --help")

    assert result.exit_code == 0
    assert "partnerbook calendar --today 2026-11-25 -o site/partnerbook.ics" in result.output
