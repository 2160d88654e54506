"""Reads the classification needs from the operational database."""

from __future__ import annotations

from collections.abc import Iterable


def staff_names_by_id(*, ids: Iterable[int]) -> dict[int, str]:
    """Staff user id -> the name people know them by (full name, else username); ids of
    users that no longer exist are left out."""
    from clientela.accounts.models import User

    wanted = {int(i) for i in ids}
    if not wanted:
        return {}
    return {user.pk: str(user) for user in User.objects.filter(pk__in=wanted)}
