"""Staff pages under /desk/bookings/: upcoming bookings (mine, or all for admins and
managers), cancelling, booking links for a client, the signed-in user's calendar feed, and
the setup page (services; working hours and time off). Thin: the services check rights."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from clientela.accounts.permissions import Action, is_allowed
from clientela.booking import setup
from clientela.booking.links import absolute
from clientela.booking.models import MeetingKind, TimeOff
from clientela.booking.selectors import (
    booking_get,
    bookings_upcoming,
    calendar_for,
    service_get,
    service_list,
    time_off_upcoming,
)
from clientela.booking.services import booking_cancel, booking_link_create, booking_may_cancel
from clientela.booking.timezones import COMMON_ZONES, zone_check, zone_or_default
from clientela.core.errors import validation_error
from clientela.web.views.common import safe_next

WEEKDAYS = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]


def _zone_for(user) -> str:
    calendar = calendar_for(user=user)
    return zone_or_default(calendar.time_zone if calendar else None).key


@require_GET
def booking_list(request):
    user = request.user
    sees_all = is_allowed(user, Action.DESK_CONFIGURE)
    mine_only = not sees_all or request.GET.get("scope") != "all"
    tz_name = request.GET.get("tz") if zone_check(request.GET.get("tz")) else _zone_for(user)
    zone = zone_check(tz_name)
    rows = bookings_upcoming(user=user, mine_only=mine_only)
    for row in rows:
        row.local_start = row.start_at.astimezone(zone)
        row.local_end = row.end_at.astimezone(zone)
        row.may_cancel = booking_may_cancel(user=user, booking=row)
    calendar = setup.calendar_ensure(user=user)
    context = {
        "rows": rows,
        "mine_only": mine_only,
        "sees_all": sees_all,
        "tz": tz_name,
        "services": service_list(active_only=True),
        "clients": _linkable_parties(user),
        "new_link": request.session.pop("booking_new_link", None),
        "feed_url": absolute(reverse("booking:feed", args=[calendar.feed_token])),
        "calendar": calendar,
    }
    with timezone.override(zone):  # the date filters show times in the chosen zone
        return render(request, "booking/list.html", context)


def _linkable_parties(user) -> list:
    """Parties the user may send a booking link to: clients (theirs, or all for managers)."""
    from clientela.parties.models import Party

    rows = Party.objects.filter(current_kind="client").order_by("sort_key", "id")
    if not is_allowed(user, Action.RELATIONSHIP_ASSIGN):
        rows = rows.filter(current_owner_id=user.pk)
    return list(rows.only("public_id", "display_name")[:500])


@require_POST
def staff_cancel(request, public_id: str):
    booking = booking_get(user=request.user, public_id=public_id)
    booking_cancel(actor=request.user, booking=booking, reason=request.POST.get("reason", ""))
    messages.success(request, _("The booking is cancelled; the client is told by email."))
    return redirect(safe_next(request, reverse("booking:list")))


@require_POST
def link_create(request):
    from clientela.parties.selectors import party_get

    raw = (request.POST.get("party") or "").strip()
    if not raw:
        raise validation_error("party", _("choose a client"))
    party = party_get(public_id=raw.split(" ", 1)[0])
    services = [service_get(public_id=pid) for pid in request.POST.getlist("services") if pid]
    link = booking_link_create(actor=request.user, party=party, services=services)
    request.session["booking_new_link"] = {
        "url": link.url,
        "party": party.display_name,
        "expires_at": link.expires_at.isoformat(),
    }
    target = safe_next(request, reverse("booking:list"))
    if target != reverse("booking:list"):
        messages.success(
            request, _("Booking link for %(party)s: %(url)s") % {"party": party, "url": link.url}
        )
    return redirect(target)


@require_POST
def feed_regenerate(request):
    setup.feed_token_regenerate(actor=request.user, user=request.user)
    messages.success(request, _("A new feed address is ready; the old one no longer works."))
    return redirect(reverse("booking:list"))


# -- setup: services and availability ------------------------------------------------------


def _target_user(request):
    from clientela.accounts.models import User

    username = request.GET.get("user") or request.POST.get("user")
    if not username or username == request.user.username:
        return request.user
    found = User.objects.filter(username=username, is_active=True).first()
    return found or request.user


@require_GET
def setup_page(request):
    from clientela.accounts.models import User

    configure = is_allowed(request.user, Action.DESK_CONFIGURE)
    target = _target_user(request) if configure else request.user
    calendar = setup.calendar_ensure(user=target)
    zone = zone_or_default(calendar.time_zone)
    spans: dict[int, list[str]] = {}
    for span in calendar.hours.all():
        spans.setdefault(span.weekday, []).append(f"{span.start_time:%H:%M}-{span.end_time:%H:%M}")
    time_off = list(time_off_upcoming(calendar=calendar))
    for row in time_off:
        row.local_start = row.start_at.astimezone(zone)
        row.local_end = row.end_at.astimezone(zone)
    context = {
        "configure": configure,
        "target": target,
        "calendar": calendar,
        "zones": sorted({*COMMON_ZONES, calendar.time_zone}),
        "weekdays": [(i, WEEKDAYS[i], ", ".join(spans.get(i, []))) for i in range(7)],
        "time_off": time_off,
        "services": service_list(),
        "staff_choices": User.objects.filter(is_active=True).order_by("username"),
        "meeting_kinds": MeetingKind.choices,
    }
    with timezone.override(zone):
        return render(request, "booking/setup.html", context)


def _setup_url(user) -> str:
    return f"{reverse('booking:setup')}?user={user.username}"


def _service_values(post) -> dict:
    from clientela.accounts.models import User

    def number(field: str, default: int | None = None) -> int:
        raw = (post.get(field) or "").strip()
        if not raw and default is not None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise validation_error(field, _("must be a whole number")) from None

    return {
        "name": post.get("name", ""),
        "description": post.get("description", ""),
        "duration_minutes": number("duration_minutes"),
        "buffer_minutes": number("buffer_minutes", 0),
        "meeting_kind": post.get("meeting_kind") or MeetingKind.IN_PERSON,
        "active": post.get("active") == "on",
        "staff": list(User.objects.filter(username__in=post.getlist("staff"), is_active=True)),
    }


@require_POST
def service_create(request):
    values = _service_values(request.POST)
    service = setup.service_create(actor=request.user, **values)
    messages.success(request, _("Service “%(name)s” created.") % {"name": service.name})
    return redirect(reverse("booking:setup"))


@require_POST
def service_update(request, public_id: str):
    service = service_get(public_id=public_id)
    values = _service_values(request.POST)
    setup.service_update(actor=request.user, service=service, **values)
    messages.success(request, _("Service “%(name)s” saved.") % {"name": values["name"]})
    return redirect(reverse("booking:setup"))


def parse_spans(raw: str, field: str) -> list[tuple[time, time]]:
    """ "09:00-12:00, 13:00-17:00" as (start, end) pairs; a bad span names `field`."""
    spans = []
    for part in [p.strip() for p in (raw or "").replace(";", ",").split(",") if p.strip()]:
        try:
            start, end = (p.strip() for p in part.split("-", 1))
            spans.append((time.fromisoformat(start), time.fromisoformat(end)))
        except ValueError:
            raise validation_error(field, _("write spans like 09:00-12:00, 13:00-17:00")) from None
    return spans


@require_POST
def availability(request):
    user = _target_user(request)
    hours = [
        (weekday, start, end)
        for weekday in range(7)
        for start, end in parse_spans(request.POST.get(f"day_{weekday}", ""), f"day_{weekday}")
    ]
    setup.availability_set(
        actor=request.user, user=user, time_zone=request.POST.get("time_zone"), hours=hours
    )
    messages.success(request, _("Working hours saved."))
    return redirect(_setup_url(user))


@require_POST
def time_off_add(request):
    user = _target_user(request)
    calendar = setup.calendar_ensure(user=user)
    zone = zone_or_default(calendar.time_zone)

    def moment(field: str) -> datetime:
        try:
            return datetime.fromisoformat(request.POST.get(field, "")).replace(tzinfo=zone)
        except ValueError:
            raise validation_error(field, _("must be a date and time")) from None

    setup.time_off_add(
        actor=request.user,
        user=user,
        start_at=moment("start_at"),
        end_at=moment("end_at"),
        reason=request.POST.get("reason", "")[:200],
    )
    messages.success(request, _("Time off added."))
    return redirect(_setup_url(user))


@require_POST
def time_off_delete(request, public_id: str):
    from clientela.core.errors import ApplicationError, ErrorCode

    row = TimeOff.objects.select_related("calendar__user").filter(public_id=public_id).first()
    if row is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such time off."))
    setup.time_off_delete(actor=request.user, time_off=row)
    messages.success(request, _("Time off removed."))
    return redirect(_setup_url(row.calendar.user))
