"""Bookings: create (without double booking), cancel, and the signed booking link.

No double booking: `booking_create` locks the staff member's StaffCalendar row
(`select_for_update`) and recomputes that staff member's free slots INSIDE the
transaction, so of two requests for the same time the second one sees the first's booking
and gets CONFLICT ("this time was just taken"). On SQLite the IMMEDIATE transactions (see
config/settings.py) take the write lock at BEGIN, which serialises the writers the same way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize, is_allowed
from clientela.booking import links
from clientela.booking.models import (
    BookableService,
    Booking,
    BookingStatus,
    CreatedVia,
    StaffCalendar,
)
from clientela.booking.notify import booking_notify
from clientela.booking.selectors import MAX_YEAR, MIN_YEAR, slots_between
from clientela.booking.setup import calendar_ensure
from clientela.core.errors import (
    ApplicationError,
    ErrorCode,
    from_django_validation,
    validation_error,
)
from clientela.core.services import audit_record


@dataclass(frozen=True)
class BookingLink:
    url: str
    token: str
    expires_at: datetime


def booking_link_create(*, actor, party, services: list[BookableService] | None = None):
    """A signed link with which the party's contact books, without logging in, one of
    `services` (none given: any active service). Needs RELATIONSHIP_CHANGE on the party
    (the client's account manager, managers, admins). Valid `booking_link_days`."""
    authorize(actor, Action.RELATIONSHIP_CHANGE, party=party)
    services = list(services or [])
    for service in services:
        if not service.active:
            raise validation_error("services", _("%(name)s is not active") % {"name": service})
    token = links.link_token_make(
        party_public_id=party.public_id, service_ids=[s.public_id for s in services]
    )
    grant = links.link_token_read(token)
    audit_record(
        actor=actor,
        action="booking.link_created",
        target=party,
        data={"services": [s.public_id for s in services], "expires_at": grant.expires_at},
    )
    return BookingLink(url=links.public_url(token), token=token, expires_at=grant.expires_at)


def party_email(party) -> str:
    """The party's primary email, or ""."""
    points = [p for p in party.contact_points.all() if p.kind == "email"]
    points.sort(key=lambda p: (not p.is_primary, p.id))
    return points[0].value if points else ""


def booking_create(
    *,
    actor,
    service: BookableService,
    staff,
    party,
    start_at: datetime,
    created_via: str = CreatedVia.STAFF,
    email: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Booking:
    """Book `service` with `staff` for `party` at `start_at`.

    Guarantees: the actor may change the party's relationship (actor None: the system or a
    client through a verified booking link); `start_at` is one of the service's slots for
    that staff member (else VALIDATION naming start_at); it is still free when checked
    under the staff calendar's lock (else CONFLICT); the booking, its audit event, the
    meeting activity on the party's timeline and the notifications (client email with the
    .ics, staff in-app + email) are written together or not at all."""
    if actor is not None:
        authorize(actor, Action.RELATIONSHIP_CHANGE, party=party)
    if start_at is None or timezone.is_naive(start_at):
        raise validation_error("start_at", _("needs a time zone"))
    if not MIN_YEAR < start_at.year < MAX_YEAR:
        raise validation_error("start_at", _("is not a free slot of this service"))
    if not service.active:
        raise validation_error("service", _("is not active"))
    if not service.staff.filter(pk=staff.pk, is_active=True).exists():
        raise validation_error("staff", _("does not deliver this service"))
    address = (email if email is not None else party_email(party)).strip()
    if address:
        try:
            validate_email(address)
        except ValidationError as exc:
            raise validation_error("email", _("is not a valid email address")) from exc
    calendar = calendar_ensure(user=staff)
    start_at = start_at.astimezone(UTC)
    with transaction.atomic():
        StaffCalendar.objects.select_for_update().filter(pk=calendar.pk).first()
        _check_free(service=service, staff=staff, start_at=start_at, now=now)
        booking = Booking(
            service=service,
            staff=staff,
            party=party,
            start_at=start_at,
            end_at=start_at + timedelta(minutes=service.duration_minutes),
            buffer_minutes=service.buffer_minutes,
            email=address,
            note=note[:500],
            created_via=created_via,
            created_by=actor if getattr(actor, "pk", None) else None,
            uid=f"{uuid.uuid4()}@clientela",
        )
        try:
            booking.full_clean()
        except ValidationError as exc:
            raise from_django_validation(exc) from exc
        booking.save()
        audit_record(
            actor=actor,
            action="booking.created",
            target=booking,
            data={
                "service": service.public_id,
                "staff": staff.username,
                "party": party.public_id,
                "start_at": booking.start_at,
                "via": created_via,
            },
        )
        _log_activity(booking, cancelled=False)
        booking_notify(booking=booking)
    return booking


def _check_free(*, service, staff, start_at: datetime, now) -> None:
    window = {"start": start_at, "end": start_at + timedelta(microseconds=1)}
    kwargs = {"service": service, "staff_ids": [staff.pk], "now": now, **window}
    if slots_between(**kwargs):
        return
    if slots_between(**kwargs, ignore_bookings=True):
        raise ApplicationError(
            ErrorCode.CONFLICT,
            _("This time was just taken. Please choose another one."),
            {"field": "start_at"},
        )
    raise validation_error("start_at", _("is not a free slot of this service"))


def booking_cancel(
    *,
    actor,
    booking: Booking,
    reason: str = "",
    by_client: bool = False,
    now: datetime | None = None,
) -> Booking:
    """Cancel a confirmed booking that has not started yet.

    Who: the client through the booking's cancel link (actor None, by_client), the staff
    member delivering it, or whoever may change the party's relationship. The SEQUENCE is
    raised so the .ics cancellation replaces the invitation in calendar programs; the
    client and the staff member are notified."""
    if actor is not None and actor.pk != booking.staff_id:
        authorize(actor, Action.RELATIONSHIP_CHANGE, party=booking.party)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status != BookingStatus.CONFIRMED:
            raise ApplicationError(ErrorCode.CONFLICT, _("This booking is already cancelled."))
        if locked.start_at <= now:
            raise ApplicationError(
                ErrorCode.CONFLICT, _("This booking has already started and cannot be cancelled.")
            )
        locked.status = BookingStatus.CANCELLED
        locked.cancelled_at = now
        locked.cancelled_by = actor if getattr(actor, "pk", None) else None
        locked.cancelled_by_client = by_client
        locked.cancel_reason = (reason or "").strip()[:300]
        locked.sequence += 1
        locked.updated_at = now
        locked.save()
        audit_record(
            actor=actor,
            action="booking.cancelled",
            target=locked,
            data={"by_client": by_client, "reason": locked.cancel_reason},
        )
        locked.service, locked.staff, locked.party = booking.service, booking.staff, booking.party
        _log_activity(locked, cancelled=True)
        booking_notify(booking=locked)
    return locked


def booking_may_cancel(*, user, booking: Booking) -> bool:
    return user.pk == booking.staff_id or is_allowed(
        user, Action.RELATIONSHIP_CHANGE, party=booking.party
    )


def _log_activity(booking: Booking, *, cancelled: bool) -> None:
    """The meeting on the party's timeline (so the check-in clock and the timeline see
    it); a cancellation adds a note. Logged as the system: the actor was checked above."""
    from clientela.activities.services import activity_log

    when = timezone.localtime(booking.start_at).strftime("%Y-%m-%d %H:%M %Z")
    if cancelled:
        activity_log(
            actor=None,
            party=booking.party,
            kind="note",
            staff=booking.staff,
            subject=_("Booking cancelled: %(service)s on %(when)s")
            % {"service": booking.service.name, "when": when},
            body=booking.cancel_reason,
            properties={"booking": booking.public_id},
        )
        return
    activity_log(
        actor=None,
        party=booking.party,
        kind=booking.service.meeting_kind,
        staff=booking.staff,
        occurred_at=booking.start_at,
        subject=_("Booked: %(service)s") % {"service": booking.service.name},
        body=booking.note,
        properties={"booking": booking.public_id},
    )
