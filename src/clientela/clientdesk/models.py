"""Client desk: models.

A client has one account manager (`parties.Relationship.owner`) and optional backups, who
may act on the client like its owner (see `accounts.permissions`), e.g. while the owner is
away.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clientela.core.models import PublicIdModel


class RelationshipBackup(PublicIdModel):
    """A backup account manager for one relationship. Unique per (relationship, user); the
    owner is never a backup of their own client (checked by the service)."""

    PUBLIC_ID_PREFIX = "bku"

    relationship = models.ForeignKey(
        "parties.Relationship", on_delete=models.CASCADE, related_name="backups"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backup_relationships"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("backup account manager")
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "user"], name="uniq_relationship_backup"
            ),
        ]
        indexes = [models.Index(fields=["user", "relationship"], name="backup_user_rel")]

    def __str__(self) -> str:
        return f"{self.user_id} backs up {self.relationship_id}"
