"""partners/<partner-id>/sla.yaml: SLA targets and monthly measurements."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from generator.records.common import Currency, Day, Id, Money, Month, Number, Record, Text

MetricId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class Metric(Record):
    id: MetricId
    name: Text
    unit: Text | None = None
    target: Number
    better: Literal["higher", "lower"]


class Measurement(Record):
    """One month of measurements: ``month`` plus one key per metric id."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Number | None] = Field(init=False)

    month: Month


class Credit(Record):
    """What happened to the service credit of one breached month: when it was claimed and received.

    ``amount`` is what was agreed (default: the credit computed for that month), in ``currency``
    (default: the currency of the SLA's contract value, else the reporting currency).
    """

    month: Month
    claimed: Day | None = None
    received: Day | None = None
    amount: Money | None = None
    currency: Currency | None = None


class Sla(Record):
    """SLA targets and monthly measurements of one partner."""

    contract: Id | None = None
    metrics: list[Metric] = Field(min_length=1)
    service_credit_percent: float = Field(default=0, ge=0, le=100)
    measurements: list[Measurement] = []
    credits: list[Credit] = []
