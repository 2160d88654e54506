"""Writes on backup account managers.

Who may name or remove a backup: managers and admins (RELATIONSHIP_ASSIGN) on every client,
and the client's own account manager (its owner) on their own client. A backup may also
remove themselves. Backups exist only on a current client relationship.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, is_allowed
from clientela.clientdesk.models import RelationshipBackup
from clientela.clientdesk.selectors.backups import BACKUP_ROLES
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.core.services import audit_record
from clientela.parties.services import relationship_lock


def _may_manage_backups(actor, relationship) -> bool:
    if is_allowed(actor, Action.RELATIONSHIP_ASSIGN):
        return True
    return (
        getattr(actor, "is_active", False)
        and actor.role == "account_manager"
        and relationship.owner_id == actor.pk
    )


def _deny() -> ApplicationError:
    return ApplicationError(
        ErrorCode.PERMISSION_DENIED,
        _("Only the client's account manager, managers and admins change its backups."),
        {"action": Action.RELATIONSHIP_ASSIGN.value},
    )


def relationship_backup_add(*, actor, relationship, user) -> RelationshipBackup:
    """Name `user` a backup of the client `relationship`.

    Guarantees: the relationship row is locked, so the owner check sees the real owner;
    the relationship is a current client; the user is an active account manager or manager
    and not the owner; a user is a backup at most once (CONFLICT); an audit event."""
    from clientela.parties.models import RelationshipKind

    with transaction.atomic():
        locked = relationship_lock(relationship=relationship)
        if not _may_manage_backups(actor, locked):
            raise _deny()
        if not locked.is_current or locked.kind != RelationshipKind.CLIENT:
            raise ApplicationError(
                ErrorCode.CONFLICT, _("Only a current client relationship has backups.")
            )
        if user.role not in BACKUP_ROLES or not user.is_active:
            raise validation_error(
                "user", _("%(user)s is not an active account manager or manager") % {"user": user}
            )
        if user.pk == locked.owner_id:
            raise validation_error(
                "user", _("%(user)s is the client's account manager already") % {"user": user}
            )
        backup = RelationshipBackup(relationship=locked, user=user, added_by=actor)
        backup.assign_public_id()
        try:
            with transaction.atomic():
                backup.save()
        except IntegrityError as exc:
            raise ApplicationError(
                ErrorCode.CONFLICT,
                _("%(user)s is a backup of this client already.") % {"user": user},
            ) from exc
        audit_record(
            actor=actor,
            action="relationship.backup_added",
            target=locked,
            data={"user": user.username},
        )
    return backup


def relationship_backup_remove(*, actor, relationship, user) -> None:
    """Remove `user` from the relationship's backups (NOT_FOUND when not a backup).
    Guarantees: the same rights as adding, plus a backup removing themselves; an audit
    event."""
    with transaction.atomic():
        locked = relationship_lock(relationship=relationship)
        if not (_may_manage_backups(actor, locked) or getattr(actor, "pk", None) == user.pk):
            raise _deny()
        deleted, _rows = RelationshipBackup.objects.filter(
            relationship_id=locked.pk, user_id=user.pk
        ).delete()
        if not deleted:
            raise ApplicationError(
                ErrorCode.NOT_FOUND,
                _("%(user)s is not a backup of this client.") % {"user": user},
            )
        audit_record(
            actor=actor,
            action="relationship.backup_removed",
            target=locked,
            data={"user": user.username},
        )
