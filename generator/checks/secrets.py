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

Text is normalised first: every character is NFKC-normalised (full-width letters and digits
become ASCII), every Unicode decimal digit becomes its ASCII digit, and invisible format
characters (zero-width spaces and joiners, word joiner, BOM, soft hyphen, direction marks) are
removed. Up to three characters of whitespace, punctuation or symbols (Unicode categories Pc, Pd,
Po, Ps, Pe, Sm and So: ``-``, ``.``, ``/``, ``,``, ``:``, ``|``, ``+``, ``*``, ``~``, brackets,
arrows ...) separate the digit groups of a card number or an IBAN; a card written with anything
but whitespace, dashes, dots, slashes or underscores must also be grouped like one (4-4-4-4,
4-6-5 ...). IBANs are matched in any letter case. Words of links, and other words holding
``%XX`` escapes, are also scanned percent-decoded (a card in ``/4111%201111%20...``). Positions
are mapped back to the text as written. Messages never repeat the secret: they name its kind,
or the last four characters.

detect-secrets is imported only when a text could hold one of its formats, so ``validate``
on ordinary records does not pay for its import.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from stdnum import luhn
from stdnum.iso7064 import mod_97_10

from generator.i18n import N_, _
from generator.load.document import Document
from generator.load.positions import Path_
from generator.load.scalars import YamlFloat, YamlInt
from generator.problems import Problem, Severity

# What a finding says a secret is: a catalog message (naming ``{name}`` where it has one) and that name.
# Scans are cached whatever the language, so the words are translated only when the finding is written.
Kind = tuple[str, str]

# ---------------------------------------------------------------- normalisation

_DASHES = (  # every Unicode dash (category Pd) that NFKC keeps, and the minus sign
    "\\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2212\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d"
    "\u301c\u3030\u30a0\ufe31\ufe32"
)
_DOTS_SLASHES = "./\\\\_\u00b7\u2022\u2219\u2027\u30fb\u2044\u2215\u29f8"
_SEP = f"[\\s{_DASHES}{_DOTS_SLASHES}]"  # the separators people use in card numbers and IBANs
# Any whitespace, punctuation or symbol may also separate the groups (at most 3 in a row).
_SEP_CATEGORIES = frozenset({"Pc", "Pd", "Po", "Ps", "Pe", "Sm", "So"})
_MAX_GAP = 3


def _is_separator(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in _SEP_CATEGORIES


def _skeleton_char(char: str) -> str:
    category = unicodedata.category(char)
    if category in ("Ps", "Pe"):
        return "(" if category == "Ps" else ")"
    return " " if _is_separator(char) else char


_ASCII_SKELETON = str.maketrans({chr(code): _skeleton_char(chr(code)) for code in range(128)})
# Between two groups: at most 3 separators, not counting a bracket around either group: (4111) 1111
_GAP = f"\\)?[ ()]{{0,{_MAX_GAP}}}\\(?"


def _skeleton(norm: str) -> str:
    """``norm`` with every opening bracket as ``(``, every closing one as ``)`` and every other
    separator as a space (same length, so same offsets)."""
    if norm.isascii():
        return norm.translate(_ASCII_SKELETON)
    return "".join(_skeleton_char(char) if ord(char) > 127 else char for char in norm.translate(_ASCII_SKELETON))


def normalise(text: str) -> tuple[str, list[int] | None]:
    """``text`` normalised for matching, and for each of its characters the offset in ``text``.

    ``None`` as the map means the text was already plain ASCII (offsets are the same).
    """
    if text.isascii():
        return text, None
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            out.append(char)
            origin.append(index)
            continue
        if unicodedata.category(char) == "Cf":  # zero-width space/joiners, word joiner, BOM, soft hyphen
            continue
        for part in unicodedata.normalize("NFKC", char):
            digit = unicodedata.decimal(part, None)
            if digit is not None:
                part = chr(48 + digit)
            elif unicodedata.category(part) == "Cf":
                continue
            out.append(part)
            origin.append(index)
    return "".join(out), origin


def _back(origin: list[int] | None, offset: int, length: int) -> int:
    if origin is None:
        return offset
    return origin[offset] if offset < len(origin) else length


# ---------------------------------------------------------------- percent-encoded links

_WORD = re.compile(r"[^\s<>\"'`]+")
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def _decode_once(text: str) -> tuple[str, list[int]] | None:
    out: list[str] = []
    origin: list[int] = []
    pos = 0
    for word in _WORD.finditer(text):
        value = word.group()
        if "%" not in value or not ("://" in value or len(_ESCAPE.findall(value)) >= 2):
            continue
        for run in _ESCAPES.finditer(value):
            start = word.start() + run.start()
            out.append(text[pos:start])
            origin.extend(range(pos, start))
            decoded = unquote(run.group(), errors="replace")
            out.append(decoded)
            origin.extend([start] * len(decoded))  # every decoded character points at its escapes
            pos = word.start() + run.end()
    if not pos:
        return None
    out.append(text[pos:])
    origin.extend(range(pos, len(text)))
    return "".join(out), origin


def percent_decoded(norm: str) -> tuple[str, list[int]] | None:
    """``norm`` with the ``%XX`` escapes of its links (and of words with two or more escapes) decoded
    and normalised again, and for each character its offset in ``norm``; ``None`` if there is none.

    Decoding is repeated (at most three times) for escapes that were themselves escaped (``%2520``).
    """
    if "%" not in norm:
        return None
    text, origin = norm, list(range(len(norm)))
    for _round in range(3):
        decoded = _decode_once(text)
        if decoded is None:
            break
        text, origin = decoded[0], [origin[i] for i in decoded[1]]
    if len(origin) == len(norm) and text == norm:
        return None
    again, inner = normalise(text)
    if inner is not None:
        origin = [origin[i] for i in inner]
    return again, origin


# ---------------------------------------------------------------- card numbers

_NARROW_RUN = re.compile(f"[0-9](?:{_SEP}{{0,{_MAX_GAP}}}[0-9])*")
_RUN = re.compile(f"[0-9](?:{_GAP}[0-9])*")  # matched in the skeleton: any separators
_GROUP = re.compile("[0-9]+")


def _card_like(sizes: list[int]) -> bool:
    """Groupings people use when they write a card number: one block, 4-4-4-4(-3), 4-6-5, 4-6-4."""
    if len(sizes) == 1:
        return True
    if sizes in ([4, 6, 5], [4, 6, 4]):
        return True
    return all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4


def _date_like(sizes: list[int]) -> bool:
    """A run of dates such as ``2026-11-25 2026-12-01`` (never a card)."""
    if len(sizes) < 3 or len(sizes) % 3:
        return False
    pattern = sizes[:3]
    return pattern in ([4, 2, 2], [2, 2, 4]) and sizes == pattern * (len(sizes) // 3)


def _is_card(digits: str) -> bool:
    if not 13 <= len(digits) <= 19 or digits[0] not in "23456":
        return False
    if digits[0] == "2" and not (2200 <= int(digits[:4]) <= 2204 or 2221 <= int(digits[:4]) <= 2720):
        return False  # 2 is only Mir (2200-2204) and Mastercard (2221-2720): not 2023, 2024 ...
    return luhn.is_valid(digits)


def _card_at(norm: str, start: int, end: int, digits: str) -> bool:
    if not _is_card(digits):
        return False
    if (start and norm[start - 1].isalnum()) or (end < len(norm) and norm[end].isalnum()):
        return False
    # an international phone number: +39 ...
    return not (len(digits) <= 15 and norm[:start].rstrip(" (").endswith("+"))


def _in_lists(norm: str, base: int, groups: list[re.Match[str]]) -> set[int]:
    """Indexes of the groups that belong to a list of six or more 4-digit numbers written with the
    same separators (``rooms 4101, 4102, 4103, ...``): a card has at most five groups of four."""
    listed: set[int] = set()
    first = 0
    while first < len(groups):
        last = first
        if len(groups[first].group()) == 4:
            gap = None
            while last + 1 < len(groups) and len(groups[last + 1].group()) == 4:
                this = norm[base + groups[last].end():base + groups[last + 1].start()]
                if gap is not None and this != gap:
                    break
                gap = this
                last += 1
        if last - first >= 5:
            listed.update(range(first, last + 1))
        first = last + 1
    return listed


def _card_in_run(norm: str) -> tuple[int, str] | None:
    """A card written with whitespace, dashes, dots, slashes or underscores: in any grouping when
    that is the whole run of digits, in the groupings of ``_card_like`` inside a longer run."""
    for run in _NARROW_RUN.finditer(norm):
        groups = list(_GROUP.finditer(run.group()))
        if sum(len(g.group()) for g in groups) < 13:
            continue
        base = run.start()
        sizes = [len(g.group()) for g in groups]
        windows = [(0, len(groups))]
        windows += [(0, end) for end in range(len(groups) - 1, 0, -1)]
        windows += [(start, len(groups)) for start in range(1, len(groups))]
        for first, last in windows:
            part = groups[first:last]
            whole = (first, last) == (0, len(groups))
            if not whole and not _card_like(sizes[first:last]):
                continue
            if whole and _date_like(sizes):
                continue
            start, end = base + part[0].start(), base + part[-1].end()
            digits = "".join(g.group() for g in part)
            if _card_at(norm, start, end, digits):
                return start, digits
    return None


def _card_in_groups(norm: str) -> tuple[int, str] | None:
    """A card grouped like one (4-4-4-4, 4-6-5 ...) with any separators: ``4111,1111,...``,
    ``(4111) 1111 ...``, ``4111 | 1111 | ...``."""
    for run in _RUN.finditer(_skeleton(norm)):
        groups = list(_GROUP.finditer(run.group()))
        sizes = [len(g.group()) for g in groups]
        if sum(sizes) < 13:
            continue
        listed = _in_lists(norm, run.start(), groups)
        for first in range(len(groups)):
            if sizes[first] not in (4, 13, 14, 15, 16, 17, 18, 19) or first in listed:
                continue
            last = first
            total = 0
            while last < len(groups) and total + sizes[last] <= 19:
                total += sizes[last]
                last += 1
            for stop in range(last, first, -1):  # the longest card-like window first
                if sum(sizes[first:stop]) < 13 or not _card_like(sizes[first:stop]) or stop - 1 in listed:
                    continue
                part = groups[first:stop]
                start, end = run.start() + part[0].start(), run.start() + part[-1].end()
                digits = "".join(g.group() for g in part)
                if _card_at(norm, start, end, digits):
                    return start, digits
    return None


def find_card(norm: str) -> tuple[int, str] | None:
    """Offset (in ``norm``) and digits of the first payment card number."""
    if sum(map(norm.count, "0123456789")) < 13:
        return None
    hits = [hit for hit in (_card_in_run(norm), _card_in_groups(norm)) if hit]
    return min(hits, key=lambda hit: hit[0]) if hits else None  # at the same start, the whole run


# ---------------------------------------------------------------- IBANs

_IBAN_START = re.compile("(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}")
_IBAN_GROUP = re.compile(f"{_GAP}([0-9A-Za-z]+)")  # matched in the skeleton


def _iban_valid(iban: str) -> bool:
    if not 15 <= len(iban) <= 34 or not mod_97_10.is_valid(iban[4:] + iban[:4]):
        return False
    from stdnum import iban as stdnum_iban  # loads the IBAN registry: only after a checksum match

    return stdnum_iban.is_valid(iban)


def find_iban(norm: str) -> tuple[int, str] | None:
    """Offset (in ``norm``) and compact upper-case form of the first IBAN, in any case and separators."""
    skeleton: str | None = None
    for start in _IBAN_START.finditer(norm):
        head = start.group().upper()
        body = ""
        pos = start.end()
        if skeleton is None:
            skeleton = _skeleton(norm)
        while len(head) + len(body) < 34:
            group = _IBAN_GROUP.match(skeleton, pos)
            if group is None:
                break
            body += group.group(1).upper()
            pos = group.end()
            if _iban_valid(head + body):
                return start.start(), head + body
    return None


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
    password phrases below replace the keyword one), basic auth (the URL check below also knows
    placeholders) and public IP addresses (not secrets).
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


# ---------------------------------------------------------------- passwords as people write them

_PLACEHOLDER = re.compile(
    r"redact|placeholder|vault|1password|lastpass|bitwarden|keepass|dashlane|keychain|password\s*manager"
    r"|secret\s*manager|passbolt|^<.*>$|^\[.*\]$|^\{.*\}$|^\$\{|^\$[A-Z_]+$|^%.*%$|^\(.*\)$|^env:|^n/?a$",
    re.IGNORECASE,
)
_NOT_A_VALUE = frozenset(
    """
    a an the is was are be been being in on at of for to by via from with see ask not no none null nil empty
    unknown tbd todo same shared stored kept managed sent provided available hidden removed changed expired
    reset rotate rotated rotation policy required must should will expires expired protected encrypted
    manager vault set unset given attached below above here there only also never always each every
    e è ist lautet est es era war wird sarà la le il lo das der die el los les un una une ein eine
    nel nella im dans en dem den
""".split()  # noqa: SIM905 - a word list reads better as text
)
_SENTENCE_END = ".,;:)]}»”\"'"
_SYMBOLS = set("!@#$%^&*+=?~|<>{}[]§€£/\\")

_PW_STRONG = (
    r"pass(?:[ _-]?word|wort|wd|code|phrase)|kennwort|mot[ _-]de[ _-]passe|contrase[ñn]a|wachtwoord|senha"
    r"|parola[ _-]d'ordine|has[lł]o"
)
_PW_WEAK = r"pwd|pw|pass|mdp|clave|pin[ _-]?code"
_TOKEN_LABEL = (
    r"api[ _-]?(?:key|token|secret)|secret[ _-]?(?:access[ _-]?)?key|client[ _-]?secret"
    r"|(?:access|auth|refresh|bearer|private|session)[ _-]?token|token|secret|bearer"
)
_VERB = r"is|was|=|:|è|e'|é|ist|lautet|war|est|es|era|->|=>|→"
_QUOTED = r"[\"'“‘«]([^\"'”’»\n]{1,200})[\"'”’»]"
_TOKEN = r"([^\s\"'“‘«][^\s]*)"
_PASSWORD = re.compile(
    rf"(?<![\w])(?:(?P<strong>{_PW_STRONG})|(?P<weak>{_PW_WEAK})|(?P<tokenlabel>{_TOKEN_LABEL}))s?\b"
    rf"(?P<conn>\s*(?:[:=]|->|=>|→)\s*|\s+(?:{_VERB})\s*:?\s*|\s+)"
    rf"(?:{_QUOTED}|{_TOKEN})",
    re.IGNORECASE,
)
_LOGIN = re.compile(
    r"(?<![\w])(?:login|log-in|user(?:name)?|utente|nome utente|benutzer(?:name)?|usuario|identifiant"
    r"|credentials?|creds|zugangsdaten|credenziali|account)\b\s*[:=]?\s*"
    r"[^\s/:,]{1,64}\s*(?:/|\s\|\s|:)\s*(?:" + _QUOTED + "|" + _TOKEN + ")",
    re.IGNORECASE,
)
_MIN_PASSWORD = 6
# Every label above contains one of these: texts without any skip the two regexes.
_PASSWORD_HINT = re.compile(
    "pass|pw|kennwort|mot|contrase|wachtwoord|senha|parola|has|mdp|clave|pin|api|secret|token|bearer|log|user"
    "|utente|benutzer|usuario|identifiant|cred|zugangsdaten|account|key",
    re.IGNORECASE,
)


def _strip_value(value: str) -> str:
    return value.rstrip(_SENTENCE_END) or value


def _is_placeholder(value: str) -> bool:
    lowered = value.lower()
    return (
        len(set(lowered)) <= 2  # xxxx, ****, ----, x-x-x
        or bool(_PLACEHOLDER.search(value))
        or lowered in _NOT_A_VALUE
        or lowered in ("password", "passwort", "secret", "changeit", "example", "your-password", "yourpassword")
    )


def _strong_value(value: str) -> bool:
    """Looks like a password or key rather than a word: a digit, a symbol or an inner capital."""
    return any(c.isdigit() for c in value) or any(c in _SYMBOLS for c in value) or any(c.isupper() for c in value[1:])


def _password_value(value: str, quoted: bool, rest: str, explicit: bool, token: bool) -> bool:
    value = value.strip() if quoted else _strip_value(value)
    if len(value) < (8 if token else _MIN_PASSWORD) or _is_placeholder(value):
        return False
    if quoted:
        return True
    if _strong_value(value) and not (token and len(value) < 12 and not any(c.isdigit() for c in value)):
        return True
    # a plain word counts only as the last thing on its line after "password:" (``password: letmein``)
    return explicit and not token and not rest.split("\n", 1)[0].strip(" " + _SENTENCE_END)


def find_password(norm: str) -> tuple[int, Kind] | None:
    """Offset and kind of the first password (or labelled token) written in prose."""
    if not _PASSWORD_HINT.search(norm):
        return None
    for match in _PASSWORD.finditer(norm):
        quoted = match.group(5) is not None
        value = match.group(5) if quoted else match.group(6)
        conn = match.group("conn")
        explicit = bool(conn.strip())
        if match.group("weak") and not explicit:
            continue
        token = match.group("tokenlabel") is not None
        if token and not re.search(r"[:=]|->|=>|→", conn) and match.group("tokenlabel").lower() != "bearer":
            continue
        if _password_value(value, quoted, norm[match.end():], explicit, token):
            start = match.start(5) if quoted else match.start(6)
            return start, (N_("an access token") if token else N_("a password"), "")
    for match in _LOGIN.finditer(norm):
        quoted = match.group(1) is not None
        value = match.group(1) if quoted else match.group(2)
        if _password_value(value, quoted, norm[match.end():], True, False):
            return (match.start(1) if quoted else match.start(2)), (N_("a login and password"), "")
    return None


# ---------------------------------------------------------------- credentials in URLs

_URL = re.compile(r"(?<![\w.+-])[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s<>\"'`]+")
_SECRET_PARAMS = frozenset({
    "token", "apikey", "key", "secret", "password", "passwd", "pwd", "pass", "accesstoken", "authtoken",
    "signature", "sig", "auth", "clientsecret", "apisecret", "privatekey", "refreshtoken", "idtoken",
    "sessionid", "session", "xamzsignature", "xamzcredential", "xamzsecuritytoken", "xgoogsignature",
    "awsaccesskeyid", "secretkey", "accesskey", "code", "jwt", "bearer", "authorization",
})
_SECRET_PARAM_ENDS = ("token", "secret", "password", "passwd", "apikey", "signature", "privatekey", "accesskey")


def _param_is_secret(name: str) -> bool:
    compact = re.sub("[^a-z]", "", name.lower())
    return compact in _SECRET_PARAMS or compact.endswith(_SECRET_PARAM_ENDS)


# a path segment named like this one is followed by the secret: /pw/<value>/, /api_key/<value>
_SECRET_PATH_NAMES = frozenset({
    "pw", "pwd", "pass", "passwd", "password", "passwort", "token", "key", "secret", "apikey", "apitoken",
    "apisecret", "accesstoken", "authtoken", "secretkey", "accesskey", "privatekey", "clientsecret",
})
_PATH_WORDS = re.compile(r"[a-z]+(?:[-_.][a-z]+)*|v?[0-9]+(?:\.[0-9]+)*", re.IGNORECASE)  # slugs, versions


def _path_secret(segment: str) -> bool:
    value = unquote(segment)
    if len(value) < _MIN_PASSWORD or _is_placeholder(value) or value.lower() in _NOT_A_VALUE:
        return False
    if _PATH_WORDS.fullmatch(value) and not any(c.isupper() for part in re.split("[-_.]", value) for c in part[1:]):
        return False  # words and versions: /password/forgot, /key/Account-Management, /token/1.2
    return _strong_value(value) or len(value) >= 16


def _find_in_path(url: str, scheme: str, netloc: str, path: str) -> tuple[int, Kind] | None:
    offset = len(scheme) + 3 + len(netloc)
    if url[offset:offset + len(path)] != path:
        offset = url.find(path)
    segments = path.split("/")
    for index, name in enumerate(segments[:-1]):
        offset += len(name) + 1
        if re.sub("[^a-z]", "", unquote(name).lower()) in _SECRET_PATH_NAMES and _path_secret(segments[index + 1]):
            return offset, (N_("a secret in a URL path (after /{name}/)"), name[:20])
    return None


def find_url_credentials(norm: str) -> tuple[int, Kind] | None:
    """Offset and kind of the first password or secret parameter in a URL."""
    if "://" not in norm:
        return None
    for match in _URL.finditer(norm):
        url = match.group().rstrip(".,;:)]}")
        try:
            parts = urlsplit(url)
            password = parts.password
        except ValueError:
            continue
        if password and not _is_placeholder(unquote(password)) and len(unquote(password)) >= 3:
            at = url.find(":" + password + "@")
            return match.start() + (at + 1 if at >= 0 else 0), (N_("a password in a URL"), "")
        in_path = _find_in_path(url, parts.scheme, parts.netloc, parts.path)
        if in_path:
            return match.start() + in_path[0], in_path[1]
        for text in (parts.query, parts.fragment):
            for name, value in parse_qsl(text, keep_blank_values=True):
                if not _param_is_secret(name) or len(value) < 8 or _is_placeholder(value):
                    continue
                if not (len(value) >= 16 or (_strong_value(value) and any(c.isdigit() for c in value))):
                    continue
                if name.lower() == "code" and len(value) < 16:
                    continue
                at = url.find(name + "=")
                return match.start() + (at + len(name) + 1 if at >= 0 else 0), (N_("a secret URL parameter ({name})"),
                                                                                 name)
    return None


# ---------------------------------------------------------------- keys named like secrets

_SECRET_KEY_NAME = re.compile(
    rf"(?:{_PW_STRONG}|{_PW_WEAK}|{_TOKEN_LABEL}|credentials?|private[ _-]?key)s?", re.IGNORECASE
)


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
        found.append(("secret", _back(origin, offset, len(text)), kind))
    card = first(find_card)
    if card:
        found.append(("card-number", _back(origin, card[0], len(text)), card[1][-4:]))
    iban = first(find_iban)
    if iban:
        found.append(("iban", _back(origin, iban[0], len(text)), iban[1][:2] + iban[1][-4:]))
    return tuple(found)


@lru_cache(maxsize=1024)
def _secret_key_name(key: str) -> bool:
    return bool(_SECRET_KEY_NAME.fullmatch(normalise(key)[0].strip()))


_MIN_LENGTH = 6


def _report(doc: Document, where: Path_, text: str, is_key: bool, parent: str | None) -> list[Problem]:
    problems: list[Problem] = []

    def at(offset: int, rule: str, message: str, hint: str) -> None:
        line, column = _position(doc, where, text, offset, is_key)
        problems.append(Problem(doc.path, line, column, rule, Severity.ERROR, message, hint))

    found = {rule: (offset, detail) for rule, offset, detail in scan_text(text)}
    if "secret" not in found and parent is not None:
        value = text.strip()
        if len(value) >= _MIN_PASSWORD and not _is_placeholder(value):
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
            named = isinstance(key, str) and bool(_secret_key_name(key))
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
                (len(text) >= _MIN_LENGTH and scan_text(text)) or (isinstance(key, str) and _secret_key_name(key))
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
