"""The late-task sweep tells the assignee and the account manager exactly once."""

from __future__ import annotations

import datetime as dt

from clientela.notifications.models import Notification
from clientela.notifications.sweeps import sweeps_registered, sweeps_run
from clientela.onboarding.models import OnboardingPlan
from clientela.onboarding.services import plan_task_complete
from clientela.onboarding.sweeps import onboarding_late_sweep
from tests.factories import UserFactory
from tests.onboarding.helpers import AT, enter_onboarding, make_client, make_template


def test_the_sweep_is_registered(db):
    assert "onboarding.late_tasks" in sweeps_registered()


def test_a_late_task_is_announced_once_to_assignee_and_account_manager(users):
    specialist = UserFactory(username="specialist", role="support_agent")
    make_template(
        "Standard",
        tasks=[
            ("Kickoff call", 0, None),
            ("Collect documents", 7, specialist),
            ("Review", 30, None),
        ],
    )
    rel = make_client(users, name="Bea")
    enter_onboarding(users, rel)
    plan = OnboardingPlan.objects.get(relationship=rel)
    kickoff, documents, review = plan.tasks.all()

    # 2026-03-05: only the kickoff (due 03-02) is late; its assignee is the account manager.
    assert onboarding_late_sweep(now=AT + dt.timedelta(days=3)) == 1
    assert onboarding_late_sweep(now=AT + dt.timedelta(days=3, hours=1)) == 0
    rows = list(Notification.objects.order_by("id").values_list("key", "user__username", "link"))
    assert rows == [
        (f"onboarding-late:{kickoff.pk}", "account_manager", f"/desk/onboarding/{plan.public_id}/"),
    ]

    # 2026-03-12: the documents task (the specialist's) is late too: both are told, once;
    # a task done before it got late is never announced.
    plan_task_complete(actor=users["manager"], task_public_id=review.public_id)
    now = AT + dt.timedelta(days=10)
    assert sweeps_run(now=now)["onboarding.late_tasks"] == 2
    assert sweeps_run(now=now)["onboarding.late_tasks"] == 0
    assert onboarding_late_sweep(now=AT + dt.timedelta(days=60)) == 0
    rows = list(Notification.objects.order_by("id").values_list("key", "user__username"))
    assert rows == [
        (f"onboarding-late:{kickoff.pk}", "account_manager"),
        (f"onboarding-late:{documents.pk}", "specialist"),
        (f"onboarding-late:{documents.pk}:owner", "account_manager"),
    ]
    subject = Notification.objects.get(user__username="specialist").subject
    assert subject == "Onboarding task late: Collect documents (Bea Popescu)"
