"""The public pages (signed link, confirmation, .ics, cancel, feed) and the staff pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing
from django.test import Client
from icalendar import Calendar

from clientela.booking import links
from clientela.booking.cards import party_card
from clientela.booking.models import BookableService, Booking, StaffCalendar
from clientela.booking.selectors import booking_slots
from clientela.booking.services import booking_create
from tests.booking.conftest import make_service, make_staff


@pytest.fixture
def booked(client_party):
    staff = make_staff("ana", zone="UTC", hours=[(d, *_all_day()) for d in range(7)])
    service = make_service(staff, duration=60)
    return staff, service, client_party


def _all_day():
    from datetime import time

    return time(0), time(23, 59)


def _first_slot(service):
    today = datetime.now(UTC).date()
    return booking_slots(service=service, day_from=today, day_to=today + timedelta(days=2))[0]


def test_the_public_page_books_a_slot_without_login(booked):
    staff, service, party = booked
    token = links.link_token_make(party_public_id=party.public_id, service_ids=[])
    browser = Client()
    page = browser.get(f"/book/{token}/")
    assert page.status_code == 200
    assert "Olga Kowalska" in page.content.decode()
    slot = _first_slot(service)
    value = f"{slot.calendar_id}@{slot.start.strftime('%Y%m%dT%H%M%SZ')}"

    done = browser.post(
        f"/book/{token}/",
        {"service": service.public_id, "slot": value, "email": "olga@example.test", "tz": "UTC"},
    )

    booking = Booking.objects.get()
    assert (booking.start_at, booking.staff, booking.created_via) == (slot.start, staff, "link")
    assert done.status_code == 302
    assert done["Location"] == links.done_url(booking.public_id) + "?tz=UTC"
    confirmation = browser.get(done["Location"])
    assert "Your booking is confirmed" in confirmation.content.decode()
    ics = browser.get(links.ics_url(booking.public_id))
    event = Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert (ics["Content-Type"], str(event["uid"]), event["dtstart"].dt) == (
        "text/calendar; charset=utf-8",
        booking.uid,
        slot.start,
    )
    taken = browser.post(
        f"/book/{token}/", {"service": service.public_id, "slot": value, "tz": "UTC"}
    )
    assert taken.status_code == 409
    assert "This time was just taken" in taken.content.decode()


def test_the_public_page_refuses_tampered_foreign_and_expired_links(booked):
    _staff, _service, party = booked
    token = links.link_token_make(party_public_id=party.public_id, service_ids=[])
    browser = Client()
    for bad in (token[:-1] + ("x" if token[-1] != "x" else "y"), "abc", token + "0"):
        page = browser.get(f"/book/{bad}/")
        assert page.status_code == 404
        assert "This booking link is not valid." in page.content.decode()
    old = signing.TimestampSigner(salt="clientela.booking")
    old.timestamp = lambda: signing.b62_encode(int(datetime.now(UTC).timestamp()) - 31 * 86400)
    expired = old.sign_object({"p": party.public_id, "s": []}, compress=True)
    page = browser.get(f"/book/{expired}/")
    assert page.status_code == 404
    assert "This booking link has expired" in page.content.decode()
    assert Booking.objects.count() == 0


def test_the_client_cancels_with_the_cancel_link(booked):
    staff, service, party = booked
    slot = _first_slot(service)
    booking = booking_create(
        actor=None, service=service, staff=staff, party=party, start_at=slot.start
    )
    token = links.cancel_token_make(booking_public_id=booking.public_id)
    browser = Client()
    assert browser.get(f"/book/cancel/{token}/").status_code == 200
    assert browser.get(f"/book/cancel/{token}x/").status_code == 404

    browser.post(f"/book/cancel/{token}/", {"reason": "Travel"})

    booking.refresh_from_db()
    assert (
        booking.status,
        booking.cancelled_by_client,
        booking.cancel_reason,
        booking.sequence,
    ) == (
        "cancelled",
        True,
        "Travel",
        1,
    )
    assert "This booking is cancelled" in browser.get(f"/book/cancel/{token}/").content.decode()


def test_the_calendar_feed_needs_the_secret_token(booked):
    staff, service, party = booked
    slot = _first_slot(service)
    booking = booking_create(
        actor=None, service=service, staff=staff, party=party, start_at=slot.start
    )
    calendar = StaffCalendar.objects.get(user=staff)
    browser = Client()

    feed = browser.get(f"/calendar/{calendar.feed_token}.ics")

    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [booking.uid]
    assert str(events[0]["summary"]) == "Strategy session · Olga Kowalska"
    assert browser.get("/calendar/wrong-token.ics").status_code == 404
    from clientela.booking.setup import feed_token_regenerate

    feed_token_regenerate(actor=staff, user=staff)
    assert browser.get(f"/calendar/{calendar.feed_token}.ics").status_code == 404


def test_staff_pages_need_login_and_show_own_bookings(users, booked):
    staff, service, party = booked
    slot = _first_slot(service)
    booking_create(actor=None, service=service, staff=staff, party=party, start_at=slot.start)
    anonymous = Client()
    assert anonymous.get("/desk/bookings/").status_code == 302
    assert anonymous.get("/desk/bookings/setup/").status_code == 302

    owner = Client()
    owner.force_login(users["account_manager"])
    page = owner.get("/desk/bookings/").content.decode()
    assert "Olga Kowalska" in page  # their client's booking, delivered by Ana
    viewer = Client()
    viewer.force_login(users["viewer"])
    assert "Olga Kowalska" not in viewer.get("/desk/bookings/").content.decode()

    owner.post("/desk/bookings/link/", {"party": party.public_id, "services": [service.public_id]})
    shown = owner.get("/desk/bookings/").content.decode()
    assert f"{links.absolute('/book/')}" in shown
    refused = viewer.post(
        "/desk/bookings/services/new/",
        {"name": "X", "duration_minutes": "30", "active": "on"},
        HTTP_REFERER="http://testserver/desk/bookings/setup/",
    )
    assert refused.status_code == 302
    assert BookableService.objects.count() == 1


def test_own_hours_and_time_off_from_the_setup_page(users):
    me = Client()
    me.force_login(users["support_agent"])
    me.post(
        "/desk/bookings/availability/",
        {"time_zone": "Europe/Warsaw", "day_0": "09:00-12:00, 13:00-17:00", "day_4": "10:00-14:00"},
    )
    me.post(
        "/desk/bookings/time-off/",
        {"start_at": "2030-05-01T00:00", "end_at": "2030-05-03T00:00", "reason": "May days"},
    )
    calendar = StaffCalendar.objects.get(user=users["support_agent"])
    assert calendar.time_zone == "Europe/Warsaw"
    assert [
        (h.weekday, f"{h.start_time:%H:%M}-{h.end_time:%H:%M}") for h in calendar.hours.all()
    ] == [
        (0, "09:00-12:00"),
        (0, "13:00-17:00"),
        (4, "10:00-14:00"),
    ]
    off = calendar.time_off.get()
    assert (off.start_at, off.reason) == (datetime(2030, 4, 30, 22, tzinfo=UTC), "May days")
    page = me.get("/desk/bookings/setup/?user=manager").content.decode()
    assert "Working hours of" in page and "Europe/Warsaw" in page


def test_the_party_card_lists_upcoming_bookings_and_offers_a_link(users, booked):
    staff, service, party = booked
    slot = _first_slot(service)
    booking_create(actor=None, service=service, staff=staff, party=party, start_at=slot.start)
    relationship = party.relationships.get()

    card = party_card(relationship=relationship, user=users["account_manager"])
    viewer_card = party_card(relationship=relationship, user=users["viewer"])

    assert ([b.start_at for b in card["upcoming"]], card["may_link"]) == ([slot.start], True)
    assert viewer_card["may_link"] is False
    Booking.objects.all().delete()
    assert party_card(relationship=relationship, user=users["viewer"]) is None


def test_the_public_page_and_confirmation_show_times_in_the_chosen_zone(client_party):
    import re
    from datetime import time

    staff = make_staff("ana", zone="UTC", hours=[(d, time(14), time(15)) for d in range(7)])
    service = make_service(staff, duration=60)
    token = links.link_token_make(party_public_id=client_party.public_id, service_ids=[])
    browser = Client()

    page = browser.get(f"/book/{token}/", {"tz": "Asia/Tokyo"}).content.decode()

    # 14:00 UTC is 23:00 in Tokyo (no daylight saving there).
    shown = re.findall(r'data-testid="booking-slot">(\d\d:\d\d)<', page)
    assert shown and set(shown) == {"23:00"}
    slot = _first_slot(service)
    done = browser.post(
        f"/book/{token}/",
        {
            "service": service.public_id,
            "slot": f"{slot.calendar_id}@{slot.start.strftime('%Y%m%dT%H%M%SZ')}",
            "tz": "Asia/Tokyo",
        },
    )
    confirmation = browser.get(done["Location"]).content.decode()
    assert '23:00–00:00 <span class="muted">(Asia/Tokyo)</span>' in confirmation
