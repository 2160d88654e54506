"""Support set-up: SLA policies, the business-hours calendar and the ticket categories.

Sensible defaults are created on first use (`support_defaults_ensure`): one default calendar
(Monday to Friday 09:00-17:00 in the business's time zone), a policy for every kind and
priority (clients get tighter targets than customers), and a short category list. Changing
them needs SUPPORT_CONFIGURE (admins, managers). Tickets already open keep their due times
until their priority changes.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import validation_error
from clientela.core.services import audit_record
from clientela.support.clock import Calendar, calendar_from, parse_hhmm
from clientela.support.models import (
    BusinessCalendar,
    SlaPolicy,
    TicketCategory,
    TicketKind,
    TicketPriority,
)

# (first response, resolution) in business minutes.
DEFAULT_TARGETS = {
    TicketKind.CLIENT: {
        TicketPriority.URGENT: (30, 240),
        TicketPriority.HIGH: (120, 480),
        TicketPriority.NORMAL: (240, 1440),
        TicketPriority.LOW: (480, 2400),
    },
    TicketKind.CUSTOMER: {
        TicketPriority.URGENT: (60, 480),
        TicketPriority.HIGH: (240, 960),
        TicketPriority.NORMAL: (480, 2400),
        TicketPriority.LOW: (960, 4800),
    },
}
DEFAULT_TARGETS[TicketKind.OTHER] = DEFAULT_TARGETS[TicketKind.CUSTOMER]
DEFAULT_HOURS = {str(day): [["09:00", "17:00"]] for day in range(5)}
DEFAULT_CATEGORIES = (
    ("general", gettext_lazy("General question")),
    ("orders", gettext_lazy("Orders and delivery")),
    ("billing", gettext_lazy("Billing")),
    ("technical", gettext_lazy("Technical problem")),
    ("account", gettext_lazy("Account")),
    ("complaint", gettext_lazy("Complaint")),
)
MAX_TARGET_MINUTES = 60 * 24 * 365


def support_defaults_ensure() -> None:
    """Create what is missing of the defaults; safe to call concurrently and repeatedly."""
    from clientela.booking.timezones import business_zone_name

    if not BusinessCalendar.objects.filter(is_default=True).exists():
        try:
            with transaction.atomic():
                BusinessCalendar.objects.create(
                    name=str(_("Business hours")),
                    time_zone=business_zone_name(),
                    hours=DEFAULT_HOURS,
                    holidays=[],
                    is_default=True,
                )
        except IntegrityError:
            pass  # created by a concurrent call
    if SlaPolicy.objects.count() < len(TicketKind.values) * len(TicketPriority.values):
        for kind, targets in DEFAULT_TARGETS.items():
            for priority, (first, resolution) in targets.items():
                try:
                    with transaction.atomic():
                        SlaPolicy.objects.get_or_create(
                            kind=kind,
                            priority=priority,
                            defaults={
                                "first_response_minutes": first,
                                "resolution_minutes": resolution,
                            },
                        )
                except IntegrityError:
                    pass
    if not TicketCategory.objects.exists():
        for position, (key, name) in enumerate(DEFAULT_CATEGORIES):
            try:
                with transaction.atomic():
                    TicketCategory.objects.get_or_create(
                        key=key, defaults={"name": str(name), "position": position}
                    )
            except IntegrityError:
                pass


def calendar_default() -> BusinessCalendar:
    support_defaults_ensure()
    return BusinessCalendar.objects.get(is_default=True)


def calendar_clock(calendar: BusinessCalendar) -> Calendar:
    """The pure clock calendar of a stored one (validated when it was saved)."""
    return calendar_from(zone=calendar.time_zone, hours=calendar.hours, holidays=calendar.holidays)


def policy_for(*, kind: str, priority: str) -> SlaPolicy:
    support_defaults_ensure()
    return SlaPolicy.objects.select_related("calendar").get(kind=kind, priority=priority)


def policies_set(*, actor, targets: list[dict]) -> list[SlaPolicy]:
    """Change the targets of the given (kind, priority) policies: each item has kind,
    priority, first_response_minutes, resolution_minutes (whole minutes from 1 to a year;
    first response not longer than resolution). All or nothing."""
    authorize(actor, Action.SUPPORT_CONFIGURE)
    support_defaults_ensure()
    seen = set()
    for index, item in enumerate(targets):
        kind, priority = item.get("kind"), item.get("priority")
        if kind not in TicketKind.values:
            raise validation_error(f"policies[{index}].kind", _("is not a ticket kind"))
        if priority not in TicketPriority.values:
            raise validation_error(f"policies[{index}].priority", _("is not a priority"))
        if (kind, priority) in seen:
            raise validation_error(f"policies[{index}]", _("appears twice"))
        seen.add((kind, priority))
        for name in ("first_response_minutes", "resolution_minutes"):
            value = item.get(name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise validation_error(f"policies[{index}].{name}", _("must be whole minutes"))
            if not 1 <= value <= MAX_TARGET_MINUTES:
                raise validation_error(
                    f"policies[{index}].{name}", _("must be from 1 minute to a year")
                )
        if item["first_response_minutes"] > item["resolution_minutes"]:
            raise validation_error(
                f"policies[{index}].first_response_minutes",
                _("must not be longer than the resolution target"),
            )
    with transaction.atomic():
        now = timezone.now()
        for item in targets:
            SlaPolicy.objects.filter(kind=item["kind"], priority=item["priority"]).update(
                first_response_minutes=item["first_response_minutes"],
                resolution_minutes=item["resolution_minutes"],
                updated_at=now,
            )
        calendar = calendar_default()
        audit_record(
            actor=actor,
            action="support.policies_changed",
            target=calendar,
            data={"policies": targets},
        )
    return list(SlaPolicy.objects.order_by("kind", "priority"))


def calendar_set(
    *, actor, time_zone: str, hours: dict, holidays: list[dict], name: str | None = None
) -> BusinessCalendar:
    """Replace the default calendar's time zone, weekly hours and holidays. Hours: weekday
    "0".."6" -> list of ["HH:MM", "HH:MM"], sorted or not, not overlapping, at least one
    interval in the week; holidays: unique ISO dates with a name."""
    from datetime import date

    from clientela.booking.timezones import zone_check

    authorize(actor, Action.SUPPORT_CONFIGURE)
    if zone_check(time_zone) is None:
        raise validation_error("time_zone", _("is not a known IANA time zone"))
    clean_hours: dict[str, list[list[str]]] = {}
    for key, intervals in (hours or {}).items():
        if key not in {str(d) for d in range(7)}:
            raise validation_error("hours", _("weekdays are 0 (Monday) to 6 (Sunday)"))
        spans = []
        for interval in intervals:
            try:
                a, b = interval
                spans.append((parse_hhmm(a), parse_hhmm(b), a, b))
            except (ValueError, TypeError):
                raise validation_error(
                    f"hours.{key}", _('intervals are ["HH:MM", "HH:MM"]')
                ) from None
        spans.sort()
        for i, (a, b, _a, _b) in enumerate(spans):
            if a >= b:
                raise validation_error(f"hours.{key}", _("an interval must end after it starts"))
            if i + 1 < len(spans) and spans[i + 1][0] < b:
                raise validation_error(f"hours.{key}", _("intervals must not overlap"))
        if spans:
            clean_hours[key] = [[a, b] for _x, _y, a, b in spans]
    if not clean_hours:
        raise validation_error("hours", _("needs at least one business interval in the week"))
    clean_holidays, dates = [], set()
    for index, item in enumerate(holidays or []):
        try:
            day = date.fromisoformat(str(item.get("date")))
        except (ValueError, TypeError, AttributeError):
            raise validation_error(f"holidays[{index}].date", _("is not a date")) from None
        if day in dates:
            raise validation_error(f"holidays[{index}].date", _("appears twice"))
        dates.add(day)
        label = str(item.get("name") or "").strip()[:100]
        clean_holidays.append({"date": day.isoformat(), "name": label})
    clean_holidays.sort(key=lambda h: h["date"])
    with transaction.atomic():
        calendar = calendar_default()
        calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
        calendar.time_zone = time_zone
        calendar.hours = clean_hours
        calendar.holidays = clean_holidays
        if name is not None and name.strip():
            calendar.name = name.strip()[:100]
        calendar.updated_at = timezone.now()
        calendar.save()
        audit_record(
            actor=actor,
            action="support.calendar_changed",
            target=calendar,
            data={"time_zone": time_zone, "hours": clean_hours, "holidays": clean_holidays},
        )
    return calendar


def categories_list() -> list[TicketCategory]:
    support_defaults_ensure()
    return list(TicketCategory.objects.all())


def categories_set(*, actor, names: list[str]) -> list[TicketCategory]:
    """Replace the category list by `names` (in order; keys are slugs of the names; keys
    already on tickets stay valid on those tickets)."""
    authorize(actor, Action.SUPPORT_CONFIGURE)
    clean, keys = [], set()
    for index, raw in enumerate(names):
        label = str(raw or "").strip()
        if not label:
            continue
        key = slugify(label)[:40]
        if not key or len(label) > 80:
            raise validation_error(f"categories[{index}]", _("is not a usable name"))
        if key in keys:
            continue
        keys.add(key)
        clean.append((key, label))
    if not clean:
        raise validation_error("categories", _("needs at least one category"))
    with transaction.atomic():
        TicketCategory.objects.exclude(key__in=keys).delete()
        for position, (key, label) in enumerate(clean):
            TicketCategory.objects.update_or_create(
                key=key, defaults={"name": label, "position": position}
            )
        audit_record(
            actor=actor,
            action="support.categories_changed",
            target=calendar_default(),
            data={"categories": [k for k, _label in clean]},
        )
    return list(TicketCategory.objects.all())
