"""Onboarding templates: create, change, delete (managers and admins: DESK_CONFIGURE).

A template is written whole: its fields and its ordered task list. Every input is checked
before anything is written, and a bad one names its field (`tasks[2].title`,
`tasks[0].documents[1].url`), so a half-changed template never exists. Plans already started
are copies and do not change; deleting a template leaves its plans (they keep its name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import from_django_validation, validation_error
from clientela.core.services import audit_record
from clientela.onboarding.models import (
    AssigneeKind,
    OnboardingDocument,
    OnboardingTemplate,
    TemplateTask,
)

MAX_TASKS = 100
MAX_OFFSET_DAYS = 3650


@dataclass
class DocumentSpec:
    """One document of a task: a URL, an upload, or `keep` (the public id of a document the
    template already has, kept as it is)."""

    name: str = ""
    url: str = ""
    upload: Any = None
    keep: str = ""
    content_type: str = ""  # set by the check of an upload


@dataclass
class TaskSpec:
    title: str
    instructions: str = ""
    assignee_kind: str = AssigneeKind.ACCOUNT_MANAGER
    assignee: Any = None  # a User when assignee_kind is "staff"
    offset_days: int = 0
    documents: list[DocumentSpec] = field(default_factory=list)


def _checked_fields(*, name: str, service, position: int) -> str:
    name = (name or "").strip()
    if not name:
        raise validation_error("name", _("is required"))
    if len(name) > 200:
        raise validation_error("name", _("is longer than 200 characters"))
    if service is not None and service.offering != "personalised":
        raise validation_error("service", _("must be a personalised service"))
    if not 0 <= position <= 100000:
        raise validation_error("position", _("must be between 0 and 100000"))
    return name


def _checked_tasks(tasks: list[TaskSpec], *, template: OnboardingTemplate | None) -> None:
    from clientela.core.files import upload_check

    if len(tasks) > MAX_TASKS:
        raise validation_error("tasks", _("at most 100 tasks"))
    existing = (
        set(
            OnboardingDocument.objects.filter(template_task__template=template).values_list(
                "public_id", flat=True
            )
        )
        if template is not None
        else set()
    )
    for i, task in enumerate(tasks):
        prefix = f"tasks[{i}]"
        task.title = (task.title or "").strip()
        task.instructions = (task.instructions or "").strip()
        if not task.title:
            raise validation_error(f"{prefix}.title", _("is required"))
        if len(task.title) > 200:
            raise validation_error(f"{prefix}.title", _("is longer than 200 characters"))
        if task.assignee_kind not in AssigneeKind.values:
            raise validation_error(f"{prefix}.assignee_kind", _("is not a known choice"))
        if task.assignee_kind == AssigneeKind.STAFF:
            if task.assignee is None:
                raise validation_error(f"{prefix}.assignee", _("is required for a named user"))
            if not task.assignee.is_active:
                raise validation_error(f"{prefix}.assignee", _("is not an active user"))
        else:
            task.assignee = None
        if not isinstance(task.offset_days, int) or not 0 <= task.offset_days <= MAX_OFFSET_DAYS:
            raise validation_error(f"{prefix}.offset_days", _("must be between 0 and 3650"))
        for j, doc in enumerate(task.documents):
            where = f"{prefix}.documents[{j}]"
            if doc.keep:
                if doc.keep not in existing:
                    raise validation_error(f"{where}.keep", _("is not a document of this template"))
                continue
            doc.name = (doc.name or "").strip()
            doc.url = (doc.url or "").strip()
            if doc.upload is not None and doc.url:
                raise validation_error(f"{where}.url", _("give a file or a URL, not both"))
            if doc.upload is None and not doc.url:
                raise validation_error(f"{where}.url", _("give a file or a URL"))
            if doc.url:
                try:
                    URLValidator(schemes=["http", "https"])(doc.url)
                except ValidationError:
                    raise validation_error(f"{where}.url", _("is not an http(s) URL")) from None
            else:
                doc.content_type = upload_check(field=f"{where}.file", upload=doc.upload)
            if not doc.name:
                doc.name = (
                    doc.url if doc.url else getattr(doc.upload, "name", "") or _("Document")
                )[:200]
            if len(doc.name) > 200:
                raise validation_error(f"{where}.name", _("is longer than 200 characters"))


def _write_tasks(template: OnboardingTemplate, tasks: list[TaskSpec]) -> None:
    from clientela.core.files import original_name

    kept = {doc.keep for task in tasks for doc in task.documents if doc.keep}
    old_tasks = list(template.tasks.all())
    new_tasks = []
    for i, spec in enumerate(tasks):
        task = TemplateTask(
            template=template,
            title=spec.title,
            instructions=spec.instructions,
            assignee_kind=spec.assignee_kind,
            assignee=spec.assignee,
            offset_days=spec.offset_days,
            position=i,
        )
        task.full_clean(exclude=["template"])
        task.save()
        new_tasks.append(task)
        for doc in spec.documents:
            if doc.keep:
                OnboardingDocument.objects.filter(public_id=doc.keep).update(
                    template_task=task, updated_at=timezone.now()
                )
                continue
            row = OnboardingDocument(template_task=task, name=doc.name, url=doc.url)
            if doc.upload is not None:
                row._upload_content_type = doc.content_type
                row.content_type = doc.content_type
                row.filename = original_name(getattr(doc.upload, "name", ""), doc.content_type)
                row.file.save(row.filename, doc.upload, save=False)
            row.save()
    # Documents not kept go with their old task (the stored files stay for plans that
    # copied them).
    OnboardingDocument.objects.filter(template_task__in=old_tasks).exclude(
        public_id__in=kept
    ).delete()
    TemplateTask.objects.filter(pk__in=[t.pk for t in old_tasks]).delete()


def onboarding_template_create(
    *,
    actor,
    name: str,
    service=None,
    active: bool = True,
    position: int = 0,
    tasks: list[TaskSpec] | None = None,
) -> OnboardingTemplate:
    """A new template with its tasks (DESK_CONFIGURE). `service` None = a default template."""
    authorize(actor, Action.DESK_CONFIGURE)
    tasks = tasks or []
    name = _checked_fields(name=name, service=service, position=position)
    _checked_tasks(tasks, template=None)
    template = OnboardingTemplate(name=name, service=service, active=active, position=position)
    try:
        template.full_clean()
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    with transaction.atomic():
        template.save()
        _write_tasks(template, tasks)
        audit_record(
            actor=actor,
            action="onboarding.template_created",
            target=template,
            data={"name": name, "tasks": len(tasks)},
        )
    return template


def onboarding_template_update(
    *,
    actor,
    template: OnboardingTemplate,
    name: str,
    service=None,
    active: bool = True,
    position: int = 0,
    tasks: list[TaskSpec] | None = None,
) -> OnboardingTemplate:
    """Replace the template's fields and task list (DESK_CONFIGURE). Existing documents stay
    only when a task lists them with `keep`."""
    authorize(actor, Action.DESK_CONFIGURE)
    tasks = tasks or []
    name = _checked_fields(name=name, service=service, position=position)
    _checked_tasks(tasks, template=template)
    with transaction.atomic():
        template = OnboardingTemplate.objects.select_for_update().get(pk=template.pk)
        template.name = name
        template.service = service
        template.active = active
        template.position = position
        template.updated_at = timezone.now()
        try:
            template.full_clean()
        except ValidationError as exc:
            raise from_django_validation(exc) from exc
        template.save()
        _write_tasks(template, tasks)
        audit_record(
            actor=actor,
            action="onboarding.template_updated",
            target=template,
            data={"name": name, "tasks": len(tasks), "active": active},
        )
    return template


def onboarding_template_delete(*, actor, template: OnboardingTemplate) -> None:
    """Delete the template and its tasks (DESK_CONFIGURE); plans started from it stay."""
    authorize(actor, Action.DESK_CONFIGURE)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="onboarding.template_deleted",
            target=template,
            data={"name": template.name},
        )
        OnboardingDocument.objects.filter(template_task__template=template).delete()
        template.delete()
