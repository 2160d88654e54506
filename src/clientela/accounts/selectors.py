from __future__ import annotations

from django.db.models import QuerySet

from clientela.accounts.models import Role, User


def user_list_account_managers() -> QuerySet[User]:
    """Active users who can own clients (account managers, managers, admins), by name."""
    return User.objects.filter(
        is_active=True, role__in=[Role.ACCOUNT_MANAGER, Role.MANAGER, Role.ADMIN]
    ).order_by("first_name", "last_name", "username")
