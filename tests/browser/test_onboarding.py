"""Onboarding in chromium: an account manager opens a client's plan from the desk list,
completes a task (htmx, no page load) and reopens it with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clientela.onboarding.models import OnboardingPlan
from tests.browser.conftest import sign_in
from tests.onboarding.helpers import enter_onboarding, make_client, make_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page):
    page.set_default_timeout(30_000)  # the shared machine is slow under load
    return page


def test_complete_and_reopen_an_onboarding_task(live_server, page, users):
    make_template("Standard", tasks=[("Kickoff call", 0, None), ("Set up accounts", 3, None)])
    rel = make_client(users, name="Greta", start_on=timezone.localdate() - timedelta(days=5))
    enter_onboarding(users, rel, at=timezone.now())
    plan = OnboardingPlan.objects.get(relationship=rel)
    kickoff = plan.tasks.get(title="Kickoff call")
    sign_in(page, live_server, "account_manager")

    page.goto(f"{live_server.url}/desk/onboarding/")
    row = page.locator("[data-testid=plan-row]")
    assert row.count() == 1
    assert "0 of 2" in row.text_content()
    assert page.text_content("[data-testid=plans-late]").strip() == "2"
    row.get_by_role("link", name="Standard").click()
    page.wait_for_url(f"{live_server.url}/desk/onboarding/{plan.public_id}/")

    task = page.locator(f"#task-{kickoff.public_id}")
    assert "5 days late" in task.text_content()
    page.evaluate("window.__marker = 1")  # survives only if no full page load happens
    task.get_by_test_id("task-complete").click()
    page.wait_for_selector("text=1 of 2 done")
    assert page.evaluate("window.__marker") == 1
    task = page.locator(f"#task-{kickoff.public_id}")
    assert "Done" in task.text_content()
    kickoff.refresh_from_db()
    assert kickoff.done_by == users["account_manager"]

    task.locator("summary").click()
    task.locator("input[name=reason]").fill("The client missed the call")
    task.get_by_test_id("task-reopen").click()
    page.wait_for_selector("text=0 of 2 done")
    assert (
        "Reopened: The client missed the call"
        in page.locator(f"#task-{kickoff.public_id}").text_content()
    )
    kickoff.refresh_from_db()
    assert (kickoff.done_at, kickoff.reopen_reason) == (None, "The client missed the call")
