"""Support in chromium: a support agent answers a ticket inside its SLA."""

from __future__ import annotations

import pytest

from clientela.support import services
from clientela.support.models import Ticket
from tests.browser.conftest import sign_in
from tests.factories import make_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page):
    page.set_default_timeout(30_000)  # the shared machine is slow under load
    return page


def test_a_support_agent_answers_a_ticket_inside_its_sla(live_server, page, users):
    party = make_party(
        given_name="Eva", family_name="Nowak", emails=["eva@example.test"],
        relationship_kind="customer", stage="purchase",
    )  # fmt: skip
    ticket = services.ticket_create(
        actor=None, party=party, subject="Mobile order never arrived", body="Nothing came.",
        channel="email", priority="high",
    )  # fmt: skip
    sign_in(page, live_server, "support_agent")

    page.goto(f"{live_server.url}/support/")
    page.click("[data-testid=queue-unassigned]")
    row = page.locator(f"#ticket-{ticket.public_id}")
    assert "On track" in row.text_content()
    row.locator("a.subject").click()

    page.wait_for_url(f"{live_server.url}/support/tickets/{ticket.public_id}/")
    assert "Nothing came." in page.text_content("[data-testid=conversation]")
    page.fill("[data-testid=reply-form] textarea[name=body]", "Sorry! A new order is on its way.")
    page.click("[data-testid=reply-button]")

    page.wait_for_selector("text=The reply is sent.")
    assert page.text_content("[data-testid=sla-first_response]").strip() == "Met"
    assert "Sorry! A new order is on its way." in page.text_content("[data-testid=conversation]")
    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.first_responded_at <= ticket.first_response_due) == ("open", True)
