"""Check-ins: the API's request and response shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AwareDatetime, Field

from clientela.api.schemas.common import In, ListQuery, Username

ChannelName = Literal["call", "email", "virtual_meeting", "in_person_meeting"]


class CadenceOut(Schema):
    id: str
    relationship: str
    party: str
    every_days: int
    channel: str
    is_active: bool
    started_on: date
    last_contact_at: datetime | None
    next_due_on: date
    days_overdue: int = Field(description="> 0 overdue by that many days; <= 0 not yet.")
    punctuality: float | None = Field(
        description="Share of the last 365 days' cadence periods with a staff interaction."
    )
    created_at: datetime
    updated_at: datetime


class CadenceIn(In):
    every_days: Annotated[int, Field(ge=1, le=366)]
    channel: ChannelName
    is_active: bool = True
    started_on: date | None = Field(None, description="Defaults to today for a new cadence.")


class DueOut(Schema):
    relationship: str
    party: str
    party_name: str
    owner: str | None
    channel: str
    every_days: int
    last_contact_at: datetime | None
    due_on: date
    days_overdue: int


class DueQuery(ListQuery):
    owner: Username | None = Field(None, description="An account manager's username.")
    within_days: int = Field(7, ge=0, le=366)


class CheckinIn(In):
    channel: ChannelName
    note: Annotated[str, Field(max_length=10000)] = ""
    at: AwareDatetime | None = Field(None, description="When it happened; now by default.")


class CheckinOut(Schema):
    activity: str
    relationship: str
    kind: str
    occurred_at: datetime
    next_due_on: date | None
