"""Booking API shapes: services, slots, bookings, links, availability."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from clientela.api.schemas.common import In, ListQuery, PublicId, Username
from clientela.booking.models import MeetingKind

Name = Annotated[str, Field(min_length=1, max_length=120)]
Description = Annotated[str, Field(max_length=2000)]
Duration = Annotated[int, Field(ge=5, le=480)]
Buffer = Annotated[int, Field(ge=0, le=240)]
Kind = Literal[tuple(MeetingKind.values)]  # type: ignore[valid-type]
HHMM = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
Zone = Annotated[str, Field(min_length=1, max_length=64)]


class ServiceOut(Schema):
    id: str
    name: str
    description: str
    duration_minutes: int
    buffer_minutes: int
    meeting_kind: str
    staff: list[str] = Field(description="Usernames of the staff who deliver it.")
    catalog_item: str | None
    active: bool
    created_at: datetime
    updated_at: datetime


class ServiceIn(In):
    name: Name
    description: Description = ""
    duration_minutes: Duration
    buffer_minutes: Buffer = 0
    meeting_kind: Kind = MeetingKind.IN_PERSON.value  # type: ignore[assignment]
    staff: Annotated[list[Username], Field(max_length=100)] = []
    catalog_item: PublicId | None = None
    active: bool = True


class ServicePatch(In):
    name: Name | None = None
    description: Description | None = None
    duration_minutes: Duration | None = None
    buffer_minutes: Buffer | None = None
    meeting_kind: Kind | None = None  # type: ignore[valid-type]
    staff: Annotated[list[Username], Field(max_length=100)] | None = None
    active: bool | None = None


class SlotQuery(Schema):
    service: PublicId
    from_: date = Field(..., alias="from")
    to: date | None = Field(None, description="Last day (inclusive); default: `from`.")
    tz: Zone | None = Field(None, description="IANA zone of the days and `start_local`.")
    staff: Username | None = None


class SlotOut(Schema):
    staff: str
    staff_name: str
    start: datetime
    end: datetime
    start_local: str = Field(description="The start in `tz`, ISO 8601 with its offset.")


class SlotList(Schema):
    tz: str
    items: list[SlotOut]
    next: str | None = None


class BookingOut(Schema):
    id: str
    service: str
    service_name: str
    staff: str
    party: str
    party_name: str
    start_at: datetime
    end_at: datetime
    status: str
    email: str
    note: str
    created_via: str
    cancelled_at: datetime | None
    cancel_reason: str
    uid: str
    sequence: int
    created_at: datetime


class BookingQuery(ListQuery):
    scope: Literal["visible", "mine"] = "visible"
    status: Literal["", "confirmed", "cancelled"] = ""
    party: PublicId | None = None


class BookingIn(In):
    service: PublicId
    staff: Username
    party: PublicId
    start_at: datetime
    email: Annotated[str, Field(max_length=254)] | None = None
    note: Annotated[str, Field(max_length=500)] = ""


class CancelIn(In):
    reason: Annotated[str, Field(max_length=300)] = ""


class LinkIn(In):
    party: PublicId
    services: Annotated[list[PublicId], Field(max_length=50)] = []


class LinkOut(Schema):
    url: str
    expires_at: datetime


class Span(Schema):
    weekday: Annotated[int, Field(ge=0, le=6, description="0 = Monday")]
    start: HHMM
    end: HHMM


class TimeOffOut(Schema):
    id: str
    start_at: datetime
    end_at: datetime
    reason: str


class AvailabilityOut(Schema):
    user: str
    time_zone: str
    hours: list[Span]
    time_off: list[TimeOffOut] = Field(description="Time off that has not ended yet.")


class TimeOffIn(In):
    start_at: datetime
    end_at: datetime
    reason: Annotated[str, Field(max_length=200)] = ""


class AvailabilityIn(In):
    time_zone: Zone
    hours: Annotated[list[Span], Field(max_length=70)]
    time_off: Annotated[list[TimeOffIn], Field(max_length=200)] | None = Field(
        None, description="When given, replaces the time off that has not ended yet."
    )


def service_out(service) -> dict:
    return {
        "id": service.public_id,
        "name": service.name,
        "description": service.description,
        "duration_minutes": service.duration_minutes,
        "buffer_minutes": service.buffer_minutes,
        "meeting_kind": service.meeting_kind,
        "staff": sorted(u.username for u in service.staff.all()),
        "catalog_item": service.catalog_item.public_id if service.catalog_item_id else None,
        "active": service.active,
        "created_at": service.created_at,
        "updated_at": service.updated_at,
    }


def booking_out(booking) -> dict:
    return {
        "id": booking.public_id,
        "service": booking.service.public_id,
        "service_name": booking.service.name,
        "staff": booking.staff.username,
        "party": booking.party.public_id,
        "party_name": booking.party.display_name,
        "start_at": booking.start_at,
        "end_at": booking.end_at,
        "status": booking.status,
        "email": booking.email,
        "note": booking.note,
        "created_via": booking.created_via,
        "cancelled_at": booking.cancelled_at,
        "cancel_reason": booking.cancel_reason,
        "uid": booking.uid,
        "sequence": booking.sequence,
        "created_at": booking.created_at,
    }
