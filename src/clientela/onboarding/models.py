"""Onboarding: templates per service and the plans copied from them.

A template lists tasks with who does them (the client's account manager, or a named staff
user) and a deadline in days after the plan's start. A plan is a copy made when a client
enters onboarding: each task keeps its own title, instructions, documents, resolved assignee
and due date, so editing a template never changes a plan already running.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clientela.core.files import random_upload_to
from clientela.core.models import PublicIdModel


class AssigneeKind(models.TextChoices):
    ACCOUNT_MANAGER = "account_manager", _("The client's account manager")
    STAFF = "staff", _("A named staff user")


class OnboardingTemplate(PublicIdModel):
    PUBLIC_ID_PREFIX = "obt"

    name = models.CharField(max_length=200)
    # The personalised service this template is for; empty = the default template, used when
    # no template matches the services of the client's contract.
    service = models.ForeignKey(
        "commerce.CatalogItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="onboarding_templates",
    )
    active = models.BooleanField(default=True)
    # Lower first: when several templates match a contract's services, the first wins.
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class TemplateTask(models.Model):
    template = models.ForeignKey(OnboardingTemplate, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    assignee_kind = models.CharField(
        max_length=20, choices=AssigneeKind.choices, default=AssigneeKind.ACCOUNT_MANAGER
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    offset_days = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class OnboardingPlan(PublicIdModel):
    PUBLIC_ID_PREFIX = "obp"

    relationship = models.ForeignKey(
        "parties.Relationship", on_delete=models.CASCADE, related_name="onboarding_plans"
    )
    template = models.ForeignKey(
        OnboardingTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
    )
    # Kept so the plan still says where it came from after the template is deleted.
    template_name = models.CharField(max_length=200, blank=True)
    start_on = models.DateField()
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship"],
                condition=Q(completed_at__isnull=True),
                name="one_open_onboarding_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_name} ({self.public_id})"


class PlanTask(PublicIdModel):
    PUBLIC_ID_PREFIX = "obk"

    plan = models.ForeignKey(OnboardingPlan, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.PositiveIntegerField(default=0)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.CharField(max_length=500, blank=True)
    # Set once by the late-task sweep (a conditional update), so two workers never both
    # notify about the same task.
    late_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["done_at", "due_on"], name="obk_open_due")]

    def __str__(self) -> str:
        return self.title


class OnboardingDocument(PublicIdModel):
    """A document attached to a template task or a plan task: an uploaded file (stored under
    MEDIA_ROOT, streamed by a view after checking rights) or a URL."""

    PUBLIC_ID_PREFIX = "obf"

    template_task = models.ForeignKey(
        TemplateTask, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    plan_task = models.ForeignKey(
        PlanTask, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to=random_upload_to("onboarding"), max_length=300, blank=True)
    # The uploader's file name (cleaned) and the checked content type, for the download.
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=2000, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(template_task__isnull=False) | Q(plan_task__isnull=False),
                name="onboarding_document_has_task",
            ),
        ]

    def __str__(self) -> str:
        return self.name
