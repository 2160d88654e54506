"""The conversion radar in chromium: a manager converts the top customer from the radar and
comes back to it; the customer is a client with an account manager, the history kept."""

from __future__ import annotations

import pytest

from clientela.growth.services import classification_run
from clientela.parties.models import Relationship
from tests.browser.conftest import sign_in
from tests.growth.conftest import small_business  # noqa: F401  (the hand-built business)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_convert_the_top_customer_from_the_radar(live_server, page, users, small_business):  # noqa: F811
    classification_run(actor=None, business_type="professional_services")
    ana = small_business["ana"]
    sign_in(page, live_server, "manager")

    page.click("nav >> text=Conversion radar")
    page.wait_for_url(f"{live_server.url}/growth/radar/")
    first = page.locator("[data-testid=radar-row]").first
    assert first.locator("a").first.text_content() == "X Test"
    assert first.locator("[data-testid=radar-action]").text_content() == (
        "Ask for suggestions: satisfaction survey"
    )
    first.locator("summary", has_text="Convert").click()
    first.locator("select[name=owner]").select_option(str(ana.pk))
    first.locator("[data-testid=radar-convert]").click()

    page.wait_for_url(f"{live_server.url}/growth/radar/")
    assert "Converted: X Test is now a client." in page.text_content(".messages")
    current = Relationship.objects.get(party__public_id=small_business["X"], is_current=True)
    assert (current.kind, current.owner_id, current.converted_from.kind) == (
        "client",
        ana.pk,
        "customer",
    )
