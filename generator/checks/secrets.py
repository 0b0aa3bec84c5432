"""Secrets and payment data that must never be committed, in any text field.

API keys and tokens, private keys, card numbers (confirmed by the Luhn check)
and IBANs (confirmed by their ISO 13616 mod-97 checksum). Checksums keep order
numbers and phone numbers from being flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator.loader import Document, Path_
from generator.problems import Problem, Severity

_SECRET = re.compile(
    r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----"
    r"|\bAKIA[0-9A-Z]{16}\b"
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}"
    r"|\bgithub_pat_[A-Za-z0-9_]{22,}"
    r"|\b[sr]k_(?:live|test)_[0-9A-Za-z]{10,}"
    r"|\bxox[abprs]-[0-9A-Za-z-]{10,}"
    r"|\bAIza[0-9A-Za-z_-]{35}"
    r"|\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
    r"|(?i:\b(?:api[_-]?key|secret[_-]?key|client[_-]?secret|access[_-]?token|auth[_-]?token"
    r"|password|passwd)\b\s*[:=]\s*['\"]?[^\s'\"]{8,})"
)
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
_MIN_LENGTH = 13


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    if not 15 <= len(iban) <= 34:
        return False
    moved = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


def _texts(value: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    stack: list[tuple[Any, Path_]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            stack.extend((child, (*where, key)) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, (*where, index)) for index, child in enumerate(node))
        elif isinstance(node, str):
            if len(node) >= _MIN_LENGTH:
                yield where, node
        elif isinstance(node, int) and not isinstance(node, bool) and node >= 10**12:
            yield where, getattr(node, "raw", str(node))


def _mask(text: str) -> str:
    return f"...{text[-4:]}"


def _at(doc: Document, where: Path_, offset: int, rule: str, message: str, hint: str) -> Problem:
    line, column = doc.where_in_text(where, offset)
    return Problem(doc.path, line, column, rule, Severity.ERROR, message, hint)


def scan(doc: Document) -> list[Problem]:
    """Every secret, card number and IBAN in the text of ``doc``."""
    problems: list[Problem] = []
    for where, text in _texts(doc.data, ()):
        found = _SECRET.search(text)
        if found:
            problems.append(_at(
                doc, where, found.start(), "secret",
                "this text looks like a secret (API key, token, password or private key)",
                "remove it, rotate the secret, and keep secrets in a password manager, never in git"))
        for match in _CARD.finditer(text):
            digits = re.sub(r"[ -]", "", match.group())
            if 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn_valid(digits):
                problems.append(_at(
                    doc, where, match.start(), "card-number",
                    f"this text holds a payment card number ({_mask(digits)})",
                    "remove it: card data must never be stored in records (PCI DSS); "
                    "report the exposure to your payment partner"))
                break
        for match in _IBAN.finditer(text):
            iban = match.group().replace(" ", "")
            if iban_valid(iban):
                problems.append(_at(
                    doc, where, match.start(), "iban",
                    f"this text holds a bank account number (IBAN {iban[:2]}{_mask(iban)})",
                    "remove it; keep bank details in the finance system, not in the records"))
                break
    return problems
