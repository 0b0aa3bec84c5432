"""The secrets scan: API keys, credentials, passwords, card numbers and IBANs in any key or value.

Each row is a record as a person writes it; the finding must name the rule, the line and the
column where the secret starts in the text as written (after full-width digits, zero-width
characters and other separators are normalised away), and never repeat the secret.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, RunLine
from hypothesis import given
from hypothesis import strategies as st

from generator.checks import secrets
from generator.load.loader import load_bytes

# Fake keys, built from parts so that they are obviously not real.
GHP = "ghp_" + "A1b2C3d4E5" * 3 + "F6g7H8"
GITHUB_PAT = "github_pat_" + "11ABCDEFG0" * 3
AWS = "AKIA" + "IOSFODNN7EXAMPLE"
STRIPE = "sk_live_" + "51HqLyjWDarjtT1zdp7dcXYZ"
SLACK = "xoxb-123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_HOOK = "https://hooks.slack.com/services/T00000000/B00000000/" + "XXXXXXXXXXXXXXXXXXXXXXXX"
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
       "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")
GOOGLE = "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"
SENDGRID = "SG." + "abcdefghijABCDEFGHIJ12" + "." + "abcdefghijABCDEFGHIJ1234567890abcdefghijKLM"
TWILIO = "AC" + "0123456789abcdef" * 2
OPENAI = "sk-" + "abcdefghij0123456789" + "T3BlbkFJ" + "ABCDEFGHIJ0123456789"
GITLAB = "glpat-" + "abcdEFGH1234ijklMNOP"
PYPI = "pypi-AgEIcHlwaS5vcmc" + "Ab1_" * 18
SQUARE = "sq0csp-" + "A1b2C3d4E5" * 4 + "F6g"
TELEGRAM = "123456789:" + "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
MAILCHIMP = "0123456789abcdef" * 2 + "-us12"
NPM = "npm_" + "i8RDeWguzDBGwBnMxaOSc2mlADxVxz6mMkgG"
AWS_SECRET = "uYCl0Xq56zaWR7PAmpBFXlNPHcSke4R1J" + "/dBi2ew"
AWS_SESSION = "IQoJb3JpZ2luX2VjEJr" + "//////////wEaCXVzLWVhc3QtMSJHMEUCIQD" + "a1B2c3D4e5F6g7H8" * 4
WHSEC = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def findings(yaml_text: str) -> list[tuple[str, int, int, str]]:
    doc, problems = load_bytes(yaml_text.encode("utf-8"), "partner.yaml")
    assert doc is not None, problems
    return [(p.rule, p.line, p.column, f"{p.message} {p.hint}") for p in secrets.scan(doc)]


def note(text: str) -> str:
    """``text`` as the only line of a '|' block: it starts at line 3, column 3."""
    return f"name: Kiln\nnotes: |\n  {text}\n"


# (id, text, rule, where the finding starts: the first occurrence of this part of text)
POSITIVE = [
    # card numbers: every separator, invisible character and digit script
    ("card-spaces", "Card used: 4111 1111 1111 1111, exp 12/28", "card-number", "4111"),
    ("card-dots", "carta 4111.1111.1111.1111", "card-number", "4111"),
    ("card-nbsp", "card 4111\u00a01111\u00a01111\u00a01111", "card-number", "4111"),
    ("card-narrow-nbsp", "card 4111\u202f1111\u202f1111\u202f1111", "card-number", "4111"),
    ("card-zero-width-space", "card 4111\u200b1111\u200b1111\u200b1111", "card-number", "4111"),
    ("card-zero-width-joiner", "card 41\u200d11111111111111", "card-number", "41"),
    ("card-word-joiner-bom", "card 4111\u20601111\ufeff1111\u20601111", "card-number", "4111"),
    ("card-soft-hyphen", "card 4111\u00ad1111\u00ad1111\u00ad1111", "card-number", "4111"),
    ("card-full-width", "カード ４１１１ １１１１ １１１１ １１１１", "card-number", "４"),
    ("card-full-width-ideographic-space", "卡 ４１１１\u3000１１１１\u3000１１１１\u3000１１１１", "card-number", "４"),
    ("card-arabic-indic", "بطاقة ٤١١١ ١١١١ ١١١١ ١١١١", "card-number", "٤"),
    ("card-persian", "کارت ۴۱۱۱ ۱۱۱۱ ۱۱۱۱ ۱۱۱۱", "card-number", "۴"),
    ("card-devanagari", "कार्ड ४१११ ११११ ११११ ११११", "card-number", "४"),
    ("card-full-width-hyphen", "Karte 5500－0000－0000－0004", "card-number", "5500"),
    ("card-em-dash", "tarjeta 5500—0000—0000—0004", "card-number", "5500"),
    ("card-slashes", "card 5500/0000/0000/0004", "card-number", "5500"),
    ("card-underscores", "card 4111_1111_1111_1111", "card-number", "4111"),
    ("card-spaced-dashes", "card 4111 - 1111 - 1111 - 1111", "card-number", "4111"),
    ("card-amex-4-6-5", "Amex 3782 822463 10005", "card-number", "3782"),
    ("card-with-expiry-digits", "card 4111 1111 1111 1111 12/27", "card-number", "4111"),
    ("card-after-a-reference", "ref 12 4111 1111 1111 1111", "card-number", "4111"),
    ("card-unbroken", "card:4111111111111111", "card-number", "4111"),
    # card numbers: any punctuation or symbol between the groups (at most 3 characters)
    ("card-commas", "card 4111,1111,1111,1111", "card-number", "4111"),
    ("card-pluses", "card 4111+1111+1111+1111", "card-number", "4111"),
    ("card-colons", "card 4111:1111:1111:1111", "card-number", "4111"),
    ("card-pipes", "card 4111 | 1111 | 1111 | 1111", "card-number", "4111"),
    ("card-stars", "card 4111*1111*1111*1111", "card-number", "4111"),
    ("card-tildes", "card 4111~1111~1111~1111", "card-number", "4111"),
    ("card-semicolons", "card 5500;0000;0000;0004", "card-number", "5500"),
    ("card-first-group-in-parentheses", "card (4111) 1111 1111 1111", "card-number", "4111"),
    ("card-brackets", "card [4111] [1111] [1111] [1111]", "card-number", "4111"),
    ("card-arrows", "card 4111→1111→1111→1111", "card-number", "4111"),
    ("card-full-width-commas", "card ４１１１，１１１１，１１１１，１１１１", "card-number", "４"),
    ("card-corner-brackets", "卡 「4111」「1111」「1111」「1111」", "card-number", "4111"),
    ("card-amex-colons", "Amex 3782:822463:10005", "card-number", "3782"),
    # IBANs: any case, any separator
    ("iban-lower-case", "Pay to it60 x054 2811 1010 0000 0123 456 now", "iban", "it60"),
    ("iban-hyphens", "IBAN IT60-X054-2811-1010-0000-0123-456", "iban", "IT60"),
    ("iban-lower-hyphens", "iban it60-x054-2811-1010-0000-0123-456", "iban", "it60"),
    ("iban-dots", "IBAN: DE89.3704.0044.0532.0130.00.", "iban", "DE89"),
    ("iban-unbroken", "Konto DE89370400440532013000", "iban", "DE89"),
    ("iban-mixed-case", "Gb82 West 1234 5698 7654 32", "iban", "Gb82"),
    ("iban-zero-width", "IBAN GB82\u200bWEST\u200b1234\u200b5698\u200b7654\u200b32", "iban", "GB82"),
    ("iban-full-width", "ＩＢＡＮ ＧＢ８２ ＷＥＳＴ １２３４ ５６９８ ７６５４ ３２", "iban", "Ｇ"),
    ("iban-colons", "IBAN DE89:3704:0044:0532:0130:00", "iban", "DE89"),
    ("iban-commas", "IBAN DE89,3704,0044,0532,0130,00", "iban", "DE89"),
    ("iban-pipes", "IBAN DE89 | 3704 | 0044 | 0532 | 0130 | 00", "iban", "DE89"),
    ("iban-lower-colons", "iban gb82:west:1234:5698:7654:32", "iban", "gb82"),
    # percent-encoded in a link
    ("card-percent-spaces", "https://drive.example.it/4111%201111%201111%201111.pdf", "card-number", "4111"),
    ("card-percent-encoded", "https://drive.example.it/" + "".join(f"%{ord(c):02X}" for c in "4111 1111 1111 1111")
     + ".pdf", "card-number", "%34"),
    ("card-percent-twice", "see https://drive.example.it/f?n=4111%25201111%25201111%25201111", "card-number", "4111"),
    ("card-form-encoded", "sent card=4111%2D1111%2D1111%2D1111&exp=1228", "card-number", "4111"),
    ("iban-percent-encoded", "https://pay.example.com/?to=DE89%203704%200044%200532%200130%2000", "iban", "DE89"),
    ("iban-percent-encoded-colons", "https://pay.example.com/DE89%3A3704%3A0044%3A0532%3A0130%3A00", "iban", "DE89"),
    ("github-token-percent-encoded", "https://ci.example.com/hook/ghp%5F" + GHP[4:], "secret", "ghp%5F"),
    # API keys and tokens (detect-secrets plugins, and formats it lacks)
    ("github-token", f"token {GHP}", "secret", GHP),
    ("github-fine-grained", f"use {GITHUB_PAT}", "secret", GITHUB_PAT),
    ("aws-access-key", f"key {AWS} in the shared drive", "secret", AWS),
    ("stripe-live-key", f"card; test with {STRIPE}abc", "secret", STRIPE),
    ("slack-token", f"bot {SLACK}", "secret", SLACK),
    ("slack-webhook", f"alerts go to {SLACK_HOOK}", "secret", SLACK_HOOK),
    ("jwt", f"Authorization header {JWT}", "secret", JWT),
    ("private-key", "-----BEGIN RSA PRIVATE KEY-----", "secret", "-----BEGIN"),
    ("google-api-key", f"maps {GOOGLE}", "secret", GOOGLE),
    ("sendgrid", f"mail {SENDGRID}", "secret", SENDGRID),
    ("twilio", f"sms {TWILIO}", "secret", TWILIO),
    ("npm-token", "//registry.npmjs.org/:_authToken=npm_" + "a1B2" * 9, "secret", "npm_"),
    ("openai", f"llm {OPENAI}", "secret", OPENAI),
    ("gitlab", f"ci {GITLAB}", "secret", GITLAB),
    ("gitlab-feed-token", "feed glft-" + "abcdEFGH1234ijklMNOP", "secret", "glft-"),
    ("pypi", f"upload {PYPI}", "secret", PYPI),
    ("square-oauth", f"pos {SQUARE}", "secret", SQUARE),
    ("telegram-bot", f"bot {TELEGRAM}", "secret", TELEGRAM),
    ("mailchimp", f"newsletter {MAILCHIMP}", "secret", MAILCHIMP),
    ("npm-token-bare", f"publish with {NPM}", "secret", NPM),
    ("npm-token-env", f"NPM_TOKEN={NPM}", "secret", NPM),
    ("aws-secret-spaces", f"aws_secret_access_key = {AWS_SECRET}", "secret", AWS_SECRET),
    ("aws-secret-no-spaces", f"aws_secret_access_key={AWS_SECRET}", "secret", AWS_SECRET),
    ("aws-secret-colon", f"aws_secret_access_key: {AWS_SECRET}", "secret", AWS_SECRET),
    ("aws-secret-env", f"export AWS_SECRET_ACCESS_KEY={AWS_SECRET}", "secret", AWS_SECRET),
    ("aws-session-token", f"aws_session_token = {AWS_SESSION}", "secret", AWS_SESSION),
    ("aws-session-token-colon", f"aws_session_token:{AWS_SESSION}", "secret", AWS_SESSION),
    ("stripe-webhook-secret", f"endpoint {WHSEC}", "secret", WHSEC),
    ("github-token-full-width", "token ｇｈｐ＿" + "Ａ１ｂ２Ｃ３ｄ４Ｅ５" * 3 + "Ｆ６ｇ７Ｈ８", "secret", "ｇｈｐ"),
    # credentials in URLs
    ("url-userinfo", "feed https://kiln:Fornace2026@erp.kiln.example/stock", "secret", "Fornace2026"),
    ("url-userinfo-ftp", "ftp://ops:s3cr3t-pass@files.kiln.example", "secret", "s3cr3t-pass"),
    ("url-api-key", "https://erp.kiln.example/orders?format=csv&api_key=AbC123xyz789", "secret", "AbC123xyz789"),
    ("url-token", "https://x.example.com/a?token=abcdefghijklmnopqrst", "secret", "abcdefghijklmnopqrst"),
    ("url-signature", "https://b.s3.example.com/f.pdf?X-Amz-Signature=9f86d081884c7d659a2f", "secret", "9f86d0"),
    ("url-fragment-token", "https://app.example.com/cb#access_token=ya29Abc123Def456", "secret", "ya29"),
    ("url-path-pw", "files at https://files.kiln.example/pw/Fornace2026/", "secret", "Fornace2026"),
    ("url-path-password", "https://erp.kiln.example/password/Kiln!stock/login", "secret", "Kiln!stock"),
    ("url-path-token", "https://api.kiln.example/v1/token/9f86d081884c7d659a2f/orders", "secret", "9f86d0"),
    ("url-path-api-key", "https://maps.kiln.example/api_key/AbC123xyz789", "secret", "AbC123xyz789"),
    ("url-path-secret-encoded", "https://x.kiln.example/secret/Kiln%2126stock", "secret", "Kiln%2126"),
    # passwords as people write them
    ("password-is", "password is hunter22!", "secret", "hunter22!"),
    ("pwd-colon", "pwd: S3cret!", "secret", "S3cret!"),
    ("pass-equals", "pass=letmein99", "secret", "letmein99"),
    ("password-plain-word-last", "password: letmein", "secret", "letmein"),
    ("password-quoted", "PASSWORD = 'correct horse battery'", "secret", "correct"),
    ("passwort", "Passwort: Sommer2024", "secret", "Sommer2024"),
    ("passwort-lautet", "das Passwort lautet Winter2024", "secret", "Winter2024"),
    ("kennwort", "Kennwort: Herbst#77", "secret", "Herbst#77"),
    ("mot-de-passe", "mot de passe : Soleil2024", "secret", "Soleil2024"),
    ("mot-de-passe-est", "le mot de passe est Soleil2024", "secret", "Soleil2024"),
    ("contrasena", "contraseña: Verano2024", "secret", "Verano2024"),
    ("contrasena-es", "la contraseña es Verano2024", "secret", "Verano2024"),
    ("password-italian", "la password è Estate2024!", "secret", "Estate2024!"),
    ("login-slash", "login admin / secret123", "secret", "secret123"),
    ("login-colon-slash", "login: admin/Kiln2026", "secret", "Kiln2026"),
    ("credentials-colon", "credentials ops:Zx9!pq77", "secret", "Zx9!pq77"),
    ("api-key-label", "api_key: abcd1234efgh5678", "secret", "abcd1234efgh5678"),
    ("bearer", "Bearer abcdef1234567890abcdef", "secret", "abcdef1234567890abcdef"),
]


@pytest.mark.parametrize(("text", "rule", "anchor"), [row[1:] for row in POSITIVE], ids=[row[0] for row in POSITIVE])
def test_secret_is_found_where_it_starts(text: str, rule: str, anchor: str) -> None:
    found = findings(note(text))

    assert [(r, line, column) for r, line, column, _ in found] == [(rule, 3, 3 + text.index(anchor))]
    shown = found[0][3]
    secret = re.split(r"[ ,]", text[text.index(anchor):])[0]
    assert secret not in shown, f"the message repeats the secret: {shown}"


NEGATIVE = [
    ("order-number", "Order ORD-2026-000123 shipped"),
    ("order-number-groups", "Order 2026-000123-4567 shipped"),
    ("order-number-prefix-1", "Order no. 1234 5678 9012 3456"),
    ("luhn-fails", "reference 4111 1111 1111 1112"),
    ("phone-international", "call +39 345 678 9012 or +49 30 1234 5678"),
    ("phone-us", "Phone +1 (555) 123-4567"),
    ("dates-iso", "2026-11-25 2026-12-01 2027-01-15"),
    ("dates-european", "25.11.2026 01.12.2026"),
    ("tracking-ups", "tracking 1Z999AA10123456784"),
    ("tracking-usps", "USPS 9400 1000 0000 0000 0000 00"),
    ("tracking-dhl", "DHL JJD000390007881234567"),
    ("vat-numbers", "VAT IT12345678901, DE123456789, GB123456789"),
    ("bic", "BIC UNCRITMMXXX"),
    ("uuid", "id 123e4567-e89b-12d3-a456-426614174000"),
    ("git-commit-url", "fixed in https://github.com/kiln/erp/commit/0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"),
    ("git-commit-digits-url", "see https://git.example.com/kiln/erp/-/commit/4111111111111111a"),
    ("password-policy", "password policy: rotate every 90 days"),
    ("password-reset", "password reset link sent on 2026-01-03"),
    ("password-manager", "Password manager: 1Password"),
    ("placeholder-redacted", "password: <redacted>"),
    ("placeholder-stars", "password: ***"),
    ("placeholder-1password", "password: see 1Password"),
    ("placeholder-vault", "password: in the vault"),
    ("placeholder-x", "password: xxxx"),
    ("placeholder-env", "password: ${DB_PASSWORD}"),
    ("placeholder-template", "password: {{ vault.kiln }}"),
    ("placeholder-url", "https://user:<password>@erp.kiln.example"),
    ("url-no-password", "https://user@erp.kiln.example/stock"),
    ("url-harmless-query", "https://docs.example.com/list?page=2&sort=asc&keyword=packaging"),
    ("url-empty-token", "https://example.com/reset?token="),
    ("prose-tokens", "Network tokens for returning customers"),
    ("prose-api-keys", "We use API keys rotated monthly"),
    ("prose-passwordless", "passwordless login via magic link"),
    ("prose-apac", "APAC SHIPPING region"),
    ("iban-bad-checksum", "DE89370400440532013001"),
    ("iban-word", "IBAN to be provided by finance"),
    ("user-without-password", "user: marta / partners team"),
    ("credentials-file-path", "profile in ~/.aws/credentials: [default]"),
    ("timestamps", "synced 2026-11-25 10:30:00, 2026-11-26 11:45:30"),
    ("times-list", "slots 09:30, 10:45, 12:15, 14:00, 16:30"),
    ("amounts", "invoices 4,500.00 + 1,200.00 + 3,400.00 = 9,100.00 EUR"),
    ("amounts-pipes", "Q1 | 41,110 | 11,111 | 11,111 | 1,111"),
    ("phone-parentheses", "Tel. +39 (0)2 1234 5678, fax +39 (02) 1234-5679"),
    ("phone-list", "phones: +39 345 678 9012; +49 30 1234 5678"),
    ("order-numbers-colons", "orders: 2026:000123:4567, 2026:000124:4411"),
    ("version-numbers", "versions 4.1.1, 1.1.1, 1.1.1 and 1.1.1"),
    ("ratio-list", "ratios 4111:1111 and 1111:1111"),
    ("numbers-list-commas", "rooms 4101, 4102, 4103, 4104, 4105, 4106"),
    ("numbers-list-spaces", "rooms 4101 4102 4103 4104 4105 4106"),
    ("years-list", "contracts 2023, 2024, 2025, 2026"),
    ("percent-amounts", "growth 25%, 40% and 10%20 units"),
    ("percent-encoded-words", "https://docs.example.com/search?q=card%20number%20policy"),
    ("url-path-password-reset", "https://help.example.com/password/forgot"),
    ("url-path-key-words", "https://docs.example.com/api/key/rotation-policy"),
    ("url-path-key-title-words", "https://www.example.com/key/Key-Account-Management"),
    ("url-path-version", "https://cdn.example.com/token/v2.10.3/bundle.js"),
    ("url-path-token-refresh", "https://auth.example.com/token/refresh"),
    ("url-path-placeholder", "https://files.example.com/pw/<password>/"),
    ("url-path-secret-short", "https://vault.example.com/secret/v2/"),
    ("url-path-github-repo", "https://github.com/kiln/secret/blob/main/README.md"),
    ("aws-secret-placeholder", "aws_secret_access_key = <your secret key>"),
    ("aws-session-token-prose", "aws_session_token: rotated every hour"),
    ("npm-prose", "npm_config_registry is set in CI"),
    ("whsec-short", "whsec_test"),
]


@pytest.mark.parametrize("text", [row[1] for row in NEGATIVE], ids=[row[0] for row in NEGATIVE])
def test_ordinary_text_is_not_flagged(text: str) -> None:
    assert findings(note(text)) == []


def test_plain_values_report_their_start() -> None:
    text = "name: Kiln\ndescription: Pay invoices to gb82-west-1234-5698-7654-32 within 30 days.\n"

    assert [f[:3] for f in findings(text)] == [("iban", 2, 14)]


def test_mapping_keys_are_scanned() -> None:
    text = "name: Kiln\nnotes:\n  ok: fine\n  \"４１１１ １１１１ １１１１ １１１１\": deposit card\n"

    found = findings(text)

    assert [f[:3] for f in found] == [("card-number", 4, 3)]
    assert "this key holds a payment card number (...1111)" in found[0][3]


def test_a_value_under_a_key_named_like_a_password() -> None:
    text = "name: Kiln\naccess:\n  user: admin\n  password: Kiln26\n  token: <redacted>\n"

    assert [f[:3] for f in findings(text)] == [("secret", 4, 13)]


def test_numbers_written_with_digits_are_scanned() -> None:
    text = "name: Kiln\naccount: 4111111111111111\nrate: 5500000000000004.0\n"

    assert sorted(f[:3] for f in findings(text)) == [("card-number", 2, 10), ("card-number", 3, 7)]


def test_amounts_with_cents_are_not_card_numbers() -> None:
    """A Luhn-valid run of digits in a decimal amount is money, not a card (the point is no separator)."""
    text = "name: Kiln\nrevenue: 557195518157906.4\ncost: 4111111111111.11\n"

    assert findings(text) == []


def test_one_secret_finding_per_field_the_first_one() -> None:
    text = note(f"first {AWS} then password is hunter22! and {GHP}")

    found = findings(text)

    assert [f[:3] for f in found] == [("secret", 3, 3 + len("first "))]
    assert "AWS Access Key" in found[0][3]


def test_lines_and_columns_inside_a_block() -> None:
    text = "name: Kiln\nnotes: |\n  Deposit paid by card.\n    indented ４１１１ １１１１ １１１１ １１１１\n"

    assert [f[:3] for f in findings(text)] == [("card-number", 4, 14)]


def test_normalise_maps_back_to_the_text_as_written() -> None:
    text = "a\u200b４\u00ad٤ﬁ"

    norm, origin = secrets.normalise(text)

    assert norm == "a44fi"
    assert origin == [0, 2, 4, 5, 5]


def test_detect_secrets_is_imported_only_when_needed() -> None:
    code = ("import sys; from generator.checks import secrets as s; "
            "s.scan_text('Eco packaging for handmade ceramics, card 4111 1111 1111 1111'); "
            "print('detect_secrets' in sys.modules, 'pandas' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.split() == ["False", "False"]


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


_FULL_WIDTH_DESCRIPTION = (
    "partners/kiln-packaging/partner.yaml",
    "description: Eco packaging for handmade ceramics.",
    'description: "Eco packaging; deposit card ５５００ ００００ ００００ ０００４"',
    r"partners/kiln-packaging/partner\.yaml:2:14: .*payment card number \(\.\.\.0004\)",
    "deposit card",
)
_KEY = (  # clause names are free keys: nothing but the secrets scan objects to this one
    "partners/kiln-packaging/contracts/supply-2026.yaml",
    "  termination:",
    '  "4111\u200b1111\u200b1111\u200b1111": "Section 11: deposits are charged to this card"\n  termination:',
    r"partners/kiln-packaging/contracts/supply-2026\.yaml:6:3: .*this key holds a payment card number \(\.\.\.1111\)",
    "deposits are charged",
)


@pytest.mark.parametrize(("file", "old", "new", "reported", "text"), [_FULL_WIDTH_DESCRIPTION, _KEY],
                         ids=["full-width-digits-in-description", "card-number-as-mapping-key"])
def test_card_numbers_stop_the_build_and_never_reach_the_site(
    base_portfolio: Path, run_line: RunLine, file: str, old: str, new: str, reported: str, text: str
) -> None:
    root = shlex.quote(str(base_portfolio))
    assert run_line(f"partnerbook build --root {root} --today {TODAY}").exit_code == 0
    site = base_portfolio / "site"
    before = _tree(site)
    record = base_portfolio / file
    source = record.read_text(encoding="utf-8")
    assert old in source
    record.write_text(source.replace(old, new, 1), encoding="utf-8")

    result = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(base_portfolio),
                             "--today", TODAY], capture_output=True, text=True, timeout=300, check=False)
    output = result.stdout + result.stderr

    assert result.returncode == 1, output
    assert re.search(reported, output), output
    assert "Traceback" not in output
    assert "５５００" not in output
    assert "4111" not in output
    assert _tree(site) == before
    published = "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file())
    assert text not in published
    assert (site / "search" / "search_index.json").is_file()


@given(st.text(max_size=300))
def test_any_text_scans_without_error_and_points_inside_it(text: str) -> None:
    for rule, offset, _ in secrets.scan_text(text):
        assert rule in ("secret", "card-number", "iban")
        assert 0 <= offset < len(text)


_INVISIBLE = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202f", "\u00a0", ".", "-"])
_DIGIT_SCRIPTS = st.sampled_from([0x30, 0xFF10, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0x1D7CE])


@given(st.sampled_from(["4111111111111111", "5500000000000004", "378282246310005", "6011111111111117"]),
       st.lists(_INVISIBLE, min_size=15, max_size=18), _DIGIT_SCRIPTS)
def test_a_card_is_found_whatever_its_digits_and_separators(card: str, gaps: list[str], zero: int) -> None:
    written = "".join(chr(zero + int(d)) + (gaps[i] if i < len(card) - 1 else "") for i, d in enumerate(card))
    text = f"paid with {written} yesterday"

    assert [(rule, offset) for rule, offset, _ in secrets.scan_text(text)] == [("card-number", len("paid with "))]


def test_other_rules_do_not_quote_a_flagged_secret(base_portfolio: Path, run_line: RunLine) -> None:
    partner = base_portfolio / "partners/kiln-packaging/partner.yaml"
    text = partner.read_text(encoding="utf-8").replace("status: active", 'status: "4111 1111 1111 1111"')
    partner.write_text(text + "password is hunter22!: x\nlogin: admin / Fornace2026\n", encoding="utf-8")

    result = run_line(f"partnerbook validate --root {shlex.quote(str(base_portfolio))} --today {TODAY}")

    assert result.exit_code == 1
    for rule in ("[card-number]", "[invalid-value]", "[unknown-field]", "[secret]"):
        assert rule in result.output, result.output
    assert "4111 1111" not in result.output
    assert "hunter22" not in result.output
    assert "Fornace2026" not in result.output
