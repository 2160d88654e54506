"""Booking in the demo: services, calendars (Mon-Fri 09:00-17:00, one account manager in
New York, the others in Madrid), some time off, and bookings spread over the three weeks
before and after `now`, from the clients and account managers already loaded."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, time, timedelta

from django.db import transaction

# (name, minutes, buffer, meeting kind, description) per business.
_SERVICES = {
    "agency": (
        ("Strategy session", 60, 0, "meeting_virtual", "Goals, audiences and the next quarter."),
        ("Creative review", 45, 15, "meeting_in_person", "Walk through drafts and decide."),
        ("Kick-off workshop", 90, 15, "meeting_in_person", "Plan a new project together."),
    ),
    "bank": (
        ("Portfolio review", 45, 15, "meeting_in_person", "Your investments and their risk."),
        ("Retirement planning", 60, 0, "meeting_in_person", "Pensions, savings and timing."),
        ("Quick check-in call", 30, 0, "meeting_virtual", "A short call about anything."),
    ),
}
_OTHER_ZONE = "America/New_York"
_HOME_ZONE = "Europe/Madrid"


def demo_load(*, business: str, seed: int, now: datetime) -> int:
    """Create the booking data; returns the rows created (services, calendars, working
    hours, time off, bookings). Deterministic from `seed` and `now`; `cafe`: 0."""
    from clientela.accounts.models import User
    from clientela.booking.models import (
        BookableService,
        Booking,
        StaffCalendar,
        TimeOff,
        WorkingHours,
    )
    from clientela.booking.selectors import slots_between
    from clientela.parties.models import ContactPoint, Relationship

    if business not in _SERVICES:
        return 0
    staff = list(
        User.objects.filter(role="account_manager", is_active=True).order_by("username")[:4]
    )
    if not staff:
        return 0
    rng = random.Random(f"booking:{seed}")
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    rows = 0
    with transaction.atomic():
        calendars = []
        for index, user in enumerate(staff):
            calendar = StaffCalendar(
                user=user,
                time_zone=_OTHER_ZONE if index == len(staff) - 1 and len(staff) > 1 else _HOME_ZONE,
                feed_token=uuid.UUID(int=rng.getrandbits(128)).hex,
                created_at=now,
                updated_at=now,
            )
            calendar.assign_public_id()
            calendars.append(calendar)
        StaffCalendar.objects.bulk_create(calendars)
        calendars = list(StaffCalendar.objects.filter(user__in=staff).order_by("user__username"))
        hours = [
            WorkingHours(calendar=c, weekday=d, start_time=time(9), end_time=time(17))
            for c in calendars
            for d in range(5)
        ]
        WorkingHours.objects.bulk_create(hours)
        absences = []
        for calendar in calendars[:2]:
            start = (now + timedelta(days=rng.randint(3, 12))).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            absence = TimeOff(
                calendar=calendar,
                start_at=start,
                end_at=start + timedelta(days=1),
                reason=rng.choice(("Training", "Day off", "Conference")),
            )
            absence.assign_public_id()
            absences.append(absence)
        TimeOff.objects.bulk_create(absences)
        services = []
        for name, minutes, buffer, kind, description in _SERVICES[business]:
            service = BookableService.objects.create(
                name=name,
                duration_minutes=minutes,
                buffer_minutes=buffer,
                meeting_kind=kind,
                description=description,
                created_at=now,
                updated_at=now,
            )
            service.staff.set(staff if len(services) != 1 else staff[:2])
            services.append(service)
        rows += len(calendars) + len(hours) + len(absences) + len(services)

        clients_by_owner: dict[int, list[int]] = {}
        all_clients = []
        for party_id, owner_id in (
            Relationship.objects.filter(kind="client", is_current=True)
            .order_by("party__sort_key", "id")
            .values_list("party_id", "owner_id")
        ):
            clients_by_owner.setdefault(owner_id, []).append(party_id)
            all_clients.append(party_id)
        if not all_clients:
            return rows
        emails: dict[int, str] = {}
        for party_id, value in (
            ContactPoint.objects.filter(kind="email", party_id__in=all_clients)
            .order_by("party_id", "-is_primary", "id")
            .values_list("party_id", "value")
        ):
            emails.setdefault(party_id, value)

        window_start = now - timedelta(days=21)
        taken: dict[int, list[tuple[datetime, datetime]]] = {}
        bookings = []
        target = rng.randint(20, 36)
        candidates = []
        for service in services:
            for slot in slots_between(
                service=service,
                start=window_start,
                end=now + timedelta(days=21),
                now=window_start - timedelta(days=1),
                ignore_bookings=True,
            ):
                candidates.append((service, slot))
        rng.shuffle(candidates)
        for service, slot in candidates:
            if len(bookings) >= target:
                break
            busy_until = slot.end + timedelta(minutes=service.buffer_minutes)
            spans = taken.setdefault(slot.staff_id, [])
            if any(s < busy_until and slot.start < e for s, e in spans):
                continue
            spans.append((slot.start, busy_until))
            party_id = rng.choice(clients_by_owner.get(slot.staff_id) or all_clients)
            cancelled = rng.random() < 0.1
            booked_at = min(slot.start - timedelta(days=rng.randint(2, 10)), now)
            booking = Booking(
                service=service,
                staff_id=slot.staff_id,
                party_id=party_id,
                start_at=slot.start,
                end_at=slot.end,
                buffer_minutes=service.buffer_minutes,
                status="cancelled" if cancelled else "confirmed",
                email=emails.get(party_id, ""),
                created_via=rng.choice(("link", "link", "staff")),
                cancelled_at=booked_at + timedelta(hours=6) if cancelled else None,
                cancelled_by_client=cancelled,
                cancel_reason="Schedule change" if cancelled else "",
                uid=f"{uuid.UUID(int=rng.getrandbits(128))}@clientela",
                sequence=1 if cancelled else 0,
                created_at=booked_at,
                updated_at=booked_at,
            )
            booking.assign_public_id()
            bookings.append(booking)
        Booking.objects.bulk_create(bookings)
        rows += len(bookings)
    return rows
