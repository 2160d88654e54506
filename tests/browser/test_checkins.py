"""Check-ins in chromium: an account manager logs a check-in from the desk queue (htmx) and
the row leaves the queue; the party card edits the cadence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clientela.checkins.models import CheckinCadence
from tests.browser.conftest import sign_in
from tests.checkins.helpers import client_with_cadence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page):
    page.set_default_timeout(30_000)  # the shared machine is slow under load
    return page


def test_log_a_check_in_from_the_queue(live_server, page, users):
    am = users["account_manager"]
    today = timezone.localdate()
    late = client_with_cadence(owner=am, name="Late", every_days=10,
                               started_on=today - timedelta(days=14))  # fmt: skip
    soon = client_with_cadence(owner=am, name="Soon", every_days=10,
                               started_on=today - timedelta(days=6))  # fmt: skip
    sign_in(page, live_server, "account_manager")

    page.goto(f"{live_server.url}/desk/checkins/")
    row = page.locator(f"#checkin-{late.public_id}")
    assert "4 days overdue" in row.text_content()
    assert page.text_content("[data-testid=checkin-soon]").count("Ana Soon") == 1
    row.locator("select[name=channel]").select_option("email")
    row.locator("input[name=note]").fill("Budget for next quarter")
    row.locator("button[type=submit]").click()

    page.locator(f"#checkin-{late.public_id}").wait_for(state="detached")
    assert page.locator(f"#checkin-{soon.public_id}").count() == 1
    activity = late.party.activities.get()
    assert (activity.kind, activity.body, activity.staff_id) == (
        "email", "Budget for next quarter", am.pk,
    )  # fmt: skip


def test_edit_the_cadence_on_the_party_card(live_server, page, users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, name="Card", every_days=30, started_on=timezone.localdate())
    sign_in(page, live_server, "account_manager")

    page.goto(f"{live_server.url}/parties/{rel.party.public_id}/")
    card = page.locator("[data-testid=checkins-card]")
    assert "every 30 days" in card.text_content()
    card.locator("[data-testid=checkin-card-cadence] summary").click()
    card.locator("input[name=every_days]").fill("14")
    card.locator("[data-testid=checkin-card-cadence] select[name=channel]").select_option(
        "in_person_meeting"
    )
    card.locator("[data-testid=checkin-card-cadence] button[type=submit]").click()

    page.wait_for_url(f"{live_server.url}/parties/{rel.party.public_id}/")
    assert "every 14 days" in page.text_content("[data-testid=checkins-card]")
    cadence = CheckinCadence.objects.get()
    assert (cadence.every_days, cadence.channel) == (14, "in_person_meeting")
