"""The pages a client reaches without logging in: the booking page of a signed link, the
confirmation, the .ics download, the cancel page, and a staff member's calendar feed.

Each view is `login_not_required` and trusts nothing but its token: the booking link grants
booking for one party (and possibly some services); a cancel token grants seeing and
cancelling one booking; a feed token grants one staff member's confirmed bookings. Nothing
else of the CRM is linked or reachable from these pages.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clientela.booking import links
from clientela.booking.ics import booking_ics, feed_ics
from clientela.booking.models import Booking, BookingStatus, CreatedVia, StaffCalendar
from clientela.booking.selectors import (
    booking_slots,
    bookings_for_feed,
    calendar_by_token,
    service_list,
)
from clientela.booking.services import booking_cancel, booking_create, party_email
from clientela.booking.timezones import COMMON_ZONES, business_zone_name, zone_check
from clientela.core.errors import ApplicationError, ErrorCode

DAYS_SHOWN = 14


def _business_name() -> str:
    from clientela.core.selectors import business_get

    return business_get().name


def _refused(request, error: ApplicationError, status: int = 404):
    context = {
        "business_name": _business_name(),
        "message": error.message,
        "expired": error.extra.get("reason") == "expired",
    }
    return render(request, "booking/public_invalid.html", context, status=status)


def _zone_name(raw: str | None) -> str:
    return raw if zone_check(raw) is not None else business_zone_name()


def _parse_day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_not_required
@require_http_methods(["GET", "POST"])
def public(request, token: str):
    """Choose a service, a day (14 days, navigable), a slot; confirm. POST books."""
    from clientela.parties.models import Party

    try:
        grant = links.link_token_read(token)
    except ApplicationError as error:
        return _refused(request, error)
    party = Party.objects.prefetch_related("contact_points").filter(public_id=grant.party_public_id)
    party = party.first()
    if party is None:
        return _refused(
            request, ApplicationError(ErrorCode.NOT_FOUND, _("This link is not valid."))
        )
    services = list(service_list(active_only=True))
    if grant.service_ids:
        services = [s for s in services if s.public_id in grant.service_ids]
    params = request.POST if request.method == "POST" else request.GET
    tz_name = _zone_name(params.get("tz"))
    zone = zone_check(tz_name)
    chosen = next((s for s in services if s.public_id == params.get("service")), None)
    if chosen is None and len(services) == 1:
        chosen = services[0]
    error = ""
    if request.method == "POST" and chosen is not None:
        try:
            booking = _book(request, party=party, service=chosen)
            return redirect(f"{links.done_url(booking.public_id)}?{urlencode({'tz': tz_name})}")
        except ApplicationError as exc:
            error = exc.message
    today = timezone.now().astimezone(zone).date()
    last_day = grant.expires_at.astimezone(zone).date()
    first = max(_parse_day(params.get("from")) or today, today)
    first = min(first, max(today, last_day - timedelta(days=DAYS_SHOWN - 1)))
    context = {
        "business_name": _business_name(),
        "token": token,
        "party": party,
        "services": services,
        "service": chosen,
        "tz": tz_name,
        "zones": sorted({*COMMON_ZONES, tz_name}),
        "error": error,
        "email": params.get("email") or party_email(party),
        "note": params.get("note", ""),
    }
    if chosen is not None:
        context.update(_days_and_slots(params, chosen, zone, first, last_day, today))
    with timezone.override(zone):  # the date filters show times in the chosen zone
        return render(request, "booking/public.html", context, status=409 if error else 200)


def _days_and_slots(params, service, zone, first: date, last_day: date, today: date) -> dict:
    to = min(first + timedelta(days=DAYS_SHOWN - 1), last_day)
    slots = booking_slots(service=service, day_from=first, day_to=max(first, to), tz=zone)
    by_day: OrderedDict[date, list] = OrderedDict()
    for offset in range((max(first, to) - first).days + 1):
        by_day[first + timedelta(days=offset)] = []
    for slot in slots:
        local = slot.start.astimezone(zone)
        by_day.setdefault(local.date(), []).append(
            {
                "value": f"{slot.calendar_id}@{slot.start.strftime('%Y%m%dT%H%M%SZ')}",
                "local": local,
                "end": slot.end.astimezone(zone),
                "staff": slot.staff_name,
            }
        )
    day = _parse_day(params.get("day"))
    if day not in by_day or not by_day.get(day):
        day = next((d for d, rows in by_day.items() if rows), day if day in by_day else first)
    picked = next((row for row in by_day.get(day, []) if row["value"] == params.get("slot")), None)
    return {
        "days": [{"day": d, "count": len(rows)} for d, rows in by_day.items()],
        "day": day,
        "day_slots": by_day.get(day, []),
        "picked": picked,
        "slot_value": params.get("slot", ""),
        "slot_gone": bool(params.get("slot")) and picked is None,
        "prev_from": (first - timedelta(days=DAYS_SHOWN)).isoformat() if first > today else "",
        "next_from": (first + timedelta(days=DAYS_SHOWN)).isoformat() if to < last_day else "",
        "from": first.isoformat(),
    }


def _book(request, *, party, service) -> Booking:
    from clientela.core.errors import validation_error

    raw = request.POST.get("slot", "")
    calendar_id, _sep, stamp = raw.partition("@")
    try:
        start = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise validation_error("slot", _("choose a time")) from exc
    calendar = StaffCalendar.objects.select_related("user").filter(public_id=calendar_id).first()
    if calendar is None:
        raise validation_error("slot", _("choose a time"))
    return booking_create(
        actor=None,
        service=service,
        staff=calendar.user,
        party=party,
        start_at=start,
        created_via=CreatedVia.LINK,
        email=request.POST.get("email", "")[:254],
        note=request.POST.get("note", "")[:500],
    )


def _booking_of(token: str) -> Booking:
    public_id = links.cancel_token_read(token)
    found = (
        Booking.objects.select_related("service", "staff", "party", "staff__booking_calendar")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("This link is not valid."))
    return found


def _booking_context(booking: Booking, request, token: str) -> dict:
    tz_name = _zone_name(request.GET.get("tz") or _staff_zone(booking))
    zone = zone_check(tz_name)
    return {
        "business_name": _business_name(),
        "booking": booking,
        "token": token,
        "tz": tz_name,
        "start": booking.start_at.astimezone(zone),
        "end": booking.end_at.astimezone(zone),
        "confirmed": booking.status == BookingStatus.CONFIRMED,
        "may_cancel": booking.status == BookingStatus.CONFIRMED
        and booking.start_at > timezone.now(),
    }


def _staff_zone(booking: Booking) -> str:
    calendar = getattr(booking.staff, "booking_calendar", None)
    return calendar.time_zone if calendar is not None else business_zone_name()


@login_not_required
@require_GET
def done(request, token: str):
    try:
        booking = _booking_of(token)
    except ApplicationError as error:
        return _refused(request, error)
    context = _booking_context(booking, request, token)
    with timezone.override(zone_check(context["tz"])):
        return render(request, "booking/public_done.html", context)


@login_not_required
@require_GET
def ics(request, token: str):
    try:
        booking = _booking_of(token)
    except ApplicationError as error:
        raise Http404(error.message) from error
    body = booking_ics(booking=booking, business_name=_business_name())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{booking.public_id}.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def cancel(request, token: str):
    try:
        booking = _booking_of(token)
    except ApplicationError as error:
        return _refused(request, error)
    error = ""
    if request.method == "POST":
        try:
            booking_cancel(
                actor=None,
                booking=booking,
                reason=request.POST.get("reason", "")[:300],
                by_client=True,
            )
            return redirect(reverse("booking:cancel", args=[token]))
        except ApplicationError as exc:
            error = exc.message
    context = {**_booking_context(booking, request, token), "error": error}
    with timezone.override(zone_check(context["tz"])):
        return render(request, "booking/public_cancel.html", context, status=409 if error else 200)


@login_not_required
@require_GET
def feed(request, token: str):
    """The staff member's calendar (iCalendar), secret URL; 404 for any other token."""
    try:
        calendar = calendar_by_token(token=token)
    except ApplicationError as error:
        raise Http404(error.message) from error
    body = feed_ics(
        calendar_owner=calendar.user,
        bookings=bookings_for_feed(calendar=calendar),
        business_name=_business_name(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
