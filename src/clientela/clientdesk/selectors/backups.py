"""Reads on backup account managers."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from clientela.clientdesk.models import RelationshipBackup

# Roles that may be a backup of a client (the owner roles minus admins, who act on every
# client anyway).
BACKUP_ROLES = frozenset({"account_manager", "manager"})


def _backups():
    # A backup who later became the owner (parties.relationship_assign_owner knows nothing
    # of backups) is the owner, not a backup: left out everywhere.
    return RelationshipBackup.objects.exclude(user_id=F("relationship__owner_id"))


def relationship_backup_ids(*, relationship_id: int) -> set[int]:
    """User ids of the relationship's backups (empty without any), never its owner. One
    query."""
    return set(_backups().filter(relationship_id=relationship_id).values_list("user_id", flat=True))


def relationship_backups(*, relationship_id: int) -> list[RelationshipBackup]:
    """The relationship's backups with their user loaded, by name."""
    return list(
        _backups()
        .filter(relationship_id=relationship_id)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username", "id")
    )


def backup_ids_by_relationship(*, relationship_ids: list[int]) -> dict[int, set[int]]:
    """Relationship id -> user ids of its backups, for a batch (one query)."""
    result: dict[int, set[int]] = {}
    rows = (
        _backups()
        .filter(relationship_id__in=relationship_ids)
        .values_list("relationship_id", "user_id")
    )
    for relationship_id, user_id in rows:
        result.setdefault(relationship_id, set()).add(user_id)
    return result


def relationships_accessible_ids(*, user) -> QuerySet:
    """A subquery of the ids of the current relationships `user` owns or backs up (use it in
    `id__in=`; it is not evaluated here)."""
    from clientela.parties.models import Relationship

    return (
        Relationship.objects.filter(is_current=True)
        .filter(Q(owner_id=user.pk) | Q(backups__user_id=user.pk))
        .values("id")
    )


def is_backup(*, user_id: int, relationship_id: int) -> bool:
    return RelationshipBackup.objects.filter(
        relationship_id=relationship_id, user_id=user_id
    ).exists()
