from __future__ import annotations

from django.db.models import QuerySet

from clientela.accounts.models import Role, User


def user_list_account_managers() -> QuerySet[User]:
    """Active users who can own clients (account managers, managers, admins), by name."""
    return User.objects.filter(
        is_active=True, role__in=[Role.ACCOUNT_MANAGER, Role.MANAGER, Role.ADMIN]
    ).order_by("first_name", "last_name", "username")


def user_get(*, username: str) -> User:
    """The user with exactly this username; NOT_FOUND otherwise."""
    from django.utils.translation import gettext as _

    from clientela.core.errors import ApplicationError, ErrorCode

    found = User.objects.filter(username=username).first()
    if found is None:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, _("No user named %(username)s.") % {"username": username}
        )
    return found


def user_list(*, actor, role: str = "", active: bool | None = None) -> QuerySet[User]:
    """Every staff user matching the filters, unordered. Only admins (and the system) list
    users, as only they manage them."""
    from clientela.accounts.permissions import Action, authorize

    authorize(actor, Action.USER_MANAGE)
    qs = User.objects.all()
    if role:
        qs = qs.filter(role=role)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs
