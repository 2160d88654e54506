"""Self-service booking in chromium: an account manager makes a booking link; the client
opens it in a fresh browser context (no session), books a slot, sees the confirmation, and
cannot reach anything else of the CRM."""

from __future__ import annotations

from datetime import time

import httpx
import pytest

from clientela.booking.models import Booking
from tests.booking.conftest import make_service, make_staff
from tests.browser.conftest import sign_in
from tests.factories import make_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_client_books_through_the_signed_link_and_sees_nothing_else(
    live_server, browser, page, users
):
    staff = make_staff("ana", zone="UTC", hours=[(d, time(0), time(23, 59)) for d in range(7)])
    service = make_service(staff, duration=60, name="Portfolio review")
    party = make_party(
        given_name="Olga",
        family_name="Kowalska",
        emails=["olga@example.test"],
        relationship_kind="client",
        owner=users["account_manager"],
        stage="consideration",
    )
    # The first request builds the URLconf and the API schema: slow on a loaded machine.
    httpx.get(f"{live_server.url}/login/", timeout=120)
    page.set_default_timeout(30_000)
    sign_in(page, live_server, "account_manager")
    page.goto(f"{live_server.url}/desk/bookings/")
    page.select_option("[data-testid=booking-link-party]", party.public_id)
    page.click("[data-testid=booking-link-create]")
    url = page.input_value("[data-testid=booking-link-url]")
    assert url.startswith("http://127.0.0.1:8000/book/")
    path = url.removeprefix("http://127.0.0.1:8000")

    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    context.set_default_timeout(30_000)
    client = context.new_page()
    try:
        client.goto(f"{live_server.url}{path}")
        assert "Hello Olga Kowalska" in client.text_content("main")
        client.click("[data-testid=booking-service]")
        client.locator("[data-testid=booking-day]:not(.none)").nth(1).click()
        slot = client.locator("[data-testid=booking-slot]").first
        chosen = slot.text_content()
        slot.click()
        assert client.input_value("input[name=email]") == "olga@example.test"
        client.click("[data-testid=booking-submit]")
        client.wait_for_selector("[data-testid=booking-done]")
        assert "Your booking is confirmed" in client.text_content("[data-testid=booking-done]")
        booking = Booking.objects.get()
        assert (booking.party_id, booking.service_id, booking.created_via) == (
            party.pk,
            service.pk,
            "link",
        )
        assert booking.start_at.strftime("%H:%M") == chosen[:5]
        assert client.locator("[data-testid=booking-ics]").count() == 1

        for private in ("/", "/parties/", "/desk/", "/desk/bookings/"):
            client.goto(f"{live_server.url}{private}")
            assert client.url.startswith(f"{live_server.url}/login/"), private
            assert "Olga" not in client.content()
            assert client.locator("input[name=password]").count() == 1
    finally:
        context.close()
