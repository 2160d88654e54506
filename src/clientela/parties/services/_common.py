"""Helpers shared by the party and relationship services."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.core.errors import (
    ApplicationError,
    ErrorCode,
    from_django_validation,
    validation_error,
)


def save_validated(
    instance, exclude: list[str] | None = None, update_fields: list[str] | None = None
) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    try:
        with transaction.atomic():
            instance.save(update_fields=update_fields)
    except IntegrityError as exc:
        raise ApplicationError(
            ErrorCode.CONFLICT, _("Conflicts with an existing record: %(error)s") % {"error": exc}
        ) from exc


def require_aware(field: str, value: datetime | None) -> None:
    if value is not None and (not isinstance(value, datetime) or timezone.is_naive(value)):
        raise validation_error(field, _("needs a time zone"))
