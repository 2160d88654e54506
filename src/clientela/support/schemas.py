"""Support: the API's request and response shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AwareDatetime, Field

from clientela.api.schemas.common import In, ListQuery, PublicId, Username

KindName = Literal["client", "customer", "other"]
ChannelName = Literal["web", "email", "phone", "chat", "api"]
PriorityName = Literal["low", "normal", "high", "urgent"]
StatusName = Literal["new", "open", "pending", "resolved", "closed"]
Hhmm = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]
Minutes = Annotated[int, Field(ge=1, le=60 * 24 * 365)]


class TargetOut(Schema):
    state: str = Field(description="on_track, at_risk, breached, paused, met or missed.")
    due: datetime
    target_minutes: int
    minutes_left: float | None = Field(
        description="Business minutes left (negative: overdue); null once done."
    )
    done_at: datetime | None


class SlaOut(Schema):
    first_response: TargetOut
    resolution: TargetOut


class TicketOut(Schema):
    id: str
    reference: str
    party: str
    party_name: str
    kind: str
    subject: str
    channel: str
    priority: str
    category: str
    status: str
    assignee: str | None
    created_at: datetime
    updated_at: datetime
    first_responded_at: datetime | None
    resolved_at: datetime | None
    sla: SlaOut


class TicketIn(In):
    party: PublicId
    subject: Annotated[str, Field(min_length=1, max_length=300)]
    body: Annotated[str, Field(max_length=50000)] = ""
    channel: ChannelName = "api"
    priority: PriorityName = "normal"
    category: Annotated[str, Field(max_length=40)] = ""


class TicketPatch(In):
    assignee: Username | None = Field(
        None, description="A username whose role works tickets; null returns it to the queue."
    )
    status: StatusName | None = None
    priority: PriorityName | None = None
    category: Annotated[str, Field(max_length=40)] | None = None


class TicketQuery(ListQuery):
    status: Literal["active", "any", "new", "open", "pending", "resolved", "closed"] = Field(
        "active", description="`active`: new, open and pending (the default); `any`: all."
    )
    priority: PriorityName | None = None
    kind: KindName | None = None
    assignee: Username | None = None
    unassigned: bool = False
    party: PublicId | None = None


class MessageOut(Schema):
    id: str
    ticket: str
    author: str | None
    author_name: str
    from_customer: bool
    internal: bool
    body: str
    at: datetime


class MessageIn(In):
    body: Annotated[str, Field(min_length=1, max_length=50000)]
    internal: bool = False


class EmailIn(In):
    from_: Annotated[str, Field(alias="from", min_length=3, max_length=300)]
    from_name: Annotated[str, Field(max_length=200)] = ""
    to: Annotated[str, Field(max_length=1000)] = ""
    subject: Annotated[str, Field(max_length=1000)] = ""
    text: Annotated[str, Field(min_length=1, max_length=50000)]
    message_id: Annotated[str, Field(min_length=1, max_length=300)]
    in_reply_to: Annotated[str, Field(max_length=2000)] = ""
    references: Annotated[str, Field(max_length=10000)] = ""
    received_at: AwareDatetime | None = None


class EmailInOut(Schema):
    ticket: TicketOut
    message: str | None
    created_ticket: bool
    duplicate: bool = Field(description="True when this message_id was already received.")


class PolicyItem(Schema):
    kind: KindName
    priority: PriorityName
    first_response_minutes: Minutes
    resolution_minutes: Minutes


class PolicyItemIn(In):
    kind: KindName
    priority: PriorityName
    first_response_minutes: Minutes
    resolution_minutes: Minutes


class PoliciesOut(Schema):
    policies: list[PolicyItem]


class PoliciesIn(In):
    policies: Annotated[list[PolicyItemIn], Field(max_length=12)]


class HolidayItem(Schema):
    date: date
    name: Annotated[str, Field(max_length=100)] = ""


class HolidayIn(In):
    date: date
    name: Annotated[str, Field(max_length=100)] = ""


class CalendarOut(Schema):
    id: str
    name: str
    time_zone: str
    hours: dict[str, list[list[str]]]
    holidays: list[HolidayItem]


class CalendarIn(In):
    name: Annotated[str, Field(max_length=100)] | None = None
    time_zone: Annotated[str, Field(min_length=1, max_length=64)]
    hours: dict[
        Literal["0", "1", "2", "3", "4", "5", "6"],
        Annotated[
            list[Annotated[list[Hhmm], Field(min_length=2, max_length=2)]], Field(max_length=12)
        ],
    ]
    holidays: Annotated[list[HolidayIn], Field(max_length=400)] = []


class ReportQuery(Schema):
    from_: date | None = Field(None, alias="from", description="Default: 30 days ago.")
    to: date | None = Field(None, description="Default: today.")


class BreachRow(Schema):
    kind: str
    priority: str
    tickets: int
    first_response: int
    resolution: int


class CategoryRow(Schema):
    category: str
    name: str
    tickets: int


class ReportOut(Schema):
    start: date
    end: date
    tickets: int
    median_first_response_minutes: float | None
    median_resolution_minutes: float | None
    first_response_met_share: float | None
    resolution_met_share: float | None
    breaches: list[BreachRow]
    by_category: list[CategoryRow]
