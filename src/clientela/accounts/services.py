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


def user_set_role(*, actor, user: User, role: str) -> User:
    """Change a user's role (admins, or the system). The last active admin keeps the role,
    so the installation is never left without someone who can manage users."""
    authorize(actor, Action.USER_MANAGE)
    if role not in Role.values:
        raise validation_error(
            "role", _("must be one of %(choices)s") % {"choices": ", ".join(Role.values)}
        )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.role == role:
            return user
        if locked.role == Role.ADMIN and locked.is_active:
            _keep_an_admin(locked, field="role")
        before = locked.role
        locked.role = role
        locked.is_staff = role in {Role.ADMIN, Role.MANAGER}
        locked.is_superuser = role == Role.ADMIN
        locked.save(update_fields=["role", "is_staff", "is_superuser"])
        audit_record(
            actor=actor, action="user.role_set", target=locked, data={"from": before, "to": role}
        )
    user.role, user.is_staff, user.is_superuser = role, locked.is_staff, locked.is_superuser
    return user


def user_set_active(*, actor, user: User, active: bool) -> User:
    """Deactivate (or reactivate) a user: a deactivated user cannot sign in and their API
    tokens stop working; their history stays. The last active admin stays active."""
    authorize(actor, Action.USER_MANAGE)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active == active:
            return user
        if not active and locked.role == Role.ADMIN:
            _keep_an_admin(locked, field="is_active")
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="user.activated" if active else "user.deactivated",
            target=locked,
            data={"username": locked.username},
        )
    user.is_active = active
    return user


def _keep_an_admin(admin: User, *, field: str) -> None:
    others = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=admin.pk)
    if not others.exists():
        raise ApplicationError(
            ErrorCode.CONFLICT,
            _("%(user)s is the last active admin: make someone else admin first.")
            % {"user": admin.username},
            {"fields": {field: [_("the last active admin")]}},
        )
