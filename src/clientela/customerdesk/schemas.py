"""The customer desk: the API's request and response shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StrictBool

from clientela.api.schemas.common import In, ListQuery


class ChannelOut(Schema):
    channel: str
    label: str
    touchpoints: int = Field(description="All time.")
    touchpoints_90d: int = Field(description="In the last 90 days.")
    last_at: datetime
    share: float = Field(description="Of the party's touchpoints, all time (0..1).")
    share_90d: float = Field(description="Of the last 90 days' touchpoints (0..1).")


class TimelineItemOut(Schema):
    kind: Literal["touchpoint", "order"]
    id: str = Field(description="The activity (act_...) or order (ord_...).")
    at: datetime
    channel: str = Field(description="The activity's channel or the order's sales channel.")
    label: str
    status: str | None = Field(None, description="Orders: paid, refunded or cancelled.")


class TouchpointsOut(Schema):
    party: str
    channels: list[ChannelOut]
    timeline: list[TimelineItemOut] = Field(description="Latest touchpoints and orders.")


class ChannelMixQuery(Schema):
    months: int = Field(12, ge=1, le=36, description="Months up to the current one.")


class ChannelMonthOut(Schema):
    month: date = Field(description="The first day of the month.")
    channel: str
    touchpoints: int


class ChannelMixOut(Schema):
    months: list[date]
    rows: list[ChannelMonthOut]


class CohortOut(Schema):
    month: date
    customers: int
    repeat_customers: int
    rate: float


class RepeatRateOut(Schema):
    customers: int = Field(description="Customers with at least one paid order.")
    repeat_customers: int = Field(description="Of those, customers with two or more.")
    rate: float | None
    cohorts: list[CohortOut] = Field(description="By month of the first paid order.")


class BandsOut(Schema):
    run: str | None = Field(description="The analysis run; null before the first one.")
    run_finished_at: datetime | None
    at_risk: int
    watch: int
    healthy: int
    unscored: int
    at_risk_below: float
    watch_below: float
    model_skipped: str | None = Field(
        description="Why the run fitted no customer purchase model (null when it did)."
    )


class RetentionOut(Schema):
    repeat_rate: RepeatRateOut
    bands: BandsOut
    lapsing_after_days: int
    high_value_from: str | None = Field(
        description="Total paid spend from which a customer counts as high value (decimal)."
    )


class IncentiveOut(Schema):
    kind: Literal["personal_coupon", "tier_nudge", "rewards_reminder", "win_back_coupon"]
    label: str
    why: str


class LapsingOut(Schema):
    party: str
    name: str
    last_purchase_at: datetime
    days_since: int
    orders: int
    spent: str = Field(description="Total paid spend (decimal).")
    p_alive: float | None
    reasons: list[Literal["no_recent_purchase", "p_alive_at_risk"]]
    incentive: IncentiveOut
    coupon_url: str = Field(description="The page to issue a personal coupon to this customer.")


class LapsingQuery(ListQuery):
    pass


class CustomerDeskSettingsOut(Schema):
    auto_stage_moves: bool
    repeat_window_days: int
    lapsing_after_days: int
    p_alive_at_risk_below: float
    p_alive_watch_below: float


Days = Annotated[int, Field(ge=1, le=3660)]
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class CustomerDeskSettingsIn(In):
    """Every setting (PUT replaces them all); at risk must be below watch."""

    auto_stage_moves: StrictBool
    repeat_window_days: Days
    lapsing_after_days: Days
    p_alive_at_risk_below: Probability
    p_alive_watch_below: Probability
