"""Onboarding: the REST endpoints under /api/v1/onboarding. Thin: the same services and
selectors as the desk pages.

Templates (all operations) need DESK_CONFIGURE (managers, admins); plans are read by every
role; starting a plan by hand needs DESK_CONFIGURE; completing and reopening a task follow
the task rules (assignee, the client's account managers, managers, admins)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from clientela.accounts.permissions import Action, authorize
from clientela.api.etags import conditional_write, with_etag
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import (
    PathId,
    actor,
    created,
    links_to,
    page,
    referenced,
    responses,
    user_ref,
)
from clientela.api.schemas.common import ListQuery
from clientela.onboarding import selectors
from clientela.onboarding.models import AssigneeKind
from clientela.onboarding.schemas import (
    PlanIn,
    PlanOut,
    PlanQuery,
    PlanSummaryOut,
    ReopenIn,
    TemplateIn,
    TemplateOut,
)
from clientela.onboarding.services import (
    onboarding_plan_start,
    plan_task_complete,
    plan_task_reopen,
)
from clientela.onboarding.template_services import (
    DocumentSpec,
    TaskSpec,
    onboarding_template_create,
    onboarding_template_delete,
    onboarding_template_update,
)

router = Router(tags=["Onboarding"])
TemplatePage = page_schema(TemplateOut, "OnboardingTemplatePage")
PlanPage = page_schema(PlanSummaryOut, "OnboardingPlanPage")


def _document_out(doc) -> dict:
    return {
        "id": doc.public_id,
        "name": doc.name,
        "url": reverse("onboarding:document", args=[doc.public_id]) if doc.file else doc.url,
        "uploaded": bool(doc.file),
    }


def template_out(template) -> dict:
    return {
        "id": template.public_id,
        "name": template.name,
        "service": template.service.public_id if template.service else None,
        "service_name": template.service.name if template.service else None,
        "active": template.active,
        "position": template.position,
        "tasks": [
            {
                "title": task.title,
                "instructions": task.instructions,
                "assignee_kind": task.assignee_kind,
                "assignee": task.assignee.username if task.assignee else None,
                "offset_days": task.offset_days,
                "documents": [_document_out(d) for d in task.documents.all()],
            }
            for task in selectors.onboarding_template_tasks(template=template)
        ],
        "created_at": template.created_at,
        "updated_at": template.updated_at,
    }


def plan_summary_out(plan) -> dict:
    relationship = plan.relationship
    return {
        "id": plan.public_id,
        "relationship": relationship.public_id,
        "party": relationship.party.public_id,
        "party_name": relationship.party.display_name,
        "owner": relationship.owner.username if relationship.owner else None,
        "template_name": plan.template_name,
        "start_on": plan.start_on,
        "started_at": plan.started_at,
        "completed_at": plan.completed_at,
    }


def plan_out(plan) -> dict:
    today = selectors.today_local()
    tasks = selectors.onboarding_plan_tasks(plan=plan)
    rows = [
        {
            "id": task.public_id,
            "title": task.title,
            "instructions": task.instructions,
            "assignee": task.assignee.username if task.assignee else None,
            "due_on": task.due_on,
            "done_at": task.done_at,
            "done_by": task.done_by.username if task.done_by else None,
            "late": task.done_at is None and task.due_on < today,
            "reopen_reason": task.reopen_reason,
            "documents": [_document_out(d) for d in task.documents.all()],
        }
        for task in tasks
    ]
    return {
        **plan_summary_out(plan),
        "template": plan.template.public_id if plan.template else None,
        "done": sum(1 for row in rows if row["done_at"] is not None),
        "total": len(rows),
        "late": sum(1 for row in rows if row["late"]),
        "tasks": rows,
    }


def _specs(payload: TemplateIn) -> dict:
    from clientela.commerce.selectors import catalog_item_get

    service = (
        referenced("service", lambda: catalog_item_get(public_id=payload.service))
        if payload.service
        else None
    )
    tasks = []
    for i, task in enumerate(payload.tasks):
        assignee = user_ref(f"tasks[{i}].assignee", task.assignee)
        tasks.append(
            TaskSpec(
                title=task.title,
                instructions=task.instructions,
                assignee_kind=AssigneeKind.STAFF if assignee else AssigneeKind.ACCOUNT_MANAGER,
                assignee=assignee,
                offset_days=task.offset_days,
                documents=[
                    DocumentSpec(keep=doc.id)
                    if doc.id
                    else DocumentSpec(name=doc.name, url=doc.url)
                    for doc in task.documents
                ],
            )
        )
    return {
        "name": payload.name,
        "service": service,
        "active": payload.active,
        "position": payload.position,
        "tasks": tasks,
    }


def _template(request: HttpRequest, public_id: str):
    authorize(actor(request), Action.DESK_CONFIGURE)
    return selectors.onboarding_template_get(public_id=public_id)


def _lock_template(public_id: str) -> None:
    from clientela.onboarding.models import OnboardingTemplate

    rows = OnboardingTemplate.objects.select_for_update().filter(public_id=public_id)
    if not list(rows.values_list("pk", flat=True)):
        selectors.onboarding_template_get(public_id=public_id)  # NOT_FOUND naming the id


@router.get(
    "/templates", response=responses(200, TemplatePage), operation_id="listOnboardingTemplates"
)
def list_templates(request: HttpRequest, query: Query[ListQuery]):
    """Every template, by position (managers and admins)."""
    authorize(actor(request), Action.DESK_CONFIGURE)
    rows, next_cursor = keyset_page(
        selectors.onboarding_templates(),
        ordering=("position", "id"),
        cursor=query.cursor,
        limit=query.limit,
        tag="onboarding-templates",
    )
    return page(rows, next_cursor, template_out)


@router.post(
    "/templates",
    response=responses(201, TemplateOut),
    operation_id="createOnboardingTemplate",
    openapi_extra=links_to(
        "getOnboardingTemplate", "updateOnboardingTemplate", "deleteOnboardingTemplate"
    ),
)
def create_template(request: HttpRequest, response: HttpResponse, payload: TemplateIn):
    """A template with its tasks (documents by URL here; files through the web page)."""
    authorize(actor(request), Action.DESK_CONFIGURE)
    template = onboarding_template_create(actor=actor(request), **_specs(payload))
    body = with_etag(response, template_out(_template(request, template.public_id)))
    return created(response, body, path=f"onboarding/templates/{template.public_id}")


@router.get(
    "/templates/{public_id}",
    response=responses(200, TemplateOut),
    operation_id="getOnboardingTemplate",
)
def get_template(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, template_out(_template(request, public_id)))


@router.put(
    "/templates/{public_id}",
    response=responses(200, TemplateOut, conditional=True),
    operation_id="updateOnboardingTemplate",
)
def update_template(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: TemplateIn
):
    """Replace the template and its task list (a document listed by `id` is kept; plans
    already started do not change). Honours If-Match."""
    template = _template(request, public_id)
    fields = _specs(payload)
    with conditional_write(
        request,
        lambda: _lock_template(public_id),
        lambda: template_out(_template(request, public_id)),
    ):
        onboarding_template_update(actor=actor(request), template=template, **fields)
    return with_etag(response, template_out(_template(request, public_id)))


@router.delete(
    "/templates/{public_id}",
    response=responses(204, None, conditional=True),
    operation_id="deleteOnboardingTemplate",
)
def delete_template(request: HttpRequest, public_id: PathId):
    """Delete the template; plans started from it stay. Honours If-Match."""
    template = _template(request, public_id)
    with conditional_write(
        request,
        lambda: _lock_template(public_id),
        lambda: template_out(_template(request, public_id)),
    ):
        onboarding_template_delete(actor=actor(request), template=template)
    return Status(204, None)


@router.get("/plans", response=responses(200, PlanPage), operation_id="listOnboardingPlans")
def list_plans(request: HttpRequest, query: Query[PlanQuery]):
    """Plans, oldest start first; filter by `status`, `relationship` or the client's
    account manager (`owner`)."""
    relationship_id = None
    if query.relationship:
        from clientela.parties.selectors import relationship_get

        relationship_id = referenced(
            "relationship", lambda: relationship_get(public_id=query.relationship)
        ).pk
    owner = user_ref("owner", query.owner)
    rows, next_cursor = keyset_page(
        selectors.onboarding_plans_filtered(
            status=query.status,
            relationship_id=relationship_id,
            owner_id=owner.pk if owner else None,
        ),
        ordering=("started_at", "id"),
        cursor=query.cursor,
        limit=query.limit,
        tag=f"onboarding-plans:{query.status}:{query.relationship}:{query.owner}",
    )
    return page(rows, next_cursor, plan_summary_out)


@router.post(
    "/plans",
    response=responses(201, PlanOut),
    operation_id="startOnboardingPlan",
    openapi_extra=links_to("getOnboardingPlan"),
)
def start_plan(request: HttpRequest, response: HttpResponse, payload: PlanIn):
    """Start a plan by hand from a template (managers and admins). 409 while the client
    has an open plan."""
    from clientela.parties.selectors import relationship_get

    authorize(actor(request), Action.DESK_CONFIGURE)
    relationship = referenced(
        "relationship", lambda: relationship_get(public_id=payload.relationship)
    )
    template = referenced(
        "template", lambda: selectors.onboarding_template_get(public_id=payload.template)
    )
    plan = onboarding_plan_start(actor=actor(request), relationship=relationship, template=template)
    body = with_etag(response, plan_out(selectors.onboarding_plan_get(public_id=plan.public_id)))
    return created(response, body, path=f"onboarding/plans/{plan.public_id}")


@router.get(
    "/plans/{public_id}", response=responses(200, PlanOut), operation_id="getOnboardingPlan"
)
def get_plan(request: HttpRequest, response: HttpResponse, public_id: PathId):
    """The plan with its tasks and progress."""
    return with_etag(response, plan_out(selectors.onboarding_plan_get(public_id=public_id)))


def _plan_of_task(response: HttpResponse, task_public_id: str) -> dict:
    task = selectors.plan_task_get(public_id=task_public_id)
    plan = selectors.onboarding_plan_get(public_id=task.plan.public_id)
    return with_etag(response, plan_out(plan))


@router.post(
    "/tasks/{public_id}/complete",
    response=responses(200, PlanOut),
    operation_id="completeOnboardingTask",
)
def complete_task(request: HttpRequest, response: HttpResponse, public_id: PathId):
    """Mark the task done (again: no change); the answer is the task's plan. Completing
    the last open task completes the plan."""
    plan_task_complete(actor=actor(request), task_public_id=public_id)
    return _plan_of_task(response, public_id)


@router.post(
    "/tasks/{public_id}/reopen",
    response=responses(200, PlanOut),
    operation_id="reopenOnboardingTask",
)
def reopen_task(request: HttpRequest, response: HttpResponse, public_id: PathId, payload: ReopenIn):
    """Reopen a done task with a reason (409 when it is not done); the answer is the plan."""
    plan_task_reopen(actor=actor(request), task_public_id=public_id, reason=payload.reason)
    return _plan_of_task(response, public_id)
