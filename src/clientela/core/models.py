"""Base model and the audit trail shared by every app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.core.ids import new_public_id


class PublicIdModel(models.Model):
    """A model with a stable public id (`<prefix>_<random>`) and creation/update times."""

    PUBLIC_ID_PREFIX = "obj"

    public_id = models.CharField(max_length=40, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.public_id:
            self.public_id = new_public_id(self.PUBLIC_ID_PREFIX)
        super().save(*args, **kwargs)

    def assign_public_id(self) -> None:
        """For bulk paths that bypass save()."""
        if not self.public_id:
            self.public_id = new_public_id(self.PUBLIC_ID_PREFIX)


class AuditEvent(models.Model):
    """Who changed what, when. Append-only: services write it, nothing updates it."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=40)
    target_id = models.CharField(max_length=40, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_id}"


class BusinessType(models.TextChoices):
    PROFESSIONAL_SERVICES = "professional_services", _("Professional services")
    RETAIL = "retail", _("Retail")
    HOSPITALITY = "hospitality", _("Hospitality")
    BANKING = "banking", _("Banking")
    ECOMMERCE = "ecommerce", _("E-commerce")


class Business(models.Model):
    """The one business this installation serves (single row, id=1)."""

    name = models.CharField(max_length=200, default="My business")
    business_type = models.CharField(
        max_length=30, choices=BusinessType.choices, default=BusinessType.PROFESSIONAL_SERVICES
    )
    currency = models.CharField(max_length=3, default="EUR")
    # The classification's and the radar's adjustable weights and thresholds, only the values
    # an admin changed (see growth.settings); the defaults follow the business type.
    growth_settings = models.JSONField(default=dict, blank=True)
    # The client desk's switches and defaults, only the values an admin changed (see
    # clientdesk.settings).
    desk_settings = models.JSONField(default=dict, blank=True)
    # The customer desk's settings that differ from their defaults (customerdesk.settings).
    customer_desk_settings = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name
