"""Who may do what in booking, role by role (written from the rules, not the code):
- services: admins and managers (desk configuration);
- one's own hours and time off: everyone; someone else's: admins and managers;
- booking links and bookings for a client: who may change the client's relationship (its
  account manager, managers, admins);
- cancelling: the staff member delivering it, or who may change the relationship."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from clientela.booking.models import BookableService, Booking, StaffCalendar
from clientela.booking.services import booking_cancel, booking_create, booking_link_create
from clientela.booking.setup import availability_set, service_create
from clientela.core.errors import ApplicationError, ErrorCode
from tests.booking.conftest import make_service, make_staff
from tests.factories import make_party

ROLES = ["admin", "manager", "account_manager", "support_agent", "marketer", "viewer"]
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
EXPECTED = {
    # service, others' hours, own hours, link (own client), link (other's client), book,
    # cancel (a booking of another's client, delivered by someone else)
    "admin": (True, True, True, True, True, True, True),
    "manager": (True, True, True, True, True, True, True),
    "account_manager": (False, False, True, True, False, True, False),
    "support_agent": (False, False, True, False, False, False, False),
    "marketer": (False, False, True, False, False, False, False),
    "viewer": (False, False, True, False, False, False, False),
}


def _allowed(call) -> bool:
    try:
        call()
    except ApplicationError as exc:
        assert exc.code == ErrorCode.PERMISSION_DENIED
        return False
    return True


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_rights_matrix(users, role):
    actor = users[role]
    staff = make_staff("ana", zone="UTC")
    service = make_service(staff)
    own = make_party(given_name="Own", relationship_kind="client", owner=users["account_manager"])
    others = make_party(given_name="Other", relationship_kind="client", owner=users["manager"])
    existing = booking_create(
        actor=None,
        service=service,
        staff=staff,
        party=others,
        start_at=datetime(2026, 1, 13, 10, tzinfo=UTC),
        now=LONG_AGO,
    )
    hours = [(0, time(9), time(17)), (1, time(9), time(17))]

    got = (
        _allowed(lambda: service_create(actor=actor, name="X", duration_minutes=30)),
        _allowed(lambda: availability_set(actor=actor, user=staff, hours=hours)),
        _allowed(lambda: availability_set(actor=actor, user=actor, hours=hours)),
        _allowed(lambda: booking_link_create(actor=actor, party=own)),
        _allowed(lambda: booking_link_create(actor=actor, party=others)),
        _allowed(
            lambda: booking_create(
                actor=actor,
                service=service,
                staff=staff,
                party=own,
                start_at=datetime(2026, 1, 12, 10, tzinfo=UTC),
                now=LONG_AGO,
            )
        ),
        _allowed(
            lambda: booking_cancel(
                actor=actor, booking=existing, now=datetime(2026, 1, 1, tzinfo=UTC)
            )
        ),
    )

    assert got == EXPECTED[role]
    expected_services = 2 if EXPECTED[role][0] else 1
    assert BookableService.objects.count() == expected_services
    assert Booking.objects.filter(status="confirmed").count() == (
        1 + EXPECTED[role][5] - EXPECTED[role][6]
    )
    assert StaffCalendar.objects.get(user=staff).hours.count() == (2 if EXPECTED[role][1] else 5)


@pytest.mark.django_db
def test_the_staff_member_may_cancel_a_booking_they_deliver(users):
    staff = make_staff("ana", zone="UTC", role="support_agent")
    service = make_service(staff)
    party = make_party(relationship_kind="client", owner=users["manager"])
    booking = booking_create(
        actor=None,
        service=service,
        staff=staff,
        party=party,
        start_at=datetime(2026, 1, 12, 10, tzinfo=UTC),
        now=LONG_AGO,
    )
    cancelled = booking_cancel(actor=staff, booking=booking, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert cancelled.status == "cancelled"
