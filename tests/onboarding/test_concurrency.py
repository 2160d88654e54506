"""Concurrent writers on PostgreSQL: the last two tasks completed at once still complete the
plan, and two sweeps running together notify once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from clientela.notifications.models import Notification
from clientela.onboarding.models import OnboardingPlan
from clientela.onboarding.services import plan_task_complete
from clientela.onboarding.sweeps import onboarding_late_sweep
from tests.onboarding.helpers import AT, enter_onboarding, make_client, make_template

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _together(*calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_completing_the_last_two_tasks_at_once_completes_the_plan(users):
    make_template("Standard", tasks=[("Kickoff call", 0, None), ("Set up accounts", 3, None)])
    rel = make_client(users)
    enter_onboarding(users, rel)
    first, second = OnboardingPlan.objects.get(relationship=rel).tasks.all()
    manager, am = users["manager"], users["account_manager"]
    _together(
        lambda: plan_task_complete(actor=manager, task_public_id=first.public_id),
        lambda: plan_task_complete(actor=am, task_public_id=second.public_id),
    )
    plan = OnboardingPlan.objects.get(relationship=rel)
    assert plan.completed_at is not None
    assert plan.tasks.filter(done_at__isnull=True).count() == 0


def test_two_sweeps_at_once_notify_once(users):
    make_template("Standard", tasks=[("Kickoff call", 0, None), ("Set up accounts", 3, None)])
    rel = make_client(users)
    enter_onboarding(users, rel)
    now = AT + dt.timedelta(days=10)
    sent = _together(lambda: onboarding_late_sweep(now=now), lambda: onboarding_late_sweep(now=now))
    assert sum(sent) == 2  # each task claimed by exactly one of them
    assert Notification.objects.filter(kind="onboarding.task_late").count() == 2
