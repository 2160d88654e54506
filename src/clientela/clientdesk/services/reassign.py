"""Bulk reassignment of clients from one account manager to another."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.clientdesk.models import RelationshipBackup
from clientela.core.errors import ApplicationError, ErrorCode, validation_error


def relationships_reassign(
    *,
    actor,
    to_owner,
    relationship_public_ids: list[str] | None = None,
    from_owner=None,
) -> list[str]:
    """Give `to_owner` the listed relationships, or all current relationships `from_owner`
    owns; return the public ids of those that changed owner (ones `to_owner` already owns
    are left alone), in id order.

    Guarantees: managers and admins only (RELATIONSHIP_ASSIGN); all or nothing: the rows are
    locked in id order, then every relationship passes the very rules of
    `parties.services.relationship_assign_owner` (shared helper
    `relationship_owner_change_locked`) or nothing is saved; an audit event per relationship;
    one `party_current_refresh` for all parties. The new owner stops being a backup of the
    clients they now own. Onboarding tasks are not moved: the late-task list follows the
    client's account manager, so the new owner sees them at once, and tasks assigned to a
    named colleague stay with that colleague."""
    from clientela.parties.models import Relationship
    from clientela.parties.services import party_current_refresh, relationship_owner_change_locked

    authorize(actor, Action.RELATIONSHIP_ASSIGN)
    if to_owner is None:
        raise validation_error("to_owner", _("is required"))
    if (relationship_public_ids is None) == (from_owner is None):
        raise validation_error(
            "relationships", _("give either the relationships or the account manager to empty")
        )
    if from_owner is not None and from_owner.pk == to_owner.pk:
        raise validation_error("to_owner", _("must differ from the current account manager"))
    with transaction.atomic():
        if from_owner is not None:
            wanted = Relationship.objects.filter(owner_id=from_owner.pk, is_current=True)
        else:
            ids = list(dict.fromkeys(relationship_public_ids))
            if not ids:
                raise validation_error("relationships", _("choose at least one client"))
            wanted = Relationship.objects.filter(public_id__in=ids)
        locked = list(
            wanted.select_for_update(of=("self",)).select_related("party", "owner").order_by("id")
        )
        if from_owner is None and len(locked) != len(ids):
            missing = sorted(set(ids) - {r.public_id for r in locked})
            raise ApplicationError(
                ErrorCode.NOT_FOUND,
                _("No such relationship: %(ids)s.") % {"ids": ", ".join(missing)},
                {"relationships": missing},
            )
        moved = [r for r in locked if r.owner_id != to_owner.pk]
        for relationship in moved:
            relationship_owner_change_locked(actor=actor, locked=relationship, owner=to_owner)
        if moved:
            RelationshipBackup.objects.filter(
                relationship_id__in=[r.pk for r in moved], user_id=to_owner.pk
            ).delete()
            party_current_refresh(party_ids=[r.party_id for r in moved])
    return [r.public_id for r in moved]
