"""Reading onboarding plans: completion, progress and late tasks.

Everyone signed in reads (docs/roles.md: every role reads everything); writes are checked in
services.py. "Late" means not done and due before `today`; only plans of a current, open
client relationship count, so a client who left or converted no longer shows late tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.onboarding.models import (
    OnboardingDocument,
    OnboardingPlan,
    OnboardingTemplate,
    PlanTask,
)


@dataclass(frozen=True)
class Progress:
    plan_public_id: str
    done: int
    total: int
    late: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


@dataclass(frozen=True)
class LateTask:
    task_public_id: str
    title: str
    plan_public_id: str
    party_public_id: str
    party_name: str
    relationship_id: int
    assignee_id: int | None
    due_on: date
    days_late: int


def today_local() -> date:
    """Today in the installation's time zone (CLIENTELA_TIME_ZONE, UTC by default)."""
    return timezone.localdate()


def _live_plans() -> QuerySet[OnboardingPlan]:
    return OnboardingPlan.objects.filter(
        relationship__is_current=True, relationship__status__in=["active", "paused"]
    )


def onboarding_is_complete(*, relationship_id: int) -> bool:
    """True unless the relationship has an open plan (no plan: nothing to complete)."""
    return not OnboardingPlan.objects.filter(
        relationship_id=relationship_id, completed_at__isnull=True
    ).exists()


def onboarding_plan_current(*, relationship_id: int) -> OnboardingPlan | None:
    """The open plan, else the most recently started one; None without a plan."""
    plans = OnboardingPlan.objects.filter(relationship_id=relationship_id)
    return (
        plans.filter(completed_at__isnull=True).first()
        or plans.order_by("-started_at", "-id").first()
    )


def onboarding_progress(*, relationship_id: int, today: date | None = None) -> Progress | None:
    """Done, total and late task counts of the current plan (see `onboarding_plan_current`)."""
    plan = onboarding_plan_current(relationship_id=relationship_id)
    if plan is None:
        return None
    today = today or today_local()
    counts = plan.tasks.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(done_at__isnull=False)),
        late=Count("id", filter=Q(done_at__isnull=True, due_on__lt=today)),
    )
    return Progress(
        plan_public_id=plan.public_id,
        done=counts["done"],
        total=counts["total"],
        late=counts["late"],
    )


def _late_tasks(*, today: date) -> QuerySet[PlanTask]:
    return PlanTask.objects.filter(
        done_at__isnull=True,
        due_on__lt=today,
        plan__completed_at__isnull=True,
        plan__relationship__is_current=True,
        plan__relationship__status__in=["active", "paused"],
    )


def onboarding_tasks_late(*, owner_id: int | None, today: date) -> list[LateTask]:
    """Late tasks of the clients of account manager `owner_id` (None: every client), most
    late first, then by client name."""
    tasks = _late_tasks(today=today)
    if owner_id is not None:
        tasks = tasks.filter(plan__relationship__owner_id=owner_id)
    return _late_rows(tasks, today=today)


def onboarding_tasks_to_announce(*, today: date) -> list[LateTask]:
    """Late tasks the late-task sweep has not announced yet (same order)."""
    return _late_rows(_late_tasks(today=today).filter(late_notified_at__isnull=True), today=today)


def _late_rows(tasks: QuerySet[PlanTask], *, today: date) -> list[LateTask]:
    rows = tasks.order_by("due_on", "plan__relationship__party__sort_key", "position", "id").values(
        "public_id",
        "title",
        "plan__public_id",
        "plan__relationship__party__public_id",
        "plan__relationship__party__display_name",
        "plan__relationship_id",
        "assignee_id",
        "due_on",
    )
    return [
        LateTask(
            task_public_id=row["public_id"],
            title=row["title"],
            plan_public_id=row["plan__public_id"],
            party_public_id=row["plan__relationship__party__public_id"],
            party_name=row["plan__relationship__party__display_name"],
            relationship_id=row["plan__relationship_id"],
            assignee_id=row["assignee_id"],
            due_on=row["due_on"],
            days_late=(today - row["due_on"]).days,
        )
        for row in rows
    ]


def onboarding_late_count_by_owner(*, today: date) -> dict[int, int]:
    """Late tasks per client account manager (clients without one are left out)."""
    rows = (
        _late_tasks(today=today)
        .filter(plan__relationship__owner_id__isnull=False)
        .values("plan__relationship__owner_id")
        .annotate(n=Count("id"))
    )
    return {row["plan__relationship__owner_id"]: row["n"] for row in rows}


# Lists and lookups for pages and the API ---------------------------------------------------


def onboarding_plans_open(*, owner_id: int | None = None) -> QuerySet[OnboardingPlan]:
    """Open plans of current clients, annotated with `total`, `done` and `late` (today), the
    earliest start first."""
    today = today_local()
    plans = _live_plans().filter(completed_at__isnull=True)
    if owner_id is not None:
        plans = plans.filter(relationship__owner_id=owner_id)
    return (
        plans.select_related("relationship__party", "relationship__owner")
        .annotate(
            total=Count("tasks"),
            done=Count("tasks", filter=Q(tasks__done_at__isnull=False)),
            late=Count("tasks", filter=Q(tasks__done_at__isnull=True, tasks__due_on__lt=today)),
        )
        .order_by("start_on", "id")
    )


def onboarding_plans_filtered(
    *, status: str | None = None, relationship_id: int | None = None, owner_id: int | None = None
) -> QuerySet[OnboardingPlan]:
    """Every plan (`status` "open" or "completed" narrows), for the API."""
    plans = OnboardingPlan.objects.select_related("relationship__party", "relationship__owner")
    if status == "open":
        plans = plans.filter(completed_at__isnull=True)
    elif status == "completed":
        plans = plans.filter(completed_at__isnull=False)
    if relationship_id is not None:
        plans = plans.filter(relationship_id=relationship_id)
    if owner_id is not None:
        plans = plans.filter(relationship__owner_id=owner_id)
    return plans


def onboarding_plan_get(*, public_id: str) -> OnboardingPlan:
    try:
        return OnboardingPlan.objects.select_related(
            "relationship__party", "relationship__owner", "template"
        ).get(public_id=public_id)
    except OnboardingPlan.DoesNotExist:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, _("No onboarding plan %(id)s.") % {"id": public_id}
        ) from None


def onboarding_plan_tasks(*, plan: OnboardingPlan) -> list[PlanTask]:
    return list(
        plan.tasks.select_related("assignee", "done_by").prefetch_related("documents").all()
    )


def plan_task_get(*, public_id: str) -> PlanTask:
    try:
        return PlanTask.objects.select_related(
            "plan__relationship__party", "assignee", "done_by"
        ).get(public_id=public_id)
    except PlanTask.DoesNotExist:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, _("No onboarding task %(id)s.") % {"id": public_id}
        ) from None


def onboarding_templates(*, active: bool | None = None) -> QuerySet[OnboardingTemplate]:
    templates = OnboardingTemplate.objects.select_related("service").annotate(
        task_count=Count("tasks")
    )
    if active is not None:
        templates = templates.filter(active=active)
    return templates.order_by("position", "id")


def onboarding_template_get(*, public_id: str) -> OnboardingTemplate:
    try:
        return OnboardingTemplate.objects.select_related("service").get(public_id=public_id)
    except OnboardingTemplate.DoesNotExist:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, _("No onboarding template %(id)s.") % {"id": public_id}
        ) from None


def onboarding_template_tasks(*, template: OnboardingTemplate) -> list:
    return list(template.tasks.select_related("assignee").prefetch_related("documents").all())


def onboarding_document_get(*, public_id: str) -> OnboardingDocument:
    try:
        return OnboardingDocument.objects.get(public_id=public_id)
    except OnboardingDocument.DoesNotExist:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, _("No document %(id)s.") % {"id": public_id}
        ) from None
