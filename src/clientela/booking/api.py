"""Booking: the REST endpoints under /api/v1/booking. Thin over booking.services,
booking.setup and booking.selectors, the functions the pages call (docs/client-desk.md,
"Self-service booking")."""

from __future__ import annotations

from datetime import time

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from clientela.api.etags import with_etag
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import (
    PathId,
    PathUsername,
    actor,
    created,
    links_to,
    page,
    party_ref,
    referenced,
    responses,
    user_ref,
)
from clientela.api.schemas.common import ListQuery
from clientela.booking import selectors, setup
from clientela.booking.api_schemas import (
    AvailabilityIn,
    AvailabilityOut,
    BookingIn,
    BookingOut,
    BookingQuery,
    CancelIn,
    LinkIn,
    LinkOut,
    ServiceIn,
    ServiceOut,
    ServicePatch,
    SlotList,
    SlotQuery,
    booking_out,
    service_out,
)
from clientela.booking.models import CreatedVia
from clientela.booking.services import booking_cancel, booking_create, booking_link_create
from clientela.booking.timezones import zone_check
from clientela.core.errors import validation_error

router = Router(tags=["Booking"])
ServicePage = page_schema(ServiceOut)
BookingPage = page_schema(BookingOut)


def _service_ref(field: str, public_id: str):
    return referenced(field, lambda: selectors.service_get(public_id=public_id))


def _staff(field: str, usernames: list[str]) -> list:
    return [user_ref(field, name) for name in usernames]


def _catalog_item(public_id: str | None):
    if public_id is None:
        return None
    from clientela.commerce.selectors import catalog_item_get

    return referenced("catalog_item", lambda: catalog_item_get(public_id=public_id))


# -- services -----------------------------------------------------------------------------


@router.get("/services", response=responses(200, ServicePage), operation_id="listBookableServices")
def list_services(request: HttpRequest, query: Query[ListQuery]):
    """Every bookable service, by name (any signed-in user)."""
    rows, next_cursor = keyset_page(
        selectors.service_list(),
        ordering=("name", "id"),
        cursor=query.cursor,
        limit=query.limit,
        tag="booking-services",
    )
    return page(rows, next_cursor, service_out)


@router.post(
    "/services",
    response=responses(201, ServiceOut),
    operation_id="createBookableService",
    openapi_extra=links_to("getBookableService", "updateBookableService"),
)
def create_service(request: HttpRequest, response: HttpResponse, payload: ServiceIn):
    """A new bookable service (admins and managers)."""
    from clientela.accounts.permissions import Action, authorize

    authorize(actor(request), Action.DESK_CONFIGURE)
    data = payload.model_dump()
    service = setup.service_create(
        actor=actor(request),
        **{k: v for k, v in data.items() if k not in ("staff", "catalog_item")},
        staff=_staff("staff", data["staff"]),
        catalog_item=_catalog_item(data["catalog_item"]),
    )
    body = with_etag(response, service_out(selectors.service_get(public_id=service.public_id)))
    return created(response, body, path=f"booking/services/{service.public_id}")


@router.get(
    "/services/{public_id}", response=responses(200, ServiceOut), operation_id="getBookableService"
)
def get_service(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, service_out(selectors.service_get(public_id=public_id)))


@router.patch(
    "/services/{public_id}",
    response=responses(200, ServiceOut),
    operation_id="updateBookableService",
)
def update_service(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: ServicePatch
):
    """Change some fields (only those sent); `staff` replaces the staff list."""
    from clientela.accounts.permissions import Action, authorize

    authorize(actor(request), Action.DESK_CONFIGURE)
    service = selectors.service_get(public_id=public_id)
    data = payload.model_dump(exclude_unset=True, exclude_none=True)
    staff = _staff("staff", data.pop("staff")) if "staff" in data else None
    setup.service_update(actor=actor(request), service=service, staff=staff, **data)
    return with_etag(response, service_out(selectors.service_get(public_id=public_id)))


@router.delete(
    "/services/{public_id}",
    response=responses(204, None),
    operation_id="deleteBookableService",
)
def delete_service(request: HttpRequest, public_id: PathId):
    """Delete a service never booked (a booked one: 409, deactivate it instead)."""
    from clientela.accounts.permissions import Action, authorize

    authorize(actor(request), Action.DESK_CONFIGURE)
    setup.service_delete(actor=actor(request), service=selectors.service_get(public_id=public_id))
    return Status(204, None)


# -- slots --------------------------------------------------------------------------------


@router.get("/slots", response=responses(200, SlotList), operation_id="listBookingSlots")
def list_slots(request: HttpRequest, query: Query[SlotQuery]):
    """Free slots of a service from `from` to `to` (days in `tz`, default the business
    zone; at most 62 days), in UTC with the start also in `tz`."""
    if query.tz is not None and zone_check(query.tz) is None:
        raise validation_error("tz", _("is not a known IANA time zone"))
    service = _service_ref("service", query.service)
    staff = user_ref("staff", query.staff)
    zone = zone_check(query.tz) if query.tz else None
    from clientela.booking.timezones import zone_or_default

    zone = zone or zone_or_default(None)
    slots = selectors.booking_slots(
        service=service,
        day_from=query.from_,
        day_to=query.to or query.from_,
        tz=zone,
        staff_ids=[staff.pk] if staff is not None else None,
    )
    items = [
        {
            "staff": slot_staff,
            "staff_name": slot.staff_name,
            "start": slot.start,
            "end": slot.end,
            "start_local": slot.start.astimezone(zone).isoformat(),
        }
        for slot, slot_staff in zip(slots, _usernames(slots), strict=True)
    ]
    return {"tz": zone.key, "items": items, "next": None}


def _usernames(slots) -> list[str]:
    from clientela.accounts.models import User

    names = dict(
        User.objects.filter(pk__in={s.staff_id for s in slots}).values_list("pk", "username")
    )
    return [names[s.staff_id] for s in slots]


# -- bookings -----------------------------------------------------------------------------


@router.get("/bookings", response=responses(200, BookingPage), operation_id="listBookings")
def list_bookings(request: HttpRequest, query: Query[BookingQuery]):
    """Bookings the caller may see (all for admins and managers; otherwise those they
    deliver and those of their clients), by start time."""
    rows = selectors.bookings_visible(user=actor(request))
    if query.scope == "mine":
        rows = rows.filter(staff_id=actor(request).pk)
    if query.status:
        rows = rows.filter(status=query.status)
    if query.party:
        rows = rows.filter(party__public_id=query.party)
    found, next_cursor = keyset_page(
        rows,
        ordering=("start_at", "id"),
        cursor=query.cursor,
        limit=query.limit,
        tag="bookings",
    )
    return page(found, next_cursor, booking_out)


@router.get("/bookings/{public_id}", response=responses(200, BookingOut), operation_id="getBooking")
def get_booking(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(
        response, booking_out(selectors.booking_get(user=actor(request), public_id=public_id))
    )


@router.post(
    "/bookings",
    response=responses(201, BookingOut),
    operation_id="createBooking",
    openapi_extra=links_to("getBooking", "cancelBooking"),
)
def create_booking(request: HttpRequest, response: HttpResponse, payload: BookingIn):
    """Book a slot for a party (whoever may change the party's relationship). A time that
    is no slot of the service is 422 naming `start_at`; a slot just taken is 409."""
    if timezone.is_naive(payload.start_at):
        raise validation_error("start_at", _("needs a time zone"))
    booking = booking_create(
        actor=actor(request),
        service=_service_ref("service", payload.service),
        staff=user_ref("staff", payload.staff),
        party=party_ref("party", payload.party),
        start_at=payload.start_at,
        created_via=CreatedVia.API,
        email=payload.email,
        note=payload.note,
    )
    body = with_etag(response, booking_out(booking))
    return created(response, body, path=f"booking/bookings/{booking.public_id}")


@router.post(
    "/bookings/{public_id}/cancel",
    response=responses(200, BookingOut),
    operation_id="cancelBooking",
)
def cancel_booking(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: CancelIn | None = None
):
    """Cancel a booking that has not started (the staff member delivering it, or whoever
    may change the party's relationship); the client receives the .ics cancellation."""
    booking = booking_cancel(
        actor=actor(request),
        booking=selectors.booking_get(user=actor(request), public_id=public_id),
        reason=payload.reason if payload is not None else "",
    )
    return with_etag(response, booking_out(booking))


@router.post("/links", response=responses(201, LinkOut), operation_id="createBookingLink")
def create_link(request: HttpRequest, payload: LinkIn):
    """A signed booking link for a client (no login needed to book with it), valid for the
    desk setting `booking_link_days`."""
    link = booking_link_create(
        actor=actor(request),
        party=party_ref("party", payload.party),
        services=[_service_ref("services", pid) for pid in payload.services],
    )
    return Status(201, {"url": link.url, "expires_at": link.expires_at})


# -- availability -------------------------------------------------------------------------


def _availability(user) -> dict:
    calendar = setup.calendar_ensure(user=user)
    return {
        "user": user.username,
        "time_zone": calendar.time_zone,
        "hours": [
            {
                "weekday": span.weekday,
                "start": span.start_time.strftime("%H:%M"),
                "end": span.end_time.strftime("%H:%M"),
            }
            for span in calendar.hours.all()
        ],
        "time_off": [
            {"id": t.public_id, "start_at": t.start_at, "end_at": t.end_at, "reason": t.reason}
            for t in selectors.time_off_upcoming(calendar=calendar)
        ],
    }


def _user(username: str):
    from clientela.accounts.selectors import user_get

    return user_get(username=username)


@router.get(
    "/availability/{username}",
    response=responses(200, AvailabilityOut),
    operation_id="getAvailability",
)
def get_availability(request: HttpRequest, response: HttpResponse, username: PathUsername):
    """A staff member's time zone, weekly working hours and upcoming time off."""
    return with_etag(response, _availability(_user(username)))


@router.put(
    "/availability/{username}",
    response=responses(200, AvailabilityOut),
    operation_id="setAvailability",
)
def set_availability(
    request: HttpRequest, response: HttpResponse, username: PathUsername, payload: AvailabilityIn
):
    """Replace the time zone and working hours (and, when `time_off` is sent, the time off
    not ended yet). One's own, or anyone's with DESK_CONFIGURE."""
    user = _user(username)
    time_off = None
    if payload.time_off is not None:
        time_off = [(t.start_at, t.end_at, t.reason) for t in payload.time_off]
    setup.availability_set(
        actor=actor(request),
        user=user,
        time_zone=payload.time_zone,
        hours=[
            (span.weekday, time.fromisoformat(span.start), time.fromisoformat(span.end))
            for span in payload.hours
        ],
        time_off=time_off,
    )
    return with_etag(response, _availability(user))
