"""Audit trail writes. Every state-changing service calls `audit_record` in its transaction."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

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


def business_update(
    *, actor, name: str | None = None, business_type: str | None = None, currency: str | None = None
):
    """Change the business's name, type or currency (admins, or the system)."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from clientela.accounts.permissions import Action, authorize
    from clientela.core.errors import from_django_validation, validation_error
    from clientela.core.selectors import business_get

    authorize(actor, Action.SETTINGS_MANAGE)
    business = business_get()
    changes = {"name": name, "business_type": business_type, "currency": currency}
    changes = {key: value.strip() for key, value in changes.items() if value is not None}
    if "name" in changes and not changes["name"]:
        raise validation_error("name", _("is required"))
    if "currency" in changes:
        changes["currency"] = changes["currency"].upper()
        if len(changes["currency"]) != 3 or not changes["currency"].isalpha():
            raise validation_error("currency", _("must be a three-letter ISO 4217 code"))
    for key, value in changes.items():
        setattr(business, key, value)
    try:
        business.full_clean()
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    with transaction.atomic():
        business.save()
        audit_record(actor=actor, action="business.updated", target=business, data=changes)
    return business
