"""Audit trail reads."""

from __future__ import annotations

from django.db.models import QuerySet

from clientela.core.models import AuditEvent


def audit_list_for(*, target_id: str, limit: int = 50) -> QuerySet[AuditEvent]:
    """Newest first; a queryset of AuditEvent with the actor loaded."""
    return AuditEvent.objects.filter(target_id=target_id).select_related("actor")[:limit]


def business_get():
    """The business row, created with defaults on first read."""
    from clientela.core.models import Business

    business, _ = Business.objects.get_or_create(pk=1)
    return business


def audit_list_for_any(*, target_ids: list[str], limit: int = 50) -> QuerySet[AuditEvent]:
    """Newest first across several targets (a party and its relationships), actor loaded."""
    return AuditEvent.objects.filter(target_id__in=target_ids).select_related("actor")[:limit]
