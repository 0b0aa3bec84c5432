"""Value types shared by the records, with messages a record editor can act on."""

from __future__ import annotations

import ipaddress
import re
from datetime import date
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from generator.i18n import _
from generator.problems import printable

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_ID = re.compile(ID_PATTERN)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_MONTH = re.compile(r"(\d{4})-(\d{2})\Z")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
SAFE_SCHEMES = ("http", "https", "mailto")

# The range of every date in the records. Outside it a date is a finding, not a value: far
# dates such as 9999-12-31 ("never ends") overflow the date arithmetic of alerts and the
# calendar. With day counts capped at MAX_DAYS, every computed date stays a valid date.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)
# Upper bounds of numbers: far beyond any real portfolio, far inside what the arithmetic handles.
MAX_DAYS = 36_500  # 100 years: notice periods, review intervals, validity, warning windows
MAX_MONTHS = 1_200  # 100 years
MAX_COUNT = 10**12  # sessions, orders, responses, customers
MAX_MONEY = 10**15  # amounts in the record's currency
MAX_NUMBER = 10**12  # any other number (rates, targets, measurements, weights), in absolute value

# What a link may hold, beyond letters and digits: RFC 3986's unreserved and reserved characters
# minus the ones that end an HTML attribute or a Markdown link (quotes, brackets, backslash,
# backtick, angle brackets, braces, spaces). Parentheses must balance. Non-ASCII letters (an IRI)
# are allowed; controls, format characters and whitespace never are.
_URL_ASCII = frozenset("-._~:/?#@!$&*+,;=%()")
_URL_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.?\Z")
# A repository path: no quotes, brackets, backslash or controls; spaces are fine.
_PATH_FORBIDDEN = frozenset("\"'<>`[](){}|\\^")


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}  # one set object per distinct combination of given fields


class Record(BaseModel):
    """Base of every record: strict types, unknown fields rejected."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, frozen=True)

    @model_validator(mode="after")
    def _share_fields_set(self) -> Self:
        """Records that were given the same fields share one set of their names: pydantic keeps a set per
        instance (a few hundred bytes), and a portfolio has tens of thousands of records and parts of records
        but only about a hundred such combinations. Records are frozen, so the set is never changed in place
        (``model_copy`` copies it first)."""
        given = self.__pydantic_fields_set__
        object.__setattr__(self, "__pydantic_fields_set__", _FIELDS_SETS.setdefault(frozenset(given), given))
        return self


def _scalar_text(value: Any) -> Any:
    """A number written where text is expected keeps its text as written."""
    raw = getattr(value, "raw", None)
    return raw if isinstance(raw, str) else value


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise PydanticCustomError("multi_line", _("must be a single line (no line breaks)"))
    return value


def _id(value: str) -> str:
    if not _ID.fullmatch(value) or len(value) > 64:
        raise PydanticCustomError(
            "invalid_id",
            _("'{value}' is not a valid id: use 1-64 lowercase letters, digits and single hyphens"),
            {"value": value},
        )
    return value


def _in_range(day: date, text: str) -> date:
    if not MIN_DATE <= day <= MAX_DATE:
        raise PydanticCustomError(
            "date_range", _("{value} is outside the dates partnerbook accepts ({low} to {high})"),
            {"value": text, "low": MIN_DATE.isoformat(), "high": MAX_DATE.isoformat()},
        )
    return day


def _date(value: Any) -> Any:
    if isinstance(value, date):
        return _in_range(value, value.isoformat())
    if not isinstance(value, str) or not _DATE.match(value):
        raise PydanticCustomError("date_format", _("expected a date written as YYYY-MM-DD"))
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "impossible_date", _("'{value}' is not a real calendar date"), {"value": value}
        ) from None
    return _in_range(day, value)


def _month(value: Any) -> Any:
    text = _scalar_text(value)
    if not isinstance(text, str) or not (match := _MONTH.match(text)):
        raise PydanticCustomError("month_format", _("expected a month written as YYYY-MM"))
    if not 1 <= int(match.group(2)) <= 12:
        raise PydanticCustomError("impossible_month", _("'{value}' is not a real month"), {"value": text})
    _in_range(date(int(match.group(1)), int(match.group(2)), 1), text)
    return text


def _fraction(value: float) -> float:
    if 1 < value <= 100:
        raise PydanticCustomError(
            "percent_for_fraction",
            _("{value} looks like a percent; rates are fractions here (0.05 = 5%)"),
            {"value": value},
        )
    if not 0 <= value <= 1:
        raise PydanticCustomError("fraction_range", _("must be a fraction between 0 and 1"))
    return value


def _unsafe(kind: str, message: str, value: str, **context: str) -> PydanticCustomError:
    """A link or path refused: ``message`` is a catalog message in the current language, ``{value}`` the link."""
    return PydanticCustomError(kind, message, {"value": printable(value, 80), **context})


def _check_email(value: str) -> str:
    """Raise unless ``value`` is one plain address (``name@example.com``) by email-validator's parser."""
    try:
        validate_email(value, check_deliverability=False, allow_display_name=False, allow_quoted_local=False,
                       allow_domain_literal=False)
    except EmailNotValidError as exc:
        raise PydanticCustomError("email", _("'{value}' is not an email address: {reason}"),
                                  {"value": printable(value, 80), "reason": str(exc)}) from None
    return value


def _url_characters(value: str) -> None:
    for char in value:
        if char.isascii():
            if not (char.isalnum() or char in _URL_ASCII or char in "[]"):
                raise _unsafe("url_chars", _("link has a character links may not hold: {char}"), value,
                              char=printable(repr(char)))
        elif not char.isprintable() or char.isspace():
            raise _unsafe("url_chars", _("link has an invisible or control character {char}"), value,
                          char=printable(repr(char)))
    if _URL_PERCENT.search(value):
        raise _unsafe("url_chars", _("link has a '%' not followed by two hex digits"), value)
    depth = 0
    for char in value:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        raise _unsafe("url_chars", _("link has unbalanced parentheses"), value)


def _url(value: str) -> str:
    """An http(s) or mailto link, checked by parsing it: scheme, host, no credentials, safe characters."""
    match = _SCHEME.match(value)
    if not match or match.group(1).lower() not in SAFE_SCHEMES:
        raise _unsafe("url_scheme", _("links must start with http://, https:// or mailto:"), value)
    _url_characters(value)
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise _unsafe("url_host", _("link cannot be parsed: {reason}"), value, reason=printable(str(exc))) from None
    if "[" in value.replace(parts.netloc, "", 1) or "]" in value.replace(parts.netloc, "", 1):
        raise _unsafe("url_chars", _("link has a square bracket outside an IPv6 host"), value)
    if parts.scheme.lower() == "mailto":
        address = parts.path
        try:
            if parts.netloc or not address:
                raise ValueError
            _check_email(address)
        except (ValueError, PydanticCustomError):
            raise _unsafe("url_host", _("a mailto: link holds one address, as mailto:name@example.com"),
                          value) from None
        return value
    if "@" in parts.netloc:
        raise _unsafe("url_credentials", _("link holds a user name or password before the host"), value)
    host = parts.hostname or ""
    if "[" in parts.netloc:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise _unsafe("url_host", _("link has an invalid IPv6 host"), value) from None
    elif not host or not _HOST.match(host):
        raise _unsafe("url_host", _("link has no valid host name after the '//'"), value)
    if port == 0:
        raise _unsafe("url_host", _("link has port 0"), value)
    return value


def _url_or_path(value: str) -> str:
    match = _SCHEME.match(value)
    if match and len(match.group(1)) > 1:
        if match.group(1).lower() not in SAFE_SCHEMES:
            raise _unsafe("url_scheme",
                          _("evidence must be an http(s) or mailto link, or a path in the repository"), value)
        return _url(value)
    _one_line(value)
    bad = next((c for c in value if c in _PATH_FORBIDDEN or not c.isprintable()), None)
    if bad is not None:
        raise _unsafe("url_path", _("path has a character paths may not hold here: {char}"), value,
                      char=printable(repr(bad)))
    parts = value.replace("\\", "/").split("/")
    if value.startswith("/") or ".." in parts or (match and len(match.group(1)) == 1):
        raise _unsafe("url_path", _("a path must stay inside the repository (relative, no '..')"), value)
    return value


def _email(value: str) -> str:
    return _check_email(value)


Text = Annotated[str, BeforeValidator(_scalar_text), AfterValidator(_one_line), Field(min_length=1)]
LongText = Annotated[str, BeforeValidator(_scalar_text)]
Id = Annotated[
    str, BeforeValidator(_scalar_text), AfterValidator(_id), Field(json_schema_extra={"pattern": ID_PATTERN})
]
Day = Annotated[date, BeforeValidator(_date), Field(json_schema_extra={"format": "date"})]
Month = Annotated[str, BeforeValidator(_month), Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Money = Annotated[float, Field(ge=0, le=MAX_MONEY)]
Days = Annotated[int, Field(ge=0, le=MAX_DAYS)]  # a number of days, 0 allowed
PositiveDays = Annotated[int, Field(gt=0, le=MAX_DAYS)]  # an interval in days
PositiveMonths = Annotated[int, Field(gt=0, le=MAX_MONTHS)]  # an interval in months
Number = Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)]  # any other number
Fraction = Annotated[float, AfterValidator(_fraction), Field(json_schema_extra={"minimum": 0, "maximum": 1})]
Score = Annotated[int, Field(ge=1, le=5)]
Url = Annotated[str, AfterValidator(_url), AfterValidator(_one_line)]
UrlOrPath = Annotated[str, AfterValidator(_url_or_path), Field(min_length=1)]
Email = Annotated[str, AfterValidator(_email)]
def _currency(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", value):
        upper = value.strip().upper()
        if re.fullmatch(r"[A-Z]{3}", upper):
            raise PydanticCustomError("currency_code", _("'{value}' is not a currency code: write '{code}'"),
                                      {"value": value, "code": upper})
        raise PydanticCustomError("currency_code",
                                  _("'{value}' is not a currency code (ISO 4217: three capital letters)"),
                                  {"value": value})
    return value


Currency = Annotated[str, AfterValidator(_currency), Field(json_schema_extra={"pattern": "^[A-Z]{3}$"})]
