"""Links and emails are checked by parsing them: a hostile value is a finding at its line, never a value.

The hostile values below passed `validate` before and broke out of the ``href`` attribute on the site.
"""

from __future__ import annotations

import pytest

from generator.checks.typing import to_record
from generator.load.loader import load_bytes
from generator.problems import Problem
from generator.records import Partner

HEAD = "name: Kiln\ncategory: supplier\nstatus: active\nowner: ops\n"


def _check(tail: str) -> list[Problem]:
    doc, problems = load_bytes((HEAD + tail).encode(), "partners/kiln/partner.yaml")
    assert doc is not None, problems
    _, found = to_record(doc, Partner)
    return found


def _evidence(url: str) -> list[Problem]:
    quoted = url.replace("\\", "\\\\").replace('"', '\\"')
    return _check(f'compliance:\n  - type: dpa\n    status: valid\n    evidence: "{quoted}"\n')


def _email(address: str) -> list[Problem]:
    quoted = address.replace("\\", "\\\\").replace('"', '\\"')
    return _check(f'contacts:\n  - name: Ann\n    email: "{quoted}"\n')


@pytest.mark.parametrize(
    "url",
    [
        "https://x.com/\"onmouseover=\"alert(1)",
        "https://x.com/)[x](javascript:alert(1))",
        "https://x.com/'onmouseover='alert(1)",
        "https://x.com/<script>alert(1)</script>",
        "https://x.com/a b",
        "https://x.com/\\evil",
        "https://x.com/`x`",
        "https://x.com/\u202egnp.exe",
        "https://x.com/\tx",
        "https://x.com/%zz",
        "https://x.com/(unbalanced",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "https://",
        "https:///path-only",
        "http:x.com",
        "https://exa mple.com/",
        "https://-bad-.com/",
        "https://x.com:99999/",
        "mailto:a@b.co](javascript:alert(1))",
        "mailto:not-an-address",
        "/etc/passwd",
        "../../outside.pdf",
        "docs/../../outside.pdf",
        "C:\\secrets\\aoc.pdf",
        "docs/\"onmouseover=\"x.pdf",
        "docs/[x](javascript:alert(1)).pdf",
    ],
)
def test_a_hostile_evidence_link_is_unsafe_url_at_its_line(url: str) -> None:
    found = _evidence(url)

    assert [(p.rule, p.line, p.column) for p in found] == [("unsafe-url", 8, 15)], found
    assert all(p.message.isprintable() and p.hint.isprintable() for p in found)


@pytest.mark.parametrize(
    "url",
    ["https://user:hunter2@files.example.com/aoc.pdf", "https://ghp_abcdefghijklmnop@github.com/org/repo",
     "http://admin:admin@10.0.0.1/"],
)
def test_credentials_in_a_link_are_refused_with_a_hint(url: str) -> None:
    found = _evidence(url)

    assert [p.rule for p in found] == ["unsafe-url"]
    assert "user name or password" in found[0].message
    assert "credentials" in found[0].hint
    assert "hunter2" not in found[0].hint


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com",
        "https://example.com/",
        "http://files.example.com:8443/compliance/aoc%202026.pdf?version=2&x=y#page=3",
        "https://en.wikipedia.org/wiki/Payment_Card_Industry_(PCI)",
        "https://bücher.example/agb",
        "https://xn--bcher-kva.example/agb",
        "https://[2001:db8::1]/aoc.pdf",
        "https://192.0.2.10/aoc.pdf",
        "mailto:compliance@kiln.example.com",
        "mailto:compliance@kiln.example.com?subject=AOC",
        "docs/pci-aoc-2026.pdf",
        "docs/PCI AOC 2026.pdf",
        "partners/kiln/dpa.pdf",
    ],
)
def test_a_plain_link_or_repository_path_is_accepted(url: str) -> None:
    assert _evidence(url) == []


@pytest.mark.parametrize(
    "address",
    [
        "a@b.co](javascript:alert(1))",
        "a@b.co\"onmouseover=\"alert(1)",
        "luca at kiln.example",
        "\"a b\"@example.com",
        "Ann <ann@example.com>",
        "ann@example.com (Ann)",
        "ann@@example.com",
        "ann@example",
        "ann@[192.0.2.1]",
        "ann@exa mple.com",
        "ann@example.com\u202e",
        "ann@example.com\nX: y",
        "ann@localhost",
        "<script>@example.com",
    ],
)
def test_a_hostile_or_broken_email_is_invalid_email_at_its_line(address: str) -> None:
    found = _email(address)

    assert [(p.rule, p.line, p.column) for p in found] == [("invalid-email", 7, 12)], found
    assert all(p.message.isprintable() for p in found)


@pytest.mark.parametrize("address", ["ann@example.com", "Maria.Rossi+pb@kiln.example.com", "ann@bücher.example.org",
                                     "o'brien@example.ie"])
def test_a_real_email_is_accepted(address: str) -> None:
    assert _email(address) == []
