"""Audit trail writes. Every state-changing service calls `audit_record` in its transaction."""

from __future__ import annotations

from typing import Any

from clientela.core.models import AuditEvent


def audit_record(*, actor, action: str, target, data: dict[str, Any] | None = None) -> AuditEvent:
    """Record that `actor` (None for the system: CLI, worker) did `action` to `target`."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.model_name,
        target_id=getattr(target, "public_id", None) or str(target.pk),
        data=_jsonable(data or {}),
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
