"""Onboarding template pages: the list, new and edit (one form with the task rows), delete.
Managers and admins (DESK_CONFIGURE); the services check it again.

The edit form names its task inputs `task-<n>-<field>`; a row with an empty title is left
out (the form always offers blank rows to add tasks). A refused save re-renders the form
with what was typed and the message naming the field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientela.accounts.permissions import Action, authorize
from clientela.commerce.models import CatalogItem
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.onboarding.models import AssigneeKind
from clientela.onboarding.selectors import (
    onboarding_template_get,
    onboarding_template_tasks,
    onboarding_templates,
)
from clientela.onboarding.template_services import (
    DocumentSpec,
    TaskSpec,
    onboarding_template_create,
    onboarding_template_delete,
    onboarding_template_update,
)

BLANK_ROWS = 2
MAX_ROWS = 100


@require_GET
def templates(request):
    authorize(request.user, Action.DESK_CONFIGURE)
    return render(request, "onboarding/templates.html", {"templates": onboarding_templates()})


def _services():
    return CatalogItem.objects.filter(offering="personalised").order_by("name", "id")


def _staff():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "username")


def _rows_from_template(template) -> list[dict]:
    rows = []
    for task in onboarding_template_tasks(template=template):
        rows.append(
            {
                "title": task.title,
                "instructions": task.instructions,
                "who": task.assignee.username
                if task.assignee_kind == AssigneeKind.STAFF and task.assignee
                else AssigneeKind.ACCOUNT_MANAGER,
                "offset": task.offset_days,
                "documents": list(task.documents.all()),
                "kept": {d.public_id for d in task.documents.all()},
            }
        )
    return rows


def _rows_from_post(post, existing_docs: dict) -> list[dict]:
    rows = []
    for n in range(MAX_ROWS):
        if f"task-{n}-title" not in post:
            continue
        kept = set(post.getlist(f"task-{n}-keep"))
        rows.append(
            {
                "n": n,
                "title": post.get(f"task-{n}-title", ""),
                "instructions": post.get(f"task-{n}-instructions", ""),
                "who": post.get(f"task-{n}-who", AssigneeKind.ACCOUNT_MANAGER),
                "offset": post.get(f"task-{n}-offset", "0"),
                "doc_name": post.get(f"task-{n}-doc-name", ""),
                "doc_url": post.get(f"task-{n}-doc-url", ""),
                "documents": [existing_docs[k] for k in kept if k in existing_docs],
                "kept": kept,
            }
        )
    return rows


def _specs(rows: list[dict], files) -> list[TaskSpec]:
    users = {u.username: u for u in _staff()}
    specs = []
    for row in rows:
        if not row["title"].strip():
            continue
        i = len(specs)
        try:
            offset = int(str(row["offset"]).strip() or "0")
        except ValueError:
            raise validation_error(f"tasks[{i}].offset_days", _("must be a whole number")) from None
        who = row["who"]
        kind, assignee = AssigneeKind.ACCOUNT_MANAGER, None
        if who != AssigneeKind.ACCOUNT_MANAGER:
            kind, assignee = AssigneeKind.STAFF, users.get(who)
        documents = [DocumentSpec(keep=public_id) for public_id in sorted(row["kept"])]
        upload = files.get(f"task-{row['n']}-doc-file")
        if upload is not None or row["doc_url"].strip():
            documents.append(DocumentSpec(name=row["doc_name"], url=row["doc_url"], upload=upload))
        specs.append(
            TaskSpec(
                title=row["title"],
                instructions=row["instructions"],
                assignee_kind=kind,
                assignee=assignee,
                offset_days=offset,
                documents=documents,
            )
        )
    return specs


def _render_form(request, *, template, values: dict, rows: list[dict], error=None, status=200):
    rows = list(rows)
    for row in rows:
        row.setdefault("documents", [])
        row.setdefault("kept", set())
    rows += [
        {"title": "", "instructions": "", "who": AssigneeKind.ACCOUNT_MANAGER, "offset": ""}
        for _ in range(BLANK_ROWS)
    ]
    for n, row in enumerate(rows):
        row["n"] = n
    context = {
        "template": template,
        "values": values,
        "rows": rows,
        "services": _services(),
        "staff": _staff(),
        "error": error,
    }
    return render(request, "onboarding/template_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def template_edit(request, public_id: str | None = None):
    authorize(request.user, Action.DESK_CONFIGURE)
    template = onboarding_template_get(public_id=public_id) if public_id else None
    if request.method == "GET":
        if template is None:
            values = {"name": "", "service": "", "active": True, "position": 0}
            rows = []
        else:
            values = {
                "name": template.name,
                "service": template.service.public_id if template.service else "",
                "active": template.active,
                "position": template.position,
            }
            rows = _rows_from_template(template)
        return _render_form(request, template=template, values=values, rows=rows)

    post = request.POST
    values = {
        "name": post.get("name", ""),
        "service": post.get("service", ""),
        "active": post.get("active") == "on",
        "position": post.get("position", "0"),
    }
    existing = {}
    if template is not None:
        for task in onboarding_template_tasks(template=template):
            existing.update({d.public_id: d for d in task.documents.all()})
    rows = _rows_from_post(post, existing)
    try:
        service = None
        if values["service"]:
            service = _services().filter(public_id=values["service"]).first()
            if service is None:
                raise validation_error("service", _("is not a personalised service"))
        try:
            position = int(values["position"] or 0)
        except ValueError:
            raise validation_error("position", _("must be a whole number")) from None
        fields = {
            "name": values["name"],
            "service": service,
            "active": values["active"],
            "position": position,
            "tasks": _specs(rows, request.FILES),
        }
        if template is None:
            template = onboarding_template_create(actor=request.user, **fields)
        else:
            template = onboarding_template_update(actor=request.user, template=template, **fields)
    except ApplicationError as exc:
        if exc.code != ErrorCode.VALIDATION:
            raise
        return _render_form(
            request, template=template, values=values, rows=rows, error=exc, status=422
        )
    messages.success(request, _("Template saved."))
    return redirect(reverse("onboarding:template_edit", args=[template.public_id]))


@require_POST
def template_delete(request, public_id: str):
    template = onboarding_template_get(public_id=public_id)
    onboarding_template_delete(actor=request.user, template=template)
    messages.success(request, _("Template deleted."))
    return redirect(reverse("onboarding:templates"))
