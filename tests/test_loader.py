"""The load stage: YAML 1.2 values with 1-based positions, and clear refusals of unsafe or broken files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from generator.load.document import Document
from generator.load.loader import load_bytes, load_file
from generator.problems import Problem, Severity

PROFILE = b"""\
name: Kiln Packaging
regions: [NO, IT]
contacts:
  - name: Maria
    phone: 010 1234
notes: |
  first line
  second line
"""


def load(data: bytes) -> Document:
    doc, problems = load_bytes(data, "partner.yaml")
    assert problems == []
    assert doc is not None
    return doc


def refusal(data: bytes) -> list[tuple[int | None, int | None, str, str]]:
    doc, problems = load_bytes(data, "partner.yaml")
    assert doc is None
    return [(p.line, p.column, p.rule, p.message) for p in problems]


def value(text: str) -> object:
    return load(f"v: {text}\n".encode()).data["v"]


# Positions


def test_keys_and_values_have_one_based_positions() -> None:
    doc = load(PROFILE)

    assert doc.keys[("name",)] == (1, 1)
    assert doc.values[("name",)] == (1, 7)
    assert doc.values[("regions", 0)] == (2, 11)
    assert doc.values[("regions", 1)] == (2, 15)
    assert doc.keys[("contacts", 0, "phone")] == (5, 5)
    assert doc.values[("contacts", 0, "phone")] == (5, 12)


def test_a_literal_block_starts_on_its_first_text_line() -> None:
    doc = load(PROFILE)

    assert doc.keys[("notes",)] == (6, 1)
    assert doc.where(("notes",)) == (7, 3)
    assert doc.where_in_text(("notes",), len("first line\nsec")) == (8, 3)


def test_where_falls_back_to_the_nearest_known_parent() -> None:
    doc = load(PROFILE)

    assert doc.where(("contacts", 0, "email")) == (4, 5)
    assert doc.where(("contacts", 0, "phone"), key=True) == (5, 5)
    assert doc.where(("owner",)) == (1, 1)


def test_a_problem_names_path_line_and_column() -> None:
    doc = load(PROFILE)

    problem = doc.problem(("regions", 1), "invalid-value", "IT is not served", "remove it")

    assert problem == Problem("partner.yaml", 2, 15, "invalid-value", Severity.ERROR, "IT is not served", "remove it")
    assert problem.location() == "partner.yaml:2:15"


def test_positions_survive_windows_line_endings_and_a_bom() -> None:
    doc = load(b"\xef\xbb\xbfname: Kiln\r\nregions:\r\n  - IT\r\n")

    assert doc.data == {"name": "Kiln", "regions": ["IT"]}
    assert doc.values[("regions", 0)] == (3, 5)


# YAML 1.2 scalars: what you see is what you get


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("NO", "NO", id="norway-is-not-false"),
        pytest.param("yes", "yes", id="yes-is-text"),
        pytest.param("off", "off", id="off-is-text"),
        pytest.param("12:30", "12:30", id="sexagesimal-is-text"),
        pytest.param("2026-01-01", "2026-01-01", id="dates-stay-text"),
        pytest.param("010 1234", "010 1234", id="phone-number"),
        pytest.param('"123"', "123", id="quoted-number-is-text"),
        pytest.param("'true'", "true", id="quoted-bool-is-text"),
        pytest.param("1_000", "1_000", id="underscores-are-text"),
        pytest.param("true", True, id="true"),
        pytest.param("False", False, id="false"),
        pytest.param("~", None, id="tilde-null"),
        pytest.param("null", None, id="null"),
        pytest.param("", None, id="empty-is-null"),
    ],
)
def test_scalars_follow_yaml_1_2(text: str, expected: object) -> None:
    assert value(text) == expected
    assert type(value(text)) is type(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("010", 10), ("0150", 150), ("-3", -3), ("+4", 4), ("1.5", 1.5), ("1e3", 1000.0), (".5", 0.5)],
)
def test_numbers_are_decimal_and_keep_their_text(text: str, expected: float) -> None:
    number = value(text)

    assert number == expected
    assert getattr(number, "raw") == text  # noqa: B009 - raw is set on the instance, not declared on int


def test_special_floats_are_numbers() -> None:
    assert value(".inf") == math.inf
    assert value("-.Inf") == -math.inf
    assert math.isnan(value(".nan"))  # type: ignore[arg-type]


# Encodings


def test_utf8_with_bom_is_accepted() -> None:
    assert load("\ufeffname: Caffè Ceramiche\n".encode()).data == {"name": "Caffè Ceramiche"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused(encoding: str) -> None:
    data = "\ufeffname: Kiln\n".encode(encoding)

    assert refusal(data) == [(1, 1, "yaml-encoding", "file is UTF-16, not UTF-8")]


def test_invalid_utf8_names_the_byte_and_where_it_is() -> None:
    assert refusal(b"name: Kiln\nnotes: Caf\xe9\n") == [(2, 11, "yaml-encoding", "invalid UTF-8 byte 0xe9")]


def test_control_characters_are_refused() -> None:
    assert refusal(b"name: Kiln\x07\n") == [
        (1, 11, "yaml-encoding", "character U+0007 is not allowed in YAML (control characters are not allowed)"),
    ]


# Structure


def test_duplicate_key_names_both_lines() -> None:
    data = b"name: Kiln\nstatus: active\nregions: [IT]\nstatus: paused\n"

    doc, problems = load_bytes(data, "partner.yaml")

    assert doc is None
    assert problems == [Problem(
        "partner.yaml", 4, 1, "yaml-duplicate-key", Severity.ERROR,
        "duplicate key 'status' (first defined on line 2)", "keep one 'status:' and delete the other",
    )]


def test_duplicate_keys_are_found_in_nested_and_flow_mappings() -> None:
    assert refusal(b"a:\n  b: 1\n  b:\n    c: 2\n") == [
        (3, 3, "yaml-duplicate-key", "duplicate key 'b' (first defined on line 2)"),
    ]
    assert refusal(b"a: {b: 1, b: 2}\n") == [
        (1, 11, "yaml-duplicate-key", "duplicate key 'b' (first defined on line 1)"),
    ]


def test_every_duplicate_in_a_file_is_reported() -> None:
    rules = [rule for _, _, rule, _ in refusal(b"a: 1\na: 2\nb: 1\nb: 2\n")]

    assert rules == ["yaml-duplicate-key", "yaml-duplicate-key"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"", (1, 1, "yaml-empty", "file is empty"), id="empty"),
        pytest.param(b"  \n\n", (1, 1, "yaml-empty", "file is empty"), id="blank"),
        pytest.param(b"# only a comment\n", (1, 1, "yaml-empty",
                     "file holds no record (only comments or an empty document)"), id="comment"),
        pytest.param(b"- a\n- b\n", (1, 1, "yaml-not-mapping", "the top of the file is a list, not a mapping"),
                     id="list"),
        pytest.param(b"just text\n", (1, 1, "yaml-not-mapping",
                     "the top of the file is a single value, not a mapping"), id="scalar"),
        pytest.param(b"a: 1\n---\nb: 2\n", (2, 1, "yaml-multiple-documents",
                     "the file holds more than one YAML document"), id="two-documents"),
        pytest.param(b"a:\n\t- x\n", (2, 1, "yaml-tab", "tab character where YAML expects spaces"), id="tab"),
        pytest.param(b"? [a]\n: b\n", (1, 3, "yaml-complex-key", "a mapping key must be plain text"),
                     id="complex-key"),
        pytest.param(b"a: b: c\n", (1, 5, "yaml-syntax",
                     "YAML syntax error: mapping values are not allowed in this context"), id="syntax"),
    ],
)
def test_broken_files_get_one_clear_problem(data: bytes, expected: tuple[int, int, str, str]) -> None:
    assert refusal(data) == [expected]


def test_a_tab_inside_a_value_is_fine() -> None:
    assert load(b"name:\tKiln\tPackaging\n").data == {"name": "Kiln\tPackaging"}


def test_an_explicit_document_marker_is_fine() -> None:
    assert load(b"---\nname: Kiln\n...\n").data == {"name": "Kiln"}


# Nothing is ever constructed or expanded


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    data = f'name: !!python/object/apply:os.system ["touch {marker}"]\n'.encode()

    assert refusal(data) == [
        (1, 7, "yaml-tag", "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ]
    assert not marker.exists()


def test_local_tags_are_refused() -> None:
    assert refusal(b"category: !supplier supplier\n") == [(1, 11, "yaml-tag", "tag '!supplier' is not allowed")]


def test_anchors_aliases_and_merge_keys_are_refused() -> None:
    data = b"base: &b {personal_data: true}\ndata_access:\n  <<: *b\n"

    assert refusal(data) == [
        (1, 7, "yaml-anchor", "anchor '&b' is not allowed"),
        (3, 3, "yaml-merge-key", "merge keys ('<<') are not allowed"),
        (3, 7, "yaml-alias", "alias '*b' is not allowed"),
    ]


def test_a_billion_laughs_is_not_expanded() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    data = ("\n".join(lines) + "\n").encode()

    problems = refusal(data)

    assert len(problems) == 9 + 8 * 9  # one per anchor and one per alias, as written: nothing grows
    assert {rule for _, _, rule, _ in problems} == {"yaml-anchor", "yaml-alias"}


# Files


def test_load_file_names_the_display_path(tmp_path: Path) -> None:
    path = tmp_path / "partner.yaml"
    path.write_bytes(b"name: Kiln\nname: Kiln\n")

    _, problems = load_file(path, "partners/kiln/partner.yaml")

    assert [p.location() for p in problems] == ["partners/kiln/partner.yaml:2:1"]


def test_an_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "partner.yaml"
    folder.mkdir()

    doc, problems = load_file(folder, "partners/kiln/partner.yaml")

    assert doc is None
    assert [(p.file, p.line, p.rule) for p in problems] == [("partners/kiln/partner.yaml", None, "file-unreadable")]
    assert problems[0].message.startswith("cannot read file: ")


def test_records_given_the_same_fields_share_one_set_of_their_names() -> None:
    """Memory: one fields set per combination, not per record; a copy with changes gets its own."""
    from generator.records.partner import Contact

    a = Contact.model_validate({"name": "Ada", "email": "ada@example.com"})
    b = Contact.model_validate({"name": "Bea", "email": "bea@example.com"})
    c = Contact.model_validate({"name": "Cy"})
    assert a.model_fields_set == {"name", "email"}
    assert a.__pydantic_fields_set__ is b.__pydantic_fields_set__
    assert c.model_fields_set == {"name"}

    d = a.model_copy(update={"role": "buyer"})
    assert d.model_fields_set == {"name", "email", "role"}
    assert b.model_fields_set == {"name", "email"}, "the shared set is never changed in place"
    assert Contact.model_validate({"name": "Di", "email": "di@example.com"}).model_fields_set == {"name", "email"}
    with pytest.raises(ValueError, match="frozen"):
        a.role = "x"  # type: ignore[misc]


def test_short_strings_read_from_yaml_are_one_object_per_value() -> None:
    first, _ = load_bytes(b"status: active\ncurrency: EUR\n", "a.yaml")
    second, _ = load_bytes(b"status: active\ncurrency: EUR\n", "b.yaml")
    assert first is not None
    assert second is not None
    assert first.data["status"] is second.data["status"]
    assert first.data["status"] == "active"
