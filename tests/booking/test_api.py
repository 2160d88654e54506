"""The booking API over real HTTP with personal tokens."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from clientela.booking.models import Booking
from tests.booking.conftest import make_service, make_staff


def _next_monday() -> date:
    today = datetime.now(UTC).date()
    return today + timedelta(days=7 - today.weekday())


@pytest.fixture
def setup_data(users, client_party):
    staff = make_staff("ana", zone="Europe/Madrid")
    service = make_service(staff, duration=60)
    return staff, service, client_party


def test_services_crud_needs_desk_configure(api, users):
    make_staff("ana")
    body = {"name": "Portfolio review", "duration_minutes": 45, "staff": ["ana"]}
    refused = api("account_manager").post("/booking/services", json=body)
    made = api("manager").post("/booking/services", json=body)

    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert made.status_code == 201
    service = made.json()
    assert (service["name"], service["duration_minutes"], service["staff"], service["active"]) == (
        "Portfolio review",
        45,
        ["ana"],
        True,
    )
    patched = api("manager").patch(
        f"/booking/services/{service['id']}", json={"buffer_minutes": 15, "active": False}
    )
    assert (patched.json()["buffer_minutes"], patched.json()["active"]) == (15, False)
    listed = api("viewer", "read").get("/booking/services").json()
    assert [s["id"] for s in listed["items"]] == [service["id"]]
    bad = api("manager").post("/booking/services", json={**body, "staff": ["nobody"]})
    assert (bad.status_code, list(bad.json()["fields"])) == (422, ["staff"])
    assert api("manager").delete(f"/booking/services/{service['id']}").status_code == 204


def test_slots_in_the_requested_zone(api, setup_data):
    staff, service, _party = setup_data
    monday = _next_monday()

    found = api("viewer", "read").get(
        "/booking/slots",
        params={"service": service.public_id, "from": monday.isoformat(), "tz": "America/New_York"},
    )

    assert found.status_code == 200
    body = found.json()
    assert body["tz"] == "America/New_York"
    assert len(body["items"]) == 8
    first = body["items"][0]
    start = datetime.fromisoformat(first["start"])
    expected = datetime.combine(monday, time(9)).replace(tzinfo=_zone("Europe/Madrid"))
    assert (first["staff"], start) == ("ana", expected)
    assert datetime.fromisoformat(first["start_local"]).utcoffset() == _zone(
        "America/New_York"
    ).utcoffset(start.replace(tzinfo=None))
    bad = api("viewer", "read").get(
        "/booking/slots",
        params={"service": service.public_id, "from": "2026-01-01", "tz": "Mars/Base"},
    )
    assert (bad.status_code, list(bad.json()["fields"])) == (422, ["tz"])


def _zone(name):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def test_create_get_list_and_cancel_a_booking(api, users, setup_data):
    staff, service, party = setup_data
    start = datetime.combine(_next_monday(), time(10)).replace(tzinfo=_zone("Europe/Madrid"))
    body = {
        "service": service.public_id,
        "staff": "ana",
        "party": party.public_id,
        "start_at": start.isoformat(),
    }

    refused = api("support_agent").post("/booking/bookings", json=body)
    made = api("account_manager").post("/booking/bookings", json=body)
    again = api("manager").post("/booking/bookings", json=body)

    assert refused.status_code == 403
    assert made.status_code == 201
    booking = made.json()
    assert (booking["status"], booking["created_via"], booking["email"], booking["sequence"]) == (
        "confirmed",
        "api",
        "olga@example.test",
        0,
    )
    assert datetime.fromisoformat(booking["start_at"]) == start
    assert (again.status_code, again.json()["code"]) == (409, "conflict")
    assert api("account_manager").get(f"/booking/bookings/{booking['id']}").status_code == 200
    assert api("viewer", "read").get(f"/booking/bookings/{booking['id']}").status_code == 404
    listed = api("manager", "read").get("/booking/bookings").json()
    assert [b["id"] for b in listed["items"]] == [booking["id"]]

    cancelled = api("account_manager").post(
        f"/booking/bookings/{booking['id']}/cancel", json={"reason": "Moved"}
    )
    assert (cancelled.status_code, cancelled.json()["status"], cancelled.json()["sequence"]) == (
        200,
        "cancelled",
        1,
    )
    assert Booking.objects.get().cancel_reason == "Moved"


def test_links_and_availability(api, users, anonymous, setup_data, live_server):
    _staff, service, party = setup_data
    link = api("account_manager").post(
        "/booking/links", json={"party": party.public_id, "services": [service.public_id]}
    )
    assert link.status_code == 201
    assert link.json()["url"].startswith("http://127.0.0.1:8000/book/")
    assert api("viewer").post("/booking/links", json={"party": party.public_id}).status_code == 403

    got = api("viewer", "read").get("/booking/availability/ana").json()
    assert (got["time_zone"], len(got["hours"]), got["hours"][0]) == (
        "Europe/Madrid",
        5,
        {"weekday": 0, "start": "09:00", "end": "17:00"},
    )
    body = {
        "time_zone": "America/New_York",
        "hours": [{"weekday": 1, "start": "08:00", "end": "12:00"}],
        "time_off": [
            {
                "start_at": "2030-01-01T00:00:00Z",
                "end_at": "2030-01-02T00:00:00Z",
                "reason": "Holiday",
            }
        ],
    }
    assert api("account_manager").put("/booking/availability/ana", json=body).status_code == 403
    put = api("manager").put("/booking/availability/ana", json=body)
    assert put.status_code == 200
    assert (
        put.json()["time_zone"],
        put.json()["hours"],
        [t["reason"] for t in put.json()["time_off"]],
    ) == (
        "America/New_York",
        [{"weekday": 1, "start": "08:00", "end": "12:00"}],
        ["Holiday"],
    )
    own = api("account_manager").put(
        "/booking/availability/account_manager",
        json={"time_zone": "Nowhere/Land", "hours": []},
    )
    assert (own.status_code, list(own.json()["fields"])) == (422, ["time_zone"])
    assert anonymous.get("/booking/services").status_code == 401
