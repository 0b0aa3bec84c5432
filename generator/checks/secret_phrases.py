"""Passwords as people write them and credentials in links, in normalised text
(generator/checks/payment_data.py normalises; generator/checks/secrets.py runs the checks)."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlsplit

from generator.checks.payment_data import normalise
from generator.i18n import N_

# What a finding says a secret is: a catalog message (naming ``{name}`` where it has one) and that name.
# Scans are cached whatever the language, so the words are translated only when the finding is written.
Kind = tuple[str, str]

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
MIN_PASSWORD = 6
# Every label above contains one of these: texts without any skip the two regexes.
_PASSWORD_HINT = re.compile(
    "pass|pw|kennwort|mot|contrase|wachtwoord|senha|parola|has|mdp|clave|pin|api|secret|token|bearer|log|user"
    "|utente|benutzer|usuario|identifiant|cred|zugangsdaten|account|key",
    re.IGNORECASE,
)


def _strip_value(value: str) -> str:
    return value.rstrip(_SENTENCE_END) or value


def is_placeholder(value: str) -> bool:
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
    if len(value) < (8 if token else MIN_PASSWORD) or is_placeholder(value):
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
    if len(value) < MIN_PASSWORD or is_placeholder(value) or value.lower() in _NOT_A_VALUE:
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
        if password and not is_placeholder(unquote(password)) and len(unquote(password)) >= 3:
            at = url.find(":" + password + "@")
            return match.start() + (at + 1 if at >= 0 else 0), (N_("a password in a URL"), "")
        in_path = _find_in_path(url, parts.scheme, parts.netloc, parts.path)
        if in_path:
            return match.start() + in_path[0], in_path[1]
        for text in (parts.query, parts.fragment):
            for name, value in parse_qsl(text, keep_blank_values=True):
                if not _param_is_secret(name) or len(value) < 8 or is_placeholder(value):
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


@lru_cache(maxsize=1024)
def secret_key_name(key: str) -> bool:
    return bool(_SECRET_KEY_NAME.fullmatch(normalise(key)[0].strip()))
