"""The messages a booking sends, all through `notifications.services.notification_send`
(idempotent per key, emails queued on commit):
- to the client (when the booking has an email): the confirmation with the invitation
  (.ics, METHOD:REQUEST) and the cancel link; on cancellation the .ics METHOD:CANCEL;
- to the staff member delivering it: in-app and by email.
Keys carry the booking and its SEQUENCE, so a retry of the same change sends nothing twice.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from clientela.booking import links
from clientela.booking.ics import booking_ics


def _when(booking) -> str:
    from clientela.booking.timezones import zone_or_default

    calendar = getattr(booking.staff, "booking_calendar", None)
    zone = zone_or_default(getattr(calendar, "time_zone", None))
    local = booking.start_at.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} ({zone.key})"


def booking_notify(*, booking) -> None:
    from clientela.core.selectors import business_get
    from clientela.notifications.services import notification_send

    business = business_get().name
    confirmed = booking.status == "confirmed"
    kind = "booking.confirmed" if confirmed else "booking.cancelled"
    values = {
        "service": booking.service.name,
        "when": _when(booking),
        "staff": str(booking.staff),
        "party": booking.party.display_name,
        "business": business,
    }
    ics = booking_ics(booking=booking, business_name=business)
    method = "REQUEST" if confirmed else "CANCEL"
    key = f"booking:{booking.public_id}:{booking.sequence}"
    if booking.email:
        if confirmed:
            subject = _("Your booking: %(service)s on %(when)s") % values
            body = _(
                "Hello %(party)s,\n\nyour booking is confirmed: %(service)s with %(staff)s "
                "on %(when)s.\n\nThe invitation is attached. To cancel, open:\n%(cancel)s\n\n"
                "%(business)s"
            ) % {**values, "cancel": links.cancel_url(booking.public_id)}
        else:
            subject = _("Cancelled: %(service)s on %(when)s") % values
            body = (
                _(
                    "Hello %(party)s,\n\nyour booking %(service)s with %(staff)s on %(when)s is "
                    "cancelled.\n\n%(business)s"
                )
                % values
            )
        notification_send(
            key=f"{key}:client",
            kind=kind,
            subject=subject,
            body=body,
            email=booking.email,
            attachments=[("invite.ics", ics, f"text/calendar; method={method}")],
        )
    if confirmed:
        subject = _("New booking: %(service)s with %(party)s on %(when)s") % values
    else:
        subject = _("Booking cancelled: %(service)s with %(party)s on %(when)s") % values
    notification_send(
        key=f"{key}:staff",
        kind=kind,
        subject=subject,
        body=subject + ("\n\n" + booking.cancel_reason if booking.cancel_reason else ""),
        user=booking.staff,
        link=reverse("booking:list"),
        attachments=[("booking.ics", ics, f"text/calendar; method={method}")],
    )
