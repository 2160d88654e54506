"""Staff user management: only admins (or the system) create users and change roles."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clientela.accounts.models import Role, User
from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.core.services import audit_record


def user_create(
    *,
    actor,
    username: str,
    role: str,
    email: str = "",
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    language: str = "en",
    validate: bool = True,
) -> tuple[User, str]:
    """Create a staff user; returns (user, password). A password is generated when none is
    given. `validate=False` skips the strength rules (demo users with printed passwords)."""
    authorize(actor, Action.USER_MANAGE)
    username = (username or "").strip()
    if not username:
        raise validation_error("username", _("is required"))
    if role not in Role.values:
        raise validation_error(
            "role", _("must be one of %(choices)s") % {"choices": ", ".join(Role.values)}
        )
    if User.objects.filter(username__iexact=username).exists():
        raise _username_taken(username)
    password = password or secrets.token_urlsafe(12)
    user = User(
        username=username,
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        language=language,
        is_staff=role in {Role.ADMIN, Role.MANAGER},
        is_superuser=role == Role.ADMIN,
    )
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise validation_error("password", " ".join(exc.messages)) from exc
    user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as exc:
        from clientela.core.errors import from_django_validation

        raise from_django_validation(exc) from exc
    try:
        with transaction.atomic():
            user.save()
            audit_record(actor=actor, action="user.created", target=user, data={"role": role})
    except IntegrityError as exc:  # a concurrent create took the username first
        raise _username_taken(username) from exc
    return user, password


def user_set_language(*, actor: User, language: str) -> User:
    """Any active user may choose their own interface language (audited)."""
    from django.conf import settings

    if actor is None or not getattr(actor, "is_active", False) or not actor.pk:
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED,
            _("Only a signed-in, active user chooses their language."),
            {"action": "user.language"},
        )
    if language not in dict(settings.LANGUAGES):
        raise validation_error(
            "language", _("unsupported language %(language)s") % {"language": repr(language)}
        )
    before = actor.language
    actor.language = language
    with transaction.atomic():
        actor.save(update_fields=["language"])
        audit_record(
            actor=actor,
            action="user.language_set",
            target=actor,
            data={"from": before, "to": language},
        )
    return actor


def _username_taken(username: str) -> ApplicationError:
    problem = _("%(value)s is already taken") % {"value": repr(username)}
    return ApplicationError(
        ErrorCode.CONFLICT,
        f"username: {problem}",
        {"fields": {"username": [_("already taken")]}},
    )
