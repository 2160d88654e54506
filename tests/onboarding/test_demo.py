"""The onboarding demo data: deterministic templates and plans for the bank."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from clientela.demo import demo_load as load_business
from clientela.onboarding.demo import demo_load
from clientela.onboarding.models import (
    OnboardingDocument,
    OnboardingPlan,
    OnboardingTemplate,
    PlanTask,
)
from clientela.onboarding.selectors import onboarding_is_complete, onboarding_tasks_late
from clientela.parties.models import Relationship

NOW = dt.datetime(2026, 10, 31, tzinfo=dt.UTC)


def test_bank_demo_plans(db):
    load_business(business="bank", size="small", seed=42, desk=False)
    assert demo_load(business="cafe", seed=42, now=NOW) == 0
    assert demo_load(business="bank", seed=42, now=NOW) == 721
    templates = {
        (t.name, t.service.sku if t.service else None): t.tasks.count()
        for t in OnboardingTemplate.objects.select_related("service")
    }
    assert templates == {
        ("Wealth management onboarding", "WM-PORTFOLIO"): 7,
        ("Financial plan onboarding", "WM-PLAN"): 5,
        ("Private client onboarding", None): 4,
    }
    plans = OnboardingPlan.objects.all()
    assert (plans.count(), plans.filter(completed_at__isnull=True).count()) == (72, 8)
    assert Counter(plans.values_list("template_name", flat=True)) == {
        "Wealth management onboarding": 67,
        "Financial plan onboarding": 5,
    }
    assert (
        PlanTask.objects.count(),
        PlanTask.objects.filter(done_at__isnull=False).count(),
        OnboardingDocument.objects.filter(plan_task__isnull=False).count(),
    ) == (494, 471, 134)
    late = onboarding_tasks_late(owner_id=None, today=NOW.date())
    assert len(late) == 8
    assert [(t.title, t.due_on, t.days_late) for t in late[:3]] == [
        ("Collect KYC and source-of-wealth documents", dt.date(2026, 10, 1), 30),
        ("Risk profile questionnaire", dt.date(2026, 10, 3), 28),
        ("Agree the investment policy statement", dt.date(2026, 10, 7), 24),
    ]
    # every client in onboarding has an open plan; every client further along a complete one
    for rel in Relationship.objects.filter(kind="client", is_current=True, status="active"):
        if rel.stage == "onboarding":
            assert onboarding_is_complete(relationship_id=rel.pk) is False
        if rel.stage == "relationship_management":
            assert rel.onboarding_plans.get().completed_at is not None
    # a plan's completion time is its last task's
    for plan in plans.filter(completed_at__isnull=False)[:10]:
        assert plan.completed_at == max(t.done_at for t in plan.tasks.all())
