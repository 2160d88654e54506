"""The onboarding card on a party's page: progress of the current plan and its next tasks;
for managers, starting a plan by hand when the client has none open."""

from __future__ import annotations

from clientela.accounts.permissions import Action, is_allowed
from clientela.onboarding.selectors import (
    onboarding_plan_current,
    onboarding_progress,
    onboarding_templates,
    today_local,
)

NEXT_TASKS = 3


def party_card(*, relationship, user) -> dict | None:
    """None for customers, and for clients without a plan unless `user` may start one."""
    if relationship is None or relationship.kind != "client":
        return None
    plan = onboarding_plan_current(relationship_id=relationship.pk)
    may_start = (
        is_allowed(user, Action.DESK_CONFIGURE)
        and relationship.is_current
        and (plan is None or plan.completed_at is not None)
    )
    if plan is None and not may_start:
        return None
    today = today_local()
    next_tasks = []
    if plan is not None:
        next_tasks = list(
            plan.tasks.filter(done_at__isnull=True)
            .select_related("assignee")
            .order_by("due_on", "position", "id")[:NEXT_TASKS]
        )
        for task in next_tasks:
            task.is_late = task.due_on < today
    progress = onboarding_progress(relationship_id=relationship.pk, today=today)
    return {
        "relationship": relationship,
        "plan": plan,
        "progress": progress,
        "next_tasks": next_tasks,
        "may_start": may_start,
        "templates": list(onboarding_templates(active=True)) if may_start else [],
    }
