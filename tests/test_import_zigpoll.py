"""Zigpoll preset: CSAT and NPS groups on hand-made exports and on samples/zigpoll-easter-2026.csv."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import RunLine

from generator.ingest import zigpoll
from generator.ingest.model import ImportProblem, Request
from generator.records.imports import ImportSettings
from generator.records.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "zigpoll-easter-2026.csv"

PARTNERS = {
    "affiliates": {"utm_source": ["awin"], "discount_codes": ["AFF-*"]},
    "carrier": {"referrers": ["*carrier.example"]},
}


def settings(**survey: object) -> ImportSettings:
    return ImportSettings.model_validate({"partners": PARTNERS, "survey": survey})


def request(imports: ImportSettings | None = None, **extra: object) -> Request:
    base = Request("spring", date(2026, 3, 20), date(2026, 3, 31), "EUR", imports or settings(),
                   ("affiliates", "carrier"))
    return dataclasses.replace(base, **extra)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "responses.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = ("Response ID,Date,Discount Code,UTM Source,Referrer,"
          "How satisfied are you with your order?,How likely are you to recommend us to a friend?\n")


def test_groups_at_the_default_thresholds(tmp_path: Path) -> None:
    # satisfied: 4 and 5 of 5; promoters 9-10, passives 7-8, detractors 0-6 (each boundary once)
    text = HEADER + """r1,2026-03-20T10:00:00.000Z,,awin,,5,10 - Extremely likely
r2,2026-03-21T10:00:00.000Z,,AWIN,,4,9
r3,2026-03-22,AFF-SPRING,,,3,8
r4,2026-03-22,,,https://www.carrier.example/track?id=1,2,7
r5,2026-03-23,,,https://carrier.example/,1,6
r6,2026-03-24,,,https://carrier.example/,4,0 - Not at all likely
r7,2026-03-25,,google,,5,10
r8,2026-04-02,,awin,,5,10
"""
    result = zigpoll.extract(write(tmp_path, text), request())
    assert result.figures["affiliates"].survey == {"responses": 3, "satisfied": 2, "promoters": 2, "passives": 1,
                                                   "detractors": 0, "tool": "zigpoll"}
    assert result.figures["carrier"].survey == {"responses": 3, "satisfied": 1, "promoters": 0, "passives": 1,
                                                "detractors": 2, "tool": "zigpoll"}
    assert (result.unmatched_rows, result.outside_rows, result.rows) == (1, 1, 8)
    assert result.unmatched_examples == ("utm_source google",)


def test_thresholds_come_from_the_survey_scale(tmp_path: Path) -> None:
    text = HEADER + """r1,2026-03-20,,awin,,7,10
r2,2026-03-20,,awin,,6,8
r3,2026-03-20,,awin,,5,7
r4,2026-03-20,,awin,,1,5
"""
    scale = settings(satisfaction_max=7, satisfied=6, promoters=10, passives=6)
    survey = zigpoll.extract(write(tmp_path, text), request(scale)).figures["affiliates"].survey
    assert survey == {"responses": 4, "satisfied": 2, "promoters": 1, "passives": 2, "detractors": 1,
                      "tool": "zigpoll"}


def test_answer_outside_the_scale_names_row_and_column(tmp_path: Path) -> None:
    text = HEADER + "r1,2026-03-20,,awin,,5,10\nr2,2026-03-20,,awin,,6,10\n"
    with pytest.raises(ImportProblem, match="outside the scale 1-5") as caught:
        zigpoll.extract(write(tmp_path, text), request())
    assert (caught.value.row, caught.value.column) == (3, "How satisfied are you with your order?")


def test_text_answer_is_refused_and_labels_are_read(tmp_path: Path) -> None:
    good = HEADER + "r1,2026-03-20,,awin,,Very satisfied,★★★★★★★★★\nr2,2026-03-20,,awin,,Neutral,\n"
    survey = zigpoll.extract(write(tmp_path, good), request()).figures["affiliates"].survey
    assert survey == {"responses": 2, "satisfied": 1, "promoters": 1, "passives": 0, "detractors": 0,
                      "tool": "zigpoll"}
    bad = HEADER + "r1,2026-03-20,,awin,,5,maybe\n"
    with pytest.raises(ImportProblem, match="'maybe' is not a number") as caught:
        zigpoll.extract(write(tmp_path, bad), request())
    assert caught.value.row == 2


def test_questions_named_in_the_settings(tmp_path: Path) -> None:
    text = "Date,UTM Source,Q1 Rate us,Q2 Tell a friend?\n2026-03-20,awin,4,9\n2026-03-21,awin,2,3\n"
    with pytest.raises(ImportProblem, match="no NPS or satisfaction question") as caught:
        zigpoll.extract(write(tmp_path, text), request())
    assert "'Q1 Rate us', 'Q2 Tell a friend?'" in str(caught.value)
    named = settings(nps_question="q2 tell a friend?", satisfaction_question="Q1 Rate us")
    survey = zigpoll.extract(write(tmp_path, text), request(named)).figures["affiliates"].survey
    assert survey == {"responses": 2, "satisfied": 1, "promoters": 1, "passives": 0, "detractors": 1,
                      "tool": "zigpoll"}
    wrong = settings(nps_question="Would you recommend us?")
    with pytest.raises(ImportProblem, match="nps_question 'Would you recommend us\\?' is not one of the columns"):
        zigpoll.extract(write(tmp_path, text), request(wrong))


def test_two_candidate_nps_questions_ask_for_a_name(tmp_path: Path) -> None:
    text = "Date,How likely to recommend us?,How likely to recommend the courier?\n2026-03-20,9,3\n"
    with pytest.raises(ImportProblem, match=r"imports\.survey\.nps_question"):
        zigpoll.extract(write(tmp_path, text), request())


def test_one_row_per_answer_grouped_by_participant(tmp_path: Path) -> None:
    text = """Date,Participant Id,Slide,Response,UTM Source
2026-03-20,p1,How likely are you to recommend us?,10,awin
2026-03-20,p1,How satisfied are you?,5,awin
2026-03-21,p2,How likely are you to recommend us?,6,awin
2026-03-21,p2,What else?,nothing,awin
2026-03-22,p3,How satisfied are you?,2,
"""
    result = zigpoll.extract(write(tmp_path, text), request())
    assert result.figures["affiliates"].survey == {"responses": 2, "satisfied": 1, "promoters": 1, "passives": 0,
                                                   "detractors": 1, "tool": "zigpoll"}
    assert (result.unmatched_rows, result.unmatched_examples) == (1, ("(no attribution)",))
    assert any("not the satisfaction question" in note for note in result.notes)


def test_partner_option_and_missing_attribution(tmp_path: Path) -> None:
    text = "Date,How satisfied are you?\n2026-03-20,5\n2026-03-21,3\n"
    result = zigpoll.extract(write(tmp_path, text), request())
    assert (result.figures, result.unmatched_rows) == ({}, 2)
    assert any("--partner" in note for note in result.notes)
    forced = zigpoll.extract(write(tmp_path, text), request(partner="carrier"))
    assert forced.figures["carrier"].survey == {"responses": 2, "satisfied": 1, "tool": "zigpoll"}


def test_landing_page_utm_source_attributes(tmp_path: Path) -> None:
    text = "Date,Page URL,How satisfied are you?\n2026-03-20,https://shop.example/?utm_source=awin&x=1,5\n"
    assert zigpoll.extract(write(tmp_path, text), request()).figures["affiliates"].survey["responses"] == 1


def test_duplicated_response_id_and_bad_date(tmp_path: Path) -> None:
    text = HEADER + "r1,2026-03-20,,awin,,5,10\nr1,2026-03-20,,awin,,5,10\n"
    with pytest.raises(ImportProblem, match="appears twice") as caught:
        zigpoll.extract(write(tmp_path, text), request())
    assert (caught.value.row, caught.value.column) == (3, "Response ID")
    text = HEADER + "r1,20/03/2026,,awin,,5,10\n"
    with pytest.raises(ImportProblem, match="not a date") as caught:
        zigpoll.extract(write(tmp_path, text), request())
    assert (caught.value.row, caught.value.column) == (2, "Date")


def test_sample_reproduces_the_example_easter_surveys() -> None:
    """samples/zigpoll-easter-2026.csv against the surveys typed in campaigns/easter-2026.yaml."""
    example = Settings.model_validate(yaml.safe_load((ROOT / "partnerbook.yml").read_text(encoding="utf-8")))
    partners = tuple(sorted(p.name for p in (ROOT / "partners").iterdir()))
    result = zigpoll.extract(SAMPLE, request(example.imports, end=date(2026, 4, 6), partners=partners))
    surveys = {partner: figures.survey for partner, figures in result.figures.items()}

    def survey(responses: int, satisfied: int, promoters: int, passives: int, detractors: int) -> dict:
        return {"responses": responses, "satisfied": satisfied, "promoters": promoters, "passives": passives,
                "detractors": detractors, "tool": "zigpoll"}

    assert surveys == {
        "rete-artigiana-affiliates": survey(180, 152, 98, 54, 28),
        "casa-di-marta": survey(64, 49, 30, 20, 14),
        "kiln-packaging": survey(150, 133, 102, 36, 12),
        "corriere-rapido": survey(120, 98, 61, 38, 21),
        "pagamenti-sicuri": survey(110, 92, 64, 33, 13),
    }
    # 12 responses from google, newsletter, pinterest or nowhere; 5 answered on 2026-04-09
    assert (result.unmatched_rows, result.outside_rows) == (12, 5)


def test_cli_import_writes_the_survey_back_and_validates(tmp_path: Path, run_line: RunLine) -> None:
    root = tmp_path / "example"
    root.mkdir()
    for name in ("partners", "campaigns"):
        shutil.copytree(ROOT / name, root / name)
    for name in ("partnerbook.yml", "mkdocs.yml"):
        shutil.copyfile(ROOT / name, root / name)
    record = root / "campaigns" / "easter-2026.yaml"
    line = "    survey: {tool: zigpoll, responses: 64, satisfied: 49, promoters: 30, passives: 20, detractors: 14}\n"
    original = record.read_text(encoding="utf-8")
    assert line in original
    record.write_text(original.replace(line, ""), encoding="utf-8")
    dry = run_line(f"partnerbook import zigpoll {SAMPLE} --campaign easter-2026 --dry-run --root {root}")
    assert dry.exit_code == 0, dry.output
    assert "12 rows matched no partner" in dry.output
    assert "(discount_codes, utm_source, campaign, referrers)" in " ".join(dry.output.split())
    assert record.read_text(encoding="utf-8") == original.replace(line, "")
    result = run_line(f"partnerbook import zigpoll {SAMPLE} --campaign easter-2026 --root {root}")
    assert result.exit_code == 0, result.output
    written = yaml.safe_load(record.read_text(encoding="utf-8"))
    casa = next(entry for entry in written["results"] if entry["partner"] == "casa-di-marta")
    assert casa["survey"] == {"tool": "zigpoll", "responses": 64, "satisfied": 49, "promoters": 30, "passives": 20,
                              "detractors": 14}
    assert record.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../schemas/campaign")
    assert run_line(f"partnerbook validate --root {root}").exit_code == 0
