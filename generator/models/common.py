"""Value types shared by the records, with messages a record editor can act on."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_ID = re.compile(ID_PATTERN)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_MONTH = re.compile(r"(\d{4})-(\d{2})\Z")
_EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+\Z")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
SAFE_SCHEMES = ("http", "https", "mailto")


class Record(BaseModel):
    """Base of every record: strict types, unknown fields rejected."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, frozen=True)


def _scalar_text(value: Any) -> Any:
    """A number written where text is expected keeps its text as written."""
    raw = getattr(value, "raw", None)
    return raw if isinstance(raw, str) else value


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise PydanticCustomError("multi_line", "must be a single line (no line breaks)")
    return value


def _id(value: str) -> str:
    if not _ID.fullmatch(value) or len(value) > 64:
        raise PydanticCustomError(
            "invalid_id",
            "'{value}' is not a valid id: use 1-64 lowercase letters, digits and single hyphens",
            {"value": value},
        )
    return value


def _date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.match(value):
        raise PydanticCustomError("date_format", "expected a date written as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "impossible_date", "'{value}' is not a real calendar date", {"value": value}
        ) from None


def _month(value: Any) -> Any:
    text = _scalar_text(value)
    if not isinstance(text, str) or not (match := _MONTH.match(text)):
        raise PydanticCustomError("month_format", "expected a month written as YYYY-MM")
    if not 1 <= int(match.group(2)) <= 12:
        raise PydanticCustomError("impossible_month", "'{value}' is not a real month", {"value": text})
    return text


def _fraction(value: float) -> float:
    if 1 < value <= 100:
        raise PydanticCustomError(
            "percent_for_fraction",
            "{value} looks like a percent; rates are fractions here (0.05 = 5%)",
            {"value": value},
        )
    if not 0 <= value <= 1:
        raise PydanticCustomError("fraction_range", "must be a fraction between 0 and 1")
    return value


def _url(value: str) -> str:
    match = _SCHEME.match(value)
    if not match or match.group(1).lower() not in SAFE_SCHEMES:
        raise PydanticCustomError("url_scheme", "links must start with http://, https:// or mailto:")
    return value


def _url_or_path(value: str) -> str:
    match = _SCHEME.match(value)
    if match and len(match.group(1)) > 1 and match.group(1).lower() not in SAFE_SCHEMES:
        raise PydanticCustomError(
            "url_scheme", "evidence must be an http(s) or mailto link, or a path in the repository"
        )
    return _one_line(value)


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise PydanticCustomError("email", "'{value}' is not an email address", {"value": value})
    return value


Text = Annotated[str, BeforeValidator(_scalar_text), AfterValidator(_one_line), Field(min_length=1)]
LongText = Annotated[str, BeforeValidator(_scalar_text)]
Id = Annotated[
    str, BeforeValidator(_scalar_text), AfterValidator(_id), Field(json_schema_extra={"pattern": ID_PATTERN})
]
Day = Annotated[date, BeforeValidator(_date), Field(json_schema_extra={"format": "date"})]
Month = Annotated[str, BeforeValidator(_month), Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Count = Annotated[int, Field(ge=0)]
Money = Annotated[float, Field(ge=0)]
Fraction = Annotated[float, AfterValidator(_fraction), Field(json_schema_extra={"minimum": 0, "maximum": 1})]
Score = Annotated[int, Field(ge=1, le=5)]
Url = Annotated[str, AfterValidator(_url), AfterValidator(_one_line)]
UrlOrPath = Annotated[str, AfterValidator(_url_or_path), Field(min_length=1)]
Email = Annotated[str, AfterValidator(_email)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
