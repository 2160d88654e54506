"""The client desk in chromium: an account manager opens the morning list, logs a check-in
for an overdue client (it leaves the list) and completes a late onboarding task (it leaves
the list too)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clientela.activities.models import Activity
from clientela.onboarding.models import PlanTask
from tests.browser.conftest import sign_in
from tests.clientdesk.builders import cadence, client, late_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page):
    page.set_default_timeout(30_000)  # the shared machine is slow under load
    return page


def test_work_through_the_morning_list(live_server, page, users):
    today = timezone.localdate()
    am = users["account_manager"]
    overdue = client(am, "Olga")
    cadence(overdue, every_days=10, started_on=today - timedelta(days=30))
    late = client(am, "Lena")
    late_task(
        late, started=today - timedelta(days=20), offset_days=5, title="Send the welcome pack"
    )
    client(users["manager"], "Someone")  # another account manager's client: not listed
    sign_in(page, live_server, "account_manager")

    page.click("[data-testid=nav-desk]")
    page.wait_for_url(f"{live_server.url}/desk/")
    assert page.get_attribute("[data-testid=nav-desk]", "class") == "active"
    assert page.text_content("[data-testid=count-checkins] .stat") == "1"
    assert page.text_content("[data-testid=count-late_tasks] .stat") == "1"
    item = page.locator("[data-testid=checkin-item]")
    assert item.count() == 1
    assert "Olga Client" in item.text_content()
    assert "20 days overdue" in item.text_content()

    item.locator("select[name=channel]").select_option("email")
    item.locator("input[name=note]").fill("Quarterly plan agreed")
    item.locator("[data-testid=checkin-log]").click()
    page.wait_for_selector("text=The check-in is logged.")
    assert page.url == f"{live_server.url}/desk/"
    assert page.locator("[data-testid=checkin-item]").count() == 0
    assert page.text_content("[data-testid=count-checkins] .stat") == "0"
    assert "No check-in is overdue" in page.text_content("[data-testid=section-checkins]")
    logged = Activity.objects.get(party=overdue.party)
    assert (logged.kind, logged.body, logged.staff) == ("email", "Quarterly plan agreed", am)

    task = page.locator("[data-testid=task-item]")
    assert task.count() == 1
    assert "Send the welcome pack" in task.text_content()
    assert "15 days late" in task.text_content()
    task.locator("[data-testid=task-done]").click()
    page.wait_for_selector("text=The task is done.")
    assert page.locator("[data-testid=task-item]").count() == 0
    assert "Every onboarding task is on time." in page.text_content(
        "[data-testid=section-late_tasks]"
    )
    done = PlanTask.objects.get(title="Send the welcome pack")
    assert done.done_by == am
