"""Onboarding plans: starting one (automatically or by hand), completing and reopening tasks.

Who may work on a plan's tasks: the task's assignee, the client's account manager (the
relationship's owner) and its backups, managers and admins (and the system, actor=None).
Everyone reads. A plan is complete exactly when all its tasks are done: completing the last
task sets `completed_at`, reopening one clears it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import Role
from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.core.services import audit_record
from clientela.onboarding.models import (
    AssigneeKind,
    OnboardingDocument,
    OnboardingPlan,
    OnboardingTemplate,
    PlanTask,
)


def relationship_backups(*, relationship_id: int) -> set[int]:
    """The user ids of the client's backup account managers (empty while the client desk
    has none)."""
    try:
        from clientela.clientdesk.selectors import relationship_backup_ids
    except ImportError:
        return set()
    return set(relationship_backup_ids(relationship_id=relationship_id))


def plan_task_may_change(actor, task: PlanTask) -> bool:
    """True when `actor` may complete or reopen `task` (see the module docstring)."""
    if actor is None:
        return True
    if not getattr(actor, "is_active", False):
        return False
    if actor.role in {Role.ADMIN, Role.MANAGER}:
        return True
    if task.assignee_id == actor.pk:
        return True
    relationship = task.plan.relationship
    if relationship.owner_id == actor.pk:
        return True
    return actor.pk in relationship_backups(relationship_id=relationship.pk)


def _authorize_task(actor, task: PlanTask) -> None:
    if not plan_task_may_change(actor, task):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED,
            _("Only the assignee, the client's account managers and managers change this task."),
            {"action": "onboarding.task"},
        )


def _locked_task(task_public_id: str) -> tuple[OnboardingPlan, PlanTask]:
    """Lock the task's plan, then read the task: concurrent completions of one plan's tasks
    queue, so exactly one of them sees the last open task go."""
    plan_id = (
        PlanTask.objects.filter(public_id=task_public_id).values_list("plan_id", flat=True).first()
    )
    if plan_id is None:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, _("No onboarding task %(id)s.") % {"id": task_public_id}
        )
    plan = OnboardingPlan.objects.select_for_update().select_related("relationship").get(pk=plan_id)
    task = PlanTask.objects.get(public_id=task_public_id)
    task.plan = plan
    return plan, task


def _require_aware(at: datetime | None) -> datetime:
    if at is None:
        return timezone.now()
    if not isinstance(at, datetime) or timezone.is_naive(at):
        raise validation_error("at", _("needs a time zone"))
    return at


def plan_task_complete(*, actor, task_public_id: str, at: datetime | None = None) -> None:
    """Mark the task done (by `actor`, at `at` or now). Completing a task already done changes
    nothing. Completing the plan's last open task completes the plan in the same
    transaction. PERMISSION_DENIED for anyone but the assignee, the client's account
    managers, managers and admins."""
    at = _require_aware(at)
    with transaction.atomic():
        plan, task = _locked_task(task_public_id)
        _authorize_task(actor, task)
        if task.done_at is not None:
            return
        task.done_at = at
        task.done_by = actor if getattr(actor, "pk", None) else None
        task.updated_at = timezone.now()
        task.save(update_fields=["done_at", "done_by", "updated_at"])
        audit_record(
            actor=actor,
            action="onboarding.task_completed",
            target=task,
            data={"plan": plan.public_id},
        )
        if not plan.tasks.filter(done_at__isnull=True).exists():
            plan.completed_at = at
            plan.updated_at = timezone.now()
            plan.save(update_fields=["completed_at", "updated_at"])
            audit_record(actor=actor, action="onboarding.plan_completed", target=plan)


def plan_task_reopen(*, actor, task_public_id: str, reason: str) -> None:
    """Reopen a done task, saying why (same rights as completing). A completed plan opens
    again; CONFLICT when the task is not done, or when the client already has another open
    plan (a client has at most one open plan)."""
    reason = (reason or "").strip()
    if not reason:
        raise validation_error("reason", _("is required"))
    if len(reason) > 500:
        raise validation_error("reason", _("is longer than 500 characters"))
    with transaction.atomic():
        plan, task = _locked_task(task_public_id)
        _authorize_task(actor, task)
        if task.done_at is None:
            raise ApplicationError(ErrorCode.CONFLICT, _("This task is not done."))
        if plan.completed_at is not None:
            if (
                OnboardingPlan.objects.filter(
                    relationship_id=plan.relationship_id, completed_at__isnull=True
                )
                .exclude(pk=plan.pk)
                .exists()
            ):
                raise ApplicationError(
                    ErrorCode.CONFLICT,
                    _("This client has a newer open onboarding plan; work on that one."),
                )
            plan.completed_at = None
            plan.updated_at = timezone.now()
            plan.save(update_fields=["completed_at", "updated_at"])
        now = timezone.now()
        task.done_at = None
        task.done_by = None
        task.reopened_at = now
        task.reopen_reason = reason
        task.updated_at = now
        task.save(
            update_fields=["done_at", "done_by", "reopened_at", "reopen_reason", "updated_at"]
        )
        audit_record(
            actor=actor,
            action="onboarding.task_reopened",
            target=task,
            data={"plan": plan.public_id, "reason": reason},
        )


# Starting plans -----------------------------------------------------------------------------


def onboarding_template_for(*, relationship_id: int) -> OnboardingTemplate | None:
    """The template a client's plan starts from: the first active template (by position)
    for one of the services of the client's contract; else the first active default template
    (no service); else None."""
    service_ids: list[int] = []
    try:
        from clientela.contracts.selectors import contract_service_ids
    except ImportError:
        contract_service_ids = None
    if contract_service_ids is not None:
        service_ids = list(contract_service_ids(relationship_id=relationship_id))
    active = OnboardingTemplate.objects.filter(active=True).order_by("position", "id")
    if service_ids:
        match = active.filter(service_id__in=service_ids).first()
        if match is not None:
            return match
    return active.filter(service__isnull=True).first()


def onboarding_start_date(*, relationship_id: int, at: datetime) -> date:
    """The plan's start: the client's contract start, else the day (local) of `at`."""
    try:
        from clientela.contracts.selectors import contract_start_for
    except ImportError:
        contract_start_for = None
    if contract_start_for is not None:
        start = contract_start_for(relationship_id=relationship_id)
        if start is not None:
            return start
    return timezone.localdate(at)


def _plan_create(*, actor, relationship, template: OnboardingTemplate, at: datetime):
    """Copy `template` into a new plan (caller holds the relationship's lock and checked
    that no plan is open)."""
    start_on = onboarding_start_date(relationship_id=relationship.pk, at=at)
    template_tasks = list(template.tasks.prefetch_related("documents").all())
    plan = OnboardingPlan(
        relationship=relationship,
        template=template,
        template_name=template.name,
        start_on=start_on,
        started_at=at,
        started_by=actor if getattr(actor, "pk", None) else None,
        completed_at=None if template_tasks else at,
    )
    plan.full_clean(exclude=["relationship", "template"])
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:  # another open plan committed meanwhile
        raise ApplicationError(
            ErrorCode.CONFLICT, _("This client already has an open onboarding plan.")
        ) from exc
    for source in template_tasks:
        assignee_id = (
            relationship.owner_id
            if source.assignee_kind == AssigneeKind.ACCOUNT_MANAGER
            else source.assignee_id
        )
        task = PlanTask.objects.create(
            plan=plan,
            title=source.title,
            instructions=source.instructions,
            assignee_id=assignee_id,
            position=source.position,
            due_on=start_on + timedelta(days=source.offset_days),
        )
        OnboardingDocument.objects.bulk_create([_with_id(d) for d in _copies(source, task)])
    audit_record(
        actor=actor,
        action="onboarding.plan_started",
        target=plan,
        data={"template": template.public_id, "start_on": start_on.isoformat()},
    )
    return plan


def _copies(source, task: PlanTask) -> list[OnboardingDocument]:
    return [
        OnboardingDocument(
            plan_task=task,
            name=doc.name,
            file=doc.file.name if doc.file else "",
            filename=doc.filename,
            content_type=doc.content_type,
            url=doc.url,
        )
        for doc in source.documents.all()
    ]


def _with_id(document: OnboardingDocument) -> OnboardingDocument:
    document.assign_public_id()
    return document


def _lock_relationship(relationship):
    from clientela.parties.models import Relationship

    return Relationship.objects.select_for_update().get(pk=relationship.pk)


def onboarding_plan_start_on_enter(*, relationship, actor, at: datetime) -> OnboardingPlan | None:
    """The journey hook's work: start the client's plan from the matching template (see
    `onboarding_template_for`). Nothing happens when a plan is already open (re-entering
    onboarding) or no template applies. Runs inside the journey move's transaction, so a
    failure rolls the move back."""
    with transaction.atomic():
        locked = _lock_relationship(relationship)
        if OnboardingPlan.objects.filter(relationship=locked, completed_at__isnull=True).exists():
            return None
        template = onboarding_template_for(relationship_id=locked.pk)
        if template is None:
            return None
        return _plan_create(actor=actor, relationship=locked, template=template, at=at)


def onboarding_plan_start(
    *, actor, relationship, template: OnboardingTemplate, at: datetime | None = None
) -> OnboardingPlan:
    """Start a plan by hand from `template` (managers and admins: DESK_CONFIGURE), for a
    current client relationship. CONFLICT while the client has an open plan."""
    authorize(actor, Action.DESK_CONFIGURE)
    at = _require_aware(at)
    if relationship.kind != "client" or not relationship.is_current:
        raise validation_error("relationship", _("must be a current client relationship"))
    if relationship.status not in {"active", "paused"}:
        raise validation_error("relationship", _("must be a current client relationship"))
    if not template.active:
        raise validation_error("template", _("is not active"))
    with transaction.atomic():
        locked = _lock_relationship(relationship)
        if OnboardingPlan.objects.filter(relationship=locked, completed_at__isnull=True).exists():
            raise ApplicationError(
                ErrorCode.CONFLICT, _("This client already has an open onboarding plan.")
            )
        return _plan_create(actor=actor, relationship=locked, template=template, at=at)
