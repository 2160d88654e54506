"""Onboarding pages: the open plans, one plan's checklist (complete / reopen with htmx),
starting a plan by hand, and downloading a task's document.

Every signed-in role reads; the services decide who may change what (a refused action
becomes a visible message through the error middleware)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clientela.accounts.models import Role
from clientela.accounts.permissions import Action, is_allowed
from clientela.accounts.selectors import user_list_account_managers
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.onboarding.selectors import (
    Progress,
    onboarding_document_get,
    onboarding_plan_get,
    onboarding_plan_tasks,
    onboarding_plans_open,
    onboarding_template_get,
    plan_task_get,
    today_local,
)
from clientela.onboarding.services import (
    onboarding_plan_start,
    plan_task_complete,
    plan_task_may_change,
    plan_task_reopen,
)
from clientela.web.views.common import safe_next


@require_GET
def plans(request):
    """Open plans. Account managers see their own clients' plans unless they pick another
    filter (`?owner=all` or a username); everyone else sees all plans by default."""
    owners = list(user_list_account_managers())
    default = request.user.username if request.user.role == Role.ACCOUNT_MANAGER else "all"
    chosen = request.GET.get("owner") or default
    owner = next((u for u in owners if u.username == chosen), None)
    if owner is None:
        chosen = "all"
    rows = list(onboarding_plans_open(owner_id=owner.pk if owner else None))
    for plan in rows:
        plan.percent = round(100 * plan.done / plan.total) if plan.total else 100
    context = {
        "plans": rows,
        "owners": owners,
        "chosen": chosen,
        "late_total": sum(plan.late for plan in rows),
        "may_configure": is_allowed(request.user, Action.DESK_CONFIGURE),
    }
    return render(request, "onboarding/plans.html", context)


def _checklist(plan, user) -> list:
    today = today_local()
    tasks = onboarding_plan_tasks(plan=plan)
    for task in tasks:
        task.plan = plan
        task.is_late = task.done_at is None and task.due_on < today
        task.days_late = (today - task.due_on).days if task.is_late else 0
        task.may_change = plan_task_may_change(user, task)
    return tasks


def _plan_context(plan, user) -> dict:
    tasks = _checklist(plan, user)
    done = sum(1 for task in tasks if task.done_at is not None)
    progress = Progress(
        plan_public_id=plan.public_id,
        done=done,
        total=len(tasks),
        late=sum(1 for task in tasks if task.is_late),
    )
    return {"plan": plan, "party": plan.relationship.party, "tasks": tasks, "progress": progress}


@require_GET
def plan(request, public_id: str):
    plan = onboarding_plan_get(public_id=public_id)
    return render(request, "onboarding/plan.html", _plan_context(plan, request.user))


def _after_task_change(request, task_public_id: str, message: str):
    task = plan_task_get(public_id=task_public_id)
    plan = onboarding_plan_get(public_id=task.plan.public_id)
    if getattr(request, "htmx", False):
        context = _plan_context(plan, request.user)
        return render(request, "onboarding/_checklist.html", context)
    messages.success(request, message)
    return redirect(safe_next(request, reverse("onboarding:plan", args=[plan.public_id])))


@require_POST
def task_complete(request, public_id: str):
    plan_task_complete(actor=request.user, task_public_id=public_id)
    return _after_task_change(request, public_id, _("Task completed."))


@require_POST
def task_reopen(request, public_id: str):
    plan_task_reopen(
        actor=request.user, task_public_id=public_id, reason=request.POST.get("reason", "")
    )
    return _after_task_change(request, public_id, _("Task reopened."))


@require_POST
def plan_start(request):
    """Start a plan by hand (from the party card): relationship and template public ids."""
    from clientela.parties.selectors import relationship_get

    relationship = relationship_get(public_id=request.POST.get("relationship", ""))
    template = onboarding_template_get(public_id=request.POST.get("template", ""))
    started = onboarding_plan_start(
        actor=request.user, relationship=relationship, template=template
    )
    messages.success(request, _("Onboarding plan started."))
    return redirect(reverse("onboarding:plan", args=[started.public_id]))


@require_GET
def document(request, public_id: str):
    """Stream an uploaded document (every signed-in role reads; a URL document redirects
    nowhere: its link is shown on the page)."""
    from clientela.core.files import stored_file_response

    doc = onboarding_document_get(public_id=public_id)
    if not doc.file:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("This document has no file."))
    return stored_file_response(
        file_field=doc.file, filename=doc.filename or doc.name, content_type=doc.content_type
    )
