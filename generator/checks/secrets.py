"""Secrets and payment data that must never be committed, in any key or value of a record.

Every mapping key, text value and number written with digits is checked for:

* ``secret``: API keys and tokens (the regex-based plugins of Yelp's detect-secrets, plus a few
  formats it lacks), private keys, credentials in URLs (a password in ``scheme://user:pass@host``,
  a query parameter named like a secret, or a path segment after one such as ``/pw/<value>/``)
  and passwords as people write them (``password: x``, ``Passwort: x``, ``la password è x``,
  ``login admin / x`` ...);
* ``card-number``: payment card numbers, confirmed by the Luhn check (python-stdnum) and an
  issuer prefix (3-6, or the Mastercard and Mir ranges of 2), so order and phone numbers and
  lists of years are not flagged;
* ``iban``: bank account numbers, confirmed by the ISO 13616 mod-97 checksum and the country's
  format (python-stdnum).

Text is normalised first and positions are mapped back to the text as written
(generator/checks/payment_data.py, which also finds the card numbers and IBANs;
generator/checks/secret_phrases.py finds passwords and credentials in links). Messages never
repeat the secret: they name its kind, or the last four characters.

detect-secrets is imported only when a text could hold one of its formats, so ``validate``
on ordinary records does not pay for its import.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from generator.checks.payment_data import find_card, find_iban, normalise, origin_offset, percent_decoded
from generator.checks.secret_phrases import (
    MIN_PASSWORD,
    Kind,
    find_password,
    find_url_credentials,
    is_placeholder,
    secret_key_name,
)
from generator.i18n import N_, _
from generator.load.document import Document
from generator.load.positions import Path_
from generator.load.scalars import YamlFloat, YamlInt
from generator.problems import Problem, Severity

# ---------------------------------------------------------------- API keys and tokens

# Formats detect-secrets 1.5 does not know (or knows only in part).
_EXTRA_KEYS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (N_("Private Key"), re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    (N_("Google API Key"), re.compile(r"\bAIza[0-9A-Za-z_\-]{35}")),
    (N_("GitHub Token"), re.compile(r"\bgithub_pat_[A-Za-z0-9_]{22,}")),
    (N_("Stripe Key"), re.compile(r"\b[rsp]k_(?:live|test)_[0-9A-Za-z]{10,}")),
    (N_("Slack Token"), re.compile(r"\bxapp-\d-[A-Za-z0-9]+-\d+-[A-Za-z0-9]+")),
    (N_("OpenAI Token"), re.compile(r"\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,}")),
    (N_("Anthropic Key"), re.compile(r"\bsk-ant-[a-z]+\d{2}-[A-Za-z0-9_\-]{20,}")),
    (N_("Hugging Face Token"), re.compile(r"\bhf_[A-Za-z0-9]{34}\b")),
    (N_("Shopify Token"), re.compile(r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b")),
    (N_("Square Token"), re.compile(r"\bsq0atp-[0-9A-Za-z\-_]{22}")),
    (N_("PayPal Braintree Token"), re.compile(r"access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}")),
    (N_("DigitalOcean Token"), re.compile(r"\bdo[opr]_v1_[a-f0-9]{64}\b")),
    (N_("Mailgun Key"), re.compile(r"\bkey-[0-9a-f]{32}\b")),
    (N_("npm Token"), re.compile(r"(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])")),
    (N_("Stripe Webhook Secret"), re.compile(r"(?<![A-Za-z0-9])whsec_[A-Za-z0-9+/]{32,}")),
    # credentials-file and environment forms; the finding points at the value (group 1)
    (N_("AWS Secret Access Key"), re.compile(
        r"(?i:aws[ _-]?secret[ _-]?(?:access[ _-]?)?key)[\"']?[ \t]*[:=][ \t]*[\"']?"
        r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])")),
    (N_("AWS Session Token"), re.compile(
        r"(?i:aws[ _-]?(?:session|security)[ _-]?token)[\"']?[ \t]*[:=][ \t]*[\"']?([A-Za-z0-9/+]{40,}={0,2})")),
)

# A text can match one of the detect-secrets plugins below only if it holds one of these (each
# plugin's fixed prefix, or a run as long as its shortest unprefixed key): the import waits for it.
_DS_HINT = re.compile(
    r"AKIA|ASIA|ABIA|ACCA|A3T|AKC|AP[0-9A-F]|AccountKey=|gh[pousr]_|gl[a-z]{2,7}-|GR1348941|eyJ|_authToken"
    r"|T3BlbkFJ|PRIVATE KEY|PuTTY|pypi-|SG\.|sq0csp-|k_live_|[0-9]{8}:|[MNO][A-Za-z0-9_\-]{23}|-us[0-9]"
    r"|(?:AC|SK)[a-z0-9]{32}|[A-Za-z0-9_\-]{40}"
    r"|(?i:aws|xox|hooks\.slack|cloudant|cl(?:ou)?[_-]?(?:api)?(?:key|pwd|pw|pass|token))"
)

_PLUGIN_NAMES = (
    ("artifactory", "ArtifactoryDetector"), ("aws", "AWSKeyDetector"),
    ("azure_storage_key", "AzureStorageKeyDetector"), ("cloudant", "CloudantDetector"),
    ("discord", "DiscordBotTokenDetector"), ("github_token", "GitHubTokenDetector"),
    ("gitlab_token", "GitLabTokenDetector"), ("ibm_cloud_iam", "IbmCloudIamDetector"),
    ("ibm_cos_hmac", "IbmCosHmacDetector"), ("jwt", "JwtTokenDetector"), ("mailchimp", "MailchimpDetector"),
    ("npm", "NpmDetector"), ("openai", "OpenAIDetector"), ("private_key", "PrivateKeyDetector"),
    ("pypi_token", "PypiTokenDetector"), ("sendgrid", "SendGridDetector"), ("slack", "SlackDetector"),
    ("softlayer", "SoftlayerDetector"), ("square_oauth", "SquareOAuthDetector"), ("stripe", "StripeDetector"),
    ("telegram_token", "TelegramBotTokenDetector"), ("twilio", "TwilioKeyDetector"),
)
_plugins: list[Any] | None = None


def _detect_secrets_plugins() -> list[Any]:
    """The regex plugins of detect-secrets, created once.

    Only ``analyze_string`` is called: it reads no settings, makes no network call and keeps no
    state (``analyze_line`` would read detect-secrets' global settings and could verify a key
    online). Left out: the entropy and keyword plugins (false alarms on URLs and prose; the
    password phrases of generator/checks/secret_phrases.py replace the keyword one), basic auth (the
    URL check there also knows placeholders) and public IP addresses (not secrets).
    """
    global _plugins
    if _plugins is None:
        import importlib

        _plugins = [
            getattr(importlib.import_module(f"detect_secrets.plugins.{module}"), name)()
            for module, name in _PLUGIN_NAMES
        ]
    return _plugins


def _looks_random(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.islower() for c in value) and any(c.isupper() for c in value)


_EXTRA_KEY = re.compile("|".join(f"(?P<k{index}>{pattern.pattern})" for index, (_, pattern) in enumerate(_EXTRA_KEYS)))


def find_key(norm: str) -> tuple[int, Kind] | None:
    """Offset and kind of the first API key, token or private key."""
    found: list[tuple[int, Kind]] = []
    match = _EXTRA_KEY.search(norm)
    if match:
        index = next(int(name[1:]) for name, value in match.groupdict().items() if value is not None)
        kind, pattern = _EXTRA_KEYS[index]
        own = pattern.match(norm, match.start())
        found.append((own.start(1) if own and own.re.groups else match.start(), (kind, "")))
    if _DS_HINT.search(norm):
        for plugin in _detect_secrets_plugins():
            for value in plugin.analyze_string(norm):
                if not value or (plugin.secret_type.startswith("Artifactory") and not _looks_random(value)):
                    continue
                offset = norm.find(value)
                if offset >= 0:
                    found.append((offset, ("{name}", plugin.secret_type)))  # detect-secrets' name for it
                    break
    return min(found) if found else None


# ---------------------------------------------------------------- the scan

def _as_text(node: Any) -> str | None:
    """A value as written, if it is text or a whole number written with digits.

    Numbers with a fractional part are amounts and measurements (``revenue: 557195518157906.4``): reading
    the point as a separator made amounts look like cards. ``5500000000000004.0`` is still the digits of a
    card, so a zero fraction is scanned as the whole number it is.
    """
    if isinstance(node, str):
        return node
    if isinstance(node, YamlFloat):
        whole = re.fullmatch(r"([-+]?\d+)(?:\.0*)?", node.raw)
        return whole.group(1) if whole else None
    if isinstance(node, float):
        return None
    if isinstance(node, YamlInt):
        return node.raw
    if isinstance(node, int) and not isinstance(node, bool):
        return str(node)
    return None


def _position(doc: Document, where: Path_, text: str, offset: int, is_key: bool) -> tuple[int, int]:
    """Line and column of ``offset`` in the key or value at ``where`` (exact inside '|' blocks)."""
    line, column = doc.where(where, key=is_key)
    if is_key or where not in doc.literal:
        return line, column
    start = text.rfind("\n", 0, offset) + 1
    return line + text.count("\n", 0, offset), column + offset - start


@lru_cache(maxsize=1 << 16)
def scan_text(text: str) -> tuple[tuple[str, int, Any], ...]:
    """(rule, offset in ``text``, kind or last characters) of each finding in one text, at most one per rule.

    Keys and many values repeat across records (field names, statuses, owners): results are cached.
    """
    norm, origin = normalise(text)
    decoded = percent_decoded(norm)

    def first(finder: Any) -> tuple[int, str] | None:
        """The earliest finding in the text and in its percent-decoded form, as an offset in ``norm``."""
        hits = [hit for hit in (finder(norm),) if hit]
        if decoded is not None:
            hit = finder(decoded[0])
            if hit:
                hits.append((decoded[1][hit[0]], hit[1]))
        return min(hits) if hits else None

    found: list[tuple[str, int, Any]] = []
    secrets = [s for s in (first(find_key), find_url_credentials(norm), find_password(norm)) if s]
    if secrets:
        offset, kind = min(secrets)
        found.append(("secret", origin_offset(origin, offset, len(text)), kind))
    card = first(find_card)
    if card:
        found.append(("card-number", origin_offset(origin, card[0], len(text)), card[1][-4:]))
    iban = first(find_iban)
    if iban:
        found.append(("iban", origin_offset(origin, iban[0], len(text)), iban[1][:2] + iban[1][-4:]))
    return tuple(found)


_MIN_LENGTH = 6


def _report(doc: Document, where: Path_, text: str, is_key: bool, parent: str | None) -> list[Problem]:
    problems: list[Problem] = []

    def at(offset: int, rule: str, message: str, hint: str) -> None:
        line, column = _position(doc, where, text, offset, is_key)
        problems.append(Problem(doc.path, line, column, rule, Severity.ERROR, message, hint))

    found = {rule: (offset, detail) for rule, offset, detail in scan_text(text)}
    if "secret" not in found and parent is not None:
        value = text.strip()
        if len(value) >= MIN_PASSWORD and not is_placeholder(value):
            found["secret"] = (len(text) - len(text.lstrip()), (N_("a value under the key '{name}'"), parent[:40]))
    if "secret" in found:
        offset, (kind, name) = found["secret"]
        what = _(kind).format(name=name)
        at(offset, "secret", (_("this key looks like a secret ({kind})") if is_key else
                              _("this text looks like a secret ({kind})")).format(kind=what),
           _("remove it, rotate the secret, and keep secrets in a password manager, never in git"))
    if "card-number" in found:
        offset, last = found["card-number"]
        at(offset, "card-number", (_("this key holds a payment card number (...{last})") if is_key else
                                   _("this text holds a payment card number (...{last})")).format(last=last),
           _("remove it: card data must never be stored in records (PCI DSS); "
             "report the exposure to your payment partner"))
    if "iban" in found:
        offset, detail = found["iban"]
        at(offset, "iban", (_("this key holds a bank account number (IBAN {country}...{last})") if is_key else
                            _("this text holds a bank account number (IBAN {country}...{last})")).format(
                                country=detail[:2], last=detail[2:]),
           _("remove it; keep bank details in the finance system, not in the records"))
    return problems


def scan(doc: Document) -> list[Problem]:
    """Every secret, card number and IBAN in the mapping keys and the values of ``doc``."""
    problems: list[Problem] = []
    stack: list[tuple[Any, Path_]] = [(doc.data, ())]
    while stack:
        node, where = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            loc = (*where, key)
            if key.__class__ is str and len(key) >= _MIN_LENGTH and scan_text(key):
                problems += _report(doc, loc, key, True, None)
            if isinstance(child, dict | list):
                stack.append((child, loc))
                continue
            found = child if child.__class__ is str else _as_text(child)
            if found is None:
                continue
            text: str = found
            named = isinstance(key, str) and bool(secret_key_name(key))
            if (len(text) >= _MIN_LENGTH and scan_text(text)) or named:
                problems += _report(doc, loc, text, False, key if named and isinstance(key, str) else None)
    return problems


_OWN_RULES = frozenset({"secret", "card-number", "iban"})


def hide(doc: Document, problems: list[Problem]) -> list[Problem]:
    """``problems`` with every flagged key or value masked where another rule's message repeats it.

    Other checks quote what they reject (``unknown field '...'``, ``the text '...' is not a valid
    status``); validate output ends up in CI logs, so a secret must not reach it that way either.
    """
    flagged: list[str] = []
    stack: list[Any] = [doc.data]
    while stack:
        node = stack.pop()
        for key, child in node.items() if isinstance(node, dict) else enumerate(node):
            if isinstance(key, str) and len(key) >= _MIN_LENGTH and scan_text(key):
                flagged.append(key)
            if isinstance(child, dict | list):
                stack.append(child)
                continue
            text = _as_text(child)
            if text is not None and (
                (len(text) >= _MIN_LENGTH and scan_text(text)) or (isinstance(key, str) and secret_key_name(key))
            ):
                flagged.append(text)
    if not flagged:
        return problems
    forms = sorted({form for text in flagged for form in (text, text.strip(), repr(text)[1:-1]) if form},
                   key=len, reverse=True)

    hidden = _("[hidden]")

    def masked(message: str) -> str:
        for form in forms:
            message = message.replace(form, hidden)
        return message

    return [
        p if p.rule in _OWN_RULES else replace(p, message=masked(p.message), hint=masked(p.hint))
        for p in problems
    ]
